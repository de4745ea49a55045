package io.github.panamashm.testing;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.internal.Os;
import io.github.panamashm.internal.Platform;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * For tests that need a real backend on whatever OS runs them (Linux here, Windows and macOS in CI).
 *
 * <pre>{@code
 * @BeforeEach void backend() { Backends.assumeSupported(); }
 * ...
 * String name = TestNames.unique("created-once");
 * }</pre>
 */
public final class Backends {
    private Backends() {
    }

    /** @return whether this OS and architecture have a shared-memory backend */
    public static boolean supported() {
        try {
            Platform.backend();
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** Skips the calling test, visibly, on an OS panama-shm has no backend for (macOS today). */
    public static void assumeSupported() {
        assumeTrue(supported(), "no shared-memory backend for " + System.getProperty("os.name") + " on "
                + System.getProperty("os.arch") + ": skipped");
    }

    /**
     * Asserts no process holds the block {@code name} any more: {@code openExisting} fails with
     * {@link NoSuchSharedMemoryException}, and on Linux nothing is left in {@code /dev/shm}.
     */
    public static void assertGone(String name) {
        assertThrows(NoSuchSharedMemoryException.class, () -> SharedMemory.openExisting(name).close(),
                name + " is still attachable");
        if (Platform.os() == Os.LINUX) {
            Path file = Path.of(Platform.backend().location(name));
            assertTrue(Files.notExists(file), file + " was left behind");
        }
    }
}
