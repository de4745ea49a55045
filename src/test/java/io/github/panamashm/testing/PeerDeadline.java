package io.github.panamashm.testing;

import io.github.panamashm.internal.PeerWait;

import java.util.concurrent.Callable;

/** Runs code with the peer deadline ({@link PeerWait#PROPERTY}) set for the whole JVM, then restores it. */
public final class PeerDeadline {
    private PeerDeadline() {
    }

    /** @return what {@code body} returned, run while the deadline is {@code duration} (e.g. {@code PT0.2S}) */
    public static <T> T with(String duration, Callable<T> body) throws Exception {
        String previous = System.setProperty(PeerWait.PROPERTY, duration);
        try {
            return body.call();
        } finally {
            if (previous == null) {
                System.clearProperty(PeerWait.PROPERTY);
            } else {
                System.setProperty(PeerWait.PROPERTY, previous);
            }
        }
    }
}
