package io.github.panamashm.reliability;

import io.github.panamashm.testing.TestNames;
import io.github.panamashm.SharedString;
import io.github.panamashm.internal.TextBlock;
import io.github.panamashm.testing.Figures;
import io.github.panamashm.testing.Texts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property tests of the text rules against a reference model written here from the rules' wording, not
 * from {@link TextBlock}'s code. Inputs come from fixed seeds (printed in failures), so a failure replays.
 *
 * <p>The model keeps the block as 2048 UTF-16 units:
 * <ul>
 *   <li>set(t): refused, block unchanged, if t holds NUL; else stores the longest prefix of t of at most 2047
 *       units that does not stop between the halves of a surrogate pair, then one NUL, and changes no other
 *       unit;</li>
 *   <li>get(cch): the units before the first NUL among the first 2047 (the text), cut to the longest prefix of
 *       at most cch - 1 units that does not stop right before a low surrogate following a high one.</li>
 * </ul>
 */
@EnabledOnOs(OS.LINUX)
class TextPropertiesTest {
    private static final int UNITS = 2048;
    private static final ValueLayout.OfChar UNIT = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long[] SEEDS = {1L, 42L, 20260101L};
    private static final int CASES = Figures.setting("reliability.textCases", 1500, 15000);
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final AtomicLong CHECKS = new AtomicLong();

    // ---- the model ----

    /** @return how many units of {@code t} set stores, or -1 when set must refuse it */
    static int modelStoredLength(String t) {
        if (t.indexOf('\0') >= 0) {
            return -1;
        }
        for (int k = Math.min(t.length(), Texts.MAX); ; k--) {
            boolean splitsPair = k > 0 && k < t.length() && Character.isHighSurrogate(t.charAt(k - 1))
                    && Character.isLowSurrogate(t.charAt(k));
            if (!splitsPair) {
                return k;
            }
        }
    }

    static void modelSet(char[] block, String t) {
        int n = modelStoredLength(t);
        t.getChars(0, n, block, 0);
        block[n] = 0;
    }

    static String modelGet(char[] block, int cch) {
        int textLength = 0;
        while (textLength < Texts.MAX && block[textLength] != 0) {
            textLength++;
        }
        for (int k = Math.min(textLength, cch - 1); ; k--) {
            // block[k] is the unit after the cut: the text's NUL, more text, or (at 2047) the block's last unit
            boolean splitsPair = k > 0 && k < UNITS && Character.isHighSurrogate(block[k - 1])
                    && Character.isLowSurrogate(block[k]);
            if (!splitsPair) {
                return new String(block, 0, k);
            }
        }
    }

    // ---- helpers ----

    private static char[] units(MemorySegment block) {
        char[] u = new char[UNITS];
        for (int i = 0; i < UNITS; i++) {
            u[i] = block.get(UNIT, 2L * i);
        }
        return u;
    }

    private static void fill(MemorySegment block, char[] units) {
        for (int i = 0; i < UNITS; i++) {
            block.set(UNIT, 2L * i, units[i]);
        }
    }

    private static char[] garbage(Random r, boolean nul) {
        return Texts.text(r, UNITS, nul, true).toCharArray();
    }

    private static int[] cchSizes(Random r, int length) {
        return new int[]{1, 2, length - 1, length, length + 1, length + 2, Texts.MAX, Texts.MAX + 1, Texts.MAX + 2,
                Integer.MAX_VALUE, 1 + r.nextInt(2100)};
    }

    // ---- properties ----

