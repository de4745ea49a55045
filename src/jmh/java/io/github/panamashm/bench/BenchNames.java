package io.github.panamashm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Unique block names per run, and the clean-up that leaves nothing in /dev/shm. */
final class BenchNames {
    /** bench/run.sh removes whatever a killed run left under this prefix. */
    static final String PREFIX = "panama-bench-";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private BenchNames() {
    }

    static String unique(String what) {
        return PREFIX + what + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
    }

    static void delete(String name) throws IOException {
        Files.deleteIfExists(Path.of("/dev/shm", name));
    }

    /** The example's text, "This is a test string" (21 units), repeated and cut to {@code length} units. */
    static String text(int length) {
        String unit = "This is a test string";
        StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            b.append(unit).append(' ');
        }
        return b.substring(0, length);
    }
}
