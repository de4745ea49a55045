package io.github.panamashm.internal.windows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * The Win32 functions panama-shm calls, with their raw C signatures: the seam below which only the OS runs.
 * {@link Win32Calls} (names to UTF-16, the size into DWORDs, {@code INVALID_HANDLE_VALUE}, security
 * descriptors, reading the last error) and {@link WindowsBackend} above it run unchanged whatever implements it.
 *
 * <p>{@link NativeWin32} is kernel32 and advapi32 through the FFM downcalls of {@link Kernel32} and
 * {@link Advapi32}. The tests implement it in memory (a model of kernel32) and by forwarding every call, with
 * its arguments, to a helper process that makes the real call under Wine; one contract suite holds all three
 * to the same behaviour.
 *
 * <p>Each method is the C function of the same name. Functions that report through {@code GetLastError} take
 * a first argument {@code lastErrorState}, a segment of {@link #lastErrorStateLayout()} allocated for that
 * call, into which the implementation stores the thread's last error right after the call; read it with
 * {@link #lastError(MemorySegment)}. Pointers passed in are segments of the caller's memory; pointers returned
 * (handles, views, memory advapi32 allocated) are addresses the caller may read or pass back.
 */
interface Win32 {

    /** @return the layout of the state the capturing functions store the last error in */
    StructLayout lastErrorStateLayout();

    /** @return the last error stored in {@code lastErrorState} by the call it was passed to */
    int lastError(MemorySegment lastErrorState);

    // kernel32: file mappings
    MemorySegment CreateFileMappingW(MemorySegment lastErrorState, MemorySegment hFile,
                                     MemorySegment lpFileMappingAttributes, int flProtect, int dwMaximumSizeHigh,
                                     int dwMaximumSizeLow, MemorySegment lpName);

    MemorySegment OpenFileMappingW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                   MemorySegment lpName);

    MemorySegment MapViewOfFile(MemorySegment lastErrorState, MemorySegment hFileMappingObject, int dwDesiredAccess,
                                int dwFileOffsetHigh, int dwFileOffsetLow, long dwNumberOfBytesToMap);

    int UnmapViewOfFile(MemorySegment lastErrorState, MemorySegment lpBaseAddress);

    int CloseHandle(MemorySegment lastErrorState, MemorySegment hObject);

    long VirtualQuery(MemorySegment lastErrorState, MemorySegment lpAddress, MemorySegment lpBuffer, long dwLength);

    int FormatMessageW(int dwFlags, MemorySegment lpSource, int dwMessageId, int dwLanguageId, MemorySegment lpBuffer,
                       int nSize, MemorySegment Arguments);

    MemorySegment LocalFree(MemorySegment hMem);

    MemorySegment GetCurrentProcess();

    // kernel32: the other object types that share the file mappings' namespace
    MemorySegment OpenEventW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle, MemorySegment lpName);

    MemorySegment OpenMutexW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle, MemorySegment lpName);

    MemorySegment OpenSemaphoreW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                 MemorySegment lpName);

    MemorySegment OpenWaitableTimerW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                     MemorySegment lpName);

    MemorySegment OpenJobObjectW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                 MemorySegment lpName);

    // kernel32: SharedString's writers' mutex and wake events
    MemorySegment CreateMutexW(MemorySegment lastErrorState, MemorySegment lpMutexAttributes, int bInitialOwner,
                               MemorySegment lpName);

    int ReleaseMutex(MemorySegment lastErrorState, MemorySegment hMutex);

    MemorySegment CreateEventW(MemorySegment lastErrorState, MemorySegment lpEventAttributes, int bManualReset,
                               int bInitialState, MemorySegment lpName);

    int SetEvent(MemorySegment lastErrorState, MemorySegment hEvent);

    int WaitForSingleObject(MemorySegment lastErrorState, MemorySegment hHandle, int dwMilliseconds);

    // advapi32: the process's user and an object's owner and DACL
    int OpenProcessToken(MemorySegment lastErrorState, MemorySegment ProcessHandle, int DesiredAccess,
                         MemorySegment TokenHandle);

    int GetTokenInformation(MemorySegment lastErrorState, MemorySegment TokenHandle, int TokenInformationClass,
                            MemorySegment TokenInformation, int TokenInformationLength, MemorySegment ReturnLength);

    int GetSecurityInfo(MemorySegment handle, int ObjectType, int SecurityInfo, MemorySegment ppsidOwner,
                        MemorySegment ppsidGroup, MemorySegment ppDacl, MemorySegment ppSacl,
                        MemorySegment ppSecurityDescriptor);
}
