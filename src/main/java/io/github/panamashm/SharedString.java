package io.github.panamashm;

import io.github.panamashm.internal.TextBlock;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

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
 * {@code set} and {@code get} are not synchronised with other processes, as in the example: a reader racing
 * a writer may see a mix of old and new text, but never more than {@value #MAX_LENGTH} units.
 */
public final class SharedString implements AutoCloseable {
    /** The example's block name. */
    public static final String DEFAULT_NAME = "dllmemfilemap";
    /** The example's block size, in bytes. */
    public static final int BYTE_SIZE = 4096;
    /** The most UTF-16 units stored: {@code BYTE_SIZE / 2 - 1}, leaving room for the NUL. */
    public static final int MAX_LENGTH = BYTE_SIZE / 2 - 1;

    private final SharedMemory memory;

    /** Wraps a block of at least {@value #BYTE_SIZE} bytes; the factories below are the public way. */
    SharedString(SharedMemory memory) {
        this.memory = memory;
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
        return attach(Attach.OPEN_OR_CREATE, name);
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
        return attach(Attach.OPEN_OR_CREATE, name, options);
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
        return attach(Attach.CREATE, name);
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
        return attach(Attach.CREATE, name, options);
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
        return attach(Attach.OPEN_EXISTING, name);
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
        return attach(Attach.OPEN_EXISTING, name, options);
    }

    private enum Attach { OPEN_OR_CREATE, CREATE, OPEN_EXISTING }

    /** Every factory comes here, so the block's size is chosen in one place. */
    private static SharedString attach(Attach how, String name, SharedMemory.Option... options) throws IOException {
        // A new block is already zero on every OS (a fresh section on Windows, a truncated object on Linux),
        // so unlike the example there is no memset, and no window in which it could wipe a peer's text.
        return new SharedString(switch (how) {
            case OPEN_OR_CREATE -> SharedMemory.openOrCreate(name, BYTE_SIZE, options);
            case CREATE -> SharedMemory.create(name, BYTE_SIZE, options);
            case OPEN_EXISTING -> {
                // openExisting maps the whole block, whatever its size; the text block is its first BYTE_SIZE
                // bytes. While `existing` is held the block is live, so this openOrCreate can only attach.
                try (SharedMemory existing = SharedMemory.openExisting(name, options)) {
                    yield SharedMemory.openOrCreate(name, BYTE_SIZE, options);
                }
            }
        });
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
        return new SharedString(SharedMemory.openOrCreate(name, BYTE_SIZE, peerTimeout, options));
    }

    /**
     * Stores {@code text}: the example's {@code SetSharedMem}.
     *
     * @param text the text; only its first {@value #MAX_LENGTH} units are stored (one fewer when the limit
     *             would split a surrogate pair)
     * @return the number of UTF-16 units stored, less than {@code text.length()} when truncated
     * @throws IllegalArgumentException when text contains NUL; the stored text is then unchanged
     * @throws IllegalStateException    when this block is closed
     */
    public int set(CharSequence text) {
        // Any user code (a CharSequence's charAt) runs here, before the block is held: close() waits for
        // whoever holds it, so it must never wait on code that might itself close or block.
        String s = text.toString();
        MemorySegment block = memory.acquire();
        try {
            return TextBlock.write(block, s);
        } finally {
            memory.release();
        }
    }

    /**
     * {@return the stored text, at most {@value #MAX_LENGTH} units}
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
            return TextBlock.read(block, cchSize);
        } finally {
            memory.release();
        }
    }

    /** {@return true when this attach created the block: the example's {@code fInit}} */
    public boolean created() {
        return memory.created();
    }

    /** {@return the name of the block} */
    public String name() {
        return memory.name();
    }

    /** {@return the underlying block of {@value #BYTE_SIZE} bytes} */
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
