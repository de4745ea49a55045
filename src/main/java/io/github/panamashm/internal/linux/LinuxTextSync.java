package io.github.panamashm.internal.linux;

import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.TextLayout;
import io.github.panamashm.internal.TextSync;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;

import static io.github.panamashm.internal.TextLayout.LOCK;
import static io.github.panamashm.internal.linux.LibC.ERRNO_STATE_LAYOUT;
import static io.github.panamashm.internal.linux.LibC.FUTEX_WAIT;
import static io.github.panamashm.internal.linux.LibC.FUTEX_WAKE;
import static io.github.panamashm.internal.linux.LibC.F_OFD_GETLK;
import static io.github.panamashm.internal.linux.LibC.F_UNLCK;
import static io.github.panamashm.internal.linux.LibC.F_WRLCK;
import static io.github.panamashm.internal.linux.LibC.errno;

/**
 * The writers' lock and the waits of one attachment to a text block, on Linux.
 *
 * <p><b>Lock.</b> A compare-and-swap of {@code lock} from 0 to this attacher's id: one atomic instruction when
 * free (two {@code fcntl} calls, what an OFD lock per set would cost, are forty times today's whole set).
 * A holder's death shows through its liveness lock: every attacher holds an OFD write lock on byte
 * {@link TextLayout#LIVENESS_BASE} {@code + id} while attached (taken by {@link LinuxBackend} at attach), and the
 * kernel drops it when the holder's descriptors close, killed or not. A writer that finds the lock taken spins
 * briefly, then sleeps in growing steps (up to {@value #MAX_SLEEP_NANOS} ns; {@code Thread.sleep}, so a
 * virtual thread unmounts), asking {@code F_OFD_GETLK} each time whether the holder's byte is still locked. When it is
 * not, the holder died: the writer takes the lock over by compare-and-swap from the dead id (so of several
 * waiters exactly one does) within about a millisecond. The wait for a live holder is bounded by the block's peer
 * deadline ({@link PeerWait#timeout()} unless the block was opened with its own).
 * Threads of one attachment share its id; the lock then serialises them and the liveness test is skipped (the
 * holder is this very process, and {@code F_OFD_GETLK} never reports one's own lock).
 *
 * <p><b>Waits.</b> {@code futex(2)} on the low 32 bits of {@code seq}: {@code FUTEX_WAIT} / {@code FUTEX_WAKE}
 * without {@code FUTEX_PRIVATE_FLAG}, as the mapping is shared between processes.
 */
final class LinuxTextSync implements TextSync {
    /** Compare-and-swap attempts before the first sleep: a set holds the lock for well under a microsecond. */
    private static final int SPINS = 200;
    private static final long FIRST_SLEEP_NANOS = 20_000;
    private static final long MAX_SLEEP_NANOS = 1_000_000;

    private final LinuxStructs structs;
    private final String object;
    private final int fd;
    private final int id;
    /** The object's {@code st_dev} and {@code st_ino}: where {@code /proc} shows a live holder's pid. */
    private final long stDev;
    private final long stIno;

    /**
     * @param fd the attachment's descriptor, which holds this attacher's liveness lock
     * @param id this attacher's id: it holds byte {@code LIVENESS_BASE + id}
     */
    LinuxTextSync(LinuxStructs structs, String object, int fd, int id, long stDev, long stIno) {
        this.structs = structs;
        this.object = object;
        this.fd = fd;
        this.id = id;
        this.stDev = stDev;
        this.stIno = stIno;
    }

    /** {@return this attacher's id} */
    int id() {
        return id;
    }

    @Override
    public void lock(MemorySegment block, Duration timeout) {
        // Read before the compare-and-swap: a plain read of a page a neighbour truncated away throws
        // InternalError, but the JVM's compare-and-swap outside compiled code does not guard its access, and the
        // SIGBUS would kill the JVM. (Truncation between the two stays a window of nanoseconds.)
        if ((int) LOCK.get(block, 0L) != 0 || !LOCK.compareAndSet(block, 0L, 0, id)) {
            lockContended(block, timeout);
        }
    }

