package io.github.panamashm.reliability;

import io.github.panamashm.testing.Texts;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The texts the fault-injection processes write, and what "not corrupted" means for a block they share.
 *
 * <p>{@code set} is atomic across processes, even for a writer killed in the middle of one, so a read is
 * <i>consistent</i> when it is exactly one of the texts stored by a {@code set} (the empty text of a fresh
 * block included).
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
        if (TEXTS.contains(got)) {
            return null;
        }
        for (int i = 0; i < got.length(); i++) {
            char c = got.charAt(i);
            int at = i;
            if (TEXTS.stream().noneMatch(t -> at < t.length() && t.charAt(at) == c)) {
                return String.format("unit U+%04X at index %d was written by no set", (int) c, i);
            }
        }
        return "a read of " + got.length() + " units that is a mix of stored texts, not one of them";
    }
}
