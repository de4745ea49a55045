package io.github.panamashm.internal.windows;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract against Wine's kernel32 and advapi32: every simulated process is a helper process under Wine, and
 * panama-shm's Windows code (marshalling, backend, public API) runs here in the JVM against it. Skipped, saying
 * why, where Wine or mingw-w64 is missing.
 */
@EnabledOnOs(OS.LINUX)
@ExtendWith(Wine.Extension.class)
class WineKernel32ContractTest extends Win32ContractTest {
    private Wine wine;

    @BeforeEach
    void wine(Wine wine) {
        this.wine = wine;
    }

    @Override
    SimulatedProcess newProcess() {
        return SimulatedProcess.of(wine.start());
    }
}
