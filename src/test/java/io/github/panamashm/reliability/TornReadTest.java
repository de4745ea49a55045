package io.github.panamashm.reliability;

import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.Children;
import io.github.panamashm.testing.Figures;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Untorn reads across processes, as a user would try it: two writer processes alternate texts of different
 * lengths and contents ({@link SyncTexts}) as fast as they can, two reader processes check that every read is
 * exactly one of those texts. Halfway, one writer is killed with -9 wherever it is (often inside a set,
 * holding the writers' lock); the other goes on setting, the readers go on reading, and at the end this JVM's
 * own set completes. The run's length is counted in reads ({@code reliability.tornReads}, longer under
 * {@code -Preliability}).
 *
 * <p>On the code before the latch (an unsynchronised copy into the example's block) this test fails: the
 * readers see hundreds of mixed texts in a short run.
 */
@EnabledOnOs(OS.LINUX)
class TornReadTest {
    private static final int READS = Figures.setting("reliability.tornReads", 250_000, 20_000_000);
    private static final int EVERY = 12_500;
    private static final Pattern DONE = Pattern.compile("done reads=(\\d+) torn=(\\d+)");

    @Test
    @DisplayName("readers in other processes never see a mix of two texts, even when a writer is killed with -9 mid-run; the other writer and the next set go on")
    void readersNeverSeeAMixOfTexts() throws Exception {
        String name = TestNames.unique("sync-torn");
        List<ChildJvm> readers = new ArrayList<>();
        List<ChildJvm> writers = new ArrayList<>();
        long reads = 0;
        try (SharedString parent = SharedString.open(name)) {
            for (int i = 0; i < 2; i++) {
                readers.add(Children.start(TextReader.class, name, Integer.toString(EVERY)));
                writers.add(Children.start(TextWriter.class, name, Integer.toString(i), "4096"));
            }
            for (int i = 0; i < 2; i++) {
                assertEquals("reading", readers.get(i).readLine());
                assertEquals("writing", writers.get(i).readLine());
            }
            ChildJvm watched = readers.get(0);
            for (int lines = 0; lines < READS / EVERY; lines++) {
                String line = watched.readLine();
                assertFalse(line.startsWith("BAD"), () -> line + "; " + watched.transcript());
                if (lines == READS / EVERY / 2) {
                    writers.get(1).kill(); // wherever it is: inside set, often, holding the writers' lock
                }
            }
            long setsBefore = lastCount(writers.get(0), "set ");
            String line;
            do {
                line = writers.get(0).readLine();
            } while (!line.startsWith("set ") || Long.parseLong(line.substring(4)) <= setsBefore);
            // The surviving writer printed a count it had not reached when its peer died: its sets go on.

            for (ChildJvm r : readers) {
                r.closeStdin();
                assertEquals(0, r.waitFor(), r.transcript());
                Matcher m = DONE.matcher(lastLine(r));
                assertTrue(m.matches(), r.transcript());
                assertEquals("0", m.group(2), () -> "torn reads; " + r.transcript());
                reads += Long.parseLong(m.group(1));
                assertFalse(r.stdout().contains("BAD"), r.transcript());
            }
            for (ChildJvm w : writers) {
                w.kill();
                assertFalse(Children.crashed(w.process().pid()), w.transcript());
            }
            String mine = "the parent's set after the kills";
            assertEquals(mine.length(), parent.set(mine));
            assertEquals(mine, parent.get());
        } finally {
            readers.forEach(ChildJvm::close);
            writers.forEach(ChildJvm::close);
        }
        TestNames.assertNothingLeft(name);
        System.out.println("[sync] torn reads: 0 of " + reads + " reads by 2 processes, 2 writers, 1 killed with -9");
    }

    private static long lastCount(ChildJvm child, String prefix) {
        long last = 0;
        for (String l : child.stdout().split("\n")) {
            if (l.startsWith(prefix)) {
                last = Long.parseLong(l.substring(prefix.length()));
            }
        }
        return last;
    }

    private static String lastLine(ChildJvm child) {
        String[] lines = child.stdout().strip().split("\n");
        return lines[lines.length - 1];
    }
}
