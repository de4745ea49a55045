package io.github.panamashm.internal;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The shared layout of a {@code SharedString}'s block: the one definition of every byte that processes share.
 * docs/protocol.md's {@code struct shm_text} is written from it, and {@code TextLayoutProofTest} compiles the C
 * peer's struct against {@link #BLOCK}.
 *
 * <pre>
 * offset  bytes  C member            meaning
 *      0   4096  uint16_t copy0[2048] the example's block: the text, NUL-terminated UTF-16LE, at most 2047 units.
 *                                     Example-layout peers read and write it as they always did.
 *   4096      8  uint64_t seq         the latch's sequence. Even: copy0 holds the latest text. Odd: a writer is
 *                                     rewriting copy0 and copy1 holds the latest text. version = seq / 2.
 *                                     Its low 32 bits (the first 4 bytes: little-endian) are the futex word
 *                                     waiters sleep on.
 *   4104      8  uint64_t done        the even seq whose text copy1 holds whole; behind seq (seq even) means a
 *                                     writer died while rewriting copy1, which the next writer repairs
 *   4112      4  uint32_t lock        the writers' lock: 0 when free, else the holder's attacher id
 *   4116      4  uint32_t waiters     threads of all processes that sleep, or are about to, on the futex word;
 *                                     a writer wakes them only when it is not 0
 *   4120      4  uint32_t next_id     the last attacher id handed out (ids start at 1)
 *   4124     36  uint8_t reserved[36] zero, so that copy1 starts a cache line away from the words above
 *   4160   4096  uint16_t copy1[2048] the second copy of the text, in the same format as copy0
 *   8256         (the size of the object)
 * </pre>
 *
 * <p>Words are in the native byte order, little-endian on every platform panama-shm supports, and accessed
 * atomically; the texts are UTF-16LE. An object of exactly {@link #EXAMPLE_BYTES} bytes, made by a peer that
 * knows only Microsoft's example, has {@code copy0} and nothing else.
 *
 * <p>Besides memory, the protocol uses one lock per attacher: each attacher with the control area takes an
 * open-file-description write lock on byte {@link #LIVENESS_BASE} {@code + id} of the object (past its end,
 * which is allowed) and holds it while attached. The kernel drops it when the attacher dies, which is how a
 * writer waiting for the lock learns that its holder died.
 */
public final class TextLayout {
    private TextLayout() {
    }

    /** The example's block: the text, and all that an example-layout object has. */
    public static final long EXAMPLE_BYTES = 4096;

    /** The whole object, {@code struct shm_text} in C. */
    public static final StructLayout BLOCK = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(EXAMPLE_BYTES / 2, JAVA_SHORT).withName("copy0"),
            JAVA_LONG.withName("seq"),
            JAVA_LONG.withName("done"),
            JAVA_INT.withName("lock"),
            JAVA_INT.withName("waiters"),
            JAVA_INT.withName("next_id"),
            MemoryLayout.sequenceLayout(36, JAVA_BYTE).withName("reserved"),
            MemoryLayout.sequenceLayout(EXAMPLE_BYTES / 2, JAVA_SHORT).withName("copy1")
    ).withName("shm_text");

    /** The size a panama-shm text block is created with. */
    public static final long BYTE_SIZE = BLOCK.byteSize();
    /** Where the latest text is while {@code seq} is even; offset 0, the example's text. */
    public static final long COPY0 = BLOCK.byteOffset(groupElement("copy0"));
    /** Where the latest text is while {@code seq} is odd. */
    public static final long COPY1 = BLOCK.byteOffset(groupElement("copy1"));
    /** The offset of {@code seq}, whose first 4 bytes are the futex word. */
    public static final long SEQ_OFFSET = BLOCK.byteOffset(groupElement("seq"));

    /** The attacher with id {@code n} holds a write lock on byte {@code LIVENESS_BASE + n} while attached. */
    public static final long LIVENESS_BASE = 1L << 32;

    /** {@return the byte the attacher with id {@code id} (unsigned) write-locks while attached} */
    public static long livenessByte(int id) {
        return LIVENESS_BASE + Integer.toUnsignedLong(id);
    }

    // Access to the words, at base offset 0 of a segment of at least BYTE_SIZE bytes (checked on each access).
    /** {@code uint64_t seq}. */
    public static final VarHandle SEQ = BLOCK.varHandle(groupElement("seq"));
    /** {@code uint64_t done}. */
    public static final VarHandle DONE = BLOCK.varHandle(groupElement("done"));
    /** {@code uint32_t lock}. */
    public static final VarHandle LOCK = BLOCK.varHandle(groupElement("lock"));
    /** {@code uint32_t waiters}. */
    public static final VarHandle WAITERS = BLOCK.varHandle(groupElement("waiters"));
    /** {@code uint32_t next_id}. */
    public static final VarHandle NEXT_ID = BLOCK.varHandle(groupElement("next_id"));
}
