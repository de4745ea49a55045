package io.github.panamashm;

import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.TextSync;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Waits} with an OS wait that sleeps until it is woken, however long its slice: what close must do for
 * a thread sleeping in the OS, beyond waiting for its slice to end.
 */
@EnabledOnOs(OS.LINUX)
class WaitsTest {

    /** Sleeps in await until wakeAll, and says when a thread is inside. */
    static final class SleepUntilWoken implements TextSync {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch woken = new CountDownLatch(1);

        @Override
        public void lock(MemorySegment block, Duration timeout) {
        }

        @Override
        public void unlock(MemorySegment block) {
        }

        @Override
        public void wakeAll(MemorySegment block) {
            woken.countDown();
        }

        @Override
        public void await(MemorySegment block, int expected, long nanos) {
            inside.countDown();
            try {
                woken.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    @DisplayName("close wakes a platform thread sleeping in the OS wait, which then ends with IllegalStateException, before the block is unmapped")
    void closeWakesAThreadSleepingInTheOs() throws Exception {
        SharedMemory memory = SharedMemory.openText(Backend.TextOpen.OPEN_OR_CREATE, TestNames.unique("sync-waits-close"),
                PeerWait.timeout());
        SleepUntilWoken sync = new SleepUntilWoken();
        Waits waits = new Waits(memory, sync);
        FutureTask<SharedString.Snapshot> waiter = new FutureTask<>(() -> waits.await(0, Long.MAX_VALUE));
        Thread.ofPlatform().daemon().start(waiter);
        assertTrue(sync.inside.await(20, TimeUnit.SECONDS));
        FutureTask<Void> close = new FutureTask<>(memory::close, null);
        Thread.ofPlatform().daemon().start(close);
        close.get(20, TimeUnit.SECONDS); // without the wake, close would wait for a slice that never ends
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(20, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        TestNames.assertNothingLeft(memory.name());
    }
}
