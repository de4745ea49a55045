package io.github.panamashm.internal;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
