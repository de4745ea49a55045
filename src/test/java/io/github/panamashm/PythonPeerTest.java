package io.github.panamashm;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/python.md's Python peer, run as printed against a block Java holds, and the resource-tracker problem
 * it avoids. Skipped, saying so, where the Python interpreter is missing.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "Python's resource tracker and /dev/shm are the Linux case")
class PythonPeerTest {
    private static final String TEXT = "Hello from Java, grüße 😀";

    /** The {@code python} block of docs/python.md, written to {@code dir/peer.py}. */
    private static Path peer(Path dir) throws IOException {
        String doc = Files.readString(Path.of("docs", "python.md"));
        List<String> blocks = ReadmeTest.blocks(doc, "python");
        assertEquals(1, blocks.size(), "docs/python.md shows one Python program");
        return Files.writeString(dir.resolve("peer.py"), blocks.getFirst());
    }

    /** Skips, visibly, when {@code python} does not run here. */
    private static String version(String python) {
        try (ChildJvm p = ChildJvm.start(List.of(python, "--version"))) {
            int exit = p.waitFor();
            assumeTrue(exit == 0, python + " does not run here (exit " + exit + "): skipped");
            return p.stdout().strip();
        } catch (java.io.UncheckedIOException e) {
            assumeTrue(false, python + " is not installed: skipped");
            throw e;
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python3", "python3.13"})
    @DisplayName("the docs' Python peer reads what Java stored and answers, and /dev/shm/NAME survives Python's exit"
            + " while Java holds the block")
    void thePythonPeerSharesTheBlockAndLeavesItInPlace(String python, @TempDir Path dir) throws Exception {
        String version = version(python);
        Path peer = peer(dir);
        String name = TestNames.unique("doc-py");
        try (SharedString java = SharedString.create(name)) {
            java.set(TEXT);
            try (ChildJvm p = ChildJvm.start(List.of(python, peer.toString(), name, "Hello from Python"))) {
                assertEquals(0, p.waitFor(), p::transcript); // waits for the resource tracker's output too
                assertEquals(TEXT + "\n", p.stdout(), version);
                assertEquals("", p.stderr(), version);
            }
            assertTrue(TestNames.exists(name), version + " removed /dev/shm/" + name + " while Java holds it");
            assertEquals("Hello from Python", java.get());
            try (SharedString late = SharedString.openExisting(name)) {
                assertEquals("Hello from Python", late.get(), "another process can still attach");
            }
        }
        Backends.assertGone(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python3", "python3.13"})
    @DisplayName("a plain attach lets Python's resource tracker unlink a block Java holds when Python exits")
    void aPlainAttachLetsTheTrackerUnlinkTheBlock(String python) throws Exception {
        String version = version(python);
        String name = TestNames.unique("doc-py-plain");
        try (SharedString java = SharedString.create(name)) {
            java.set(TEXT);
            String plain = "import sys; from multiprocessing import shared_memory;"
                    + " shared_memory.SharedMemory(name=sys.argv[1]).close()";
            try (ChildJvm p = ChildJvm.start(List.of(python, "-c", plain, name))) {
                assertEquals(0, p.waitFor(), p::transcript);
                assertTrue(p.stderr().contains("leaked shared_memory"), version + ": " + p.stderr());
            }
            assertFalse(TestNames.exists(name), version + ": the tracker did not unlink /dev/shm/" + name);
            assertEquals(TEXT, java.get(), "Java's own mapping is unaffected");
        }
        Backends.assertGone(name);
    }
}
