package io.github.panamashm.internal.linux;

import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.panamashm.internal.linux.LibC.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FFM rules of the Linux bindings, checked against the running kernel and glibc. */
@EnabledOnOs(OS.LINUX)
class LinuxBindingsTest {

    @Test
    void errnoIsCapturedPerCallSoConcurrentFailuresNeverSeeEachOthersCode() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean enoent = t % 2 == 0;
                results.add(pool.submit(() -> {
                    start.await();
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment missing = arena.allocateFrom("/" + TestNames.unique("errno-missing"));
                        for (int i = 0; i < 20_000; i++) {
                            MemorySegment state = arena.allocate(ERRNO_STATE_LAYOUT);
                            int rc = enoent ? shm_open(state, missing, O_RDWR, 0600) : LibC.close(state, -1);
                            int expected = enoent ? Errno.ENOENT : 9 /* EBADF */;
                            if (rc != -1 || errno(state) != expected) {
                                return "call " + i + " saw rc=" + rc + " errno=" + errno(state);
                            }
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> f : results) {
                assertEquals("ok", f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void structStatIsReadAtTheOffsetsTheKernelWrites() throws Exception {
        String name = TestNames.unique("abi-stat");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ERRNO_STATE_LAYOUT);
            int fd = shm_open(state, arena.allocateFrom("/" + name), O_RDWR | O_CREAT, 0640);
            assertTrue(fd >= 0, "shm_open errno " + errno(state));
            try {
                assertEquals(0, ftruncate(state, fd, 12345));
                LinuxStructs s = LinuxStructs.current();
                MemorySegment buf = arena.allocate(s.stat());
                assertEquals(0, LibC.fstat(state, fd, buf));
                Path file = TestNames.shmFile(name);
                assertEquals(12345L, (long) s.stSize.get(buf, 0L));
                assertEquals(((Number) Files.getAttribute(file, "unix:nlink")).longValue(),
                        ((Number) s.stNlink.get(buf, 0L)).longValue());
                assertEquals(Files.getAttribute(file, "unix:mode"), (int) s.stMode.get(buf, 0L));
                assertEquals(Files.getAttribute(file, "unix:uid"), (int) s.stUid.get(buf, 0L));
                assertEquals(0100640, (int) s.stMode.get(buf, 0L) & ~022 | 0640);
            } finally {
                LibC.close(state, fd);
                shm_unlink(state, arena.allocateFrom("/" + name));
            }
        }
    }

    @Test
    void fcntlPassesStructFlockThroughItsVariadicSlotSoOfdLocksConflictBetweenDescriptors() throws Exception {
        String name = TestNames.unique("abi-flock");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom("/" + name);
            MemorySegment state = arena.allocate(ERRNO_STATE_LAYOUT);
            int a = shm_open(state, path, O_RDWR | O_CREAT, 0600);
            int b = shm_open(state, path, O_RDWR, 0600);
            try {
                assertEquals(0, fcntl(state, a, F_OFD_SETLK, flock(arena, F_WRLCK, 1)));
                // Another open file description of the same object, in the same process, conflicts on byte 1 ...
                assertEquals(-1, fcntl(state, b, F_OFD_SETLK, flock(arena, F_WRLCK, 1)));
                assertTrue(errno(state) == Errno.EAGAIN || errno(state) == Errno.EACCES, "errno " + errno(state));
                MemorySegment probe = flock(arena, F_WRLCK, 1);
                assertEquals(0, fcntl(state, b, F_OFD_GETLK, probe));
                assertEquals(F_WRLCK, (short) LinuxStructs.L_TYPE.get(probe, 0L));
                assertEquals(1L, (long) LinuxStructs.L_START.get(probe, 0L));
                assertEquals(-1, (int) LinuxStructs.L_PID.get(probe, 0L), "OFD locks report l_pid -1");
                // ... but not on byte 0, and read locks share.
                assertEquals(0, fcntl(state, b, F_OFD_SETLK, flock(arena, F_RDLCK, 0)));
                assertEquals(0, fcntl(state, a, F_OFD_SETLK, flock(arena, F_RDLCK, 0)));
            } finally {
                LibC.close(state, a);
                LibC.close(state, b);
                shm_unlink(state, path);
            }
        }
    }

    private static MemorySegment flock(Arena arena, short type, long start) {
        MemorySegment l = arena.allocate(LinuxStructs.FLOCK);
        LinuxStructs.L_TYPE.set(l, 0L, type);
        LinuxStructs.L_WHENCE.set(l, 0L, SEEK_SET);
        LinuxStructs.L_START.set(l, 0L, start);
        LinuxStructs.L_LEN.set(l, 0L, 1L);
        LinuxStructs.L_PID.set(l, 0L, 0);
        return l;
    }

    @Test
    void errnoNamesAndTextsComeFromTheCLibrary() {
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("EACCES", Errno.name(13));
        assertEquals("No such file or directory", Errno.text(2));
        assertEquals("errno 4095", Errno.name(4095));
        assertEquals("shm_open(\"/x\") failed: EACCES (Permission denied)",
                Errno.exception("shm_open", "/x", 13).getMessage());
    }
}
