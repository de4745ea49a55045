package io.github.panamashm.reliability;

import io.github.panamashm.SharedString;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.Children;
import io.github.panamashm.testing.Figures;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leaving: nothing is left in /dev/shm when a JVM exits normally, whatever its threads are doing; opening
 * during shutdown is refused cleanly; running out of descriptors or closing the class loader that loaded
 * panama-shm breaks neither an attach's error nor close nor the exit hook; and the hook does not keep that
 * class loader alive once its blocks are closed.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang fails, not blocks
class ExitTest {
    private static final int RACES = Figures.setting("reliability.exitRaces", 3, 20);
    private static final int RACE_THREADS = 8;
    private static final AtomicLong PROCESSES = new AtomicLong();
    private static final AtomicLong OPERATIONS = new AtomicLong();
    private static final AtomicLong INPUTS = new AtomicLong();

    private static ChildJvm child(String... args) {
        PROCESSES.incrementAndGet();
        return Children.start(ReliabilityChild.class, args);
    }

    private static void assertCleanExit(ChildJvm child) {
        assertEquals(0, child.waitFor(), child.transcript());
        assertFalse(child.stderr().contains("panama-shm:") || child.stderr().contains("Exception")
                || child.stderr().contains("Error"), child.transcript());
        assertFalse(Children.crashed(child.process().pid()), "no hs_err");
    }

    @Test
    @DisplayName("System.exit while 8 threads (platform and virtual) open, use and close blocks leaves nothing, run after run")
    void exitWhileThreadsAttachLeavesNothing() {
        for (int run = 0; run < RACES; run++) {
            String name = TestNames.unique("rel2-exit-race");
            try (ChildJvm c = child("exit-race", name, Integer.toString(RACE_THREADS))) {
                assertEquals("racing", c.readLine(), c.transcript());
                assertCleanExit(c);
                assertFalse(c.stdout().contains("ERROR"), c.transcript());
            }
            TestNames.assertNothingLeft(name);
            OPERATIONS.incrementAndGet();
            INPUTS.incrementAndGet();
        }
    }

    @Test
    @DisplayName("an attach still waiting for a peer when System.exit begins is, once let through, undone or detached by the exit hook")
    void anAttachInFlightAtExitIsUndoneOrDetached() throws Exception {
        String name = TestNames.unique("rel2-exit-in-flight");
        try (MutexHolder holder = MutexHolder.hold(name); ChildJvm c = child("attach-in-flight", name)) {
            assertEquals("exiting", c.readLine(), c.transcript());
            assertEquals("shutdown began", c.readLine(), c.transcript());
            holder.close(); // the child's attach goes on now, while the JVM is shutting down
            String outcome = c.readLine();
            assertTrue(outcome.startsWith("refused the JVM is shutting down") || outcome.equals("attached created=true"),
                    c.transcript());
            c.send("go");
            assertCleanExit(c);
        }
        TestNames.assertNothingLeft(name);
        OPERATIONS.incrementAndGet();
    }

    @Test
    @DisplayName("a first open from a shutdown hook is refused with IllegalStateException before any system call, leaving nothing")
    void aFirstOpenFromAShutdownHookIsRefusedCleanly() {
        String name = TestNames.unique("rel2-exit-hook-first");
        try (ChildJvm c = child("open-in-hook", name, "false")) {
            assertEquals("returning", c.readLine());
            assertEquals("hook refused java.lang.IllegalStateException: the JVM is shutting down: panama-shm attaches"
                    + " no block once shutdown has begun, since its exit hook could not detach it", c.readLine());
            assertCleanExit(c);
        }
        TestNames.assertNothingLeft(name);
        OPERATIONS.incrementAndGet();
    }

    @Test
    @DisplayName("with a block open at exit, a shutdown hook's open is refused and its read either works or says the exit hook closed the block")
    void aShutdownHookMayFindItsBlockClosedByTheExitHook() {
        String name = TestNames.unique("rel2-exit-hook-held");
        try (ChildJvm c = child("open-in-hook", name, "true")) {
            assertEquals("returning", c.readLine());
            assertTrue(c.readLine().startsWith("hook refused java.lang.IllegalStateException: the JVM is shutting down"),
                    c.transcript());
            String read = c.readLine();
            assertTrue(read.equals("hook read from main") || read.startsWith("hook read refused Already closed:")
                    && read.endsWith("closed by panama-shm's exit hook]"), read);
            assertCleanExit(c);
        }
        TestNames.assertNothingLeft(name);
        OPERATIONS.incrementAndGet();
    }

