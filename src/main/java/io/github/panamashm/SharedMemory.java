package io.github.panamashm;

import io.github.panamashm.internal.Attachment;
import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.Names;
import io.github.panamashm.internal.Os;
import io.github.panamashm.internal.Platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A named block of memory shared between processes, Java or native, on Windows and Linux.
 *
 * <p>It behaves like a Windows file mapping on the paging file on every OS: the block exists while at least
 * one process is attached, and is freed when the last one detaches, whether by {@link #close()}, by the JVM
 * exiting (a shutdown hook detaches what was left open) or by the process being killed. The next process
 * to attach then sees {@link #created()} {@code == true} and a block of zeros.
 *
 * <pre>{@code
 * try (SharedMemory block = SharedMemory.openOrCreate("jobs", 4096)) {
 *     MemorySegment s = block.segment();
 *     s.set(ValueLayout.JAVA_INT, 0, 42);       // visible at once to every process attached to "jobs"
 * }
 * }</pre>
 *
 * <p>{@link #segment()} belongs to this object's own shared {@link Arena}: it can be used from any thread
 * until {@link #close()}, after which every access, from any thread, throws {@link IllegalStateException}
 * rather than touching unmapped memory. That arena is made on the first call to {@link #segment()}: closing a
 * shared arena makes the JVM handshake with every thread (tens of microseconds, several times the system calls
 * of a whole attach and detach), so a block whose segment was never asked for, such as the one inside a
 * {@link SharedString}, detaches without it. The memory itself is not synchronised between processes: agree on
 * your own protocol (atomics through {@link java.lang.invoke.VarHandle}, a lock in the block...) as you would
 * with threads.
 *
 * <p>Names follow the same rules on every OS (see {@link #openOrCreate(String, long)}); on Linux the block is
 * the POSIX shared memory object {@code "/" + name} (in {@code /dev/shm}), on Windows the file mapping
 * {@code name}. Instances are thread-safe.
 */
public final class SharedMemory implements AutoCloseable {
    private static final Set<SharedMemory> OPEN = ConcurrentHashMap.newKeySet();

    /** {@link #state}: set once close has begun; the other bits count threads inside {@link #acquire()}. */
    private static final int CLOSED = Integer.MIN_VALUE;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SharedMemory.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final Backend backend;
    private final Attachment attachment;
    /**
     * The mapping with no scope, for this package's own bounded accesses between {@link #acquire()} and
     * {@link #release()}; never handed out.
     */
    private final MemorySegment unscoped;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /**
     * Guards {@link #arena}, {@link #detached} and the making of {@link #segment}, and serialises close(): a
     * second caller waits until the first has detached. Private, so no caller can hold it.
     */
    private final Object lock = new Object();
    /** Made by the first {@link #segment()}; guarded by {@link #lock}. */
    private Arena arena;
    private volatile MemorySegment segment;
    /** Guarded by {@link #lock}: the detach has run. */
    private boolean detached;
    private volatile IOException detachFailure;

    private SharedMemory(String name, Backend backend, Attachment attachment) {
        this.name = name;
        this.backend = backend;
        this.attachment = attachment;
        this.unscoped = attachment.address().reinterpret(attachment.byteSize());
        OPEN.add(this);
        ExitHook.install();
    }

    /**
     * Creates the block {@code name} of {@code byteSize} bytes, or attaches to it if it exists: the semantics
     * of Windows' {@code CreateFileMappingW}. A new block is all zeros.
     *
     * <p>Names are checked before any system call, with the same rules on every OS: not empty, not
     * {@code .} or {@code ..}; no NUL, control character or unpaired surrogate; no backslash except
     * a leading {@code Local\} or {@code Global\} namespace prefix (meaningful on Windows, dropped on Linux);
     * no leading or trailing white space. On Linux also no {@code /} and at most 253 bytes of UTF-8 (what every
     * glibc takes); on Windows, which allows {@code /}, at most 32,766 UTF-16 units.
     *
     * @param name     the block's name, e.g. {@code "dllmemfilemap"}
     * @param byteSize its size in bytes, at least 1; an existing block smaller than this is refused
     * @return the attached block; close it to detach
     * @throws IllegalArgumentException when the name breaks a rule or byteSize is not positive
     * @throws SharedMemoryException    when the OS refuses, or an object of that name exists that is not a
     *                                  block of a usable size
     * @throws UnsupportedOperationException on an OS panama-shm has no backend for
     * @throws IOException only as one of the I/O exceptions above
     */
    public static SharedMemory openOrCreate(String name, long byteSize) throws IOException {
        return openOrCreate(name, byteSize, new Option[0]);
    }

    /**
     * {@link #openOrCreate(String, long)} with options; without any it is exactly that method.
     *
     * <pre>{@code
     * // a block that processes of every user in this user's group may attach to
     * SharedMemory m = SharedMemory.openOrCreate("jobs", 4096, SharedMemory.Option.SHARE_WITH_GROUP);
     * }</pre>
     *
     * @param name     the block's name, under the rules of {@link #openOrCreate(String, long)}
     * @param byteSize its size in bytes, at least 1; an existing block smaller than this is refused
     * @param options  see {@link Option}; the widest sharing option given applies
     * @return the attached block; close it to detach
     * @throws IllegalArgumentException      when the name breaks a rule or byteSize is not positive
     * @throws SharedMemoryException         when the OS refuses, or an object of that name exists that is not
     *                                       a block of a usable size or is shared more widely than asked
     * @throws IOException                   as {@link #openOrCreate(String, long)}
     * @throws UnsupportedOperationException when an option is not supported on this OS
     * @see Option
     */
    public static SharedMemory openOrCreate(String name, long byteSize, Option... options) throws IOException {
        int mode = Option.mode(options);
        return openOrCreate(Platform.backend(), Platform.os(), name, byteSize, mode);
    }

    /**
     * Creates the block {@code name} of {@code byteSize} bytes, refusing one that a process is attached to:
     * .NET's {@code MemoryMappedFile.CreateNew}, Python's {@code SharedMemory(name, create=True)}. A new block
     * is all zeros and {@link #created()} is true. A block nobody is attached to any more (left by a process
     * that was killed) is not live: it is reset and taken, as {@link #openOrCreate(String, long)} does.
     *
     * <p>Deciding and creating are one atomic step: of several processes creating the same name at once,
     * exactly one succeeds and the others get {@link SharedMemoryAlreadyExistsException}. A refused call
     * changes nothing in the block.
     *
     * <pre>{@code
     * try (SharedMemory block = SharedMemory.create("jobs", 4096)) {
     *     ...                                        // this process made "jobs"; others openExisting it
     * } catch (SharedMemoryAlreadyExistsException e) {
     *     ...                                        // another process has it
     * }
     * }</pre>
     *
     * @param name     the block's name, under the rules of {@link #openOrCreate(String, long)}
     * @param byteSize its size in bytes, at least 1
     * @return the attached block, with {@link #created()} true; close it to detach
     * @throws SharedMemoryAlreadyExistsException when a process is attached to a block of that name
     * @throws IllegalArgumentException           when the name breaks a rule or byteSize is not positive
     * @throws SharedMemoryException              when the OS refuses, or an object of that name that nobody is
     *                                            attached to is not a block panama-shm can reset
     * @throws UnsupportedOperationException      on an OS panama-shm has no backend for
     * @throws IOException only as one of the I/O exceptions above
     */
    public static SharedMemory create(String name, long byteSize) throws IOException {
        return create(name, byteSize, new Option[0]);
    }

    /**
     * {@link #create(String, long)} with options; without any it is exactly that method.
     *
     * @param name     the block's name, under the rules of {@link #openOrCreate(String, long)}
     * @param byteSize its size in bytes, at least 1
     * @param options  see {@link Option}; the widest sharing option given applies
     * @return the attached block, with {@link #created()} true; close it to detach
     * @throws SharedMemoryAlreadyExistsException when a process is attached to a block of that name
     * @throws IOException                        when the OS refuses, as {@link #create(String, long)}
     * @throws UnsupportedOperationException      when an option is not supported on this OS
     * @see Option
     */
    public static SharedMemory create(String name, long byteSize, Option... options) throws IOException {
        return attach(Platform.backend(), Platform.os(), name, byteSize, Option.mode(options), true);
    }

    /**
     * {@link #openOrCreate(String, long, Option...)} on a given backend and name rules: how the tests run this
     * class over another OS's backend (Windows' over Wine's kernel32 on Linux).
     */
    static SharedMemory openOrCreate(Backend backend, Os os, String name, long byteSize, int mode) throws IOException {
        return attach(backend, os, name, byteSize, mode, false);
    }

    /** @param exclusive refuse a live block ({@link #create}), or attach to it ({@link #openOrCreate}) */
    private static SharedMemory attach(Backend backend, Os os, String name, long byteSize, int mode, boolean exclusive)
            throws IOException {
        Names.check(name, os);
        if (byteSize < 1) {
            throw new IllegalArgumentException("byteSize must be at least 1, was " + byteSize);
        }
        return new SharedMemory(name, backend, exclusive ? backend.create(name, byteSize, mode)
                : backend.openOrCreate(name, byteSize, mode));
    }

    /**
     * {@link #openExisting(String)} with options; without any it is exactly that method.
     *
     * @param name    the block's name, under the rules of {@link #openOrCreate(String, long)}
     * @param options see {@link Option}; the widest sharing option given applies
     * @return the attached block; close it to detach
     * @throws NoSuchSharedMemoryException   when no process is attached to a block of that name
     * @throws IOException                   when the OS refuses, as {@link #openExisting(String)}
     * @throws UnsupportedOperationException when an option is not supported on this OS
     * @see Option
     */
    public static SharedMemory openExisting(String name, Option... options) throws IOException {
        int mode = Option.mode(options);
        return openExisting(Platform.backend(), Platform.os(), name, mode);
    }

    /** {@link #openExisting(String, Option...)} on a given backend and name rules, as {@link #openOrCreate(Backend, Os, String, long, int)}. */
    static SharedMemory openExisting(Backend backend, Os os, String name, int mode) throws IOException {
        Names.check(name, os);
        return new SharedMemory(name, backend, backend.openExisting(name, mode));
    }

    /**
     * Options of {@link #openOrCreate(String, long, Option...)}, {@link #create(String, long, Option...)} and
     * {@link #openExisting(String, Option...)}.
     *
     * <p>By default a block is private to its user: on Linux it is created with mode 0600, and an existing
     * object that another user owns, or that has any group or other permission bit, is refused with
     * {@link SharedMemoryException} (the process may be root, which the kernel would let through, so
     * panama-shm compares the owner and mode itself). On Windows it is created owned by the process's user
     * with a DACL granting access to that user and SYSTEM only, and an existing file mapping is refused unless
     * its owner is the process's user or the owner its token gives new objects (BUILTIN\Administrators for
     * an elevated administrator) and its DACL exists and grants nothing to a group of users such as
     * Authenticated Users or Everyone. The sharing options are the explicit way to share a block with other
     * users on purpose. Every process attaching to a shared block must pass the option: a private attach
     * refuses a shared block.
     *
     * <p>The last process to detach frees a block; on Linux, when that process is not the object's owner,
     * {@code /dev/shm}'s sticky bit forbids it to remove the name, so it empties the object instead (the
     * memory is freed, a 0-byte name stays) and the next attacher finds it free and resets it.
     */
    public enum Option {
        /**
         * Share with the owner's group: a new block gets mode 0660 exactly (whatever the umask), and an existing
         * block is accepted whoever owns it if its mode has no bit outside 0660. Linux only: a Windows token has
         * no group that stands for the people a user shares with (its primary group is usually "None" or
         * "Domain Users"), so on Windows it throws {@link UnsupportedOperationException}; use
         * {@link #SHARE_WITH_EVERYONE} there.
         */
        SHARE_WITH_GROUP(0660),
        /**
         * Share with every user: a new block gets mode 0666 exactly, and an existing block is accepted whoever
         * owns it if its mode has no bit outside 0666. On Windows a new block's DACL also lets Authenticated
         * Users (every logged-on user, services included, of any session) map it read/write, and an existing
         * block is accepted whoever owns it if it has a DACL (not the NULL DACL that lets anyone change it).
         */
        SHARE_WITH_EVERYONE(0666);

        private final int mode;

        Option(int mode) {
            this.mode = mode;
        }

        /** {@return the permission bits this option creates a block with, e.g. {@code 0660}} */
        public int mode() {
            return mode;
        }

        static int mode(Option... options) {
            int mode = Backend.PRIVATE_MODE;
            for (Option o : options) {
                mode |= Objects.requireNonNull(o, "option").mode;
            }
            return mode;
        }
    }

    /**
     * Attaches to the block {@code name} that at least one process is attached to: the semantics of
     * Windows' {@code OpenFileMappingW}. {@link #byteSize()} is then the existing block's size (on Windows,
     * rounded up to whole pages).
     *
     * @param name the block's name, under the rules of {@link #openOrCreate(String, long)}
     * @return the attached block; close it to detach
     * @throws NoSuchSharedMemoryException when no process is attached to a block of that name
     * @throws IllegalArgumentException    when the name breaks a rule
     * @throws SharedMemoryException       when the OS refuses
     * @throws UnsupportedOperationException on an OS panama-shm has no backend for
     * @throws IOException only as one of the I/O exceptions above
     */
    public static SharedMemory openExisting(String name) throws IOException {
        return openExisting(name, new Option[0]);
    }

    /** {@return the name this block was opened with} */
    public String name() {
        return name;
    }

    /** {@return the number of bytes mapped, which is {@code segment().byteSize()}} */
    public long byteSize() {
        return attachment.byteSize();
    }

    /**
     * {@return true when this attach created the block, or found it abandoned and reset it: the example's
     *         {@code fInit}. Of many processes attaching to a new name at once, exactly one sees true.}
     */
    public boolean created() {
        return attachment.created();
    }

    /**
     * {@return the block's memory, {@link #byteSize()} bytes; any access after {@link #close()} throws
     *         {@link IllegalStateException}}
     */
    public MemorySegment segment() {
        MemorySegment s = segment;
        return s != null ? s : makeSegment();
    }

    private MemorySegment makeSegment() {
        synchronized (lock) {
            if (segment == null) {
                long size = attachment.byteSize();
                if (isClosed()) {
                    // Closed before anyone asked: a segment of the same address and size that no thread may
                    // access. (A segment cannot be made in an arena already closed, so this rare path pays one
                    // handshake.)
                    Arena dead = Arena.ofShared();
                    segment = attachment.address().reinterpret(size, dead, null);
                    dead.close();
                } else {
                    arena = Arena.ofShared();
                    // The mapping is released by the arena's cleanup, once no thread can reach the segment.
                    segment = attachment.address().reinterpret(size, arena, ignored -> detach());
                }
            }
            return segment;
        }
    }

    /** {@return true once {@link #close()} has run} */
    public boolean isClosed() {
        return (int) STATE.getVolatile(this) < 0;
    }

    /**
     * Lets the calling thread use the mapping until {@link #release()}, which it must call soon and in a
     * {@code finally}: {@link #close()} waits for it before unmapping. For this package's short, bounded
     * accesses (a {@link SharedString}'s {@code set} and {@code get}), which then need no shared arena.
     *
     * @return the whole block, with no scope: valid until {@link #release()}
     * @throws IllegalStateException when the block is closed
     */
    MemorySegment acquire() {
        if ((int) STATE.getAndAdd(this, 1) < 0) {
            STATE.getAndAdd(this, -1);
            throw new IllegalStateException("Already closed: " + this);
        }
        return unscoped;
    }

    /** Ends what {@link #acquire()} began. */
    void release() {
        STATE.getAndAdd(this, -1);
    }

    /**
     * {@return where the block lives on this OS, for people: {@code /dev/shm/NAME} on Linux, the object name
     *         {@code NAME} in the session namespace on Windows}
     */
    public String location() {
        return backend.location(name);
    }

    /**
     * Detaches: unmaps the block and, if this was the last process attached, frees it. Idempotent: a call
     * made while another thread is closing the block waits until the detach is done, so when any
     * {@code close()} returns the block is detached (the JVM's exit hook relies on it).
     *
     * <p>Once it returns the block is detached: the next attach anywhere sees it freed if this was the last
     * process attached. A {@link SharedString#set set} or {@link SharedString#get get} already running on
     * another thread is waited for (it is a bounded copy); one starting after close began throws
     * {@link IllegalStateException}. Only when {@link #segment()} was called does close also pay the JVM's
     * handshake for its shared arena.
     *
     * @throws IllegalStateException when a thread is still using the segment (for example passed to a native
     *                               call); the block stays attached and close can be called again
     * @throws UncheckedIOException  when the OS failed to release the block; it is detached as far as it could be
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (detached) {
                return;
            }
            STATE.getAndBitwiseOr(this, CLOSED);
            // New acquires now fail; wait for the few that are between acquire and release (a bounded copy).
            for (int spins = 0; (int) STATE.getVolatile(this) != CLOSED; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Arena a = arena; // a segment() made after this point sees the state closed and makes no arena
            if (a != null) {
                try {
                    a.close(); // the handshake; its cleanup detaches
                } catch (IllegalStateException e) {
                    STATE.getAndBitwiseAnd(this, ~CLOSED); // still in use: the block stays attached
                    throw e;
                }
            } else {
                detach();
            }
            detached = true;
        }
        OPEN.remove(this);
        IOException failure = detachFailure;
        if (failure != null) {
            throw new UncheckedIOException(failure);
        }
    }

    private void detach() {
        try {
            attachment.detach();
        } catch (IOException e) {
            detachFailure = e;
        }
    }

    @Override
    public String toString() {
        return "SharedMemory[name=" + name + ", byteSize=" + byteSize() + ", created=" + created()
                + (isClosed() ? ", closed" : "") + "]";
    }

    /** Detaches every block still open when the JVM exits normally, so the last exit frees the block. */
    private static final class ExitHook {
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(ExitHook::closeAll, "panama-shm exit"));
        }

        static void install() {
            // Loading this class registers the hook exactly once.
        }

        private static void closeAll() {
            for (SharedMemory m : OPEN) {
                try {
                    m.close();
                } catch (RuntimeException e) {
                    System.err.println("panama-shm: could not detach " + m.name + " at exit: " + e);
                }
            }
        }
    }
}
