package io.github.panamashm.internal.cli;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.TestNames;
import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

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
        String name = TestNames.unique("jar");
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
        String name = TestNames.unique("jar");
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
    void theManifestNamesTheMainClassAndEnablesNativeAccessForTheClassPath() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals(Main.class.getName(), main.getValue(Attributes.Name.MAIN_CLASS));
            assertEquals("ALL-UNNAMED", main.getValue("Enable-Native-Access"));
            assertTrue(jar.getEntry("module-info.class") != null, "the jar is also the module io.github.panamashm");
        }
    }
}
