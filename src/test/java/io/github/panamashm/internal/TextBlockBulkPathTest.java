package io.github.panamashm.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The text rules where the fast paths of {@link TextBlock} change gear: the one-unit-per-call write of short
 * texts (32 units), the 64-bit word, the end of the word-at-a-time read (1024 units), the bulk chunks (1024
 * units, then four times larger each) and the per-thread scratch array (2048 units).
 */
class TextBlockBulkPathTest {
    private static final ValueLayout.OfChar LE = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    /** Units that are not all Latin-1, with no NUL, so both String coders and every byte of a unit matter. */
    private static String text(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(i % 7 == 3 ? (char) (0x100 + i % 0xD000) : (char) ('a' + i % 26));
        }
        return b.toString();
    }

    private static IntStream lengthsAroundEveryBoundary() {
        return IntStream.of(0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 34, 35, 36, 127, 128, 129, 255, 256,
                257, 1019, 1020, 1021, 1022, 1023, 1024, 1025, 1026, 1027, 1028, 1029, 1660, 1661, 2040, 2043, 2044,
                2045, 2046, 2047);
    }

    @Test
    void readReturnsExactlyTheUnitsBeforeTheNulAtEveryLength() {
        MemorySegment block = arena.allocate(4096);
        lengthsAroundEveryBoundary().forEach(n -> {
            block.fill((byte) 0x41); // no NUL anywhere but the one write puts
            String t = text(n);
            assertEquals(n, TextBlock.write(block, t));
            assertEquals(t, TextBlock.read(block, 2048), "length " + n);
            assertEquals('\0', block.get(LE, 2L * n));
        });
    }

    @Test
    void readStopsAtCchSizeMinusOneAtEveryLength() {
        MemorySegment block = arena.allocate(4096);
        TextBlock.write(block, text(2047));
        lengthsAroundEveryBoundary().forEach(n ->
                assertEquals(text(2047).substring(0, n), TextBlock.read(block, n + 1), "cchSize " + (n + 1)));
    }

    @Test
    void aBlockWithNoNulIsReadUpToItsCapacityAndNoFurther() {
        MemorySegment block = arena.allocate(4096);
        block.fill((byte) 0x42); // every unit U+4242, no NUL
        assertEquals("\u4242".repeat(2047), TextBlock.read(block, 5000));
    }

    @Test
    void readCutByCchSizeNeverEndsInHalfAPairAtAGearChange() {
        MemorySegment block = arena.allocate(4096);
        for (int cut : new int[]{4, 32, 33, 256, 1020, 1024, 1028, 2044}) {
            // units cut-1 and cut are a pair: cutting after cut units would split it
            String t = "x".repeat(cut - 1) + "\uD83D\uDE00" + "y".repeat(2047 - cut - 1);
            TextBlock.write(block, t);
            assertEquals("x".repeat(cut - 1), TextBlock.read(block, cut + 1), "cut " + cut);
            assertEquals("x".repeat(cut - 1) + "\uD83D\uDE00", TextBlock.read(block, cut + 2), "cut " + cut);
        }
    }

    @Test
    void anyCharSequenceIsStoredLikeAString() {
        MemorySegment block = arena.allocate(4096);
        StringBuilder b = new StringBuilder(text(1000));
        assertEquals(1000, TextBlock.write(block, b));
        assertEquals(b.toString(), TextBlock.read(block, 2048));
        assertThrows(IllegalArgumentException.class, () -> TextBlock.write(block, new StringBuilder("a\0b")));
        assertEquals(b.toString(), TextBlock.read(block, 2048), "a refused write changed the block");
    }

    @Test
    void aNulPastTheTruncationPointIsStillRefusedAndNothingIsWritten() {
        MemorySegment block = arena.allocate(4096);
        TextBlock.write(block, "kept");
        assertThrows(IllegalArgumentException.class, () -> TextBlock.write(block, "z".repeat(3000) + "\0"));
        assertEquals("kept", TextBlock.read(block, 2048));
    }

    @Test
    void blocksLargerThanTheScratchArrayRoundTrip() {
        MemorySegment block = arena.allocate(16384); // capacity 8191 units: more than one scratch array
        String t = text(8191);
        assertEquals(8191, TextBlock.write(block, t));
        assertEquals(t, TextBlock.read(block, Integer.MAX_VALUE));
        assertEquals(t.substring(0, 5000), TextBlock.read(block, 5001));
        String shorter = text(3000);
        TextBlock.write(block, new StringBuilder(shorter));
        assertEquals(shorter, TextBlock.read(block, 9000));
    }

    @Test
    void threadsWritingAndReadingTheirOwnBlocksDoNotShareScratch() throws Exception {
        Thread[] threads = new Thread[4];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                try (Arena own = Arena.ofConfined()) {
                    MemorySegment block = own.allocate(4096);
                    for (int i = 0; i < 2000; i++) {
                        String s = text((id * 500 + i) % 2048).replace('a', (char) ('A' + id));
                        TextBlock.write(block, s);
                        if (!s.equals(TextBlock.read(block, 2048))) {
                            throw new AssertionError("thread " + id + " read another thread's text");
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }
}
