package io.github.panamashm;

import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.LatchedText;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.TextBlock;
import io.github.panamashm.internal.TextSync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The example's shared text block: a NUL-terminated UTF-16LE string in a {@value #BYTE_SIZE}-byte block,
 * byte-compatible with Microsoft's "Using Shared Memory in a Dynamic-Link Library" DLL, so Java and native
 * processes share one block.
 *
 * <pre>{@code
 * // process 1
 * try (SharedString s = SharedString.open()) {      // attaches to "dllmemfilemap"
 *     s.set("This is a test string");
 *     ...                                            // keep it attached while others read
 * }
 * // process 2, while process 1 is attached
 * try (SharedString s = SharedString.open()) {
 *     System.out.println(s.get());                   // This is a test string
 * }
 * }</pre>
 *
 * <p>Text rules (the example's format, without its bugs):
 * <ul>
 *   <li>UTF-16 code units are copied verbatim: no charset coder, so a lone surrogate round-trips;</li>
 *   <li>at most {@value #MAX_LENGTH} units plus the NUL are stored; longer text is truncated, never between
 *       the halves of a surrogate pair, and nothing is ever written past {@value #BYTE_SIZE} bytes;</li>
 *   <li>text containing NUL is refused with {@link IllegalArgumentException} and the block is unchanged;</li>
 *   <li>{@link #get()} never reads past the block, whatever another process left in it;</li>
 *   <li>{@link #get(int) get(cchSize)} returns at most {@code cchSize - 1} units, never half a pair.</li>
 * </ul>
 *
 * <p>Across threads and processes (Java, or native peers following docs/protocol.md):
 * <ul>
 *   <li>{@link #set set} is atomic: {@link #get()} anywhere returns a text some {@code set} stored whole (or
 *       the empty text of a new block), never a mix. Concurrent sets are serialised; the last one wins.</li>
 *   <li>A writer killed at any instant, even inside {@code set}, leaves the old text or its new one, whole;
 *       the next {@code set} repairs what it left, and takes over its lock within milliseconds.</li>
 *   <li>{@code get} never waits for a writer: it copies the text, and copies again only if a set completed
 *       meanwhile.</li>
 *   <li>Every {@code set} counts: {@link #version()} is how many sets the block has seen since it was created,
 *       the same in every process, and {@link #snapshot()} returns a text with its version.</li>
 *   <li>{@link #awaitChange(long, Duration) awaitChange} and {@link #await(Predicate, Duration) await} sleep
 *       until a set from any process, a timeout, an interrupt or {@link #close()}. A {@code set} that nobody
 *       waits for makes no system call.</li>
 * </ul>
 *
 * <pre>{@code
 * // a test waiting for a child process to say it is ready, without sleeps or polling
 * try (SharedString status = SharedString.open("job-42")) {
 *     ... start the child, which calls status.set("ready") ...
 *     status.await("ready"::equals, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>The block is the example's 4096 bytes followed by a control area (the second copy, the version, the
 * writers' lock and the waiter count; see docs/protocol.md), {@value #OBJECT_SIZE} bytes in all, so a peer
 * that knows only the example's layout still finds the latest text at offset 0. A block that such a peer
 * created, with exactly {@value #BYTE_SIZE} bytes, has no control area: {@code set} and {@code get} work there
 * as in the example (unsynchronised: a reader racing a writer may see a mix of texts, never more than
 * {@value #MAX_LENGTH} units), and the methods that need the control area ({@link #version()},
 * {@link #snapshot()}, {@link #awaitChange awaitChange}, {@link #await await}) throw
 * {@link UnsupportedOperationException} saying so; {@link #hasControlArea()} tells which kind of block this
 * is.
 *
 * <p>The writers' lock and the waits use the OS: on Linux a lock word in the control area whose holder's death
 * shows through an open-file-description lock, and {@code futex(2)}; on Windows a named mutex, whose
 * {@code WAIT_ABANDONED} tells the next writer that the last one died, and named events, one per version, that
 * a writer sets once (derived from the block's name: docs/windows.md). On Windows an uncontended {@code set}
 * costs two kernel calls (taking and releasing the mutex), and a {@code close()} ends another thread's wait
 * within 100 ms rather than at once.
 */
public final class SharedString implements AutoCloseable {
    /** The example's block name. */
    public static final String DEFAULT_NAME = "dllmemfilemap";
    /** The example's block size, in bytes. */
    public static final int BYTE_SIZE = 4096;
    /** The most UTF-16 units stored: {@code BYTE_SIZE / 2 - 1}, leaving room for the NUL. */
    public static final int MAX_LENGTH = BYTE_SIZE / 2 - 1;
    /** The size of a block with its control area: the example's text block, then the control area. */
    public static final int OBJECT_SIZE = 8256; // TextLayout.BYTE_SIZE, a constant for javadoc and switch labels

    private final SharedMemory memory;
    /** The control area's primitives; null for a block without one. */
    private final TextSync sync;
    /** Null for a block without a control area. */
    private final Waits waits;

    /** Wraps a block of at least {@value #BYTE_SIZE} bytes; the factories below are the public way. */
    SharedString(SharedMemory memory) {
        this.memory = memory;
        this.sync = memory.attachment().textSync();
        this.waits = sync == null ? null : new Waits(memory, sync);
    }

    /** Every way of opening a text block but {@link #open(String, Duration, SharedMemory.Option...)} comes here. */
    private static SharedString attach(Backend.TextOpen how, String name, SharedMemory.Option... options)
            throws IOException {
        // A new block is already zero on every OS (a fresh section on Windows, a truncated object on Linux),
        // so unlike the example there is no memset, and no window in which it could wipe a peer's text.
        return new SharedString(SharedMemory.openText(how, name, PeerWait.timeout(), options));
    }

    /**
     * Attaches to {@value #DEFAULT_NAME}, creating it empty if no process is attached: what loading the
     * example's DLL does.
     *
     * @return the attached text block; close it to detach
     * @throws SharedMemoryException when the OS refuses, or an object of that name exists with another size
     * @throws IOException only as one of the I/O exceptions above
     */
    public static SharedString open() throws IOException {
        return open(DEFAULT_NAME);
    }

    /**
     * Attaches to the text block {@code name}, creating it empty if no process is attached.
     *
     * @param name the block's name, under the rules of {@link SharedMemory#openOrCreate(String, long)}
     * @return the attached text block; close it to detach
     * @throws IllegalArgumentException when the name breaks a rule
     * @throws SharedMemoryException    when the OS refuses, or an object of that name exists with another size
     * @throws IOException only as one of the I/O exceptions above
     */
    public static SharedString open(String name) throws IOException {
        return attach(Backend.TextOpen.OPEN_OR_CREATE, name);
    }

    /**
     * Attaches to the text block {@code name} with options, for instance to share it with other users.
     *
     * @param name    the block's name, under the rules of {@link SharedMemory#openOrCreate(String, long)}
     * @param options see {@link SharedMemory.Option}
     * @return the attached text block; close it to detach
     * @throws IOException when the OS refuses, as {@link #open(String)}
     * @see SharedMemory#openOrCreate(String, long, SharedMemory.Option...)
     */
    public static SharedString open(String name, SharedMemory.Option... options) throws IOException {
        return attach(Backend.TextOpen.OPEN_OR_CREATE, name, options);
    }

    /**
     * Creates the text block {@code name}, empty, refusing one that a process is attached to: the rules of
     * {@link SharedMemory#create(String, long)}.
     *
     * @param name the block's name, under the rules of {@link SharedMemory#openOrCreate(String, long)}
     * @return the new, empty text block, with {@link #created()} true; close it to detach
     * @throws SharedMemoryAlreadyExistsException when a process is attached to a block of that name
     * @throws IllegalArgumentException           when the name breaks a rule
     * @throws SharedMemoryException              when the OS refuses
     * @throws IOException only as one of the I/O exceptions above
     */
    public static SharedString create(String name) throws IOException {
        return attach(Backend.TextOpen.CREATE, name);
    }

    /**
     * {@link #create(String)} with options, for instance to share the block with other users.
     *
     * @param name    the block's name, under the rules of {@link SharedMemory#openOrCreate(String, long)}
     * @param options see {@link SharedMemory.Option}
     * @return the new, empty text block; close it to detach
     * @throws SharedMemoryAlreadyExistsException when a process is attached to a block of that name
     * @throws IOException                        when the OS refuses, as {@link #create(String)}
     */
    public static SharedString create(String name, SharedMemory.Option... options) throws IOException {
        return attach(Backend.TextOpen.CREATE, name, options);
    }

    /**
     * Attaches to the text block {@code name} only if a process is attached to it: the rules of
     * {@link SharedMemory#openExisting(String)}.
     *
     * @param name the block's name, under the rules of {@link SharedMemory#openOrCreate(String, long)}
     * @return the attached text block, with {@link #created()} false; close it to detach
     * @throws NoSuchSharedMemoryException when no process is attached to a block of that name
     * @throws IllegalArgumentException    when the name breaks a rule
     * @throws SharedMemoryException       when the OS refuses, or the block has fewer than {@value #BYTE_SIZE}
     *                                     bytes
     * @throws IOException only as one of the I/O exceptions above
     */
    public static SharedString openExisting(String name) throws IOException {
        return attach(Backend.TextOpen.OPEN_EXISTING, name);
    }

    /**
     * {@link #openExisting(String)} with options, for a block shared with other users.
     *
     * @param name    the block's name, under the rules of {@link SharedMemory#openOrCreate(String, long)}
     * @param options see {@link SharedMemory.Option}
     * @return the attached text block; close it to detach
     * @throws NoSuchSharedMemoryException when no process is attached to a block of that name
     * @throws IOException                 when the OS refuses, as {@link #openExisting(String)}
     */
    public static SharedString openExisting(String name, SharedMemory.Option... options) throws IOException {
        return attach(Backend.TextOpen.OPEN_EXISTING, name, options);
    }

    /**
     * Attaches to the text block {@code name} with its own deadline for waiting on other processes: see
     * {@link SharedMemory#openOrCreate(String, long, Duration, SharedMemory.Option...)}.
     *
     * @param name        the block's name, under the rules of {@link SharedMemory#openOrCreate(String, long)}
     * @param peerTimeout how long this attach, and later this block's detach, may wait for another process
     *                    that holds the name's lock; positive
     * @param options     see {@link SharedMemory.Option}
     * @return the attached text block; close it to detach
     * @throws IOException as {@link SharedMemory#openOrCreate(String, long, Duration, SharedMemory.Option...)}
     */
    public static SharedString open(String name, Duration peerTimeout, SharedMemory.Option... options)
            throws IOException {
        return new SharedString(SharedMemory.openText(Backend.TextOpen.OPEN_OR_CREATE, name, peerTimeout, options));
    }

    /**
     * Stores {@code text}, atomically, as the block's next version: the example's {@code SetSharedMem}. Sets
     * from other threads and processes are serialised by the writers' lock; readers never wait for it. A
     * writer that died holding it is replaced at once; a live one that holds it for longer than the peer
     * deadline (5 seconds unless the system property {@code io.github.panamashm.peerTimeout} says otherwise)
     * makes this set fail, with the text unchanged.
     *
     * @param text the text; only its first {@value #MAX_LENGTH} units are stored (one fewer when the limit
     *             would split a surrogate pair)
     * @return the number of UTF-16 units stored, less than {@code text.length()} when truncated
     * @throws IllegalArgumentException when text contains NUL; the stored text is then unchanged
     * @throws IllegalStateException    when this block is closed
     * @throws UncheckedIOException     wrapping a {@link SharedMemoryException} when a live process held the
     *                                  writers' lock past the peer deadline, or the OS failed
     */
    public int set(CharSequence text) {
        // Any user code (a CharSequence's charAt) runs here, before the block is held: close() waits for
        // whoever holds it, so it must never wait on code that might itself close or block.
        String s = text.toString();
        MemorySegment block = memory.acquire();
        try {
            return sync == null ? TextBlock.write(block, s) : LatchedText.write(block, sync, s, memory.peerTimeout());
        } finally {
            memory.release();
        }
    }

    /**
     * {@return the stored text, at most {@value #MAX_LENGTH} units: the whole text of the last set}
     * @throws IllegalStateException when this block is closed
     */
    public String get() {
        return get(MAX_LENGTH + 1);
    }

    /**
     * The example's {@code GetSharedMem(buf, cchSize)}: the text as it would fit in a buffer of
     * {@code cchSize} WCHARs with its NUL.
     *
     * @param cchSize the buffer size in UTF-16 units, at least 1
     * @return at most {@code cchSize - 1} units of the stored text, never ending in half a surrogate pair
     * @throws IllegalArgumentException when {@code cchSize < 1}
     * @throws IllegalStateException    when this block is closed
     */
    public String get(int cchSize) {
        MemorySegment block = memory.acquire();
        try {
            return sync == null ? TextBlock.read(block, cchSize) : LatchedText.read(block, cchSize);
        } finally {
            memory.release();
        }
    }

    /**
     * A text and the version it was stored as, read together.
     *
     * @param text    the text, as {@link #get()} returns it
     * @param version how many sets the block had seen when this text was the latest (0 for the empty text of
     *                a new block)
     */
    public record Snapshot(String text, long version) {
    }

    /**
     * {@return how many sets the block has seen since it was created, counted alike by every process}
     *
     * @throws IllegalStateException         when this block is closed
     * @throws UnsupportedOperationException when the block has no control area ({@link #hasControlArea()})
     */
    public long version() {
        requireControlArea("version");
        MemorySegment block = memory.acquire();
        try {
            return LatchedText.version(LatchedText.seq(block));
        } finally {
            memory.release();
        }
    }

    /**
     * {@return the text and its version, read consistently: the text is the one that set stored as that
     *          version}
     *
     * @throws IllegalStateException         when this block is closed
     * @throws UnsupportedOperationException when the block has no control area ({@link #hasControlArea()})
     */
    public Snapshot snapshot() {
        requireControlArea("snapshot");
        MemorySegment block = memory.acquire();
        try {
            return LatchedText.readVersioned(block);
        } finally {
            memory.release();
        }
    }

    /**
     * Waits until the version is not {@code seenVersion}, that is until a set by any process (at once if that
     * happened already), and returns the text then.
     *
     * <pre>{@code
     * Snapshot s = board.snapshot();
     * while (running) {
     *     s = board.awaitChange(s.version(), Duration.ofMinutes(1)); // each new text, none missed but those
     *     show(s.text());                                            // replaced before this thread looked
     * }
     * }</pre>
     *
     * <p>Platform threads sleep in the OS; virtual threads park without pinning their carrier (one platform
     * thread per block sleeps for them all).
     *
     * @param seenVersion the version the caller has seen, usually from {@link #snapshot()}
     * @param timeout     how long to wait at most, not negative
     * @return the text and its version, which is not {@code seenVersion}
     * @throws TimeoutException              when the timeout passed first (never sooner)
     * @throws InterruptedException          when the thread is interrupted while it waits (within 100 ms on a
     *                                       platform thread, at once on a virtual one)
     * @throws IllegalStateException         when this block is closed, also by another thread while this one
     *                                       waits
     * @throws IllegalArgumentException      when the timeout is negative
     * @throws UnsupportedOperationException when the block has no control area ({@link #hasControlArea()})
     */
    public Snapshot awaitChange(long seenVersion, Duration timeout) throws InterruptedException, TimeoutException {
        long nanos = nanos(timeout);
        requireControlArea("awaitChange");
        Snapshot s = waits.await(seenVersion, nanos);
        if (s == null) {
            throw new TimeoutException("no set of " + memory.name() + " after version " + seenVersion + " within "
                    + timeout);
        }
        return s;
    }

    /**
     * Waits until the text satisfies {@code condition}, checking the current text first, then each new text.
     * A text that was replaced before this thread looked is not seen.
     *
     * <pre>{@code
     * status.await(t -> t.startsWith("done"), Duration.ofSeconds(30));
     * }</pre>
     *
     * @param condition tested on this thread, with no lock held
     * @param timeout   how long to wait at most, not negative
     * @return the first text seen that satisfies the condition
     * @throws TimeoutException              when the timeout passed first (never sooner)
     * @throws InterruptedException          when the thread is interrupted while it waits
     * @throws IllegalStateException         when this block is closed, also by another thread while this one
     *                                       waits
     * @throws IllegalArgumentException      when the timeout is negative
     * @throws UnsupportedOperationException when the block has no control area ({@link #hasControlArea()})
     */
    public String await(Predicate<? super String> condition, Duration timeout)
            throws InterruptedException, TimeoutException {
        Objects.requireNonNull(condition, "condition");
        long nanos = nanos(timeout);
        requireControlArea("await");
        long start = System.nanoTime();
        Snapshot s = snapshot();
        while (!condition.test(s.text())) {
            s = waits.await(s.version(), Math.max(0, nanos - (System.nanoTime() - start)));
            if (s == null) {
                throw new TimeoutException("no text of " + memory.name() + " satisfied the condition within "
                        + timeout);
            }
        }
        return s.text();
    }

    /**
     * {@return true when the block has its control area: versions, waits and untorn text; false for a block a
     *          peer that knows only Microsoft's example created, with exactly {@value #BYTE_SIZE} bytes}
     */
    public boolean hasControlArea() {
        return sync != null;
    }

    private void requireControlArea(String method) {
        if (sync == null) {
            throw new UnsupportedOperationException(method + " needs the control area after the text, and the block "
                    + memory.name() + " has exactly the example's " + memory.byteSize() + " bytes: it was made by a"
                    + " peer that knows only Microsoft's example; set and get work on it, unsynchronised, as in the"
                    + " example");
        }
    }

    /** {@return the timeout in nanoseconds, saturated} */
    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        return PeerWait.nanos(timeout);
    }

    /** {@return true when this attach created the block: the example's {@code fInit}} */
    public boolean created() {
        return memory.created();
    }

    /** {@return the name of the block} */
    public String name() {
        return memory.name();
    }

    /**
     * {@return the underlying block: {@value #OBJECT_SIZE} bytes with the control area, else the example's
     *          {@value #BYTE_SIZE}; writing into the control area through it breaks the guarantees above}
     */
    public SharedMemory memory() {
        return memory;
    }

    /** Detaches; the last process to detach frees the block. Idempotent. */
    @Override
    public void close() {
        memory.close();
    }

    @Override
    public String toString() {
        return "SharedString[name=" + memory.name() + ", created=" + memory.created() + "]";
    }
}
