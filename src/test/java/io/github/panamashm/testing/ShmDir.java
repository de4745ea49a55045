package io.github.panamashm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Unique block names for reliability tests, and what {@code /dev/shm} holds for them. Other test classes
 * and other engineers' runs create objects there at the same time, so every check looks only at entries
 * carrying the caller's own token.
 */
public final class ShmDir {
    /** Where glibc's {@code shm_open} puts POSIX shared memory objects. */
    public static final Path DEV_SHM = Path.of("/dev/shm");

    private ShmDir() {
    }

    /** @return a fresh name {@code rel-<tag>-<uuid>}, unique to this call */
    public static String uniqueName(String tag) {
        return "rel-" + tag + "-" + UUID.randomUUID();
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

    /** @return the path of the object for a name without namespace prefix */
    public static Path path(String name) {
        return DEV_SHM.resolve(name);
    }
}
