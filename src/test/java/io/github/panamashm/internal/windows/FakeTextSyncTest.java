package io.github.panamashm.internal.windows;

import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.SharedString;
import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.Names;
import io.github.panamashm.internal.PeerWait;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import static io.github.panamashm.internal.Backend.TextOpen.OPEN_OR_CREATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Windows text sync against the model, plus what only the model can show: the calls a set makes, and
 * failures injected into each call, after which nothing is left open and the next call works.
 */
class FakeTextSyncTest extends TextSyncContractTest {
    private final FakeKernel32 kernel = new FakeKernel32();

    @Override
    SimulatedProcess newProcess() {
        return SimulatedProcess.of(kernel.newProcess());
    }

    @Override
    int pingPongRounds() {
        return Integer.getInteger("wsync.rounds", 5000); // fewer for mutation testing, where each mutant reruns it
    }

    private static SharedString open(FakeKernel32 k, String name, Duration peer) throws Exception {
        return SimulatedProcess.of(k).api().openText(OPEN_OR_CREATE, name, peer);
    }

    private static List<String> wakeCalls(FakeKernel32 k) {
        return k.log().stream().filter(c -> c.startsWith("Open(an event") || c.startsWith("SetEvent")
                || c.startsWith("CreateEventW")).toList();
    }

    @Test
    @DisplayName("a set nobody waits for makes no wake call: it takes and releases the mutex, nothing else")
    void setWithoutWaitersMakesNoWakeCall() throws Exception {
        FakeKernel32 k = kernel.newProcess();
        try (SharedString s = open(k, name("quiet"), Duration.ofSeconds(5))) {
            k.log().clear();
            s.set("nobody listens");
            assertEquals(List.of("WaitForSingleObject(" + WindowsTextSync.SLICE_MILLIS + ")", "ReleaseMutex"), k.log(),
                    "a free mutex is taken at once, whatever the slice");
        }
    }

    @Test
    @DisplayName("a set with a waiter opens the generation's event and sets it")
    void setWithAWaiterSetsTheEvent() throws Exception {
        FakeKernel32 k = kernel.newProcess();
        String name = name("loud");
        try (SharedString s = open(k, name, Duration.ofSeconds(5))) {
            k.log().clear();
            s.memory().segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 4116, 1); // a waiter elsewhere
            s.set("someone listens");
            assertEquals(List.of("Open(an event, \"" + WindowsTextSync.eventName(name, 0) + "\")"), wakeCalls(k),
                    "nobody has the event open yet: nothing to set");
        }
    }

    @Test
    @DisplayName("CreateMutexW failing fails the attach naming it, and leaves no handle or view")
    void mutexFailureLeavesNothing() {
        FakeKernel32 k = kernel.newProcess();
        k.failNext("CreateMutexW", Kernel32.ERROR_NO_SYSTEM_RESOURCES);
        SharedMemoryException e = assertThrows(SharedMemoryException.class,
                () -> open(k, name("no-mutex"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("CreateMutexW") && e.getMessage().contains("\\u001Fwriters")
                && e.getMessage().contains("ERROR_NO_SYSTEM_RESOURCES"), e.getMessage());
        assertEquals(0, k.openHandles());
        assertEquals(0, k.mappedViews());
    }

    @Test
    @DisplayName("detach closes the mapping and the mutex")
    void detachClosesEverything() throws Exception {
        FakeKernel32 k = kernel.newProcess();
        String name = name("detach");
        open(k, name, Duration.ofSeconds(5)).close();
        assertEquals(0, k.openHandles());
        assertEquals(0, k.mappedViews());
        assertTrue(!k.exists(name) && !k.exists(WindowsTextSync.mutexName(name)));
    }

    @Test
    @DisplayName("ReleaseMutex or WaitForSingleObject failing fails that set naming the call; the next set works")
    void lockCallFailuresAreReported() throws Exception {
        FakeKernel32 k = kernel.newProcess();
        try (SharedString s = open(k, name("lock-fail"), Duration.ofSeconds(5))) {
            for (String call : List.of("ReleaseMutex", "WaitForSingleObject")) {
                k.failNext(call, Kernel32.ERROR_INVALID_HANDLE);
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> s.set("x"));
                assertTrue(e.getMessage().contains(call) && e.getMessage().contains("ERROR_INVALID_HANDLE"),
                        e.getMessage());
                if (call.equals("ReleaseMutex")) { // still owned by this thread: release it as the set could not
                    k.ReleaseMutex(k.lastErrorState(), java.lang.foreign.MemorySegment.ofAddress(mutexOf(k)));
                }
                // From another thread: the failed set must have let go of the attachment's own lock too.
                Thread t = Thread.ofPlatform().start(() -> s.set("after " + call));
                t.join(10_000);
                assertEquals("after " + call, s.get());
            }
        }
    }

    private static long mutexOf(FakeKernel32 k) {
        return k.handleOf("a mutex");
    }

    @Test
    @DisplayName("CreateEventW failing fails the wait naming the event; OpenEventW failing otherwise than not found fails the wake")
    void eventCallFailuresAreReported() throws Exception {
        FakeKernel32 k = kernel.newProcess();
        try (SharedString s = open(k, name("event-fail"), Duration.ofSeconds(5))) {
            k.failNext("CreateEventW", Kernel32.ERROR_NO_SYSTEM_RESOURCES);
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> s.awaitChange(0, Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("CreateEventW") && e.getMessage().contains("\\u001Fchanged-00000000"),
                    e.getMessage());
            s.memory().segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 4116, 1); // a waiter elsewhere
            k.failNext("OpenEventW", Kernel32.ERROR_ACCESS_DENIED);
            UncheckedIOException w = assertThrows(UncheckedIOException.class, () -> s.set("x"));
            assertTrue(w.getMessage().contains("OpenEventW"), w.getMessage());
            assertEquals("x", s.get(), "the text is stored; only the wake failed");
            s.memory().segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 4116, 0);
        }
        assertEquals(0, k.openHandles());
    }

    @Test
    @DisplayName("an existing block of neither the example's size nor the full size is refused")
    void otherSizesAreRefused() throws Exception {
        FakeKernel32 k = kernel.newProcess();
        String name = name("odd-size");
        try (SharedMemory other = SimulatedProcess.of(kernel.newProcess()).api().openOrCreate(name, 8000)) {
            SharedMemoryException e = assertThrows(SharedMemoryException.class,
                    () -> open(k, name, Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("8192"), e.getMessage());
        }
        assertEquals(0, k.openHandles());
    }

    @Test
    @DisplayName("a text block's name leaves room for its derived names: one unit too long is refused before any call")
    void derivedNamesMustFit() throws Exception {
        FakeKernel32 k = kernel.newProcess();
        String tooLong = "w".repeat(Names.WINDOWS_NAME_UNITS - WindowsTextSync.LONGEST_SUFFIX + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WindowsBackend(
                new Win32Calls(k)).attachText(Backend.TextOpen.OPEN_OR_CREATE, tooLong, Backend.PRIVATE_MODE,
                PeerWait.deadline(Duration.ofSeconds(5))));
        assertTrue(e.getMessage().contains("at most " + (Names.WINDOWS_NAME_UNITS - WindowsTextSync.LONGEST_SUFFIX)));
        assertEquals(List.of(), k.log());
        try (SharedString s = open(k, tooLong.substring(1), Duration.ofSeconds(5))) {
            s.set("fits");
        }
    }
}
