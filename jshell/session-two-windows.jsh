// window A: attach to "dllmemfilemap", which nobody holds yet, and store a string
var a = SharedString.open()
a.created()                          // ==> true
a.set("Hello from window A")         // ==> 19
// window B: attach while window A holds the block, read, and answer
var b = SharedString.open()
b.created()                          // ==> false
b.get()                              // ==> "Hello from window A"
b.set("Hello back from window B")    // ==> 24
b.close()
// window A: read the answer, then detach; the last one out frees the block
a.get()                              // ==> "Hello back from window B"
a.close()
