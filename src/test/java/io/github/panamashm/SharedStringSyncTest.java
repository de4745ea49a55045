package io.github.panamashm;

import io.github.panamashm.internal.TextLayout;
import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Versions and waits of a {@link SharedString} among the threads of one process, platform and virtual, on
 * Linux's primitives (Windows' named mutex and events have their own suite, {@code TextSyncContractTest}, over
 * the model of kernel32 and Wine's). Waits that must end by
 * something other than their timeout get a long timeout and a much shorter bound, {@link #HANG}, that only
 * detects a hang.
 */
@EnabledOnOs(OS.LINUX)
class SharedStringSyncTest {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final long HANG = 20;

    private static SharedString open(String what) throws Exception {
        Backends.assumeSupported();
        return SharedString.open(TestNames.unique("sync-" + what));
    }

    /** Runs {@code task} on a new platform or virtual thread. */
    private static <T> FutureTask<T> start(boolean virtual, Callable<T> task) {
        FutureTask<T> f = new FutureTask<>(task);
        (virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon()).start(f);
        return f;
    }

    private static Throwable failureOf(FutureTask<?> f) throws Exception {
        try {
            f.get(HANG, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /**
     * Blocks until {@code thread} sleeps in a wait: a platform thread inside the OS wait (its state stays
     * RUNNABLE in native code, so its stack tells), a virtual thread parked for the watcher.
     */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG);
        while (!sleeping(thread)) {
            if (System.nanoTime() > end) {
                fail(thread + " never started waiting");
            }
            Thread.sleep(1);
        }
    }

    private static boolean sleeping(Thread thread) {
        for (StackTraceElement e : thread.getStackTrace()) {
            if (thread.isVirtual() ? e.getMethodName().equals("awaitNanos") && thread.getState() == Thread.State.TIMED_WAITING
                    : e.getClassName().endsWith("LinuxTextSync") && e.getMethodName().equals("await")) {
                return true;
            }
        }
        return false;
    }

    @Test
    @DisplayName("a new block is version 0 with the empty text; each set is one version more, seen by every attachment")
    void everySetIsOneVersionMore() throws Exception {
        try (SharedString a = open("version")) {
            assertTrue(a.hasControlArea());
            assertEquals(SharedString.OBJECT_SIZE, a.memory().byteSize());
            assertEquals(new SharedString.Snapshot("", 0), a.snapshot());
            a.set("one");
            try (SharedString b = SharedString.open(a.name())) {
                assertEquals(1, b.version());
                b.set("two");
                assertEquals(new SharedString.Snapshot("two", 2), a.snapshot());
                assertEquals(2, a.version());
            }
        }
    }

    @Test
    @DisplayName("sets from threads of two attachments are serialised: every one counts and the text is always one that was set")
    void concurrentSetsAreSerialisedAndNeverTorn() throws Exception {
        List<String> texts = List.of("a".repeat(2047), "b".repeat(1500), "c".repeat(40), "d", "");
        try (SharedString a = open("serial"); SharedString b = SharedString.open(a.name())) {
            int threads = 4;
            int sets = 3000;
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> torn = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    SharedString.Snapshot s = b.snapshot();
                    if (!texts.contains(s.text())) {
                        torn.compareAndSet(null, s.text());
                    }
                }
            });
            List<FutureTask<Void>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SharedString s = t % 2 == 0 ? a : b;
                int first = t;
                writers.add(start(false, () -> {
                    for (int i = 0; i < sets; i++) {
                        s.set(texts.get((first + i) % texts.size()));
                    }
                    return null;
                }));
            }
            for (FutureTask<Void> w : writers) {
                w.get(HANG * 3, TimeUnit.SECONDS);
            }
            stop.set(true);
            reader.join();
            assertNull(torn.get(), "a reader saw a text nobody set");
            assertEquals((long) threads * sets, a.version());
            assertTrue(texts.contains(a.get()));
        }
    }

    @Test
    @DisplayName("a snapshot's text is always the text stored as its version")
    void aSnapshotsTextAndVersionAgree() throws Exception {
        try (SharedString s = open("agree")) {
            AtomicBoolean stop = new AtomicBoolean();
            FutureTask<Void> writer = start(false, () -> {
                for (long v = 1; !stop.get(); v++) {
                    // The text of version v names v, and its length varies with it.
                    s.set(("v" + v + " ").repeat((int) (v % 300) + 1));
                }
                return null;
            });
            try {
                for (int i = 0; i < 200_000; i++) {
                    SharedString.Snapshot snap = s.snapshot();
                    long v = snap.version();
                    String expected = v == 0 ? "" : ("v" + v + " ").repeat((int) (v % 300) + 1);
                    assertEquals(expected.substring(0, Math.min(expected.length(), SharedString.MAX_LENGTH)),
                            snap.text(), "the text of version " + v);
                }
            } finally {
                stop.set(true);
                writer.get(HANG, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @DisplayName("awaitChange returns at once when the version already differs from the one seen")
    void awaitChangeReturnsAtOnceWhenAlreadyChanged() throws Exception {
        try (SharedString s = open("at-once")) {
            s.set("x");
            assertEquals(new SharedString.Snapshot("x", 1), s.awaitChange(0, Duration.ZERO));
            assertEquals(new SharedString.Snapshot("x", 1), s.awaitChange(7, Duration.ZERO));
        }
    }

    @Test
    @DisplayName("awaitChange ends on a set from another thread, on platform and virtual threads alike")
    void awaitChangeEndsOnASet() throws Exception {
        for (boolean virtual : new boolean[]{false, true}) {
            try (SharedString s = open("wake")) {
                AtomicReference<Thread> waiter = new AtomicReference<>();
                FutureTask<SharedString.Snapshot> f = start(virtual, () -> {
                    waiter.set(Thread.currentThread());
                    return s.awaitChange(0, LONG);
                });
                while (waiter.get() == null) {
                    Thread.onSpinWait();
                }
                awaitWaiting(waiter.get());
                s.set("hello");
                assertEquals(new SharedString.Snapshot("hello", 1), f.get(HANG, TimeUnit.SECONDS), "virtual=" + virtual);
            }
        }
    }

    @Test
    @DisplayName("awaitChange and await time out with TimeoutException, never before the timeout")
    void waitsTimeOutNeverEarly() throws Exception {
        try (SharedString s = open("timeout")) {
            Duration timeout = Duration.ofMillis(250);
            for (boolean virtual : new boolean[]{false, true}) {
                FutureTask<Long> f = start(virtual, () -> {
                    long start = System.nanoTime();
                    TimeoutException e = assertThrows(TimeoutException.class, () -> s.awaitChange(0, timeout));
                    assertTrue(e.getMessage().contains("within PT0.25S"), e.getMessage());
                    return System.nanoTime() - start;
                });
                assertTrue(f.get(HANG, TimeUnit.SECONDS) >= timeout.toNanos(), "returned early, virtual=" + virtual);
                FutureTask<Long> g = start(virtual, () -> {
                    long start = System.nanoTime();
                    TimeoutException e = assertThrows(TimeoutException.class, () -> s.await("never"::equals, timeout));
                    assertTrue(e.getMessage().contains("satisfied the condition"), e.getMessage());
                    return System.nanoTime() - start;
                });
                assertTrue(g.get(HANG, TimeUnit.SECONDS) >= timeout.toNanos(), "returned early, virtual=" + virtual);
            }
        }
    }

    @Test
    @DisplayName("Thread.interrupt() ends a wait with InterruptedException, on platform and virtual threads")
    void interruptEndsAWait() throws Exception {
        try (SharedString s = open("interrupt")) {
            for (boolean virtual : new boolean[]{false, true}) {
                AtomicReference<Thread> waiter = new AtomicReference<>();
                FutureTask<Object> f = start(virtual, () -> {
                    waiter.set(Thread.currentThread());
                    return s.awaitChange(0, LONG);
                });
                while (waiter.get() == null) {
                    Thread.onSpinWait();
                }
                awaitWaiting(waiter.get());
                long start = System.nanoTime();
                waiter.get().interrupt();
                assertInstanceOf(InterruptedException.class, failureOf(f), "virtual=" + virtual);
                System.out.printf("[sync] interrupt ended a %s wait in %.1f ms%n", virtual ? "virtual" : "platform",
                        (System.nanoTime() - start) / 1e6);
            }
            assertEquals(0, s.version());
        }
    }

    @Test
    @DisplayName("close() from another thread ends every wait with IllegalStateException, and later waits too")
    void closeEndsWaits() throws Exception {
        SharedString s = open("close");
        List<FutureTask<Object>> waits = new ArrayList<>();
        List<Thread> waiters = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(4);
        for (boolean virtual : new boolean[]{false, true, false, true}) {
            waits.add(start(virtual, () -> {
                synchronized (waiters) {
                    waiters.add(Thread.currentThread());
                }
                started.countDown();
                return virtual ? s.awaitChange(0, LONG) : s.await("never"::equals, LONG);
            }));
        }
        started.await();
        for (Thread t : List.copyOf(waiters)) {
            awaitWaiting(t);
        }
        long start = System.nanoTime();
        s.close();
        System.out.printf("[sync] close returned in %.1f ms%n", (System.nanoTime() - start) / 1e6);
        for (FutureTask<Object> f : waits) {
            assertInstanceOf(IllegalStateException.class, failureOf(f));
        }
        System.out.printf("[sync] close ended 4 waits in %.1f ms%n", (System.nanoTime() - start) / 1e6);
        assertThrows(IllegalStateException.class, () -> s.awaitChange(0, LONG));
        assertThrows(IllegalStateException.class, s::version);
        TestNames.assertNothingLeft(s.name());
    }

    @Test
    @DisplayName("one set wakes many waiters, platform and virtual, each with the new text")
    void oneSetWakesManyWaiters() throws Exception {
        try (SharedString s = open("many")) {
            List<FutureTask<SharedString.Snapshot>> waits = new ArrayList<>();
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                boolean virtual = i % 2 == 1;
                waits.add(start(virtual, () -> {
                    synchronized (waiters) {
                        waiters.add(Thread.currentThread());
                    }
                    return s.awaitChange(0, LONG);
                }));
            }
            while (true) {
                synchronized (waiters) {
                    if (waiters.size() == 16) {
                        break;
                    }
                }
                Thread.sleep(1);
            }
            for (Thread t : List.copyOf(waiters)) {
                awaitWaiting(t);
            }
            s.set("all of you");
            for (FutureTask<SharedString.Snapshot> f : waits) {
                assertEquals(new SharedString.Snapshot("all of you", 1), f.get(HANG, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    @DisplayName("more waiting virtual threads than carriers do not starve the other virtual threads")
    void waitingVirtualThreadsDoNotPinTheirCarriers() throws Exception {
        try (SharedString s = open("virtual")) {
            int waiters = 4 * Runtime.getRuntime().availableProcessors() + 1;
            List<FutureTask<SharedString.Snapshot>> waits = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(waiters);
            for (int i = 0; i < waiters; i++) {
                waits.add(start(true, () -> {
                    started.countDown();
                    return s.awaitChange(0, LONG);
                }));
            }
            started.await();
            // Another virtual thread must still get a carrier while they all wait: it makes the set that ends them.
            FutureTask<Integer> setter = start(true, () -> s.set("carriers were free"));
            assertEquals("carriers were free".length(), setter.get(HANG, TimeUnit.SECONDS));
            for (FutureTask<SharedString.Snapshot> f : waits) {
                assertEquals(1, f.get(HANG, TimeUnit.SECONDS).version());
            }
        }
    }

    @Test
    @DisplayName("once its virtual waiters are gone the watcher stops counting in waiters, so sets make no system call; it wakes for the next one and ends with close")
    void theWatcherSleepsOnlyWhileVirtualThreadsWait() throws Exception {
        SharedString s = open("watcher");
        MemorySegment block = s.memory().segment();
        FutureTask<SharedString.Snapshot> first = start(true, () -> s.awaitChange(0, LONG));
        awaitWaiters(block, 1); // the watcher sleeps in the OS for it
        s.set("one");
        assertEquals(1, first.get(HANG, TimeUnit.SECONDS).version());
        awaitWaiters(block, 0); // within a slice: nobody waits any more
        FutureTask<SharedString.Snapshot> second = start(true, () -> s.awaitChange(1, LONG));
        awaitWaiters(block, 1);
        s.set("two");
        assertEquals(2, second.get(HANG, TimeUnit.SECONDS).version());
        Thread watcher = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("panama-shm watcher " + s.name())).findFirst().orElseThrow();
        s.close();
        watcher.join(TimeUnit.SECONDS.toMillis(HANG));
        assertFalse(watcher.isAlive(), "the watcher ends with close");
    }

    /** Blocks until the block's shared waiter count is {@code n}. */
    private static void awaitWaiters(MemorySegment block, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG);
        while ((int) TextLayout.WAITERS.getVolatile(block, 0L) != n) {
            if (System.nanoTime() > end) {
                fail("the waiter count stayed " + TextLayout.WAITERS.getVolatile(block, 0L) + ", not " + n);
            }
            Thread.sleep(1);
        }
    }

    @Test
    @DisplayName("await's timeout bounds the whole wait, however many texts come and go meanwhile")
    void awaitsTimeoutBoundsTheWholeWait() throws Exception {
        try (SharedString s = open("await-bound")) {
            AtomicBoolean stop = new AtomicBoolean();
            FutureTask<Void> writer = start(false, () -> {
                for (int i = 0; !stop.get(); i++) {
                    s.set("not yet " + i);
                    Thread.sleep(5);
                }
                return null;
            });
            try {
                FutureTask<String> f = start(false, () -> s.await("done"::equals, Duration.ofMillis(300)));
                Throwable t = failureOf(f);
                assertInstanceOf(TimeoutException.class, t);
            } finally {
                stop.set(true);
                writer.get(HANG, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @DisplayName("on a block with only the example's 4096 bytes set and get work, and versions and waits are refused saying why")
    void anExampleLayoutBlockRefusesVersionsAndWaits() throws Exception {
        String name = TestNames.unique("sync-example");
        try (SharedMemory peer = SharedMemory.openOrCreate(name, SharedString.BYTE_SIZE);
             SharedString s = SharedString.open(name)) {
            assertFalse(s.hasControlArea());
            assertEquals(SharedString.BYTE_SIZE, s.memory().byteSize());
            assertEquals(5, s.set("hello"));
            assertEquals("hello", s.get());
            assertEquals("hel", s.get(4));
            assertEquals('h', peer.segment().get(java.lang.foreign.ValueLayout.JAVA_CHAR_UNALIGNED, 0), "at offset 0");
            var calls = java.util.Map.<String, org.junit.jupiter.api.function.Executable>of("version", s::version,
                    "snapshot", s::snapshot, "awaitChange", () -> s.awaitChange(0, LONG),
                    "await", () -> s.await(t -> true, LONG));
            calls.forEach((method, call) -> {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, call);
                assertTrue(e.getMessage().startsWith(method + " needs the control area after the text, and the block "
                        + name + " has exactly the example's 4096 bytes"), e.getMessage());
            });
        }
        TestNames.assertNothingLeft(name);
    }

    @Test
    @DisplayName("await checks the current text first, then returns the first new text that satisfies the condition")
    void awaitReturnsTheFirstSatisfyingText() throws Exception {
        try (SharedString s = open("await")) {
            s.set("ready now");
            assertEquals("ready now", s.await(t -> t.startsWith("ready"), Duration.ZERO));
            List<String> tested = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch sawReady = new CountDownLatch(1);
            CountDownLatch sawWorking = new CountDownLatch(1);
            FutureTask<String> f = start(false, () -> s.await(t -> {
                tested.add(t);
                (t.equals("working") ? sawWorking : sawReady).countDown();
                return t.startsWith("done");
            }, LONG));
            sawReady.await(HANG, TimeUnit.SECONDS);
            s.set("working");
            sawWorking.await(HANG, TimeUnit.SECONDS);
            s.set("done: 42");
            assertEquals("done: 42", f.get(HANG, TimeUnit.SECONDS));
            assertEquals(List.of("ready now", "working", "done: 42"), tested);
        }
    }

    @Test
    @DisplayName("a negative or null timeout and a null condition are refused before anything waits")
    void badArgumentsAreRefused() throws Exception {
        try (SharedString s = open("args")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.awaitChange(0, Duration.ofMillis(-1)));
            assertTrue(e.getMessage().contains("timeout must not be negative"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.await(t -> true, Duration.ofSeconds(-1)));
            assertThrows(NullPointerException.class, () -> s.awaitChange(0, null));
            assertThrows(NullPointerException.class, () -> s.await(null, LONG));
            // A timeout too long for nanoseconds waits "forever", like any huge timeout, until a set.
            AtomicReference<Thread> waiter = new AtomicReference<>();
            FutureTask<SharedString.Snapshot> f = start(false, () -> {
                waiter.set(Thread.currentThread());
                return s.awaitChange(0, Duration.ofSeconds(Long.MAX_VALUE));
            });
            while (waiter.get() == null) {
                Thread.onSpinWait();
            }
            awaitWaiting(waiter.get());
            s.set("x");
            assertEquals(1, f.get(HANG, TimeUnit.SECONDS).version());
        }
    }
}
