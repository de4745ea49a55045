package io.github.panamashm.internal.windows;

import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Wine on this machine, for running panama-shm's Windows code against a real kernel32: the helper
 * {@code src/test/c/win32/win32_call.c} compiled with mingw-w64 into {@code target/wine/}, a Wine prefix in
 * {@code target/wine/prefix} (made on first use, which takes several seconds), and the helper processes
 * started in it ({@link #start()}). One instance serves the whole test run; at its end every helper is ended and
 * the prefix's wineserver is shut down ({@code wineserver -k}), so no Wine process outlives the tests.
 *
 * <p>Use it through {@link Extension}: a test class that needs it gets it as a parameter and is skipped, with the
 * reason printed, where Wine or mingw-w64 is missing. With {@code -Dpanamashm.wine=required} (as
 * {@code .ci/run} runs) a missing Wine fails the tests instead.
 */
public final class Wine implements ExtensionContext.Store.CloseableResource {
    static final Path HOME = Path.of("target", "wine").toAbsolutePath();
    private static final Path SOURCE = Path.of("src", "test", "c", "win32", "win32_call.c");

    /**
     * Wine's TMPDIR for this run, where the wineserver puts its socket and lock (Debian's Wine makes a directory
     * there and records its name in the prefix); removed at the end, so nothing is left in /tmp. Short, unlike a
     * path under target/, because a socket's path must fit in 108 bytes.
     */
    private static final Path TMP = createTmp();
    private final String problem;
    private final Path helper;
    private final List<WineProcess> started = new ArrayList<>();

    private Wine(String problem, Path helper) {
        this.problem = problem;
        this.helper = helper;
    }

    /** Starts a new simulated Windows process; it ends when closed, or at the end of the test run. */
    public synchronized WineProcess start() {
        WineProcess p = new WineProcess(ChildJvm.start(command(helper.toString())));
        started.add(p);
        return p;
    }

    private static Path createTmp() {
        try {
            return Files.createTempDirectory("panama-shm-wine");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return {@code command} run by {@code wine} in this prefix: env, quiet, no display */
    private static List<String> command(String... command) {
        List<String> cmd = new ArrayList<>(List.of("env", "-u", "DISPLAY", "WINEPREFIX=" + HOME.resolve("prefix"),
                "TMPDIR=" + TMP, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml="));
        if (command[0].endsWith(".exe")) {
            cmd.add("wine");
        }
        cmd.addAll(List.of(command));
        return cmd;
    }

    private static Wine setUp() {
        if (!onPath("wine") || !onPath("wineserver")) {
            return new Wine("wine not found on PATH: install Debian's wine64 (.ci/run does) to run the Wine contract"
                    + " suite", null);
        }
        if (!onPath("x86_64-w64-mingw32-gcc")) {
            return new Wine("x86_64-w64-mingw32-gcc not found: install gcc-mingw-w64-x86-64 (.ci/run does) to build"
                    + " the Wine helper", null);
        }
        try {
            Files.createDirectories(HOME.resolve("prefix"));
            Path exe = HOME.resolve("win32_call.exe");
            String out = run(List.of("x86_64-w64-mingw32-gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2",
                    "-o", exe.toString(), SOURCE.toString()));
            if (!Files.isRegularFile(exe)) {
                throw new AssertionError("mingw-w64 could not build the Wine helper:\n" + out);
            }
            Wine wine = new Wine(null, exe);
            try {
                // Makes the prefix on first use and shows that Wine runs. It stays until the end of the run: while
                // one Wine process lives, the wineserver and Wine's services stay up, and each helper starts in a
                // fraction of a second instead of several seconds.
                wine.start().call("kernel32", "GetCurrentProcessId");
            } catch (AssertionError e) {
                wine.close();
                return new Wine("Wine does not start here: " + e.getMessage(), null);
            }
            return wine;
        } catch (IOException e) {
            return new Wine("cannot set up Wine: " + e, null);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return out;
    }

    /** Ends every helper still running, then the prefix's wineserver and the Wine services it started. */
    @Override
    public synchronized void close() throws IOException {
        for (WineProcess p : started) {
            p.kill();
        }
        started.clear();
        run(command("wineserver", "-k"));
        run(command("wineserver", "-w"));
        try (var files = Files.walk(TMP)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /**
     * Gives a test class the run's {@link Wine} as a parameter, setting it up on first use; skips the class, saying
     * why, when Wine cannot run here (fails instead under {@code -Dpanamashm.wine=required}).
     */
    public static final class Extension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
        @Override
        public void beforeAll(ExtensionContext context) {
            Wine wine = shared(context);
            if (wine.problem != null) {
                if ("required".equals(System.getProperty("panamashm.wine"))) {
                    throw new AssertionError("Wine is required (-Dpanamashm.wine=required): " + wine.problem);
                }
                System.err.println("SKIPPED " + context.getDisplayName() + ": " + wine.problem);
            }
        }

        /** Skips each test with the reason, so that the report counts them as skipped. */
        @Override
        public void beforeEach(ExtensionContext context) {
            Wine wine = shared(context);
            assumeTrue(wine.problem == null, () -> wine.problem + "; skipped");
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Wine.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return shared(context);
        }

        private static Wine shared(ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(Wine.class, k -> setUp(), Wine.class);
        }
    }
}