    /** {@return ", pid N (comm)" for the process holding attacher {@code owner}'s liveness byte, where /proc shows it} */
    private String holder(int owner) {
        List<String> holders = ProcLocks.writeLockHolders(stDev, stIno, TextLayout.livenessByte(owner));
        return holders.isEmpty() ? "" : " (" + String.join(", ", holders) + ")";
    }

    private void lockContended(MemorySegment block, Duration timeout) {
        long start = System.nanoTime();
        long limit = PeerWait.nanos(timeout);
        long sleep = FIRST_SLEEP_NANOS;
        boolean interrupted = false;
        try {
            for (int spins = 0; ; spins++) {
                int owner = (int) LOCK.getVolatile(block, 0L);
                if (owner == 0) {
                    if (LOCK.compareAndSet(block, 0L, 0, id)) {
                        return;
                    }
                } else if (spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    if (owner != id && !alive(owner) && LOCK.compareAndSet(block, 0L, owner, id)) {
                        return; // its holder died: ours now, and the latch repairs what it left
                    }
                    if (System.nanoTime() - start > limit) {
                        throw new UncheckedIOException(new SharedMemoryException("set", object, "the writers' lock"
                                + " has been held for longer than " + timeout + " by attacher "
                                + Integer.toUnsignedString(owner) + (owner == id ? ", a thread of this attachment"
                                : ", a live process" + holder(owner)) + "; the text is unchanged and readers are not"
                                + " affected (the deadline is the block's peerTimeout, by default the system property "
                                + PeerWait.PROPERTY + ")"));
                    }
                    try {
                        Thread.sleep(Duration.ofNanos(sleep)); // a virtual thread unmounts
                    } catch (InterruptedException e) {
                        interrupted = true; // the set goes on, bounded by the deadline; the status is kept
                    }
                    sleep = Math.min(2 * sleep, MAX_SLEEP_NANOS);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@return whether the attacher {@code owner} is still attached: some open file holds its liveness byte} */
    boolean alive(int owner) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment lock = LinuxStructs.flock(arena, F_WRLCK, TextLayout.livenessByte(owner));
            MemorySegment state = arena.allocate(ERRNO_STATE_LAYOUT);
            if (LibC.fcntl(state, fd, F_OFD_GETLK, lock) != 0) {
                throw failure("fcntl(F_OFD_GETLK)", errno(state));
            }
            return (short) LinuxStructs.L_TYPE.get(lock, 0L) != F_UNLCK;
        }
    }

    @Override
    public void unlock(MemorySegment block) {
        LOCK.setRelease(block, 0L, 0);
    }

    @Override
    public void wakeAll(MemorySegment block) {
        try (Arena arena = Arena.ofConfined()) {
            futex(arena, block, FUTEX_WAKE, Integer.MAX_VALUE, MemorySegment.NULL, "syscall(SYS_futex, FUTEX_WAKE)");
        }
    }

    @Override
    public void await(MemorySegment block, int expected, long nanos) {
        try (Arena arena = Arena.ofConfined()) {
            futex(arena, block, FUTEX_WAIT, expected, LinuxStructs.timeout(arena, nanos),
                    "syscall(SYS_futex, FUTEX_WAIT)");
        }
    }

    private void futex(Arena arena, MemorySegment block, int op, int val, MemorySegment timeout, String call) {
        MemorySegment state = arena.allocate(ERRNO_STATE_LAYOUT);
        MemorySegment word = block.asSlice(TextLayout.SEQ_OFFSET, Integer.BYTES);
        if (LibC.syscall(state, structs.SYS_futex(), word, op, val, timeout, MemorySegment.NULL, 0) == -1) {
            int errno = errno(state);
            // EAGAIN: the word had already changed; ETIMEDOUT; EINTR: a signal. The caller checks and loops.
            if (errno != Errno.EAGAIN && errno != Errno.ETIMEDOUT && errno != Errno.EINTR) {
                throw failure(call, errno);
            }
        }
    }

    private UncheckedIOException failure(String call, int errno) {
        return new UncheckedIOException(Errno.exception(call, object, errno));
    }
}
