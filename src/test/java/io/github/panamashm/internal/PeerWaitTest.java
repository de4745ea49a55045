package io.github.panamashm.internal;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerWaitTest {

    @Test
    @DisplayName("the peer deadline is an ISO-8601 duration or whole milliseconds, positive, and names the property when wrong")
    void deadlineParsesIsoDurationsAndMillis() {
        assertEquals(Duration.ofMillis(1500), PeerWait.parse("PT1.5S"));
        assertEquals(Duration.ofMillis(250), PeerWait.parse(" 250 "));
        for (String bad : new String[]{"0", "PT0S", "-PT1S", "five", "1.5", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerWait.parse(bad), bad);
            assertTrue(e.getMessage().startsWith(PeerWait.PROPERTY + " must be"), e.getMessage());
        }
    }

    @Test
    @DisplayName("without the property the deadline is the documented default")
    void defaultDeadline() {
        String saved = System.getProperty(PeerWait.PROPERTY);
        System.clearProperty(PeerWait.PROPERTY);
        try {
            assertEquals(Duration.ofSeconds(PeerWait.DEFAULT_SECONDS), PeerWait.timeout());
            System.setProperty(PeerWait.PROPERTY, "PT2S");
            assertEquals(Duration.ofSeconds(2), PeerWait.timeout());
        } finally {
            if (saved == null) {
                System.clearProperty(PeerWait.PROPERTY);
            } else {
                System.setProperty(PeerWait.PROPERTY, saved);
            }
        }
    }

    @Test
    @DisplayName("a per-call peerTimeout must be positive, and is refused naming the parameter")
    void perCallTimeoutMustBePositive() {
        assertEquals(Duration.ofMillis(1), PeerWait.check(Duration.ofMillis(1)));
        for (Duration bad : new Duration[]{Duration.ZERO, Duration.ofMillis(-1)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PeerWait.check(bad));
            assertEquals("peerTimeout must be positive, was " + bad, e.getMessage());
        }
        assertEquals("peerTimeout", assertThrows(NullPointerException.class, () -> PeerWait.check(null)).getMessage());
    }

    @Test
    @DisplayName("a deadline is now plus the timeout, and one of centuries does not overflow")
    void deadlineIsNowPlusTheTimeout() {
        long before = System.nanoTime();
        long deadline = PeerWait.deadline(Duration.ofSeconds(5));
        assertTrue(deadline - before >= Duration.ofSeconds(5).toNanos());
        assertTrue(deadline - System.nanoTime() <= Duration.ofSeconds(5).toNanos());
        long far = PeerWait.deadline(Duration.ofDays(365L * 1000));
        assertTrue(far - System.nanoTime() > Duration.ofDays(365L * 99).toNanos(), "still in the future, not wrapped");
    }

    @Test
    @DisplayName("a backoff pauses until its deadline, then says stop at once; it spins first, then sleeps")
    void backoffPausesUntilTheDeadline() throws InterruptedException {
        PeerWait.Backoff spent = new PeerWait.Backoff(System.nanoTime() - 1);
        assertFalse(spent.pause(), "a deadline in the past: no pause, no more tries");

        long start = System.nanoTime();
        PeerWait.Backoff backoff = new PeerWait.Backoff(start + Duration.ofMillis(50).toNanos());
        int pauses = 0;
        while (backoff.pause()) {
            pauses++;
        }
        long took = System.nanoTime() - start;
        assertTrue(took >= Duration.ofMillis(50).toNanos(), "it paused until the deadline: " + took);
        assertTrue(took < Duration.ofSeconds(10).toNanos(), "and stopped there (a bound on a hang): " + took);
        assertTrue(pauses > PeerWait.Backoff.SPINS, "it spun, then slept: " + pauses);
        assertTrue(pauses < PeerWait.Backoff.SPINS + 50_000_000 / PeerWait.Backoff.FIRST_SLEEP_NANOS,
                "sleeps grow: far fewer pauses than 50 ms of the first sleep: " + pauses);
    }

    @Test
    @DisplayName("an interrupt ends a backoff's pause with InterruptedException, when spinning or sleeping")
    void anInterruptEndsAPause() throws InterruptedException {
        PeerWait.Backoff backoff = new PeerWait.Backoff(System.nanoTime() + Duration.ofMinutes(10).toNanos());
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, backoff::pause, "while spinning");
        assertFalse(Thread.currentThread().isInterrupted(), "cleared, as Thread.sleep clears it");
        for (int i = 0; i < PeerWait.Backoff.SPINS; i++) {
            backoff.pause();
        }
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, backoff::pause, "while sleeping");
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
