package io.github.panamashm.reliability;

import io.github.panamashm.testing.TestNames;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.Children;
import io.github.panamashm.testing.Figures;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a block while other threads read and write it: every thread ends with
 * {@link IllegalStateException}, never another exception, never a JVM crash, and the block is unmapped and
 * freed. Runs in a child JVM ({@link CloseRacer}) so that a crash is seen as a non-zero exit and an hs_err
 * file rather than the end of the test run.
 */
@EnabledOnOs(OS.LINUX)
class CloseRaceTest {
    private static final int ROUNDS = Figures.setting("reliability.closeRounds", 60, 2000);
    private static final int THREADS = Figures.setting("reliability.closeThreads", 3, 4);

    @Test
    @DisplayName("closing a block under readers and writers gives them IllegalStateException only, never a crash")
    void closeUnderLoadGivesIllegalStateExceptionOnly() {
        String name = TestNames.unique("rel-close");
        try (ChildJvm child = Children.start(CloseRacer.class, name, Integer.toString(ROUNDS), Integer.toString(THREADS))) {
            int exit = child.waitFor();
            assertFalse(Children.crashed(child.process().pid()), "the child JVM crashed: " + child.transcript());
            assertEquals(0, exit, child.transcript());
            String out = child.stdout().strip();
            Matcher m = Pattern.compile("ok rounds=(\\d+) threads=(\\d+) ops=(\\d+) ise=(\\d+) expected=(\\d+) closeRetries=(\\d+)")
                    .matcher(out);
            assertTrue(m.matches(), out);
            assertEquals(m.group(5), m.group(4), "every worker of every round ended with IllegalStateException");
            Figures.report(new Figures.Row("close race", 1, (long) THREADS + 2, Long.parseLong(m.group(3)) + 2L * ROUNDS,
                    0, ROUNDS, 0, ROUNDS + " rounds of " + THREADS + " workers and 2 concurrent closers; "
                    + m.group(4) + " IllegalStateExceptions, " + m.group(6) + " close retries"));
        }
        TestNames.assertNothingLeft(name);
    }
}
