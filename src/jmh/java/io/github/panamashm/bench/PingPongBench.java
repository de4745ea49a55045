package io.github.panamashm.bench;

import io.github.panamashm.SharedString;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cross-process round trip through a text block: this JVM sets "ping" and waits with {@code awaitChange} for
 * the other process ({@link PingPongEcho}, a second JVM) to answer "pong", which it too waits for with
 * {@code awaitChange}. Both sides sleep in {@code FUTEX_WAIT} and are woken by the other's set. The C
 * baseline, bench/shm_c.c's {@code c_pingPong}, is two processes doing the same with a bare futex word.
 * {@code peer} says on which kind of thread the other process waits: a platform thread waits in the OS
 * itself, a virtual thread through the block's watcher thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PingPongBench {
    static final String PING = "ping";
    static final String PONG = "pong";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Param({"platform", "virtual"})
    public String peer;

    private SharedString block;
    private Process echo;
    private long version;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String name = BenchNames.unique("pingpong");
        block = SharedString.open(name);
        echo = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                PingPongEcho.class.getName(), name, peer)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(echo.getInputStream())).readLine();
        if (!"ready".equals(line)) {
            throw new IllegalStateException("the echo process said " + line);
        }
        version = block.version();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        echo.destroyForcibly().waitFor();
        block.close();
    }

    @Benchmark
    public long panama_pingPong() throws Exception {
        block.set(PING); // version + 1: the echo sets nothing until it sees it
        version = block.awaitChange(version + 1, TIMEOUT).version();
        return version;
    }
}
