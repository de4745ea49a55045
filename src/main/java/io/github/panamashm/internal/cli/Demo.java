package io.github.panamashm.internal.cli;

import io.github.panamashm.SharedString;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The example as two processes: the parent stores the text and starts a child JVM from the same jar (or the
 * same class path), staying attached while the child reads, because the block exists only while someone is
 * attached to it.
 */
final class Demo {
    /** The hidden command the child runs. */
    static final String CHILD_COMMAND = "demo-child";
    static final String DEFAULT_TEXT = "This is a test string";

    private final PrintStream out;
    private final PrintStream err;

    Demo(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = Commands.parse(args, Set.of("--name", "--text"), Set.of());
        String name = o.name();
        o.noPositional();
        String text = o.value("--text") == null ? DEFAULT_TEXT : o.value("--text");
        if (text.indexOf('\0') >= 0) {
            throw new UsageException("--text must not contain NUL");
        }
        out.println("Process is writing to shared memory...");
        try (SharedString block = SharedString.open(name)) {
            int stored = block.set(text);
            if (stored < text.length()) {
                err.println("warning: text truncated to " + stored + " of " + text.length() + " UTF-16 units");
            }
            out.flush();
            Process child = new ProcessBuilder(childCommand(name)).inheritIO().start();
            int status = waitFor(child);
            if (status != 0) {
                throw new IOException("the child process exited with status " + status);
            }
        }
        return Main.OK;
    }

    /** The child: attach, read, print, detach. */
    int child(List<String> args) throws UsageException, IOException {
        Options o = Options.parse(args, Set.of("--name"), Set.of());
        String name = o.name();
        try (SharedString block = SharedString.open(name)) {
            if (block.created()) {
                throw new IOException("no process was attached to " + name + " when the child attached");
            }
            out.println("Child process read from shared memory: " + block.get());
        }
        return Main.OK;
    }

    private static int waitFor(Process child) throws IOException {
        try {
            return child.waitFor();
        } catch (InterruptedException e) {
            child.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the child process", e);
        }
    }

    /**
     * The same program in a new JVM: {@code java -jar} when this class was loaded from a jar (whose manifest
     * enables native access), else the same module path or class path with native access enabled.
     */
    static List<String> childCommand(String name) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaLauncher().toString());
        Path codeSource = Host.codeSource();
        Module module = Demo.class.getModule();
        if (module.isNamed()) {
            cmd.add("--enable-native-access=" + module.getName());
            cmd.add("--module-path");
            cmd.add(System.getProperty("jdk.module.path"));
            cmd.add("--module");
            cmd.add(module.getName() + "/" + Main.class.getName());
        } else if (codeSource != null && Files.isRegularFile(codeSource)) {
            cmd.add("-jar");
            cmd.add(codeSource.toString());
        } else {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
        }
        cmd.add(CHILD_COMMAND);
        cmd.add("--name");
        cmd.add(name);
        return cmd;
    }

    private static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name").startsWith("Windows") ? "java.exe" : "java");
    }
}
