package io.github.panamashm.internal;

import io.github.panamashm.SharedString;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;

import static io.github.panamashm.internal.TextLayout.COPY0;
import static io.github.panamashm.internal.TextLayout.COPY1;
import static io.github.panamashm.internal.TextLayout.DONE;
import static io.github.panamashm.internal.TextLayout.EXAMPLE_BYTES;
import static io.github.panamashm.internal.TextLayout.SEQ;
import static io.github.panamashm.internal.TextLayout.WAITERS;

/**
 * The text block's protocol over {@link TextLayout}, the same on every OS: untorn reads, atomic and crash-safe
 * sets, versions and waits. The OS provides the writers' lock and the sleep ({@link TextSync}).
 *
 * <p>Untorn text is the kernel's "latch" ({@code seqcount_latch}): two copies and a sequence. A reader takes
 * {@code seq}, copies {@code copy[seq & 1]}, and retries if {@code seq} moved meanwhile; it never waits for a
 * writer, and a dead writer cannot make it retry (only a moving {@code seq} does). A writer, holding the
 * writers' lock:
 * <ol>
 *   <li>makes {@code seq} odd: readers turn to copy1, which holds the current text whole;</li>
 *   <li>writes copy0;</li>
 *   <li>makes {@code seq} even: readers turn to copy0, the new text; the version ({@code seq / 2}) is one more;
 *       reads the waiter count;</li>
 *   <li>writes copy1, then sets {@code done = seq}: copy1 is whole again; releases the lock, and wakes the
 *       waiters if the count was not 0.</li>
 * </ol>
 * A writer killed anywhere leaves the old text or the new one whole, and the next writer repairs: with
 * {@code seq} odd, copy1 is intact and it just writes copy0 (the dead writer's set never happened); with
 * {@code seq} even but {@code done} behind it, copy1 may be torn, so it copies copy0 over copy1 before step 1.
 *
 * <p>Waiting is the futex pattern: a waiter increments {@code waiters}, then sleeps only while {@code seq}'s low
 * word is still the value it saw (the OS compares atomically); a writer publishes {@code seq}, then reads
 * {@code waiters} and wakes only when it is not 0. Both sides' first access is sequentially consistent, so
 * either the writer sees the waiter or the waiter sees the new {@code seq}: no lost wake-up, and no system
 * call on a set nobody waits for. A waiter killed while waiting leaves {@code waiters} one too high for the
 * life of the block: writers then wake on every set, which costs a system call and nothing else.
 */
public final class LatchedText {
    /** The most units a text holds. */
    private static final int CAPACITY = TextBlock.capacity(EXAMPLE_BYTES);

    private LatchedText() {
    }

    /**
     * Stores {@code text} (the text rules of {@link TextBlock} apply) as the block's new version.
     *
     * @param block   a mapping of at least {@link TextLayout#BYTE_SIZE} bytes
     * @param timeout how long to wait for a live process holding the writers' lock
     * @return the number of units stored
     * @throws IllegalArgumentException when text contains NUL; nothing is locked or written then
     */
    public static int write(MemorySegment block, TextSync sync, String text, Duration timeout) {
        int n = TextBlock.fittingLength(text, CAPACITY);
        boolean someoneWaits;
        long published;
        sync.lock(block, timeout);
        try {
            long seq = turnReadersToCopy1(block);
            TextBlock.store(block, COPY0, text, n);
            // Even: the new text is the latest. Volatile, so that reading the waiter count below cannot be
            // ordered before it (the waiter's side: increment the count, then let the OS read seq).
            SEQ.setVolatile(block, 0L, ++seq);
            someoneWaits = (int) WAITERS.getVolatile(block, 0L) != 0;
            VarHandle.storeStoreFence(); // copy1 changes only after seq turned readers to copy0
            TextBlock.copyStored(block, COPY0, COPY1, n);
            DONE.setRelease(block, 0L, seq);
            published = seq;
        } finally {
            sync.unlock(block);
        }
        // Woken after the lock is free: a waiter that answers at once (a ping-pong) must not find it taken by a
        // writer the scheduler preempted for it.
        if (someoneWaits) {
            sync.wake(block, published);
        }
        return n;
    }

    /**
     * Step 1 of a set, with the lock held: makes {@code seq} odd, so that readers turn to copy1, after
     * repairing copy1 if the last writer died while writing it. When {@code seq} is odd already, the last writer
     * died while writing copy0, and copy1, which readers use, is whole: nothing to do.
     *
     * @return the odd {@code seq}
     */
    static long turnReadersToCopy1(MemorySegment block) {
        // The lock's acquire orders these reads after the last holder's writes.
        long seq = (long) SEQ.get(block, 0L);
        if ((seq & 1) == 0) {
            if ((long) DONE.get(block, 0L) != seq) {
                // The last writer died while writing copy1; copy0 holds the text of seq whole.
                MemorySegment.copy(block, COPY0, block, COPY1, EXAMPLE_BYTES);
            }
            SEQ.setOpaque(block, 0L, ++seq);
            VarHandle.storeStoreFence(); // readers turn to copy1 before copy0 changes
        }
        return seq;
    }

    /**
     * Reads the text consistently, as {@link TextBlock#read} reads an unsynchronised block.
     *
     * @throws IllegalArgumentException when {@code cchSize < 1}
     */
    public static String read(MemorySegment block, int cchSize) {
        TextBlock.Scratch scratch = TextBlock.scratch();
        copyConsistent(block, TextBlock.limit(cchSize, EXAMPLE_BYTES), scratch);
        return scratch.string(scratch.length);
    }

    /** {@return the text and its version, read consistently} */
    public static SharedString.Snapshot readVersioned(MemorySegment block) {
        TextBlock.Scratch scratch = TextBlock.scratch();
        long seq = copyConsistent(block, CAPACITY, scratch);
        return new SharedString.Snapshot(scratch.string(scratch.length), version(seq));
    }

    /**
     * Copies the latest whole text into {@code scratch} ({@code scratch.length} units).
     *
     * @return the {@code seq} it was the text of
     */
    private static long copyConsistent(MemorySegment block, int limit, TextBlock.Scratch scratch) {
        while (true) {
            long seq = (long) SEQ.getAcquire(block, 0L);
            scratch.length = TextBlock.copyOut(block, (seq & 1) == 0 ? COPY0 : COPY1, limit, scratch);
            VarHandle.loadLoadFence(); // the copy's reads are done before seq is read again
            if ((long) SEQ.getAcquire(block, 0L) == seq) {
                return seq;
            }
        }
    }

    /** {@return {@code seq}: its half is the version, its low 32 bits the word waiters sleep on} */
    public static long seq(MemorySegment block) {
        return (long) SEQ.getVolatile(block, 0L);
    }

    /** {@return the version {@code seq} stands for: how many sets completed} */
    public static long version(long seq) {
        return seq >>> 1;
    }

    /**
     * Sleeps, counted in {@code waiters}, while {@code seq} is still {@code seen}: at most {@code nanos}, and
     * perhaps less (callers check and loop).
     */
    public static void await(MemorySegment block, TextSync sync, long seen, long nanos) {
        WAITERS.getAndAdd(block, 0L, 1);
        try {
            sync.await(block, (int) seen, nanos);
        } finally {
            WAITERS.getAndAdd(block, 0L, -1);
        }
    }
}
