package io.github.panamashm;

import io.github.panamashm.internal.TextLayout;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a set costs in system calls, seen by {@code strace} on a child JVM that sets in a loop: none when nobody
 * waits (no {@code FUTEX_WAKE} on the block's word, no liveness test), one {@code FUTEX_WAKE} per set while the
 * waiter count says someone waits. Skipped, saying so, where strace is missing or may not trace (.ci/run
 * installs it).
 */
@EnabledOnOs(OS.LINUX)
class SetSystemCallsTest {
    private static final int SETS = 20_000;

    @TempDir
    Path dir;

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs the child's set loop under strace; returns the futex word's address, then the trace's lines. */
    private List<String> traceSets(String name) throws Exception {
        Path trace = dir.resolve("trace-" + name);
        List<String> command = new ArrayList<>(List.of("strace", "-f", "--seccomp-bpf", "-e", "trace=futex,fcntl",
                "-o", trace.toString()));
        command.addAll(ChildJvm.command(Child.class, "set-loop", name, Integer.toString(SETS)));
        String word;
        try (ChildJvm child = ChildJvm.start(command)) {
            String line;
            try {
                line = child.readLine();
            } catch (AssertionError e) {
                line = "";
            }
            assumeTrue(line.startsWith("word 0x"), "strace could not trace the child here; skipped: " + child.transcript());
            word = line.substring(5);
            child.send("go");
            assertEquals("done", child.readLine());
            child.closeStdin();
            assertEquals(0, child.waitFor(), child.transcript());
        }
        List<String> lines = Files.readAllLines(trace);
        lines.add(0, word);
        return lines;
    }

    private static long count(List<String> trace, String what) {
        return trace.stream().skip(1).filter(l -> l.contains(what)).count();
    }

    @Test
    @DisplayName("a set that nobody waits for makes no system call; with the waiter count up, each set makes one FUTEX_WAKE")
    void aSetNobodyWaitsForMakesNoSystemCall() throws Exception {
        assumeTrue(onPath("strace"), "strace not found: install it (.ci/run does) to count set's system calls; skipped");
        String name = TestNames.unique("sync-syscalls");
        try (SharedString holder = SharedString.open(name)) {
            List<String> quiet = traceSets(name);
            String futex = "futex(" + quiet.get(0) + ",";
            assertEquals(0, count(quiet, futex), "FUTEX_WAKE calls on the word in " + SETS + " sets");
            assertEquals(0, count(quiet, "F_OFD_GETLK"), "liveness tests in uncontended sets");
            assertTrue(count(quiet, "F_OFD_SETLK") > 0, "the trace holds the attach's fcntl calls");

            // As if a waiter had been killed while waiting: the count stays up, and every set wakes.
            MemorySegment block = holder.memory().segment();
            TextLayout.WAITERS.getAndAdd(block, 0L, 1);
            List<String> woken = traceSets(name);
            assertEquals(SETS, count(woken, "futex(" + woken.get(0) + ", FUTEX_WAKE"));
            TextLayout.WAITERS.getAndAdd(block, 0L, -1);
        }
        TestNames.assertNothingLeft(name);
    }
}
