package io.github.panamashm.internal.windows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.github.panamashm.internal.windows.Advapi32.ACCESS_ALLOWED_ACE;
import static io.github.panamashm.internal.windows.Advapi32.ACE_HEADER;
import static io.github.panamashm.internal.windows.Advapi32.ACL;
import static io.github.panamashm.internal.windows.Advapi32.DACL_SECURITY_INFORMATION;
import static io.github.panamashm.internal.windows.Advapi32.OWNER_SECURITY_INFORMATION;
import static io.github.panamashm.internal.windows.Advapi32.SE_KERNEL_OBJECT;
import static io.github.panamashm.internal.windows.Advapi32.TOKEN_QUERY;
import static io.github.panamashm.internal.windows.Kernel32.*;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The Win32 calls {@link WindowsBackend} makes, in Java terms: strings become NUL-terminated UTF-16LE, a size
 * becomes its high and low DWORDs, the paging file is {@code INVALID_HANDLE_VALUE}, a security descriptor is
 * passed in a {@code SECURITY_ATTRIBUTES}, and each result comes back with the last error captured right after
 * the call. Each call gets its own confined arena for its arguments and last-error state (never a shared one:
 * threads would race on it). Handles and addresses are raw 64-bit values, 0 being NULL.
 *
 * <p>Below it is {@link Win32}, the raw functions: the real ones in production, a model or Wine's in tests.
 */
final class Win32Calls {
    /** Longest message text read from FormatMessageW, in WCHARs; system messages are far shorter. */
    private static final int MESSAGE_CAPACITY = 1024;
    /** Largest number of sub-authorities a SID may have ({@code SID_MAX_SUB_AUTHORITIES}). */
    private static final int SID_MAX_SUB_AUTHORITIES = 15;
    private static final MemorySegment INVALID_HANDLE = MemorySegment.ofAddress(INVALID_HANDLE_VALUE);

    private final Win32 win32;
    private volatile Token token;

    Win32Calls(Win32 win32) {
        this.win32 = win32;
    }

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
     * What VirtualQuery says about the pages at an address.
     *
     * @param allocationBase where the view holding them begins
     * @param regionSize     how many bytes from the address share their state; 0 when VirtualQuery failed
     * @param state          {@link Kernel32#MEM_COMMIT}, {@link Kernel32#MEM_RESERVE} or {@code MEM_FREE}
     * @param lastError      the last error, meaningful when VirtualQuery failed
     */
    record Region(long allocationBase, long regionSize, int state, int lastError) {
        boolean failed() {
            return regionSize == 0;
        }
    }

    /** The process token's user and the owner it gives new objects (BUILTIN\Administrators when elevated). */
    record Token(byte[] user, byte[] defaultOwner) {
    }

    /**
     * An object's owner and DACL.
     *
     * @param owner the owner's SID, or null when the object has none
     * @param dacl  the DACL's access-allowed entries, or null when there is no DACL (every user has every right)
     */
    record ObjectSecurity(byte[] owner, List<Ace> dacl) {
    }

    /** An access-allowed entry: {@code sid} is granted {@code mask}. */
    record Ace(byte[] sid, int mask) {
    }

    /** A call that failed with a Win32 error, for the sequences of calls that return no {@link Result}. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final String call;
        final int error;

        Failure(String call, int error) {
            super(call + " failed: " + error, null, false, false);
            this.call = call;
            this.error = error;
        }
    }

    private MemorySegment state(Arena arena) {
        return arena.allocate(win32.lastErrorStateLayout());
    }

    /** One Win32 call: its value (a handle's address, a BOOL, a DWORD) from {@code (arena, lastErrorState)}. */
    private interface Call {
        long make(Arena arena, MemorySegment state);
    }

    /** Makes {@code call} with a last-error state of its own and returns its value and the error it captured. */
    private Result call(Call call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            long value = call.make(arena, state);
            return new Result(value, win32.lastError(state));
        }
    }

