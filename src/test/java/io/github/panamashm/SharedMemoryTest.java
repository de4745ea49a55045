package io.github.panamashm;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public API's contract within one process. */
class SharedMemoryTest {
    @BeforeAll
    static void backend() {
        Backends.assumeSupported();
    }

    @Test
    void aClosedBlockCannotBeTouchedFromAnyThread() throws Exception {
        String name = TestNames.unique("api-closed");
        SharedMemory m = SharedMemory.openOrCreate(name, 4096);
        MemorySegment s = m.segment();
        s.set(ValueLayout.JAVA_INT, 0, 7);
        m.close();
        assertTrue(m.isClosed());
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_INT, 0));
        Throwable fromOtherThread = CompletableFuture.supplyAsync(() -> {
            try {
                s.set(ValueLayout.JAVA_INT, 0, 1);
                return null;
            } catch (Throwable t) {
                return t;
            }
        }).get();
        assertInstanceOf(IllegalStateException.class, fromOtherThread);
        if (OS.LINUX.isCurrentOs()) {
            assertFalse(Files.readString(Path.of("/proc/self/maps")).contains(name), "still mapped after close");
        }
    }

    @Test
    void closeIsIdempotent() throws Exception {
        String name = TestNames.unique("api-idem");
        SharedString s = SharedString.open(name);
        s.close();
        s.close();
        s.memory().close();
        assertThrows(IllegalStateException.class, () -> s.set("x"));
        assertThrows(IllegalStateException.class, s::get);
        assertFalse(TestNames.exists(name));
    }

    @Test
    void theSegmentHasExactlyByteSizeBytesAndIsSharedBetweenAttachments() throws Exception {
        String name = TestNames.unique("api-size");
        try (SharedMemory a = SharedMemory.openOrCreate(name, 10_000);
             SharedMemory b = SharedMemory.openOrCreate(name, 10_000)) {
            assertEquals(10_000, a.byteSize());
            assertEquals(10_000, a.segment().byteSize());
            assertEquals(name, a.name());
            a.segment().set(ValueLayout.JAVA_LONG, 9_992, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, b.segment().get(ValueLayout.JAVA_LONG, 9_992));
            assertThrows(IndexOutOfBoundsException.class, () -> a.segment().get(ValueLayout.JAVA_BYTE, 10_000));
        }
    }

    @Test
    void aNewBlockIsAllZeros() throws Exception {
        String name = TestNames.unique("api-zero");
        try (SharedMemory m = SharedMemory.openOrCreate(name, 65536)) {
            assertTrue(m.created());
            assertEquals(-1, m.segment().mismatch(MemorySegment.ofArray(new byte[65536])));
        }
    }

    @Test
    void badArgumentsFailBeforeAnySystemCall() {
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.openOrCreate("", 1));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.openOrCreate("a/b", 1));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.openOrCreate("ok-name", 0));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.openExisting("nul\0"));
        assertThrows(NullPointerException.class, () -> SharedString.open(null));
        assertFalse(TestNames.exists("ok-name"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void osErrorsNameTheCallTheObjectAndTheError() throws Exception {
        String name = TestNames.unique("api-err");
        // A symbolic link planted under the block's name is never followed (shm_open uses O_NOFOLLOW).
        Path link = Files.createSymbolicLink(TestNames.shmFile(name), Path.of("/dev/null"));
        try {
            SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> SharedString.open(name));
            assertEquals("shm_open(\"/" + name + "\") failed: ELOOP (Too many levels of symbolic links; /dev/shm/" + name
                    + " is a symbolic link, not a shared memory block, and was left alone)", e.getMessage());
            assertEquals("shm_open", e.call());
            assertEquals("/" + name, e.object());
            assertEquals(40, e.errorCode());
            assertEquals("ELOOP", e.errorName());
        } finally {
            Files.delete(link);
        }
        NoSuchSharedMemoryException missing = assertThrows(NoSuchSharedMemoryException.class,
                () -> SharedMemory.openExisting(name));
        assertEquals("no shared memory block \"" + name + "\": shm_open(\"/" + name
                + "\") failed: ENOENT (No such file or directory)", missing.getMessage());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theLinuxObjectIsSlashNameWithMode0600AndNamespacePrefixesAreDropped() throws Exception {
        String bare = TestNames.unique("api-obj");
        try (SharedMemory m = SharedMemory.openOrCreate("Local\\" + bare, 64);
             SharedMemory g = SharedMemory.openOrCreate("Global\\" + bare, 64)) {
            assertFalse(g.created(), "Local\\ and Global\\ name the same object on Linux");
            assertEquals("/dev/shm/" + bare, m.location());
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(TestNames.shmFile(bare))));
        }
        assertFalse(TestNames.exists(bare));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void whenAnyConcurrentCloseReturnsTheBlockIsAlreadyFreed() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 300; round++) {
                String name = TestNames.unique("api-close2");
                SharedMemory m = SharedMemory.openOrCreate(name, 4096);
                java.util.concurrent.CyclicBarrier both = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.Callable<Boolean> closeThenLook = () -> {
                    both.await();
                    m.close();
                    return TestNames.exists(name);
                };
                var a = pool.submit(closeThenLook);
                var b = pool.submit(closeThenLook);
                assertFalse(a.get() || b.get(), "a close() returned before the detach finished, round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static volatile CountDownLatch inComparator;
    private static volatile CountDownLatch leaveComparator;

    /** qsort's comparator, called back from native code while the block's segment is passed to qsort. */
    static int compareWhileHeld(MemorySegment a, MemorySegment b) {
        inComparator.countDown();
        try {
            leaveComparator.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    @Test
    @DisplayName("close while a native call uses the segment throws IllegalStateException, keeps the block attached, and a later close frees it")
    void closeWhileTheSegmentIsInANativeCallKeepsTheBlock() throws Throwable {
        String name = TestNames.unique("rel2-api-in-use");
        SharedMemory m = SharedMemory.openOrCreate(name, 64);
        inComparator = new CountDownLatch(1);
        leaveComparator = new CountDownLatch(1);
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.ADDRESS));
        MethodHandle compare = MethodHandles.lookup().findStatic(SharedMemoryTest.class, "compareWhileHeld",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment comparator = linker.upcallStub(compare, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS), arena);
            // The segment is made on the sorting thread and closed from this one.
            CompletableFuture<Void> sorting = CompletableFuture.runAsync(() -> {
                try {
                    qsort.invokeExact(m.segment(), 2L, 1L, comparator);
                } catch (Throwable e) {
                    throw new CompletionException(e);
                }
            });
            assertTrue(inComparator.await(60, TimeUnit.SECONDS), "qsort never called back");
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                assertThrows(IllegalStateException.class, m::close, "the segment is in use by qsort");
                assertFalse(m.isClosed(), "the block stays attached");
                m.segment().set(ValueLayout.JAVA_BYTE, 63, (byte) 5);
                assertTrue(Files.exists(TestNames.shmFile(name)) || !OS.LINUX.isCurrentOs());
            });
            leaveComparator.countDown();
            sorting.get(60, TimeUnit.SECONDS);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), m::close);
        assertTrue(m.isClosed());
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("the smallest block, 1 byte, opens with a 1-byte segment")
    void aOneByteBlockWorks() throws Exception {
        String name = TestNames.unique("rel2-api-one-byte");
        try (SharedMemory m = SharedMemory.openOrCreate(name, 1); SharedMemory again = SharedMemory.openExisting(name)) {
            assertEquals(1, m.byteSize());
            assertEquals(1, m.segment().byteSize());
            m.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 9);
            assertEquals(9, again.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.segment().get(ValueLayout.JAVA_BYTE, 1));
        }
        Backends.assertGone(name);
    }
}
