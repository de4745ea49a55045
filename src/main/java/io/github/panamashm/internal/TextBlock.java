package io.github.panamashm.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

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
 *
 * <p>How it is fast (docs/performance.md has the measurements): units move in bulk, never one
 * {@code MemorySegment.set} per unit, except for texts of up to 32 units, where the bulk path's fixed costs
 * are larger than the units. {@code write} checks a {@code String} for NUL with its own vectorised
 * {@code indexOf}, copies it with {@code getChars} into a per-thread scratch array and from there into the
 * block with {@code MemorySegment.copy}. {@code read} copies into the scratch array (the first 1024 units one
 * 64-bit word at a time, the rest in bulk copies of growing chunks), finds the NUL in the copy with 64-bit
 * words (a branch-free loop the JIT vectorises), and lets {@code new String} compress the units. So
 * {@code write} allocates nothing and {@code read} only the returned String (after each thread's first use,
 * which allocates its scratch array of {@value #SCRATCH_UNITS} units).
 */
public final class TextBlock {
    /** A UTF-16LE code unit, readable at any even offset. */
    static final ValueLayout.OfChar UNIT = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Four units at once, for the NUL scan; the code that uses it runs only on little-endian hosts. */
    private static final ValueLayout.OfLong FOUR_UNITS = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0001_0001_0001_0001L;
    private static final long HIGH_BITS = 0x8000_8000_8000_8000L;
    private static final boolean NATIVE_LE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** The scratch array's size: a whole SharedString (2047 units) in one copy. */
    static final int SCRATCH_UNITS = 2048;
    /**
     * Per thread, so concurrent writers and readers never share it. (A pool or a lock would cost more than the
     * copy; a new array per call is the allocation this class exists to avoid.)
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A thread's scratch array, and a view of it for 64-bit stores (made once, not per call). */
    static final class Scratch {
        final char[] chars;
        final MemorySegment view;
        /** How many units of {@link #chars} a consistent read left there (see {@code LatchedText}). */
        int length;

        Scratch() {
            this(SCRATCH_UNITS);
        }

        /** A one-off array for a read longer than a thread's scratch array (only a block larger than 4096 bytes). */
        Scratch(int units) {
            chars = new char[units];
            view = MemorySegment.ofArray(chars);
        }

        /** {@return the first {@code n} units as a String} */
        String string(int n) {
            return n == 0 ? "" : new String(chars, 0, n);
        }
    }

    /** Up to here text is stored one unit per call: cheaper than the fixed costs of the bulk path. */
    private static final int SHORT_TEXT_UNITS = 32;

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
        int nul = text instanceof String s ? s.indexOf('\0') : indexOfNul(text);
        if (nul >= 0) {
            throw new IllegalArgumentException("text must not contain NUL (U+0000 at index " + nul
                    + "): the block holds a NUL-terminated string");
        }
        int length = text.length();
        if (length <= limit) {
            return length;
        }
        int n = limit;
        if (n > 0 && Character.isHighSurrogate(text.charAt(n - 1)) && Character.isLowSurrogate(text.charAt(n))) {
            n--;
        }
        return n;
    }

    private static int indexOfNul(CharSequence text) {
        for (int i = 0, length = text.length(); i < length; i++) {
            if (text.charAt(i) == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Stores {@code text} and its NUL at the start of {@code block}.
     *
     * @return the number of units stored
     * @throws IllegalArgumentException when text contains NUL; the block is then unchanged
     */
    public static int write(MemorySegment block, CharSequence text) {
        Objects.requireNonNull(text, "text");
        int n = fittingLength(text, capacity(block.byteSize()));
        store(block, 0, text, n);
        return n;
    }

    /**
     * Stores the first {@code n} units of {@code text} and a NUL at {@code offset}: {@code n} comes from
     * {@link #fittingLength}, so the text rules have been applied.
     */
    static void store(MemorySegment block, long offset, CharSequence text, int n) {
        if (n <= SHORT_TEXT_UNITS) {
            for (int i = 0; i < n; i++) {
                block.set(UNIT, offset + 2L * i, text.charAt(i));
            }
            block.set(UNIT, offset + 2L * n, '\0');
            return;
        }
        char[] scratch = SCRATCH.get().chars;
        for (int done = 0; done < n; ) {
            int chunk = Math.min(n - done, scratch.length);
            if (text instanceof String s) {
                s.getChars(done, done + chunk, scratch, 0);
            } else {
                for (int i = 0; i < chunk; i++) {
                    scratch[i] = text.charAt(done + i);
                }
            }
            MemorySegment.copy(scratch, 0, block, UNIT, offset + 2L * done, chunk);
            done += chunk;
        }
        block.set(UNIT, offset + 2L * n, '\0');
    }

    /**
     * Copies a text {@link #store} left at {@code from}, its {@code n} units and the NUL, to {@code to}: a second
     * store would repeat {@code getChars} (90 ns for 2047 units), and {@code MemorySegment.copy} has a fixed cost
     * (about 10 ns) larger than a short text, which moves four units per 64-bit word instead.
     */
    static void copyStored(MemorySegment block, long from, long to, int n) {
        long bytes = 2L * n + 2;
        if (n > SHORT_TEXT_UNITS) {
            MemorySegment.copy(block, from, block, to, bytes);
            return;
        }
        long i = 0;
        for (; i + 8 <= bytes; i += 8) {
            block.set(FOUR_UNITS, to + i, block.get(FOUR_UNITS, from + i));
        }
        for (; i < bytes; i += 2) {
            block.set(UNIT, to + i, block.get(UNIT, from + i));
        }
    }

    /**
     * Reads the text at the start of {@code block} as {@code GetSharedMem(buf, cchSize)} would into a buffer
     * of {@code cchSize} units.
     *
     * @throws IllegalArgumentException when {@code cchSize < 1}
     */
    public static String read(MemorySegment block, int cchSize) {
        int limit = limit(cchSize, block.byteSize());
        Scratch scratch = limit <= SCRATCH_UNITS ? SCRATCH.get() : new Scratch(limit);
        return scratch.string(copyOut(block, 0, limit, scratch));
    }

    /**
     * {@return how many units a read into {@code cchSize} units takes from a text area of {@code byteSize}
     * bytes, before the NUL and the surrogate rule}
     *
     * @throws IllegalArgumentException when {@code cchSize < 1}
     */
    static int limit(int cchSize, long byteSize) {
        if (cchSize < 1) {
            throw new IllegalArgumentException("cchSize must be at least 1 (room for the NUL), was " + cchSize);
        }
        return Math.min(cchSize - 1, capacity(byteSize));
    }

    /** {@return the calling thread's scratch array, which holds a whole text of a 4096-byte block} */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    /**
     * Copies the text of the text area at {@code offset} into {@code scratch}, up to the first NUL or
     * {@code limit} units (from {@link #limit}, so less than the area's units), and drops a high surrogate cut
     * off from its low half by the limit.
     * Every unit is read from the block once, so what another process rewrites meanwhile can come out mixed,
     * but never as more than {@code limit} units or holding a NUL.
     *
     * @return how many units of {@code scratch} are the text
     */
    static int copyOut(MemorySegment block, long offset, int limit, Scratch scratch) {
        char[] chars = scratch.chars;
        int n = copyUntilNul(block, offset, chars, scratch.view, limit);
        // Cut short by the buffer or the block: drop a high surrogate whose low half was left behind. (The unit
        // after the limit is in the area: the limit leaves room for the NUL.)
        if (n == limit && n > 0 && Character.isHighSurrogate(chars[n - 1])
                && Character.isLowSurrogate(block.get(UNIT, offset + 2L * n))) {
            n--;
        }
        return n;
    }

    /** @return non-zero iff a 16-bit lane of {@code x} is zero; the lowest set bit is in the lowest such lane */
    private static long zeroLanes(long x) {
        // (x - 0x0001...) & ~x & 0x8000... is non-zero iff some 16-bit lane of x is zero, and its lowest set bit
        // is in the lowest zero lane (a borrow only disturbs lanes above it). On a little-endian host the
        // lowest lane is the first of the four units.
        return (x - LOW_BITS) & ~x & HIGH_BITS;
    }

    /**
     * Units read one 64-bit word at a time (about 0.15 ns a unit here) before switching to bulk copies, whose
     * copy + search costs 20 to 30 ns per chunk before the units: measured, the word loop wins up to about here.
     */
    private static final int HEAD_UNITS = 1024;
    /** The first bulk copy; each next one is four times larger (for a SharedString there is only one). */
    private static final int FIRST_CHUNK_UNITS = 1024;

    /**
     * Copies units from {@code offset} in {@code block} into {@code chars} (whose segment view is {@code view}) up to
     * the first NUL or {@code limit}. The NUL is looked for in the copy, never in the block, so that text
     * another process rewrites meanwhile can come out mixed but never holding a NUL.
     *
     * @return how many units were copied: the index of the first NUL, or {@code limit} when there is none
     */
    static int copyUntilNul(MemorySegment block, long offset, char[] chars, MemorySegment view, int limit) {
        if (!NATIVE_LE) {
            for (int i = 0; i < limit; i++) {
                char c = block.get(UNIT, offset + 2L * i);
                if (c == 0) {
                    return i;
                }
                chars[i] = c;
            }
            return limit;
        }
        // Up to HEAD_UNITS: one 64-bit load, test and store per four units.
        int i = 0;
        for (int head = Math.min(limit, HEAD_UNITS) & ~3; i < head; i += 4) {
            long x = block.get(FOUR_UNITS, offset + 2L * i);
            long zero = zeroLanes(x);
            if (zero != 0) {
                int n = i + (Long.numberOfTrailingZeros(zero) >>> 4);
                for (; i < n; i++) {
                    chars[i] = (char) x;
                    x >>>= 16;
                }
                return n;
            }
            view.set(FOUR_UNITS, 2L * i, x);
        }
        // The rest: bulk copies of growing chunks, each searched by a loop C2 vectorises (no early exit).
        for (int chunk = FIRST_CHUNK_UNITS; i < limit; chunk <<= 2) {
            int to = (int) Math.min((long) i + chunk, limit);
            MemorySegment.copy(block, UNIT, offset + 2L * i, chars, i, to - i);
            int nul = indexOfNul(chars, view, i, to);
            if (nul < to) {
                return nul;
            }
            i = to;
        }
        return limit;
    }

    /** @return the index of the first NUL in {@code chars[from, to)}, or {@code to} */
    private static int indexOfNul(char[] chars, MemorySegment view, int from, int to) {
        long start = 2L * from;
        long end = 2L * (from + ((to - from) & ~3));
        if (anyZeroLane(view, start, end)) {
            // An int-counted loop: C2 hoists its bounds checks (a loop on a long offset pays them per word).
            for (int w = from >>> 2, last = (int) (end >>> 3); w < last; w++) {
                long zero = zeroLanes(view.getAtIndex(FOUR_UNITS, w));
                if (zero != 0) {
                    return (w << 2) + (Long.numberOfTrailingZeros(zero) >>> 4);
                }
            }
        }
        for (int i = (int) (end >>> 1); i < to; i++) {
            if (chars[i] == 0) {
                return i;
            }
        }
        return to;
    }

    /** @return whether a 16-bit lane of a word in {@code view[start, end)} is zero; a plain reduction */
    private static boolean anyZeroLane(MemorySegment view, long start, long end) {
        long any = 0;
        for (long off = start; off < end; off += 8) {
            any |= zeroLanes(view.get(FOUR_UNITS, off));
        }
        return any != 0;
    }
}
