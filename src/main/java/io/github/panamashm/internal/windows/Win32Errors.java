package io.github.panamashm.internal.windows;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemoryAlreadyExistsException;
import io.github.panamashm.SharedMemoryException;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a Win32 error code into the message shape
 * {@code CreateFileMappingW("name") failed: ERROR_ACCESS_DENIED (5: Access is denied.)}.
 *
 * <p>The symbolic names are the {@code ERROR_*} constants of {@link Kernel32}, read from that class so the
 * names exist in one place (and are checked against {@code <winerror.h>} there). The text is the system's,
 * from {@code FormatMessageW} (in the user's language); when the system has none, the English text of
 * Microsoft's <a href="https://learn.microsoft.com/windows/win32/debug/system-error-codes">System Error
 * Codes</a> for the codes named here, else "unknown error".
 */
final class Win32Errors {
    private Win32Errors() {
    }

    private static final Map<Integer, String> NAMES = new HashMap<>();
    private static final Map<Integer, String> TEXTS = Map.ofEntries(
            Map.entry(Kernel32.ERROR_SUCCESS, "The operation completed successfully."),
            Map.entry(Kernel32.ERROR_FILE_NOT_FOUND, "The system cannot find the file specified."),
            Map.entry(Kernel32.ERROR_PATH_NOT_FOUND, "The system cannot find the path specified."),
            Map.entry(Kernel32.ERROR_ACCESS_DENIED, "Access is denied."),
            Map.entry(Kernel32.ERROR_INVALID_HANDLE, "The handle is invalid."),
            Map.entry(Kernel32.ERROR_NOT_ENOUGH_MEMORY, "Not enough memory resources are available to process this command."),
            Map.entry(Kernel32.ERROR_OUTOFMEMORY, "Not enough memory resources are available to complete this operation."),
            Map.entry(Kernel32.ERROR_INVALID_PARAMETER, "The parameter is incorrect."),
            Map.entry(Kernel32.ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small."),
            Map.entry(Kernel32.ERROR_DISK_FULL, "There is not enough space on the disk."),
            Map.entry(Kernel32.ERROR_INVALID_NAME, "The filename, directory name, or volume label syntax is incorrect."),
            Map.entry(Kernel32.ERROR_BAD_PATHNAME, "The specified path is invalid."),
            Map.entry(Kernel32.ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists."),
            Map.entry(Kernel32.ERROR_NOT_OWNER, "Attempt to release mutex not owned by caller."),
            Map.entry(Kernel32.ERROR_FILENAME_EXCED_RANGE, "The filename or extension is too long."),
            Map.entry(Kernel32.ERROR_INVALID_ADDRESS, "Attempt to access invalid address."),
            Map.entry(Kernel32.ERROR_PRIVILEGE_NOT_HELD, "A required privilege is not held by the client."),
            Map.entry(Kernel32.ERROR_NO_SYSTEM_RESOURCES, "Insufficient system resources exist to complete the requested service."),
            Map.entry(Kernel32.ERROR_COMMITMENT_LIMIT, "The paging file is too small for this operation to complete."));

    static {
        for (Field f : Kernel32.class.getFields()) {
            if (f.getName().startsWith("ERROR_") && f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    NAMES.put(f.getInt(null), f.getName());
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** @return the symbolic name of {@code code}, e.g. {@code ERROR_ACCESS_DENIED}, or {@code error N} when unknown */
    static String name(int code) {
        String n = NAMES.get(code);
        return n != null ? n : "error " + code;
    }

    /** @return {@code "5: Access is denied."}: the code and the system's text, or the table's */
    static String text(int code, Win32Calls calls) {
        String text = calls.formatMessage(code);
        if (text == null || text.isBlank()) {
            text = TEXTS.getOrDefault(code, "unknown error");
        }
        return code + ": " + text;
    }

    static SharedMemoryException exception(String call, String object, int code, Win32Calls calls) {
        return exception(call, object, code, calls, null);
    }

    /** @param hint what the error means here, as a sentence after the system's text; null for none */
    static SharedMemoryException exception(String call, String object, int code, Win32Calls calls, String hint) {
        String text = text(code, calls);
        if (hint != null) {
            text += (text.endsWith(".") ? " " : ". ") + Character.toUpperCase(hint.charAt(0)) + hint.substring(1) + ".";
        }
        return new SharedMemoryException(call, object, code, name(code), text);
    }

    static SharedMemoryAlreadyExistsException alreadyExists(String call, String name, int code, Win32Calls calls) {
        return new SharedMemoryAlreadyExistsException(name,
                call + "(\"" + name + "\") answered " + name(code) + " (" + text(code, calls) + ")");
    }

    static NoSuchSharedMemoryException noSuch(String call, String name, int code, Win32Calls calls) {
        return new NoSuchSharedMemoryException(name,
                call + "(\"" + name + "\") failed: " + name(code) + " (" + text(code, calls) + ")");
    }
}
