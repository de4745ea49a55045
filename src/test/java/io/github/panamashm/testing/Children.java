package io.github.panamashm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Command lines for the reliability suite's child JVMs, built on {@link ChildJvm#command}: a place for the
 * crash log ({@code -XX:ErrorFile}) so that a JVM crash in a child is seen as an {@code hs_err} file and a
 * non-zero exit, never taken for a pass; and wrappers ({@code unshare}, {@code setpriv}) in front of java.
 */
public final class Children {
    /** Where child JVMs write their crash logs. */
    public static final Path CRASH_DIR = Path.of("target", "reliability-crashes").toAbsolutePath();

    private Children() {
    }

    /** {@code java [jvmOptions] -XX:ErrorFile=... mainClass args} on the parent's class path. */
    public static List<String> java(List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(ChildJvm.command(mainClass, args));
        List<String> extra = new ArrayList<>(jvmOptions);
        extra.add("-XX:ErrorFile=" + CRASH_DIR.resolve("hs_err_pid%p.log"));
        cmd.addAll(1, extra);
        return cmd;
    }

    /** Starts {@code mainClass} in a child JVM that logs a crash to {@link #CRASH_DIR}. */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        return ChildJvm.start(java(List.of(), mainClass, args));
    }

    /** @return the crash logs child JVMs have written so far */
    public static List<Path> crashLogs() {
        if (!Files.isDirectory(CRASH_DIR)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(CRASH_DIR)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the crash log of the child with process id {@code pid}, if it wrote one */
    public static boolean crashed(long pid) {
        return Files.exists(CRASH_DIR.resolve("hs_err_pid" + pid + ".log"));
    }
}
