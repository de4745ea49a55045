package io.github.panamashm.testing;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unique block names, and assertions on what is left in the OS. */
public final class Blocks {
    private Blocks() {
    }

    /** @return {@code prefix-UUID}, so that tests running at once, here or in another build, never share a block */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static boolean linux() {
        return System.getProperty("os.name").startsWith("Linux");
    }

    /** Nothing of {@code name} is left: no file in /dev/shm on Linux, no mapping to open elsewhere. */
    public static void assertGone(String name) {
        if (linux()) {
            assertFalse(Files.exists(Path.of("/dev/shm", name)), "/dev/shm/" + name + " was left behind");
        } else {
            assertThrows(NoSuchSharedMemoryException.class, () -> SharedMemory.openExisting(name).close(),
                    name + " was left behind");
        }
    }

    /** The block {@code name} exists now (Linux: its file is in /dev/shm). */
    public static void assertExists(String name) {
        if (linux()) {
            assertTrue(Files.exists(Path.of("/dev/shm", name)), "/dev/shm/" + name + " does not exist");
        }
    }
}
