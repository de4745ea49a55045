package io.github.panamashm.reliability;

import io.github.panamashm.testing.TestNames;
import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.Children;
import io.github.panamashm.testing.Figures;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Processes killed with -9 anywhere in attach, set, get and detach. Each iteration starts {@value #CHURNERS}
 * {@link Churner}s on one fresh name, reads a random number of their progress lines (so the kill lands at a
 * random point of their cycle, including inside the attach and detach protocol) and kills them. In half the
 * iterations this JVM holds the block throughout and reads it in a loop (the survivor); in the others
 * nobody survives. Afterwards:
 * <ul>
 *   <li>every read, by a churner or by the survivor, was consistent ({@link FaultTexts}): exactly one of the
 *       texts stored, never a mix, and never an exception;</li>
 *   <li>the survivor's block is still attached and usable: what it sets it gets back;</li>
 *   <li>once the survivor has detached (or nobody survived), a new attacher sees {@code created() == true}
 *       and an empty text, and when it detaches /dev/shm holds nothing of that name. (Between the kill and
 *       that attach, the protocol allows the abandoned object to stay; the figures count them.)</li>
 * </ul>
 * The seed is printed; {@code -Dreliability.seed=N} replays it. The iteration count is
 * {@code reliability.faultIterations} (short by default, long under {@code -Preliability}).
 */
@EnabledOnOs(OS.LINUX)
class FaultInjectionTest {
    private static final int CHURNERS = 2;
    private static final int ITERATIONS = Figures.setting("reliability.faultIterations", 4, 40);
    private static final int MAX_LINES = 80;

    @Test
    @DisplayName("after processes are killed with -9 at random points, survivors read consistent text and the next attacher creates an empty block")
    void killsAtRandomPointsLeaveNoCorruptionAndNoBlock() throws Exception {
        long seed = Figures.seed();
        System.out.println("[reliability] faults: seed " + seed + " (replay with -Dreliability.seed=" + seed + ")");
        Random random = new Random(seed);
        long processes = 0;
        long kills = 0;
        long operations = 0;
        long survivorReads = 0;
        long staleLeft = 0;
        long[] phases = new long[4]; // last line before the kill: after attach, set, get, close
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            String name = TestNames.unique("rel-fault");
            String where = "seed " + seed + " iteration " + iteration;
            boolean withSurvivor = iteration % 2 == 0;
            SharedString survivor = withSurvivor ? SharedString.open(name) : null;
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> survivorProblem = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            Thread reader = null;
            if (survivor != null) {
                assertTrue(survivor.created(), where);
                survivor.set(FaultTexts.TEXTS.get(1));
                reader = Thread.ofPlatform().start(() -> {
                    try {
                        while (!stop.get()) {
                            String why = FaultTexts.whyCorrupt(survivor.get());
                            reads.incrementAndGet();
                            if (why != null) {
                                survivorProblem.compareAndSet(null, why);
                            }
                        }
                    } catch (RuntimeException e) {
                        survivorProblem.compareAndSet(null, e.toString());
                    }
                });
            }
            List<ChildJvm> children = new ArrayList<>();
            try {
                for (int c = 0; c < CHURNERS; c++) {
                    children.add(Children.start(Churner.class, name, Long.toString(random.nextLong())));
                    processes++;
                }
                for (ChildJvm child : children) {
                    int lines = 1 + random.nextInt(MAX_LINES);
                    String last = null;
                    for (int l = 0; l < lines; l++) {
                        last = child.readLine();
                        assertFalse(last.startsWith("BAD"), () -> where + ": a churner read corrupt text; " + child.transcript());
                        operations++;
                    }
                    child.kill();
                    kills++;
                    assertFalse(Children.crashed(child.process().pid()), where + ": a churner crashed");
                    for (String line : child.stdout().split("\n")) {
                        assertFalse(line.startsWith("BAD"), () -> where + ": " + line);
                    }
                    phases["asgc".indexOf(last.charAt(0))]++;
                }
            } finally {
                children.forEach(ChildJvm::close);
                stop.set(true);
                if (reader != null) {
                    reader.join(ChildJvm.TIMEOUT.toMillis());
                }
            }
            if (survivor != null) {
                survivorReads += reads.get();
                assertNull(survivorProblem.get(), where + ": the survivor read corrupt text");
                String mine = FaultTexts.TEXTS.get(5);
                assertEquals(mine.length(), survivor.set(mine), where);
                assertEquals(mine, survivor.get(), where + ": the survivor's block is still attached and usable");
                survivor.close();
                assertFalse(Files.exists(TestNames.shmFile(name)), where + ": the survivor was the last one out");
            } else if (Files.exists(TestNames.shmFile(name))) {
                staleLeft++; // a churner was killed while attached: allowed until the next attach
            }
            try (SharedString next = SharedString.open(name)) {
                operations++;
                assertTrue(next.created(), where + ": the next attacher creates the block");
                assertEquals("", next.get(), where + ": and sees an empty text");
            }
            TestNames.assertNothingLeft(name);
        }
        assertTrue(Children.crashLogs().stream().noneMatch(p -> p.getFileName().toString().startsWith("hs_err")),
                "no child JVM crashed: " + Children.crashLogs());
        Figures.report(new Figures.Row("faults", processes, processes + ITERATIONS / 2, operations + survivorReads, kills,
                ITERATIONS, 0, String.format("seed %d; %d iterations; kills after attach/set/get/close: %d/%d/%d/%d;"
                        + " %d abandoned objects reset", seed, ITERATIONS, phases[0], phases[1], phases[2], phases[3],
                        staleLeft)));
    }
}
