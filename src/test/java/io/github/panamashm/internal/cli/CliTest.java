package io.github.panamashm.internal.cli;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.TestNames;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every command and exit status of the CLI, each run as a child JVM on the test class path (the jar itself
 * is tested by {@link JarIT} after {@code package}).
 */
class CliTest {
    private static final String USAGE_PREFIX = "Usage: java -jar panama-shm.jar";

    record Result(int status, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.isEmpty() ? List.of() : stderr.lines().toList();
        }
    }

    /** Runs the CLI to the end with {@code stdin} as its whole standard input. */
    private static Result cliWithInput(String stdin, String... args) {
        try (ChildJvm child = ChildJvm.start(Main.class, args)) {
            if (stdin != null) {
                child.send(stdin);
            }
            child.closeStdin();
            int status = child.waitFor();
            return new Result(status, child.stdout(), child.stderr());
        }
    }

    private static Result cli(String... args) {
        return cliWithInput(null, args);
    }

    // ---- demo -------------------------------------------------------------------------------------------

    @Test
    void demoChildReadsTheExampleStringWhileTheParentHoldsTheBlock() {
        String name = TestNames.unique("cli");
        Result r = cli("demo", "--name", name);
        assertEquals(0, r.status(), r::toString);
        assertEquals("""
                Process is writing to shared memory...
                Child process read from shared memory: This is a test string
                """, r.stdout());
        assertEquals("", r.stderr());
        Backends.assertGone(name);
    }

    @Test
    void demoSharesTheTextGivenWithDashDashText() {
        String name = TestNames.unique("cli");
        Result r = cli("demo", "--name=" + name, "--text", "another text");
        assertEquals(0, r.status(), r::toString);
        assertEquals("""
                Process is writing to shared memory...
                Child process read from shared memory: another text
                """, r.stdout());
        Backends.assertGone(name);
    }

    // ---- set and get --------------------------------------------------------------------------------------

    @Test
    void setWithNoOtherProcessAttachedSaysTheTextIsFreedAsItExits() {
        String name = TestNames.unique("cli");
        Result r = cli("set", "--name", name, "hello");
        assertEquals(0, r.status(), r::toString);
        assertEquals("stored 5 UTF-16 units in " + name + "\n", r.stdout());
        assertEquals(1, r.stderrLines().size(), r::toString);
        assertTrue(r.stderr().startsWith("note: no other process is attached"), r::toString);
        Backends.assertGone(name);
    }

    @Test
    void getWithNoOtherProcessAttachedSeesAFreshEmptyBlock() {
        String name = TestNames.unique("cli");
        Result r = cli("get", "--name", name);
        assertEquals(0, r.status(), r::toString);
        assertEquals("\n", r.stdout());
        assertTrue(r.stderr().startsWith("note: no process was attached"), r::toString);
        Backends.assertGone(name);
    }

    @Test
    void getPrintsWhatSetStoredWhileAnotherProcessHoldsTheBlock() throws IOException {
        String name = TestNames.unique("cli");
        try (SharedString holder = SharedString.open(name)) {
            Result set = cli("set", "--name", name, "--", "-dash and spaces-");
            assertEquals(0, set.status(), set::toString);
            assertEquals("stored 17 UTF-16 units in " + name + "\n", set.stdout());
            assertEquals("", set.stderr(), "no note or warning when the text stays and fits");
            assertEquals("-dash and spaces-", holder.get());

            Result get = cli("get", "--name", name);
            assertEquals(0, get.status(), get::toString);
            assertEquals("-dash and spaces-\n", get.stdout());
            assertEquals("", get.stderr());
        }
        Backends.assertGone(name);
    }

    @Test
    void getWithCchPrintsAtMostCchMinusOneUnits() throws IOException {
        String name = TestNames.unique("cli");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("abcdef");
            Result r = cli("get", "--name", name, "--cch", "4");
            assertEquals(0, r.status(), r::toString);
            assertEquals("abc\n", r.stdout());
        }
        Backends.assertGone(name);
    }

    @Test
    void setStoresAtMost2047UnitsAndWarnsOnStderrWhenItTruncates() throws IOException {
        String name = TestNames.unique("cli");
        String text = "x".repeat(2100);
        try (SharedString holder = SharedString.open(name)) {
            Result r = cli("set", "--name", name, text);
            assertEquals(0, r.status(), r::toString);
            assertEquals("stored 2047 UTF-16 units in " + name + "\n", r.stdout());
            assertEquals(List.of("warning: text truncated to 2047 of 2100 UTF-16 units (the block holds at most"
                    + " 2047)"), r.stderrLines());
            assertEquals("x".repeat(2047), holder.get());
        }
        Backends.assertGone(name);
    }

    @Test
    void outputAndSetDashAreUtf8WhateverTheJvmsStdoutEncoding() throws IOException {
        String name = TestNames.unique("cli");
        String text = "grüße, 世界 😀";
        try (SharedString holder = SharedString.open(name)) {
            Result set = runWithAsciiStdout(text, "set", "--name", name, "-");
            assertEquals(0, set.status(), set::toString);
            assertEquals(text, holder.get(), "set - decodes standard input as UTF-8");

            Result get = runWithAsciiStdout(null, "get", "--name", name);
            assertEquals(0, get.status(), get::toString);
            assertEquals(text + "\n", get.stdout(), "ChildJvm decodes the child's stdout as UTF-8");
        }
        Backends.assertGone(name);
    }

    /** The CLI in a JVM whose own System.out would turn every non-ASCII character into '?'. */
    private static Result runWithAsciiStdout(String stdin, String... args) {
        List<String> cmd = new ArrayList<>(ChildJvm.command(Main.class, args));
        assertTrue(cmd.remove("-Dstdout.encoding=UTF-8"));
        cmd.add(1, "-Dstdout.encoding=US-ASCII");
        try (ChildJvm child = ChildJvm.start(cmd)) {
            if (stdin != null) {
                child.send(stdin);
            }
            child.closeStdin();
            int status = child.waitFor();
            return new Result(status, child.stdout(), child.stderr());
        }
    }

    // ---- hold --------------------------------------------------------------------------------------------

    @Test
    void holdKeepsTheBlockAliveUntilItsStandardInputEnds() {
        String name = TestNames.unique("cli");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name, "kept alive")) {
            assertEquals("holding " + name + " (created=true, stored 10 UTF-16 units); end of input or"
                    + " SIGINT/SIGTERM releases it", hold.readLine());
            TestNames.assertExists(name);

            Result get = cli("get", "--name", name);
            assertEquals("kept alive\n", get.stdout(), get::toString);
            Result set = cli("set", "--name", name, "changed");
            assertEquals("", set.stderr(), "no note: hold is attached");
            assertEquals("changed\n", cli("get", "--name", name).stdout());

            hold.closeStdin();
            assertEquals("released " + name, hold.readLine());
            assertEquals(0, hold.waitFor(), hold::transcript);
            assertEquals("", hold.stderr());
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void holdDetachesWhenItGetsSigterm() throws Exception {
        String name = TestNames.unique("cli");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name)) {
            assertTrue(hold.readLine().startsWith("holding " + name + " (created=true)"), hold::transcript);
            TestNames.assertExists(name);
            signal("TERM", hold);
            assertEquals(143, hold.waitFor(), hold::transcript);
            assertEquals("", hold.stderr());
            assertFalse(hold.stdout().contains("released"), "released is printed only after the end of input");
        }
        Backends.assertGone(name);
    }

    /** Process.destroy() sends SIGTERM and closes the child's standard input: two releases racing. */
    @RepeatedTest(3)
    void holdLeavesNothingWhenSigtermAndTheEndOfInputComeTogether() {
        String name = TestNames.unique("cli");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name)) {
            assertTrue(hold.readLine().startsWith("holding " + name + " (created=true)"), hold::transcript);
            hold.process().destroy();
            int status = hold.waitFor();
            assertTrue(status == 0 || status == 143, "exit status " + status + "; " + hold.transcript());
            assertEquals("", hold.stderr());
        }
        Backends.assertGone(name);
    }

    private static void signal(String signal, ChildJvm child) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.process().pid())).start();
        assertEquals(0, kill.waitFor());
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void holdUntilSignalIgnoresTheEndOfInputAndDetachesOnSigint() throws Exception {
        String name = TestNames.unique("cli");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name, "--until-signal", "still here")) {
            assertEquals("holding " + name + " (created=true, stored 10 UTF-16 units); SIGINT/SIGTERM releases it",
                    hold.readLine());
            hold.closeStdin();
            // A get after the end of input still finds the text: hold did not release on EOF.
            assertEquals("still here\n", cli("get", "--name", name).stdout());
            signal("INT", hold);
            assertEquals(130, hold.waitFor(), hold::transcript);
            assertFalse(hold.stdout().contains("released"), "released is printed only after the end of input");
        }
        Backends.assertGone(name);
    }

    // ---- info --------------------------------------------------------------------------------------------

    @Test
    void infoPrintsNameSizeCreatedAndLocation() {
        String name = TestNames.unique("cli");
        Result r = cli("info", "--name", name);
        assertEquals(0, r.status(), r::toString);
        assertEquals("name: " + name + "\n"
                + "size: 4096 bytes\n"
                + "created: true\n"
                + "location: " + expectedLocation(name) + "\n", r.stdout());
        assertEquals("", r.stderr());
        Backends.assertGone(name);
    }

    @Test
    void infoReportsTheSizeOfABlockAnotherProcessHoldsAndThatItDidNotCreateIt() throws IOException {
        String name = TestNames.unique("cli");
        try (SharedMemory holder = SharedMemory.openOrCreate(name, 100)) {
            Result r = cli("info", "--name", name);
            assertEquals(0, r.status(), r::toString);
            assertTrue(r.stdout().contains("size: 100 bytes\ncreated: false\n"), r::toString);
        }
        Backends.assertGone(name);
    }

    private static String expectedLocation(String name) {
        return System.getProperty("os.name").startsWith("Windows") ? name : "/dev/shm/" + name;
    }

    // ---- exit status 1: the operation failed --------------------------------------------------------------

    static Stream<List<String>> commandsThatAttachATextBlock() {
        return Stream.of(List.of("get"), List.of("set", "x"), List.of("hold", "x"), List.of("demo"));
    }

    @ParameterizedTest
    @MethodSource("commandsThatAttachATextBlock")
    void aCommandExitsWithOneAndOneLineWhenTheHeldBlockIsSmallerThanATextBlock(List<String> args)
            throws IOException {
        String name = TestNames.unique("cli");
        String command = args.get(0);
        List<String> withName = new ArrayList<>(args);
        withName.add(1, "--name=" + name);
        try (SharedMemory holder = SharedMemory.openOrCreate(name, 100)) {
            Result r = cli(withName.toArray(String[]::new));
            assertEquals(1, r.status(), r::toString);
            assertFalse(r.stdout().contains("holding") || r.stdout().contains("stored"), r::toString);
            assertEquals(List.of("panama-shm " + command + ": openOrCreate(\"/" + name + "\") refused: the block"
                    + " has 100 bytes, fewer than the " + SharedString.OBJECT_SIZE + " asked for (or exactly the example's "
                    + SharedString.BYTE_SIZE + ")"), r.stderrLines());
        }
        Backends.assertGone(name);
    }

    @Test
    void theDemoChildFailsWithOneWhenNoParentHoldsTheBlock() {
        String name = TestNames.unique("cli");
        Result r = cli(Demo.CHILD_COMMAND, "--name", name);
        assertEquals(1, r.status(), r::toString);
        assertEquals("", r.stdout());
        assertEquals(List.of("panama-shm demo-child: no process was attached to " + name
                + " when the child attached"), r.stderrLines());
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void infoExitsWithOneAndOneLineWhenTheOsObjectIsNotOneOfOurs() throws IOException {
        String name = TestNames.unique("cli");
        Path foreign = Path.of("/dev/shm", name);
        Files.createFile(foreign, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rw-r--r--")); // whatever the umask
        try {
            Result r = cli("info", "--name", name);
            assertEquals(1, r.status(), r::toString);
            assertEquals("", r.stdout());
            assertEquals(List.of("panama-shm info: openExisting(\"/" + name + "\") refused: the object has mode 0644:"
                    + " group or others may open it (panama-shm creates 0600; to share a block across users on"
                    + " purpose, pass a SharedMemory.Option)"), r.stderrLines());
            assertTrue(Files.exists(foreign), "a refused object is left alone");
        } finally {
            Files.deleteIfExists(foreign);
        }
        Backends.assertGone(name);
    }

    // ---- exit status 2: usage ----------------------------------------------------------------------------

    static Stream<List<String>> usageErrors() {
        return Stream.of(
                List.of(),
                List.of("frobnicate"),
                List.of("get", "--bogus"),
                List.of("set"),
                List.of("set", "two", "words"),
                List.of("get", "--name", "a/b"),
                List.of("get", "--cch", "0"),
                List.of("info", "--name"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    void aWrongCommandLineExitsWithTwoAndPrintsTheReasonThenTheUsage(List<String> args) {
        String name = TestNames.unique("cli");
        List<String> withName = new ArrayList<>(args);
        if (!args.contains("--name") && args.size() > 0) {
            withName.add(1, "--name=" + name); // so that a wrongly accepted command touches only its own block
        }
        Result r = cli(withName.toArray(String[]::new));
        assertEquals(2, r.status(), r::toString);
        assertEquals("", r.stdout());
        List<String> lines = r.stderrLines();
        assertTrue(lines.get(0).startsWith("panama-shm"), r::toString);
        assertEquals("", lines.get(1));
        assertTrue(lines.get(2).startsWith(USAGE_PREFIX), r::toString);
        Backends.assertGone(name);
    }

    @Test
    void aBadNameIsAUsageErrorNamingTheRuleItBreaks() {
        Result r = cli("info", "--name", "a/b");
        assertEquals(2, r.status(), r::toString);
        assertEquals("panama-shm info: shared memory name \"a/b\" must not contain '/'", r.stderrLines().get(0));
        assertTrue(r.stderr().contains(USAGE_PREFIX + " info"), r::toString);
    }

    // ---- help --------------------------------------------------------------------------------------------

    @Test
    void helpPrintsTheUsageOnStdoutAndExitsWithZero() {
        Result r = cli("--help");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.stdout().startsWith(USAGE_PREFIX + " COMMAND"), r::toString);
        for (String command : List.of("demo", "set TEXT", "get [--cch N]", "hold [TEXT]", "info")) {
            assertTrue(r.stdout().contains("\n  " + command), command);
        }
        assertEquals("", r.stderr());
    }

    @ParameterizedTest
    @MethodSource("commands")
    void eachCommandsHelpPrintsItsOwnUsageAndTouchesNoBlock(String command) {
        String name = TestNames.unique("cli");
        Result r = cli(command, "--name", name, "--help");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.stdout().startsWith(USAGE_PREFIX + " " + command + " [--name NAME]"), r::toString);
        assertEquals("", r.stderr());
        Backends.assertGone(name);
    }

    static Stream<String> commands() {
        return Stream.of("demo", "set", "get", "hold", "info");
    }
}
