package io.github.panamashm.internal.windows;

import io.github.panamashm.internal.CFunction;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw kernel32 bindings, named after C, in the shape jextract generates (one lazily built downcall handle per
 * function, in a holder class named after it). Nothing here interprets a result: {@link WindowsBackend} does.
 *
 * <p>Every call that reports failure through {@code GetLastError} takes a first argument
 * {@code lastErrorState}: a segment of {@link #lastErrorStateLayout()} allocated by the caller for that call,
 * into which the linker stores the thread's last-error value right after the call
 * ({@code Linker.Option.captureCallState("GetLastError")}). Calling {@code GetLastError} as a downcall of its
 * own would read whatever the JVM did in between. The value is needed on success too:
 * {@code CreateFileMappingW} returns a handle and sets {@link #ERROR_ALREADY_EXISTS} when the object existed.
 * Read it with {@link #lastError(MemorySegment)}.
 *
 * <p>Win64 is LLP64, on x64 and ARM64 alike: {@code DWORD}, {@code BOOL} and {@code long} are 32 bits
 * ({@code JAVA_INT}); {@code SIZE_T} is 64 bits ({@code JAVA_LONG}); {@code HANDLE}, {@code LPVOID},
 * {@code LPCWSTR} are pointers ({@code ADDRESS}). Wide strings are NUL-terminated UTF-16LE
 * ({@link #wideString(SegmentAllocator, String)}).
 *
 * <p>Loading this class, its constants, layouts and {@link Descriptors} touches no native code, so it loads
 * on any OS; kernel32 is looked up, and the capture option built, the first time a function is called.
 * {@code AbiProofTest} compiles every descriptor, constant and layout here against mingw-w64's
 * {@code <windows.h>}.
 */
public final class Kernel32 {
    private Kernel32() {
    }

    // <winnt.h> / <memoryapi.h>: page protection and view access
    /** {@code PAGE_READWRITE}: the mapping may be viewed read-write. */
    public static final int PAGE_READWRITE = 0x04;
    /** {@code FILE_MAP_WRITE} ({@code SECTION_MAP_WRITE}): a read-write view. */
    public static final int FILE_MAP_WRITE = 0x0002;
    /** {@code FILE_MAP_READ} ({@code SECTION_MAP_READ}): a read-only view. */
    public static final int FILE_MAP_READ = 0x0004;
    /** {@code FILE_MAP_ALL_ACCESS} ({@code SECTION_ALL_ACCESS}): every right, including extending the section. */
    public static final int FILE_MAP_ALL_ACCESS = 0xF001F;
    /** {@code SECTION_QUERY}: query the section's size and attributes. */
    public static final int SECTION_QUERY = 0x0001;
    /** {@code SECTION_MAP_WRITE}: map a writable view (the right {@link #FILE_MAP_WRITE} asks for). */
    public static final int SECTION_MAP_WRITE = 0x0002;
    /** {@code SECTION_MAP_READ}: map a readable view (the right {@link #FILE_MAP_READ} asks for). */
    public static final int SECTION_MAP_READ = 0x0004;
    /** {@code SECTION_ALL_ACCESS}: every section right, standard rights included. */
    public static final int SECTION_ALL_ACCESS = 0xF001F;

    // <winnt.h>: standard access rights
    /** {@code READ_CONTROL}: read the object's security descriptor (its owner and DACL). */
    public static final int READ_CONTROL = 0x00020000;
    /** {@code SYNCHRONIZE}: wait on the object; the least right that opens an event, mutex, semaphore or timer. */
    public static final int SYNCHRONIZE = 0x00100000;
    /** {@code JOB_OBJECT_QUERY}: the least right that opens a job object. */
    public static final int JOB_OBJECT_QUERY = 0x0004;

    // <winnt.h>: mutex and event rights
    /** {@code MUTEX_MODIFY_STATE}: release the mutex (with {@link #SYNCHRONIZE}, to take it, all a writer needs). */
    public static final int MUTEX_MODIFY_STATE = 0x0001;
    /** {@code MUTEX_ALL_ACCESS}: every mutex right; what CreateMutexW asks for on an existing mutex. */
    public static final int MUTEX_ALL_ACCESS = 0x1F0001;
    /** {@code EVENT_MODIFY_STATE}: set or reset the event (what a writer needs to wake). */
    public static final int EVENT_MODIFY_STATE = 0x0002;
    /** {@code EVENT_ALL_ACCESS}: every event right; what CreateEventW asks for on an existing event. */
    public static final int EVENT_ALL_ACCESS = 0x1F0003;

    // <winbase.h> / <synchapi.h>: what WaitForSingleObject returns
    /** {@code WAIT_OBJECT_0}: the object was signalled (a mutex: the caller owns it now). */
    public static final int WAIT_OBJECT_0 = 0x00000000;
    /**
     * {@code WAIT_ABANDONED}: the mutex's owning thread ended without releasing it (its process died); the caller
     * owns it now, and what it guarded may be half-done.
     */
    public static final int WAIT_ABANDONED = 0x00000080;
    /** {@code WAIT_TIMEOUT}: the timeout passed with the object not signalled. */
    public static final int WAIT_TIMEOUT = 0x00000102;
    /** {@code WAIT_FAILED}: the wait failed; the last error says why. */
    public static final int WAIT_FAILED = 0xFFFFFFFF;

    // <winnt.h>: MEMORY_BASIC_INFORMATION.State
    /** {@code MEM_COMMIT}: the pages have storage; touching them is safe. */
    public static final int MEM_COMMIT = 0x1000;
    /** {@code MEM_RESERVE}: address space only; touching the pages is an access violation. */
    public static final int MEM_RESERVE = 0x2000;

    // <handleapi.h>
    /** {@code INVALID_HANDLE_VALUE}: {@code ((HANDLE)(LONG_PTR)-1)}, the all-ones pointer; as hFile, "the paging file". */
    public static final long INVALID_HANDLE_VALUE = -1L;

    // <winbase.h>
    /** {@code FORMAT_MESSAGE_IGNORE_INSERTS}: leave {@code %1} inserts alone (there are no arguments). */
    public static final int FORMAT_MESSAGE_IGNORE_INSERTS = 0x00000200;
    /** {@code FORMAT_MESSAGE_FROM_SYSTEM}: look the code up in the system's message table. */
    public static final int FORMAT_MESSAGE_FROM_SYSTEM = 0x00001000;

    // <winerror.h>: the codes WindowsBackend names (https://learn.microsoft.com/windows/win32/debug/system-error-codes--0-499-)
    /** {@code ERROR_SUCCESS} (0). */
    public static final int ERROR_SUCCESS = 0;
    /** {@code ERROR_FILE_NOT_FOUND} (2): OpenFileMappingW found no object of that name. */
    public static final int ERROR_FILE_NOT_FOUND = 2;
    /** {@code ERROR_PATH_NOT_FOUND} (3): e.g. a namespace prefix that does not exist. */
    public static final int ERROR_PATH_NOT_FOUND = 3;
    /** {@code ERROR_ACCESS_DENIED} (5). */
    public static final int ERROR_ACCESS_DENIED = 5;
    /**
     * {@code ERROR_INVALID_HANDLE} (6): also what CreateFileMappingW and OpenFileMappingW say when the name belongs
     * to an event, semaphore, mutex, waitable timer or job object, which share the file mappings' namespace.
     */
    public static final int ERROR_INVALID_HANDLE = 6;
    /** {@code ERROR_NOT_ENOUGH_MEMORY} (8). */
    public static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    /** {@code ERROR_OUTOFMEMORY} (14). */
    public static final int ERROR_OUTOFMEMORY = 14;
    /** {@code ERROR_INVALID_PARAMETER} (87). */
    public static final int ERROR_INVALID_PARAMETER = 87;
    /** {@code ERROR_INSUFFICIENT_BUFFER} (122): GetTokenInformation's buffer was too small. */
    public static final int ERROR_INSUFFICIENT_BUFFER = 122;
    /** {@code ERROR_DISK_FULL} (112). */
    public static final int ERROR_DISK_FULL = 112;
    /** {@code ERROR_INVALID_NAME} (123). */
    public static final int ERROR_INVALID_NAME = 123;
    /** {@code ERROR_BAD_PATHNAME} (161). */
    public static final int ERROR_BAD_PATHNAME = 161;
    /** {@code ERROR_ALREADY_EXISTS} (183): set by a <em>successful</em> CreateFileMappingW that opened an existing object. */
    public static final int ERROR_ALREADY_EXISTS = 183;
    /** {@code ERROR_NOT_OWNER} (288): ReleaseMutex by a thread that does not own the mutex. */
    public static final int ERROR_NOT_OWNER = 288;
    /** {@code ERROR_FILENAME_EXCED_RANGE} (206). */
    public static final int ERROR_FILENAME_EXCED_RANGE = 206;
    /** {@code ERROR_INVALID_ADDRESS} (487). */
    public static final int ERROR_INVALID_ADDRESS = 487;
    /** {@code ERROR_PRIVILEGE_NOT_HELD} (1314): the caller's token lacks a privilege the call needs. */
    public static final int ERROR_PRIVILEGE_NOT_HELD = 1314;
    /** {@code ERROR_NO_SYSTEM_RESOURCES} (1450). */
    public static final int ERROR_NO_SYSTEM_RESOURCES = 1450;
    /** {@code ERROR_COMMITMENT_LIMIT} (1455): the paging file cannot back a mapping that large. */
    public static final int ERROR_COMMITMENT_LIMIT = 1455;

    /**
     * {@code MEMORY_BASIC_INFORMATION} on Win64 (x64 and ARM64: {@code _WIN64}, natural alignment). The
     * Windows SDK declares {@code WORD PartitionId} in the 4 bytes after {@code AllocationProtect}; mingw-w64
     * leaves them as padding. {@code AllocationBase}, {@code RegionSize} and {@code State} are read.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/winnt/ns-winnt-memory_basic_information">MEMORY_BASIC_INFORMATION</a>
     */
    public static final StructLayout MEMORY_BASIC_INFORMATION = MemoryLayout.structLayout(
            ADDRESS.withName("BaseAddress"),
            ADDRESS.withName("AllocationBase"),
            JAVA_INT.withName("AllocationProtect"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("RegionSize"),
            JAVA_INT.withName("State"),
            JAVA_INT.withName("Protect"),
            JAVA_INT.withName("Type"),
            MemoryLayout.paddingLayout(4)
    ).withName("MEMORY_BASIC_INFORMATION");

    /** {@code MEMORY_BASIC_INFORMATION.AllocationBase}: where the view (the allocation) holding the address begins. */
    public static final VarHandle AllocationBase = MEMORY_BASIC_INFORMATION.varHandle(groupElement("AllocationBase"));
    /** {@code MEMORY_BASIC_INFORMATION.RegionSize}: bytes from the base address that share the same attributes. */
    public static final VarHandle RegionSize = MEMORY_BASIC_INFORMATION.varHandle(groupElement("RegionSize"));
    /** {@code MEMORY_BASIC_INFORMATION.State}: {@link #MEM_COMMIT}, {@link #MEM_RESERVE} or {@code MEM_FREE}. */
    public static final VarHandle State = MEMORY_BASIC_INFORMATION.varHandle(groupElement("State"));

    /**
     * {@code SECURITY_ATTRIBUTES} on Win64: {@code DWORD nLength; LPVOID lpSecurityDescriptor; BOOL bInheritHandle;}.
     *
     * @see <a href="https://learn.microsoft.com/windows/win32/api/wtypesbase/ns-wtypesbase-security_attributes">SECURITY_ATTRIBUTES</a>
     */
    public static final StructLayout SECURITY_ATTRIBUTES = MemoryLayout.structLayout(
            JAVA_INT.withName("nLength"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("lpSecurityDescriptor"),
            JAVA_INT.withName("bInheritHandle"),
            MemoryLayout.paddingLayout(4)
    ).withName("SECURITY_ATTRIBUTES");

    /** A UTF-16LE code unit: a {@code WCHAR}. */
    private static final ValueLayout.OfChar WCHAR = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Encodes {@code s} as a NUL-terminated {@code LPCWSTR}: its UTF-16 code units copied verbatim,
     * little-endian, then a 2-byte NUL. No charset coder is involved, so nothing is replaced.
     */
    public static MemorySegment wideString(SegmentAllocator allocator, String s) {
        MemorySegment w = allocator.allocate(2L * (s.length() + 1), 2);
        for (int i = 0; i < s.length(); i++) {
            w.set(WCHAR, 2L * i, s.charAt(i));
        }
        w.set(WCHAR, 2L * s.length(), '\0');
        return w;
    }

    /** @return the {@code length} UTF-16LE code units at the start of {@code w} */
    public static String fromWide(MemorySegment w, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = w.get(WCHAR, 2L * i);
        }
        return new String(chars);
    }

    /** The capture option and its layout; {@code GetLastError} is a valid name only on Windows, so built late. */
    private static final class Capture {
        static final Linker.Option OPTION = Linker.Option.captureCallState("GetLastError");
        static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
        static final VarHandle GET_LAST_ERROR = LAYOUT.varHandle(groupElement("GetLastError"));
    }

    /** @return the layout of the state {@code captureCallState("GetLastError")} stores (Windows only) */
    public static StructLayout lastErrorStateLayout() {
        return Capture.LAYOUT;
    }

    /** @return the {@code GetLastError()} value stored in {@code lastErrorState} by the call it was passed to */
    public static int lastError(MemorySegment lastErrorState) {
        return (int) Capture.GET_LAST_ERROR.get(lastErrorState, 0L);
    }

    private static final class Lib {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup KERNEL32 = SymbolLookup.libraryLookup("kernel32.dll", Arena.global());
    }

    static MethodHandle downcall(String name, FunctionDescriptor descriptor, boolean captureLastError) {
        return link(Lib.KERNEL32, "kernel32", name, descriptor, captureLastError);
    }

    /** Links {@code name} in {@code library}, capturing the last error after each call when asked: kernel32's and advapi32's way. */
    static MethodHandle link(SymbolLookup library, String libraryName, String name, FunctionDescriptor descriptor,
                             boolean captureLastError) {
        MemorySegment symbol = library.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(libraryName + " has no symbol " + name));
        return captureLastError
                ? Lib.LINKER.downcallHandle(symbol, descriptor, Capture.OPTION)
                : Lib.LINKER.downcallHandle(symbol, descriptor);
    }

    static AssertionError unexpected(Throwable t) {
        return new AssertionError("downcall failed unexpectedly", t);
    }

    /** Descriptors, public so that the ABI proof checks exactly what is linked, against the prototype beside each. */
    public static final class Descriptors {
        private Descriptors() {
        }

        @CFunction("HANDLE WINAPI CreateFileMappingW(HANDLE, LPSECURITY_ATTRIBUTES, DWORD, DWORD, DWORD, LPCWSTR)")
        public static final FunctionDescriptor CreateFileMappingW =
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);

        @CFunction("HANDLE WINAPI OpenFileMappingW(DWORD, BOOL, LPCWSTR)")
        public static final FunctionDescriptor OpenFileMappingW =
                FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

        @CFunction("LPVOID WINAPI MapViewOfFile(HANDLE, DWORD, DWORD, DWORD, SIZE_T)")
        public static final FunctionDescriptor MapViewOfFile =
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);

        @CFunction("BOOL WINAPI UnmapViewOfFile(LPCVOID)")
        public static final FunctionDescriptor UnmapViewOfFile = FunctionDescriptor.of(JAVA_INT, ADDRESS);

        @CFunction("BOOL WINAPI CloseHandle(HANDLE)")
        public static final FunctionDescriptor CloseHandle = FunctionDescriptor.of(JAVA_INT, ADDRESS);

        @CFunction("SIZE_T WINAPI VirtualQuery(LPCVOID, PMEMORY_BASIC_INFORMATION, SIZE_T)")
        public static final FunctionDescriptor VirtualQuery =
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);

        @CFunction("DWORD WINAPI FormatMessageW(DWORD, LPCVOID, DWORD, DWORD, LPWSTR, DWORD, va_list *)")
        public static final FunctionDescriptor FormatMessageW =
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);

        @CFunction("HLOCAL WINAPI LocalFree(HLOCAL)")
        public static final FunctionDescriptor LocalFree = FunctionDescriptor.of(ADDRESS, ADDRESS);

        @CFunction("HANDLE WINAPI GetCurrentProcess(void)")
        public static final FunctionDescriptor GetCurrentProcess = FunctionDescriptor.of(ADDRESS);

        @CFunction("HANDLE WINAPI OpenEventW(DWORD, BOOL, LPCWSTR)")
        public static final FunctionDescriptor OpenEventW = FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

        @CFunction("HANDLE WINAPI OpenMutexW(DWORD, BOOL, LPCWSTR)")
        public static final FunctionDescriptor OpenMutexW = FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

        @CFunction("HANDLE WINAPI OpenSemaphoreW(DWORD, BOOL, LPCWSTR)")
        public static final FunctionDescriptor OpenSemaphoreW = FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

        @CFunction("HANDLE WINAPI OpenWaitableTimerW(DWORD, BOOL, LPCWSTR)")
        public static final FunctionDescriptor OpenWaitableTimerW = FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

        @CFunction("HANDLE WINAPI OpenJobObjectW(DWORD, BOOL, LPCWSTR)")
        public static final FunctionDescriptor OpenJobObjectW = FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

        @CFunction("HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES, BOOL, LPCWSTR)")
        public static final FunctionDescriptor CreateMutexW = FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS);

        @CFunction("BOOL WINAPI ReleaseMutex(HANDLE)")
        public static final FunctionDescriptor ReleaseMutex = FunctionDescriptor.of(JAVA_INT, ADDRESS);

        @CFunction("HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES, BOOL, BOOL, LPCWSTR)")
        public static final FunctionDescriptor CreateEventW =
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);

        @CFunction("BOOL WINAPI SetEvent(HANDLE)")
        public static final FunctionDescriptor SetEvent = FunctionDescriptor.of(JAVA_INT, ADDRESS);

        @CFunction("DWORD WINAPI WaitForSingleObject(HANDLE, DWORD)")
        public static final FunctionDescriptor WaitForSingleObject = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
    }

    private static final class CreateFileMappingW$ {
        static final MethodHandle HANDLE = downcall("CreateFileMappingW", Descriptors.CreateFileMappingW, true);
    }

    /**
     * {@code HANDLE CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
     * DWORD flProtect, DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow, LPCWSTR lpName);}
     *
     * @return the mapping handle, or NULL; on success the last error is {@link #ERROR_ALREADY_EXISTS} when the
     *         object existed (with its own size, not the one asked for)
     * @see <a href="https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-createfilemappingw">CreateFileMappingW</a>
     */
    public static MemorySegment CreateFileMappingW(MemorySegment lastErrorState, MemorySegment hFile,
                                                   MemorySegment lpFileMappingAttributes, int flProtect,
                                                   int dwMaximumSizeHigh, int dwMaximumSizeLow, MemorySegment lpName) {
        try {
            return (MemorySegment) CreateFileMappingW$.HANDLE.invokeExact(lastErrorState, hFile,
                    lpFileMappingAttributes, flProtect, dwMaximumSizeHigh, dwMaximumSizeLow, lpName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class OpenFileMappingW$ {
        static final MethodHandle HANDLE = downcall("OpenFileMappingW", Descriptors.OpenFileMappingW, true);
    }

    /**
     * {@code HANDLE OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);}
     *
     * @return the mapping handle, or NULL ({@link #ERROR_FILE_NOT_FOUND} when no such object exists)
     * @see <a href="https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-openfilemappingw">OpenFileMappingW</a>
     */
    public static MemorySegment OpenFileMappingW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                                 MemorySegment lpName) {
        try {
            return (MemorySegment) OpenFileMappingW$.HANDLE.invokeExact(lastErrorState, dwDesiredAccess,
                    bInheritHandle, lpName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class MapViewOfFile$ {
        static final MethodHandle HANDLE = downcall("MapViewOfFile", Descriptors.MapViewOfFile, true);
    }

    /**
     * {@code LPVOID MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
     * DWORD dwFileOffsetLow, SIZE_T dwNumberOfBytesToMap);}
     *
     * @return the view's base address, or NULL; {@code dwNumberOfBytesToMap == 0} maps the whole object
     * @see <a href="https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-mapviewoffile">MapViewOfFile</a>
     */
    public static MemorySegment MapViewOfFile(MemorySegment lastErrorState, MemorySegment hFileMappingObject,
                                              int dwDesiredAccess, int dwFileOffsetHigh, int dwFileOffsetLow,
                                              long dwNumberOfBytesToMap) {
        try {
            return (MemorySegment) MapViewOfFile$.HANDLE.invokeExact(lastErrorState, hFileMappingObject,
                    dwDesiredAccess, dwFileOffsetHigh, dwFileOffsetLow, dwNumberOfBytesToMap);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class UnmapViewOfFile$ {
        static final MethodHandle HANDLE = downcall("UnmapViewOfFile", Descriptors.UnmapViewOfFile, true);
    }

    /**
     * {@code BOOL UnmapViewOfFile(LPCVOID lpBaseAddress);}
     *
     * @return nonzero on success
     * @see <a href="https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-unmapviewoffile">UnmapViewOfFile</a>
     */
    public static int UnmapViewOfFile(MemorySegment lastErrorState, MemorySegment lpBaseAddress) {
        try {
            return (int) UnmapViewOfFile$.HANDLE.invokeExact(lastErrorState, lpBaseAddress);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class CloseHandle$ {
        static final MethodHandle HANDLE = downcall("CloseHandle", Descriptors.CloseHandle, true);
    }

    /**
     * {@code BOOL CloseHandle(HANDLE hObject);} The kernel frees a mapping when its last handle and view are gone.
     *
     * @return nonzero on success
     * @see <a href="https://learn.microsoft.com/windows/win32/api/handleapi/nf-handleapi-closehandle">CloseHandle</a>
     */
    public static int CloseHandle(MemorySegment lastErrorState, MemorySegment hObject) {
        try {
            return (int) CloseHandle$.HANDLE.invokeExact(lastErrorState, hObject);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class VirtualQuery$ {
        static final MethodHandle HANDLE = downcall("VirtualQuery", Descriptors.VirtualQuery, true);
    }

    /**
     * {@code SIZE_T VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength);}
     *
     * @return the number of bytes written to {@code lpBuffer}, 0 on failure
     * @see <a href="https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualquery">VirtualQuery</a>
     */
    public static long VirtualQuery(MemorySegment lastErrorState, MemorySegment lpAddress, MemorySegment lpBuffer,
                                    long dwLength) {
        try {
            return (long) VirtualQuery$.HANDLE.invokeExact(lastErrorState, lpAddress, lpBuffer, dwLength);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class FormatMessageW$ {
        static final MethodHandle HANDLE = downcall("FormatMessageW", Descriptors.FormatMessageW, false);
    }

    /**
     * {@code DWORD FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId,
     * LPWSTR lpBuffer, DWORD nSize, va_list *Arguments);} Used with {@link #FORMAT_MESSAGE_FROM_SYSTEM} and a
     * caller-supplied buffer, so no {@code LocalFree} is needed.
     *
     * @return the number of {@code WCHAR}s stored, without the NUL; 0 on failure
     * @see <a href="https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-formatmessagew">FormatMessageW</a>
     */
    public static int FormatMessageW(int dwFlags, MemorySegment lpSource, int dwMessageId, int dwLanguageId,
                                     MemorySegment lpBuffer, int nSize, MemorySegment Arguments) {
        try {
            return (int) FormatMessageW$.HANDLE.invokeExact(dwFlags, lpSource, dwMessageId, dwLanguageId, lpBuffer,
                    nSize, Arguments);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class LocalFree$ {
        static final MethodHandle HANDLE = downcall("LocalFree", Descriptors.LocalFree, false);
    }

    /**
     * {@code HLOCAL LocalFree(HLOCAL hMem);} Frees what advapi32 allocated for the caller (a security descriptor
     * from GetSecurityInfo).
     *
     * @return NULL on success
     * @see <a href="https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-localfree">LocalFree</a>
     */
    public static MemorySegment LocalFree(MemorySegment hMem) {
        try {
            return (MemorySegment) LocalFree$.HANDLE.invokeExact(hMem);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class GetCurrentProcess$ {
        static final MethodHandle HANDLE = downcall("GetCurrentProcess", Descriptors.GetCurrentProcess, false);
    }

    /**
     * {@code HANDLE GetCurrentProcess(void);}
     *
     * @return the pseudo handle of the calling process, which needs no CloseHandle
     * @see <a href="https://learn.microsoft.com/windows/win32/api/processthreadsapi/nf-processthreadsapi-getcurrentprocess">GetCurrentProcess</a>
     */
    public static MemorySegment GetCurrentProcess() {
        try {
            return (MemorySegment) GetCurrentProcess$.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class OpenEventW$ {
        static final MethodHandle HANDLE = downcall("OpenEventW", Descriptors.OpenEventW, true);
    }

    /**
     * {@code HANDLE OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);} Opens the event named
     * {@code lpName}; used to tell which kind of object holds a name that is not a file mapping.
     *
     * @return the handle, or NULL ({@link #ERROR_INVALID_HANDLE} when the name belongs to another object type)
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-openeventw">OpenEventW</a>
     */
    public static MemorySegment OpenEventW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                     MemorySegment lpName) {
        try {
            return (MemorySegment) OpenEventW$.HANDLE.invokeExact(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class OpenMutexW$ {
        static final MethodHandle HANDLE = downcall("OpenMutexW", Descriptors.OpenMutexW, true);
    }

    /**
     * {@code HANDLE OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);} Opens the mutex named
     * {@code lpName}; used to tell which kind of object holds a name that is not a file mapping.
     *
     * @return the handle, or NULL ({@link #ERROR_INVALID_HANDLE} when the name belongs to another object type)
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-openmutexw">OpenMutexW</a>
     */
    public static MemorySegment OpenMutexW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                     MemorySegment lpName) {
        try {
            return (MemorySegment) OpenMutexW$.HANDLE.invokeExact(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class OpenSemaphoreW$ {
        static final MethodHandle HANDLE = downcall("OpenSemaphoreW", Descriptors.OpenSemaphoreW, true);
    }

    /**
     * {@code HANDLE OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);} Opens the semaphore named
     * {@code lpName}; used to tell which kind of object holds a name that is not a file mapping.
     *
     * @return the handle, or NULL ({@link #ERROR_INVALID_HANDLE} when the name belongs to another object type)
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-opensemaphorew">OpenSemaphoreW</a>
     */
    public static MemorySegment OpenSemaphoreW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                     MemorySegment lpName) {
        try {
            return (MemorySegment) OpenSemaphoreW$.HANDLE.invokeExact(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class OpenWaitableTimerW$ {
        static final MethodHandle HANDLE = downcall("OpenWaitableTimerW", Descriptors.OpenWaitableTimerW, true);
    }

    /**
     * {@code HANDLE OpenWaitableTimerW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);} Opens the waitable timer named
     * {@code lpName}; used to tell which kind of object holds a name that is not a file mapping.
     *
     * @return the handle, or NULL ({@link #ERROR_INVALID_HANDLE} when the name belongs to another object type)
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-openwaitabletimerw">OpenWaitableTimerW</a>
     */
    public static MemorySegment OpenWaitableTimerW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                     MemorySegment lpName) {
        try {
            return (MemorySegment) OpenWaitableTimerW$.HANDLE.invokeExact(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class OpenJobObjectW$ {
        static final MethodHandle HANDLE = downcall("OpenJobObjectW", Descriptors.OpenJobObjectW, true);
    }

    /**
     * {@code HANDLE OpenJobObjectW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);} Opens the job object named
     * {@code lpName}; used to tell which kind of object holds a name that is not a file mapping.
     *
     * @return the handle, or NULL ({@link #ERROR_INVALID_HANDLE} when the name belongs to another object type)
     * @see <a href="https://learn.microsoft.com/windows/win32/api/jobapi2/nf-jobapi2-openjobobjectw">OpenJobObjectW</a>
     */
    public static MemorySegment OpenJobObjectW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                     MemorySegment lpName) {
        try {
            return (MemorySegment) OpenJobObjectW$.HANDLE.invokeExact(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class CreateMutexW$ {
        static final MethodHandle HANDLE = downcall("CreateMutexW", Descriptors.CreateMutexW, true);
    }

    /**
     * {@code HANDLE CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner, LPCWSTR lpName);}
     *
     * @return the handle, or NULL; on success the last error is {@link #ERROR_ALREADY_EXISTS} when the mutex
     *         existed ({@code bInitialOwner} is then ignored); {@link #ERROR_INVALID_HANDLE} when the name belongs
     *         to another object type; {@link #ERROR_ACCESS_DENIED} when it exists and denies
     *         {@link #MUTEX_ALL_ACCESS}
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-createmutexw">CreateMutexW</a>
     */
    public static MemorySegment CreateMutexW(MemorySegment lastErrorState, MemorySegment lpMutexAttributes,
                                             int bInitialOwner, MemorySegment lpName) {
        try {
            return (MemorySegment) CreateMutexW$.HANDLE.invokeExact(lastErrorState, lpMutexAttributes, bInitialOwner,
                    lpName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class ReleaseMutex$ {
        static final MethodHandle HANDLE = downcall("ReleaseMutex", Descriptors.ReleaseMutex, true);
    }

    /**
     * {@code BOOL ReleaseMutex(HANDLE hMutex);} Only the owning thread may release a mutex.
     *
     * @return nonzero on success; 0 with {@link #ERROR_NOT_OWNER} when the calling thread does not own it
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-releasemutex">ReleaseMutex</a>
     */
    public static int ReleaseMutex(MemorySegment lastErrorState, MemorySegment hMutex) {
        try {
            return (int) ReleaseMutex$.HANDLE.invokeExact(lastErrorState, hMutex);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class CreateEventW$ {
        static final MethodHandle HANDLE = downcall("CreateEventW", Descriptors.CreateEventW, true);
    }

    /**
     * {@code HANDLE CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset, BOOL bInitialState,
     * LPCWSTR lpName);}
     *
     * @return the handle, or NULL; as {@link #CreateMutexW}, {@link #ERROR_ALREADY_EXISTS} on success when the
     *         event existed (its reset mode and state are then its own)
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-createeventw">CreateEventW</a>
     */
    public static MemorySegment CreateEventW(MemorySegment lastErrorState, MemorySegment lpEventAttributes,
                                             int bManualReset, int bInitialState, MemorySegment lpName) {
        try {
            return (MemorySegment) CreateEventW$.HANDLE.invokeExact(lastErrorState, lpEventAttributes, bManualReset,
                    bInitialState, lpName);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class SetEvent$ {
        static final MethodHandle HANDLE = downcall("SetEvent", Descriptors.SetEvent, true);
    }

    /**
     * {@code BOOL SetEvent(HANDLE hEvent);} A manual-reset event stays signalled, releasing every wait, until reset.
     *
     * @return nonzero on success
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-setevent">SetEvent</a>
     */
    public static int SetEvent(MemorySegment lastErrorState, MemorySegment hEvent) {
        try {
            return (int) SetEvent$.HANDLE.invokeExact(lastErrorState, hEvent);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class WaitForSingleObject$ {
        static final MethodHandle HANDLE = downcall("WaitForSingleObject", Descriptors.WaitForSingleObject, true);
    }

    /**
     * {@code DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);}
     *
     * @return {@link #WAIT_OBJECT_0}, {@link #WAIT_ABANDONED} (a mutex whose owner died), {@link #WAIT_TIMEOUT}, or
     *         {@link #WAIT_FAILED} with the last error
     * @see <a href="https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-waitforsingleobject">WaitForSingleObject</a>
     */
    public static int WaitForSingleObject(MemorySegment lastErrorState, MemorySegment hHandle, int dwMilliseconds) {
        try {
            return (int) WaitForSingleObject$.HANDLE.invokeExact(lastErrorState, hHandle, dwMilliseconds);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
