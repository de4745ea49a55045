package io.github.panamashm.bench;

import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A whole attach + detach of a 4096-byte block that nobody else holds, so every cycle creates the block and
 * frees it (the example's DLL loaded and unloaded by a lone process).
 *
 * <ul>
 *   <li>{@code panama_openClose}: {@code SharedString.open(name)} + {@code close()};</li>
 *   <li>{@code panama_openCloseSegment}: {@code SharedMemory.openOrCreate} + {@code segment()} + {@code close()},
 *       the path that hands out a segment usable from any thread, so pays the shared arena's handshake;</li>
 *   <li>{@code mbb_openClose}: pure Java: open a file in /dev/shm (creating it), map it, close the channel,
 *       delete the file; the mapping itself is only released by GC, and there is no lifetime protocol;</li>
 *   <li>{@code jna_openClose}: the same lifetime protocol as panama-shm and bench/shm_c.c, through JNA.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CycleBench {
    private static final int BYTE_SIZE = SharedString.BYTE_SIZE;

    private String name;
    private String object;
    private Path file;

    @Setup(Level.Trial)
    public void setUp() {
        name = BenchNames.unique("cycle");
        object = "/" + name;
        file = Path.of("/dev/shm", name);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        BenchNames.delete(name);
    }

    @Benchmark
    public boolean panama_openClose() throws IOException {
        SharedString s = SharedString.open(name);
        s.close();
        return s.created();
    }

    @Benchmark
    public long panama_openCloseSegment() throws IOException {
        SharedMemory m = SharedMemory.openOrCreate(name, BYTE_SIZE);
        long address = m.segment().address();
        m.close();
        return address;
    }

    @Benchmark
    public MappedByteBuffer mbb_openClose() throws IOException {
        MappedByteBuffer mbb;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            mbb = ch.map(FileChannel.MapMode.READ_WRITE, 0, BYTE_SIZE);
        }
        Files.delete(file);
        return mbb;
    }

    @Benchmark
    public boolean jna_openClose() {
        JnaLibC.Block b = JnaLibC.attach(object, BYTE_SIZE);
        JnaLibC.detach(object, b, BYTE_SIZE);
        return b.created();
    }
}
