package io.github.panamashm.internal.cli;

import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;
import io.github.panamashm.internal.Os;
import io.github.panamashm.internal.Platform;
import io.github.panamashm.internal.TextLayout;
import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line tool run in this JVM through {@code Main.run}, with a {@link Host} for each OS: every rule
 * it decides itself (arguments, texts, exit status, output failures). {@link CliTest} runs it in child JVMs.
 */
class MainTest {
    private static final Host LINUX = new Host(Os.LINUX, "prog", "UTF-8");
    private static final Host WINDOWS = new Host(Os.WINDOWS, "prog", "Cp1252");

    record Result(int status, String out, String err) {
    }

    private static Result run(Host host, OutputStream stdout, String stdin, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(List.of(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                stdout, err, host);
        return new Result(status, stdout.toString(), err.toString(StandardCharsets.UTF_8));
    }

    private static Result run(Host host, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public String toString() {
                return toString(StandardCharsets.UTF_8);
            }
        };
        return run(host, out, "", args);
    }

    private static Result run(String... args) {
        return run(LINUX, args);
    }

    /** A block name of this test's own; the test touches blocks, so it is skipped, visibly, without a backend. */
    private static String name(String tag) {
        Backends.assumeSupported();
        return TestNames.unique("cli2-" + tag);
    }

    // ---- usage errors: one line and a hint ---------------------------------------------------------------

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(List.of("get", "--bogus"), "unknown option --bogus"),
                Arguments.of(List.of("set"), "missing TEXT"),
                Arguments.of(List.of("set", "two", "words"), "expected one TEXT, got 2 arguments (quote a text that"
                        + " contains spaces)"),
                Arguments.of(List.of("set", "a\0b"), "TEXT must not contain NUL (at index 1)"),
                Arguments.of(List.of("set", "\0b"), "TEXT must not contain NUL (at index 0)"),
                Arguments.of(List.of("get", "--name", ""), "shared memory name \"\" must not be empty"),
                Arguments.of(List.of("get", "--cch", "0"), "--cch must be at least 1 (room for the NUL), was 0"),
                Arguments.of(List.of("get", "--cch", "x"), "--cch must be a whole number, was \"x\""),
                Arguments.of(List.of("get", "--share=world"), "--share must be group or everyone, was \"world\""),
                Arguments.of(List.of("get", "--create=yes"), "option --create takes no value"),
                Arguments.of(List.of("get", "stray"), "unexpected argument \"stray\""),
                Arguments.of(List.of("info", "stray"), "unexpected argument \"stray\""),
                Arguments.of(List.of("info", "--name"), "option --name needs a value"),
                Arguments.of(List.of("info", "--name", "a", "--name", "b"), "option --name given twice"),
                Arguments.of(List.of("rm"), "missing NAME"),
                Arguments.of(List.of("rm", ""), "shared memory name \"\" must not be empty"),
                Arguments.of(List.of("list", "x"), "unexpected argument \"x\""),
                Arguments.of(List.of("hold", "a\0"), "TEXT must not contain NUL (at index 1)"),
                Arguments.of(List.of("demo", "--text"), "option --text needs a value"),
                Arguments.of(List.of("demo", "--text", "\0b"), "--text must not contain NUL"),
                Arguments.of(List.of("demo", "stray"), "unexpected argument \"stray\""),
                Arguments.of(List.of("get", "--wait=soon"), "--wait TIMEOUT must be seconds (5, 0.5) or an ISO-8601"
                        + " duration (PT5S, PT1M), was \"soon\""),
                Arguments.of(List.of("get", "--wait="), "--wait TIMEOUT must be seconds (5, 0.5) or an ISO-8601"
                        + " duration (PT5S, PT1M), was \"\""),
                Arguments.of(List.of("get", "--wait=PT"), "--wait TIMEOUT must be seconds (5, 0.5) or an ISO-8601"
                        + " duration (PT5S, PT1M), was \"PT\""),
                Arguments.of(List.of("get", "--wait=-1"), "--wait TIMEOUT must not be negative, was \"-1\""),
                Arguments.of(List.of("get", "--wait=-0.000000001"), "--wait TIMEOUT must not be negative, was"
                        + " \"-0.000000001\""),
                Arguments.of(List.of("get", "--wait=-PT1S"), "--wait TIMEOUT must not be negative, was \"-PT1S\""),
                Arguments.of(List.of("get", "--wait", "--wait=1"), "option --wait given twice"),
                Arguments.of(List.of("get", "--wait", "5"), "unexpected argument \"5\""),
                Arguments.of(List.of("get", "--until", "a\0"), "TEXT must not contain NUL (at index 1)"),
                Arguments.of(List.of("get", "--until", "x".repeat(2048)), "--until TEXT has 2048 UTF-16 units, more"
                        + " than the 2047 a block holds: it could never be the text"),
                Arguments.of(List.of("watch", "--count=x"), "--count must be a whole number, was \"x\""),
                Arguments.of(List.of("watch", "--count=-1"), "--count must not be negative, was -1"),
                Arguments.of(List.of("watch", "--null=yes"), "option --null takes no value"),
                Arguments.of(List.of("watch", "a", "b"), "expected one NAME, got 2 arguments (quote a text that"
                        + " contains spaces)"),
                Arguments.of(List.of("watch", "--name", "a", "b"), "the block's name is given twice: as an argument"
                        + " and with --name"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    @DisplayName("a usage error exits with 2, printing one line that names the rule and one line of hint")
    void aUsageErrorIsOneLineAndAHint(List<String> args, String reason) {
        String name = name("usage");
        List<String> withName = new ArrayList<>(args);
        if (!args.contains("--name") && !List.of("rm", "list").contains(args.get(0))) {
            withName.add(1, "--name=" + name); // a wrongly accepted command touches only its own block
        }
        Result r = run(withName.toArray(String[]::new));
        assertEquals(new Result(2, "", "panama-shm " + args.get(0) + ": " + reason + "\nTry: prog " + args.get(0)
                + " --help\n"), r);
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("an unknown or missing command exits with 2 and points to the tool's help")
    void anUnknownOrMissingCommandIsAUsageError() {
        assertEquals(new Result(2, "", "panama-shm: unknown command \"frobnicate\"\nTry: prog --help\n"),
                run("frobnicate"));
        assertEquals(new Result(2, "", "panama-shm: missing command\nTry: prog --help\n"), run());
    }

    // ---- help, per OS ------------------------------------------------------------------------------------

    static Stream<String> commands() {
        return Stream.of("set", "get", "watch", "hold", "info", "list", "rm", "demo");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "help"})
    @DisplayName("--help prints the tool's usage on standard output, naming every command, and exits with 0")
    void helpPrintsTheUsage(String help) {
        Result r = run(help);
        assertEquals(0, r.status());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("Usage: prog COMMAND [OPTIONS]\n"), r.out());
        commands().forEach(c -> assertTrue(r.out().contains("\n  " + c + " "), c));
    }

