package io.github.panamashm;

import io.github.panamashm.internal.Attachment;
import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.Names;
import io.github.panamashm.internal.Os;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.Platform;
import io.github.panamashm.internal.Shutdown;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

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
 *
 * <p><b>Waiting for other processes.</b> On Linux an attach or a detach may have to wait for another process
 * that is attaching or detaching the same name (a few system calls, normally). That wait is bounded by a
 * deadline: 5 seconds by default, or the system property {@code io.github.panamashm.peerTimeout} (an ISO-8601
 * duration such as {@code PT30S}, or milliseconds) for the whole JVM, or the {@code peerTimeout} argument of
 * {@link #openOrCreate(String, long, Duration, Option...)} and {@link #openExisting(String, Duration, Option...)}
 * for one block, its attach and its {@link #close()}. A process that stops while holding the name's lock (a
 * {@code kill -STOP}, a debugger, a hung native peer) then makes {@code open} fail with a
 * {@link SharedMemoryException} naming it, and {@code close} give up freeing the block after releasing what is
 * this process's own. The wait sleeps between tries, so a waiting virtual thread does not hold its carrier, and
 * {@link Thread#interrupt()} ends it with an {@link InterruptedIOException}.
 *
 * <p><b>At exit.</b> When the JVM exits normally ({@code main} returns, {@link System#exit}, SIGINT or
 * SIGTERM), panama-shm's shutdown hook closes every block still open, each within its deadline, so that the
 * last process out frees it; attaches under way when it starts are waited for and detached again. Nothing is
 * left in {@code /dev/shm}, whatever other threads are doing. Once the JVM's shutdown has begun, every open
 * throws {@link IllegalStateException} before any system call. Shutdown hooks run concurrently and in no
 * defined order, so a shutdown hook of your own may rely on this much: it cannot open a block (the
 * {@code IllegalStateException} leaves nothing behind); a block opened earlier may already be closed by
 * panama-shm's hook, and then answers {@link IllegalStateException} ("closed by panama-shm's exit hook"), never
 * a crash; closing it again is harmless. To leave something in a block at exit, write it before calling
 * {@code System.exit}. A halt ({@link Runtime#halt}, {@code kill -9}, a crash) runs no hook: the block is freed
 * by the next process that attaches to its name, which finds it abandoned and resets it.
 */
public final class SharedMemory implements AutoCloseable {
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
    /** How long this block's attach and detach may wait for another process. */
    private final Duration peerTimeout;
    /**
     * The mapping with no scope, for this package's own bounded accesses between {@link #acquire()} and
     * {@link #release()}; never handed out.
     */
    private final MemorySegment unscoped;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /**
     * Guards {@link #arena}, {@link #detached}, {@link #detachDeadline} and the making of {@link #segment}, and
     * serialises close(): a second caller waits until the first has detached. Private, so no caller can hold
     * it. Not a monitor: a detach may wait for another process, and a virtual thread waiting inside
     * {@code synchronized} holds its carrier on JDK 22 and 23.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /** Made by the first {@link #segment()}; guarded by {@link #lock}. */
    private Arena arena;
    private volatile MemorySegment segment;
    /** Guarded by {@link #lock}: the detach has run. */
    private boolean detached;
    /** See {@link #onClosing}; null when nothing must be told. */
    private volatile Consumer<MemorySegment> onClosing;
    /** Guarded by {@link #lock}: when the detach that close is running gives up waiting for another process. */
    private long detachDeadline;
    private volatile IOException detachFailure;
    /** Set when the exit hook closed the block, for the message a late user gets. */
    private volatile boolean closedAtExit;

    private SharedMemory(String name, Backend backend, Attachment attachment, Duration peerTimeout) {
        this.name = name;
        this.backend = backend;
        this.attachment = attachment;
        this.peerTimeout = peerTimeout;
        this.unscoped = attachment.address().reinterpret(attachment.byteSize());
    }

    /** What an open does at the OS level; {@link #open} wraps it in the exit hook's bookkeeping. */
    private interface Attach {
        Attachment attach(long deadline) throws IOException;
    }

    /**
     * Attaches with {@code attach}, admitted by the exit hook: refused once the JVM's shutdown has begun,
     * and, when shutdown begins while it runs, detached again before the exception says so.
     */
    private static SharedMemory open(String name, Backend backend, Duration peerTimeout, Attach attach)
            throws IOException {
        long deadline = PeerWait.deadline(peerTimeout);
        ExitHook.admit(deadline, peerTimeout);
        SharedMemory m = null;
        try {
            m = new SharedMemory(name, backend, attach.attach(deadline), peerTimeout);
        } finally {
            if (m == null) {
                ExitHook.abandoned();
            }
        }
        if (!ExitHook.register(m)) {
            IllegalStateException refused = ExitHook.shuttingDown();
            try {
                m.close(); // the exit hook has run or is running: undo rather than leave it attached
            } catch (RuntimeException e) {
                refused.addSuppressed(e);
            } finally {
                ExitHook.abandoned();
            }
            throw refused;
        }
        return m;
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
     *                                  block of a usable size, or is no block at all (a directory, a FIFO...), or
     *                                  another process holds the name's lock past the deadline (see
     *                                  {@link SharedMemory Waiting for other processes})
     * @throws InterruptedIOException   when the thread is interrupted while waiting for another process; its
     *                                  interrupt status is set and nothing is attached
     * @throws IllegalStateException    once the JVM's shutdown has begun (see {@link SharedMemory At exit})
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
        return openOrCreate(name, byteSize, PeerWait.timeout(), options);
    }

    /**
     * {@link #openOrCreate(String, long, Option...)} with its own deadline for waiting on other processes,
     * instead of the JVM's ({@code io.github.panamashm.peerTimeout}, else 5 seconds). It bounds this attach
     * and this block's {@link #close()}.
     *
     * <pre>{@code
     * // give up after 200 ms if a stopped peer holds "jobs"' lock; the SharedMemoryException names it
     * SharedMemory m = SharedMemory.openOrCreate("jobs", 4096, Duration.ofMillis(200));
     * }</pre>
     *
     * @param name        the block's name, under the rules of {@link #openOrCreate(String, long)}
     * @param byteSize    its size in bytes, at least 1; an existing block smaller than this is refused
     * @param peerTimeout how long this attach, and later this block's detach, may wait for another process
     *                    that holds the name's lock; positive
     * @param options     see {@link Option}
     * @return the attached block; close it to detach
     * @throws IllegalArgumentException when the name breaks a rule, byteSize or peerTimeout is not positive
     * @throws SharedMemoryException    as {@link #openOrCreate(String, long)}, and when another process holds
     *                                  the name's lock for longer than {@code peerTimeout}
     * @throws InterruptedIOException   when the thread is interrupted while waiting; its interrupt status is set
     * @throws IllegalStateException    once the JVM's shutdown has begun
     * @throws IOException              as {@link #openOrCreate(String, long)}
     */
    public static SharedMemory openOrCreate(String name, long byteSize, Duration peerTimeout, Option... options)
            throws IOException {
        int mode = Option.mode(options);
        return attach(Platform.backend(), Platform.os(), name, byteSize, mode, peerTimeout, false);
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
        return attach(Platform.backend(), Platform.os(), name, byteSize, Option.mode(options), PeerWait.timeout(), true);
    }

    /**
     * {@link #openOrCreate(String, long, Option...)} on a given backend and name rules: how the tests run this
     * class over another OS's backend (Windows' over Wine's kernel32 on Linux).
     */
    static SharedMemory openOrCreate(Backend backend, Os os, String name, long byteSize, int mode) throws IOException {
        return attach(backend, os, name, byteSize, mode, PeerWait.timeout(), false);
    }

    /** @param exclusive refuse a live block ({@link #create}), or attach to it ({@link #openOrCreate}) */
    private static SharedMemory attach(Backend backend, Os os, String name, long byteSize, int mode,
                                       Duration peerTimeout, boolean exclusive) throws IOException {
        Names.check(name, os);
        if (byteSize < 1) {
            throw new IllegalArgumentException("byteSize must be at least 1, was " + byteSize);
        }
        PeerWait.check(peerTimeout);
        return open(name, backend, peerTimeout, deadline -> exclusive
                ? backend.create(name, byteSize, mode, deadline)
                : backend.openOrCreate(name, byteSize, mode, deadline));
    }

    /**
     * A {@link SharedString}'s block: {@link Backend#attachText}, with the checks of
     * {@link #openOrCreate(String, long, Duration, Option...)}.
     */
    static SharedMemory openText(Backend.TextOpen how, String name, Duration peerTimeout, Option... options)
            throws IOException {
        int mode = Option.mode(options);
        return openText(Platform.backend(), Platform.os(), how, name, mode, peerTimeout);
    }

    /** {@link #openText(Backend.TextOpen, String, Duration, Option...)} on a given backend and name rules. */
    static SharedMemory openText(Backend backend, Os os, Backend.TextOpen how, String name, int mode,
                                 Duration peerTimeout) throws IOException {
        Names.check(name, os);
        PeerWait.check(peerTimeout);
        return open(name, backend, peerTimeout, deadline -> backend.attachText(how, name, mode, deadline));
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
        return openExisting(name, PeerWait.timeout(), options);
    }

    /**
     * {@link #openExisting(String, Option...)} with its own deadline for waiting on other processes, as
     * {@link #openOrCreate(String, long, Duration, Option...)}.
     *
     * @param name        the block's name, under the rules of {@link #openOrCreate(String, long)}
     * @param peerTimeout how long this attach, and later this block's detach, may wait for another process
     *                    that holds the name's lock; positive
     * @param options     see {@link Option}
     * @return the attached block; close it to detach
     * @throws NoSuchSharedMemoryException when no process is attached to a block of that name
     * @throws IllegalArgumentException    when the name breaks a rule or peerTimeout is not positive
     * @throws InterruptedIOException      when the thread is interrupted while waiting; its interrupt status is set
     * @throws IllegalStateException       once the JVM's shutdown has begun
     * @throws IOException                 as {@link #openExisting(String)}, and a {@link SharedMemoryException}
     *                                     when another process holds the name's lock for longer than peerTimeout
     */
    public static SharedMemory openExisting(String name, Duration peerTimeout, Option... options) throws IOException {
        int mode = Option.mode(options);
        return openExisting(Platform.backend(), Platform.os(), name, mode, peerTimeout);
    }

    /** {@link #openExisting(String, Option...)} on a given backend and name rules, as {@link #openOrCreate(Backend, Os, String, long, int)}. */
    static SharedMemory openExisting(Backend backend, Os os, String name, int mode) throws IOException {
        return openExisting(backend, os, name, mode, PeerWait.timeout());
    }

    private static SharedMemory openExisting(Backend backend, Os os, String name, int mode, Duration peerTimeout)
            throws IOException {
        Names.check(name, os);
        PeerWait.check(peerTimeout);
        return open(name, backend, peerTimeout, deadline -> backend.openExisting(name, mode, deadline));
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
     * @throws SharedMemoryException       when the OS refuses, or the name's lock is held past the deadline
     * @throws InterruptedIOException      when the thread is interrupted while waiting for another process
     * @throws IllegalStateException       once the JVM's shutdown has begun
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
        lock.lock();
        try {
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
        } finally {
            lock.unlock();
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

    /** {@return how long this block waits for another process: its attach's, detach's and sets' deadline} */
    Duration peerTimeout() {
        return peerTimeout;
    }

    /** {@return the attachment, for a {@link SharedString}'s text primitives} */
    Attachment attachment() {
        return attachment;
    }

    /**
     * Has {@link #close()} call {@code wake} with the mapping once new acquires fail, and again while it waits
     * for threads still between {@link #acquire()} and {@link #release()}: a holder that sleeps there (a
     * {@link SharedString} waiting for a change) must be made to leave, and the mapping is still there.
     */
    void onClosing(Consumer<MemorySegment> wake) {
        onClosing = wake;
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
     * @throws UncheckedIOException  when the OS failed to release the block, or when another process held the
     *                               name's lock past this block's deadline (see {@link SharedMemory Waiting for
     *                               other processes}) or the thread was interrupted while waiting for it: the
     *                               block is then unmapped and this process's descriptor closed, but it is not
     *                               freed; the object stays until the next attacher resets it, as after a crash
     */
    @Override
    public void close() {
        close(PeerWait.deadline(peerTimeout));
    }

    /** {@link #close()}, giving up waiting for another process at {@code deadline} ({@link System#nanoTime()}). */
    private void close(long deadline) {
        lock.lock();
        try {
            if (detached) {
                return;
            }
            detachDeadline = deadline;
            STATE.getAndBitwiseOr(this, CLOSED);
            // New acquires now fail; wait for the few that are between acquire and release (a bounded copy, or a
            // wait that onClosing cuts short).
            Consumer<MemorySegment> wake = onClosing;
            if (wake != null) {
                wake.accept(unscoped);
            }
            for (int spins = 0; (int) STATE.getVolatile(this) != CLOSED; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    if (wake != null && spins % 64 == 0) {
                        wake.accept(unscoped); // a waiter may have gone to sleep after the last call
                    }
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
        } finally {
            lock.unlock();
        }
        ExitHook.closed(this);
        IOException failure = detachFailure;
        if (failure != null) {
            throw new UncheckedIOException(failure);
        }
    }

    /** Runs once, in the thread that closes, holding {@link #lock}: directly or as the arena's cleanup. */
    private void detach() {
        try {
            attachment.detach(detachDeadline);
        } catch (IOException e) {
            detachFailure = e;
        }
    }

    @Override
    public String toString() {
        return "SharedMemory[name=" + name + ", byteSize=" + byteSize() + ", created=" + created()
                + (!isClosed() ? "" : closedAtExit ? ", closed by panama-shm's exit hook" : ", closed") + "]";
    }

    /**
     * The blocks this JVM has open, and the shutdown hook that detaches them when it exits normally, so that
     * the last process out frees a block even when nobody closed it.
     *
     * <p>The hook is registered only while a block is open or being attached, so that it keeps the class
     * loader that loaded panama-shm reachable no longer than its blocks; its thread carries no context class
     * loader and no inheritable thread locals. No attach starts once the JVM's shutdown has begun (the
     * Runtime then refuses to add or remove hooks, which is how {@link #admit} tells): a block opened then
     * would outlive the hook. An attach that got past that check before is waited for by the hook, and
     * detaches itself again when it finds the hook running. Everything is bookkept under one monitor, held
     * only for a few steps, never across a wait on another process.
     */
    private static final class ExitHook {
        private static final Object LOCK = new Object();
        /** Guarded by {@link #LOCK}; SharedMemory keeps Object's identity equality. */
        private static final Set<SharedMemory> OPEN = new HashSet<>();
        private static final Thread HOOK = Thread.ofPlatform().name("panama-shm exit")
                .inheritInheritableThreadLocals(false).unstarted(ExitHook::run);
        /** Guarded by {@link #LOCK}: attaches admitted that have not yet registered or given up. */
        private static int attaching;
        /** Guarded by {@link #LOCK}: when every attach in flight has ended, undo included. */
        private static long attachingUntil;
        /** Guarded by {@link #LOCK}. */
        private static boolean registered;
        /** Guarded by {@link #LOCK}: the hook has begun; no block joins {@link #OPEN} any more. */
        private static boolean running;

        static {
            HOOK.setContextClassLoader(null);
        }

        private ExitHook() {
        }

        static IllegalStateException shuttingDown() {
            return new IllegalStateException("the JVM is shutting down: panama-shm attaches no block once"
                    + " shutdown has begun, since its exit hook could not detach it");
        }

        /**
         * Admits an attach that gives up waiting at {@code deadline}; it must end with {@link #register} or
         * {@link #abandoned}.
         *
         * @throws IllegalStateException once the JVM's shutdown has begun, before any system call
         */
        static void admit(long deadline, Duration peerTimeout) {
            synchronized (LOCK) {
                if (running) {
                    throw shuttingDown();
                }
                if (registered) {
                    if (Shutdown.begun()) {
                        throw shuttingDown();
                    }
                } else {
                    try {
                        Runtime.getRuntime().addShutdownHook(HOOK);
                    } catch (IllegalStateException e) {
                        throw shuttingDown();
                    }
                    registered = true;
                }
                // The attach ends by its deadline; an undo then waits at most as long again.
                long until = deadline + peerTimeout.toNanos();
                if (attaching++ == 0 || until - attachingUntil > 0) {
                    attachingUntil = until;
                }
            }
        }

        /**
         * @return true when {@code m} is now open and the hook will detach it; false when the hook has begun,
         *         in which case the caller detaches it and calls {@link #abandoned()}
         */
        static boolean register(SharedMemory m) {
            synchronized (LOCK) {
                if (running) {
                    return false;
                }
                attaching--;
                OPEN.add(m);
                return true;
            }
        }

        /** An admitted attach failed, or was undone. */
        static void abandoned() {
            synchronized (LOCK) {
                attaching--;
                LOCK.notifyAll();
                unregisterWhenIdle();
            }
        }

        static void closed(SharedMemory m) {
            synchronized (LOCK) {
                OPEN.remove(m);
                unregisterWhenIdle();
            }
        }

        private static void unregisterWhenIdle() {
            if (registered && !running && OPEN.isEmpty() && attaching == 0) {
                try {
                    Runtime.getRuntime().removeShutdownHook(HOOK);
                    registered = false;
                } catch (IllegalStateException e) {
                    // shutdown has begun: the hook runs, and finds nothing to do
                }
            }
        }

        /** The hook: detaches every open block, each within its deadline, and waits for attaches in flight. */
        private static void run() {
            long start = System.nanoTime();
            List<SharedMemory> blocks;
            synchronized (LOCK) {
                running = true;
                blocks = new ArrayList<>(OPEN);
            }
            for (SharedMemory m : blocks) {
                try {
                    m.closedAtExit = true;
                    m.close(start + m.peerTimeout.toNanos()); // one deadline for all: the exit waits once
                } catch (Throwable e) {
                    report("could not detach " + m.name + " at exit: " + e);
                }
            }
            synchronized (LOCK) {
                while (attaching > 0) {
                    long left = attachingUntil - System.nanoTime();
                    if (left <= 0) {
                        report(attaching + " attach(es) still running at exit: the objects they create may stay");
                        break;
                    }
                    try {
                        LOCK.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
            }
        }

        private static void report(String what) {
            try {
                System.err.println("panama-shm: " + what);
            } catch (Throwable ignored) {
                // nothing more to do at exit
            }
        }
    }
}
