package io.github.panamashm.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Starts a child JVM running a main class of the test, for multi-process tests, in the shape of the JDK's own
 * {@code ProcessTools}/{@code OutputAnalyzer}: the parent's {@code java}, its classes,
 * {@code --enable-native-access=ALL-UNNAMED} and UTF-8 standard streams. The test synchronises on the lines
 * the child prints and on what it writes to the child's stdin, never on sleeps; the timeouts are only a
 * bound on a hung child.
 *
 * <p>The child runs on the class path, whether the parent runs on the class path or the module path: its
 * class path is the parent's class path, then the parent's module path ({@code jdk.module.path}), then the
 * directory or jar the main class came from (Surefire patches test classes into the module under test,
 * where neither path shows them). On the class path every module is unnamed, so
 * {@code ALL-UNNAMED} is the native access the child needs.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start(Holder.class, "my-block")) {
 *     assertEquals("ready", child.readLine());   // the child attached
 *     ...                                        // the parent works while the child holds the block
 *     child.closeStdin();                        // tells Holder to detach and exit
 *     assertEquals(0, child.waitFor(), child::transcript);
 * }
 * }</pre>
 *
 * <p>It uses nothing but {@code java.base}, so it brings no dependency into the artifact.
 */
public final class ChildJvm implements AutoCloseable {
    /** How long any single wait may last before the test fails; a bound, not a synchronisation. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String EOF = new String("<eof>");

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final StringBuffer stdoutSeen = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread stderrPump;
    private final Thread stdoutPump;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdoutPump = Thread.ofPlatform().daemon().start(() -> pump(
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true));
        this.stderrPump = Thread.ofPlatform().daemon().start(() -> pump(
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false));
    }

    private void pump(BufferedReader in, boolean out) {
        try (in) {
            for (String line; (line = in.readLine()) != null; ) {
                if (out) {
                    stdoutSeen.append(line).append('\n');
                    stdout.add(line);
                } else {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the child went away; what was read is kept
        } finally {
            if (out) {
                stdout.add(EOF);
            }
        }
    }

    /** {@return the {@code java} launcher of the running JVM} */
    public static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name").startsWith("Windows") ? "java.exe" : "java");
    }

    /**
     * The command line for {@code mainClass} with {@code args}, on the class path described above.
     *
     * @param mainClass the class whose {@code main} the child runs
     * @param args      its arguments
     * @return the command, {@code java} first
     */
    public static List<String> command(Class<?> mainClass, String... args) {
        return command(List.of(), mainClass, args);
    }

    /**
     * The same, with extra JVM options such as {@code -Dkey=value} before the main class.
     *
     * @param jvmOptions options for the child JVM
     * @param mainClass  the class whose {@code main} the child runs
     * @param args       its arguments
     * @return the command, {@code java} first
     */
    public static List<String> command(List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaLauncher().toString());
        cmd.addAll(jvmOptions);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1"); // children are short-lived: start fast
        cmd.add("-Dstdout.encoding=UTF-8");
        cmd.add("-Dstderr.encoding=UTF-8");
        cmd.add("-cp");
        cmd.add(classPath(mainClass));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The child's class path: the parent's class path, its module path, and where {@code mainClass} came from,
     * each entry once.
     */
    static String classPath(Class<?> mainClass) {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : new String[] {"java.class.path", "jdk.module.path"}) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    entries.add(entry);
                }
            }
        }
        CodeSource source = mainClass.getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            try {
                entries.add(Path.of(source.getLocation().toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a file (a jrt: class, say): it is on the child's path already or cannot be
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM.
     *
     * @param mainClass the class whose {@code main} the child runs
     * @param args      its arguments
     * @return the running child; close it (try-with-resources) so that it never outlives the test
     */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        return start(command(mainClass, args));
    }

    /**
     * Starts {@code mainClass} in a new JVM given extra {@code jvmOptions}, e.g. {@code -Dkey=value}.
     *
     * @param jvmOptions options for the child JVM
     * @param mainClass  the class whose {@code main} the child runs
     * @param args       its arguments
     * @return the running child
     */
    public static ChildJvm startWith(List<String> jvmOptions, Class<?> mainClass, String... args) {
        return start(command(jvmOptions, mainClass, args));
    }

    /**
     * Starts any command, for example {@code java -jar} or a native peer, with the same stream handling.
     *
     * @param command the program and its arguments
     * @return the running process
     * @throws UncheckedIOException when it cannot be started
     */
    public static ChildJvm start(List<String> command) {
        try {
            return new ChildJvm(new ProcessBuilder(command).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for the child's next line of standard output, at most {@link #TIMEOUT}.
     *
     * @return the line, without its line terminator
     * @throws AssertionError when the child ends first or prints nothing for {@link #TIMEOUT}
     */
    public String readLine() {
        String line;
        try {
            line = stdout.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (line == null) {
            throw new AssertionError("child printed no line within " + TIMEOUT + "; " + transcript());
        }
        if (line == EOF) {
            stdout.add(EOF);
            throw new AssertionError("child closed its output; " + transcript());
        }
        return line;
    }

    /**
     * Writes {@code line} and a newline to the child's standard input.
     *
     * @param line the line, without its newline
     * @throws UncheckedIOException when the child's standard input is closed
     */
    public void send(String line) {
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("child's stdin is closed; " + transcript(), e);
        }
    }

    /** Closes the child's standard input: its end-of-file is the usual "you may go" signal. */
    public void closeStdin() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /**
     * Waits for the child to end, then for its output to be read to the end.
     *
     * @return its exit code
     * @throws AssertionError when it does not end within {@link #TIMEOUT}; it is then killed
     */
    public int waitFor() {
        try {
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child did not end within " + TIMEOUT + "; " + transcript());
            }
            stdoutPump.join(TIMEOUT.toMillis());
            stderrPump.join(TIMEOUT.toMillis());
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the child with SIGKILL (TerminateProcess on Windows) and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** {@return every line of standard output seen so far, each ending in a newline} */
    public String stdout() {
        return stdoutSeen.toString();
    }

    /** {@return the standard error seen so far} */
    public String stderr() {
        return stderr.toString();
    }

    /** {@return the child's process} */
    public Process process() {
        return process;
    }

    /** {@return what the child printed, for failure messages} */
    public String transcript() {
        return "stdout:\n" + stdoutSeen + "stderr:\n" + stderr;
    }

    /** Kills the child if it is still running. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
