package io.github.panamashm.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * How long the library waits for another process before it gives up: a lock a peer holds (the attach and
 * detach mutex, the writers' lock of a text block). Every such wait is bounded by this deadline, so a peer
 * that stops while holding a lock ({@code kill -STOP}, a debugger, a paused container) cannot hang this JVM.
 *
 * <p>The default is {@value #DEFAULT_SECONDS} seconds; the system property {@value #PROPERTY} changes it for
 * the whole JVM, as an ISO-8601 duration ({@code PT0.5S}, {@code PT30S}) or a number of milliseconds.
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
