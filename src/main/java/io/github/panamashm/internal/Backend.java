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

    /** The permission bits of a block no other user may open: read and write for its owner only. */
    int PRIVATE_MODE = 0600;

    /**
     * {@link #openOrCreate(String, long)} for a block deliberately shared with other users.
     *
     * @param mode the permission bits a new block gets and the most an existing one may have, e.g. 0660;
     *             {@link #PRIVATE_MODE} is {@link #openOrCreate(String, long)}
     * @throws UnsupportedOperationException when this backend has no meaning for {@code mode}
     */
    Attachment openOrCreate(String name, long byteSize, int mode) throws IOException;

    /**
     * {@link #openOrCreate(String, long)} that refuses a live block: create the block, or reset one nobody is
     * attached to; when a process is attached, fail with {@code SharedMemoryAlreadyExistsException} and leave
     * the block as it was. Deciding and creating are one atomic step, so of several processes creating one
     * name at once exactly one succeeds.
     *
     * @param name     a name checked by {@link Names#check(String)}
     * @param byteSize the size to create with
     */
    Attachment create(String name, long byteSize) throws IOException;

    /**
     * {@link #create(String, long)} for a block deliberately shared with other users.
     *
     * @param mode as for {@link #openOrCreate(String, long, int)}
     * @throws UnsupportedOperationException when this backend has no meaning for {@code mode}
     */
    Attachment create(String name, long byteSize, int mode) throws IOException;

    /**
     * {@link #openExisting(String)} for a block deliberately shared with other users.
     *
     * @param mode the most permission bits the block may have, e.g. 0660
     * @throws UnsupportedOperationException when this backend has no meaning for {@code mode}
     */
    Attachment openExisting(String name, int mode) throws IOException;

    /**
     * {@link #openOrCreate(String, long, int)} that waits for another process (a peer holding the block's
     * attach lock) no later than {@code deadline}. Backends whose attach never waits need not override it.
     *
     * @param deadline the {@link System#nanoTime()} at which a wait gives up
     */
    default Attachment openOrCreate(String name, long byteSize, int mode, long deadline) throws IOException {
        return openOrCreate(name, byteSize, mode);
    }

    /**
     * {@link #create(String, long, int)} that waits for another process no later than {@code deadline}.
     *
     * @param deadline the {@link System#nanoTime()} at which a wait gives up
     */
    default Attachment create(String name, long byteSize, int mode, long deadline) throws IOException {
        return create(name, byteSize, mode);
    }

    /**
     * {@link #openExisting(String, int)} that waits for another process no later than {@code deadline}.
     *
     * @param deadline the {@link System#nanoTime()} at which a wait gives up
     */
    default Attachment openExisting(String name, int mode, long deadline) throws IOException {
        return openExisting(name, mode);
    }

    /** How {@link #attachText} attaches: as {@link #openOrCreate}, {@link #create} or {@link #openExisting}. */
    enum TextOpen { OPEN_OR_CREATE, CREATE, OPEN_EXISTING }

    /**
     * Attaches a {@code SharedString}'s text block ({@link TextLayout}) as {@code how} says, waiting for another
     * process no later than {@code deadline}: a new block gets {@link TextLayout#BYTE_SIZE} bytes, the text and
     * its control area. An existing live block of exactly {@link TextLayout#EXAMPLE_BYTES}, made by a peer that
     * knows only Microsoft's example, is accepted too and mapped as it is, without a control area; an abandoned
     * object of 0 bytes, of the example's size or of the full size is reset to the full size. A block of
     * another size, smaller than the full size, is refused. The attachment's {@link Attachment#textSync()}
     * gives the primitives when the block has its control area.
     *
     * @param deadline the {@link System#nanoTime()} at which a wait gives up
     */
    Attachment attachText(TextOpen how, String name, int mode, long deadline) throws IOException;

    /**
     * OpenFileMappingW semantics: attach to a block some process is attached to, or fail with
     * {@code NoSuchSharedMemoryException}. The size is the existing block's.
     */
    Attachment openExisting(String name) throws IOException;

    /** @return where the object named {@code name} lives on this OS, for people (e.g. {@code /dev/shm/x}) */
    String location(String name);
}
