package io.github.panamashm.internal.linux;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.Names;
import io.github.panamashm.internal.Os;
import io.github.panamashm.internal.PeerWait;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static io.github.panamashm.internal.linux.LibC.*;
import static io.github.panamashm.internal.linux.LinuxBackend.LIFETIME_BYTE;
import static io.github.panamashm.internal.linux.LinuxBackend.MUTEX_BYTE;

/**
 * The objects in {@code /dev/shm} seen through the lifetime protocol (docs/protocol.md), for the command
 * line tool's {@code list} and {@code rm}.
 *
 * <p>{@link #list()} only looks: it opens each candidate read-only and asks the kernel with
 * {@code F_OFD_GETLK} who holds byte 0 (the lifetime lock, read-locked by every attached process) and byte 1
 * (the attach mutex), taking no lock, creating and changing nothing. {@link #remove(String, boolean)} follows
 * the protocol as a detacher does: it takes byte 1, so no process can attach meanwhile, and removes the
 * object only if a write lock on byte 0 is granted, that is when no process is attached.
 *
 * <p>A candidate is what panama-shm could have made: a regular file whose name follows the naming rules,
 * with mode 0600, 0660 or 0666 (a private block, or one shared with the group or with everyone), and never
 * one of glibc's named semaphores ({@code sem.*}), which live in the same directory.
 */
public final class ShmObjects {
    /** Where glibc's {@code shm_open} keeps its objects. */
    static final Path DIRECTORY = Path.of("/dev/shm");
    /** The prefix of glibc's named semaphores ({@code sem_open}) in {@link #DIRECTORY}. */
    static final String SEMAPHORE_PREFIX = "sem.";
    /** The permission bits of the objects panama-shm creates: private, group, everyone. */
    private static final Set<Integer> BLOCK_MODES = Set.of(0600, 0660, 0666);

    private ShmObjects() {
    }

    /** What the locks of an object say about it. */
    public enum State {
        /** A process holds the lifetime lock: at least one is attached. */
        LIVE,
        /** An attach or a detach is under way: the attach mutex is held, or byte 0 is write-locked. */
        BUSY,
        /** No process holds either lock: left by processes that died, or made by a program without the protocol. */
        STALE,
        /** This process may not open the object to look at its locks. */
        UNKNOWN
    }

    /**
     * One object that may be a block.
     *
     * @param name  the block's name: the file name in {@link #DIRECTORY}
     * @param state what its locks say
     * @param size  its size in bytes
     * @param mode  its permission bits, e.g. {@code 0600}
     * @param owner the name of the user who owns it, or the uid when it has none
     */
    public record Entry(String name, State state, long size, int mode, String owner) {
    }

    /** What {@link #remove(String, boolean)} removed. */
    public enum Removed {
        /** A block no process was attached to. */
        STALE,
        /** A block processes were attached to: they keep their memory; the name is free for a new block. */
        LIVE
    }

