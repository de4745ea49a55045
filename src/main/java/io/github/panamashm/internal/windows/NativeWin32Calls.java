package io.github.panamashm.internal.windows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.github.panamashm.internal.windows.Kernel32.*;

/**
 * {@link Win32Calls} through the FFM kernel32 bindings. Each call gets its own confined arena holding its
 * last-error state (never a shared one: threads would race on it) and its UTF-16LE name.
 */
final class NativeWin32Calls implements Win32Calls {
    /** Longest message text read from FormatMessageW, in WCHARs; system messages are far shorter. */
    private static final int MESSAGE_CAPACITY = 1024;
    private static final MemorySegment INVALID_HANDLE = MemorySegment.ofAddress(INVALID_HANDLE_VALUE);

    private static MemorySegment state(Arena arena) {
        return arena.allocate(lastErrorStateLayout());
    }

    @Override
    public Result createFileMapping(String name, int maximumSizeHigh, int maximumSizeLow) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment h = CreateFileMappingW(state, INVALID_HANDLE, MemorySegment.NULL, PAGE_READWRITE,
                    maximumSizeHigh, maximumSizeLow, wideString(arena, name));
            return new Result(h.address(), lastError(state));
        }
    }

    @Override
    public Result openFileMapping(String name, int desiredAccess) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment h = OpenFileMappingW(state, desiredAccess, 0, wideString(arena, name));
            return new Result(h.address(), lastError(state));
        }
    }

    @Override
    public Result mapViewOfFile(long mapping, int desiredAccess, long bytesToMap) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment view = MapViewOfFile(state, MemorySegment.ofAddress(mapping), desiredAccess, 0, 0, bytesToMap);
            return new Result(view.address(), lastError(state));
        }
    }

    @Override
    public Result unmapViewOfFile(long address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            int ok = UnmapViewOfFile(state, MemorySegment.ofAddress(address));
            return new Result(ok, lastError(state));
        }
    }

    @Override
    public Result closeHandle(long handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            int ok = CloseHandle(state, MemorySegment.ofAddress(handle));
            return new Result(ok, lastError(state));
        }
    }

    @Override
    public Result regionSize(long address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment info = arena.allocate(MEMORY_BASIC_INFORMATION);
            long written = VirtualQuery(state, MemorySegment.ofAddress(address), info, info.byteSize());
            if (written == 0) {
                return new Result(0, lastError(state));
            }
            return new Result((long) RegionSize.get(info, 0L), lastError(state));
        }
    }

    @Override
    public String formatMessage(int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(2L * MESSAGE_CAPACITY, 2);
            int n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, MemorySegment.NULL,
                    code, 0, buffer, MESSAGE_CAPACITY, MemorySegment.NULL);
            if (n <= 0) {
                return null;
            }
            // System messages end in CR LF; some span lines.
            return fromWide(buffer, n).strip().replaceAll("\\s*\\R\\s*", " ");
        }
    }
}
