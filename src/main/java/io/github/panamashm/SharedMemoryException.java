package io.github.panamashm;

import java.io.IOException;

/**
 * A shared-memory operation failed in the operating system, or found an object it must not use.
 *
 * <p>The message names the call, the object and the error, for example
 * {@code shm_open("/dllmemfilemap") failed: EACCES (Permission denied)} or
 * {@code CreateFileMappingW("Global\\x") failed: ERROR_ACCESS_DENIED (5: Access is denied.)}.
 * When the failure is not an OS error (an existing object of the wrong size, say),
 * {@link #errorCode()} is 0 and {@link #errorName()} is {@code null}.
 *
 * <pre>{@code
 * try (SharedMemory m = SharedMemory.openOrCreate("jobs", 4096)) {
 *     ...
 * } catch (SharedMemoryException e) {
 *     log.error("{} failed with {}", e.call(), e.errorName());
 * }
 * }</pre>
 */
public class SharedMemoryException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The C function or operation that failed. */
    private final String call;
    /** The object it concerned, as the OS saw it. */
    private final String object;
    /** {@code errno} or the Win32 error code; 0 when not an OS error. */
    private final int errorCode;
    /** The symbolic error name; null when not an OS error. */
    private final String errorName;

    /**
     * An OS call failed.
     *
     * @param call      the C function, e.g. {@code shm_open}
     * @param object    the object it was called on, e.g. {@code /dllmemfilemap}
     * @param errorCode {@code errno} or the Win32 error code
     * @param errorName the symbolic name, e.g. {@code EACCES}
     * @param errorText the OS's text for the error
     */
    public SharedMemoryException(String call, String object, int errorCode, String errorName, String errorText) {
        super(describe(call, object, errorName, errorText));
        this.call = call;
        this.object = object;
        this.errorCode = errorCode;
        this.errorName = errorName;
    }

    /**
     * A refusal that is not an OS error.
     *
     * @param call    the operation that refused, e.g. {@code openOrCreate}
     * @param object  the object it concerned
     * @param message what was wrong, and what to do about it
     */
    public SharedMemoryException(String call, String object, String message) {
        super(call + "(\"" + object + "\") refused: " + message);
        this.call = call;
        this.object = object;
        this.errorCode = 0;
        this.errorName = null;
    }

    static String describe(String call, String object, String errorName, String errorText) {
        return call + "(\"" + object + "\") failed: " + errorName + " (" + errorText + ")";
    }

    /** {@return the C function or operation that failed, e.g. {@code shm_open}} */
    public String call() {
        return call;
    }

    /** {@return the object the call concerned, as the OS saw it, e.g. {@code /dllmemfilemap}} */
    public String object() {
        return object;
    }

    /** {@return {@code errno} on POSIX, the Win32 error code on Windows, 0 when not an OS error} */
    public int errorCode() {
        return errorCode;
    }

    /** {@return the symbolic error name such as {@code EACCES}, or {@code null} when not an OS error} */
    public String errorName() {
        return errorName;
    }
}
