package io.github.panamashm.internal;

import io.github.panamashm.internal.linux.LinuxBackend;
import io.github.panamashm.internal.windows.WindowsBackend;

/** Chooses the backend for the running OS, once. */
public final class Platform {
    private Platform() {
    }

    /** @return the OS this JVM runs on, or null when panama-shm has no backend for it */
    public static Os os() {
        return Selected.OS;
    }

    /**
     * @return the backend for this OS
     * @throws UnsupportedOperationException when there is none
     */
    public static Backend backend() {
        Backend b = Selected.BACKEND;
        if (b == null) {
            throw new UnsupportedOperationException("panama-shm has no shared-memory backend for "
                    + System.getProperty("os.name") + " on " + System.getProperty("os.arch")
                    + " (supported: Linux x86_64 and aarch64, Windows x64 and ARM64)");
        }
        return b;
    }

    private static final class Selected {
        static final Os OS = Os.of(System.getProperty("os.name"));
        static final Backend BACKEND = select(OS, System.getProperty("os.arch"));
    }

    static Backend select(Os os, String arch) {
        if (os == Os.LINUX && LinuxBackend.supports(arch)) {
            return new LinuxBackend();
        }
        if (os == Os.WINDOWS && WindowsBackend.supports(arch)) {
            return new WindowsBackend(); // loads no native code until the first attach
        }
        return null;
    }
}
