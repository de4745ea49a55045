package io.github.panamashm.internal.linux;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.linux.ShmObjects.Entry;
import io.github.panamashm.internal.linux.ShmObjects.State;
import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.panamashm.internal.linux.LibC.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** list and rm of the command line tool, below it: what /dev/shm holds, seen through the lifetime protocol. */
@EnabledOnOs(OS.LINUX)
class ShmObjectsTest {
    private final List<Path> planted = new ArrayList<>();

    @AfterEach
    void removePlanted() throws IOException {
        for (Path p : planted) {
            Files.deleteIfExists(p);
        }
    }

    /** The peer deadline before the test, which some tests change. */
    private final String peerTimeout = System.getProperty(PeerWait.PROPERTY);

    @AfterEach
    void restorePeerTimeout() {
        if (peerTimeout == null) {
            System.clearProperty(PeerWait.PROPERTY);
        } else {
            System.setProperty(PeerWait.PROPERTY, peerTimeout);
        }
    }

    private static String name(String tag) {
        return TestNames.unique("cli2-" + tag);
    }

    /** What a holder killed with -9 leaves: a regular file of the block's size and mode, with no lock on it. */
    private Path plant(String name, String perms, int size) throws IOException {
        Path file = TestNames.shmFile(name);
        planted.add(file);
        Files.write(file, new byte[size]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        return file;
    }

    private static Optional<Entry> listed(String name) throws IOException {
        return ShmObjects.list().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** An open file description with a write lock on one byte of the object, as an attacher at work holds one. */
    private static final class ByteLock implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final int fd;

        ByteLock(String name, long start) {
            MemorySegment state = arena.allocate(ERRNO_STATE_LAYOUT);
            fd = shm_open(state, arena.allocateFrom("/" + name), O_RDWR, 0);
            assertTrue(fd >= 0, "shm_open errno " + errno(state));
            MemorySegment lock = arena.allocate(LinuxStructs.FLOCK);
            LinuxStructs.L_TYPE.set(lock, 0L, F_WRLCK);
            LinuxStructs.L_WHENCE.set(lock, 0L, SEEK_SET);
            LinuxStructs.L_START.set(lock, 0L, start);
            LinuxStructs.L_LEN.set(lock, 0L, 1L);
            LinuxStructs.L_PID.set(lock, 0L, 0);
            assertEquals(0, fcntl(state, fd, F_OFD_SETLK, lock), "F_OFD_SETLK errno " + errno(state));
        }

        @Override
        public void close() {
            LibC.close(arena.allocate(ERRNO_STATE_LAYOUT), fd); // drops the lock
            arena.close();
        }
    }

    // ---- list --------------------------------------------------------------------------------------------

    @Test
    @DisplayName("list shows a block a process is attached to as live, with its size, mode and owner")
    void listShowsAnAttachedBlockAsLive() throws IOException {
        String name = name("live");
        try (SharedMemory m = SharedMemory.openOrCreate(name, 100)) {
            Entry e = listed(name).orElseThrow(() -> new AssertionError(name + " not listed"));
            assertEquals(new Entry(name, State.LIVE, 100, 0600, System.getProperty("user.name")), e);
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("list shows an object nobody holds a lock on as stale, and changes nothing in it")
    void listShowsAnUnlockedBlockAsStaleAndLeavesItAlone() throws IOException {
        String name = name("stale");
        Path file = plant(name, "rw-rw----", 4096);
        Files.write(file, new byte[] {1, 2, 3});
        FileTime modified = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file, modified);
        Object changed = Files.getAttribute(file, "unix:ctime");

        assertEquals(Optional.of(new Entry(name, State.STALE, 3, 0660, System.getProperty("user.name"))),
                listed(name));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        assertEquals(modified, Files.getLastModifiedTime(file));
        assertEquals(changed, Files.getAttribute(file, "unix:ctime"), "no truncate, chmod or lock changed it");
        // list held no lock: a write lock on both bytes is granted at once.
        try (ByteLock b0 = new ByteLock(name, 0); ByteLock b1 = new ByteLock(name, 1)) {
            assertTrue(Files.exists(file));
        }
    }

    @Test
    @DisplayName("list shows an object whose attach mutex (byte 1) is held as busy, not stale")
    void listShowsABlockWhoseMutexIsHeldAsBusy() throws IOException {
        String name = name("busy1");
        plant(name, "rw-------", 4096);
        try (ByteLock mutex = new ByteLock(name, 1)) {
            assertEquals(State.BUSY, listed(name).orElseThrow().state());
        }
        assertEquals(State.STALE, listed(name).orElseThrow().state());
    }

    @Test
    @DisplayName("list shows an object whose byte 0 is write-locked (an attacher resetting it) as busy")
    void listShowsABlockWhoseLifetimeByteIsWriteLockedAsBusy() throws IOException {
        String name = name("busy0");
        plant(name, "rw-------", 4096);
        try (ByteLock reset = new ByteLock(name, 0)) {
            assertEquals(State.BUSY, listed(name).orElseThrow().state());
        }
    }

    @Test
    @DisplayName("list leaves out modes panama-shm never creates, glibc semaphores, names the rules refuse,"
            + " FIFOs and directories")
    void listLeavesOutWhatCannotBeABlock() throws Exception {
        String token = name("not");
        plant(token + "-0644", "rw-r--r--", 4096);
        plant(token + "-0700", "rwx------", 4096);
        plant(token + "-0400", "r--------", 4096);
        plant("sem." + token, "rw-------", 32);
        plant(token + "-trailing-space ", "rw-------", 4096);
        Path fifo = TestNames.shmFile(token + "-fifo");
        planted.add(fifo);
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start().waitFor());
        Path dir = TestNames.shmFile(token + "-dir");
        planted.add(dir);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        plant(token + "-0666", "rw-rw-rw-", 4096);

        List<String> names = ShmObjects.list().stream().map(Entry::name).filter(n -> n.contains(token)).toList();
        assertEquals(List.of(token + "-0666"), names);
    }

    @Test
    @DisplayName("list sorts by name")
    void listIsSortedByName() throws IOException {
        String token = name("sort");
        plant(token + "-b", "rw-------", 1);
        plant(token + "-a", "rw-------", 1);
        plant(token + "-c", "rw-------", 1);
        List<String> names = ShmObjects.list().stream().map(Entry::name).filter(n -> n.startsWith(token)).toList();
        assertEquals(List.of(token + "-a", token + "-b", token + "-c"), names);
    }

    // ---- rm ----------------------------------------------------------------------------------------------

    @Test
    @DisplayName("rm removes a stale block")
    void rmRemovesAStaleBlock() throws IOException {
        String name = name("rm-stale");
        plant(name, "rw-------", 4096);
        assertEquals(ShmObjects.Removed.STALE, ShmObjects.remove(name, false));
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("rm refuses a live block and leaves it attached and whole")
    void rmRefusesALiveBlock() throws IOException {
        String name = name("rm-live");
        try (SharedMemory m = SharedMemory.openOrCreate(name, 4096)) {
            m.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 42);
            SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> ShmObjects.remove(name, false));
            assertEquals("rm(\"/" + name + "\") refused: it is live: a process is attached to it (rm --force removes"
                    + " the name anyway)", e.getMessage());
            try (SharedMemory again = SharedMemory.openExisting(name)) {
                assertEquals(42, again.segment().get(java.lang.foreign.ValueLayout.JAVA_INT, 0));
            }
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("rm --force removes the name of a live block: its process keeps its memory, the next attach"
            + " makes a new block, and the old process's detach does not remove that new one")
    void rmForceRemovesALiveBlocksNameOnly() throws IOException {
        String name = name("rm-force");
        try (SharedMemory old = SharedMemory.openOrCreate(name, 4096)) {
            old.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 42);
            assertEquals(ShmObjects.Removed.LIVE, ShmObjects.remove(name, true));
            assertFalse(TestNames.exists(name));
            assertEquals(42, old.segment().get(java.lang.foreign.ValueLayout.JAVA_INT, 0), "the memory stays");
            try (SharedMemory fresh = SharedMemory.openOrCreate(name, 4096)) {
                assertTrue(fresh.created());
                assertEquals(0, fresh.segment().get(java.lang.foreign.ValueLayout.JAVA_INT, 0));
                old.close();
                assertTrue(TestNames.exists(name), "the old block's detach left the new block alone");
            }
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("rm waits for the attach mutex and gives up at the peer deadline, removing nothing")
    void rmTakesTheAttachMutexAndGivesUpAtTheDeadline() throws IOException {
        String name = name("rm-mutex");
        Path file = plant(name, "rw-------", 4096);
        System.setProperty(PeerWait.PROPERTY, "PT0.3S");
        try (ByteLock attacher = new ByteLock(name, 1)) {
            SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> ShmObjects.remove(name, false));
            assertTrue(e.getMessage().startsWith("rm(\"/" + name + "\") refused: the block's attach/detach lock (byte 1)"
                    + " is held by pid " + ProcessHandle.current().pid() + " "), e.getMessage());
            assertTrue(e.getMessage().contains("; nothing was removed; wait longer with a peerTimeout argument or -D"
                    + PeerWait.PROPERTY), e.getMessage());
            assertTrue(Files.exists(file), "nothing removed while an attacher holds the mutex");
        }
        assertEquals(ShmObjects.Removed.STALE, ShmObjects.remove(name, false), "removed once the mutex is free");
    }

    @Test
    @DisplayName("rm waiting for the attach mutex removes the block once the attacher lets go")
    void rmWaitsForTheAttachMutex() throws Exception {
        String name = name("rm-wait");
        plant(name, "rw-------", 4096);
        System.setProperty(PeerWait.PROPERTY, "PT60S");
        ByteLock attacher = new ByteLock(name, 1);
        CompletableFuture<ShmObjects.Removed> removed = new CompletableFuture<>();
        Thread rm = Thread.ofPlatform().start(() -> {
            try {
                removed.complete(ShmObjects.remove(name, false));
            } catch (Throwable t) {
                removed.completeExceptionally(t);
            }
        });
        // Sleeping between two tries: it found the mutex held. No sleep here, only its observable state.
        long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rm.getState() != Thread.State.TIMED_WAITING) {
            assertFalse(removed.isDone(), () -> "rm ended without waiting: " + removed);
            assertTrue(System.nanoTime() < bound, "rm never waited");
            Thread.onSpinWait();
        }
        assertTrue(TestNames.exists(name), "nothing removed while the mutex is held");
        attacher.close();
        assertEquals(ShmObjects.Removed.STALE, removed.get(30, TimeUnit.SECONDS));
        rm.join();
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("rm of a name with no object fails with NoSuchSharedMemoryException and creates nothing")
    void rmOfAMissingNameFails() {
        String name = name("rm-missing");
        NoSuchSharedMemoryException e = assertThrows(NoSuchSharedMemoryException.class,
                () -> ShmObjects.remove(name, false));
        assertEquals(name, e.getFile());
        assertFalse(TestNames.exists(name));
    }

    @Test
    @DisplayName("rm refuses a FIFO, naming what it is, and leaves it")
    void rmRefusesAFifo() throws Exception {
        String name = name("rm-fifo");
        Path fifo = TestNames.shmFile(name);
        planted.add(fifo);
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start().waitFor());
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> ShmObjects.remove(name, true));
        assertEquals("rm(\"/" + name + "\") refused: it is a FIFO, not a block", e.getMessage());
        assertTrue(Files.exists(fifo));
    }

