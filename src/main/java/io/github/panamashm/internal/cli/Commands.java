package io.github.panamashm.internal.cli;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** set, get, hold and info: each attaches, does its work and detaches. */
final class Commands {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;

    Commands(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    private static Options parse(List<String> args, Set<String> values, Set<String> flags)
            throws UsageException, Main.HelpRequested {
        Options o = Options.parse(args, values, flags);
        if (o.help()) {
            throw new Main.HelpRequested();
        }
        return o;
    }

    int set(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, Set.of("--name"), Set.of());
        String name = o.name();
        String text = o.atMostOne("TEXT", true);
        if (text.equals("-")) {
            text = readText(in);
        }
        refuseNul(text);
        try (SharedString block = SharedString.open(name)) {
            int stored = block.set(text);
            out.println("stored " + stored + " UTF-16 units in " + name);
            warnIfTruncated(stored, text);
            if (block.created()) {
                err.println("note: no other process is attached to " + name + ", so the text is freed as set"
                        + " exits; keep the block alive with hold");
            }
        }
        return Main.OK;
    }

    int get(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, Set.of("--name", "--cch"), Set.of());
        String name = o.name();
        o.noPositional();
        String cch = o.value("--cch");
        int cchSize = cch == null ? SharedString.MAX_LENGTH + 1 : parseCch(cch);
        try (SharedString block = SharedString.open(name)) {
            out.println(block.get(cchSize));
            if (block.created()) {
                err.println("note: no process was attached to " + name + ", so this is a fresh, empty block;"
                        + " keep a block alive with hold");
            }
        }
        return Main.OK;
    }

    int hold(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, Set.of("--name"), Set.of("--until-signal"));
        String name = o.name();
        String text = o.atMostOne("TEXT", false);
        boolean untilSignal = o.flag("--until-signal");
        if (text != null) {
            refuseNul(text);
        }
        SharedString block = SharedString.open(name);
        // SharedMemory.close() returns at once when another thread's close is under way, so the library's
        // exit hook alone would let the JVM halt in the middle of the release that the end of input started
        // (a signal and the end of input often come together: Process.destroy() does both). This hook waits
        // for that release, or does it.
        Object release = new Object();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (release) {
                block.close();
            }
        }, "panama-shm hold release"));
        try {
            String stored = "";
            if (text != null) {
                int n = block.set(text);
                warnIfTruncated(n, text);
                stored = ", stored " + n + " UTF-16 units";
            }
            out.println("holding " + name + " (created=" + block.created() + stored + "); "
                    + (untilSignal ? "" : "end of input or ") + "SIGINT/SIGTERM releases it");
            if (untilSignal) {
                awaitSignal();
            } else {
                byte[] buffer = new byte[8192];
                while (in.read(buffer) >= 0) {
                    // what is typed is ignored: only the end of input matters
                }
            }
        } finally {
            synchronized (release) {
                block.close();
            }
        }
        out.println("released " + name);
        return Main.OK;
    }

    int info(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, Set.of("--name"), Set.of());
        String name = o.name();
        o.noPositional();
        try (SharedMemory block = attachForInfo(name)) {
            out.println("name: " + block.name());
            out.println("size: " + block.byteSize() + " bytes");
            out.println("created: " + block.created());
            out.println("location: " + block.location());
        }
        return Main.OK;
    }

    /** The real size of a block someone holds, whoever made it; else a new text block, as set and get make. */
    private static SharedMemory attachForInfo(String name) throws IOException {
        try {
            return SharedMemory.openExisting(name);
        } catch (NoSuchSharedMemoryException e) {
            return SharedMemory.openOrCreate(name, SharedString.BYTE_SIZE);
        }
    }

    private void warnIfTruncated(int stored, String text) {
        if (stored < text.length()) {
            err.println("warning: text truncated to " + stored + " of " + text.length() + " UTF-16 units (the block"
                    + " holds at most " + SharedString.MAX_LENGTH + ")");
        }
    }

    private static int parseCch(String value) throws UsageException {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--cch must be a whole number, was \"" + value + "\"");
        }
        if (n < 1) {
            throw new UsageException("--cch must be at least 1 (room for the NUL), was " + n);
        }
        return n;
    }

    private static void refuseNul(String text) throws UsageException {
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw new UsageException("TEXT must not contain NUL (at index " + nul + ")");
        }
    }

    /** All of standard input as UTF-8, without one final line break. */
    private static String readText(InputStream in) throws IOException {
        String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        if (s.endsWith("\n")) {
            return s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** Parks until the JVM exits on a signal; the shutdown hooks detach. */
    private static void awaitSignal() {
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // nothing interrupts this thread on purpose; keep holding
            }
        }
    }
}
