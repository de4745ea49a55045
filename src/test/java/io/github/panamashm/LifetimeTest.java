package io.github.panamashm;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.panamashm.Child.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifetime rules across processes: a block lives while someone is attached, the last detach (or death)
 * frees it, and exactly one attacher of a new block reports {@code created()}.
 */
class LifetimeTest {
    @BeforeAll
    static void backend() {
        Backends.assumeSupported();
    }

    private static final String TEXT = "This is a test string, 😀 and a lone \uD800!";

    private static void assertLeftNothing(String name) {
        Backends.assertGone(name);
    }

    private static void assertCleanExit(ChildJvm child) {
        assertEquals(0, child.waitFor(), child.transcript());
        assertFalse(child.stderr().contains("WARNING"), "the child printed a warning: " + child.stderr());
    }

    @Test
    void aChildReadsWhatTheParentWrote() throws Exception {
        String name = TestNames.unique("life-p2c");
        try (SharedString parent = SharedString.open(name)) {
            assertTrue(parent.created());
            parent.set(TEXT);
            try (ChildJvm child = ChildJvm.start(Child.class, "read", name)) {
                assertEquals("created=false text=" + hex(TEXT), child.readLine());
                assertCleanExit(child);
            }
        }
        assertLeftNothing(name);
    }

    @Test
    void theParentReadsWhatAChildWroteWhileTheChildHoldsTheBlock() throws Exception {
        String name = TestNames.unique("life-c2p");
        try (ChildJvm child = ChildJvm.start(Child.class, "write-and-hold", name, hex(TEXT))) {
            assertEquals("stored " + TEXT.length() + " created=true", child.readLine());
            try (SharedString parent = SharedString.open(name)) {
                assertFalse(parent.created());
                assertEquals(TEXT, parent.get());
            }
            child.closeStdin();
            assertCleanExit(child);
        }
        assertLeftNothing(name);
    }

    @Test
    void theFirstAttacherCreatesAndLaterOnesAttach() throws Exception {
        String name = TestNames.unique("life-first");
        try (SharedString first = SharedString.open(name)) {
            first.set("kept");
            try (SharedString second = SharedString.open(name)) {
                assertTrue(first.created());
                assertFalse(second.created());
                assertEquals("kept", second.get());
                first.close();
                try (SharedString third = SharedString.open(name)) {
                    assertFalse(third.created(), "second was still attached");
                    assertEquals("kept", third.get());
                }
            }
        }
        assertLeftNothing(name);
    }

    @Test
    void theBlockIsFreedWhenTheLastAttacherDetachesAndTheNextOneStartsEmpty() throws Exception {
        String name = TestNames.unique("life-last");
        try (ChildJvm child = ChildJvm.start(Child.class, "write-and-hold", name, hex("from the child"))) {
            child.readLine();
            child.closeStdin();
            assertCleanExit(child);
        }
        assertLeftNothing(name);
        try (SharedString again = SharedString.open(name)) {
            assertTrue(again.created());
            assertEquals("", again.get());
        }
        assertLeftNothing(name);
    }

    @Test
    void aHolderKilledWithSigkillLeavesNothingTheNextAttacherTakesForLiveData() throws Exception {
        String name = TestNames.unique("life-kill");
        try (ChildJvm child = ChildJvm.start(Child.class, "write-and-hold", name, hex("dead man's text"))) {
            assertTrue(child.readLine().startsWith("stored"));
            child.kill();
        }
        try (SharedString next = SharedString.open(name)) {
            assertTrue(next.created(), "the killed holder's block must count as free");
            assertEquals("", next.get());
        }
        assertLeftNothing(name);
    }

    @Test
    void aSurvivorKeepsTheBlockWhenAnotherHolderIsKilled() throws Exception {
        String name = TestNames.unique("life-survivor");
        try (SharedString survivor = SharedString.open(name);
             ChildJvm child = ChildJvm.start(Child.class, "attach-and-hold", name)) {
            survivor.set("still here");
            assertEquals("created=false", child.readLine());
            child.kill();
            try (SharedString late = SharedString.open(name)) {
                assertFalse(late.created());
                assertEquals("still here", late.get());
            }
        }
        assertLeftNothing(name);
    }

    @Test
    void ofConcurrentFirstAttachingProcessesExactlyOneCreates() throws Exception {
        String name = TestNames.unique("life-race");
        int n = 5;
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                children.add(ChildJvm.start(Child.class, "race", name));
            }
            for (ChildJvm c : children) {
                assertEquals("waiting", c.readLine());
            }
            for (ChildJvm c : children) {
                c.send("go");
            }
            int creators = 0;
            for (ChildJvm c : children) {
                if (c.readLine().equals("created=true")) {
                    creators++;
                }
            }
            assertEquals(1, creators);
            for (ChildJvm c : children) {
                c.closeStdin();
            }
            for (ChildJvm c : children) {
                assertCleanExit(c);
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
        assertLeftNothing(name);
    }

