package io.github.panamashm;

import java.nio.file.FileAlreadyExistsException;

/**
 * {@link SharedMemory#create(String, long)} found a live block of that name: a process is attached to it.
 *
 * <p>It extends the JDK's {@link FileAlreadyExistsException}, as {@link NoSuchSharedMemoryException} extends
 * {@link java.nio.file.NoSuchFileException}, so code that already handles an existing file handles this too.
 * {@link #getFile()} is the name the caller passed. A block nobody is attached to (left by a process that
 * died) is not live: {@code create} resets it instead.
 */
public class SharedMemoryAlreadyExistsException extends FileAlreadyExistsException {
    private static final long serialVersionUID = 1L;

    /** The call, object and OS answer that showed the block to be live. */
    private final String detail;

    /**
     * Reports that a process is attached to a block {@code name}.
     *
     * @param name   the block's name as the caller gave it
     * @param detail the call, object and what the OS answered, e.g.
     *               {@code CreateFileMappingW("x") answered ERROR_ALREADY_EXISTS (183: ...)}
     */
    public SharedMemoryAlreadyExistsException(String name, String detail) {
        super(name, null, detail);
        this.detail = detail;
    }

    @Override
    public String getMessage() {
        return "shared memory block \"" + getFile() + "\" already exists: " + detail;
    }
}
