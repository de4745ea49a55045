package io.github.panamashm.internal.cli;

import io.github.panamashm.testing.Backends;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/panama-shm} and the README's "Command line tool" section, run by failsafe after {@code package} in
 * a fresh directory laid out as a clone after the build ({@code bin/} and {@code target/panama-shm.jar}), with
 * bash, exactly as printed.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ScriptIT {
    private static final String BUILD = "bin/jdk22 mvn -B -q package -DskipTests";

    private final List<Path> dirs = new ArrayList<>();

    record Result(int status, String stdout, String stderr) {
    }

    @AfterEach
    void removeDirs() throws IOException {
        for (Path dir : dirs) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A new directory with the repository's bin/ scripts and, when {@code withJar}, the built jar. */
    private Path clone(boolean withJar) throws IOException {
        Path dir = Files.createTempDirectory("cli2-clone");
        dirs.add(dir);
        Files.createDirectories(dir.resolve("bin"));
        for (String script : List.of("panama-shm", "jdk22")) {
            Files.copy(Path.of("bin", script), dir.resolve("bin").resolve(script));
        }
        if (withJar) {
            Files.createDirectories(dir.resolve("target"));
            String property = System.getProperty("panamashm.jar");
            Files.copy(Path.of(property != null ? property : "target/panama-shm.jar"),
                    dir.resolve("target/panama-shm.jar"));
        }
        return dir;
    }

    /** Runs {@code script} with {@code bash -eu} in {@code dir}, with this environment changed by {@code env}. */
    private static Result bash(Path dir, Map<String, String> env, String script) throws Exception {
        Path file = dir.resolve("script.sh");
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Files.writeString(file, script);
        ProcessBuilder pb = new ProcessBuilder("bash", "-eu", file.toString()).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(ChildJvm.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the script did not end within " + ChildJvm.TIMEOUT + ":\n" + script);
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(file);
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    // ---- bin/panama-shm ----------------------------------------------------------------------------------

    @Test
    @DisplayName("bin/panama-shm runs the jar and its help shows bin/panama-shm, the name it was called by")
    void binPanamaShmRunsTheJar() throws Exception {
        Path dir = clone(true);
        Result r = bash(dir, Map.of(), "bin/panama-shm --help\n./bin/panama-shm get --help\n");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.stdout().startsWith("Usage: bin/panama-shm COMMAND [OPTIONS]\n"), r::toString);
        assertTrue(r.stdout().contains("\nUsage: ./bin/panama-shm get [--name NAME]"), r::toString);
        assertEquals("", r.stderr());
    }

    @Test
    @DisplayName("bin/panama-shm without the jar says how to build it, in one line, and exits with 1")
    void binPanamaShmWithoutTheJarSaysHowToBuildIt() throws Exception {
        Path dir = clone(false);
        Result r = bash(dir, Map.of(), "bin/panama-shm --version\n");
        Path real = dir.toRealPath();
        assertEquals(new Result(1, "", "panama-shm: " + real + "/target/panama-shm.jar is missing; build it with: (cd \""
                + real + "\" && " + BUILD + ")\n"), r);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("bin/panama-shm finds a JDK 22 or newer when JAVA_HOME and the PATH's java are older")
    void binPanamaShmFindsANewJdkPastAnOldDefault() throws Exception {
        Path old = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        Assumptions.assumeTrue(Files.isExecutable(old.resolve("bin/java")), "no JDK 17 at " + old + ": skipped");
        Path dir = clone(true);
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", old.toString());
        env.put("PATH", old.resolve("bin") + ":" + System.getenv("PATH"));
        Result r = bash(dir, env, "java -version 2>&1 | head -1\nbin/panama-shm --version\n");
        assertEquals(0, r.status(), r::toString);
        List<String> lines = r.stdout().lines().toList();
        assertTrue(lines.get(0).contains("\"17"), "the default java is 17: " + r);
        assertTrue(lines.get(1).matches("panama-shm \\S+ \\(Java (2[2-9]|[3-9]\\d)\\S*, Linux \\S+\\)"), r::toString);
    }

    // ---- the README's section ----------------------------------------------------------------------------

    /** @return the README's "## Command line tool" section, up to the next heading of its level */
    static String cliSection() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("## Command line tool\n");
        assertTrue(start >= 0, "README.md has no \"## Command line tool\" section");
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end + 1);
    }

    static List<String> shellBlocks(String section) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```(\\w*)\n(.*?)```\n", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            assertEquals("sh", m.group(1), "every code block of the section is a shell block:\n" + m.group());
            blocks.add(m.group(2));
        }
        return blocks;
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("every shell block of the README's Command line tool section runs as printed, prints what its #>"
            + " comments show, and leaves nothing")
    void theReadmesCommandsWorkAsPrinted() throws Exception {
        List<String> blocks = shellBlocks(cliSection());
        assertTrue(blocks.size() >= 3, "the section's shell blocks: " + blocks);
        for (String block : blocks) {
            String name = TestNames.unique("cli2-readme");
            String script = block.replace("my-text", name); // the only change: a name of this run's own
            Result r = bash(clone(true), Map.of(), script);
            assertEquals(0, r.status(), () -> script + "\n" + r);
            int from = 0;
            List<String> lines = r.stdout().lines().toList();
            for (String expected : expectations(script)) {
                int at = lines.subList(from, lines.size()).indexOf(expected);
                assertTrue(at >= 0, "\"" + expected + "\" was not printed (in order) by\n" + script + "\n" + r);
                from += at + 1;
            }
            Backends.assertGone(name);
        }
    }

    /** @return what the {@code #> text} comments of a block say its commands print, in order */
    private static List<String> expectations(String block) {
        List<String> expected = new ArrayList<>();
        for (String line : block.lines().toList()) {
            int at = line.indexOf("#> ");
            if (at >= 0) {
                expected.add(line.substring(at + 3).strip());
            }
        }
        return expected;
    }

    @Test
    @DisplayName("the README's build command for the tool is the one bin/panama-shm gives when the jar is missing")
    void theReadmesBuildCommandIsTheScripts() throws IOException {
        assertTrue(cliSection().contains("`" + BUILD + "`"), "the section shows " + BUILD);
        assertTrue(Files.readString(Path.of("bin", "panama-shm")).contains(BUILD));
    }
}
