package io.github.panamashm.internal.cli;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.TestNames;
import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar target/panama-shm.jar}, run by failsafe after {@code package}, exactly as a user runs it. */
class JarIT {
    private static Path jar() {
        String property = System.getProperty("panamashm.jar");
        Path jar = Path.of(property != null ? property : "target/panama-shm.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run mvn verify, which packages before this test");
        return jar;
    }

    /** java -jar with no other option: no --enable-native-access, no encoding property. */
    private static ChildJvm javaDashJar(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(ChildJvm.javaLauncher().toString(), "-jar",
                jar().toString()));
        cmd.addAll(List.of(args));
        return ChildJvm.start(cmd);
    }

    @Test
    void javaDashJarDemoPrintsTheTwoLinesWithNoFlagAndNoWarning() {
        String name = TestNames.unique("cli2-jar");
        try (ChildJvm demo = javaDashJar("demo", "--name", name)) {
            demo.closeStdin();
            assertEquals(0, demo.waitFor(), demo::transcript);
            assertEquals("""
                    Process is writing to shared memory...
                    Child process read from shared memory: This is a test string
                    """, demo.stdout());
            // The parent's and the child's (it inherits stderr): a restricted-method WARNING from either fails.
            assertEquals("", demo.stderr(), "no WARNING or anything else on stderr");
        }
        Backends.assertGone(name);
    }

    @Test
    void javaDashJarHoldAndGetShareABlockWithNoWarning() {
        String name = TestNames.unique("cli2-jar");
        try (ChildJvm hold = javaDashJar("hold", "--name", name, "from the jar")) {
            assertTrue(hold.readLine().startsWith("holding " + name), hold::transcript);
            try (ChildJvm get = javaDashJar("get", "--name", name)) {
                get.closeStdin();
                assertEquals(0, get.waitFor(), get::transcript);
                assertEquals("from the jar\n", get.stdout());
                assertEquals("", get.stderr());
            }
            hold.closeStdin();
            assertEquals(0, hold.waitFor(), hold::transcript);
            assertEquals("", hold.stderr());
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("the manifest names the Java 8 launcher as the main class and enables native access")
    void theManifestNamesTheMainClassAndEnablesNativeAccessForTheClassPath() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals(Launcher.class.getName(), main.getValue(Attributes.Name.MAIN_CLASS));
            assertEquals("ALL-UNNAMED", main.getValue("Enable-Native-Access"));
            assertTrue(jar.getEntry("module-info.class") != null, "the jar is also the module io.github.panamashm");
        }
    }

    @Test
    @DisplayName("java -jar --version prints the project's version, with no warning")
    void javaDashJarVersionPrintsTheProjectVersion() {
        try (ChildJvm version = javaDashJar("--version")) {
            version.closeStdin();
            assertEquals(0, version.waitFor(), version::transcript);
            assertTrue(version.stdout().startsWith("panama-shm " + System.getProperty("panamashm.version", "?")
                    + " (Java " + Runtime.version() + ", "), version::transcript);
            assertEquals("", version.stderr());
        }
    }

    @Test
    @DisplayName("java -jar's help shows java -jar with the jar's path as the user gave it, relative to here")
    void javaDashJarHelpShowsTheCommandThatStartedIt() {
        try (ChildJvm help = javaDashJar("--help")) {
            help.closeStdin();
            assertEquals(0, help.waitFor(), help::transcript);
            Path here = Path.of("").toAbsolutePath();
            Path jar = jar().toAbsolutePath();
            String shown = jar.startsWith(here) ? here.relativize(jar).toString() : jar.toString();
            assertTrue(help.stdout().startsWith("Usage: java -jar " + shown + " COMMAND [OPTIONS]\n"),
                    help::transcript);
        }
    }

    /** @return the JDKs older than 22 under /usr/lib/jvm (Debian's place for them) */
    private static List<Path> oldJdks() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return List.of();
        }
        List<Path> old = new ArrayList<>();
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path home : homes.sorted().toList()) {
                Path release = home.resolve("release");
                if (Files.isSymbolicLink(home) || !Files.isRegularFile(release)
                        || !Files.isExecutable(home.resolve("bin/java"))) {
                    continue;
                }
                Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(Files.readString(release));
                if (m.find() && Integer.parseInt(m.group(1)) < Launcher.REQUIRED) {
                    old.add(home);
                }
            }
        }
        return old;
    }

    @Test
    @DisplayName("java -jar on a JDK older than 22 prints one line naming what it needs and what it found, exit 1")
    void javaDashJarOnAnOldJdkSaysWhatItNeedsInOneLine() throws IOException {
        List<Path> old = oldJdks();
        Assumptions.assumeFalse(old.isEmpty(), "no JDK older than 22 under /usr/lib/jvm: skipped");
        for (Path home : old) {
            for (String args : List.of("--version", "demo")) {
                try (ChildJvm java = ChildJvm.start(List.of(home.resolve("bin/java").toString(), "-jar",
                        jar().toString(), args))) {
                    java.closeStdin();
                    assertEquals(1, java.waitFor(), java::transcript);
                    assertEquals("", java.stdout());
                    List<String> lines = java.stderr().lines().toList();
                    assertEquals(1, lines.size(), java::transcript);
                    assertTrue(lines.get(0).matches("panama-shm needs Java 22 or newer \\(java\\.lang\\.foreign\\), but"
                            + " this is Java [0-9][^ ]* \\(" + Pattern.quote(home.toString()) + "\\): run it with a JDK 22"
                            + " or newer"), lines.get(0));
                }
            }
        }
    }
}
