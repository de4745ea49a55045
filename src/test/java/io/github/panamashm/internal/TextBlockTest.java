package io.github.panamashm.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The text rules, on a 4096-byte block inside a larger segment whose tail shows any write past the block. */
class TextBlockTest {
    private static final int BLOCK = 4096;
    private static final ValueLayout.OfChar LE = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final byte GUARD = (byte) 0xA5;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment whole = arena.allocate(BLOCK + 64);
    private final MemorySegment block = whole.asSlice(0, BLOCK);

    TextBlockTest() {
        whole.fill(GUARD);
        block.fill((byte) 0);
    }

    @AfterEach
    void nothingWrittenPastTheBlock() {
        for (long i = BLOCK; i < whole.byteSize(); i++) {
            assertEquals(GUARD, whole.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " past the block was written");
        }
        arena.close();
    }

    private static String units(int n, char c) {
        return String.valueOf(c).repeat(n);
    }

    @Test
    void storesUtf16LittleEndianUnitsAndANul() {
        assertEquals(2, TextBlock.write(block, "Hé"));
        assertEquals(0x48, block.get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(0x00, block.get(ValueLayout.JAVA_BYTE, 1));
        assertEquals((byte) 0xE9, block.get(ValueLayout.JAVA_BYTE, 2));
        assertEquals(0x00, block.get(ValueLayout.JAVA_BYTE, 3));
        assertEquals('\0', block.get(LE, 4));
    }

    @Test
    void loneSurrogatesRoundTripVerbatim() {
        String lone = "a\uD800b\uDC00c\uDBFF";
        assertEquals(lone.length(), TextBlock.write(block, lone));
        assertEquals(lone, TextBlock.read(block, 2048));
        assertEquals(0xD800, block.get(LE, 2));
    }

    @Test
    void supplementaryCharactersRoundTrip() {
        String text = "😀 ok 𝄞";
        TextBlock.write(block, text);
        assertEquals(text, TextBlock.read(block, 2048));
    }

    @Test
    void atMost2047UnitsAreStoredAndTheNulIsTheLastUnitOfTheBlock() {
        assertEquals(2047, TextBlock.write(block, units(5000, 'x')));
        assertEquals('x', block.get(LE, 2 * 2046));
        assertEquals('\0', block.get(LE, 2 * 2047));
        assertEquals(units(2047, 'x'), TextBlock.read(block, 2048));
    }

    @Test
    void exactly2047UnitsAreStoredWhole() {
        String text = units(2045, 'y') + "😀";
        assertEquals(2047, TextBlock.write(block, text));
        assertEquals(text, TextBlock.read(block, 5000));
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        String text = units(2046, 'z') + "😀" + "tail"; // the pair straddles the 2047-unit limit
        assertEquals(2046, TextBlock.write(block, text));
        assertEquals(units(2046, 'z'), TextBlock.read(block, 2048));
    }

    @Test
    void truncationKeepsALoneHighSurrogateThatIsNotFollowedByItsLowHalf() {
        String text = units(2046, 'z') + "\uD800" + "x";
        assertEquals(2047, TextBlock.write(block, text));
        assertEquals(units(2046, 'z') + "\uD800", TextBlock.read(block, 2048));
    }

    @Test
    void textWithANulIsRefusedAndTheStoredTextIsUnchanged() {
        TextBlock.write(block, "before");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextBlock.write(block, "af\0ter and longer than before"));
        assertEquals("before", TextBlock.read(block, 2048));
        assertEquals(true, e.getMessage().contains("index 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TextBlock.write(block, units(3000, 'q') + "\0"));
        assertEquals("before", TextBlock.read(block, 2048));
    }

    @Test
    void theEmptyStringStoresJustTheNul() {
        TextBlock.write(block, "something");
        assertEquals(0, TextBlock.write(block, ""));
        assertEquals("", TextBlock.read(block, 2048));
        assertEquals('o', block.get(LE, 2)); // the rest of the old text stays behind the NUL, as in the example
    }

    @Test
    void aBlockWithNoNulAtAllIsReadUpToItsCapacityAndNoFurther() {
        for (int i = 0; i < BLOCK / 2; i++) {
            block.set(LE, 2L * i, 'w');
        }
        assertEquals(units(2047, 'w'), TextBlock.read(block, 2048));
        assertEquals(units(2047, 'w'), TextBlock.read(block, Integer.MAX_VALUE));
    }

    @Test
    void readingAFullBlockNeverEndsInHalfAPair() {
        for (int i = 0; i < BLOCK / 2; i++) {
            block.set(LE, 2L * i, 'w');
        }
        block.set(LE, 2L * 2046, '\uD83D'); // high half as unit 2047, low half in the block's last unit
        block.set(LE, 2L * 2047, '\uDE00');
        assertEquals(units(2046, 'w'), TextBlock.read(block, 2048));
    }

    @Test
    void getWithCchSizeReturnsAtMostCchSizeMinusOneUnits() {
        TextBlock.write(block, "This is a test string");
        assertEquals("", TextBlock.read(block, 1));
        assertEquals("T", TextBlock.read(block, 2));
        assertEquals("This", TextBlock.read(block, 5));
        assertEquals("This is a test strin", TextBlock.read(block, 21));
        assertEquals("This is a test string", TextBlock.read(block, 22));
        assertEquals("This is a test string", TextBlock.read(block, 23));
    }

    @Test
    void getWithCchSizeNeverReturnsHalfASurrogatePair() {
        TextBlock.write(block, "ab😀c");
        assertEquals("ab", TextBlock.read(block, 4)); // 3 units would end in the high half
        assertEquals("ab😀", TextBlock.read(block, 5));
        assertEquals("a", TextBlock.read(block, 2));
    }

    @Test
    void cchSizeBelowOneIsRefused() {
        TextBlock.write(block, "x");
        assertThrows(IllegalArgumentException.class, () -> TextBlock.read(block, 0));
        assertThrows(IllegalArgumentException.class, () -> TextBlock.read(block, -1));
        assertThrows(IllegalArgumentException.class, () -> TextBlock.read(block, Integer.MIN_VALUE));
    }

    @Test
    void anyCharSequenceIsAccepted() {
        assertEquals(3, TextBlock.write(block, new StringBuilder("abc")));
        assertEquals("abc", TextBlock.read(block, 2048));
    }
}
