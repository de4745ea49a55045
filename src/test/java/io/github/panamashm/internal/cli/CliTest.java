package io.github.panamashm.internal.cli;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.TestNames;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The command line tool in child JVMs on the test class path, for what needs real processes and streams:
 * blocks shared between the tool and other processes, signals, a killed holder, standard output that cannot
 * be written, the locale. {@link MainTest} checks in this JVM what the tool decides by itself; {@link JarIT}
 * runs the jar after {@code package}.
 */
class CliTest {

    record Result(int status, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.isEmpty() ? List.of() : stderr.lines().toList();
        }
    }

    private static String name(String tag) {
        return TestNames.unique("cli2-" + tag);
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
        String name = name("cli");
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
        String name = name("cli");
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
    void getPrintsWhatSetStoredWhileAnotherProcessHoldsTheBlock() throws IOException {
        String name = name("cli");
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
    void outputAndSetDashAreUtf8WhateverTheJvmsStdoutEncoding() throws IOException {
        String name = name("cli");
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
        String name = name("cli");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name, "kept alive")) {
            assertEquals("holding " + name + " (created=true, stored 10 UTF-16 units); end of input or"
                    + " SIGINT/SIGTERM releases it", hold.readLine());
            TestNames.assertExists(name);

            Result get = cli("get", "--name", name);
            assertEquals("kept alive\n", get.stdout(), get::toString);
            Result set = cli("set", "--name", name, "changed");
            assertEquals("", set.stderr(), "no note: hold is attached");
            assertEquals("changed\n", cli("get", "--name", name).stdout());

            assertReleasesAtTheEndOfInput(hold, name);
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void holdDetachesWhenItGetsSigterm() throws Exception {
        String name = name("cli");
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

    /**
     * Process.destroy() sends SIGTERM and closes the child's standard streams: two releases racing. When the
     * end of input wins, hold releases, cannot write "released" to the closed output and exits with 1, as it
     * should; when the signal wins, 143.
     */
    @RepeatedTest(3)
    void holdLeavesNothingWhenSigtermAndTheEndOfInputComeTogether() {
        String name = name("cli");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name)) {
            assertTrue(hold.readLine().startsWith("holding " + name + " (created=true)"), hold::transcript);
            hold.process().destroy();
            int status = hold.waitFor();
            assertTrue(status == 0 || status == Main.FAILED || status == 143, "exit status " + status + "; "
                    + hold.transcript());
            assertEquals("", hold.stderr());
        }
        Backends.assertGone(name);
    }

    /** Ends hold's input: it says it released the block and exits with 0, with nothing on stderr. */
    private static void assertReleasesAtTheEndOfInput(ChildJvm hold, String name) {
        hold.closeStdin();
        assertEquals("released " + name, hold.readLine());
        assertEquals(0, hold.waitFor(), hold::transcript);
        assertEquals("", hold.stderr());
    }

    private static void signal(String signal, ChildJvm child) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.process().pid())).start();
        assertEquals(0, kill.waitFor());
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void holdUntilSignalIgnoresTheEndOfInputAndDetachesOnSigint() throws Exception {
        String name = name("cli");
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

    // ---- watch and get --wait: waiting for another process's set -----------------------------------------

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("watch prints the current text, then each text another process sets, in order, escaped on one line;"
            + " a burst is coalesced but ends on the last text; SIGTERM ends it with 143")
    void watchShowsEachChangeOfAnotherProcessInOrderAndEndsOnTheLast() throws Exception {
        String name = TestNames.unique("cliw-watch");
        try (SharedString holder = SharedString.open(name);
             ChildJvm watch = ChildJvm.start(Main.class, "watch", "--numbered", name)) {
            assertEquals("0 ", watch.readLine(), "the current text first: watch has attached");
            holder.set("one");
            assertEquals("1 one", watch.readLine());
            holder.set("two\nlines\r\\ and a backslash");
            assertEquals("2 two\\nlines\\r\\\\ and a backslash", watch.readLine());

            int burst = 500;
            for (int i = 1; i <= burst; i++) {
                holder.set("burst " + i);
            }
            long last = 2;
            while (last < 2 + burst) {
                String line = watch.readLine();
                long version = Long.parseLong(line.substring(0, line.indexOf(' ')));
                assertTrue(version > last, "versions only grow, each shown once: " + line + " after " + last);
                assertEquals(version + " burst " + (version - 2), line, "each text with its own version");
                last = version;
            }
            signal("TERM", watch);
            assertEquals(143, watch.waitFor(), watch::transcript);
            assertEquals("", watch.stderr());
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("watch --count N stops with 0 after N changes set by another process")
    void watchCountStopsAfterNChanges() throws IOException {
        String name = TestNames.unique("cliw-count");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("first\nline");
            try (ChildJvm watch = ChildJvm.start(Main.class, "watch", "--count=2", "--name", name)) {
                assertEquals("first\\nline", watch.readLine());
                holder.set("second");
                assertEquals("second", watch.readLine());
                holder.set("third");
                assertEquals(0, watch.waitFor(), watch::transcript);
                assertEquals("first\\nline\nsecond\nthird\n", watch.stdout());
                assertEquals("", watch.stderr());
            }
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("get --wait prints the text another process sets after get attached, and exits with 0")
    void getWaitReturnsOnAnotherProcessesSet() throws Exception {
        String name = TestNames.unique("cliw-get");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("before");
            try (ChildJvm get = ChildJvm.start(Main.class, "get", "--wait=PT60S", "--name", name)) {
                if (OS.LINUX.isCurrentOs()) {
                    awaitMapped(get, name);
                }
                assertFalse(get.process().waitFor(500, TimeUnit.MILLISECONDS), "no set yet, so get still waits; "
                        + get.transcript());
                // get prints nothing until the change: set until it has read the version and seen a set after it.
                int i = 0;
                do {
                    holder.set("after " + ++i);
                } while (!get.process().waitFor(100, TimeUnit.MILLISECONDS) && i < 600);
                assertEquals(0, get.waitFor(), get::transcript);
                String out = get.stdout();
                assertTrue(out.matches("after \\d+\n"), "a text set after get attached, never \"before\": " + out);
                assertEquals("", get.stderr());
            }
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("get --until TEXT returns once another process sets TEXT, whether before or after get attached")
    void getUntilReturnsOnTheAwaitedText() throws IOException {
        String name = TestNames.unique("cliw-until");
        try (SharedString holder = SharedString.open(name)) {
            try (ChildJvm get = ChildJvm.start(Main.class, "get", "--until", "ready", "--wait=60", "--name", name)) {
                holder.set("starting");
                holder.set("ready");
                holder.set("ready"); // a later set of the same text: the one before may have been replaced unseen
                assertEquals(0, get.waitFor(), get::transcript);
                assertEquals("ready\n", get.stdout());
                assertEquals("", get.stderr());
            }
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("get --wait=TIMEOUT with no set exits with 1 and one line saying it timed out")
    void getWaitTimesOut() throws IOException {
        String name = TestNames.unique("cliw-timeout");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("unchanged");
            Result r = cli("get", "--wait=0.3", "--name", name);
            assertEquals(new Result(1, "", "panama-shm get: timed out: " + name + " did not change within 0.3 seconds"
                    + " (PT0.3S)\n"), r);
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("get --wait without TIMEOUT waits until SIGINT, then exits with 130, says nothing and detaches")
    void getWaitExitsWith130OnSigint() throws Exception {
        String name = TestNames.unique("cliw-sigint");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("unchanged");
            try (ChildJvm get = ChildJvm.start(Main.class, "get", "--wait", "--name", name)) {
                awaitMapped(get, name);
                signal("INT", get);
                assertEquals(130, get.waitFor(), get::transcript);
                assertEquals("", get.stdout());
                assertEquals("", get.stderr(), "the exit hook closing the block under the wait is no failure");
            }
            assertEquals("unchanged", holder.get());
        }
        Backends.assertGone(name);
    }

    /** Waits until {@code child} has mapped the block: get --wait prints nothing before it returns. */
    private static void awaitMapped(ChildJvm child, String name) throws Exception {
        Path maps = Path.of("/proc", Long.toString(child.process().pid()), "maps");
        long deadline = System.nanoTime() + ChildJvm.TIMEOUT.toNanos();
        while (!Files.readString(maps).contains("/dev/shm/" + name)) {
            assertTrue(child.process().isAlive(), child::transcript);
            assertTrue(System.nanoTime() < deadline, "the child did not map " + name + "; " + child.transcript());
            Thread.sleep(20);
        }
    }

    // ---- exit status 1: the operation failed --------------------------------------------------------------

    static Stream<List<String>> commandsThatAttachATextBlock() {
        return Stream.of(List.of("set", "x"), List.of("hold", "x"), List.of("demo"));
    }

    @ParameterizedTest
    @MethodSource("commandsThatAttachATextBlock")
    void aCommandExitsWithOneAndOneLineWhenTheHeldBlockIsSmallerThanATextBlock(List<String> args)
            throws IOException {
        String name = name("cli");
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
        String name = name("cli");
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
        String name = name("cli");
        Path foreign = Path.of("/dev/shm", name);
        Files.createFile(foreign, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rw-r--r--")); // whatever the umask
        try {
            Result r = cli("info", "--name", name);
            assertEquals(1, r.status(), r::toString);
            assertEquals("", r.stdout());
            assertEquals(List.of("panama-shm info: openExisting(\"/" + name + "\") refused: the object has mode 0644:"
                    + " group or others may open it (panama-shm creates 0600; to share a block across users on"
                    + " purpose, pass --share=group or --share=everyone)"), r.stderrLines());
            assertTrue(Files.exists(foreign), "a refused object is left alone");
        } finally {
            Files.deleteIfExists(foreign);
        }
        Backends.assertGone(name);
    }

    // ---- hold --ready-file -------------------------------------------------------------------------------

    @Test
    @DisplayName("hold --ready-file creates the file with its process id once attached, and deletes it on release")
    void holdCreatesTheReadyFileOnceAttachedAndDeletesItOnRelease() throws Exception {
        String name = name("ready");
        Path dir = Files.createTempDirectory("cli2-ready");
        Path ready = dir.resolve("held.pid");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name, "--ready-file", ready.toString())) {
            assertTrue(hold.readLine().startsWith("holding " + name), hold::transcript);
            // The line comes first, the file right after it: wait for the file through the directory's events.
            awaitFile(dir, ready);
            assertEquals(hold.process().pid() + "\n", Files.readString(ready));
            TestNames.assertExists(name);
            assertReleasesAtTheEndOfInput(hold, name);
            assertFalse(Files.exists(ready), "deleted on release");
            try (var left = Files.list(dir)) {
                assertEquals(List.of(), left.toList(), "no temporary file left either");
            }
        } finally {
            Files.deleteIfExists(ready);
            Files.delete(dir);
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("hold --until-signal --ready-file deletes the file when SIGTERM ends it")
    void holdDeletesTheReadyFileOnSigterm() throws Exception {
        String name = name("ready-term");
        Path dir = Files.createTempDirectory("cli2-ready");
        Path ready = dir.resolve("held.pid");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name, "--until-signal", "--ready-file",
                ready.toString())) {
            hold.readLine();
            awaitFile(dir, ready);
            signal("TERM", hold);
            assertEquals(143, hold.waitFor(), hold::transcript);
            assertFalse(Files.exists(ready));
        } finally {
            Files.deleteIfExists(ready);
            Files.delete(dir);
        }
        Backends.assertGone(name);
    }

    /** Waits until {@code file} exists in {@code dir}, on the directory's events: no sleep, no poll. */
    static void awaitFile(Path dir, Path file) throws IOException, InterruptedException {
        try (WatchService watch = dir.getFileSystem().newWatchService()) {
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            while (!Files.exists(file)) { // checked after registering: a file made before is seen here
                WatchKey key = watch.poll(ChildJvm.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertTrue(key != null, file + " did not appear within " + ChildJvm.TIMEOUT);
                key.pollEvents();
                key.reset();
            }
        }
    }

    // ---- list and rm across processes --------------------------------------------------------------------

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("a holder killed with -9 leaves a stale block: list shows it stale, rm removes it")
    void listShowsWhatAKilledHolderLeftAndRmRemovesIt() {
        String name = name("killed");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name)) {
            assertTrue(hold.readLine().startsWith("holding " + name), hold::transcript);
            assertTrue(listed(name).startsWith("live "), listed(name));
            hold.kill();
        }
        assertTrue(listed(name).startsWith("stale "), listed(name));
        Result get = cli("get", "--name", name);
        assertEquals(1, get.status(), "a stale block is no block to get from");
        Result rm = cli("rm", name);
        assertEquals(new Result(0, "removed " + name + " (stale: no process was attached)\n", ""), rm);
        Backends.assertGone(name);
    }

    /** @return the row list prints for {@code name}, or "" when it prints none */
    private static String listed(String name) {
        Result r = cli("list");
        assertEquals(0, r.status(), r::toString);
        return r.stdout().lines().filter(l -> l.endsWith(" " + name)).findFirst().orElse("");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("rm refuses a block another process holds; rm --force removes its name, and that process still"
            + " detaches cleanly")
    void rmRefusesABlockAnotherProcessHolds() {
        String name = name("held");
        try (ChildJvm hold = ChildJvm.start(Main.class, "hold", "--name", name, "kept")) {
            assertTrue(hold.readLine().startsWith("holding " + name), hold::transcript);
            Result refused = cli("rm", name);
            assertEquals(1, refused.status(), refused::toString);
            assertEquals(List.of("panama-shm rm: rm(\"/" + name + "\") refused: it is live: a process is attached to"
                    + " it (rm --force removes the name anyway)"), refused.stderrLines());
            assertEquals("kept\n", cli("get", "--name", name).stdout(), "untouched");

            Result forced = cli("rm", "--force", name);
            assertEquals(0, forced.status(), forced::toString);
            assertFalse(TestNames.exists(name));
            assertReleasesAtTheEndOfInput(hold, name);
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("list opens every object read-only: no O_RDWR, O_WRONLY, O_CREAT or O_TRUNC (seen by strace)")
    void listOpensObjectsReadOnly() throws Exception {
        Assumptions.assumeTrue(onPath("strace"), "strace is not installed: skipped");
        String name = name("strace");
        Path log = Files.createTempFile("cli2-strace", ".log");
        try (SharedMemory live = SharedMemory.openOrCreate(name, 4096)) {
            List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-e", "trace=open,openat", "-o", log.toString()));
            cmd.addAll(ChildJvm.command(Main.class, "list"));
            try (ChildJvm list = ChildJvm.start(cmd)) {
                list.closeStdin();
                int status = list.waitFor();
                Assumptions.assumeFalse(list.stderr().contains("PTRACE") || list.stderr().contains("ptrace"),
                        "strace cannot trace here: " + list.stderr());
                assertEquals(0, status, list::transcript);
                assertTrue(list.stdout().contains(" " + name + "\n"), list::transcript);
            }
            List<String> opens = Files.readAllLines(log).stream().filter(l -> l.contains("/" + name + "\"")).toList();
            assertFalse(opens.isEmpty(), "list opened " + name);
            for (String open : opens) {
                assertTrue(open.contains("O_RDONLY"), open);
                for (String flag : List.of("O_RDWR", "O_WRONLY", "O_CREAT", "O_TRUNC")) {
                    assertFalse(open.contains(flag), open);
                }
            }
        } finally {
            Files.deleteIfExists(log);
        }
        Backends.assertGone(name);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    // ---- standard output that cannot be written ----------------------------------------------------------

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("get > /dev/full exits with 1 and says on standard error that it could not write")
    void getToAFullDiskExitsWithOne() throws Exception {
        String name = name("full");
        try (SharedString holder = SharedString.open(name)) {
            holder.set("lost");
            Process get = new ProcessBuilder(ChildJvm.command(Main.class, "get", "--name", name))
                    .redirectOutput(new java.io.File("/dev/full")).start();
            get.getOutputStream().close();
            String stderr = new String(get.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(get.waitFor(ChildJvm.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(1, get.exitValue(), stderr);
            assertEquals("panama-shm get: cannot write to standard output: No space left on device\n", stderr);
        }
        Backends.assertGone(name);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "the message is Linux's EPIPE text")
    @DisplayName("a closed pipe on standard output makes the command exit with 1, after it has done its work")
    void aClosedPipeExitsWithOne() throws Exception {
        String name = name("pipe");
        Path stderr = Files.createTempFile("cli2-pipe", ".err");
        // Not ChildJvm: its reader thread, blocked in read(), would keep the pipe open past close().
        Process hold = new ProcessBuilder(ChildJvm.command(Main.class, "hold", "--name", name))
                .redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(hold.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("holding " + name), first);
            out.close(); // whoever read the output has gone
            hold.getOutputStream().close(); // hold releases, then "released" meets the closed pipe
            assertTrue(hold.waitFor(ChildJvm.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            String err = Files.readString(stderr);
            assertEquals(1, hold.exitValue(), err);
            assertEquals("panama-shm hold: cannot write to standard output: Broken pipe\n", err);
        } finally {
            hold.destroyForcibly();
            Files.delete(stderr);
        }
        Backends.assertGone(name);
    }

    // ---- the locale --------------------------------------------------------------------------------------

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("in the C locale a non-ASCII argument gets a warning, and its text on standard input is exact")
    void inTheCLocaleANonAsciiArgumentIsWarnedAbout() throws IOException {
        String name = name("locale");
        try (SharedString holder = SharedString.open(name)) {
            List<String> cmd = new ArrayList<>(List.of("env", "LC_ALL=C", "LANG=C"));
            cmd.addAll(ChildJvm.command(Main.class, "set", "--name", name, "grüße"));
            try (ChildJvm set = ChildJvm.start(cmd)) {
                set.closeStdin();
                assertEquals(0, set.waitFor(), set::transcript);
                assertTrue(set.stderr().startsWith("panama-shm: warning: argument \"gr"), set::transcript);
                assertTrue(set.stderr().contains("cannot decode; each became U+FFFD. Use a UTF-8 locale, or give a"
                        + " text on standard input (set -)"), set::transcript);
            }
            assertTrue(holder.get().contains("\uFFFD"), "what the JVM decoded is what was stored");

            cmd = new ArrayList<>(List.of("env", "LC_ALL=C", "LANG=C"));
            cmd.addAll(ChildJvm.command(Main.class, "set", "--name", name, "-"));
            try (ChildJvm set = ChildJvm.start(cmd)) {
                set.send("grüße");
                set.closeStdin();
                assertEquals(0, set.waitFor(), set::transcript);
                assertEquals("", set.stderr());
            }
            assertEquals("grüße", holder.get());
        }
        Backends.assertGone(name);
    }
}
