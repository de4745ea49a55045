package io.github.panamashm.testing;

import java.util.Random;

/**
 * Seeded generators of UTF-16 texts for the reliability suite: ASCII, BMP, surrogate pairs, lone surrogates
 * and (when asked) NULs, with lengths clustered where the text rules have edges: empty, short, around the
 * 2047-unit limit, and well past it.
 */
public final class Texts {
    /** The most units a 4096-byte text block stores. */
    public static final int MAX = 2047;

    private Texts() {
    }

    /** @return a length: small, around {@link #MAX} (2040..2055), or anything up to 3000 */
    public static int length(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(12);
            case 1, 2 -> MAX - 7 + r.nextInt(16);
            default -> r.nextInt(3001);
        };
    }

    /**
     * @param nul          whether NUL may appear
     * @param loneSurrogates whether lone surrogates may appear (they round-trip, but a racing reader may also make them)
     * @return a text of exactly {@code length} units
     */
    public static String text(Random r, int length, boolean nul, boolean loneSurrogates) {
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            int kind = r.nextInt(100);
            if (kind < 35) {
                sb.append((char) (0x20 + r.nextInt(0x5F)));
            } else if (kind < 60) {
                char c;
                do {
                    c = (char) (0x80 + r.nextInt(0x10000 - 0x80));
                } while (Character.isSurrogate(c));
                sb.append(c);
            } else if (kind < 85) {
                if (sb.length() + 2 <= length) {
                    sb.appendCodePoint(0x10000 + r.nextInt(0x100000));
                } else if (loneSurrogates) {
                    sb.append((char) (0xD800 + r.nextInt(0x400))); // a high half cut off by the length
                }
            } else if (kind < 97) {
                if (loneSurrogates) {
                    sb.append(r.nextBoolean() ? (char) (0xD800 + r.nextInt(0x400)) : (char) (0xDC00 + r.nextInt(0x400)));
                }
            } else if (nul) {
                sb.append('\0');
            }
        }
        return sb.toString();
    }

    /** @return a text of a {@link #length(Random)}, with a surrogate pair placed across the limit half the time */
    public static String interesting(Random r, boolean nul) {
        String t = text(r, length(r), nul, true);
        if (t.length() > MAX && r.nextBoolean()) {
            StringBuilder sb = new StringBuilder(t);
            sb.setCharAt(MAX - 1, (char) (0xD800 + r.nextInt(0x400)));
            sb.setCharAt(MAX, (char) (0xDC00 + r.nextInt(0x400)));
            t = sb.toString();
        }
        return t;
    }
}
