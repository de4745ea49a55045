package io.github.panamashm.reliability;

import io.github.panamashm.SharedString;

import java.util.List;

/**
 * A child JVM that sets texts in a tight loop until it is killed: attaches to {@code args[0]}, prints
 * "writing", then alternates the texts of {@link SyncTexts#WRITERS}{@code [args[1] % 2]} and prints
 * "set N" after every {@code args[2]} sets.
 */
public final class TextWriter {
    public static void main(String[] args) throws Exception {
        List<String> texts = SyncTexts.WRITERS.get(Integer.parseInt(args[1]) % 2);
        int every = Integer.parseInt(args[2]);
        try (SharedString s = SharedString.open(args[0])) {
            System.out.println("writing");
            System.out.flush();
            for (long n = 1; ; n++) {
                s.set(texts.get((int) (n & 1)));
                if (n % every == 0) {
                    System.out.println("set " + n);
                    System.out.flush();
                }
            }
        }
    }
}
