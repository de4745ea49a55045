package io.github.panamashm.internal.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The jar's entry class, compiled for Java 8: how it reads the Java version and what it says when too old. */
class LauncherTest {

    @Test
    @DisplayName("the feature release is read from java.specification.version, old style 1.x included")
    void theFeatureReleaseIsRead() {
        assertEquals(8, Launcher.feature("1.8"));
        assertEquals(9, Launcher.feature("9"));
        assertEquals(17, Launcher.feature("17"));
        assertEquals(21, Launcher.feature("21"));
        assertEquals(22, Launcher.feature("22"));
        assertEquals(25, Launcher.feature("25"));
        assertEquals(999_999_999, Launcher.feature("99999999999"), "at most nine digits: no overflow");
    }

    @Test
    @DisplayName("a version that cannot be read lets the real tool try rather than refuse")
    void anUnreadableVersionIsNotRefused() {
        assertEquals(Integer.MAX_VALUE, Launcher.feature(null));
        assertEquals(Integer.MAX_VALUE, Launcher.feature(""));
        assertEquals(Integer.MAX_VALUE, Launcher.feature("x"));
        assertEquals(Integer.MAX_VALUE, Launcher.feature("1.x"));
    }

    @Test
    @DisplayName("Java 22 and newer run the tool; Java 21 and older get one line naming what is needed and what was"
            + " found where")
    void java22IsTheFirstAccepted() {
        assertNull(Launcher.refusal("22", "22.0.2", "/jdk22"));
        assertNull(Launcher.refusal("25", "25", "/jdk25"));
        assertEquals("panama-shm needs Java 22 or newer (java.lang.foreign), but this is Java 21.0.5 (/jdk21): run it"
                + " with a JDK 22 or newer", Launcher.refusal("21", "21.0.5", "/jdk21"));
        assertEquals("panama-shm needs Java 22 or newer (java.lang.foreign), but this is Java 1.8.0_402 (/jre8): run"
                + " it with a JDK 22 or newer", Launcher.refusal("1.8", "1.8.0_402", "/jre8"));
    }
}
