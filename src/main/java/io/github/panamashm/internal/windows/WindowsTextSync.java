package io.github.panamashm.internal.windows;

import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.TextLayout;
import io.github.panamashm.internal.TextSync;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static io.github.panamashm.internal.windows.Kernel32.ERROR_ACCESS_DENIED;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_FILE_NOT_FOUND;
import static io.github.panamashm.internal.windows.Kernel32.EVENT_ALL_ACCESS;
import static io.github.panamashm.internal.windows.Kernel32.EVENT_MODIFY_STATE;
import static io.github.panamashm.internal.windows.Kernel32.MUTEX_ALL_ACCESS;
import static io.github.panamashm.internal.windows.Kernel32.MUTEX_MODIFY_STATE;
import static io.github.panamashm.internal.windows.Kernel32.SYNCHRONIZE;
import static io.github.panamashm.internal.windows.Kernel32.WAIT_ABANDONED;
import static io.github.panamashm.internal.windows.Kernel32.WAIT_OBJECT_0;
import static io.github.panamashm.internal.windows.Kernel32.WAIT_TIMEOUT;

/**
 * The writers' lock and the waits of one attachment to a text block, on Windows, with named kernel objects
 * ({@code WaitOnAddress} wakes only threads of its own process).
 *
 * <p><b>Names.</b> Derived from the block's name, prefix included, by appending U+001F (the "unit separator", a
 * control character that block names may not contain, {@code Names}) and a word: {@code NAME\u001Fwriters} for
 * the mutex, {@code NAME\u001Fchanged-XXXXXXXX} for the events, {@code XXXXXXXX} being a generation in 8 lower-case
 * hex digits. No block name can be one of them, so they never collide with a user's mapping, and they live in
 * the block's namespace ({@code Local\}, {@code Global\} or the session's default). They are created with the
 * block's security: its owner, its DACL granting every right to the owner and SYSTEM, and, for a block shared
 * with everyone, what a peer needs to Authenticated Users (take and release the mutex; wait on and set an event).
 *
 * <p><b>Lock.</b> A named mutex, opened at attach and held by every attacher until it detaches. The kernel
 * releases a mutex whose owning thread ends, killed or not, and the next {@code WaitForSingleObject} answers
 * {@code WAIT_ABANDONED}: the caller owns it, and the latch ({@code LatchedText}) repairs whatever the dead writer
 * left half-done from {@code seq} and {@code done}, as after any dead writer. So the next set completes as soon as
 * the death is observable, with no timeout. An uncontended set costs two kernel calls
 * ({@code WaitForSingleObject(mutex, 0)} and {@code ReleaseMutex}).
 * <ul>
 *   <li>A mutex belongs to an OS thread. Threads of one attachment first take a {@link ReentrantLock}, so that
 *       only one of them at a time asks for the mutex (a virtual thread parks there, unmounted), and the mutex is
 *       never taken recursively by a carrier thread that runs two virtual threads in turn.</li>
 *   <li>Between {@link #lock} and {@link #unlock}, {@code LatchedText.write} makes no blocking call (it copies
 *       memory and writes words), so a virtual thread stays mounted on the carrier that owns the mutex, and
 *       releases it from there. Were it ever released from another thread, {@code ReleaseMutex} fails with
 *       {@code ERROR_NOT_OWNER} and the set says so.</li>
 *   <li>Waiting for a live holder: a platform thread sleeps in {@code WaitForSingleObject} in slices of at most
 *       {@value #SLICE_MILLIS} ms; a virtual thread never blocks in the kernel: it polls with a 0 timeout and
 *       sleeps between polls ({@code Thread.sleep}, which unmounts it) in growing steps up to
 *       {@value #MAX_SLEEP_NANOS} ns. Either way the wait ends at the block's peer deadline with an exception
 *       saying the text is unchanged. An interrupt does not end it (a set has no way to report one): the status
 *       is kept for the caller, as on Linux.</li>
 * </ul>
 *
 * <p><b>Waits: one event per generation.</b> A waiter that saw the word (the low 32 bits of {@code seq}) at
 * {@code w} sleeps on the event of generation {@code g = w & ~1}: it creates (or opens) the manual-reset event
 * {@code NAME\u001Fchanged-g}, not set; then looks at the word again and returns if it moved; else waits on the
 * event, and closes its handle. A writer that made {@code seq} {@code p} (only when the shared waiter count was not
 * 0, so a set nobody waits for makes no kernel call for waking) opens the event of generation {@code p - 2} (the
 * even value its set started from; a waiter that saw the odd value in between is on the same one) and sets it,
 * once, forever: nobody resets it, and no {@code PulseEvent}. No wake-up is lost: either the writer's
 * {@code OpenEventW} finds the event, and its {@code SetEvent} ends every wait on it, before or after it begins; or
 * it finds none (nobody has it open, so no waiter is inside the wait), and a waiter that creates it afterwards
 * sees the moved word on its second look (the writer moved it before its {@code OpenEventW}, and the kernel's
 * namespace lock orders the two calls). A set event wakes only waiters of a generation that has passed, so it
 * never wakes anyone for nothing; it goes with its last handle. A waiter that dies leaves no event behind (the
 * kernel closes its handles), only the waiter count one too high, as on Linux.
 *
 * <p>{@link #wakeAll} (close) does nothing: setting the generation's event would tell every process's waiters
 * that the text changed when it did not, and they would spin on the set event until it changes. A closing
 * attachment's sleepers see the close within their slice ({@code SharedString} waits at most 100 ms at a time).
 *
 * <p>Handles: the mutex is opened at attach and closed at detach ({@link #close}); an event handle lives for one
 * wait or one wake. All calls happen while the caller holds the block, so never after {@link #close}.
 */
