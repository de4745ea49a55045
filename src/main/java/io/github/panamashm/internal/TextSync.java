package io.github.panamashm.internal;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * The OS primitives of one attachment to a text block with a control area ({@link TextLayout}), behind the
 * backend seam: the writers' lock, and sleeping until the sequence word changes. The protocol built on them
 * (the latch, the waiter count, who wakes whom) is {@link LatchedText}'s, the same on every OS.
 *
 * <p>Linux: {@code LinuxTextSync}, a compare-and-swap lock word whose holder's death shows through the
 * per-attacher liveness lock, and {@code futex(2)}. Windows (not yet: its backend makes no control area, so
 * {@code SharedString} refuses versions and waits there): a named mutex, whose {@code WAIT_ABANDONED} says the
 * last writer died, and named events.
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

    /** Wakes every thread, of every process, sleeping in {@link #await} on this block. */
    void wakeAll(MemorySegment block);

    /**
     * Sleeps while the futex word (the low 32 bits of {@code seq}) equals {@code expected}, at most {@code nanos};
     * returns at once when it differs. It may also return early for no reason: callers check and loop.
     */
    void await(MemorySegment block, int expected, long nanos);
}
