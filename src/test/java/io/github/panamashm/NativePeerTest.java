package io.github.panamashm;

import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.github.panamashm.Child.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A C program that follows docs/protocol.md ({@code src/test/c/shm_peer.c}, compiled here with gcc)
 * shares blocks with Java in both directions and takes part in the lifetime rules.
 */
@EnabledOnOs(OS.LINUX)
class NativePeerTest {
    private static final String TEXT = "This is a test string from the other side: é 😀";

    @TempDir
    static Path build;
    private static Path peer;

    @BeforeAll
    static void compilePeer() throws Exception {
        Path gcc = findOnPath("gcc");
        assumeTrue(gcc != null, "gcc not found on PATH: skipping the native peer tests (.ci/run installs gcc)");
        peer = build.resolve("shm_peer");
        Process p = new ProcessBuilder(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2",
                "-o", peer.toString(), Path.of("src", "test", "c", "shm_peer.c").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "gcc failed:\n" + out);
    }

    private static Path findOnPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static ChildJvm startPeer(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(peer.toString()));
        cmd.addAll(List.of(args));
        return ChildJvm.start(cmd);
    }

    @Test
    void aCPeerReadsWhatJavaWrote() throws IOException {
        String name = TestNames.unique("peer-j2c");
        try (SharedString s = SharedString.open(name)) {
            s.set(TEXT);
            try (ChildJvm c = startPeer("get", name)) {
                assertEquals("created=0 text=" + hex(TEXT), c.readLine());
                assertEquals(0, c.waitFor(), c.transcript());
            }
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    void javaReadsWhatACPeerWroteAndTheCPeerFreesTheBlockAsTheLastToLeave() throws IOException {
        String name = TestNames.unique("peer-c2j");
        try (ChildJvm c = startPeer("set-and-hold", name, hex(TEXT))) {
            assertEquals("stored created=1", c.readLine());
            try (SharedString s = SharedString.open(name)) {
                assertFalse(s.created());
                assertEquals(TEXT, s.get());
            }
            assertTrue(TestNames.exists(name), "the C peer is still attached");
            c.closeStdin();
            assertEquals(0, c.waitFor(), c.transcript());
        }
        assertFalse(TestNames.exists(name), "the C peer, last to leave, must unlink");
    }

    @Test
    void aKilledCPeerLeavesABlockJavaResets() throws IOException {
        String name = TestNames.unique("peer-kill");
        try (ChildJvm c = startPeer("set-and-hold", name, hex("stale"))) {
            assertEquals("stored created=1", c.readLine());
            c.kill();
        }
        try (SharedString s = SharedString.open(name)) {
            assertTrue(s.created());
            assertEquals("", s.get());
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    void aCPeerAttachingAfterAJavaJvmDiedStartsAfresh() throws IOException {
        String name = TestNames.unique("peer-jkill");
        try (ChildJvm java = ChildJvm.start(Child.class, "write-and-hold", name, hex("from a dead JVM"))) {
            assertTrue(java.readLine().startsWith("stored"));
            java.kill();
        }
        try (ChildJvm c = startPeer("get", name)) {
            assertEquals("created=1 text=-", c.readLine());
            assertEquals(0, c.waitFor(), c.transcript());
        }
        assertFalse(TestNames.exists(name));
    }
}
