package io.github.panamashm.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Starts a child JVM running a main class from the parent's class path, for multi-process tests, in the
 * shape of the JDK's own {@code ProcessTools}/{@code OutputAnalyzer}: same {@code java}, same class path,
 * {@code --enable-native-access=ALL-UNNAMED}, UTF-8 standard streams. The test synchronises on the lines
 * the child prints and on what it writes to the child's stdin, never on sleeps; the timeouts are only a
 * bound on a hung child.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start(Holder.class, "my-block")) {
 *     assertEquals("ready", child.readLine());   // the child attached
 *     ...                                        // the parent works while the child holds the block
 *     child.closeStdin();                        // tells Holder to detach and exit
 *     assertEquals(0, child.waitFor());
 * }
 * }</pre>
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

    /** @return the {@code java} launcher of the running JVM */
    public static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name").startsWith("Windows") ? "java.exe" : "java");
    }

    /** The command line for {@code mainClass} with {@code args}, on the parent's class path. */
    public static List<String> command(Class<?> mainClass, String... args) {
        return command(List.of(), mainClass, args);
    }

    /** The same, with extra JVM options such as {@code -Dkey=value} before the main class. */
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
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts {@code mainClass} with {@code args} in a new JVM. */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        return start(command(mainClass, args));
    }

    /** Starts {@code mainClass} in a new JVM given extra {@code jvmOptions}, e.g. {@code -Dkey=value}. */
    public static ChildJvm startWith(List<String> jvmOptions, Class<?> mainClass, String... args) {
        return start(command(jvmOptions, mainClass, args));
    }

    /** Starts any command, for example {@code java -jar} or a native peer, with the same stream handling. */
    public static ChildJvm start(List<String> command) {
        try {
            return new ChildJvm(new ProcessBuilder(command).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the child's next line of standard output
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

    /** Writes {@code line} and a newline to the child's standard input. */
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

    /** @return every line of standard output seen so far, each ending in a newline */
    public String stdout() {
        return stdoutSeen.toString();
    }

    /** @return the standard error seen so far */
    public String stderr() {
        return stderr.toString();
    }

    /** @return the child's process */
    public Process process() {
        return process;
    }

    /** @return what the child printed, for failure messages */
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
