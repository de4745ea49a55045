package io.github.panamashm.internal.windows;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code SharedString}'s Windows mutex and waits against Wine's kernel32: every simulated process is a helper
 * under Wine making the real calls, and the JVM maps the same pages.
 */
@EnabledOnOs(OS.LINUX)
@ExtendWith(Wine.Extension.class)
class WineTextSyncTest extends TextSyncContractTest {
    private Wine wine;

    @BeforeEach
    void wine(Wine wine) {
        this.wine = wine;
    }

    @Override
    SimulatedProcess newProcess() {
        return SimulatedProcess.of(wine.start());
    }

    @Override
    int pingPongRounds() {
        return 2000;
    }
}
