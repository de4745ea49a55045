package io.github.panamashm.internal.windows;

import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;
import io.github.panamashm.internal.Attachment;
import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.LatchedText;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.TextLayout;
import io.github.panamashm.internal.TextSync;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.github.panamashm.internal.Backend.TextOpen.OPEN_OR_CREATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code SharedString}'s guarantees on Windows ({@link WindowsTextSync}) across simulated processes, run against
 * the model ({@link FakeTextSyncTest}) and Wine's kernel32 ({@link WineTextSyncTest}): untorn text, the writers'
 * mutex (a dead holder's set replaced promptly, a live one's bounded by the deadline), and the waits.
 */
abstract class TextSyncContractTest {
    private static final Duration PEER = Duration.ofSeconds(30);
    private final List<SimulatedProcess> processes = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    abstract SimulatedProcess newProcess();

    /** @return how many ping-pong rounds this kernel runs in a few seconds */
    abstract int pingPongRounds();

    final SimulatedProcess start() {
        SimulatedProcess p = newProcess();
        processes.add(p);
        return p;
    }

    @AfterEach
    void end() throws Exception {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (IllegalStateException | UncheckedIOException ignored) {
                // a process of it was ended by the test
            }
        }
        for (SimulatedProcess p : processes) {
            p.close();
        }
    }

    static String name(String what) {
        return TestNames.unique("wsync-" + what);
    }

    SharedString text(SimulatedProcess p, String name, Duration peerTimeout) throws Exception {
        SharedString s = p.api().openText(OPEN_OR_CREATE, name, peerTimeout);
        open.add(s);
        return s;
    }

    SharedString text(SimulatedProcess p, String name) throws Exception {
        return text(p, name, PEER);
    }

    @Test
    @DisplayName("a text block has its control area on Windows: sets are versioned and seen by another process")
    void textBlockHasItsControlArea() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("area");
        SharedString sa = text(a, name), sb = text(b, name);
        assertTrue(sa.hasControlArea());
        assertEquals(SharedString.OBJECT_SIZE, sa.memory().byteSize());
        assertEquals(0, sb.version());
        sa.set("first");
        sb.set("second, longer");
        assertEquals(new SharedString.Snapshot("second, longer", 2), sa.snapshot());
    }

    @Test
    @DisplayName("a live 4096-byte block an example-layout peer made is used as it is: set and get work, versions are refused")
    void exampleBlockHasNoControlArea() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("example");
        SharedMemory example = a.api().openOrCreate(name, SharedString.BYTE_SIZE);
        open.add(example);
        SharedString s = text(b, name);
        assertFalse(s.hasControlArea());
        assertEquals(SharedString.BYTE_SIZE, s.memory().byteSize());
        s.set("plain");
        assertEquals('p', example.segment().get(ValueLayout.JAVA_CHAR_UNALIGNED, 0));
        assertThrows(UnsupportedOperationException.class, s::version);
    }

    @Test
    @DisplayName("a writer killed while holding the mutex: readers see the old text whole, and the next set completes at once")
    void killedHolderIsReplacedPromptly() throws Exception {
        SimulatedProcess a = start(), b = start();
        assumeTrue(b.canExit());
        String name = name("killed");
        SharedString sa = text(a, name);
        sa.set("old text");
        // b takes the mutex as its set would, then dies half-way through rewriting copy0 (the memory is shared:
        // a's view shows what b wrote).
        Win32Calls.Result m = b.calls().openMutex(WindowsTextSync.mutexName(name), Kernel32.SYNCHRONIZE
                | Kernel32.MUTEX_MODIFY_STATE);
        assertEquals(Kernel32.WAIT_OBJECT_0, (int) b.calls().waitForSingleObject(m.value(), 0).value());
        MemorySegment block = sa.memory().segment();
        TextLayout.SEQ.setVolatile(block, 0L, (long) TextLayout.SEQ.getVolatile(block, 0L) + 1);
        block.set(ValueLayout.JAVA_CHAR_UNALIGNED, 0, 'X');
        block.set(ValueLayout.JAVA_CHAR_UNALIGNED, 2, 'Y');
        assertEquals("old text", sa.get(), "readers turn to copy1, whole");
        b.exit();
        long start = System.nanoTime();
        sa.set("new text");
        long took = System.nanoTime() - start;
        assertEquals(new SharedString.Snapshot("new text", 2), sa.snapshot());
        assertTrue(took < TimeUnit.SECONDS.toNanos(5), "took " + took / 1_000_000 + " ms, with a 30 s deadline");
    }

    @Test
    @DisplayName("a live holder keeps the mutex past the deadline: the set fails naming the block, and the text is unchanged")
    void liveHolderTimesOut() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("held");
        SharedString sa = text(a, name, Duration.ofMillis(300));
        sa.set("kept");
        Win32Calls.Result m = b.calls().openMutex(WindowsTextSync.mutexName(name), Kernel32.SYNCHRONIZE
                | Kernel32.MUTEX_MODIFY_STATE);
        assertEquals(Kernel32.WAIT_OBJECT_0, (int) b.calls().waitForSingleObject(m.value(), 0).value());
        long start = System.nanoTime();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> sa.set("lost"));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "not before the deadline");
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("the text is unchanged"), e.getMessage());
        assertEquals(new SharedString.Snapshot("kept", 1), sa.snapshot());
        assertEquals(1, b.calls().releaseMutex(m.value()).value());
        sa.set("then");
        assertEquals("then", sa.get());
    }

    @Test
    @DisplayName("a virtual thread's set waits for a live holder without blocking in the kernel, and completes when it lets go")
    void virtualWriterWaitsForTheHolder() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("virtual");
        SharedString sa = text(a, name);
        Win32Calls.Result m = b.calls().openMutex(WindowsTextSync.mutexName(name), Kernel32.SYNCHRONIZE
                | Kernel32.MUTEX_MODIFY_STATE);
        assertEquals(Kernel32.WAIT_OBJECT_0, (int) b.calls().waitForSingleObject(m.value(), 0).value());
        Thread writer = Thread.ofVirtual().start(() -> sa.set("from a virtual thread"));
        writer.join(Duration.ofMillis(300));
        assertTrue(writer.isAlive(), "it waits while b holds the mutex");
        assertEquals("", sa.get());
        assertEquals(1, b.calls().releaseMutex(m.value()).value());
        writer.join(Duration.ofSeconds(20));
        assertFalse(writer.isAlive());
        assertEquals(new SharedString.Snapshot("from a virtual thread", 1), sa.snapshot());
    }

    @Test
    @DisplayName("sets from two processes and two threads of one are serialised: every read is a text some set stored whole")
    void concurrentSetsNeverTear() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("untorn");
        SharedString sa = text(a, name), sb = text(b, name);
        String shortText = "short", longText = "a much longer text ".repeat(40), middle = "middling ".repeat(9);
        List<String> allowed = List.of("", shortText, longText, middle);
        try (var pool = Executors.newFixedThreadPool(4)) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            Future<Integer> w1 = pool.submit(() -> setUntil(sa, shortText, until));
            Future<Integer> w3 = pool.submit(() -> setUntil(sa, middle, until));
            Future<Integer> w2 = pool.submit(() -> setUntil(sb, longText, until));
            Future<Integer> reader = pool.submit(() -> {
                int reads = 0;
                while (System.nanoTime() < until) {
                    String t = sa.get();
                    assertTrue(allowed.contains(t), "a torn read: " + t);
                    reads++;
                }
                return reads;
            });
            int sets = w1.get() + w2.get() + w3.get();
            assertTrue(reader.get() > 0);
            assertEquals(sets, sa.version(), "every set counted once");
        }
    }

    /** {@return how many times {@code s.set(text)} ran until {@link System#nanoTime()} reached {@code until}} */
    private static int setUntil(SharedString s, String text, long until) {
        int n = 0;
        while (System.nanoTime() < until) {
            s.set(text);
            n++;
        }
        return n;
    }

    @Test
    @DisplayName("a wait ends on another process's set, with that text")
    void waitEndsOnAnotherProcessSet() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("wake");
        SharedString sa = text(a, name), sb = text(b, name);
        CompletableFuture<SharedString.Snapshot> waited = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                waited.complete(sa.awaitChange(0, Duration.ofSeconds(30)));
            } catch (Throwable t) {
                waited.completeExceptionally(t);
            }
        });
        awaitSleeping(sb);
        sb.set("hello");
        assertEquals(new SharedString.Snapshot("hello", 1), waited.get(20, TimeUnit.SECONDS));
        waiter.join();
    }

    /** Waits until some thread counts itself in the block's waiter count: it is about to sleep, or sleeps. */
    private static void awaitSleeping(SharedString s) throws InterruptedException {
        MemorySegment block = s.memory().segment();
        while ((int) TextLayout.WAITERS.getVolatile(block, 0L) == 0) {
            Thread.sleep(1);
        }
    }

    @Test
    @DisplayName("a wait with nothing set ends with TimeoutException, not before its timeout")
    void waitTimesOut() throws Exception {
        SharedString s = text(start(), name("timeout"));
        long start = System.nanoTime();
        assertThrows(TimeoutException.class, () -> s.awaitChange(0, Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300));
    }

    /** Starts a platform thread waiting 30 s for a change of {@code s}; {@code ended} gets what ended it (null: a change). */
    private static Thread startWaiter(SharedString s, CompletableFuture<Throwable> ended) {
        return Thread.ofPlatform().start(() -> {
            try {
                s.awaitChange(0, Duration.ofSeconds(30));
                ended.complete(null);
            } catch (Throwable t) {
                ended.complete(t);
            }
        });
    }

    @Test
    @DisplayName("an interrupt ends a platform thread's wait within a second, with InterruptedException")
    void interruptEndsTheWait() throws Exception {
        SharedString s = text(start(), name("interrupt"));
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread waiter = startWaiter(s, ended);
        awaitSleeping(s);
        long start = System.nanoTime();
        waiter.interrupt();
        assertInstanceOf(InterruptedException.class, ended.get(20, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    @DisplayName("close from another thread ends a wait within a second, with IllegalStateException")
    void closeEndsTheWait() throws Exception {
        SharedString s = text(start(), name("close"));
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        startWaiter(s, ended);
        awaitSleeping(s);
        long start = System.nanoTime();
        s.close();
        assertInstanceOf(IllegalStateException.class, ended.get(20, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    @DisplayName("one set wakes the waiters of several processes, and many virtual threads of one")
    void oneSetWakesManyWaiters() throws Exception {
        String name = name("many");
        SimulatedProcess setter = start();
        SharedString s = text(setter, name);
        List<CompletableFuture<SharedString.Snapshot>> waits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SharedString w = text(start(), name);
            waits.add(CompletableFuture.supplyAsync(() -> await(w), Executors.newThreadPerTaskExecutor(
                    Thread.ofPlatform().factory())));
        }
        SharedString v = text(start(), name);
        try (var virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 16; i++) {
                waits.add(CompletableFuture.supplyAsync(() -> await(v), virtual));
            }
            while ((int) TextLayout.WAITERS.getVolatile(s.memory().segment(), 0L) < 4) { // 3 + the watcher
                Thread.sleep(1);
            }
            s.set("all of you");
            for (CompletableFuture<SharedString.Snapshot> w : waits) {
                assertEquals(new SharedString.Snapshot("all of you", 1), w.get(20, TimeUnit.SECONDS));
            }
        }
    }

    private static SharedString.Snapshot await(SharedString s) {
        try {
            return s.awaitChange(0, Duration.ofSeconds(30));
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @DisplayName("a ping-pong between two processes loses no wake-up: every kernel wait ends because the text changed")
    void pingPongLosesNoWakeUp() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("pingpong");
        Attachment ta = attach(a, name), tb = attach(b, name);
        int rounds = pingPongRounds();
        Future<?> pong;
        try (var pool = Executors.newFixedThreadPool(2)) {
            pong = pool.submit(() -> {
                for (int i = 0; i < rounds; i++) {
                    awaitText(tb, "ping " + i);
                    LatchedText.write(block(tb), tb.textSync(), "pong " + i, PEER);
                }
                return null;
            });
            Future<?> ping = pool.submit(() -> {
                for (int i = 0; i < rounds; i++) {
                    LatchedText.write(block(ta), ta.textSync(), "ping " + i, PEER);
                    awaitText(ta, "pong " + i);
                }
                return null;
            });
            ping.get(120, TimeUnit.SECONDS);
            pong.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            ta.detach();
            tb.detach();
        }
    }

    private Attachment attach(SimulatedProcess p, String name) throws Exception {
        return p.backend().attachText(OPEN_OR_CREATE, name, Backend.PRIVATE_MODE, PeerWait.deadline(PEER));
    }

    private static MemorySegment block(Attachment a) {
        return a.address().reinterpret(a.byteSize());
    }

    /**
     * Waits for {@code text} with the kernel wait itself and a long timeout: with one event per generation, a wait
     * ends only when the word moved; a lost wake-up would end it at the timeout with the word unchanged.
     */
    private static void awaitText(Attachment a, String text) {
        MemorySegment block = block(a);
        TextSync sync = a.textSync();
        while (true) {
            long seq = LatchedText.seq(block);
            if (LatchedText.read(block, SharedString.MAX_LENGTH + 1).equals(text)) {
                return;
            }
            LatchedText.await(block, sync, seq, TimeUnit.SECONDS.toNanos(10));
            assertNotEquals(seq, LatchedText.seq(block), "a wait ended with the text unchanged: a lost wake-up");
        }
    }
}