final class WindowsTextSync implements TextSync {
    /** What separates a block's name from the words of its derived names: a character block names may not hold. */
    static final char SEPARATOR = '\u001F';
    /** The mutex's name is the block's name and this. */
    static final String MUTEX_SUFFIX = SEPARATOR + "writers";
    /** An event's name is the block's name, this and the generation in 8 hex digits. */
    static final String EVENT_SUFFIX = SEPARATOR + "changed-";
    /** The most units a derived name adds to the block's name. */
    static final int LONGEST_SUFFIX = Math.max(MUTEX_SUFFIX.length(), EVENT_SUFFIX.length() + 8);
    /** The longest kernel wait of a platform thread for a live holder of the mutex, between deadline checks. */
    static final int SLICE_MILLIS = 50;
    private static final long FIRST_SLEEP_NANOS = 20_000;
    private static final long MAX_SLEEP_NANOS = 1_000_000;

    private final Win32Calls calls;
    private final String block;
    private final String mutexName;
    private final long mutex;
    /** The security descriptor every event is created with: the block's, with event rights. */
    private final byte[] eventDescriptor;
    /** One thread of this attachment at a time asks for the mutex (see the class comment). */
    private final ReentrantLock local = new ReentrantLock();

    private WindowsTextSync(Win32Calls calls, String block, long mutex, byte[] eventDescriptor) {
        this.calls = calls;
        this.block = block;
        this.mutexName = mutexName(block);
        this.mutex = mutex;
        this.eventDescriptor = eventDescriptor;
    }

    /** {@return the name of the writers' mutex of the block {@code block}} */
    static String mutexName(String block) {
        return block + MUTEX_SUFFIX;
    }

    /** {@return the name of the event of generation {@code generation} (an even value of the word)} */
    static String eventName(String block, int generation) {
        return block + EVENT_SUFFIX + String.format("%08x", generation);
    }

    /**
     * Creates or opens the block's writers' mutex.
     *
     * @param user     the process's user, who owns what it creates
     * @param everyone whether the block is shared with every user
     */
    static WindowsTextSync open(Win32Calls calls, String block, byte[] user, boolean everyone)
            throws SharedMemoryException {
        String name = mutexName(block);
        Win32Calls.Result m = calls.createMutex(name, WindowsSecurity.descriptor(user, everyone, MUTEX_ALL_ACCESS,
                WindowsSecurity.SHARED_MUTEX_ACCESS));
        if (m.failed() && m.lastError() == ERROR_ACCESS_DENIED) {
            // Another user's mutex of a shared block grants what a writer needs, not every right.
            m = calls.openMutex(name, SYNCHRONIZE | MUTEX_MODIFY_STATE);
        }
        if (m.failed()) {
            throw Win32Errors.exception("CreateMutexW", printable(name), m.lastError(), calls,
                    m.lastError() == Kernel32.ERROR_INVALID_HANDLE ? "the name of the block's writers' mutex belongs"
                            + " to an object of another type" : null);
        }
        return new WindowsTextSync(calls, block, m.value(),
                WindowsSecurity.descriptor(user, everyone, EVENT_ALL_ACCESS, WindowsSecurity.SHARED_EVENT_ACCESS));
    }

    /** Closes the mutex handle: the attachment detaches. */
    Win32Calls.Result close() {
        return calls.closeHandle(mutex);
    }

