package io.github.panamashm.bench;

import io.github.panamashm.SharedString;

import java.time.Duration;

/**
 * The other process of {@link PingPongBench}: answers every "ping" with "pong" until it is killed, waiting
 * for each with {@code awaitChange}, on a platform thread or (argument {@code virtual}) a virtual one.
 */
public final class PingPongEcho {
    public static void main(String[] args) throws Exception {
        SharedString s = SharedString.open(args[0]);
        Runnable loop = () -> {
            try {
                long seen = s.version();
                System.out.println("ready");
                System.out.flush();
                while (true) {
                    SharedString.Snapshot got = s.awaitChange(seen, Duration.ofDays(1));
                    seen = got.version();
                    if (got.text().equals(PingPongBench.PING)) {
                        s.set(PingPongBench.PONG);
                        seen++; // our pong: the other side sets nothing until it has seen it
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        };
        (args[1].equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform()).start(loop).join();
    }
}
