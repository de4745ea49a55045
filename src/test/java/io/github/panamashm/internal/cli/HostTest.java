package io.github.panamashm.internal.cli;

import io.github.panamashm.internal.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How the tool names itself in its help: the command that started it, so that its examples work as printed. */
class HostTest {
    @AfterEach
    void clearProperty() {
        System.clearProperty(Host.PROGRAM_PROPERTY);
    }

    @Test
    @DisplayName("the name bin/panama-shm passes is the program the help shows")
    void theLaunchersNameIsTheProgram() {
        System.setProperty(Host.PROGRAM_PROPERTY, "bin/panama-shm");
        assertEquals(new Host(Platform.os(), "bin/panama-shm", System.getProperty("sun.jnu.encoding")), Host.current());
    }

    @Test
    @DisplayName("on the class path the program is java with native access, the class path as given, and Main")
    void onTheClassPathTheProgramIsTheJavaCommand() throws Exception {
        System.setProperty(Host.PROGRAM_PROPERTY, " ");
        String classes = Host.shown(Host.codeSource(), Path.of("").toAbsolutePath());
        assertEquals("java --enable-native-access=ALL-UNNAMED -cp " + classes + " " + Main.class.getName(),
                Host.current().program());
        assertEquals("target/classes", classes.replace('\\', '/'), "the build's class directory, relative to here");
    }

    @Test
    @DisplayName("a path below the working directory is shown relative to it, another one whole, quoted if it has a"
            + " space")
    void pathsAreShownAsTheUserWouldType() {
        Path here = Path.of("/home/u/p");
        assertEquals(Path.of("target/panama-shm.jar").toString(), Host.shown(Path.of("/home/u/p/target/panama-shm.jar"),
                here));
        assertEquals(Path.of("/opt/panama-shm.jar").toString(), Host.shown(Path.of("/opt/panama-shm.jar"), here));
        assertEquals("\"" + Path.of("/opt/my tools/panama-shm.jar") + "\"", Host.shown(Path.of("/opt/my tools/panama-shm.jar"),
                here));
    }
}
