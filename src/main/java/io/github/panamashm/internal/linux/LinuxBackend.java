package io.github.panamashm.internal.linux;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemoryAlreadyExistsException;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.Attachment;
import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.Names;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.Shutdown;
import io.github.panamashm.internal.TextLayout;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.github.panamashm.internal.linux.LibC.*;

/**
 * The Linux backend: POSIX shared memory objects with a lifetime protocol that frees a block when its last
 * process detaches, even one killed with -9, as Windows does for a file mapping.
 *
 * <p>The protocol (docs/protocol.md spells it out for C programs). The object is
 * {@code "/" + name}, created with mode 0600. Open-file-description locks ({@code F_OFD_SETLK[W]}) on the
 * object are used, because they belong to the open file, not the process: two attachers in one JVM exclude
 * each other, and the kernel drops them when a killed process's descriptors close. <b>Byte 1</b> is the
 * attach/detach mutex; <b>byte 0</b> the lifetime lock, read-locked by every attacher while attached.
 * <ul>
 *   <li>attach: open (creating if absent); write-lock byte 1, waiting; if the object was unlinked meanwhile
 *       ({@code st_nlink == 0}) close and start again. If a write lock on byte 0 is granted, nobody is
 *       attached: reset the block (truncate to 0, then to its size; an existing size other than 0 or exactly
 *       ours means the object is not ours: refuse) and report created, then turn that lock into a read lock
 *       (atomic with {@code fcntl}, unlike {@code flock}). Otherwise someone is attached: an exclusive create
 *       refuses, having changed nothing; other attaches grow a size of 0, refuse a size smaller than ours, and
 *       read-lock byte 0. Reserve the pages ({@code posix_fallocate}, so a full tmpfs is an
 *       error here rather than a SIGBUS on a later write), map, then unlock byte 1.</li>
 *   <li>detach: unmap; write-lock byte 1, waiting; if a write lock on byte 0 is granted this was the last
 *       attacher: {@code shm_unlink}. Close the descriptor, which drops every lock.</li>
 * </ul>
 * A crash leaves at most an object nobody holds a lock on; the next attacher finds byte 0 free and resets
 * it, so nothing a dead process wrote is ever taken for live data.
 *
 * <p>Byte 1 is waited for until a deadline, by polling {@code F_OFD_SETLK} with {@link PeerWait.Backoff},
 * never with a blocking {@code F_OFD_SETLKW}: a peer that stops while holding it ({@code kill -STOP}, a
 * debugger) must not hang this JVM, pin a virtual thread's carrier, or ignore an interrupt. At the deadline an
 * attach fails, naming the holder where {@code /proc} shows it; a detach gives up freeing the block but still
 * unmaps it and closes its descriptor, which is what a crash does: the object stays until the next attacher
 * resets it. Before anything could truncate, chmod or unlink the object, {@code fstat} shows it is a regular
 * file; anything else (a FIFO, a device, a directory...) is refused, naming what it is, and left alone.
 *
 * <p>A {@code SharedString}'s text block ({@link #attachText}) is created with its control area
 * ({@link TextLayout#BYTE_SIZE} bytes); a live block of exactly the example's 4096 bytes is accepted as it
 * is, and an abandoned one of 0, 4096 or the full size is reset to the full size. With the control area the
 * attacher also takes an id ({@code next_id}) and write-locks byte {@link TextLayout#LIVENESS_BASE} {@code + id}
 * until it detaches: how writers learn that the holder of their lock died ({@link LinuxTextSync}).
 */
public final class LinuxBackend implements Backend {
    /** The attach/detach mutex: an attacher or detacher write-locks it while it works. */
    static final long MUTEX_BYTE = 1;
    /** The lifetime lock: every attached process holds a read lock on it. */
    static final long LIFETIME_BYTE = 0;
    /** Whether {@link #link()} has run to the end. */
    private static volatile boolean linked;

    private final LinuxStructs structs = LinuxStructs.current();

    /** @return whether this backend has struct layouts for {@code osArch} */
    public static boolean supports(String osArch) {
        return LinuxStructs.of(osArch) != null;
    }

    /** @return the POSIX object name for a block name: {@code "/" + name}, without a Windows namespace prefix */
    public static String objectName(String name) {
        return "/" + Names.withoutPrefix(name);
    }

