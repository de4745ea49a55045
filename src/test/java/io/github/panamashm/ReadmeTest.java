package io.github.panamashm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the README and docs/ show must be what the tests run. */
class ReadmeTest {

    @Test
    void theProtocolDocsCCodeIsTheCodeTheNativePeerTestCompiles() throws Exception {
        String docs = Files.readString(Path.of("docs", "protocol.md"));
        String peer = Files.readString(Path.of("src", "test", "c", "shm_peer.c"));
        List<String> blocks = new ArrayList<>();
        for (int start = docs.indexOf("```c\n"); start >= 0; start = docs.indexOf("```c\n", start + 1)) {
            blocks.add(docs.substring(start + 5, docs.indexOf("```\n", start + 5)));
        }
        String all = String.join("", blocks);
        for (String function : List.of("shm_attach", "shm_detach", "struct shm_text", "text_join", "text_lock",
                "text_set", "text_get", "text_wait")) {
            assertTrue(all.contains(function), "docs/protocol.md shows no " + function);
        }
        for (String block : blocks) {
            assertTrue(peer.contains(block), "this C in docs/protocol.md differs from src/test/c/shm_peer.c:\n" + block);
        }
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
