package io.github.panamashm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unique block names for tests, and what {@code /dev/shm} holds for them (Linux). Other test classes and
 * other builds create objects there at the same time, so every check looks only at the caller's own names.
 * {@link Backends#assertGone(String)} is the portable "nothing left" check.
 */
public final class TestNames {
    /** Where glibc's {@code shm_open} puts POSIX shared memory objects. */
    public static final Path DEV_SHM = Path.of("/dev/shm");

    private TestNames() {
    }

    /** @return a name no other test or run uses: {@code prefix-<uuid>} */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** @return the file behind a block on Linux */
    public static Path shmFile(String name) {
        return DEV_SHM.resolve(name);
    }

    /** @return whether the block's object exists (Linux only: Windows has no file to look at) */
    public static boolean exists(String name) {
        return Files.exists(shmFile(name));
    }

    /** Removes a leftover object, for tests that plant one on purpose. */
    public static void remove(String name) throws IOException {
        Files.deleteIfExists(shmFile(name));
    }

    /** Linux: the block's object exists now. Elsewhere there is no file to look at, and nothing is checked. */
    public static void assertExists(String name) {
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertTrue(exists(name), "/dev/shm/" + name + " does not exist");
        }
    }

    /** @return the entries of /dev/shm whose file name contains {@code token} */
    public static List<String> entriesContaining(String token) {
        try (Stream<Path> s = Files.list(DEV_SHM)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(token)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails when /dev/shm holds any entry whose name contains {@code token}. */
    public static void assertNothingLeft(String token) {
        assertEquals(List.of(), entriesContaining(token), "/dev/shm entries left behind for " + token);
    }
}