    @Test
    @DisplayName("under ulimit -n 64, with the library as class files, the open that runs out of descriptors fails with EMFILE, a close that meets a stuck peer reports it, every other close detaches")
    void descriptorExhaustionBreaksNeitherOpenNorClose() {
        String name = TestNames.unique("rel2-exit-emfile");
        assertTrue(Files.isDirectory(classesOf(SharedString.class)), "the library is class files here");
        List<String> java = Children.java(List.of("-D" + PeerWait.PROPERTY + "=PT0.3S"), ReliabilityChild.class,
                "exhaust", name);
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -n 64 && exec \"$@\"", "sh"));
        cmd.addAll(java);
        try (ChildJvm c = ChildJvm.start(cmd)) {
            PROCESSES.incrementAndGet();
            String refused = c.readLine();
            assertTrue(refused.matches("refused after \\d+: io\\.github\\.panamashm\\.SharedMemoryException:"
                    + " shm_open\\(\"/" + name + "-\\d+\"\\) failed: EMFILE \\(Too many open files\\)"), c.transcript());
            int opened = Integer.parseInt(refused.split(" ")[2].replace(":", ""));
            assertTrue(opened > 2, refused);
            String held = c.readLine();
            assertTrue(held.startsWith("held close: java.io.UncheckedIOException: io.github.panamashm.SharedMemoryException:"
                    + " detach(\"/" + name + "-0\") refused: the block's attach/detach lock (byte 1) is held by "), held);
            assertEquals("closed " + (opened - 2), c.readLine(), c.transcript());
            assertEquals("reopened created=true", c.readLine(), c.transcript());
            assertEquals(0, c.waitFor(), c.transcript());
            assertFalse(Children.crashed(c.process().pid()));
            OPERATIONS.addAndGet(2L * opened + 2);
        }
        TestNames.assertNothingLeft(name);
    }

    @Test
    @DisplayName("a block opened through a class loader that is then closed is still detached by the exit hook")
    void theExitHookWorksAfterTheClassLoaderIsClosed() {
        String name = TestNames.unique("rel2-exit-loader");
        try (ChildJvm c = child("closed-loader", classesOf(SharedString.class).toString(), name)) {
            assertEquals("open through a closed loader: true", c.readLine(), c.transcript());
            assertCleanExit(c);
        }
        TestNames.assertNothingLeft(name);
        OPERATIONS.incrementAndGet();
    }

    @Test
    @DisplayName("once its blocks are closed, the exit hook no longer keeps the class loader that loaded panama-shm reachable")
    void theExitHookDoesNotKeepAClosedLoaderAlive() throws Exception {
        String name = TestNames.unique("rel2-exit-gc");
        ReferenceQueue<ClassLoader> queue = new ReferenceQueue<>();
        WeakReference<ClassLoader> ref = useAndDrop(name, queue);
        for (int gc = 0; gc < 100 && queue.poll() == null; gc++) {
            System.gc();
            queue.remove(100); // returns as soon as the loader is collected
        }
        assertTrue(ref.refersTo(null), "the class loader is still reachable after its only block was closed");
        TestNames.assertNothingLeft(name);
        OPERATIONS.incrementAndGet();
    }

    /** Loads panama-shm in a class loader of its own, opens and closes a block through it, closes the loader. */
    private static WeakReference<ClassLoader> useAndDrop(String name, ReferenceQueue<ClassLoader> queue)
            throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[]{classesOf(SharedString.class).toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        Class<?> type = loader.loadClass(SharedString.class.getName());
        assertNotNull(type);
        AutoCloseable s = (AutoCloseable) type.getMethod("open", String.class).invoke(null, name);
        s.close();
        loader.close();
        return new WeakReference<>(loader, queue);
    }

    private static Path classesOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @AfterAll
    static void figures() {
        TestNames.assertNothingLeft("rel2-exit");
        Figures.report(new Figures.Row("exit", PROCESSES.get(), RACE_THREADS, OPERATIONS.get(), 0, INPUTS.get(), 0,
                RACES + " System.exit races of " + RACE_THREADS + " threads (half virtual); opens from shutdown hooks;"
                        + " ulimit -n 64; a closed class loader"));
    }
}
