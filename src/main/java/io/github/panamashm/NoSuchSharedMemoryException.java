package io.github.panamashm;

import java.nio.file.NoSuchFileException;

/**
 * {@link SharedMemory#openExisting(String)} found no block of that name that a process is attached to.
 *
 * <p>It extends the JDK's {@link NoSuchFileException}, so code that already handles a missing file handles
 * this too. {@link #getFile()} is the name the caller passed.
 */
public class NoSuchSharedMemoryException extends NoSuchFileException {
    private static final long serialVersionUID = 1L;

    /** The call, object and OS error. */
    private final String detail;

    /**
     * Reports that no process is attached to a block {@code name}.
     *
     * @param name   the block's name as the caller gave it
     * @param detail the call, object and OS error, e.g. {@code shm_open("/x") failed: ENOENT (No such file or directory)}
     */
    public NoSuchSharedMemoryException(String name, String detail) {
        super(name, null, detail);
        this.detail = detail;
    }

    @Override
    public String getMessage() {
        return "no shared memory block \"" + getFile() + "\": " + detail;
    }
}
