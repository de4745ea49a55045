package io.github.panamashm.reliability;

import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The child JVM of the reliability tests about leaving and running short: each command prints the lines its
 * test synchronises on, then ends the way the test is about (main returning with blocks open, System.exit
 * while threads attach, a shutdown hook that opens a block...).
 */
public final class ReliabilityChild {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private ReliabilityChild() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        switch (args[0]) {
            case "open-then-return" -> { // attach, wait for a line, end main with the block open
                SharedString.open(args[1]).set("open at exit");
                OUT.println("open");
                in.readLine();
            }
            case "open-in-hook" -> openInHook(args[1], Boolean.parseBoolean(args[2]));
            case "exit-race" -> exitRace(args[1], Integer.parseInt(args[2]));
            case "attach-in-flight" -> attachInFlight(args[1], in);
            case "exhaust" -> exhaust(args[1]);
            case "closed-loader" -> closedLoader(Path.of(args[1]), args[2]);
            case "truncated" -> truncated(args[1], in);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /**
     * A shutdown hook of this program's own opens NAME-hook; when {@code holding}, main also leaves NAME-main
     * open and the hook reads it. The hook prints what each got.
     */
    private static void openInHook(String name, boolean holding) throws Exception {
        SharedString main = holding ? SharedString.open(name + "-main") : null;
        if (main != null) {
            main.set("from main");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (SharedString s = SharedString.open(name + "-hook")) {
                OUT.println("hook opened created=" + s.created());
            } catch (Throwable e) {
                OUT.println("hook refused " + e);
            }
            if (main != null) {
                try {
                    OUT.println("hook read " + main.get());
                } catch (IllegalStateException e) {
                    OUT.println("hook read refused " + e.getMessage());
                }
            }
        }));
        OUT.println("returning");
    }

    /**
     * {@code threads} threads, half of them virtual, open, set, get and close blocks in a loop (NAME-0..2,
     * shared); once each has done a cycle, main calls System.exit while they run. A refusal or a block closed
     * under them is what exit may do to them; anything else is printed as ERROR.
     */
    private static void exitRace(String name, int threads) throws Exception {
        CountDownLatch cycled = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Runnable loop = () -> {
                for (int i = 0; ; i++) {
                    try (SharedString s = SharedString.open(name + "-" + (id + i) % 3)) {
                        s.set("thread " + id);
                        s.get();
                    } catch (IllegalStateException e) {
                        // refused (shutting down) or closed by the exit hook: what exit does
                    } catch (Throwable e) {
                        OUT.println("ERROR " + e);
                        return;
                    }
                    if (i == 0) {
                        cycled.countDown();
                    }
                }
            };
            (t % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual()).start(loop);
        }
        cycled.await();
        OUT.println("racing");
        System.exit(0);
    }

    /**
     * A thread opens NAME, whose byte 1 the parent holds, so it waits; main then calls System.exit. A shutdown
     * hook of this program's own says that shutdown has begun and holds the JVM until stdin has a line, while
     * the parent lets the waiting attach through: it must be undone, or detached by the exit hook.
     */
    private static void attachInFlight(String name, BufferedReader in) throws Exception {
        Thread attacher = Thread.ofPlatform().start(() -> {
            try {
                SharedString s = SharedString.open(name, Duration.ofMinutes(1)); // kept open: exit's business
                OUT.println("attached created=" + s.created());
            } catch (IllegalStateException e) {
                OUT.println("refused " + e.getMessage());
            } catch (Throwable e) {
                OUT.println("ERROR " + e);
            }
        });
        while (attacher.getState() != Thread.State.TIMED_WAITING) { // sleeping between tries of byte 1
            Thread.onSpinWait();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            OUT.println("shutdown began");
            try {
                in.readLine();
            } catch (Exception e) {
                OUT.println("ERROR " + e);
            }
        }));
        OUT.println("exiting");
        System.exit(0);
    }

    /**
     * Opens NAME-0, NAME-1... until the OS refuses (run under ulimit -n). Then, still without a descriptor to
     * spare, lets a holder take NAME-0's byte 1 (in the descriptor that closing NAME-1 frees) and closes
     * NAME-0, which must give up at the deadline; then closes the rest, and reopens NAME-0, stale by now.
     */
    private static void exhaust(String name) throws Exception {
        Class.forName(MutexHolder.class.getName()); // loaded while class files can still be opened
        List<SharedMemory> open = new ArrayList<>();
        try {
            while (true) {
                open.add(SharedMemory.openOrCreate(name + "-" + open.size(), 4096));
            }
        } catch (Throwable e) {
            OUT.println("refused after " + open.size() + ": " + e);
        }
        open.remove(1).close();
        try (MutexHolder ignored = MutexHolder.hold(name + "-0")) {
            open.remove(0).close();
            OUT.println("held close returned");
        } catch (Throwable e) {
            OUT.println("held close: " + e);
        }
        int closed = 0;
        for (SharedMemory m : open) {
            try {
                m.close();
                closed++;
            } catch (Throwable e) {
                OUT.println("close failed: " + e);
            }
        }
        OUT.println("closed " + closed);
        try (SharedMemory again = SharedMemory.openOrCreate(name + "-0", 4096)) {
            OUT.println("reopened created=" + again.created());
        }
    }

    /**
     * Loads panama-shm from {@code classes} in a class loader of its own, opens NAME through it, closes the
     * class loader and returns from main with the block open: the exit hook must still detach it.
     */
    private static void closedLoader(Path classes, String name) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        Class<?> type = loader.loadClass(SharedString.class.getName());
        Object s = type.getMethod("open", String.class).invoke(null, name);
        type.getMethod("set", CharSequence.class).invoke(s, "loaded elsewhere");
        loader.close();
        OUT.println("open through a closed loader: " + (type.getClassLoader() == loader));
    }

    /** Opens NAME, waits while a neighbour truncates the object, then touches it every way and closes. */
    private static void truncated(String name, BufferedReader in) throws Exception {
        SharedString s = SharedString.open(name);
        s.set("before");
        OUT.println("open");
        in.readLine();
        for (Runnable access : new Runnable[]{s::get, () -> s.set("after"),
                () -> s.memory().segment().get(ValueLayout.JAVA_INT, 0)}) {
            try {
                access.run();
                OUT.println("no error");
            } catch (Throwable e) {
                OUT.println("threw " + e.getClass().getName());
            }
        }
        s.close();
        OUT.println("closed");
    }
}
