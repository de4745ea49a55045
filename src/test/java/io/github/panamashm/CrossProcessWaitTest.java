package io.github.panamashm;

import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.condition.OS;

import java.time.Duration;

import static io.github.panamashm.Child.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Waits across Java processes: a set in one JVM wakes a wait in another, and two JVMs play ping-pong for
 * thousands of rounds, each waiting for the other, with no wake-up lost: through {@code awaitChange}, and
 * through {@link UnslicedWait}, where a lost wake-up is a 30-second timeout in the child or here. Linux's primitives; Windows' play their ping-pong in
 * {@code TextSyncContractTest}.
 */
@EnabledOnOs(OS.LINUX)
class CrossProcessWaitTest {
    private static final int ROUNDS = 3000;

    @Test
    @DisplayName("a set in this JVM wakes awaitChange in another JVM, which gets the text and its version")
    void aSetWakesAWaitInAnotherJvm() throws Exception {
        String name = TestNames.unique("sync-xwake");
        try (SharedString s = SharedString.open(name); ChildJvm child = ChildJvm.start(Child.class, "await-change", name, "0")) {
            assertEquals("waiting", child.readLine());
            s.set("wake up");
            assertEquals("changed 1 " + hex("wake up"), child.readLine());
            assertEquals(0, child.waitFor(), child.transcript());
        }
        TestNames.assertNothingLeft(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"echo", "echo-unsliced"})
    @DisplayName("two JVMs play thousands of rounds of ping-pong through set and awaitChange without losing a wake-up (unsliced: each wait is one OS wait that only a wake ends)")
    void pingPongStormLosesNoWakeUp(String echo) throws Exception {
        String name = TestNames.unique("sync-xpingpong");
        boolean unsliced = echo.equals("echo-unsliced");
        try (SharedString s = SharedString.open(name);
             ChildJvm child = ChildJvm.start(Child.class, echo, name, Integer.toString(ROUNDS))) {
            assertEquals("ready", child.readLine());
            long start = System.nanoTime();
            for (int i = 0; i < ROUNDS; i++) {
                long ping = s.version() + 1; // nobody else sets until the child answers this ping
                s.set("ping " + i);
                SharedString.Snapshot answer = unsliced ? UnslicedWait.awaitChange(s, ping, Duration.ofSeconds(30))
                        : s.awaitChange(ping, Duration.ofSeconds(30));
                assertEquals(new SharedString.Snapshot("pong " + i, ping + 1), answer, "round " + i);
            }
            System.out.printf("[sync] %d cross-process round trips, %.1f us each%n", ROUNDS,
                    (System.nanoTime() - start) / 1e3 / ROUNDS);
            assertEquals("echoed " + ROUNDS, child.readLine());
            assertEquals(0, child.waitFor(), child.transcript());
            assertEquals(2L * ROUNDS, s.version());
        }
        TestNames.assertNothingLeft(name);
    }
}
