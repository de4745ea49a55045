package io.github.panamashm.internal;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * The OS primitives of one attachment to a text block with a control area ({@link TextLayout}), behind the
 * backend seam: the writers' lock, and sleeping until the sequence word changes. The protocol built on them
 * (the latch, the waiter count, who wakes whom) is {@link LatchedText}'s, the same on every OS.
 *
 * <p>Linux: {@code LinuxTextSync}, a compare-and-swap lock word whose holder's death shows through the
 * per-attacher liveness lock, and {@code futex(2)}. Windows: {@code WindowsTextSync}, a named mutex, whose
 * {@code WAIT_ABANDONED} says the last writer died, and one named manual-reset event per generation of
 * {@code seq}, which a writer sets once and nobody resets.
 *
 * <p>Every method is called with {@code block}, the mapping of at least {@link TextLayout#BYTE_SIZE} bytes,
 * only while the caller holds the block (between {@code SharedMemory}'s acquire and release), so the mapping
 * is never unmapped under a call. Failures the caller cannot act on are unchecked
 * ({@code UncheckedIOException} wrapping a {@code SharedMemoryException}).
 */
public interface TextSync {

    /**
     * Takes the writers' lock for the calling thread, waiting for another live holder at most {@code timeout}
     * (the block's peer deadline).
     * A holder that died while holding it is replaced at once (the latch then repairs the copies).
     *
     * @throws java.io.UncheckedIOException wrapping a {@code SharedMemoryException} when a live holder kept it
     *                                      past the deadline
     */
    void lock(MemorySegment block, Duration timeout);

    /** Releases what {@link #lock} took. */
    void unlock(MemorySegment block);

    /**
     * Wakes the threads sleeping in {@link #await} for {@link #close}-like reasons: at least this attachment's,
     * promptly where the OS allows it. Linux wakes every process's sleepers (they look and sleep again);
     * Windows has no such wake without waking the other processes' waiters for nothing, and does nothing: its
     * sleepers see the change within their slice.
     */
    void wakeAll(MemorySegment block);

    /**
     * A writer's wake, after it made {@code seq} {@code published} and released the lock: wakes every thread, of
     * every process, sleeping in {@link #await} on an earlier value of the word, the one the set started from
     * ({@code published - 2}) or the odd one of the set itself ({@code published - 1}). Only called when the
     * waiter count was not 0.
     */
    default void wake(MemorySegment block, long published) {
        wakeAll(block);
    }

    /**
     * Sleeps while the futex word (the low 32 bits of {@code seq}) equals {@code expected}, at most {@code nanos};
     * returns at once when it differs. It may also return early for no reason: callers check and loop.
     */
    void await(MemorySegment block, int expected, long nanos);
}
