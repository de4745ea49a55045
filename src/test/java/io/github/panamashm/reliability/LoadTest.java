package io.github.panamashm.reliability;

import io.github.panamashm.testing.TestNames;
import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.Children;
import io.github.panamashm.testing.Figures;
import io.github.panamashm.testing.Texts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * K processes x T threads on one block for a bounded time ({@link LoadWorker}): attaching and detaching their
 * own handles, setting and getting random texts (ASCII, BMP, surrogate pairs, lone surrogates, up to and past
 * 2047 units). Every set and get stays within the rules and throws nothing; once the writers have stopped and
 * this JVM sets a last text, every process reads exactly that; and after detaching, no process holds a
 * descriptor or a mapping of a /dev/shm object, nor more descriptors than before, and /dev/shm is empty of
 * the name. Sizes: {@code reliability.loadProcesses}, {@code reliability.loadThreads},
 * {@code reliability.loadMillis} (short by default, long under {@code -Preliability}).
 */
@EnabledOnOs(OS.LINUX)
class LoadTest {
    private static final int PROCESSES = Figures.setting("reliability.loadProcesses", 3, 4);
    private static final int THREADS = Figures.setting("reliability.loadThreads", 4, 8);
    private static final int MILLIS = Figures.setting("reliability.loadMillis", 3000, 30000);
    private static final Pattern DONE = Pattern.compile("done ops=(\\d+) attaches=(\\d+) sets=(\\d+)");
    private static final Pattern LEAKS = Pattern.compile("leaks fdShm=(\\d+)->(\\d+) fdAll=(\\d+)->(\\d+) maps=(\\d+)->(\\d+)");

    @Test
    @DisplayName("K processes x T threads attach, detach, set and get within the rules; all read the last text; nothing leaks")
    void loadKeepsTheRulesAndLeaksNothing() throws Exception {
        long seed = Figures.seed();
        System.out.println("[reliability] load: seed " + seed + " (replay with -Dreliability.seed=" + seed + ")");
        String name = TestNames.unique("rel-load");
        List<ChildJvm> children = new ArrayList<>();
        long operations = 0;
        long attaches = 0;
        long sets = 0;
        long leaks = 0;
        long fdDelta = 0;
        try {
            for (int k = 0; k < PROCESSES; k++) {
                children.add(Children.start(LoadWorker.class, name, Long.toString(seed + k), Integer.toString(THREADS),
                        Integer.toString(MILLIS)));
            }
            for (ChildJvm c : children) {
                assertEquals("ready", c.readLine(), c.transcript());
            }
            children.forEach(c -> c.send("go"));
            for (ChildJvm c : children) {
                String line = c.readLine();
                Matcher m = DONE.matcher(line);
                assertTrue(m.matches(), line + "\n" + c.transcript());
                operations += Long.parseLong(m.group(1));
                attaches += Long.parseLong(m.group(2));
                sets += Long.parseLong(m.group(3));
            }
            // Every writer has stopped: the last text written is this one, and everyone must read it.
            Random r = new Random(seed);
            String last = Texts.text(r, Texts.MAX - 1, false, false) + "\uD83D\uDE00"; // a pair across the limit
            String stored = last.substring(0, Texts.MAX - 1);
            try (SharedString mine = SharedString.open(name)) {
                assertFalse(mine.created(), "the workers' holders keep the block");
                assertEquals(Texts.MAX - 1, mine.set(last));
                assertEquals(stored, mine.get());
                children.forEach(c -> c.send("check"));
                for (ChildJvm c : children) {
                    assertEquals("final " + stored.length() + " " + stored.hashCode(), c.readLine(), c.transcript());
                }
                children.forEach(c -> c.send("close"));
                for (ChildJvm c : children) {
                    String line = c.readLine();
                    Matcher m = LEAKS.matcher(line);
                    assertTrue(m.matches(), line);
                    long shmFds = Long.parseLong(m.group(2));
                    long maps = Long.parseLong(m.group(6));
                    long grown = Math.max(0, Long.parseLong(m.group(4)) - Long.parseLong(m.group(3)));
                    leaks += shmFds + maps + grown;
                    fdDelta += grown;
                    assertEquals(0, shmFds, "no descriptor of a /dev/shm object is left open: " + line);
                    assertEquals(0, maps, "no /dev/shm object is left mapped: " + line);
                    assertEquals(0, grown, "no more descriptors than before the load: " + line);
                    assertEquals(0, c.waitFor(), c.transcript());
                    assertFalse(Children.crashed(c.process().pid()));
                }
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
        TestNames.assertNothingLeft(name);
        Figures.report(new Figures.Row("load", PROCESSES, (long) PROCESSES * THREADS, operations + 2L * PROCESSES,
                0, sets, leaks, String.format("seed %d; %d s; %d attach/detach pairs; fd growth %d",
                seed, MILLIS / 1000, attaches, fdDelta)));
    }
}
