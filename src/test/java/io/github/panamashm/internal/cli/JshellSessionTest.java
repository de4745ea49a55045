package io.github.panamashm.internal.cli;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.TestNames;
import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the README's jshell session, {@code jshell/session-two-windows.jsh}, in two jshell processes started
 * with the README's command line: each {@code // window X} part goes to that window's standard input, and
 * every {@code // ==> value} comment must be what jshell answers. A part that waits ({@code awaitChange}) is
 * left waiting while the next part runs in the other window, and its answers are read after that. The only
 * change to the text is the block name, unique per run instead of {@code dllmemfilemap}.
 */
class JshellSessionTest {
    private static final Path SESSION = Path.of("jshell", "session-two-windows.jsh");
    private static final Path STARTUP = Path.of("jshell", "panama-shm.jsh");
    private static final Pattern WINDOW = Pattern.compile("^// window ([AB])\\b.*");
    private static final Pattern EXPECT = Pattern.compile("//\\s*==>\\s*(.*)$");

    record Part(String window, List<String> lines) {
        /** @return whether jshell stays in this part until the other window acts */
        boolean waits() {
            return lines.stream().anyMatch(l -> l.contains(".awaitChange("));
        }
    }

    /** The README's command line: {@code jshell --class-path ... -R--enable-native-access=ALL-UNNAMED ...}. */
    private static List<String> jshellCommand() throws URISyntaxException {
        Path classes = Path.of(SharedString.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jshell = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name").startsWith("Windows") ? "jshell.exe" : "jshell");
        return List.of(jshell.toString(), "--class-path", classes.toString(),
                "-R--enable-native-access=ALL-UNNAMED", "--startup", "DEFAULT", "--startup", STARTUP.toString());
    }

    static List<Part> parts(String session) {
        List<Part> parts = new ArrayList<>();
        for (String line : session.lines().toList()) {
            Matcher m = WINDOW.matcher(line);
            if (m.matches()) {
                parts.add(new Part(m.group(1), new ArrayList<>()));
            }
            assertFalse(parts.isEmpty(), "the session starts with a // window line");
            parts.getLast().lines().add(line);
        }
        return parts;
    }

    @Test
    void theReadmeSessionSharesAStringBetweenTwoJshellWindows() throws Exception {
        String name = TestNames.unique("jshell");
        String session = Files.readString(SESSION, StandardCharsets.UTF_8);
        assertEquals(2, session.split("SharedString\\.open\\(\\)", -1).length - 1, "the session opens twice");
        session = session.replace("SharedString.open()", "SharedString.open(\"" + name + "\")");
        List<Part> parts = parts(session);
        assertEquals(List.of("A", "B", "B", "A", "B", "A"), parts.stream().map(Part::window).toList());
        assertEquals(List.of(false, false, true, false, false, false), parts.stream().map(Part::waits).toList());

        try (ChildJvm a = ChildJvm.start(jshellCommand()); ChildJvm b = ChildJvm.start(jshellCommand())) {
            // The -R flag reaches the JVM that runs the snippets: without it this prints false.
            a.send("System.out.println(\"native access: \" + SharedString.class.getModule().isNativeAccessEnabled())");
            assertTrue(linesUntilSync(a, 0).stream().anyMatch(l -> l.endsWith("native access: true")),
                    a::transcript);
            int sync = 1;
            Part waiting = null;
            int waitingSync = 0;
            for (Part part : parts) {
                ChildJvm window = part.window().equals("A") ? a : b;
                part.lines().forEach(window::send);
                requestSync(window, sync);
                if (part.waits()) {
                    waiting = part; // its answers come once the next part, in the other window, has run
                    waitingSync = sync++;
                    continue;
                }
                assertAnswers(part, readUntilSync(window, sync++), window);
                if (waiting != null) {
                    ChildJvm w = waiting.window().equals("A") ? a : b;
                    assertAnswers(waiting, readUntilSync(w, waitingSync), w);
                    waiting = null;
                }
                if (part.lines().contains("b.close()")) {
                    b.send("/exit");
                    assertEquals(0, b.waitFor(), b::transcript);
                    TestNames.assertExists(name); // window B has gone; window A still holds the block
                }
            }
            Backends.assertGone(name); // the session's last a.close() freed it, before jshell exits
            a.send("/exit");
            assertEquals(0, a.waitFor(), a::transcript);
        }
        Backends.assertGone(name);
    }

    /** Every {@code // ==> value} of the part, in order, is a jshell answer {@code ... ==> value}. */
    private static void assertAnswers(Part part, List<String> output, ChildJvm window) {
        int from = 0;
        for (String line : part.lines()) {
            Matcher m = EXPECT.matcher(line);
            if (!m.find()) {
                continue;
            }
            String answer = "==> " + m.group(1).strip();
            int at = -1;
            for (int i = from; i < output.size(); i++) {
                if (output.get(i).endsWith(answer)) {
                    at = i;
                    break;
                }
            }
            assertTrue(at >= 0, "window " + part.window() + " did not answer " + answer + " to " + line + "; "
                    + window.transcript());
            from = at + 1;
        }
        for (String line : output) {
            assertFalse(line.contains("|  Error") || line.contains("|  Exception"), line + "; " + window.transcript());
        }
    }

    /** Asks jshell to print a marker once the snippets sent before have run. */
    private static void requestSync(ChildJvm jshell, int n) {
        // Built at run time, so jshell echoing the input never looks like the marker.
        jshell.send("System.out.println(\"@@\" + \"sync-" + n + "\")");
    }

    /** @return what jshell printed up to the marker {@link #requestSync} asked for: the part's snippets have run */
    private static List<String> readUntilSync(ChildJvm jshell, int n) {
        String marker = "@@sync-" + n;
        List<String> lines = new ArrayList<>();
        for (String line; !(line = jshell.readLine()).endsWith(marker); ) {
            lines.add(line);
        }
        return lines;
    }

    /** Asks jshell to print a marker and returns what it printed up to it. */
    private static List<String> linesUntilSync(ChildJvm jshell, int n) {
        requestSync(jshell, n);
        return readUntilSync(jshell, n);
    }

    @Test
    void theStartupScriptImportsThePublicApi() throws IOException {
        String startup = Files.readString(STARTUP, StandardCharsets.UTF_8);
        assertTrue(startup.contains("import io.github.panamashm.*;"), startup);
    }
}