    @Override
    public String location(String name) {
        return "/dev/shm" + objectName(name);
    }

    @Override
    public Attachment openOrCreate(String name, long byteSize) throws IOException {
        return openOrCreate(name, byteSize, PRIVATE_MODE);
    }

    @Override
    public Attachment openOrCreate(String name, long byteSize, int mode) throws IOException {
        return openOrCreate(name, byteSize, mode, PeerWait.deadline(PeerWait.timeout()));
    }

    @Override
    public Attachment openOrCreate(String name, long byteSize, int mode, long deadline) throws IOException {
        return attach(name, byteSize, 0, true, false, mode, deadline);
    }

    @Override
    public Attachment create(String name, long byteSize) throws IOException {
        return create(name, byteSize, PRIVATE_MODE);
    }

    @Override
    public Attachment create(String name, long byteSize, int mode) throws IOException {
        return create(name, byteSize, mode, PeerWait.deadline(PeerWait.timeout()));
    }

    @Override
    public Attachment create(String name, long byteSize, int mode, long deadline) throws IOException {
        return attach(name, byteSize, 0, true, true, mode, deadline);
    }

    @Override
    public Attachment openExisting(String name) throws IOException {
        return openExisting(name, PRIVATE_MODE);
    }

    @Override
    public Attachment openExisting(String name, int mode) throws IOException {
        return openExisting(name, mode, PeerWait.deadline(PeerWait.timeout()));
    }

    @Override
    public Attachment openExisting(String name, int mode, long deadline) throws IOException {
        return attach(name, 0, 0, false, false, mode, deadline);
    }

    /**
     * A text block: created with its control area, or an example-layout block of exactly 4096 bytes. With the
     * control area, this attacher takes an id and holds its liveness lock (see {@link TextLayout}).
     */
    @Override
    public Attachment attachText(TextOpen how, String name, int mode, long deadline) throws IOException {
        return attach(name, TextLayout.BYTE_SIZE, TextLayout.EXAMPLE_BYTES, how != TextOpen.OPEN_EXISTING,
                how == TextOpen.CREATE, mode, deadline);
    }

