package io.github.panamashm.internal.windows;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The contract against the real kernel32 and advapi32. Runs only on Windows, which means only in GitHub Actions;
 * every simulated process is this JVM, so the tests that end a process are skipped there.
 */
@EnabledOnOs(OS.WINDOWS)
class WindowsKernel32ContractTest extends Win32ContractTest {
    @Override
    SimulatedProcess newProcess() {
        return SimulatedProcess.windows();
    }
}