    /**
     * {@code CreateFileMappingW(INVALID_HANDLE_VALUE, sa, PAGE_READWRITE, high, low, name)}: a mapping backed by the
     * paging file.
     *
     * @param securityDescriptor a self-relative security descriptor for a new object, or null for the default one
     */
    Result createFileMapping(String name, long maximumSize, byte[] securityDescriptor) {
        return createFileMapping(name, maximumSize, securityDescriptor, PAGE_READWRITE);
    }

    /** {@link #createFileMapping(String, long, byte[])} with other protection or section flags, for tests. */
    Result createFileMapping(String name, long maximumSize, byte[] securityDescriptor, int flProtect) {
        return call((arena, state) -> win32.CreateFileMappingW(state, INVALID_HANDLE,
                attributes(arena, securityDescriptor), flProtect, (int) (maximumSize >>> 32), (int) maximumSize,
                wideString(arena, name)).address());
    }

    /** @return a {@code SECURITY_ATTRIBUTES} holding {@code securityDescriptor}, or NULL when it is null */
    private static MemorySegment attributes(Arena arena, byte[] securityDescriptor) {
        if (securityDescriptor == null) {
            return MemorySegment.NULL;
        }
        MemorySegment attributes = arena.allocate(SECURITY_ATTRIBUTES);
        attributes.set(JAVA_INT, SECURITY_ATTRIBUTES.byteOffset(groupElement("nLength")),
                (int) SECURITY_ATTRIBUTES.byteSize());
        MemorySegment descriptor = arena.allocate(securityDescriptor.length, 8); // its DWORDs aligned
        MemorySegment.copy(securityDescriptor, 0, descriptor, JAVA_BYTE, 0, securityDescriptor.length);
        attributes.set(ADDRESS, SECURITY_ATTRIBUTES.byteOffset(groupElement("lpSecurityDescriptor")), descriptor);
        return attributes;
    }

    /**
     * {@code CreateMutexW(sa, FALSE, name)}: a mutex nobody owns yet, or the existing one
     * ({@link Kernel32#ERROR_ALREADY_EXISTS}).
     */
    Result createMutex(String name, byte[] securityDescriptor) {
        return call((arena, state) -> win32.CreateMutexW(state, attributes(arena, securityDescriptor), 0,
                wideString(arena, name)).address());
    }

    /** {@code OpenMutexW(desiredAccess, FALSE, name)}. */
    Result openMutex(String name, int desiredAccess) {
        return call((arena, state) -> win32.OpenMutexW(state, desiredAccess, 0, wideString(arena, name)).address());
    }

    /** {@code ReleaseMutex(mutex)}. */
    Result releaseMutex(long mutex) {
        return call((arena, state) -> win32.ReleaseMutex(state, MemorySegment.ofAddress(mutex)));
    }

    /** {@code CreateEventW(sa, TRUE, FALSE, name)}: a manual-reset event, not set, or the existing one. */
    Result createEvent(String name, byte[] securityDescriptor) {
        return call((arena, state) -> win32.CreateEventW(state, attributes(arena, securityDescriptor), 1, 0,
                wideString(arena, name)).address());
    }

    /** {@code OpenEventW(desiredAccess, FALSE, name)}. */
    Result openEvent(String name, int desiredAccess) {
        return call((arena, state) -> win32.OpenEventW(state, desiredAccess, 0, wideString(arena, name)).address());
    }

    /** {@code SetEvent(event)}. */
    Result setEvent(long event) {
        return call((arena, state) -> win32.SetEvent(state, MemorySegment.ofAddress(event)));
    }

    /**
     * {@code WaitForSingleObject(handle, milliseconds)}.
     *
     * @return a Result whose {@code value} is what the function returned ({@link Kernel32#WAIT_OBJECT_0} is 0, so
     *         {@link Result#failed()} means nothing here) and whose last error matters for {@link Kernel32#WAIT_FAILED}
     */
    Result waitForSingleObject(long handle, int milliseconds) {
        return call((arena, state) -> Integer.toUnsignedLong(
                win32.WaitForSingleObject(state, MemorySegment.ofAddress(handle), milliseconds)));
    }