    /**
     * @param exampleSize 0, or a smaller size also accepted from a live block and reset from an abandoned one:
     *                    a text block's {@link TextLayout#EXAMPLE_BYTES}; a block of that size is mapped as it is
     * @param create    create the object when absent, and reset it when nobody is attached
     * @param exclusive refuse a block a process is attached to (only with {@code create})
     * @param mode      the permission bits a new object gets and the most an existing one may have: 0600 for a
     *                  private block, wider for one shared with other users on purpose
     * @param deadline  the {@link System#nanoTime()} after which waiting for byte 1 gives up
     */
    private Attachment attach(String name, long byteSize, long exampleSize, boolean create, boolean exclusive,
                              int mode, long deadline) throws IOException {
        if ((mode & ~0666) != 0 || (mode & 0600) != 0600) {
            throw new IllegalArgumentException(String.format("mode must grant the owner read and write and no"
                    + " execute or special bit, was %04o", mode));
        }
        link();
        String object = objectName(name);
        String call = exclusive ? "create" : create ? "openOrCreate" : "openExisting";
        try (Calls c = new Calls(object)) {
            while (true) {
                int fd = c.shmOpen(create ? O_RDWR | O_CREAT : O_RDWR, mode);
                if (fd < 0) {
                    int errno = -fd;
                    if (errno == Errno.ENOENT && !create) {
                        throw new NoSuchSharedMemoryException(name, "shm_open(\"" + object + "\") failed: ENOENT ("
                                + Errno.text(errno) + ")");
                    }
                    // A directory (EINVAL: glibc folds EISDIR into it), a socket (ENXIO), a symbolic link (ELOOP)...
                    String kind = errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOMEM ? null
                            : kindAt(Path.of(location(name)));
                    throw kind == null ? Errno.exception("shm_open", object, errno)
                            : new SharedMemoryException("shm_open", object, errno, Errno.name(errno),
                                    Errno.text(errno) + "; " + notABlock(name, kind));
                }
                boolean attached = false;
                boolean unlinkOnFailure = false;
                MemorySegment address = null;
                long mapSize = 0;
                try {
                    c.lockMutex(fd, deadline, call, "nothing was attached");
                    Stat st = c.fstat(fd);
                    if (st.nlink() == 0) {
                        continue; // the last detacher unlinked it while we waited: open the new one
                    }
                    // Before anything could truncate, chmod or unlink it: a FIFO or a device opens and locks fine.
                    String kind = kindOf(st.mode());
                    if (kind != null) {
                        throw new SharedMemoryException(call, object, notABlock(name, kind));
                    }
                    checkOwnership(call, object, st, mode);
                    boolean created;
                    if (c.tryLock(fd, F_WRLCK, LIFETIME_BYTE)) {
                        // Nobody is attached: whatever the object holds was left by a process that is gone.
                        if (!create) {
                            throw new NoSuchSharedMemoryException(name, object + " exists but no process is attached"
                                    + " to it (left by a process that died; the next openOrCreate resets it)");
                        }
                        if (st.size() != 0 && st.size() != byteSize && st.size() != exampleSize) {
                            throw new SharedMemoryException(call, object, "an object of " + st.size()
                                    + " bytes exists with no process attached, not a block of " + byteSize
                                    + " bytes" + (exampleSize == 0 ? "" : " (or the example's " + exampleSize + ")")
                                    + "; it was left alone (if it is a block of another size left by a process"
                                    + " that died, remove " + location(name) + ")");
                        }
                        unlinkOnFailure = true;
                        if (st.size() != 0) {
                            c.ftruncate(fd, 0); // drops whatever a dead process left; a new object has nothing
                        }
                        c.ftruncate(fd, byteSize);
                        if (st.uid() == EUID.VALUE && (st.mode() & 0777) != mode) {
                            c.fchmod(fd, mode); // shm_open's mode went through the umask; a share needs it exact
                        }
                        c.setLock(fd, F_RDLCK, LIFETIME_BYTE); // atomic conversion: nobody sees byte 0 free
                        mapSize = byteSize;
                        created = true;
                    } else {
                        if (exclusive) {
                            // Decided under the mutex, so no attach can begin or end in between; nothing has
                            // been changed, and closing the descriptor (below) releases the mutex.
                            throw new SharedMemoryAlreadyExistsException(name, "fcntl(F_OFD_SETLK) on byte "
                                    + LIFETIME_BYTE + " of " + object + " found it locked: a process is"
                                    + " attached to the block");
                        }
                        if (st.size() == 0) {
                            if (!create) {
                                throw new SharedMemoryException(call, object,
                                        "the object has 0 bytes: it was not made by this protocol");
                            }
                            c.ftruncate(fd, byteSize);
                            mapSize = byteSize;
                        } else if (!create && exampleSize == 0) {
                            mapSize = st.size(); // openExisting maps the whole block
                        } else if (st.size() == exampleSize) {
                            mapSize = exampleSize; // a text block an example-layout peer made: as it is
                        } else if (st.size() < byteSize) {
                            throw tooSmall(call, object, st.size(), byteSize, exampleSize);
                        } else {
                            mapSize = byteSize;
                        }
                        c.setLock(fd, F_RDLCK, LIFETIME_BYTE);
                        created = false;
                    }
                    // Back every page now: on a full tmpfs a sparse object maps fine and a later write
                    // raises SIGBUS, which kills the JVM. Done by every attacher, not only the creator,
                    // in case the creator was a peer that skipped it; it never changes the contents.
                    c.fallocate(fd, mapSize);
                    address = c.mmap(fd, mapSize);
                    LinuxTextSync sync = exampleSize != 0 && mapSize >= TextLayout.BYTE_SIZE
                            ? new LinuxTextSync(structs, object, fd, c.takeLivenessId(fd, address), st.dev(), st.ino()) : null;
                    c.setLock(fd, F_UNLCK, MUTEX_BYTE);
                    attached = true;
                    return new LinuxAttachment(object, fd, address, mapSize, created, sync);
                } finally {
                    if (!attached) {
                        if (address != null) {
                            c.munmap(address, mapSize);
                        }
                        // We still hold byte 1, and when unlinkOnFailure also byte 0: nobody else is attached.
                        if (unlinkOnFailure) {
                            c.shmUnlink(); // best effort: the attach failure is what gets reported
                        }
                        c.close(fd);
                    }
                }
            }
        }
    }

