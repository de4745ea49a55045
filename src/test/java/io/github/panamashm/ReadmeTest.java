package io.github.panamashm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the README shows must be what the tests run. */
class ReadmeTest {

    @Test
    void theReadmesCProtocolIsTheCodeTheNativePeerTestCompiles() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```c\n");
        assertTrue(start >= 0, "README.md has no C block");
        String excerpt = readme.substring(start + 5, readme.indexOf("```\n", start + 5));
        String peer = Files.readString(Path.of("src", "test", "c", "shm_peer.c"));
        assertTrue(excerpt.contains("shm_attach") && excerpt.contains("shm_detach"), excerpt);
        assertTrue(peer.contains(excerpt), "the README's C protocol differs from src/test/c/shm_peer.c");
    }
}
