package io.github.panamashm.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The text rules: the example's NUL-terminated UTF-16LE string in a block, with its bugs fixed.
 *
 * <ul>
 *   <li>Code units are copied verbatim, little-endian, with no charset coder, so a lone surrogate
 *       round-trips.</li>
 *   <li>A block of {@code n} bytes holds at most {@code n / 2 - 1} units and their NUL (2047 in 4096
 *       bytes); nothing is ever written past the block. (The example's copy loop compares a character count
 *       with the byte size and can write 8 KiB into 4 KiB.)</li>
 *   <li>Longer text is truncated, never between the two halves of a surrogate pair.</li>
 *   <li>Text holding a NUL is refused before anything is written.</li>
 *   <li>Reading stops at the first NUL or at the block's capacity, whichever comes first, so whatever
 *       another process left in the block (even no NUL at all) is never read past.</li>
 *   <li>Reading into {@code cchSize} units returns at most {@code cchSize - 1} of them, again never half a
 *       pair; {@code cchSize < 1} is refused. (The example's {@code --cchSize} wraps around at 0.)</li>
 * </ul>
 */
public final class TextBlock {
    /** A UTF-16LE code unit, readable at any even offset. */
    static final ValueLayout.OfChar UNIT = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TextBlock() {
    }

    /** @return how many units a block of {@code byteSize} bytes holds besides the NUL */
    public static int capacity(long byteSize) {
        return (int) Math.min(Integer.MAX_VALUE - 1, byteSize / 2 - 1);
    }

    /**
     * How many leading units of {@code text} fit in {@code limit} units without splitting a pair.
     *
     * @throws IllegalArgumentException when text contains NUL
     */
    public static int fittingLength(CharSequence text, int limit) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            if (text.charAt(i) == 0) {
                throw new IllegalArgumentException("text must not contain NUL (U+0000 at index " + i
                        + "): the block holds a NUL-terminated string");
            }
        }
        if (length <= limit) {
            return length;
        }
        int n = limit;
        if (n > 0 && Character.isHighSurrogate(text.charAt(n - 1)) && Character.isLowSurrogate(text.charAt(n))) {
            n--;
        }
        return n;
    }

    /**
     * Stores {@code text} and its NUL at the start of {@code block}.
     *
     * @return the number of units stored
     * @throws IllegalArgumentException when text contains NUL; the block is then unchanged
     */
    public static int write(MemorySegment block, CharSequence text) {
        int n = fittingLength(text, capacity(block.byteSize()));
        for (int i = 0; i < n; i++) {
            block.set(UNIT, 2L * i, text.charAt(i));
        }
        block.set(UNIT, 2L * n, '\0');
        return n;
    }

    /**
     * Reads the text at the start of {@code block} as {@code GetSharedMem(buf, cchSize)} would into a buffer
     * of {@code cchSize} units.
     *
     * @throws IllegalArgumentException when {@code cchSize < 1}
     */
    public static String read(MemorySegment block, int cchSize) {
        if (cchSize < 1) {
            throw new IllegalArgumentException("cchSize must be at least 1 (room for the NUL), was " + cchSize);
        }
        int units = (int) Math.min(block.byteSize() / 2, Integer.MAX_VALUE);
        int limit = Math.min(cchSize - 1, capacity(block.byteSize()));
        char[] chars = new char[limit];
        int n = 0;
        while (n < limit) {
            char c = block.get(UNIT, 2L * n);
            if (c == 0) {
                return new String(chars, 0, n);
            }
            chars[n++] = c;
        }
        // Cut short by the buffer or the block: drop a high surrogate whose low half was left behind.
        if (n > 0 && n < units && Character.isHighSurrogate(chars[n - 1])
                && Character.isLowSurrogate(block.get(UNIT, 2L * n))) {
            n--;
        }
        return new String(chars, 0, n);
    }
}
