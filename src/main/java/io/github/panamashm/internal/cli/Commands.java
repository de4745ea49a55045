package io.github.panamashm.internal.cli;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;
import io.github.panamashm.internal.Os;
import io.github.panamashm.internal.Shutdown;
import io.github.panamashm.internal.TextBlock;
import io.github.panamashm.internal.linux.ShmObjects;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * The commands: each parses its own arguments, does its work and returns the exit status. A command is a
 * method here taking its arguments, a case in {@link Main}'s dispatch and a text in {@link Usage}.
 */
final class Commands {
    /** The options of every command that attaches to a block. */
    private static final Set<String> BLOCK_OPTIONS = Set.of("--name", "--share");

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Os os;

    Commands(InputStream in, PrintStream out, PrintStream err, Os os) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.os = os;
    }

    static Options parse(List<String> args, Set<String> values, Set<String> flags)
            throws UsageException, Main.HelpRequested {
        return parse(args, values, flags, Set.of());
    }

    static Options parse(List<String> args, Set<String> values, Set<String> flags, Set<String> optionalValues)
            throws UsageException, Main.HelpRequested {
        Options o = Options.parse(args, values, flags, optionalValues);
        if (o.help()) {
            throw new Main.HelpRequested();
        }
        return o;
    }

    private static Set<String> blockOptionsAnd(String... more) {
        Set<String> all = new HashSet<>(BLOCK_OPTIONS);
        all.addAll(List.of(more));
        return all;
    }

    int set(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, BLOCK_OPTIONS, Set.of());
        String name = o.name();
        SharedMemory.Option[] share = o.share(os);
        String text = o.atMostOne("TEXT", true);
        if (text.equals("-")) {
            text = readText(in);
        }
        refuseNul(text);
        try (SharedString block = SharedString.open(name, share)) {
            int stored = block.set(text);
            out.println("stored " + stored + " UTF-16 units in " + name);
            warnIfTruncated(stored, text);
            if (block.created()) {
                // Another process may attach before this one detaches (a hold starting now): then the text stays.
                err.println("note: no other process was attached to " + name + " when set attached: unless one"
                        + " attaches before set exits, the text is freed as set exits (keep the block alive with hold)");
            }
        }
        return Main.OK;
    }

    int get(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, blockOptionsAnd("--cch", "--until"), Set.of("--create"), Set.of("--wait"));
        String name = o.name();
        SharedMemory.Option[] share = o.share(os);
        o.noPositional();
        String cch = o.value("--cch");
        int cchSize = cch == null ? SharedString.MAX_LENGTH + 1 : parseCch(cch);
        String until = o.value("--until");
        Duration timeout = o.flag("--wait") ? parseTimeout(o.value("--wait")) : FOREVER;
        if (until != null) {
            refuseNul(until);
            if (until.length() > SharedString.MAX_LENGTH) {
                throw new UsageException("--until TEXT has " + until.length() + " UTF-16 units, more than the "
                        + SharedString.MAX_LENGTH + " a block holds: it could never be the text");
            }
        }
        if (until != null || o.flag("--wait")) {
            try (SharedString block = attach(name, share, o.flag("--create"))) {
                requireControlArea(block, "get --wait");
                String text = waiting(block, timeout, () -> until != null
                        ? block.await(until::equals, timeout)
                        : block.awaitChange(block.version(), timeout).text());
                out.println(text.substring(0, TextBlock.fittingLength(text, cchSize - 1)));
            }
        } else {
            // Through SharedString, whose get reads a text some set stored whole, never a mix with a set racing it.
            try (SharedString block = attach(name, share, o.flag("--create"))) {
                out.println(block.get(cchSize));
                if (block.created()) {
                    err.println("note: no process was attached to " + name + ", so get created it empty; it is freed"
                            + " as get exits unless another process attaches");
                }
            }
        }
        return Main.OK;
    }

    /**
     * {@return the text block {@code name}: created empty when nobody holds it and {@code create}, else attached
     *         only}
     */
    private static SharedString attach(String name, SharedMemory.Option[] share, boolean create) throws IOException {
        return create ? SharedString.open(name, share) : SharedString.openExisting(name, share);
    }

    int watch(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, blockOptionsAnd("--count"), Set.of("--create", "--null", "-0", "--numbered"));
        String name = o.positionalOrNamed();
        SharedMemory.Option[] share = o.share(os);
        long count = o.value("--count") == null ? Long.MAX_VALUE : parseCount(o.value("--count"));
        boolean nul = o.flag("--null") || o.flag("-0");
        boolean numbered = o.flag("--numbered");
        try (SharedString block = attach(name, share, o.flag("--create"))) {
            requireControlArea(block, "watch");
            // The current text first: it tells a script that watch has attached, and every set after it is shown.
            SharedString.Snapshot s = block.snapshot();
            for (long changes = 0; ; changes++) {
                out.print((numbered ? s.version() + " " : "") + (nul ? s.text() + "\0" : escape(s.text()) + "\n"));
                out.flush();
                if (changes == count || out.checkError()) {
                    return Main.OK; // Main turns an output failure into exit status 1 with its line
                }
                long seen = s.version();
                s = waiting(block, FOREVER, () -> block.awaitChange(seen, FOREVER));
            }
        }
    }

    /** Waiting forever: a Duration too long to count in nanoseconds, which the waits take as no deadline. */
    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    /** One wait of a block, which ends with a value or by timing out. */
    @FunctionalInterface
    private interface Wait<T> {
        T await() throws InterruptedException, TimeoutException;
    }

    /**
     * Runs {@code wait}; a timeout becomes an operation failure saying so. SIGINT and SIGTERM end the JVM while
     * it waits: the library's exit hook then closes the block under the wait, which ends with
     * IllegalStateException. That is no failure to report: this thread parks while the JVM exits with 130 or 143.
     */
    private <T> T waiting(SharedString block, Duration timeout, Wait<T> wait) throws IOException {
        try {
            return wait.await();
        } catch (TimeoutException e) {
            throw new IOException("timed out: " + block.name() + " did not change" + " within " + describe(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + block.name());
        } catch (IllegalStateException e) {
            if (Shutdown.begun()) {
                awaitSignal();
            }
            throw e;
        }
    }

    /** watch and get --wait need the version and the waits of the control area, which the example's block lacks. */
    private void requireControlArea(SharedString block, String command) throws IOException {
        if (!block.hasControlArea()) {
            throw new IOException(command + " needs a block with a control area to wait on, and " + block.name()
                    + " has exactly the example's " + SharedString.BYTE_SIZE + " bytes, without one: it was made by"
                    + " a peer that knows only Microsoft's example (get and set work on it)");
        }
    }

    /**
     * @return {@code text} on one line: a backslash as {@code \\}, a line feed as {@code \n}, a carriage return as
     * {@code \r}; everything else as it is
     */
    static String escape(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String e = switch (c) {
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                default -> null;
            };
            if (e != null && b == null) {
                b = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (b != null) {
                if (e != null) {
                    b.append(e);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? text : b.toString();
    }

    /**
     * @param value seconds, a decimal number such as {@code 5} or {@code 0.25}, or an ISO-8601 duration such as
     *              {@code PT5S}; null when {@code --wait} was given without one
     * @return how long to wait: {@link #FOREVER} for null
     */
    static Duration parseTimeout(String value) throws UsageException {
        if (value == null) {
            return FOREVER;
        }
        Duration d;
        try {
            if (value.startsWith("P") || value.startsWith("p") || value.startsWith("-P") || value.startsWith("-p")) {
                d = Duration.parse(value);
            } else {
                BigDecimal seconds = new BigDecimal(value);
                // Rounded up to whole nanoseconds: a wait is never shorter than asked.
                BigDecimal nanos = seconds.remainder(BigDecimal.ONE).movePointRight(9).setScale(0, RoundingMode.CEILING);
                d = Duration.ofSeconds(seconds.setScale(0, RoundingMode.DOWN).longValueExact(), nanos.longValueExact());
            }
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new UsageException("--wait TIMEOUT must be seconds (5, 0.5) or an ISO-8601 duration (PT5S,"
                    + " PT1M), was \"" + value + "\"");
        }
        if (d.isNegative()) {
            throw new UsageException("--wait TIMEOUT must not be negative, was \"" + value + "\"");
        }
        return d;
    }

    /** @return the timeout as people say it: {@code 5 seconds (PT5S)} */
    private static String describe(Duration timeout) {
        BigDecimal seconds = BigDecimal.valueOf(timeout.getSeconds()).add(BigDecimal.valueOf(timeout.getNano(), 9));
        String s = seconds.stripTrailingZeros().toPlainString();
        return s + (s.equals("1") ? " second" : " seconds") + " (" + timeout + ")";
    }

    static long parseCount(String value) throws UsageException {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--count must be a whole number, was \"" + value + "\"");
        }
        if (n < 0) {
            throw new UsageException("--count must not be negative, was " + n);
        }
        return n;
    }

    int hold(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, blockOptionsAnd("--ready-file"), Set.of("--until-signal"));
        String name = o.name();
        SharedMemory.Option[] share = o.share(os);
        String text = o.atMostOne("TEXT", false);
        boolean untilSignal = o.flag("--until-signal");
        Path ready = o.value("--ready-file") == null ? null : Path.of(o.value("--ready-file")).toAbsolutePath();
        if (text != null) {
            refuseNul(text);
        }
        if (ready != null && Files.exists(ready, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the ready file " + ready + " exists: remove it first (a hold killed with no"
                    + " chance to delete it leaves it)");
        }
        if (ready != null && !Files.isDirectory(ready.getParent())) {
            throw new IOException("cannot create the ready file " + ready + ": " + ready.getParent()
                    + " is no directory");
        }
        Holder holder = new Holder(SharedString.open(name, share), ready);
        // The library's exit hook closes the block, but knows nothing of the ready file. This hook releases both,
        // or waits for the release the end of input started (a signal and the end of input often come together:
        // Process.destroy() does both).
        Runtime.getRuntime().addShutdownHook(new Thread(holder::release, "panama-shm hold release"));
        try {
            String stored = "";
            if (text != null) {
                int n = holder.block.set(text);
                warnIfTruncated(n, text);
                stored = ", stored " + n + " UTF-16 units";
            }
            String signals = os == Os.WINDOWS ? "Ctrl+C" : "SIGINT/SIGTERM";
            out.println("holding " + name + " (created=" + holder.block.created() + stored + "); "
                    + (untilSignal ? "" : "end of input or ") + signals + " releases it");
            holder.announce();
            if (untilSignal) {
                awaitSignal();
            } else {
                byte[] buffer = new byte[8192];
                while (in.read(buffer) >= 0) {
                    // what is typed is ignored: only the end of input matters
                }
            }
        } finally {
            holder.release();
        }
        out.println("released " + name);
        return Main.OK;
    }

    /** What hold holds: the block, and the ready file that says so; released once, by whoever comes first. */
    private static final class Holder {
        final SharedString block;
        private final Path ready;
        private boolean released;

        Holder(SharedString block, Path ready) {
            this.block = block;
            this.ready = ready;
        }

        /** Creates the ready file with this process's id, whole at once (renamed into place). */
        synchronized void announce() throws IOException {
            if (ready == null || released) {
                return;
            }
            try {
                Path tmp = Files.createTempFile(ready.getParent(), ".panama-shm-hold", ".tmp");
                try {
                    Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
                    Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                // NIO's messages are often the bare path: say what was being done, and the exception's type.
                throw new IOException("cannot create the ready file " + ready + ": " + e, e);
            }
        }

        synchronized void release() {
            released = true;
            block.close();
            if (ready != null) {
                try {
                    Files.deleteIfExists(ready);
                } catch (IOException e) {
                    // best effort: the block is what matters, and it is released
                }
            }
        }
    }

    int info(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, BLOCK_OPTIONS, Set.of("--create"));
        String name = o.name();
        SharedMemory.Option[] share = o.share(os);
        o.noPositional();
        try (SharedMemory block = o.flag("--create") ? attachOrCreate(name, share)
                : SharedMemory.openExisting(name, share)) {
            out.println("name: " + block.name());
            out.println("size: " + block.byteSize() + " bytes");
            out.println("created: " + block.created());
            out.println("location: " + block.location());
        }
        return Main.OK;
    }

    /** The real size of a block someone holds, whoever made it; else a new text block, as set makes. */
    private static SharedMemory attachOrCreate(String name, SharedMemory.Option[] share) throws IOException {
        try {
            return SharedMemory.openExisting(name, share);
        } catch (NoSuchSharedMemoryException e) {
            return SharedMemory.openOrCreate(name, SharedString.BYTE_SIZE, share);
        }
    }

    int list(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        parse(args, Set.of(), Set.of()).noPositional();
        requireShmDirectory("file mappings cannot be listed by name, and a mapping vanishes with the last handle"
                + " to it, so none is ever left behind");
        List<ShmObjects.Entry> entries = ShmObjects.list();
        int ownerWidth = "OWNER".length();
        for (ShmObjects.Entry e : entries) {
            ownerWidth = Math.max(ownerWidth, e.owner().length());
        }
        String row = "%-7s %10s %4s %-" + ownerWidth + "s %s";
        out.println(row.formatted("STATE", "SIZE", "MODE", "OWNER", "NAME"));
        for (ShmObjects.Entry e : entries) {
            out.println(row.formatted(e.state().name().toLowerCase(Locale.ROOT), e.size(),
                    String.format("%04o", e.mode()), e.owner(), e.name()));
        }
        return Main.OK;
    }

    int rm(List<String> args) throws UsageException, Main.HelpRequested, IOException {
        Options o = parse(args, Set.of(), Set.of("--force"));
        String name = o.positionalName();
        requireShmDirectory("a file mapping vanishes with the last handle to it, so none is ever left behind to"
                + " remove");
        if (ShmObjects.remove(name, o.flag("--force")) == ShmObjects.Removed.STALE) {
            out.println("removed " + name + " (stale: no process was attached)");
        } else {
            out.println("removed " + name + " although processes are attached: they keep their memory until they"
                    + " detach, and the next attach creates a new block " + name);
        }
        return Main.OK;
    }

    /** list and rm look in /dev/shm, which only Linux has. */
    private void requireShmDirectory(String whyNotOnWindows) throws IOException {
        if (os == Os.WINDOWS) {
            throw new IOException("not available on Windows: " + whyNotOnWindows);
        }
        if (os != Os.LINUX) {
            throw new IOException("not available: it looks in Linux's /dev/shm");
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

    static void refuseNul(String text) throws UsageException {
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
