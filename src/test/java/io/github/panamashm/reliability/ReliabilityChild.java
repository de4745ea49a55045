package io.github.panamashm.reliability;

import io.github.panamashm.SharedString;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM of the reliability tests about leaving: each command prints the lines its test synchronises
 * on, and exits the way the test is about.
 */
public final class ReliabilityChild {
    private ReliabilityChild() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        switch (args[0]) {
            case "open-then-return" -> { // attach, wait for a line, end main with the block open
                SharedString.open(args[1]).set("open at exit");
                System.out.println("open");
                in.readLine();
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
