package io.github.panamashm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Unique block names for tests, and the check that a test left nothing behind. */
public final class TestNames {
    private TestNames() {
    }

    /** @return a name no other test or run uses: {@code prefix-<uuid>} */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** @return the file behind a block on Linux */
    public static Path shmFile(String name) {
        return Path.of("/dev/shm", name);
    }

    /** @return whether the block's object exists (Linux only: Windows has no file to look at) */
    public static boolean exists(String name) {
        return Files.exists(shmFile(name));
    }

    /** Removes a leftover object, for tests that plant one on purpose. */
    public static void remove(String name) throws IOException {
        Files.deleteIfExists(shmFile(name));
    }
}
