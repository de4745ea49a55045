package io.github.panamashm.bench;

import com.sun.jna.Pointer;
import io.github.panamashm.SharedMemory;
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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Text in and out of a 4096-byte block: {@code set} + {@code get}, and {@code get} alone, for 21 (the example's
 * "This is a test string"), 256 and 2047 units.
 *
 * <ul>
 *   <li>{@code floor_*}: {@code MemorySegment.copy} of the same bytes (char[] to block, block to char[]);</li>
 *   <li>{@code floorString_*}: the same plus {@code new String} of the units read, which any API returning a
 *       String pays;</li>
 *   <li>{@code panama_*}: {@link SharedString};</li>
 *   <li>{@code baseline_*}: the {@code SharedString} of {@code BASELINE_REF} (bench/run.sh; the code before the
 *       latch), loaded in this same JVM ({@link Baseline});</li>
 *   <li>{@code mbb_*}: what a pure-Java user writes without this library: {@code FileChannel.map} of a file in
 *       /dev/shm and a little-endian {@link CharBuffer} view;</li>
 *   <li>{@code jna_*}: the block mapped through JNA, text through {@code Pointer.write}/{@code getByteArray}.</li>
 * </ul>
 * The C loop of Microsoft's example is timed by bench/shm_c.c; bench/run.sh prints the ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TextBench {
    private static final int BYTE_SIZE = SharedString.BYTE_SIZE;
    private static final int MAX = SharedString.MAX_LENGTH;
    private static final ValueLayout.OfChar UNIT = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Param({"21", "256", "2047"})
    public int length;

    private String text;
    private char[] chars;
    private char[] out;

    private String panamaName;
    private SharedString shared;
    private Object baseline;
    private SharedMemory floorBlock;
    private MemorySegment floorSegment;

    private String mbbName;
    private CharBuffer view;

    private String jnaName;
    private JnaLibC.Block jnaBlock;
    private Pointer jnaPointer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        text = BenchNames.text(length);
        chars = text.toCharArray();
        out = new char[MAX + 1];

        panamaName = BenchNames.unique("text");
        shared = SharedString.open(panamaName);
        shared.set(text);
        try {
            baseline = Baseline.OPEN.invokeExact(BenchNames.unique("baseline"));
            int stored = (int) Baseline.SET.invokeExact(baseline, (CharSequence) text);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }

        floorBlock = SharedMemory.openOrCreate(BenchNames.unique("floor"), BYTE_SIZE);
        floorSegment = floorBlock.segment();
        MemorySegment.copy(chars, 0, floorSegment, UNIT, 0, length);
        floorSegment.set(UNIT, 2L * length, '\0');

        mbbName = BenchNames.unique("mbb");
        try (FileChannel ch = FileChannel.open(Path.of("/dev/shm", mbbName), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer mbb = ch.map(FileChannel.MapMode.READ_WRITE, 0, BYTE_SIZE);
            view = mbb.order(ByteOrder.LITTLE_ENDIAN).asCharBuffer();
        }
        mbbSet();

        jnaName = BenchNames.unique("jna");
        jnaBlock = JnaLibC.attach("/" + jnaName, BYTE_SIZE);
        jnaPointer = jnaBlock.address();
        jnaSet();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Throwable {
        shared.close();
        Baseline.CLOSE.invokeExact(baseline);
        floorBlock.close();
        JnaLibC.detach("/" + jnaName, jnaBlock, BYTE_SIZE);
        view = null; // the mapping goes with the buffer, at GC
        BenchNames.delete(mbbName);
    }

    // ---- the floor: copy the same bytes in and out ----

    @Benchmark
    public char[] floor_setGet() {
        MemorySegment.copy(chars, 0, floorSegment, UNIT, 0, length);
        floorSegment.set(UNIT, 2L * length, '\0');
        MemorySegment.copy(floorSegment, UNIT, 0, out, 0, length);
        return out;
    }

    @Benchmark
    public char[] floor_get() {
        MemorySegment.copy(floorSegment, UNIT, 0, out, 0, length);
        return out;
    }

    // ---- the floor plus the String that get must return (what any String-returning API pays) ----

    @Benchmark
    public String floorString_setGet() {
        MemorySegment.copy(chars, 0, floorSegment, UNIT, 0, length);
        floorSegment.set(UNIT, 2L * length, '\0');
        MemorySegment.copy(floorSegment, UNIT, 0, out, 0, length);
        return new String(out, 0, length);
    }

    @Benchmark
    public String floorString_get() {
        MemorySegment.copy(floorSegment, UNIT, 0, out, 0, length);
        return new String(out, 0, length);
    }

    // ---- panama-shm ----

    @Benchmark
    public String panama_setGet() {
        shared.set(text);
        return shared.get();
    }

    @Benchmark
    public int panama_set() {
        return shared.set(text);
    }

    @Benchmark
    public String panama_get() {
        return shared.get();
    }

    // ---- the same, before the change ----

    @Benchmark
    public String baseline_setGet() throws Throwable {
        int stored = (int) Baseline.SET.invokeExact(baseline, (CharSequence) text);
        return (String) Baseline.GET.invokeExact(baseline);
    }

    @Benchmark
    public int baseline_set() throws Throwable {
        return (int) Baseline.SET.invokeExact(baseline, (CharSequence) text);
    }

    @Benchmark
    public String baseline_get() throws Throwable {
        return (String) Baseline.GET.invokeExact(baseline);
    }

    // ---- pure Java: MappedByteBuffer + CharBuffer view ----

    private void mbbSet() {
        view.clear();
        view.put(text);
        view.put('\0');
    }

    private String mbbGet() {
        int n = 0;
        while (n < MAX && view.get(n) != 0) {
            n++;
        }
        return view.slice(0, n).toString();
    }

    @Benchmark
    public String mbb_setGet() {
        mbbSet();
        return mbbGet();
    }

    @Benchmark
    public String mbb_get() {
        return mbbGet();
    }

    // ---- JNA ----

    private void jnaSet() {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_16LE);
        jnaPointer.write(0, bytes, 0, bytes.length);
        jnaPointer.setShort(bytes.length, (short) 0);
    }

    private String jnaGet() {
        byte[] bytes = jnaPointer.getByteArray(0, BYTE_SIZE);
        int n = 0;
        while (n < MAX && (bytes[2 * n] | bytes[2 * n + 1]) != 0) {
            n++;
        }
        return new String(bytes, 0, 2 * n, StandardCharsets.UTF_16LE);
    }

    @Benchmark
    public String jna_setGet() {
        jnaSet();
        return jnaGet();
    }

    @Benchmark
    public String jna_get() {
        return jnaGet();
    }
}
