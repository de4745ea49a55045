package io.github.panamashm.internal.windows;

import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The harness runs any kernel32 function in several Wine processes, not only the file-mapping ones: here the
 * named mutex and event that cross-process waits are built from. Each call is one line of Java; the helper
 * needs no C for it. This is how a new Windows binding is tried against Wine before the product uses it.
 */
@EnabledOnOs(OS.LINUX)
@ExtendWith(Wine.Extension.class)
class WineKernelObjectsTest {
    private static final long WAIT_OBJECT_0 = 0x0, WAIT_ABANDONED = 0x80, WAIT_TIMEOUT = 0x102;
    private final List<WineProcess> processes = new ArrayList<>();

    private WineProcess start(Wine wine) {
        WineProcess p = wine.start();
        processes.add(p);
        return p;
    }

    @AfterEach
    void end() {
        processes.forEach(WineProcess::close);
    }

    @Test
    @DisplayName("a named mutex whose owner process dies is WAIT_ABANDONED for the next process that waits on it")
    void mutexOfADeadOwnerIsAbandoned(Wine wine) {
        WineProcess owner = start(wine), next = start(wine);
        WineProcess.In name = WineProcess.wide(TestNames.unique("Local\\win-mutex"));
        assertNotEquals(0, owner.call("kernel32", "CreateMutexW", 0L, 1L /* owned */, name).value());
        long h = next.call("kernel32", "OpenMutexW", 0x00100000L /* SYNCHRONIZE */, 0L, name).value();
        assertEquals(WAIT_TIMEOUT, next.call("kernel32", "WaitForSingleObject", h, 0L).value(), "owned");
        owner.kill();
        assertEquals(WAIT_ABANDONED, next.call("kernel32", "WaitForSingleObject", h, 0L).value());
        assertNotEquals(0, next.call("kernel32", "ReleaseMutex", h).value(), "the waiter owns it now");
    }

    @Test
    @DisplayName("a named event set in one process ends a wait in another")
    void eventWakesAWaiterInAnotherProcess(Wine wine) throws Exception {
        WineProcess setter = start(wine), waiter = start(wine);
        WineProcess.In name = WineProcess.wide(TestNames.unique("Local\\win-event"));
        long e = setter.call("kernel32", "CreateEventW", 0L, 1L /* manual reset */, 0L, name).value();
        long w = waiter.call("kernel32", "OpenEventW", 0x00100000L, 0L, name).value();
        // The wait blocks the waiter's helper, so it runs on another thread; set before or after, it ends.
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(
                () -> waiter.call("kernel32", "WaitForSingleObject", w, 30_000L).value());
        assertNotEquals(0, setter.call("kernel32", "SetEvent", e).value());
        assertEquals(WAIT_OBJECT_0, waited.get(60, TimeUnit.SECONDS));
    }
}
