package io.github.panamashm;

import io.github.panamashm.internal.LatchedText;
import io.github.panamashm.internal.TextSync;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * The protocol's wait without {@link Waits}' slices: one OS wait for the whole time, ended only by a writer's
 * wake (or the word having moved already). {@code SharedString}'s own waits look at the version every 100 ms
 * whatever happens, so a lost wake-up costs them a slice and no test of theirs can see it; here it costs the
 * whole timeout, and the wait fails.
 */
final class UnslicedWait {
    private UnslicedWait() {
    }

    /**
     * Waits until the version of {@code s} is not {@code seenVersion}.
     *
     * @throws AssertionError when {@code max} passed: no wake-up reached this wait
     */
    static SharedString.Snapshot awaitChange(SharedString s, long seenVersion, Duration max) {
        SharedMemory memory = s.memory();
        TextSync sync = memory.attachment().textSync();
        MemorySegment block = memory.segment();
        long end = System.nanoTime() + max.toNanos();
        while (true) {
            long seq = LatchedText.seq(block);
            if (LatchedText.version(seq) != seenVersion) {
                return s.snapshot();
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("lost wake-up: version " + seenVersion + " for " + max + " without a wake");
            }
            LatchedText.await(block, sync, seq, left); // one OS wait: returns early only when woken or moved
        }
    }
}