    private static SharedMemoryException tooSmall(String call, String object, long size, long byteSize,
                                                  long exampleSize) {
        return new SharedMemoryException(call, object, "the block has " + size + " bytes, fewer than the "
                + byteSize + " asked for" + (exampleSize == 0 ? "" : " (or exactly the example's " + exampleSize + ")"));
    }

    /**
     * Loads and links, before the first attach makes its first system call, everything a detach or an error
     * report needs: every downcall handle (LibC's holder classes), and the classes that are otherwise loaded
     * only on some path. A class loaded later needs its class file opened, which fails when descriptors are
     * exhausted or the class loader that loaded panama-shm is closed, and would then break {@code close()}
     * and the exit hook for good ({@code NoClassDefFoundError}), or turn an EMFILE into one. Runs again if it
     * failed.
     */
    private static void link() {
        if (!linked) {
            List<Class<?>> classes = new ArrayList<>(List.of(LibC.class.getDeclaredClasses()));
            classes.addAll(List.of(Errno.class, ProcLocks.class, Calls.class, Stat.class, LinuxAttachment.class,
                    PeerWait.Backoff.class, Shutdown.class, SharedMemoryException.class,
                    NoSuchSharedMemoryException.class));
            for (Class<?> c : classes) {
                try {
                    Class.forName(c.getName(), true, c.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new NoClassDefFoundError(e.getMessage());
                }
            }
            linked = true;
        }
    }

    /** @return what a file of mode {@code stMode} is, for a message ("a directory"); null for a regular file */
    static String kindOf(int stMode) {
        return switch (stMode & S_IFMT) {
            case S_IFREG -> null;
            case S_IFIFO -> "a FIFO";
            case S_IFCHR -> "a character device";
            case S_IFDIR -> "a directory";
            case S_IFBLK -> "a block device";
            case S_IFSOCK -> "a socket";
            case S_IFLNK -> "a symbolic link";
            default -> String.format("a file of type %06o", stMode & S_IFMT);
        };
    }

    /** @return what the file at {@code path} is when shm_open failed on it; null when absent or regular */
    private static String kindAt(Path path) {
        try {
            return kindOf((int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException | LinkageError e) {
            // nothing there, or no way to look (the JDK loads libnio on first use: no descriptor to spare?)
            return null;
        }
    }

    private String notABlock(String name, String kind) {
        return location(name) + " is " + kind + ", not a shared memory block, and was left alone";
    }

    /**
     * Refuse an object another user owns or others can open, unless the caller shares on purpose ({@code mode}
     * wider than 0600), in which case any owner is fine but no permission bit outside {@code mode} is. The
     * process may be root, which the kernel's own permission checks would let through, so compare the fields.
     */
    private static void checkOwnership(String call, String object, Stat st, int mode) throws SharedMemoryException {
        int euid = EUID.VALUE;
        int bits = st.mode() & 07777;
        if (mode == PRIVATE_MODE) {
            if (st.uid() != euid) {
                throw new SharedMemoryException(call, object, "the object belongs to uid " + st.uid()
                        + ", not to this process's uid " + euid + " (to share a block across users on purpose,"
                        + " pass a SharedMemory.Option)");
            }
            if ((bits & 077) != 0) {
                throw new SharedMemoryException(call, object, String.format(
                        "the object has mode %04o: group or others may open it (panama-shm creates 0600; to"
                                + " share a block across users on purpose, pass a SharedMemory.Option)", bits));
            }
        } else if ((bits & ~mode) != 0) {
            throw new SharedMemoryException(call, object, String.format(
                    "the object has mode %04o, which grants more than the %04o this attach shares with", bits, mode));
        }
    }

    /** The effective uid, looked up once: nothing in a JVM changes it without native code of its own. */
    private static final class EUID {
        static final int VALUE = LibC.geteuid();
    }

    record Stat(long dev, long ino, long nlink, int mode, int uid, long size) {
    }

    /** One attach or detach: the calls it makes, each with errno captured into its own segment. */
    final class Calls implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final String object;
        private final MemorySegment path;

        Calls(String object) {
            this.object = object;
            this.path = arena.allocateFrom(object);
        }

        MemorySegment errnoState() {
            return arena.allocate(ERRNO_STATE_LAYOUT);
        }

        /** @return the descriptor, or {@code -errno} */
        int shmOpen(int oflag, int mode) {
            MemorySegment state = errnoState();
            int fd = shm_open(state, path, oflag, mode);
            return fd >= 0 ? fd : -errno(state);
        }

        MemorySegment flock(short type, long start) {
            return LinuxStructs.flock(arena, type, start);
        }

        /**
         * Write-locks byte 1, trying until {@code deadline}.
         *
         * @param call        the operation waiting, for the messages
         * @param consequence what giving up leaves, for the messages
         * @throws SharedMemoryException   at the deadline, naming the holder where /proc shows it
         * @throws InterruptedIOException when the thread is interrupted while waiting; its interrupt status is set
         */
        void lockMutex(int fd, long deadline, String call, String consequence) throws IOException {
            long start = System.nanoTime();
            PeerWait.Backoff backoff = new PeerWait.Backoff(deadline);
            while (!tryLock(fd, F_WRLCK, MUTEX_BYTE)) {
                boolean again;
                try {
                    again = backoff.pause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(call + "(\"" + object + "\") interrupted while waiting for"
                            + " another process to release the block's attach/detach lock (byte 1); " + consequence);
                }
                if (!again) {
                    Stat st = fstat(fd);
                    List<String> holders = ProcLocks.writeLockHolders(st.dev(), st.ino(), MUTEX_BYTE);
                    throw new SharedMemoryException(call, object, "the block's attach/detach lock (byte 1) is held"
                            + " by " + (holders.isEmpty() ? "another process" : String.join(", ", holders))
                            + ", which did not release it within " + (System.nanoTime() - start) / 1_000_000
                            + " ms (a process stopped by a signal or a debugger, or hung, holds it); " + consequence
                            + "; wait longer with a peerTimeout argument or -D" + PeerWait.PROPERTY);
                }
            }
        }

        /** @return false when another open file holds a conflicting lock */
        boolean tryLock(int fd, short type, long start) throws SharedMemoryException {
            MemorySegment state = errnoState();
            if (fcntl(state, fd, F_OFD_SETLK, flock(type, start)) == 0) {
                return true;
            }
            int errno = errno(state);
            if (errno == Errno.EAGAIN || errno == Errno.EACCES) {
                return false;
            }
            throw Errno.exception("fcntl(F_OFD_SETLK)", object, errno);
        }

        void setLock(int fd, short type, long start) throws SharedMemoryException {
            if (!tryLock(fd, type, start)) {
                throw new SharedMemoryException("fcntl(F_OFD_SETLK)", object, "byte " + start
                        + " is locked by a process that does not follow the panama-shm protocol");
            }
        }

        Stat fstat(int fd) throws SharedMemoryException {
            MemorySegment buf = arena.allocate(structs.stat());
            MemorySegment state = errnoState();
            if (LibC.fstat(state, fd, buf) != 0) {
                throw Errno.exception("fstat", object, errno(state));
            }
            long nlink = structs == LinuxStructs.X86_64
                    ? (long) structs.stNlink.get(buf, 0L)
                    : Integer.toUnsignedLong((int) structs.stNlink.get(buf, 0L));
            return new Stat((long) structs.stDev.get(buf, 0L), (long) structs.stIno.get(buf, 0L), nlink,
                    (int) structs.stMode.get(buf, 0L), (int) structs.stUid.get(buf, 0L),
                    (long) structs.stSize.get(buf, 0L));
        }

        void ftruncate(int fd, long length) throws SharedMemoryException {
            MemorySegment state = errnoState();
            if (LibC.ftruncate(state, fd, length) != 0) {
                throw Errno.exception("ftruncate", object, errno(state));
            }
        }

        void fchmod(int fd, int mode) throws SharedMemoryException {
            MemorySegment state = errnoState();
            if (LibC.fchmod(state, fd, mode) != 0) {
                throw Errno.exception("fchmod", object, errno(state));
            }
        }

        /** Reserves the pages of {@code [0, length)}, which lies within the object, so no later access faults. */
        void fallocate(int fd, long length) throws SharedMemoryException {
            int error;
            do {
                error = posix_fallocate(fd, 0L, length); // returns the error number; errno is not set
            } while (error == Errno.EINTR);
            if (error != 0) {
                throw Errno.exception("posix_fallocate", object, error);
            }
        }

        MemorySegment mmap(int fd, long length) throws SharedMemoryException {
            MemorySegment state = errnoState();
            MemorySegment address = LibC.mmap(state, MemorySegment.NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED,
                    fd, 0L);
            if (address.address() == MAP_FAILED) {
                throw Errno.exception("mmap", object, errno(state));
            }
            return address;
        }

        /**
         * Takes this attacher's id from {@code next_id} and the write lock on its liveness byte, which the
         * descriptor then holds until it is closed (see {@link TextLayout}).
         *
         * @return the id
         */
        int takeLivenessId(int fd, MemorySegment address) throws SharedMemoryException {
            MemorySegment block = address.reinterpret(TextLayout.BYTE_SIZE);
            for (int tries = 0; tries < 100; tries++) {
                int id = (int) TextLayout.NEXT_ID.getAndAdd(block, 0L, 1) + 1;
                // 0 means "free" in the lock word (after 2^32 attaches); a byte locked already belongs to a
                // process that does not follow the protocol: take the next id.
                if (id != 0 && tryLock(fd, F_WRLCK, TextLayout.livenessByte(id))) {
                    // A lock word holding our new id is stale: its holder had this id before the ids wrapped
                    // around and is dead (we got its byte). Left there, our own sets would take it for a
                    // thread of ours holding the lock. Freed, the next writer repairs what it left.
                    TextLayout.LOCK.compareAndSet(block, 0L, id, 0);
                    return id;
                }
            }
            throw new SharedMemoryException("fcntl(F_OFD_SETLK)", object, "100 attacher ids in a row had their"
                    + " liveness byte locked already, by processes that do not follow the panama-shm protocol");
        }

        int munmap(MemorySegment address, long length) {
            MemorySegment state = errnoState();
            return LibC.munmap(state, address, length) == 0 ? 0 : errno(state);
        }

        /** @return 0 or errno; ENOENT means someone else removed it, which leaves the same outcome */
        int shmUnlink() {
            MemorySegment state = errnoState();
            if (shm_unlink(state, path) == 0) {
                return 0;
            }
            int errno = errno(state);
            return errno == Errno.ENOENT ? 0 : errno;
        }

        int close(int fd) {
            MemorySegment state = errnoState();
            return LibC.close(state, fd) == 0 ? 0 : errno(state);
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /**
     * An attached block: the descriptor holds the read lock on byte 0, and for a text block with its control
     * area the liveness lock, until detach closes it.
     */
    private final class LinuxAttachment extends Attachment {
        private final String object;
        private final int fd;
        private final LinuxTextSync sync;

        LinuxAttachment(String object, int fd, MemorySegment address, long byteSize, boolean created,
                        LinuxTextSync sync) {
            super(address, byteSize, created);
            this.object = object;
            this.fd = fd;
            this.sync = sync;
        }

        @Override
        public LinuxTextSync textSync() {
            return sync;
        }

        @Override
        public void detach() throws IOException {
            detach(PeerWait.deadline(PeerWait.timeout()));
        }

        @Override
        public void detach(long deadline) throws IOException {
            IOException failure = null;
            try (Calls c = new Calls(object)) {
                int errno = c.munmap(address(), byteSize());
                if (errno != 0) {
                    failure = Errno.exception("munmap", object, errno);
                }
                try {
                    c.lockMutex(fd, deadline, "detach", "detached without freeing the block: its mapping and"
                            + " descriptor are released, and the object stays until the next attacher resets it");
                    if (c.fstat(fd).nlink() > 0 && c.tryLock(fd, F_WRLCK, LIFETIME_BYTE)) {
                        errno = c.shmUnlink(); // the last one out frees the block
                        if (errno == Errno.EPERM || errno == Errno.EACCES) {
                            // Another user's object in the sticky /dev/shm (a block shared on purpose): free
                            // its memory instead; the name stays, empty and unlocked, for the next attacher.
                            try {
                                c.ftruncate(fd, 0);
                                errno = 0;
                            } catch (SharedMemoryException e) {
                                // report the unlink failure below
                            }
                        }
                        if (errno != 0 && failure == null) {
                            failure = Errno.exception("shm_unlink", object, errno);
                        }
                    }
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                } finally {
                    errno = c.close(fd); // drops both locks
                    if (errno != 0 && failure == null) {
                        failure = Errno.exception("close", object, errno);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