    /**
     * {@return the objects in {@link #DIRECTORY} that may be blocks, sorted by name}
     *
     * @throws IOException when the directory cannot be read, or an object cannot be opened for a reason other
     *                     than a missing permission (which gives {@link State#UNKNOWN}) or its removal meanwhile
     */
    public static List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(DIRECTORY)) {
            for (Path file : dir) {
                Entry e = look(file);
                if (e != null) {
                    entries.add(e);
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    /** @return the entry for {@code file}, or null when it cannot be a block or went away */
    private static Entry look(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (!isBlockName(name)) {
            return null;
        }
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!attributes.isRegularFile() || !BLOCK_MODES.contains(bits(attributes.permissions()))) {
            return null;
        }
        String owner = attributes.owner().getName();
        String object = LinuxBackend.objectName(name);
        try (LinuxBackend.Calls c = calls(object)) {
            // O_NONBLOCK: should the name have become a FIFO since it was looked at, the open does not wait.
            int fd = c.shmOpen(O_RDONLY | O_NONBLOCK, 0);
            if (fd == -Errno.ENOENT) {
                return null;
            }
            if (fd == -Errno.EACCES) {
                return new Entry(name, State.UNKNOWN, attributes.size(), bits(attributes.permissions()), owner);
            }
            requireOpened(fd, object);
            try {
                // What the descriptor shows is what the locks belong to, whatever the name meant a moment ago.
                LinuxBackend.Stat st = c.fstat(fd);
                if (!isRegular(st.mode()) || !BLOCK_MODES.contains(st.mode() & 07777)) {
                    return null;
                }
                return new Entry(name, state(c, object, fd), st.size(), st.mode() & 07777, owner);
            } finally {
                c.close(fd); // a failure loses nothing: the descriptor was only read
            }
        }
    }

    /** @return whether a block could have this name: it follows the naming rules and is no semaphore's */
    private static boolean isBlockName(String name) {
        if (name.startsWith(SEMAPHORE_PREFIX)) {
            return false;
        }
        try {
            Names.check(name, Os.LINUX);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @return the permission bits, e.g. {@code 0640} */
    private static int bits(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission p : permissions) {
            bits |= 0400 >> p.ordinal(); // the enum lists OWNER_READ, OWNER_WRITE, OWNER_EXECUTE, GROUP_READ...
        }
        return bits;
    }

    /** What the locks of the open object say, asked without taking any. */
    private static State state(LinuxBackend.Calls c, String object, int fd) throws SharedMemoryException {
        short byte0 = conflict(c, object, fd, LIFETIME_BYTE);
        if (byte0 == F_RDLCK) {
            return State.LIVE;
        }
        return byte0 == F_WRLCK || conflict(c, object, fd, MUTEX_BYTE) != F_UNLCK ? State.BUSY : State.STALE;
    }

    private static boolean isRegular(int stMode) {
        return (stMode & S_IFMT) == S_IFREG;
    }

    /**
     * Removes the block {@code name} if no process is attached to it, or with {@code force} even if some are.
     * It holds the attach mutex meanwhile, so no process attaches between the check and the removal; one
     * waiting for the mutex then finds the object unlinked and makes a new one, as the protocol says.
     *
     * @param name  a block name, checked by {@link Names#check(String, Os)}
     * @param force remove a live block too: its processes keep their memory, and the next attach makes a new
     *              block under the same name
     * @return what was removed
     * @throws NoSuchSharedMemoryException when there is no object of that name
     * @throws SharedMemoryException       when it is not a block (no regular file, a semaphore, a mode
     *                                     panama-shm never creates), it is live and {@code force} is false,
     *                                     the attach mutex stays held past {@link PeerWait#timeout()}, or a
     *                                     call fails
     * @throws InterruptedIOException      when interrupted while waiting for the attach mutex
     */
    public static Removed remove(String name, boolean force) throws IOException {
        String object = LinuxBackend.objectName(name);
        if (Names.withoutPrefix(name).startsWith(SEMAPHORE_PREFIX)) {
            throw new SharedMemoryException("rm", object, "names beginning with \"sem.\" are glibc's named"
                    + " semaphores, not blocks");
        }
        try (LinuxBackend.Calls c = calls(object)) {
            // A write lock needs a descriptor open for writing; O_NONBLOCK, so that a FIFO's open does not wait.
            int fd = c.shmOpen(O_RDWR | O_NONBLOCK, 0);
            if (fd == -Errno.ENOENT) {
                throw new NoSuchSharedMemoryException(name, "shm_open(\"" + object + "\") failed: ENOENT ("
                        + Errno.text(Errno.ENOENT) + ")");
            }
            requireOpened(fd, object);
            try {
                LinuxBackend.Stat st = c.fstat(fd);
                if (!isRegular(st.mode())) {
                    throw new SharedMemoryException("rm", object, "it is " + LinuxBackend.kindOf(st.mode())
                            + ", not a block");
                }
                if (!BLOCK_MODES.contains(st.mode() & 07777)) {
                    throw new SharedMemoryException("rm", object, String.format("it has mode %04o, which panama-shm"
                            + " never creates (0600, 0660, 0666), so it is not a block", st.mode() & 07777));
                }
                c.lockMutex(fd, PeerWait.deadline(PeerWait.timeout()), "rm", "nothing was removed");
                if (c.fstat(fd).nlink() == 0) {
                    throw new NoSuchSharedMemoryException(name, object + " was removed while rm waited for it");
                }
                boolean live = !c.tryLock(fd, F_WRLCK, LIFETIME_BYTE);
                if (live && !force) {
                    throw new SharedMemoryException("rm", object, "it is live: a process is attached to it (rm"
                            + " --force removes the name anyway)");
                }
                int errno = c.shmUnlink();
                if (errno != 0) {
                    throw Errno.exception("shm_unlink", object, errno);
                }
                return live ? Removed.LIVE : Removed.STALE;
            } finally {
                c.close(fd); // drops both locks; a failure loses nothing: the descriptor only read or locked
            }
        }
    }

    /** The protocol's calls (LinuxBackend's), for one object. */
    private static LinuxBackend.Calls calls(String object) {
        return new LinuxBackend().new Calls(object);
    }

    /** Throws the error of a failed {@code Calls.shmOpen}, which returned {@code -errno}. */
    private static void requireOpened(int fdOrErrno, String object) throws SharedMemoryException {
        if (fdOrErrno < 0) {
            throw Errno.exception("shm_open", object, -fdOrErrno);
        }
    }

    /**
     * Asks which lock would stop a write lock on byte {@code start}, taking none.
     *
     * @return {@code F_UNLCK} when none would, else the type of a lock another open file holds there
     */
    private static short conflict(LinuxBackend.Calls c, String object, int fd, long start)
            throws SharedMemoryException {
        MemorySegment lock = c.flock(F_WRLCK, start);
        MemorySegment state = c.errnoState();
        if (fcntl(state, fd, F_OFD_GETLK, lock) != 0) {
            throw Errno.exception("fcntl(F_OFD_GETLK)", object, errno(state));
        }
        return (short) LinuxStructs.L_TYPE.get(lock, 0L);
    }

}
