package io.github.panamashm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reliability suite's figures: each area prints one summary line and leaves one row in
 * {@code target/reliability-figures.md}, a markdown table rebuilt from every area's latest row (kept in
 * {@code target/reliability-figures/AREA.row}), so the table always shows the last run of each area.
 *
 * <p>The run's length comes from system properties that the {@code reliability} Maven profile sets (see
 * {@link #longRun()}); the default test run uses the short values.
 */
public final class Figures {
    private static final Path DIR = Path.of("target", "reliability-figures");
    private static final Path TABLE = Path.of("target", "reliability-figures.md");
    /** The order of the rows in the table. */
    private static final List<String> AREAS = List.of("names", "neighbours", "properties", "faults", "close race", "load", "stuck peers",
            "exit");

    private Figures() {
    }

    /** @return true under {@code -Preliability}, which sets {@code reliability.long=true} */
    public static boolean longRun() {
        return Boolean.getBoolean("reliability.long");
    }

    /** @return the integer system property {@code key}, or {@code shortValue} / {@code longValue} by run length */
    public static int setting(String key, int shortValue, int longValue) {
        return Integer.getInteger(key, longRun() ? longValue : shortValue);
    }

    /** @return the seed from {@code reliability.seed}, else a new one; printed by the caller */
    public static long seed() {
        Long s = Long.getLong("reliability.seed");
        return s != null ? s : System.nanoTime();
    }

    /**
     * One area's figures.
     *
     * @param area       the row's name, one of names, neighbours, properties, faults, close race, load, stuck
     *                   peers, exit
     * @param processes  child processes started
     * @param threads    threads that used blocks concurrently (per process, summed over processes)
     * @param operations attach, detach, set and get calls made (or rule checks, for pure functions)
     * @param kills      processes killed with -9 that the others survived
     * @param inputs     names, texts or cchSize values tried
     * @param leaks      descriptors, mappings or /dev/shm objects left behind (0 when the area passed)
     * @param detail     a few words: seed, duration, what was special
     */
    public record Row(String area, long processes, long threads, long operations, long kills, long inputs,
                      long leaks, String detail) {
        String line() {
            return "[reliability] " + area + ": processes=" + processes + " threads=" + threads + " operations="
                    + operations + " kills survived=" + kills + " inputs tried=" + inputs + " leaks found=" + leaks
                    + " (" + detail + ")";
        }

        String markdown() {
            return "| " + area + " | " + processes + " | " + threads + " | " + operations + " | " + kills + " | "
                    + inputs + " | " + leaks + " | " + detail.replace("|", "/") + " |";
        }
    }

    /** Prints {@code row}'s summary line and rewrites the table with it. */
    public static synchronized void report(Row row) {
        System.out.println(row.line());
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(row.area().replace(' ', '-') + ".row"), row.markdown() + "\n",
                    StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>();
            lines.add("| area | processes | threads | operations | kills survived | inputs tried | leaks found | run |");
            lines.add("|---|---:|---:|---:|---:|---:|---:|---|");
            for (String area : AREAS) {
                Path p = DIR.resolve(area.replace(' ', '-') + ".row");
                if (Files.exists(p)) {
                    lines.add(Files.readString(p, StandardCharsets.UTF_8).strip());
                }
            }
            Files.write(TABLE, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
