package io.github.panamashm.reliability;

import io.github.panamashm.SharedString;

import java.io.PrintStream;
import java.util.Random;

/**
 * A child JVM for {@link FaultInjectionTest}: attaches to a block, sets one of {@link FaultTexts}, gets,
 * detaches, and again, forever, printing one line after each step ({@code a}, {@code s}, {@code g},
 * {@code c}) so that the parent can kill it with -9 after a random number of lines, anywhere in the cycle.
 * A get that is not one of the known texts is printed as {@code BAD ...}.
 */
public final class Churner {
    public static void main(String[] args) throws Exception {
        String name = args[0];
        Random r = new Random(Long.parseLong(args[1]));
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        while (true) {
            try (SharedString s = SharedString.open(name)) {
                out.println("a " + s.created());
                s.set(FaultTexts.TEXTS.get(r.nextInt(FaultTexts.TEXTS.size())));
                out.println("s");
                String got = s.get();
                String why = FaultTexts.whyCorrupt(got);
                out.println(why == null ? "g" : "BAD " + why);
            }
            out.println("c");
        }
    }
}
