package io.github.panamashm.internal.windows;

/**
 * The kernel32 calls {@link WindowsBackend} makes, each answering its result together with the
 * {@code GetLastError()} value captured right after it. Handles and addresses are raw 64-bit values
 * (0 is NULL).
 *
 * <p>{@link NativeWin32Calls} implements it with {@link Kernel32}; the tests implement it in memory, so that
 * everything the backend decides (created or not, size refusal, which exception, what is closed on failure)
 * runs on any OS up to the point where a real kernel32 would be called.
 */
interface Win32Calls {

    /**
     * A call's return value and the thread's last error right after it.
     *
     * @param value     the handle, address, {@code BOOL} or {@code SIZE_T} the function returned
     * @param lastError what {@code GetLastError()} answered right after the call
     */
    record Result(long value, int lastError) {
        /** @return true when the function returned NULL, FALSE or 0, its failure value */
        boolean failed() {
            return value == 0;
        }
    }

    /**
     * {@code CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, maximumSizeHigh, maximumSizeLow, name)}:
     * a mapping backed by the paging file. {@code name} is encoded by the implementation as NUL-terminated
     * UTF-16LE.
     */
    Result createFileMapping(String name, int maximumSizeHigh, int maximumSizeLow);

    /** {@code OpenFileMappingW(desiredAccess, FALSE, name)}. */
    Result openFileMapping(String name, int desiredAccess);

    /** {@code MapViewOfFile(mapping, desiredAccess, 0, 0, bytesToMap)}: from offset 0; 0 bytes maps it all. */
    Result mapViewOfFile(long mapping, int desiredAccess, long bytesToMap);

    /** {@code UnmapViewOfFile(address)}. */
    Result unmapViewOfFile(long address);

    /** {@code CloseHandle(handle)}. */
    Result closeHandle(long handle);

    /**
     * {@code VirtualQuery(address, &info, sizeof info)}.
     *
     * @return {@code info.RegionSize} as the value, or 0 and the last error when VirtualQuery failed
     */
    Result regionSize(long address);

    /**
     * {@code FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, ...)}.
     *
     * @return the system's text for {@code code} without trailing line breaks, or null when it has none
     */
    String formatMessage(int code);
}
