package io.github.panamashm.reliability;

import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedMemoryException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Runs in a child JVM whose /dev/shm is a 64 KiB tmpfs (see {@link NeighbourTest}): attaches blocks that do
 * not fit and prints what happened, one line per step. A block that attached is written on every page, so
 * without posix_fallocate the child dies of SIGBUS instead of printing "refused".
 */
public final class TmpfsChild {
    public static void main(String[] args) throws IOException {
        String name = args[0];
        System.out.println("tmpfs " + Files.getFileStore(Path.of("/dev/shm")).getTotalSpace());
        System.out.println("big " + attachAndFill(name + "-big", 1 << 20));
        System.out.println("left " + list(name));
        try (SharedMemory a = SharedMemory.openOrCreate(name + "-a", 40 << 10)) {
            fill(a.segment());
            System.out.println("a filled " + a.byteSize());
            System.out.println("b " + attachAndFill(name + "-b", 40 << 10));
            System.out.println("a still " + check(a.segment()));
        }
        System.out.println("b after a " + attachAndFill(name + "-b", 40 << 10));
        System.out.println("left " + list(name));
    }

    private static String attachAndFill(String name, long size) throws IOException {
        try (SharedMemory m = SharedMemory.openOrCreate(name, size)) {
            fill(m.segment());
            return "attached and filled " + m.byteSize();
        } catch (SharedMemoryException e) {
            return "refused " + e.getMessage();
        }
    }

    private static void fill(MemorySegment s) {
        for (long i = 0; i < s.byteSize(); i += 512) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) 0x5A);
        }
    }

    private static String check(MemorySegment s) {
        for (long i = 0; i < s.byteSize(); i += 512) {
            if (s.get(ValueLayout.JAVA_BYTE, i) != 0x5A) {
                return "corrupt at " + i;
            }
        }
        return "intact";
    }

    private static String list(String token) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/dev/shm"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(token)).toList().toString();
        }
    }
}
