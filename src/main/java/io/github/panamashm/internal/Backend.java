package io.github.panamashm.internal;

import java.io.IOException;

/**
 * What an OS must provide behind {@code SharedMemory}: attach to a named block, creating it or not.
 *
 * <p>Implementations turn OS return codes into {@code SharedMemoryException} (or
 * {@code NoSuchSharedMemoryException}) and must leave nothing behind when an attach fails. Names reach
 * them already checked by {@link Names#check(String)}.
 */
public interface Backend {

    /**
     * CreateFileMappingW semantics: create the block, or attach to the existing one.
     *
     * @param name     a name checked by {@link Names#check(String)}
     * @param byteSize the size to create with; an existing block smaller than this is refused
     */
    Attachment openOrCreate(String name, long byteSize) throws IOException;

    /**
     * OpenFileMappingW semantics: attach to a block some process is attached to, or fail with
     * {@code NoSuchSharedMemoryException}. The size is the existing block's.
     */
    Attachment openExisting(String name) throws IOException;

    /** @return where the object named {@code name} lives on this OS, for people (e.g. {@code /dev/shm/x}) */
    String location(String name);
}
