package io.github.panamashm.reliability;

import java.util.List;

/**
 * The texts the multi-process set tests write: of different lengths and contents at every index, so that any
 * mix of two of them (the start of one over the rest of another) is none of them. A read is whole when it is
 * exactly one of {@link #ALL}.
 */
final class SyncTexts {
    /** Writer {@code w} alternates between {@code WRITERS.get(w % 2)}. */
    static final List<List<String>> WRITERS = List.of(
            List.of("A".repeat(2047), "a".repeat(1200) + "é".repeat(300)),
            List.of("B".repeat(1600), "b".repeat(2047)));
    /** Every text a block in these tests holds: the empty text of a new block, and the writers'. */
    static final List<String> ALL = List.of("", WRITERS.get(0).get(0), WRITERS.get(0).get(1), WRITERS.get(1).get(0),
            WRITERS.get(1).get(1));

    private SyncTexts() {
    }

    /** @return null when {@code got} is whole, else a short description of it */
    static String whyTorn(String got) {
        if (ALL.contains(got)) {
            return null;
        }
        StringBuilder runs = new StringBuilder();
        for (int i = 0; i < got.length(); ) {
            int j = i;
            while (j < got.length() && got.charAt(j) == got.charAt(i)) {
                j++;
            }
            runs.append(j - i).append('×').append(got.charAt(i)).append(' ');
            i = j;
        }
        return "a read of " + got.length() + " units that no set stored: " + runs.toString().strip();
    }
}
