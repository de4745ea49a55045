package io.github.panamashm.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ChildJvm, the launcher users' multi-process tests get with the library. */
class ChildJvmTest {
    /** The child: echoes each line of its input, then, at its end, says so on stderr and exits with args[0]. */
    public static final class Echo {
        public static void main(String[] args) throws Exception {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.println("ready");
            for (String line; (line = in.readLine()) != null; ) {
                System.out.println("echo: " + line);
            }
            System.err.println("input ended");
            System.exit(Integer.parseInt(args[0]));
        }
    }

    @Test
    @DisplayName("send reaches the child's input, readLine returns its lines, and waitFor its exit code once all of"
            + " its output is read")
    void sendReadLineAndWaitForFollowTheChild() {
        try (ChildJvm child = ChildJvm.start(Echo.class, "3")) {
            assertEquals("ready", child.readLine());
            child.send("grüße");
            assertEquals("echo: grüße", child.readLine());
            child.send("two");
            child.closeStdin();
            assertEquals(3, child.waitFor());
            assertEquals("ready\necho: grüße\necho: two\n", child.stdout());
            assertEquals("input ended\n", child.stderr());
            assertEquals("stdout:\nready\necho: grüße\necho: two\nstderr:\ninput ended\n", child.transcript());
            assertEquals("echo: two", child.readLine(), "lines not read yet are still there");
        }
    }

    @Test
    @DisplayName("readLine fails, with what the child printed, once the child has ended")
    void readLineFailsWhenTheChildHasEnded() {
        try (ChildJvm child = ChildJvm.start(Echo.class, "0")) {
            assertEquals("ready", child.readLine());
            child.closeStdin();
            AssertionError e = assertThrows(AssertionError.class, child::readLine);
            assertTrue(e.getMessage().contains("child closed its output") && e.getMessage().contains("input ended"),
                    e.getMessage());
            assertThrows(AssertionError.class, child::readLine, "and keeps failing");
        }
    }

    @Test
    @DisplayName("kill ends a child that is still waiting, and close ends one the test left running")
    void killAndCloseEndARunningChild() {
        ChildJvm killed = ChildJvm.start(Echo.class, "0");
        assertEquals("ready", killed.readLine());
        killed.kill();
        assertFalse(killed.process().isAlive());
        assertNotEquals(0, killed.process().exitValue());

        ChildJvm left = ChildJvm.start(Echo.class, "0");
        assertEquals("ready", left.readLine());
        left.close();
        assertFalse(left.process().isAlive());
    }

    @Test
    @DisplayName("the child's class path is the parent's, each entry once, when the main class is on it")
    void theChildsClassPathIsTheParentsWhenTheMainClassIsOnIt() {
        List<String> parent = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .distinct().toList();
        assertEquals(String.join(File.pathSeparator, parent), ChildJvm.classPath(ChildJvmTest.class));
        List<String> command = ChildJvm.command(List.of("-Dx=y"), Echo.class, "a");
        assertEquals(ChildJvm.javaLauncher().toString(), command.getFirst());
        assertEquals("-Dx=y", command.get(1));
        assertTrue(command.contains("--enable-native-access=ALL-UNNAMED"), command.toString());
        assertEquals(List.of("-cp", ChildJvm.classPath(Echo.class), Echo.class.getName(), "a"),
                command.subList(command.size() - 4, command.size()));
    }

    @Test
    @DisplayName("the child's class path ends with where the main class came from when no path of the parent has"
            + " it, as for test classes Surefire patches into a module")
    void theChildsClassPathAddsWhereTheMainClassCameFrom(@TempDir Path dir) throws Exception {
        Path source = Path.of(ChildJvmTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path copy = dir.resolve(Path.of("io", "github", "panamashm", "testing", "ChildJvmTest.class"));
        Files.createDirectories(copy.getParent());
        Files.copy(source.resolve(Path.of("io", "github", "panamashm", "testing", "ChildJvmTest.class")), copy);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            Class<?> elsewhere = Class.forName(ChildJvmTest.class.getName(), false, loader);
            String[] entries = ChildJvm.classPath(elsewhere).split(File.pathSeparator);
            assertEquals(dir.toString(), entries[entries.length - 1]);
        }
    }
}