    @Test
    @DisplayName("set stores what the model stores, writes nothing past the text's NUL nor past 4096 bytes, and get(cch) matches the model")
    void setAndGetFollowTheModel() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment whole = arena.allocate(4096 + 64);
            MemorySegment block = whole.asSlice(0, 4096);
            for (long seed : SEEDS) {
                Random r = new Random(seed);
                for (int i = 0; i < CASES; i++) {
                    char[] before = garbage(r, r.nextBoolean());
                    fill(block, before);
                    whole.asSlice(4096).fill((byte) 0xA5);
                    String t = Texts.interesting(r, r.nextInt(10) == 0);
                    INPUTS.incrementAndGet();
                    String where = "seed " + seed + " case " + i + " length " + t.length();
                    int n = modelStoredLength(t);
                    char[] expected = before.clone();
                    if (n < 0) {
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextBlock.write(block, t), where);
                        assertTrue(e.getMessage().contains("must not contain NUL"), e.getMessage());
                    } else {
                        assertEquals(n, TextBlock.write(block, t), where);
                        modelSet(expected, t);
                    }
                    assertArrayEquals(expected, units(block), where);
                    for (int k = 0; k < 64; k++) {
                        if (whole.get(ValueLayout.JAVA_BYTE, 4096 + k) != (byte) 0xA5) {
                            fail("a byte past the block was written: " + where);
                        }
                    }
                    for (int cch : cchSizes(r, t.length())) {
                        if (cch < 1) {
                            continue;
                        }
                        CHECKS.incrementAndGet();
                        assertEquals(modelGet(expected, cch), TextBlock.read(block, cch), where + " cch " + cch);
                    }
                    CHECKS.incrementAndGet();
                    assertEquals(modelGet(expected, Texts.MAX + 1), TextBlock.read(block, Texts.MAX + 1), where);
                }
            }
        }
    }

    @Test
    @DisplayName("whatever a peer left in the block, even no NUL at all, get returns at most 2047 units as the model says")
    void getOfArbitraryBlockFollowsTheModel() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(4096);
            for (long seed : SEEDS) {
                Random r = new Random(seed ^ 0x5EED);
                for (int i = 0; i < CASES; i++) {
                    char[] u = garbage(r, r.nextInt(3) == 0);
                    if (r.nextInt(4) == 0) { // a pair across the last two units
                        u[Texts.MAX - 1] = (char) (0xD800 + r.nextInt(0x400));
                        u[Texts.MAX] = (char) (0xDC00 + r.nextInt(0x400));
                    }
                    fill(block, u);
                    INPUTS.incrementAndGet();
                    for (int cch : cchSizes(r, r.nextInt(2100))) {
                        if (cch < 1) {
                            continue;
                        }
                        CHECKS.incrementAndGet();
                        String got = TextBlock.read(block, cch);
                        assertTrue(got.length() <= Math.min(Texts.MAX, cch - 1));
                        assertEquals(modelGet(u, cch), got, "seed " + seed + " case " + i + " cch " + cch);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("cchSize below 1 is refused with IllegalArgumentException, whatever the block holds")
    void cchBelowOneIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = arena.allocate(4096);
            for (int cch : new int[]{0, -1, -2047, Integer.MIN_VALUE}) {
                INPUTS.incrementAndGet();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextBlock.read(block, cch));
                assertTrue(e.getMessage().contains("cchSize must be at least 1"), e.getMessage());
            }
        }
    }

    @Test
    @DisplayName("through SharedString on a real block, a second attacher reads what the model says the first one stored")
    void sharedStringFollowsTheModel() throws Exception {
        String name = TestNames.unique("rel-props");
        try (SharedString writer = SharedString.open(name); SharedString reader = SharedString.open(name)) {
            char[] model = new char[UNITS];
            Random r = new Random(7);
            for (int i = 0; i < Math.max(200, CASES / 5); i++) {
                String t = Texts.interesting(r, r.nextInt(8) == 0);
                INPUTS.incrementAndGet();
                int n = modelStoredLength(t);
                if (n < 0) {
                    String was = reader.get();
                    assertThrows(IllegalArgumentException.class, () -> writer.set(t));
                    assertEquals(was, reader.get(), "a refused set leaves the text unchanged");
                } else {
                    assertEquals(n, writer.set(t));
                    modelSet(model, t);
                }
                CHECKS.addAndGet(3);
                assertEquals(modelGet(model, Texts.MAX + 1), reader.get(), "case " + i);
                int cch = 1 + r.nextInt(Math.max(1, t.length() + 2));
                assertEquals(modelGet(model, cch), reader.get(cch), "case " + i + " cch " + cch);
            }
        }
        TestNames.assertNothingLeft(name);
    }

    @AfterAll
    static void figures() {
        Figures.report(new Figures.Row("properties", 0, 1, CHECKS.get(), 0, INPUTS.get(), 0,
                "seeds 1, 42, 20260101, 7; " + CASES + " cases per seed; texts and raw blocks vs the model"));
    }
}
