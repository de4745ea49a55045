package io.github.panamashm.reliability;

import io.github.panamashm.SharedString;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A child JVM that reads in a tight loop until its standard input closes: attaches to {@code args[0]}, prints
 * "reading", then checks every {@code get()} with {@link SyncTexts#whyTorn}, prints "read N" after every
 * {@code args[1]} reads, "BAD ..." for the first torn read, and at the end "done reads=N torn=M".
 */
public final class TextReader {
    public static void main(String[] args) throws Exception {
        int every = Integer.parseInt(args[1]);
        AtomicBoolean stop = new AtomicBoolean();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // until the parent closes our stdin
                }
            } catch (IOException e) {
                // the parent went away
            }
            stop.set(true);
        });
        long reads = 0;
        long torn = 0;
        try (SharedString s = SharedString.open(args[0])) {
            System.out.println("reading");
            System.out.flush();
            while (!stop.get()) {
                String why = SyncTexts.whyTorn(s.get());
                reads++;
                if (why != null && torn++ == 0) {
                    System.out.println("BAD " + why);
                }
                if (reads % every == 0) {
                    System.out.println("read " + reads);
                    System.out.flush();
                }
            }
        }
        System.out.println("done reads=" + reads + " torn=" + torn);
    }
}
