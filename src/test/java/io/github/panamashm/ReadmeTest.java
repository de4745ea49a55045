package io.github.panamashm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the README and docs/ show must be what the tests run. */
class ReadmeTest {

    @Test
    void theProtocolDocsCCodeIsTheCodeTheNativePeerTestCompiles() throws Exception {
        String readme = Files.readString(Path.of("docs", "protocol.md"));
        int start = readme.indexOf("```c\n");
        assertTrue(start >= 0, "docs/protocol.md has no C block");
        String excerpt = readme.substring(start + 5, readme.indexOf("```\n", start + 5));
        String peer = Files.readString(Path.of("src", "test", "c", "shm_peer.c"));
        assertTrue(excerpt.contains("shm_attach") && excerpt.contains("shm_detach"), excerpt);
        assertTrue(peer.contains(excerpt), "the C protocol in docs/protocol.md differs from src/test/c/shm_peer.c");
    }

    @Test
    void theReadmesJshellSessionIsTheSessionJshellSessionTestRuns() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String session = Files.readString(Path.of("jshell", "session-two-windows.jsh"));
        assertTrue(readme.contains("```java\n" + session + "```\n"),
                "the README's jshell session differs from jshell/session-two-windows.jsh");
        String startup = Files.readString(Path.of("jshell", "panama-shm.jsh"));
        assertTrue(readme.contains(startup), "the README's startup script differs from jshell/panama-shm.jsh");
    }

    @Test
    void theReadmesMultiProcessRecipeIsATestThatRuns() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String recipe = Files.readString(
                Path.of("src", "test", "java", "io", "github", "panamashm", "testing", "ChildJvmRecipeTest.java"));
        assertTrue(readme.contains("```java\n" + recipe + "```\n"),
                "the README's recipe differs from ChildJvmRecipeTest.java");
    }
}
