package io.github.panamashm.internal.windows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** {@link Win32} as the real kernel32 and advapi32, through the downcalls of {@link Kernel32} and {@link Advapi32}. */
final class NativeWin32 implements Win32 {
    static final NativeWin32 INSTANCE = new NativeWin32();

    private NativeWin32() {
    }

    @Override
    public StructLayout lastErrorStateLayout() {
        return Kernel32.lastErrorStateLayout();
    }

    @Override
    public int lastError(MemorySegment lastErrorState) {
        return Kernel32.lastError(lastErrorState);
    }

    @Override
    public MemorySegment CreateFileMappingW(MemorySegment lastErrorState, MemorySegment hFile,
                                            MemorySegment lpFileMappingAttributes, int flProtect, int dwMaximumSizeHigh,
                                            int dwMaximumSizeLow, MemorySegment lpName) {
        return Kernel32.CreateFileMappingW(lastErrorState, hFile, lpFileMappingAttributes, flProtect, dwMaximumSizeHigh,
                dwMaximumSizeLow, lpName);
    }

    @Override
    public MemorySegment OpenFileMappingW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                          MemorySegment lpName) {
        return Kernel32.OpenFileMappingW(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment MapViewOfFile(MemorySegment lastErrorState, MemorySegment hFileMappingObject,
                                       int dwDesiredAccess, int dwFileOffsetHigh, int dwFileOffsetLow,
                                       long dwNumberOfBytesToMap) {
        return Kernel32.MapViewOfFile(lastErrorState, hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh,
                dwFileOffsetLow, dwNumberOfBytesToMap);
    }

    @Override
    public int UnmapViewOfFile(MemorySegment lastErrorState, MemorySegment lpBaseAddress) {
        return Kernel32.UnmapViewOfFile(lastErrorState, lpBaseAddress);
    }

    @Override
    public int CloseHandle(MemorySegment lastErrorState, MemorySegment hObject) {
        return Kernel32.CloseHandle(lastErrorState, hObject);
    }

    @Override
    public long VirtualQuery(MemorySegment lastErrorState, MemorySegment lpAddress, MemorySegment lpBuffer,
                             long dwLength) {
        return Kernel32.VirtualQuery(lastErrorState, lpAddress, lpBuffer, dwLength);
    }

    @Override
    public int FormatMessageW(int dwFlags, MemorySegment lpSource, int dwMessageId, int dwLanguageId,
                              MemorySegment lpBuffer, int nSize, MemorySegment Arguments) {
        return Kernel32.FormatMessageW(dwFlags, lpSource, dwMessageId, dwLanguageId, lpBuffer, nSize, Arguments);
    }

    @Override
    public MemorySegment LocalFree(MemorySegment hMem) {
        return Kernel32.LocalFree(hMem);
    }

    @Override
    public MemorySegment GetCurrentProcess() {
        return Kernel32.GetCurrentProcess();
    }

    @Override
    public MemorySegment OpenEventW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                    MemorySegment lpName) {
        return Kernel32.OpenEventW(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment OpenMutexW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                    MemorySegment lpName) {
        return Kernel32.OpenMutexW(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment OpenSemaphoreW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                        MemorySegment lpName) {
        return Kernel32.OpenSemaphoreW(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment OpenWaitableTimerW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                            MemorySegment lpName) {
        return Kernel32.OpenWaitableTimerW(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment OpenJobObjectW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                        MemorySegment lpName) {
        return Kernel32.OpenJobObjectW(lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment CreateMutexW(MemorySegment lastErrorState, MemorySegment lpMutexAttributes,
                                      int bInitialOwner, MemorySegment lpName) {
        return Kernel32.CreateMutexW(lastErrorState, lpMutexAttributes, bInitialOwner, lpName);
    }

    @Override
    public int ReleaseMutex(MemorySegment lastErrorState, MemorySegment hMutex) {
        return Kernel32.ReleaseMutex(lastErrorState, hMutex);
    }

    @Override
    public MemorySegment CreateEventW(MemorySegment lastErrorState, MemorySegment lpEventAttributes,
                                      int bManualReset, int bInitialState, MemorySegment lpName) {
        return Kernel32.CreateEventW(lastErrorState, lpEventAttributes, bManualReset, bInitialState, lpName);
    }

    @Override
    public int SetEvent(MemorySegment lastErrorState, MemorySegment hEvent) {
        return Kernel32.SetEvent(lastErrorState, hEvent);
    }

    @Override
    public int WaitForSingleObject(MemorySegment lastErrorState, MemorySegment hHandle, int dwMilliseconds) {
        return Kernel32.WaitForSingleObject(lastErrorState, hHandle, dwMilliseconds);
    }

    @Override
    public int OpenProcessToken(MemorySegment lastErrorState, MemorySegment ProcessHandle, int DesiredAccess,
                                MemorySegment TokenHandle) {
        return Advapi32.OpenProcessToken(lastErrorState, ProcessHandle, DesiredAccess, TokenHandle);
    }

    @Override
    public int GetTokenInformation(MemorySegment lastErrorState, MemorySegment TokenHandle, int TokenInformationClass,
                                   MemorySegment TokenInformation, int TokenInformationLength,
                                   MemorySegment ReturnLength) {
        return Advapi32.GetTokenInformation(lastErrorState, TokenHandle, TokenInformationClass, TokenInformation,
                TokenInformationLength, ReturnLength);
    }

    @Override
    public int GetSecurityInfo(MemorySegment handle, int ObjectType, int SecurityInfo, MemorySegment ppsidOwner,
                               MemorySegment ppsidGroup, MemorySegment ppDacl, MemorySegment ppSacl,
                               MemorySegment ppSecurityDescriptor) {
        return Advapi32.GetSecurityInfo(handle, ObjectType, SecurityInfo, ppsidOwner, ppsidGroup, ppDacl, ppSacl,
                ppSecurityDescriptor);
    }
}
