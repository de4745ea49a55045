package io.github.panamashm.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * One process's attachment to a block: the mapped address and how to let go of it.
 *
 * <p>{@code SharedMemory} ties {@link #detach()} to its Arena, so it runs exactly once, after no thread
 * can reach the memory any more.
 */
public interface Attachment {

    /** @return the mapped address as a zero-length segment; {@code SharedMemory} gives it a size and scope */
    MemorySegment address();

    /** @return how many bytes are mapped */
    long byteSize();

    /** @return true when this attach created the block (or reset a dead one): the example's {@code fInit} */
    boolean created();

    /** Unmap and release; the last process to detach frees the block. Called once. */
    void detach() throws IOException;
}