    /** {@code OpenFileMappingW(desiredAccess, FALSE, name)}. */
    Result openFileMapping(String name, int desiredAccess) {
        return call((arena, state) -> win32.OpenFileMappingW(state, desiredAccess, 0, wideString(arena, name))
                .address());
    }

    /** {@code MapViewOfFile(mapping, desiredAccess, 0, 0, bytesToMap)}: from offset 0; 0 bytes maps it all. */
    Result mapViewOfFile(long mapping, int desiredAccess, long bytesToMap) {
        return call((arena, state) -> win32.MapViewOfFile(state, MemorySegment.ofAddress(mapping), desiredAccess, 0,
                0, bytesToMap).address());
    }

    /** {@code UnmapViewOfFile(address)}. */
    Result unmapViewOfFile(long address) {
        return call((arena, state) -> win32.UnmapViewOfFile(state, MemorySegment.ofAddress(address)));
    }

    /** {@code CloseHandle(handle)}. */
    Result closeHandle(long handle) {
        return call((arena, state) -> win32.CloseHandle(state, MemorySegment.ofAddress(handle)));
    }

    /** {@code VirtualQuery(address, &info, sizeof info)}. */
    Region virtualQuery(long address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment info = arena.allocate(MEMORY_BASIC_INFORMATION);
            long written = win32.VirtualQuery(state, MemorySegment.ofAddress(address), info, info.byteSize());
            if (written == 0) {
                return new Region(0, 0, 0, win32.lastError(state));
            }
            return new Region(((MemorySegment) AllocationBase.get(info, 0L)).address(), (long) RegionSize.get(info, 0L),
                    (int) State.get(info, 0L), ERROR_SUCCESS);
        }
    }

    /**
     * @return what kind of object other than a file mapping holds {@code name} ("an event", "a mutex", ...), found
     *         by opening it as each kind that shares the namespace; null when it is none of them
     */
    String objectKind(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = state(arena);
            MemorySegment w = wideString(arena, name);
            String[] kinds = {"an event", "a mutex", "a semaphore", "a waitable timer", "a job object"};
            for (int i = 0; i < kinds.length; i++) {
                MemorySegment h = switch (i) {
                    case 0 -> win32.OpenEventW(state, SYNCHRONIZE, 0, w);
                    case 1 -> win32.OpenMutexW(state, SYNCHRONIZE, 0, w);
                    case 2 -> win32.OpenSemaphoreW(state, SYNCHRONIZE, 0, w);
                    case 3 -> win32.OpenWaitableTimerW(state, SYNCHRONIZE, 0, w);
                    default -> win32.OpenJobObjectW(state, JOB_OBJECT_QUERY, 0, w);
                };
                // Access denied still means the name is of this kind: another kind answers ERROR_INVALID_HANDLE.
                if (h.address() != 0) {
                    win32.CloseHandle(state, h);
                    return kinds[i];
                }
                if (win32.lastError(state) == ERROR_ACCESS_DENIED) {
                    return kinds[i];
                }
            }
            return null;
        }
    }

    /** @return the process token's user and default owner, read once */
    Token token() throws Failure {
        Token t = token;
        if (t == null) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = state(arena);
                MemorySegment handle = arena.allocate(ADDRESS);
                if (win32.OpenProcessToken(state, win32.GetCurrentProcess(), TOKEN_QUERY, handle) == 0) {
                    throw new Failure("OpenProcessToken", win32.lastError(state));
                }
                MemorySegment tokenHandle = handle.get(ADDRESS, 0);
                try {
                    // TOKEN_USER and TOKEN_OWNER both begin with the PSID.
                    t = new Token(tokenSid(arena, tokenHandle, Advapi32.TokenUser),
                            tokenSid(arena, tokenHandle, Advapi32.TokenOwner));
                } finally {
                    win32.CloseHandle(state, tokenHandle);
                }
            }
            token = t;
        }
        return t;
    }

    private byte[] tokenSid(Arena arena, MemorySegment tokenHandle, int informationClass) throws Failure {
        MemorySegment state = state(arena);
        MemorySegment needed = arena.allocate(JAVA_INT);
        int size = 64;
        for (int attempt = 0; ; attempt++) {
            MemorySegment buffer = arena.allocate(size, ADDRESS.byteAlignment());
            if (win32.GetTokenInformation(state, tokenHandle, informationClass, buffer, size, needed) != 0) {
                return sid(buffer.get(ADDRESS, 0).address());
            }
            int error = win32.lastError(state);
            if (error != ERROR_INSUFFICIENT_BUFFER || attempt > 0) {
                throw new Failure("GetTokenInformation", error);
            }
            size = needed.get(JAVA_INT, 0);
        }
    }

    /** {@code GetSecurityInfo(handle, SE_KERNEL_OBJECT, OWNER | DACL, ...)}; the handle needs READ_CONTROL. */
    ObjectSecurity security(long handle) throws Failure {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment owner = arena.allocate(ADDRESS);
            MemorySegment dacl = arena.allocate(ADDRESS);
            MemorySegment descriptor = arena.allocate(ADDRESS);
            int error = win32.GetSecurityInfo(MemorySegment.ofAddress(handle), SE_KERNEL_OBJECT,
                    OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, owner, MemorySegment.NULL, dacl,
                    MemorySegment.NULL, descriptor);
            if (error != ERROR_SUCCESS) {
                throw new Failure("GetSecurityInfo", error);
            }
            try {
                long o = owner.get(ADDRESS, 0).address();
                long d = dacl.get(ADDRESS, 0).address();
                return new ObjectSecurity(o == 0 ? null : sid(o), d == 0 ? null : allowed(d));
            } finally {
                win32.LocalFree(descriptor.get(ADDRESS, 0));
            }
        }
    }

    /** @return the access-allowed entries of the ACL at {@code address}; other entry types are skipped */
    private static List<Ace> allowed(long address) {
        MemorySegment header = MemorySegment.ofAddress(address).reinterpret(ACL.byteSize());
        int aclSize = Short.toUnsignedInt(header.get(JAVA_SHORT, ACL.byteOffset(groupElement("AclSize"))));
        int count = Short.toUnsignedInt(header.get(JAVA_SHORT, ACL.byteOffset(groupElement("AceCount"))));
        MemorySegment acl = header.reinterpret(aclSize);
        List<Ace> aces = new ArrayList<>(count);
        long at = ACL.byteSize();
        for (int i = 0; i < count; i++) {
            int type = Byte.toUnsignedInt(acl.get(JAVA_BYTE, at + ACE_HEADER.byteOffset(groupElement("AceType"))));
            int size = Short.toUnsignedInt(acl.get(JAVA_SHORT, at + ACE_HEADER.byteOffset(groupElement("AceSize"))));
            if (type == Advapi32.ACCESS_ALLOWED_ACE_TYPE) {
                int mask = acl.get(JAVA_INT, at + ACCESS_ALLOWED_ACE.byteOffset(groupElement("Mask")));
                aces.add(new Ace(sid(acl.address() + at + ACCESS_ALLOWED_ACE.byteOffset(groupElement("SidStart"))), mask));
            }
            at += size;
        }
        return aces;
    }

    /** @return a copy of the SID at {@code address}: 8 bytes of header and 4 per sub-authority */
    private static byte[] sid(long address) {
        MemorySegment header = MemorySegment.ofAddress(address).reinterpret(8);
        int count = Byte.toUnsignedInt(header.get(JAVA_BYTE, 1));
        if (count > SID_MAX_SUB_AUTHORITIES) {
            throw new IllegalStateException("not a SID: " + count + " sub-authorities");
        }
        return header.reinterpret(8 + 4L * count).toArray(JAVA_BYTE);
    }

    /**
     * {@code FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, ...)}.
     *
     * @return the system's text for {@code code} on one line, or null when it has none
     */
    String formatMessage(int code) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(2L * MESSAGE_CAPACITY, 2);
            int n = win32.FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, MemorySegment.NULL,
                    code, 0, buffer, MESSAGE_CAPACITY, MemorySegment.NULL);
            if (n <= 0) {
                return null;
            }
            // System messages end in CR LF; some span lines.
            return fromWide(buffer, n).strip().replaceAll("\\s*\\R\\s*", " ");
        }
    }
}
