package io.github.panamashm.internal;

import java.util.Locale;

/** The operating systems panama-shm knows, and the one it runs on. */
public enum Os {
    LINUX, WINDOWS, MACOS;

    /** @return the OS named by {@code os.name}, or null when panama-shm has no backend for it */
    public static Os of(String osName) {
        String n = osName.toLowerCase(Locale.ROOT);
        if (n.startsWith("linux")) {
            return LINUX;
        }
        if (n.startsWith("windows")) {
            return WINDOWS;
        }
        if (n.startsWith("mac") || n.startsWith("darwin")) {
            return MACOS;
        }
        return null;
    }
}
