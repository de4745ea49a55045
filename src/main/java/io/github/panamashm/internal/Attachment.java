package io.github.panamashm.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * One process's attachment to a block: the mapped address and how to let go of it. Each backend subclasses
 * it with what its {@link #detach()} needs (a descriptor, a handle).
 *
 * <p>{@code SharedMemory} calls {@link #detach(long)} exactly once, after no thread can reach the memory any more.
 */
public abstract class Attachment {
    private final MemorySegment address;
    private final long byteSize;
    private final boolean created;

    /**
     * @param address  the mapped address
     * @param byteSize how many bytes of it the caller may use
     * @param created  whether this attach created the block (or reset a dead one)
     */
    protected Attachment(MemorySegment address, long byteSize, boolean created) {
        this.address = address;
        this.byteSize = byteSize;
        this.created = created;
    }

    /** @return the mapped address as a zero-length segment; {@code SharedMemory} gives it a size and scope */
    public final MemorySegment address() {
        return address;
    }

    /** @return how many bytes are mapped for the caller */
    public final long byteSize() {
        return byteSize;
    }

    /** @return true when this attach created the block (or reset a dead one): the example's {@code fInit} */
    public final boolean created() {
        return created;
    }

    /**
     * {@return the writers' lock and waits of a text block attached with its control area
     *         ({@link Backend#attachText}), or null: a plain block, an example-layout text block, or an OS
     *         whose backend has no such primitives yet}
     */
    public TextSync textSync() {
        return null;
    }

    /**
     * Unmap and release; the last process to detach frees the block. Called once (this or
     * {@link #detach(long)}). A wait on another process lasts at most the JVM's default deadline.
     */
    public abstract void detach() throws IOException;

    /**
     * {@link #detach()}, waiting for another process no later than {@code deadline}. Past it, a detach still
     * releases what is this process's own (the mapping, the handle) and throws. Backends whose detach never
     * waits on another process need not override it.
     *
     * @param deadline the {@link System#nanoTime()} at which a wait gives up
     */
    public void detach(long deadline) throws IOException {
        detach();
    }
}
