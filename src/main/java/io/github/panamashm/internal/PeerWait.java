package io.github.panamashm.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How long the library waits for another process before it gives up: a lock a peer holds (the attach and
 * detach mutex, the writers' lock of a text block). Every such wait is bounded by this deadline, so a peer
 * that stops while holding a lock ({@code kill -STOP}, a debugger, a paused container) cannot hang this JVM.
 *
 * <p>The default is {@value #DEFAULT_SECONDS} seconds; the system property {@value #PROPERTY} changes it for
 * the whole JVM, as an ISO-8601 duration ({@code PT0.5S}, {@code PT30S}) or a number of milliseconds; the
 * {@code peerTimeout} argument of {@code SharedMemory.openOrCreate} and {@code openExisting} sets it for one
 * block (its attach, its detach).
 *
 * <p>A wait polls: a try, then a pause, with {@link Backoff}, until the try succeeds or the deadline passes.
 * The pauses sleep, so a virtual thread that waits unmounts from its carrier, and an interrupt ends the wait.
 */
public final class PeerWait {
    /** The system property that sets the deadline for the whole JVM. */
    public static final String PROPERTY = "io.github.panamashm.peerTimeout";
    /** The default deadline, in seconds. */
    public static final int DEFAULT_SECONDS = 5;

    private PeerWait() {
    }

    /**
     * {@return the deadline for one wait on another process: {@value #PROPERTY} if set, else
     * {@value #DEFAULT_SECONDS} seconds}
     *
     * @throws IllegalArgumentException when the property is set to something that is not a positive duration
     */
    public static Duration timeout() {
        String value = System.getProperty(PROPERTY);
        return value == null ? Duration.ofSeconds(DEFAULT_SECONDS) : parse(value);
    }

    /**
     * {@return {@code timeout}, checked for a per-call deadline}
     *
     * @throws IllegalArgumentException when it is zero or negative
     * @throws NullPointerException     when it is null
     */
    public static Duration check(Duration timeout) {
        if (Objects.requireNonNull(timeout, "peerTimeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("peerTimeout must be positive, was " + timeout);
        }
        return timeout;
    }

    /**
     * {@return the {@link System#nanoTime()} at which a wait of {@code timeout} that starts now gives up}
     * A timeout longer than a century counts as a century, so that the deadline cannot overflow.
     */
    public static long deadline(Duration timeout) {
        long nanos = timeout.compareTo(CENTURY) > 0 ? CENTURY.toNanos() : timeout.toNanos();
        return System.nanoTime() + nanos;
    }

    private static final Duration CENTURY = Duration.ofDays(36524);

    /** {@return {@code timeout} in nanoseconds, or {@link Long#MAX_VALUE} for one too long to count in a long} */
    public static long nanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The pauses between the tries of one wait: a short spin (the holder is usually another attach or detach,
     * a few system calls long), then sleeps that double from {@value #FIRST_SLEEP_NANOS} ns up to
     * {@value #MAX_SLEEP_NANOS} ns, never past the deadline.
     *
     * <pre>{@code
     * PeerWait.Backoff backoff = new PeerWait.Backoff(PeerWait.deadline(PeerWait.timeout()));
     * while (!tryLock()) {
     *     if (!backoff.pause()) {
     *         throw ...; // the deadline has passed
     *     }
     * }
     * }</pre>
     */
    public static final class Backoff {
        /** How many pauses only spin before the first sleep. */
        static final int SPINS = 16;
        /** The first sleep, in nanoseconds. */
        static final long FIRST_SLEEP_NANOS = 10_000;
        /** The longest sleep, in nanoseconds: how late a wait may notice that the holder let go. */
        static final long MAX_SLEEP_NANOS = 1_000_000;

        private final long deadline;
        private int pauses;
        private long sleep = FIRST_SLEEP_NANOS;

        /** @param deadline the {@link System#nanoTime()} after which {@link #pause()} returns false */
        public Backoff(long deadline) {
            this.deadline = deadline;
        }

        /**
         * Pauses before the next try.
         *
         * @return false, without pausing, once the deadline has passed: make no more tries
         * @throws InterruptedException when the thread is or gets interrupted; like {@link Thread#sleep} it
         *                              clears the interrupt status
         */
        public boolean pause() throws InterruptedException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (pauses++ < SPINS) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                Thread.onSpinWait();
            } else {
                TimeUnit.NANOSECONDS.sleep(Math.min(sleep, left)); // unmounts a virtual thread
                sleep = Math.min(2 * sleep, MAX_SLEEP_NANOS);
            }
            return true;
        }
    }

    /**
     * {@return {@code value} as a positive duration: ISO-8601 such as {@code PT2S}, or whole milliseconds}
     *
     * @throws IllegalArgumentException naming the property and the value when it is neither, or not positive
     */
    static Duration parse(String value) {
        Duration d;
        try {
            d = value.strip().matches("\\d+") ? Duration.ofMillis(Long.parseLong(value.strip()))
                    : Duration.parse(value.strip());
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be an ISO-8601 duration such as PT5S or a number of"
                    + " milliseconds, was \"" + value + "\"", e);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(PROPERTY + " must be positive, was \"" + value + "\"");
        }
        return d;
    }
}