    @Override
    public void lock(MemorySegment segment, Duration timeout) {
        long start = System.nanoTime();
        long limit = PeerWait.nanos(timeout);
        boolean interrupted = false;
        try {
            while (!local.tryLock()) {
                try {
                    if (!local.tryLock(Math.max(0, limit - (System.nanoTime() - start)), TimeUnit.NANOSECONDS)) {
                        throw timedOut(timeout, "a thread of this process");
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the set goes on, bounded by the deadline; the status is kept
                }
            }
            boolean owned = false;
            try {
                interrupted |= takeMutex(start, limit, timeout);
                owned = true;
            } finally {
                if (!owned) {
                    local.unlock();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether the thread was interrupted while it slept */
    private boolean takeMutex(long start, long limit, Duration timeout) {
        boolean interrupted = false;
        long sleep = FIRST_SLEEP_NANOS;
        while (true) {
            boolean virtual = Thread.currentThread().isVirtual();
            long left = limit - (System.nanoTime() - start);
            int millis = virtual || left <= 0 ? 0 : (int) Math.min(SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1);
            Win32Calls.Result r = calls.waitForSingleObject(mutex, millis);
            int result = (int) r.value();
            if (result == WAIT_OBJECT_0 || result == WAIT_ABANDONED) {
                // Abandoned: the last holder died; ours now, and the latch repairs what it left.
                return interrupted;
            }
            if (result != WAIT_TIMEOUT) {
                throw failure("WaitForSingleObject", mutexName, r.lastError());
            }
            if (System.nanoTime() - start >= limit) {
                throw timedOut(timeout, "a live process");
            }
            if (virtual) {
                try {
                    Thread.sleep(Duration.ofNanos(sleep)); // unmounts; the kernel wait would pin the carrier
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                sleep = Math.min(2 * sleep, MAX_SLEEP_NANOS);
            }
        }
    }

    private UncheckedIOException timedOut(Duration timeout, String holder) {
        return new UncheckedIOException(new SharedMemoryException("set", block, "the writers' lock (the mutex "
                + printable(mutexName) + ") has been held for longer than " + timeout + " by " + holder
                + "; the text is unchanged and readers are not affected (the deadline is the block's peerTimeout, by"
                + " default the system property " + PeerWait.PROPERTY + ")"));
    }

    @Override
    public void unlock(MemorySegment segment) {
        try {
            Win32Calls.Result r = calls.releaseMutex(mutex);
            if (r.failed()) {
                throw failure("ReleaseMutex", mutexName, r.lastError());
            }
        } finally {
            local.unlock();
        }
    }

    /** Does nothing: see the class comment. */
    @Override
    public void wakeAll(MemorySegment segment) {
    }

    @Override
    public void wake(MemorySegment segment, long published) {
        String name = eventName(block, (int) (published - 2) & ~1);
        Win32Calls.Result e = calls.openEvent(name, EVENT_MODIFY_STATE);
        if (e.failed()) {
            if (e.lastError() == ERROR_FILE_NOT_FOUND) {
                return; // nobody is inside a wait on it; whoever creates it next sees the new word first
            }
            throw failure("OpenEventW", name, e.lastError());
        }
        try {
            Win32Calls.Result set = calls.setEvent(e.value());
            if (set.failed()) {
                throw failure("SetEvent", name, set.lastError());
            }
        } finally {
            calls.closeHandle(e.value());
        }
    }

    @Override
    public void await(MemorySegment segment, int expected, long nanos) {
        String name = eventName(block, expected & ~1);
        Win32Calls.Result e = calls.createEvent(name, eventDescriptor);
        if (e.failed() && e.lastError() == ERROR_ACCESS_DENIED) {
            e = calls.openEvent(name, SYNCHRONIZE); // another user's event of a shared block
        }
        if (e.failed()) {
            throw failure("CreateEventW", name, e.lastError());
        }
        try {
            // The second look: a writer that moved the word before the event existed found nothing to set.
            if ((int) (long) TextLayout.SEQ.getVolatile(segment, 0L) != expected) {
                return;
            }
            // Whole milliseconds, rounded up so that a wait is never shorter than asked; never INFINITE.
            long millis = Math.min(TimeUnit.NANOSECONDS.toMillis(nanos + 999_999), Integer.MAX_VALUE);
            Win32Calls.Result r = calls.waitForSingleObject(e.value(), (int) millis);
            int result = (int) r.value();
            if (result != WAIT_OBJECT_0 && result != WAIT_TIMEOUT) {
                throw failure("WaitForSingleObject", name, r.lastError());
            }
        } finally {
            calls.closeHandle(e.value());
        }
    }

    private UncheckedIOException failure(String call, String object, int error) {
        return new UncheckedIOException(Win32Errors.exception(call, printable(object), error, calls));
    }

    /** {@return a derived name as people can read it: the separator shown as {@code \u001F}} */
    static String printable(String name) {
        return name.replace(String.valueOf(SEPARATOR), "\\u001F");
    }
}