    @Test
    @DisplayName("rm refuses an object with a mode panama-shm never creates, and leaves it")
    void rmRefusesAForeignMode() throws IOException {
        String name = name("rm-0644");
        Path file = plant(name, "rw-r--r--", 4096);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> ShmObjects.remove(name, true));
        assertEquals("rm(\"/" + name + "\") refused: it has mode 0644, which panama-shm never creates (0600, 0660,"
                + " 0666), so it is not a block", e.getMessage());
        assertTrue(Files.exists(file));
    }

    @Test
    @DisplayName("rm refuses a glibc semaphore's name before any system call, even with --force")
    void rmRefusesASemaphoresName() throws IOException {
        String name = "sem." + name("rm-sem");
        Path file = plant(name, "rw-------", 32);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> ShmObjects.remove(name, true));
        assertEquals("rm(\"/" + name + "\") refused: names beginning with \"sem.\" are glibc's named semaphores,"
                + " not blocks", e.getMessage());
        assertTrue(Files.exists(file));
        assertThrows(SharedMemoryException.class, () -> ShmObjects.remove("Local\\" + name, true), "with a prefix too");
        assertTrue(Files.exists(file));
    }

    @Test
    @DisplayName("the kinds of file that are not blocks are named in words")
    void kindsAreNamed() {
        assertEquals("a FIFO", LinuxBackend.kindOf(S_IFIFO | 0600));
        assertEquals("a character device", LinuxBackend.kindOf(S_IFCHR));
        assertEquals("a directory", LinuxBackend.kindOf(S_IFDIR | 0700));
        assertEquals("a block device", LinuxBackend.kindOf(S_IFBLK));
        assertEquals("a socket", LinuxBackend.kindOf(S_IFSOCK));
        assertEquals("a symbolic link", LinuxBackend.kindOf(S_IFLNK | 0777));
        assertEquals("a file of type 000000", LinuxBackend.kindOf(0600));
        assertNull(LinuxBackend.kindOf(S_IFREG | 0600), "a regular file is what a block is");
    }
}
