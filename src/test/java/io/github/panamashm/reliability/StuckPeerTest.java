package io.github.panamashm.reliability;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.SharedString;
import io.github.panamashm.internal.Attachment;
import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.Platform;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.Children;
import io.github.panamashm.testing.Figures;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer that holds a block's attach/detach lock (byte 1) and never lets go, as one stopped by
 * {@code kill -STOP}, a debugger or a bug would: no open, close, interrupt or JVM exit may hang on it, and a
 * waiting virtual thread may not hold its carrier. The deadlines here are short (a few hundred ms); the
 * time bounds asserted are deadline plus generous slack, bounds on a hang, not speed.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails, not blocks
class StuckPeerTest {
    private static final Duration DEADLINE = Duration.ofMillis(300);
    /** What "ended at its deadline, not hung" allows on a loaded 2-core machine. */
    private static final Duration SLACK = Duration.ofSeconds(15);
    /** Churners to stop, and how many times each is stopped and continued. */
    private static final int CHURNERS = Figures.setting("reliability.stoppedChurners", 1, 10);
    private static final int STOPS = Figures.setting("reliability.stops", 20, 40);
    private static final AtomicLong PROCESSES = new AtomicLong();
    private static final AtomicLong OPERATIONS = new AtomicLong();
    private static final AtomicLong GAVE_UP = new AtomicLong();

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    private static void assertWithinDeadline(long startNanos, Duration deadline) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        assertTrue(took.compareTo(deadline) >= 0, "gave up before its deadline: " + took);
        assertTrue(took.compareTo(deadline.plus(SLACK)) < 0, "took " + took + " for a deadline of " + deadline);
    }

    /**
     * The next attacher finds the object nobody holds and resets it, as after a crash; then nothing is left.
     * (The blocks of these tests are text blocks, 4096 bytes, or the holder's empty object.)
     */
    private static void assertNextAttacherResets(String name) throws IOException {
        try (SharedString next = SharedString.open(name)) {
            assertTrue(next.created(), "the stale object is reset");
            assertEquals("", next.get());
        }
        TestNames.assertNothingLeft(name);
    }

    @Test
    @DisplayName("open fails at its deadline with a SharedMemoryException naming byte 1 and the pid of the Java peer holding it")
    void openFailsAtTheDeadlineNamingTheHolder() throws Exception {
        String name = TestNames.unique("rel2-stuck-open");
        try (ChildJvm holder = Children.start(MutexHolder.class, name)) {
            PROCESSES.incrementAndGet();
            String line = holder.readLine();
            assertTrue(line.startsWith("holding "), line);
            long holderPid = Long.parseLong(line.substring("holding ".length()));
            for (Attach attach : new Attach[]{
                    () -> SharedMemory.openOrCreate(name, 4096, DEADLINE),
                    () -> SharedMemory.openExisting(name, DEADLINE),
                    () -> SharedString.open(name, DEADLINE)}) {
                long start = System.nanoTime();
                SharedMemoryException e = assertThrows(SharedMemoryException.class, attach::run);
                assertWithinDeadline(start, DEADLINE);
                OPERATIONS.incrementAndGet();
                assertTrue(e.getMessage().contains("the block's attach/detach lock (byte 1) is held by pid " + holderPid
                        + " (java), which did not release it within "), e.getMessage());
                assertTrue(e.getMessage().contains("nothing was attached"), e.getMessage());
                assertEquals("/" + name, e.object());
            }
            holder.closeStdin();
            assertEquals(0, holder.waitFor(), holder.transcript());
        }
        assertNextAttacherResets(name);
    }

    interface Attach {
        Object run() throws Exception;
    }

    @Test
    @DisplayName("without a peerTimeout argument the io.github.panamashm.peerTimeout property bounds the wait, in the API and at the backend seam")
    void thePropertyBoundsTheWait() throws Exception {
        String name = TestNames.unique("rel2-stuck-property");
        Duration deadline = Duration.ofMillis(400);
        Backend backend = Platform.backend();
        String saved = System.getProperty(PeerWait.PROPERTY);
        System.setProperty(PeerWait.PROPERTY, "PT0.4S");
        try {
            Attachment attached;
            try (MutexHolder ignored = MutexHolder.hold(name)) {
                for (Attach attach : new Attach[]{
                        () -> SharedMemory.openOrCreate(name, 64),
                        () -> SharedMemory.openExisting(name),
                        () -> backend.openOrCreate(name, 64),
                        () -> backend.openOrCreate(name, 64, Backend.PRIVATE_MODE),
                        () -> backend.openExisting(name),
                        () -> backend.openExisting(name, Backend.PRIVATE_MODE)}) {
                    long start = System.nanoTime();
                    SharedMemoryException e = assertThrows(SharedMemoryException.class, attach::run);
                    assertWithinDeadline(start, deadline);
                    assertTrue(e.getMessage().contains("is held by pid " + pid()), "an in-process holder is found too: "
                            + e.getMessage());
                    OPERATIONS.incrementAndGet();
                }
            }
            attached = backend.openOrCreate(name, 4096);
            assertTrue(attached.created(), "the holder's empty object, nobody attached: reset");
            for (Attach attach : new Attach[]{() -> backend.openExisting(name),
                    () -> backend.openExisting(name, Backend.PRIVATE_MODE)}) {
                Attachment again = (Attachment) attach.run();
                assertEquals(4096, again.byteSize());
                assertFalse(again.created());
                again.detach();
            }
            try (MutexHolder ignored = MutexHolder.hold(name)) {
                long start = System.nanoTime();
                SharedMemoryException e = assertThrows(SharedMemoryException.class, attached::detach);
                assertWithinDeadline(start, deadline);
                assertTrue(e.getMessage().startsWith("detach(\"/" + name + "\") refused:"), e.getMessage());
                OPERATIONS.addAndGet(2);
            }
        } finally {
            if (saved == null) {
                System.clearProperty(PeerWait.PROPERTY);
            } else {
                System.setProperty(PeerWait.PROPERTY, saved);
            }
        }
        assertNextAttacherResets(name);
    }

    @Test
    @DisplayName("close gives up freeing at its deadline, still unmaps and closes its descriptor, and the next attacher resets the block")
    void closeGivesUpAtTheDeadlineReleasingWhatIsItsOwn() throws Exception {
        String name = TestNames.unique("rel2-stuck-close");
        SharedString block = SharedString.open(name, DEADLINE);
        block.set("left behind");
        try (MutexHolder ignored = MutexHolder.hold(name)) {
            assertEquals(2, descriptorsOn(name), "the block's and the holder's");
            long start = System.nanoTime();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, block::close);
            assertWithinDeadline(start, DEADLINE);
            OPERATIONS.incrementAndGet();
            GAVE_UP.incrementAndGet();
            assertInstanceOf(SharedMemoryException.class, e.getCause());
            assertTrue(e.getMessage().contains("detach(\"/" + name + "\") refused: the block's attach/detach lock (byte 1)"
                    + " is held by pid " + pid()), e.getMessage());
            assertTrue(e.getMessage().contains("its mapping and descriptor are released"), e.getMessage());
            assertTrue(block.memory().isClosed());
            assertThrows(IllegalStateException.class, block::get);
            assertFalse(mapped(name), "the mapping is released");
            assertEquals(1, descriptorsOn(name), "only the holder's descriptor is left");
            block.close(); // idempotent: nothing more to report
        }
        assertThrows(NoSuchSharedMemoryException.class, () -> SharedMemory.openExisting(name),
                "nobody holds byte 0 any more: it is stale, not live");
        assertNextAttacherResets(name);
    }

    @Test
    @DisplayName("an interrupt ends a wait for byte 1 at once with InterruptedIOException, in a platform and a virtual thread, leaving the interrupt status set")
    void anInterruptEndsTheWait() throws Exception {
        String name = TestNames.unique("rel2-stuck-interrupt");
        try (MutexHolder ignored = MutexHolder.hold(name)) {
            for (Thread.Builder builder : new Thread.Builder[]{Thread.ofPlatform(), Thread.ofVirtual()}) {
                AtomicReference<Throwable> outcome = new AtomicReference<>();
                AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
                Thread t = builder.start(() -> {
                    try {
                        SharedMemory.openOrCreate(name, 64, Duration.ofMinutes(10)).close();
                    } catch (Throwable e) {
                        outcome.set(e);
                    }
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                });
                awaitWaiting(t);
                long start = System.nanoTime();
                t.interrupt();
                t.join(SLACK.toMillis());
                assertFalse(t.isAlive(), "the interrupt did not end the wait");
                assertTrue(System.nanoTime() - start < SLACK.toNanos());
                InterruptedIOException e = assertInstanceOf(InterruptedIOException.class, outcome.get());
                assertTrue(e.getMessage().contains("interrupted while waiting for another process to release the block's"
                        + " attach/detach lock (byte 1); nothing was attached"), e.getMessage());
                assertTrue(interruptedAfter.get(), "the interrupt status is set again");
                OPERATIONS.incrementAndGet();
            }
        }
        assertNextAttacherResets(name);
    }

    @Test
    @DisplayName("an interrupted thread's close still frees an uncontended block; a contended one ends at once, released but not freed")
    void anInterruptedCloseFreesWhenItNeedNotWait() throws Exception {
        String name = TestNames.unique("rel2-stuck-interrupted-close");
        SharedMemory free = SharedMemory.openOrCreate(name, 4096);
        Thread.currentThread().interrupt();
        try {
            free.close();
            assertTrue(Thread.currentThread().isInterrupted(), "close leaves the interrupt status alone");
        } finally {
            Thread.interrupted();
        }
        TestNames.assertNothingLeft(name);

        SharedMemory held = SharedMemory.openOrCreate(name, 4096, Duration.ofMinutes(10));
        try (MutexHolder ignored = MutexHolder.hold(name)) {
            Thread.currentThread().interrupt();
            long start = System.nanoTime();
            UncheckedIOException e;
            try {
                e = assertThrows(UncheckedIOException.class, held::close);
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            assertTrue(System.nanoTime() - start < SLACK.toNanos(), "it did not wait for the 10-minute deadline");
            assertInstanceOf(InterruptedIOException.class, e.getCause());
            assertTrue(e.getMessage().contains("detach(\"/" + name + "\") interrupted while waiting"), e.getMessage());
            assertFalse(mapped(name));
            assertEquals(1, descriptorsOn(name));
            OPERATIONS.addAndGet(2);
        }
        assertNextAttacherResets(name);
    }

    @Test
    @DisplayName("virtual threads waiting on a stuck name, more than there are carriers, do not stop other virtual threads")
    void waitingVirtualThreadsDoNotHoldTheirCarriers() throws Exception {
        String name = TestNames.unique("rel2-stuck-virtual");
        int waiters = Runtime.getRuntime().availableProcessors() + 2;
        List<Thread> threads = new ArrayList<>();
        List<SharedMemory> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (MutexHolder holder = MutexHolder.hold(name)) {
            CountDownLatch started = new CountDownLatch(waiters);
            for (int i = 0; i < waiters; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    started.countDown();
                    try {
                        opened.add(SharedMemory.openOrCreate(name, 64, Duration.ofSeconds(60)));
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            assertTrue(started.await(SLACK.toMillis(), TimeUnit.MILLISECONDS));
            CountDownLatch other = new CountDownLatch(1);
            Thread.ofVirtual().start(other::countDown);
            assertTrue(other.await(SLACK.toMillis(), TimeUnit.MILLISECONDS),
                    "another virtual thread could not run while " + waiters + " waited");
            assertTrue(opened.isEmpty(), "the waiters are still waiting");
            holder.close(); // let them in
            for (Thread t : threads) {
                t.join(SLACK.toMillis());
                assertFalse(t.isAlive());
            }
        } finally {
            opened.forEach(SharedMemory::close);
        }
        assertNull(failure.get());
        assertEquals(waiters, opened.size());
        assertEquals(1, opened.stream().filter(SharedMemory::created).count(), "one of them reset the holder's object");
        OPERATIONS.addAndGet(2L * waiters);
        TestNames.assertNothingLeft(name);
    }

    @Test
    @DisplayName("a JVM whose main returns with a block open exits at the deadline while a peer holds byte 1, reporting what it left")
    void aJvmWithAnOpenBlockExits() throws Exception {
        String name = TestNames.unique("rel2-stuck-exit");
        try (ChildJvm child = ChildJvm.start(Children.java(List.of("-D" + PeerWait.PROPERTY + "=PT0.5S"),
                ReliabilityChild.class, "open-then-return", name))) {
            PROCESSES.incrementAndGet();
            assertEquals("open", child.readLine());
            try (MutexHolder ignored = MutexHolder.hold(name)) {
                long start = System.nanoTime();
                child.send("return");
                assertEquals(0, child.waitFor(), child.transcript());
                assertWithinDeadline(start, Duration.ofMillis(500));
                assertTrue(child.stderr().contains("panama-shm: could not detach " + name + " at exit")
                        && child.stderr().contains("is held by pid " + pid()), child.transcript());
                GAVE_UP.incrementAndGet();
                OPERATIONS.incrementAndGet();
            }
        }
        assertNextAttacherResets(name);
    }

    @Test
    @DisplayName("a real Java peer stopped with kill -STOP anywhere in its open/set/close loop never makes another process's open, set or close hang")
    void aStoppedPeerNeverHangsOthers() throws Exception {
        long seed = Figures.seed();
        Random random = new Random(seed);
        long tries = 0;
        long gaveUp = 0;
        for (int i = 0; i < CHURNERS; i++) {
            String name = TestNames.unique("rel2-stuck-stop");
            try (ChildJvm churner = Children.start(Churner.class, name, Long.toString(random.nextLong()))) {
                PROCESSES.incrementAndGet();
                long churnerPid = churner.process().pid();
                for (int stop = 0; stop < STOPS; stop++) {
                    for (int lines = 1 + random.nextInt(20); lines > 0; lines--) {
                        assertFalse(churner.readLine().startsWith("BAD"), churner.transcript());
                    }
                    signal("STOP", churnerPid); // anywhere in its cycle, sometimes inside attach or detach
                    long start = System.nanoTime();
                    try (SharedString s = SharedString.open(name, DEADLINE)) {
                        s.set(FaultTexts.TEXTS.get(1)); // a text the churner knows: anything else reads as corrupt
                    } catch (SharedMemoryException | UncheckedIOException e) { // open, set or close gave up
                        // byte 1 for open and close; the writers' lock for a set (the churner stopped inside one)
                        assertTrue(e.getMessage().contains("is held by pid " + churnerPid)
                                || e.getMessage().contains("a live process (pid " + churnerPid), e.getMessage());
                        gaveUp++;
                    }
                    assertTrue(System.nanoTime() - start < DEADLINE.multipliedBy(3).plus(SLACK).toNanos(),
                            "an open, a set and a close, each bounded by the block's deadline");
                    tries++;
                    signal("CONT", churnerPid);
                }
                churner.kill(); // SIGKILL, maybe while attached: the next attacher resets
            }
            assertNextAttacherResets(name);
        }
        OPERATIONS.addAndGet(2 * tries);
        GAVE_UP.addAndGet(gaveUp);
        System.out.println("[reliability] stuck peers: seed " + seed + "; " + gaveUp + " of " + tries
                + " open/set/close rounds met a stopped holder of byte 1 or of the writers' lock and gave up at the deadline");
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        assertTrue(kill.waitFor(60, TimeUnit.SECONDS) && kill.exitValue() == 0,
                new String(kill.getInputStream().readAllBytes()));
    }

    /** Returns once {@code t} sleeps between tries (a state it shows only inside a wait). */
    private static void awaitWaiting(Thread t) {
        long end = System.nanoTime() + SLACK.toNanos();
        while (t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(t.isAlive() && System.nanoTime() < end, "the thread never started waiting: " + t.getState());
            Thread.onSpinWait();
        }
    }

    /** @return whether this process maps the block's object */
    private static boolean mapped(String name) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.contains("/dev/shm/" + name));
    }

    /** @return how many of this process's descriptors are open on the block's object */
    private static long descriptorsOn(String name) throws IOException {
        Path target = TestNames.shmFile(name);
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    @AfterAll
    static void figures() {
        TestNames.assertNothingLeft("rel2-stuck");
        Figures.report(new Figures.Row("stuck peers", PROCESSES.get(), 1, OPERATIONS.get(), 0, CHURNERS * STOPS, 0,
                "byte 1 held by a Java peer, in-process and across processes; " + CHURNERS + " churners stopped"
                        + " with kill -STOP " + STOPS + " times each; " + GAVE_UP.get() + " waits gave up at a "
                        + DEADLINE.toMillis() + " ms deadline"));
    }
}
