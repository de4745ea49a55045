package io.github.panamashm;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's commands that need the packaged jar, run by failsafe after {@code package} as printed, through
 * bash, in a directory laid out as a clone (its {@code bin/} and {@code target/panama-shm.jar}). The only change
 * is the block name, unique per run.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the layout uses symbolic links; the commands are bash")
class ReadmeIT {
    private static final String README_NAME = "com.example.board";

    @BeforeAll
    static void backend() {
        Backends.assumeSupported();
    }

    /** A directory with the clone's {@code bin} and packaged jar, as the README's commands expect. */
    private static Path clone(Path dir) throws Exception {
        Files.createSymbolicLink(dir.resolve("bin"), Path.of("bin").toAbsolutePath());
        Files.createDirectories(dir.resolve("target"));
        Files.createSymbolicLink(dir.resolve("target/panama-shm.jar"),
                Path.of(System.getProperty("panamashm.jar", "target/panama-shm.jar")).toAbsolutePath());
        return dir;
    }

    private static ChildJvm bash(Path dir, String command) {
        return ChildJvm.start(List.of("bash", "-c", "cd '" + dir + "' && " + command));
    }

    /** Runs {@code command} to its end, its standard input closed. */
    private static ChildJvm run(Path dir, String command) {
        ChildJvm p = bash(dir, command);
        p.closeStdin();
        p.waitFor();
        return p;
    }

    @Test
    @DisplayName("the README's first commands build and test the project, and the demo prints the child's line")
    void theFirstCommandsRunTheDemo(@TempDir Path dir) throws Exception {
        List<String> first = ReadmeTest.blocks(ReadmeTest.readme(), "sh").getFirst().lines().toList();
        assertEquals(List.of("bin/jdk22 mvn -B -q package -DskipTests && bin/jdk22 java -jar target/panama-shm.jar demo",
                "bin/jdk22 mvn -B verify"), first, "what .ci/run and this test run");
        assertTrue(Files.readString(Path.of(".ci", "run")).contains("\nbin/jdk22 mvn -B verify"), "CI runs it");
        String demo = first.getFirst().split(" && ")[1];
        String name = TestNames.unique("doc-readme-demo");
        try (ChildJvm p = run(clone(dir), demo + " --name " + name)) {
            assertEquals(0, p.waitFor(), p::transcript);
            assertEquals("""
                    Process is writing to shared memory...
                    Child process read from shared memory: This is a test string
                    """, p.stdout());
            assertEquals("", p.stderr());
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("the README's Board commands share a text between two JVMs; a second writer and a late reader are"
            + " refused as the README says")
    void theBoardCommandsShareATextBetweenTwoTerminals(@TempDir Path dir) throws Exception {
        List<String> commands = ReadmeTest.blocks(ReadmeTest.readme(), "sh").stream()
                .filter(b -> b.contains("Board.java")).findFirst().orElseThrow().lines().toList();
        assertEquals(2, commands.size(), "two terminals");
        clone(dir);
        Files.writeString(dir.resolve("Board.java"), ReadmeTest.board());
        String name = TestNames.unique("doc-readme-board");
        String writer = commands.get(0).replace(README_NAME, name);
        String reader = commands.get(1).replace(README_NAME, name);
        assertTrue(writer.endsWith(name + " \"Hello\""), writer);

        try (ChildJvm first = bash(dir, writer)) {
            assertEquals("stored; press Enter to detach", first.readLine());
            try (ChildJvm again = run(dir, writer)) {
                assertNotEquals(0, again.waitFor());
                assertTrue(again.stderr().contains("SharedMemoryAlreadyExistsException"), again::transcript);
            }
            try (ChildJvm second = run(dir, reader)) {
                assertEquals(0, second.waitFor(), second::transcript);
                assertEquals("Hello\n", second.stdout());
                assertEquals("", second.stderr(), "no warning");
            }
            first.send(""); // Enter
            assertEquals(0, first.waitFor(), first::transcript);
            assertEquals("", first.stderr(), "no warning");
        }
        try (ChildJvm late = run(dir, reader)) {
            assertNotEquals(0, late.waitFor());
            assertTrue(late.stderr().contains("NoSuchSharedMemoryException"), late::transcript);
        }
        Backends.assertGone(name);
    }
}
