package io.github.panamashm.internal.windows;

/** The contract against the model, which the fast unit tests use: it must agree with Wine and Windows. */
class FakeKernel32ContractTest extends Win32ContractTest {
    private final FakeKernel32 kernel = new FakeKernel32().message(Kernel32.ERROR_ACCESS_DENIED, "Access is denied.");

    @Override
    SimulatedProcess newProcess() {
        return SimulatedProcess.of(kernel.newProcess());
    }
}
