package io.github.panamashm.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How ChildJvm builds the child's class path. */
class ChildJvmTest {
    @Test
    @DisplayName("the child's class path is the parent's, each entry once, when the main class is on it")
    void theChildsClassPathIsTheParentsWhenTheMainClassIsOnIt() {
        List<String> parent = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .distinct().toList();
        assertEquals(String.join(File.pathSeparator, parent), ChildJvm.classPath(ChildJvmTest.class));
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
