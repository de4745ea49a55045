package io.github.panamashm.reliability;

import io.github.panamashm.SharedString;
import io.github.panamashm.testing.Texts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A child JVM for {@link LoadTest}. Protocol on stdin/stdout: prints {@code ready} once it holds the block;
 * on {@code go} runs its threads for the given time, each attaching and detaching its own handles and
 * setting and getting random texts, then prints {@code done ops=N attaches=M sets=S}, or {@code FAIL ...} for any
 * exception or a get longer than allowed; on {@code check} prints {@code final LENGTH HASH} of what it reads;
 * on {@code close} detaches and prints {@code leaks} figures counted in {@code /proc/self}.
 */
public final class LoadWorker {
    private static final AtomicLong SETS = new AtomicLong();
    public static void main(String[] args) throws Exception {
        String name = args[0];
        long seed = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        long millis = Long.parseLong(args[3]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

        // Warm up what the JVM opens lazily (classes, a thread, the binding handles), then count.
        try (SharedString warm = SharedString.open(name + "-warm")) {
            warm.set("warm");
        }
        Thread.ofPlatform().start(() -> { }).join();
        long fdShm0 = fds(true);
        long fdAll0 = fds(false);
        long maps0 = shmMaps();

        SharedString holder = SharedString.open(name);
        out.println("ready");
        expect(in, "go");
        AtomicLong ops = new AtomicLong();
        AtomicLong attaches = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random r = new Random(seed * 31 + t);
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    while (System.nanoTime() < deadline && failure.get() == null) {
                        if (r.nextInt(3) == 0) {
                            try (SharedString own = SharedString.open(name)) {
                                attaches.incrementAndGet();
                                ops.incrementAndGet();
                                if (own.created()) {
                                    throw new AssertionError("created() while the holder is attached");
                                }
                                for (int i = r.nextInt(5); i >= 0; i--) {
                                    step(own, r);
                                    ops.incrementAndGet();
                                }
                            }
                            ops.incrementAndGet();
                        } else {
                            step(holder, r);
                            ops.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e.toString());
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            out.println("FAIL " + failure.get());
            System.exit(1);
        }
        out.println("done ops=" + ops.get() + " attaches=" + attaches.get() + " sets=" + SETS.get());
        expect(in, "check");
        String last = holder.get();
        out.println("final " + last.length() + " " + last.hashCode());
        expect(in, "close");
        holder.close();
        out.println("leaks fdShm=" + fdShm0 + "->" + fds(true) + " fdAll=" + fdAll0 + "->" + fds(false)
                + " maps=" + maps0 + "->" + shmMaps());
    }

    private static void step(SharedString s, Random r) {
        if (r.nextBoolean()) {
            String t = Texts.interesting(r, false);
            SETS.incrementAndGet();
            int n = s.set(t);
            if (n > Texts.MAX || n > t.length() || n < Math.min(t.length(), Texts.MAX) - 1) {
                throw new AssertionError("set stored " + n + " of " + t.length() + " units");
            }
        } else if (r.nextBoolean()) {
            if (s.get().length() > Texts.MAX) {
                throw new AssertionError("get returned more than 2047 units");
            }
        } else {
            int cch = 1 + r.nextInt(2100);
            if (s.get(cch).length() > cch - 1) {
                throw new AssertionError("get(" + cch + ") returned more than cch - 1 units");
            }
        }
    }

    private static void expect(BufferedReader in, String word) throws IOException {
        String line = in.readLine();
        if (!word.equals(line)) {
            throw new IllegalStateException("expected " + word + ", got " + line);
        }
    }

    /** @return open descriptors: all, or those on a /dev/shm object */
    private static long fds(boolean shmOnly) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                if (!shmOnly) {
                    return true;
                }
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("/dev/shm/");
                } catch (IOException e) {
                    return false; // the descriptor of the listing itself, closed meanwhile
                }
            }).count();
        }
    }

    /** @return lines of /proc/self/maps that map a /dev/shm object */
    private static long shmMaps() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("/dev/shm/")).count();
    }
}
