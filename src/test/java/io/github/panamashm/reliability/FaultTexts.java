package io.github.panamashm.reliability;

import io.github.panamashm.testing.Texts;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The texts the fault-injection processes write, and what "not corrupted" means for a block they share.
 *
 * <p>{@code set} and {@code get} are not synchronised between processes (as in the example), and a writer
 * may be killed in the middle of a {@code set}, so a reader can see the start of one text over the rest of
 * another. What it must never see is a unit nobody wrote there: a read is <i>consistent</i> when it has at
 * most 2047 units and each unit at index {@code i} is the unit at index {@code i} of some text stored by a
 * {@code set} (the empty text of a fresh block included).
 */
final class FaultTexts {
    /** Fixed texts, as stored (already truncated by the rules): short, BMP, pairs, exactly 2047 units. */
    static final List<String> TEXTS;

    static {
        Random r = new Random(99);
        List<String> t = new ArrayList<>();
        t.add("");
        t.add("This is a test string");
        t.add(Texts.text(r, 100, false, false));
        t.add(Texts.text(r, 1500, false, false));
        t.add("x".repeat(Texts.MAX));
        t.add(Texts.text(r, Texts.MAX, false, false));
        t.add(Texts.text(r, Texts.MAX - 1, false, false) + "é");
        TEXTS = List.copyOf(t);
    }

    private FaultTexts() {
    }

    /** @return null when {@code got} is consistent, else why not */
    static String whyCorrupt(String got) {
        if (got.length() > Texts.MAX) {
            return "length " + got.length();
        }
        for (int i = 0; i < got.length(); i++) {
            char c = got.charAt(i);
            boolean written = false;
            for (String t : TEXTS) {
                if (i < t.length() && t.charAt(i) == c) {
                    written = true;
                    break;
                }
            }
            if (!written) {
                return String.format("unit U+%04X at index %d was written by no set", (int) c, i);
            }
        }
        return null;
    }
}
