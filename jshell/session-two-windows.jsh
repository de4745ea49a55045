// window A: attach to "dllmemfilemap", which nobody holds yet, and store a string
var a = SharedString.open()
a.created()                          // ==> true
a.set("Hello from window A")         // ==> 19
// window B: attach while window A holds the block, and read the text with its version
var b = SharedString.open()
b.created()                          // ==> false
var seen = b.snapshot()              // ==> Snapshot[text=Hello from window A, version=1]
// window B: wait for the next text; jshell waits here until window A stores one
var next = b.awaitChange(seen.version(), java.time.Duration.ofMinutes(5))
// window A: store the next text; window B's wait ends at once
a.set("Are you there, window B?")    // ==> 24
// window B: read it, answer, and detach
next                                 // ==> Snapshot[text=Are you there, window B?, version=2]
b.set("Hello back from window B")    // ==> 24
b.close()
// window A: read the answer, then detach; the last one out frees the block
a.get()                              // ==> "Hello back from window B"
a.close()
