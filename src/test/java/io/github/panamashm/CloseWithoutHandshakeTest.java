package io.github.panamashm;

import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A block whose segment was never asked for (a SharedString's) closes without a shared arena: the rules a
 * closed block keeps must hold on that path too.
 */
class CloseWithoutHandshakeTest {

    private static Throwable onAnotherThread(Runnable r) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                r.run();
                return null;
            } catch (Throwable t) {
                return t;
            }
        }).get();
    }

    @Test
    void aClosedSharedStringRefusesSetAndGetFromAnyThread() throws Exception {
        SharedString s = SharedString.open(TestNames.unique("fast-close"));
        s.set("before");
        s.close();
        assertThrows(IllegalStateException.class, () -> s.set("after"));
        assertThrows(IllegalStateException.class, s::get);
        assertInstanceOf(IllegalStateException.class, onAnotherThread(() -> s.set("after")));
        assertInstanceOf(IllegalStateException.class, onAnotherThread(() -> s.get(10)));
    }

    @Test
    void theSegmentOfABlockClosedBeforeItWasAskedForCannotBeTouchedFromAnyThread() throws Exception {
        String name = TestNames.unique("fast-seg");
        SharedMemory m = SharedMemory.openOrCreate(name, 4096);
        m.close();
        MemorySegment s = m.segment();
        assertEquals(4096, s.byteSize());
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_INT, 0));
        assertInstanceOf(IllegalStateException.class, onAnotherThread(() -> s.set(ValueLayout.JAVA_INT, 0, 1)));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void closingTheLastAttacherFreesTheBlockBeforeCloseReturns() throws Exception {
        for (boolean askForSegment : new boolean[]{false, true}) {
            String name = TestNames.unique("fast-free");
            SharedString s = SharedString.open(name);
            assertTrue(s.created());
            if (askForSegment) {
                s.memory().segment().set(ValueLayout.JAVA_INT, 0, 1);
            }
            s.set("gone with the block");
            s.close();
            assertFalse(TestNames.exists(name), "left in /dev/shm");
            assertFalse(Files.readString(Path.of("/proc/self/maps")).contains(name), "still mapped after close");
            try (SharedString again = SharedString.open(name)) {
                assertTrue(again.created(), "the next attach must find the block freed");
                assertEquals("", again.get());
            }
            assertFalse(TestNames.exists(name));
        }
    }

    @Test
    void closeWaitsForReadersAndWritersAndTheyOnlyEverSeeIllegalStateException() throws Exception {
        for (int round = 0; round < 20; round++) {
            String name = TestNames.unique("fast-race");
            SharedString s = SharedString.open(name);
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            CountDownLatch running = new CountDownLatch(4);
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                boolean writer = t % 2 == 0;
                threads[t] = new Thread(() -> {
                    running.countDown();
                    try {
                        while (true) {
                            if (writer) {
                                s.set("x".repeat(2047));
                            } else if (s.get().length() > SharedString.MAX_LENGTH) {
                                throw new AssertionError("read past the text");
                            }
                        }
                    } catch (IllegalStateException expected) {
                        // closed: the only way out
                    } catch (Throwable e) {
                        unexpected.set(e);
                    }
                });
                threads[t].start();
            }
            running.await();
            s.close();
            for (Thread t : threads) {
                t.join();
            }
            assertNull(unexpected.get());
            assertFalse(TestNames.exists(name));
        }
    }
}