    @Test
    void ofConcurrentFirstAttachingThreadsExactlyOneCreatesInEveryRound() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 20; round++) {
                String name = TestNames.unique("life-trace");
                CyclicBarrier start = new CyclicBarrier(threads);
                CyclicBarrier attached = new CyclicBarrier(threads);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        try (SharedString s = SharedString.open(name)) {
                            attached.await(); // nobody detaches before all have attached
                            return s.created();
                        }
                    }));
                }
                int creators = 0;
                for (Future<Boolean> f : results) {
                    creators += f.get() ? 1 : 0;
                }
                assertEquals(1, creators, "round " + round);
                assertLeftNothing(name);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aJvmThatCallsSystemExitWithoutClosingDetaches() throws Exception {
        String name = TestNames.unique("life-exit");
        try (ChildJvm child = ChildJvm.start(Child.class, "write-and-exit", name, hex("bye"))) {
            assertEquals("stored", child.readLine());
            assertCleanExit(child);
        }
        assertLeftNothing(name);
        try (SharedString next = SharedString.open(name)) {
            assertTrue(next.created());
        }
        assertLeftNothing(name);
    }

    @Test
    void aJvmWhoseMainReturnsWithoutClosingDetaches() throws Exception {
        String name = TestNames.unique("life-return");
        try (ChildJvm child = ChildJvm.start(Child.class, "write-and-return", name, hex("bye"))) {
            assertEquals("stored", child.readLine());
            assertCleanExit(child);
        }
        assertLeftNothing(name);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void anAbandonedObjectOfAnotherSizeIsRefusedClearlyWithoutSigbus() throws Exception {
        String name = TestNames.unique("life-size");
        Path file = TestNames.shmFile(name);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(file, new byte[100]);
            try (ChildJvm child = ChildJvm.start(Child.class, "open-sized", name, "4096")) {
                String line = child.readLine();
                assertTrue(line.startsWith("refused openOrCreate(\"/" + name + "\") refused: an object of 100 bytes"),
                        line);
                assertCleanExit(child);
            }
            assertEquals(100, Files.size(file), "an object that is not ours must not be touched");
        } finally {
            TestNames.remove(name);
        }
    }

    @Test
    void aLiveBlockSmallerThanAskedForIsRefusedWithoutSigbus() throws Exception {
        // Sizes a whole number of pages apart: Windows compares sizes in pages, Linux in bytes.
        String name = TestNames.unique("life-small");
        try (ChildJvm holder = ChildJvm.start(Child.class, "hold-sized", name, "4096")) {
            assertEquals("holding 4096", holder.readLine());
            SharedMemoryException e = assertThrows(SharedMemoryException.class,
                    () -> SharedMemory.openOrCreate(name, 65536));
            assertTrue(e.getMessage().contains("fewer than the 65536 asked for"), e.getMessage());
            try (ChildJvm child = ChildJvm.start(Child.class, "open-sized", name, "65536")) {
                assertTrue(child.readLine().startsWith("refused "));
                assertCleanExit(child);
            }
            try (SharedMemory smaller = SharedMemory.openOrCreate(name, 512)) {
                assertEquals(512, smaller.byteSize());
            }
            try (SharedMemory existing = SharedMemory.openExisting(name)) {
                assertEquals(4096, existing.byteSize());
            }
            holder.closeStdin();
            assertCleanExit(holder);
        }
        assertLeftNothing(name);
    }

    @Test
    void openExistingFailsWithNoSuchSharedMemoryWhenNobodyIsAttached() throws Exception {
        String name = TestNames.unique("life-none");
        NoSuchSharedMemoryException e = assertThrows(NoSuchSharedMemoryException.class,
                () -> SharedMemory.openExisting(name));
        assertEquals(name, e.getFile());
        try (SharedString holder = SharedString.open(name)) {
            holder.set("x");
            try (SharedMemory existing = SharedMemory.openExisting(name)) {
                assertFalse(existing.created());
                assertEquals(SharedString.OBJECT_SIZE, existing.byteSize());
            }
        }
        assertThrows(NoSuchSharedMemoryException.class, () -> SharedMemory.openExisting(name));
        assertLeftNothing(name);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void openExistingDoesNotTakeAnAbandonedObjectForALiveBlock() throws Exception {
        String name = TestNames.unique("life-stale");
        try (ChildJvm child = ChildJvm.start(Child.class, "write-and-hold", name, hex("stale"))) {
            child.readLine();
            child.kill();
        }
        try {
            assertTrue(TestNames.exists(name), "a killed holder cannot unlink; the object stays until reused");
            NoSuchSharedMemoryException e = assertThrows(NoSuchSharedMemoryException.class,
                    () -> SharedMemory.openExisting(name));
            assertTrue(e.getMessage().contains("no process is attached"), e.getMessage());
        } finally {
            try (SharedString reset = SharedString.open(name)) {
                assertTrue(reset.created());
            }
        }
        assertLeftNothing(name);
    }

    @Test
    void theDllFacadeStoresAndReadsAndDetachesAtExit() {
        String name = TestNames.unique("life-facade");
        try (ChildJvm child = ChildJvm.startWith(List.of("-D" + SharedMem.NAME_PROPERTY + "=" + name),
                Child.class, "facade", name, hex("This is a test string"), "5")) {
            assertEquals("stored 21 created=true read=" + hex("This"), child.readLine());
            assertCleanExit(child);
        }
        assertLeftNothing(name);
    }
}