    @ParameterizedTest
    @MethodSource("commands")
    @DisplayName("each command's --help prints its own usage and touches no block")
    void eachCommandsHelpPrintsItsOwnUsage(String command) {
        String name = name("help");
        Result r = List.of("list", "rm").contains(command) ? run(command, "--help")
                : run(command, "--help", "--name=" + name);
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().startsWith("Usage: prog " + command + (command.equals("list") ? "\n" : " [")), r.out());
        assertEquals("", r.err());
        Backends.assertGone(name);
    }

    /** Every text the tool prints for help on one OS: the tool's and each command's. */
    private static List<String> helpTexts(Host host) {
        List<String> texts = new ArrayList<>();
        texts.add(run(host, "--help").out());
        commands().forEach(c -> texts.add(run(host, c, "--help").out()));
        return texts;
    }

    @Test
    @DisplayName("the Windows help gives no POSIX advice: no &, kill, Ctrl+D, signals, /dev/shm or file modes")
    void theWindowsHelpGivesNoPosixAdvice() {
        for (String text : helpTexts(WINDOWS)) {
            for (String posix : List.of("&", "kill", "Ctrl+D", "SIGINT", "SIGTERM", "a signal", "/dev/shm", "coproc",
                    "terminal", "bash", "mode 06")) {
                assertFalse(text.contains(posix), "\"" + posix + "\" in\n" + text);
            }
        }
        String main = run(WINDOWS, "--help").out();
        assertTrue(main.contains("Ctrl+Z then Enter (the end of input) or Ctrl+C in hold's window ends hold"), main);
        assertTrue(main.contains("Hold it in another\nconsole window"), main);
        assertTrue(main.contains("list, rm           not available on Windows"), main);
        assertTrue(main.contains("  --name NAME        the block's name (default dllmemfilemap): the file mapping NAME\n"
                + "  --share=everyone   share the block with other users on purpose"), main);
        String hold = run(WINDOWS, "hold", "--help").out();
        assertTrue(hold.startsWith("Usage: prog hold [--name NAME] [--share=everyone] "), hold);
        assertTrue(hold.contains("  start /b prog hold --until-signal --ready-file held.pid\n"), hold);
        assertTrue(hold.contains("until standard input ends\n(Ctrl+Z then Enter, or the writer of a pipe closing it) or"
                + " Ctrl+C."), hold);
        assertTrue(run(WINDOWS, "list", "--help").out().contains("Not available on Windows"));
        assertTrue(run(WINDOWS, "rm", "--help").out().contains("Not available on Windows"));
    }

    @Test
    @DisplayName("the Windows help never offers --share=group or a WHO to choose: Windows has no group to share with")
    void theWindowsHelpOffersOnlyShareEveryone() {
        for (String text : helpTexts(WINDOWS)) {
            assertFalse(text.contains("--share=group or") || text.contains("group or everyone")
                    || text.contains("--share=WHO"), text);
        }
        for (String text : helpTexts(LINUX)) {
            assertFalse(text.contains("--share=everyone") && !text.contains("--share=WHO"), text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"set", "get", "hold", "info", "watch"})
    @DisplayName("--share=group on Windows is a one-line usage error, before any system call")
    void shareGroupIsAUsageErrorOnWindows(String command) {
        String name = name("share-win");
        List<String> args = new ArrayList<>(List.of(command, "--share=group", "--name", name));
        if (command.equals("set") || command.equals("hold")) {
            args.add("x");
        }
        assertEquals(new Result(2, "", "panama-shm " + command + ": --share=group has no meaning on Windows: a user's"
                + " primary group is not a set of people chosen to share with (it is usually \"None\" or \"Domain"
                + " Users\"); use --share=everyone\nTry: prog " + command + " --help\n"),
                run(WINDOWS, args.toArray(String[]::new)));
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("the Linux help gives the shell's ways: Ctrl+D, signals, a bash coproc, /dev/shm; never Ctrl+Z")
    void theLinuxHelpGivesPosixAdvice() {
        for (String text : helpTexts(LINUX)) {
            assertFalse(text.contains("Ctrl+Z") || text.contains("start /b") || text.contains("Windows"), text);
        }
        String main = run(LINUX, "--help").out();
        assertTrue(main.contains("Ctrl+D (the end of input) or Ctrl+C in hold's terminal ends hold"), main);
        assertTrue(main.contains("  list               list the blocks in /dev/shm"), main);
        assertTrue(main.contains("  --name NAME        the block's name (default dllmemfilemap): /dev/shm/NAME\n"
                + "  --share=WHO        group or everyone"), main);
        String hold = run(LINUX, "hold", "--help").out();
        assertTrue(hold.contains("  coproc prog hold --name my-block\n  read -r line <&\"${COPROC[0]}\"\n"), hold);
        assertTrue(hold.contains("130 for SIGINT, 143 for SIGTERM"), hold);
    }

    @ParameterizedTest
    @EnumSource(value = Os.class, names = {"LINUX", "WINDOWS"})
    @DisplayName("every help line fits in 100 columns")
    void helpLinesFitIn100Columns(Os os) {
        for (String text : helpTexts(new Host(os, "prog", "UTF-8"))) {
            text.lines().forEach(line -> assertTrue(line.length() <= 100, line));
        }
    }

    @Test
    @DisplayName("--version prints the project version, the Java version and the OS on one line")
    void versionPrintsOneLine() {
        Result r = run("--version");
        assertEquals(0, r.status());
        assertTrue(r.out().matches("panama-shm \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? " + Pattern.quote("(Java " + Runtime.version()
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")") + "\n"), r.out());
    }

    // ---- get and info attach only, unless --create ---------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"get", "info"})
    @DisplayName("get and info fail with 1 and \"no such block\" when no process holds it, and create nothing")
    void getAndInfoAttachOnly(String command) {
        String name = name(command + "-none");
        Result r = run(command, "--name", name);
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("panama-shm " + command + ": no such block \"" + name + "\": "), r.err());
        if (OS.LINUX.isCurrentOs()) {
            assertEquals("panama-shm " + command + ": no such block \"" + name + "\": shm_open(\"/" + name + "\")"
                    + " failed: ENOENT (No such file or directory)\n", r.err());
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("get of a stale object says no such block and leaves the object as it was")
    void getOfAStaleObjectLeavesIt() throws IOException {
        String name = name("get-stale");
        Path file = TestNames.shmFile(name);
        Files.write(file, new byte[] {'h', 0, 'i', 0});
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try {
            Result r = run("get", "--name", name);
            assertEquals(1, r.status());
            assertTrue(r.err().startsWith("panama-shm get: no such block \"" + name + "\": /" + name + " exists but"
                    + " no process is attached to it"), r.err());
            assertEquals(4, Files.size(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    @DisplayName("get --create makes an empty block, says so, and it is freed as get exits")
    void getCreateMakesAnEmptyBlock() {
        String name = name("get-create");
        Result r = run("get", "--create", "--name", name);
        assertEquals(new Result(0, "\n", "note: no process was attached to " + name + ", so get created it empty; it"
                + " is freed as get exits unless another process attaches\n"), r);
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("get and get --create print the text of a block a process holds, with no note")
    void getPrintsTheTextOfAHeldBlock() throws IOException {
        String name = name("get-held");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("grüße 😀");
            assertEquals(new Result(0, "grüße 😀\n", ""), run("get", "--name", name));
            assertEquals(new Result(0, "grüße 😀\n", ""), run("get", "--create", "--name", name));
            assertEquals(new Result(0, "grü\n", ""), run("get", "--cch", "4", "--name", name));
            assertEquals(new Result(0, "\n", ""), run("get", "--cch", "1", "--name", name), "room for the NUL only");
            assertEquals(new Result(0, "grüße \n", ""), run("get", "--cch=8", "--name", name), "never half a pair");
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "Windows rounds a mapping's size up to whole pages")
    @DisplayName("get refuses a held block smaller than a text block, with exit status 1")
    void getRefusesABlockSmallerThanATextBlock() throws IOException {
        String name = name("get-small");
        try (SharedMemory holder = SharedMemory.openOrCreate(name, 100)) {
            assertEquals(new Result(1, "", "panama-shm get: openExisting(\"/" + name + "\") refused: the block has 100"
                    + " bytes, fewer than the 8256 asked for (or exactly the example's 4096)\n"), run("get", "--name", name));
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "the control area is made on Linux only so far")
    @DisplayName("get reads the text the last whole set stored, never the half-written copy a set in progress is writing")
    void getNeverReadsAHalfWrittenText() throws IOException {
        String name = name("get-latched");
        try (SharedString held = SharedString.open(name)) {
            held.set("the whole text");
            MemorySegment block = held.memory().segment();
            long seq = (long) TextLayout.SEQ.get(block, 0L);
            TextLayout.SEQ.set(block, 0L, seq + 1);              // a writer is inside set, and has written
            block.setString(TextLayout.COPY0, "the whole tex!!!!", StandardCharsets.UTF_16LE); // half of copy 0
            assertEquals(new Result(0, "the whole text\n", ""), run("get", "--name", name));
            TextLayout.SEQ.set(block, 0L, seq);
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "Windows rounds a mapping's size up to whole pages")
    @DisplayName("info prints a held block's real size; info --create makes a text block when none is held")
    void infoDescribesAHeldBlockAndCreatesOnlyWithCreate() throws IOException {
        String name = name("info");
        String location = Platform.backend().location(name);
        try (SharedMemory holder = SharedMemory.openOrCreate(name, 100)) {
            assertEquals(new Result(0, "name: " + name + "\nsize: 100 bytes\ncreated: false\nlocation: " + location
                    + "\n", ""), run("info", "--name", name));
            assertEquals(0, run("info", "--create", "--name", name).status());
        }
        Backends.assertGone(name);
        assertEquals(new Result(0, "name: " + name + "\nsize: 4096 bytes\ncreated: true\nlocation: " + location + "\n",
                ""), run("info", "--create", "--name", name));
        Backends.assertGone(name);
    }

    // ---- demo --------------------------------------------------------------------------------------------

    @Test
    @DisplayName("demo stores the text, runs a child JVM that reads it, and leaves nothing")
    void demoRunsAChildThatReadsTheText() {
        String name = name("demo");
        Result r = run("demo", "--name", name, "--text", "from the test"); // the child prints to this JVM's stdout
        assertEquals(new Result(0, "Process is writing to shared memory...\n", ""), r);
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("the demo's child fails with 1 when no parent holds the block, and creates nothing that stays")
    void theDemoChildNeedsItsParent() {
        String name = name("demo-child");
        assertEquals(new Result(1, "", "panama-shm demo-child: no process was attached to " + name + " when the child"
                + " attached\n"), run(Demo.CHILD_COMMAND, "--name", name));
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("the demo's child is this JVM's java, with native access, on the same class path, running Main")
    void theDemosChildCommandIsThisProgram() throws IOException {
        List<String> cmd = Demo.childCommand("x");
        assertEquals(List.of(ChildJvm.javaLauncher().toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "demo-child", "--name", "x"), cmd);
    }

    // ---- set ---------------------------------------------------------------------------------------------

    @Test
    @DisplayName("set with no other process attached says what may happen: freed unless one attaches first")
    void setWithNoOtherProcessSaysWhatMayHappen() {
        String name = name("set-alone");
        Result r = run("set", "--name", name, "hello");
        assertEquals(new Result(0, "stored 5 UTF-16 units in " + name + "\n", "note: no other process was attached"
                + " to " + name + " when set attached: unless one attaches before set exits, the text is freed as set"
                + " exits (keep the block alive with hold)\n"), r);
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("set stores the argument, or standard input without its final line break for \"-\"")
    void setStoresTheArgumentOrStandardInput() throws IOException {
        String name = name("set");
        try (SharedString holder = SharedString.open(name)) {
            assertEquals(new Result(0, "stored 3 UTF-16 units in " + name + "\n", ""),
                    run(LINUX, new ByteArrayOutputStream(), "", "set", "--name", name, "--", "-x-"));
            assertEquals("-x-", holder.get());
            assertEquals(0, run(LINUX, new ByteArrayOutputStream(), "line 1\nline 2\r\n", "set", "--name", name, "-")
                    .status());
            assertEquals("line 1\nline 2", holder.get());
            run(LINUX, new ByteArrayOutputStream(), "unix\n", "set", "--name", name, "-");
            assertEquals("unix", holder.get());
            run(LINUX, new ByteArrayOutputStream(), "as is", "set", "--name", name, "-");
            assertEquals("as is", holder.get());
            Result r = run("set", "--name", name, "y".repeat(2050));
            assertEquals("warning: text truncated to 2047 of 2050 UTF-16 units (the block holds at most 2047)\n",
                    r.err());
        }
        Backends.assertGone(name);
    }

    // ---- get --wait, --until and watch, in this process ----------------------------------------------------

    @Test
    @DisplayName("TIMEOUT is seconds, whole or decimal, rounded up to nanoseconds, or an ISO-8601 duration")
    void timeoutsAreSecondsOrIso8601() throws UsageException {
        assertEquals(java.time.Duration.ofSeconds(5), Commands.parseTimeout("5"));
        assertEquals(java.time.Duration.ofMillis(250), Commands.parseTimeout("0.25"));
        assertEquals(java.time.Duration.ofMillis(1500), Commands.parseTimeout("1.5"));
        assertEquals(java.time.Duration.ofNanos(1), Commands.parseTimeout("0.0000000001"), "never shorter than asked");
        assertEquals(java.time.Duration.ZERO, Commands.parseTimeout("0"));
        assertEquals(java.time.Duration.ofMinutes(1), Commands.parseTimeout("PT1M"));
        assertEquals(java.time.Duration.ofMillis(500), Commands.parseTimeout("pt0.5s"));
        assertEquals(java.time.Duration.ofDays(2), Commands.parseTimeout("P2D"));
        assertTrue(Commands.parseTimeout(null).toDays() > 1_000_000_000L, "no TIMEOUT: forever");
    }

    @Test
    @DisplayName("watch escapes a text to one line: backslash, line feed and carriage return; the rest as it is")
    void watchEscapesATextToOneLine() {
        assertEquals("plain text, ü 😀\ttab", Commands.escape("plain text, ü 😀\ttab"));
        assertEquals("a\\nb\\rc\\\\d\\n", Commands.escape("a\nb\rc\\d\n"));
        assertEquals("\\\\", Commands.escape("\\"));
        assertEquals("", Commands.escape(""));
    }

    @Test
    @DisplayName("watch prints the current text first: escaped, or raw and NUL-ended with --null or -0, numbered"
            + " with --numbered; --count=0 stops there")
    void watchPrintsTheCurrentTextFirst() throws IOException {
        String name = name("watch");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("two\nlines");
            holder.set("two\nlines\\");
            assertEquals(new Result(0, "two\\nlines\\\\\n", ""), run("watch", "--count=0", name));
            assertEquals(new Result(0, "two\nlines\\\0", ""), run("watch", "--count=0", "--null", name));
            assertEquals(new Result(0, "two\nlines\\\0", ""), run("watch", "--count", "0", "-0", "--name", name));
            assertEquals(new Result(0, "2 two\\nlines\\\\\n", ""), run("watch", "--count=0", "--numbered", name));
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("get --until returns at once when the text already is TEXT; --cch applies to what it prints")
    void getUntilReturnsAtOnceWhenTheTextIsAlreadyThere() throws IOException {
        String name = name("until");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("ready 😀");
            assertEquals(new Result(0, "ready 😀\n", ""), run("get", "--until", "ready 😀", "--name", name));
            assertEquals(new Result(0, "ready \n", ""), run("get", "--until=ready 😀", "--cch=8", "--name", name),
                    "never half a pair");
            assertEquals(new Result(0, "re\n", ""), run("get", "--until=ready 😀", "--cch=3", "--name", name));
            assertEquals(new Result(1, "", "panama-shm get: timed out: " + name + " did not change within 0 seconds"
                    + " (PT0S)\n"), run("get", "--until=other", "--wait=0", "--name", name));
            assertEquals(new Result(1, "", "panama-shm get: timed out: " + name + " did not change within 1 second"
                    + " (PT1S)\n"), run("get", "--wait=1", "--name", name));
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("get --wait --create makes an empty block and waits on it; with TIMEOUT 0 it times out at once")
    void getWaitCreate() {
        String name = name("wait-create");
        assertEquals(1, run("get", "--wait=0", "--name", name).status(), "no such block");
        assertEquals(new Result(1, "", "panama-shm get: timed out: " + name + " did not change within 0 seconds"
                + " (PT0S)\n"), run("get", "--wait=0", "--create", "--name", name));
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("--count is a whole number of changes, 0 or more")
    void countIsAWholeNumber() throws UsageException {
        assertEquals(0, Commands.parseCount("0"));
        assertEquals(5, Commands.parseCount("5"));
        assertEquals(Long.MAX_VALUE, Commands.parseCount(Long.toString(Long.MAX_VALUE)));
    }

    @Test
    @DisplayName("get --until accepts a TEXT of the most units a block holds")
    void getUntilAcceptsTheLongestText() throws IOException {
        String name = name("until-long");
        try (SharedString holder = SharedString.open(name)) {
            assertEquals(new Result(1, "", "panama-shm get: timed out: " + name + " did not change within 0 seconds"
                    + " (PT0S)\n"), run("get", "--until", "x".repeat(SharedString.MAX_LENGTH), "--wait=0", "--name",
                    name));
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("watch attaches only: no such block, exit 1; watch --create makes an empty block and shows it")
    void watchAttachesOnlyUnlessCreate() {
        String name = name("watch-none");
        Result r = run("watch", "--count=0", name);
        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().startsWith("panama-shm watch: no such block \"" + name + "\": "), r::toString);
        assertEquals(new Result(0, "\n", ""), run("watch", "--create", "--count=0", name));
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("watch and get --wait refuse, in one line, a block of the example's 4096 bytes: it has no version")
    void theWaitsRefuseAnExampleLayoutBlock() throws IOException {
        String name = name("example");
        try (SharedMemory example = SharedMemory.openOrCreate(name, SharedString.BYTE_SIZE)) {
            String why = " needs a block with a control area to wait on, and " + name + " has exactly the example's"
                    + " 4096 bytes, without one: it was made by a peer that knows only Microsoft's example (get and set"
                    + " work on it)\n";
            assertEquals(new Result(1, "", "panama-shm watch: watch" + why), run("watch", "--count=0", name));
            assertEquals(new Result(1, "", "panama-shm get: get --wait" + why), run("get", "--wait=0", "--name", name));
            assertEquals(new Result(1, "", "panama-shm get: get --wait" + why), run("get", "--until=x", "--name", name));
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("the help names watch and get's --wait and --until")
    void theHelpNamesTheWaits() {
        String main = run("--help").out();
        assertTrue(main.contains("\n  watch [NAME]       print the text, then each new text"), main);
        assertTrue(main.contains("--wait waits for the next text"), main);
        String get = run("get", "--help").out();
        assertTrue(get.contains("\n  --wait[=TIMEOUT]   wait for the next set") && get.contains("\n  --until TEXT "),
                get);
        String watch = run("watch", "--help").out();
        assertTrue(watch.contains("a backslash is printed as \\\\, a line break as \\n"), watch);
        assertTrue(watch.contains("\n  --null, -0 ") && watch.contains("\n  --count N ")
                && watch.contains("\n  --numbered "), watch);
    }

    // ---- --share -----------------------------------------------------------------------------------------

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("--share=group and --share=everyone are the sharing options, and a refusal names the flag")
    void shareMapsToTheSharingOptions() throws IOException {
        String name = name("share");
        try (SharedString holder = SharedString.open(name, SharedMemory.Option.SHARE_WITH_GROUP)) {
            holder.set("shared");
            Result privately = run("get", "--name", name);
            assertEquals(1, privately.status());
            assertTrue(privately.err().endsWith("the object has mode 0660: group or others may open it (panama-shm"
                    + " creates 0600; to share a block across users on purpose, pass --share=group or"
                    + " --share=everyone)\n"), privately.err());
            assertEquals(new Result(0, "shared\n", ""), run("get", "--share=group", "--name", name));
            assertEquals(new Result(0, "shared\n", ""), run("get", "--share", "everyone", "--name", name));
        }
        try (SharedString holder = SharedString.open(name, SharedMemory.Option.SHARE_WITH_EVERYONE)) {
            assertEquals(1, run("get", "--share=group", "--name", name).status(), "0666 grants more than group");
            assertEquals(0, run("get", "--share=everyone", "--name", name).status());
        }
        Backends.assertGone(name);
    }

    // ---- hold --------------------------------------------------------------------------------------------

    @Test
    @DisplayName("hold reads to the end of input, then releases the block and says so")
    void holdReleasesAtTheEndOfInput() {
        String name = name("hold");
        Result r = run(LINUX, new ByteArrayOutputStream(), "typed\n", "hold", "--name", name, "kept");
        assertEquals(0, r.status(), r::toString);
        assertEquals("holding " + name + " (created=true, stored 4 UTF-16 units); end of input or SIGINT/SIGTERM"
                + " releases it\nreleased " + name + "\n", r.out().toString());
        assertEquals("", r.err());
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("hold stores at most 2047 units and warns when it truncates")
    void holdWarnsWhenItTruncates() {
        String name = name("hold-long");
        Result r = run(LINUX, new ByteArrayOutputStream(), "", "hold", "--name", name, "z".repeat(2048));
        assertTrue(r.out().startsWith("holding " + name + " (created=true, stored 2047 UTF-16 units)"), r.out());
        assertEquals("warning: text truncated to 2047 of 2048 UTF-16 units (the block holds at most 2047)\n", r.err());
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("hold --ready-file creates the file with this process's id once attached, and deletes it on release")
    void holdAnnouncesItselfInTheReadyFile() throws Exception {
        String name = name("hold-ready");
        Path dir = Files.createTempDirectory("cli2-ready");
        Path ready = dir.resolve("held.pid");
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread hold = Thread.ofPlatform().start(() -> Main.run(List.of("hold", "--name", name, "--ready-file",
                ready.toString()), stdin, out, err, LINUX));
        try {
            CliTest.awaitFile(dir, ready);
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(ready));
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("holding " + name), "attached before");
            typing.close(); // the end of input
            hold.join();
            assertFalse(Files.exists(ready), "deleted on release");
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(List.of(), left.toList());
            }
        } finally {
            typing.close();
            hold.join();
            Files.deleteIfExists(ready);
            Files.delete(dir);
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("hold says Ctrl+C, not signal names, on Windows")
    void holdNamesCtrlCOnWindows() {
        String name = name("hold-win");
        Result r = run(WINDOWS, new ByteArrayOutputStream(), "", "hold", "--name", name);
        assertTrue(r.out().startsWith("holding " + name + " (created=true); end of input or Ctrl+C releases it\n"),
                r.out());
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("hold refuses a ready file that exists, before attaching")
    void holdRefusesAnExistingReadyFile() throws IOException {
        String name = name("hold-ready");
        Path ready = Files.createTempFile("cli2-ready", ".pid");
        try {
            Result r = run("hold", "--name", name, "--ready-file", ready.toString());
            assertEquals(new Result(1, "", "panama-shm hold: the ready file " + ready + " exists: remove it first (a"
                    + " hold killed with no chance to delete it leaves it)\n"), r);
            Backends.assertGone(name);
        } finally {
            Files.deleteIfExists(ready);
        }
    }

    @Test
    @DisplayName("hold refuses a ready file in a directory that does not exist, before attaching")
    void holdRefusesAReadyFileWithNoDirectory() throws IOException {
        String name = name("hold-nodir");
        Path dir = Files.createTempDirectory("cli2-ready");
        Files.delete(dir);
        Path ready = dir.resolve("held.pid");
        assertEquals(new Result(1, "", "panama-shm hold: cannot create the ready file " + ready + ": " + dir
                + " is no directory\n"), run("hold", "--name", name, "--ready-file", ready.toString()));
        Backends.assertGone(name);
    }

    // ---- list and rm -------------------------------------------------------------------------------------

    @Test
    @DisplayName("list and rm say on Windows why they are not available, and exit with 1")
    void listAndRmAreNotAvailableOnWindows() {
        assertEquals(new Result(1, "", "panama-shm list: not available on Windows: file mappings cannot be listed by"
                + " name, and a mapping vanishes with the last handle to it, so none is ever left behind\n"),
                run(WINDOWS, "list"));
        assertEquals(new Result(1, "", "panama-shm rm: not available on Windows: a file mapping vanishes with the last"
                + " handle to it, so none is ever left behind to remove\n"), run(WINDOWS, "rm", "x"));
        assertEquals(new Result(1, "", "panama-shm list: not available: it looks in Linux's /dev/shm\n"),
                run(new Host(Os.MACOS, "prog", "UTF-8"), "list"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("list prints a header and one row per block: state, size, mode, owner, name")
    void listPrintsARowPerBlock() throws IOException {
        String name = name("list");
        try (SharedMemory holder = SharedMemory.openOrCreate(name, 4096)) {
            Result r = run("list");
            assertEquals(0, r.status(), r::toString);
            List<String> lines = r.out().lines().toList();
            String header = lines.get(0);
            assertTrue(header.matches("STATE {9}SIZE MODE OWNER +NAME"), header);
            String row = lines.stream().filter(l -> l.endsWith(" " + name)).findFirst().orElseThrow();
            assertTrue(row.matches("live {10}4096 0600 " + System.getProperty("user.name") + " +" + name), row);
            assertEquals(header.indexOf("NAME"), row.indexOf(name), "the names line up under NAME");
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("rm removes a stale block and says so; refuses a live one with 1; --force removes it and says what"
            + " that does")
    void rmSaysWhatItRemoved() throws IOException {
        String stale = name("rm-stale");
        Path file = TestNames.shmFile(stale);
        Files.write(file, new byte[4096]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(new Result(0, "removed " + stale + " (stale: no process was attached)\n", ""), run("rm", stale));
        Backends.assertGone(stale);

        String live = name("rm-live");
        try (SharedMemory holder = SharedMemory.openOrCreate(live, 4096)) {
            assertEquals(new Result(1, "", "panama-shm rm: rm(\"/" + live + "\") refused: it is live: a process is"
                    + " attached to it (rm --force removes the name anyway)\n"), run("rm", live));
            assertEquals(new Result(0, "removed " + live + " although processes are attached: they keep their memory"
                    + " until they detach, and the next attach creates a new block " + live + "\n", ""),
                    run("rm", "--force", live));
        }
        Backends.assertGone(live);
    }

    // ---- arguments the locale could not decode -----------------------------------------------------------

    @Test
    @DisplayName("an argument with U+FFFD, what the JVM makes of bytes the locale cannot decode, gets a warning")
    void anUndecodableArgumentIsWarnedAbout() throws IOException {
        String name = name("decode");
        try (SharedString holder = SharedString.open(name)) {
            Result r = run(new Host(Os.LINUX, "prog", "ANSI_X3.4-1968"), "set", "--name", name, "gr\uFFFD\uFFFDe");
            assertEquals(0, r.status());
            assertEquals("panama-shm: warning: argument \"gr\uFFFD\uFFFDe\" has bytes the locale's charset"
                    + " (ANSI_X3.4-1968) cannot decode; each became U+FFFD. Use a UTF-8 locale, or give a text on"
                    + " standard input (set -)\n", r.err());
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("on Windows with a code page, an argument with '?' may have lost a character, and gets a warning")
    void aQuestionMarkOnAWindowsCodePageIsWarnedAbout() {
        assertEquals(List.of("warning: argument \"a?b\" has a '?', which may stand for a character the code page"
                + " (Cp1252) cannot represent; give such a text on standard input (set -)"),
                Options.decodingWarnings(List.of("set", "a?b"), Os.WINDOWS, "Cp1252"));
        assertEquals(List.of(), Options.decodingWarnings(List.of("set", "a?b"), Os.WINDOWS, "UTF-8"));
        assertEquals(List.of(), Options.decodingWarnings(List.of("set", "a?b"), Os.LINUX, "ANSI_X3.4-1968"));
        assertEquals(List.of(), Options.decodingWarnings(List.of("set", "grüße"), Os.WINDOWS, "Cp1252"));
        assertEquals(1, Options.decodingWarnings(List.of("?"), Os.WINDOWS, "Cp1252").size(), "a '?' first too");
        assertEquals(1, Options.decodingWarnings(List.of("\uFFFDx"), Os.LINUX, "UTF-8").size(), "a U+FFFD first too");
    }

    // ---- output that cannot be written -------------------------------------------------------------------

    private static OutputStream failing() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("No space left on device");
            }
        };
    }

    @Test
    @DisplayName("a command whose output cannot be written exits with 1 and says why on standard error")
    void anOutputFailureExitsWithOne() throws IOException {
        String name = name("full");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("lost");
            Result r = run(LINUX, failing(), "", "get", "--name", name);
            assertEquals(1, r.status());
            assertEquals("panama-shm get: cannot write to standard output: No space left on device\n", r.err());
        }
        Result help = run(LINUX, failing(), "", "--help");
        assertEquals(1, help.status());
        assertEquals("panama-shm --help: cannot write to standard output: No space left on device\n", help.err());
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("a failed command keeps its own status when its output fails too")
    void anOutputFailureKeepsAFailedStatus() {
        String name = name("full-none");
        Result r = run(LINUX, failing(), "", "get", "--name", name);
        assertEquals(1, r.status());
        Result usage = run(LINUX, failing(), "", "get", "--bogus");
        assertEquals(2, usage.status());
        assertFalse(usage.err().contains("cannot write"), "a usage error writes nothing to standard output");
    }
}
