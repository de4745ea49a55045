package io.github.panamashm.reliability;

import io.github.panamashm.SharedString;
import io.github.panamashm.testing.Texts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child JVM for {@link CloseRaceTest}, so that a crash shows as an exit code and an hs_err file instead of
 * killing the test JVM. Each round attaches a block, starts worker threads that set, get and touch the raw
 * segment in a loop, waits until every worker is running, then closes the block from two threads at once.
 * Every worker must end with {@link IllegalStateException}, nothing else. Prints {@code ok ...} and exits 0,
 * or prints {@code FAIL ...} and exits 1.
 */
public final class CloseRacer {
    public static void main(String[] args) throws Exception {
        String name = args[0];
        int rounds = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        String[] texts = {"short", "x".repeat(Texts.MAX), Texts.text(new Random(3), 3000, false, true)};
        AtomicLong ops = new AtomicLong();
        AtomicLong ise = new AtomicLong();
        AtomicLong closeRetries = new AtomicLong();
        AtomicReference<Throwable> other = new AtomicReference<>();
        for (int round = 0; round < rounds && other.get() == null; round++) {
            SharedString s = SharedString.open(name);
            MemorySegment raw = s.memory().segment();
            CountDownLatch running = new CountDownLatch(threads);
            List<Thread> workers = new ArrayList<>();
            int r = round;
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    long n = 0;
                    try {
                        while (true) {
                            switch ((int) ((n + id + r) % 4)) {
                                case 0 -> s.set(texts[(int) (n % texts.length)]);
                                case 1 -> {
                                    if (s.get().length() > Texts.MAX) {
                                        throw new AssertionError("get returned more than 2047 units");
                                    }
                                }
                                case 2 -> s.get(1 + (int) (n % 3000));
                                default -> raw.set(ValueLayout.JAVA_LONG_UNALIGNED, 4088, n);
                            }
                            if (++n == 50) {
                                running.countDown();
                            }
                        }
                    } catch (IllegalStateException e) {
                        ise.incrementAndGet();
                    } catch (Throwable e) {
                        other.compareAndSet(null, e);
                    } finally {
                        if (n < 50) {
                            running.countDown();
                        }
                        ops.addAndGet(n);
                    }
                }));
            }
            if (!running.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("workers did not start");
            }
            Runnable closer = () -> {
                while (true) {
                    try {
                        s.close();
                        return;
                    } catch (IllegalStateException e) {
                        closeRetries.incrementAndGet(); // a thread held the segment; close again
                    }
                }
            };
            Thread c1 = Thread.ofPlatform().start(closer);
            Thread c2 = Thread.ofPlatform().start(closer);
            c1.join();
            c2.join();
            for (Thread w : workers) {
                w.join(60_000);
                if (w.isAlive()) {
                    throw new AssertionError("a worker did not stop after close");
                }
            }
            if (Files.exists(Path.of("/dev/shm", name))) {
                throw new AssertionError("round " + round + ": the block outlived its only attacher");
            }
            if (Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.contains(name))) {
                throw new AssertionError("round " + round + ": the block is still mapped after close");
            }
        }
        Throwable t = other.get();
        if (t != null) {
            System.out.println("FAIL " + t);
            t.printStackTrace();
            System.exit(1);
        }
        long expected = (long) rounds * threads;
        System.out.println("ok rounds=" + rounds + " threads=" + threads + " ops=" + ops.get() + " ise=" + ise.get()
                + " expected=" + expected + " closeRetries=" + closeRetries.get());
    }
}
