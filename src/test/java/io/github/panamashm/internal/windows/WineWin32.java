package io.github.panamashm.internal.windows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.github.panamashm.internal.windows.Kernel32.MEMORY_BASIC_INFORMATION;
import static io.github.panamashm.internal.windows.Kernel32.SECURITY_ATTRIBUTES;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@link Win32} as Wine's kernel32 and advapi32 in a helper process ({@link WineProcess}): each function forwards
 * its raw arguments there, the helper makes the real call and answers the result and {@code GetLastError()}, and
 * the answer is written back as the real function would (the last error into the caller's state, out
 * parameters into the caller's memory).
 *
 * <p>Pointers are the one thing that cannot cross as they are, since the helper has its own address space:
 * <ul>
 *   <li>Strings and structs the caller passes are read from the JVM's memory (a name up to its NUL, whatever the
 *       segment's size) and sent as bytes.</li>
 *   <li>A view mapped in the helper is mapped into this JVM too: the helper's {@code /proc/PID/maps} names the
 *       file Wine backs the section with, the helper holds it open while it has the mapping's handle, and this
 *       JVM maps the same file range from {@code /proc/PID/fd}. MapViewOfFile returns that JVM address, so the
 *       caller's segment really is the section's memory; UnmapViewOfFile and VirtualQuery translate it back.</li>
 *   <li>Memory advapi32 allocates for the caller (GetSecurityInfo's descriptor) is copied into this JVM, its
 *       inner pointers moved with it, and freed in both by LocalFree.</li>
 * </ul>
 * Handles are numbers valid in the helper, passed back unchanged. Not thread-safe beyond what the helper
 * serialises: one {@code WineWin32} is one process, as the backend uses it.
 */
final class WineWin32 extends RawArgs.TestWin32 {
    private static final ValueLayout.OfLong QWORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final WineProcess process;
    private final List<View> views = new ArrayList<>();
    /** Copies of helper memory by their JVM address: the helper's address, and the arena to free. */
    private final Map<Long, Copy> copies = new HashMap<>();

    private record View(long helperAddress, long size, Arena arena, MemorySegment memory) {
    }

    private record Copy(long helperAddress, Arena arena) {
    }

    WineWin32(WineProcess process) {
        this.process = process;
    }

    WineProcess process() {
        return process;
    }

    private static WineProcess.In name(MemorySegment lpName) {
        String s = RawArgs.wide(lpName);
        return s == null ? null : WineProcess.wide(s);
    }

    private static Object orNull(Object arg) {
        return arg == null ? 0L : arg;
    }

    private static MemorySegment handle(WineProcess.Reply r, MemorySegment state) {
        RawArgs.setLastError(state, r.lastError());
        return MemorySegment.ofAddress(r.value());
    }

    /** @return the helper's address for a JVM address inside (or just past) a mapped view; others unchanged */
    synchronized long toHelper(long jvmAddress) {
        for (View v : views) {
            if (jvmAddress >= v.memory().address() && jvmAddress <= v.memory().address() + v.size()) {
                return v.helperAddress() + (jvmAddress - v.memory().address());
            }
        }
        return jvmAddress;
    }

    private synchronized long toJvm(long helperAddress) {
        for (View v : views) {
            if (helperAddress >= v.helperAddress() && helperAddress < v.helperAddress() + v.size()) {
                return v.memory().address() + (helperAddress - v.helperAddress());
            }
        }
        return helperAddress;
    }

    @Override
    public MemorySegment CreateFileMappingW(MemorySegment lastErrorState, MemorySegment hFile,
                                            MemorySegment lpFileMappingAttributes, int flProtect,
                                            int dwMaximumSizeHigh, int dwMaximumSizeLow, MemorySegment lpName) {
        Attributes sa = attributes(lpFileMappingAttributes);
        try {
            return handle(process.call("kernel32", "CreateFileMappingW", hFile.address(), sa.argument(), flProtect,
                    dwMaximumSizeHigh, dwMaximumSizeLow, orNull(name(lpName))), lastErrorState);
        } finally {
            sa.free();
        }
    }

    /** A SECURITY_ATTRIBUTES as the helper takes it: its bytes, pointing to a copy of the descriptor in the helper. */
    private final class Attributes {
        final Object argument;
        final long descriptor;

        Attributes(Object argument, long descriptor) {
            this.argument = argument;
            this.descriptor = descriptor;
        }

        Object argument() {
            return argument;
        }

        void free() {
            if (descriptor != 0) {
                process.call("kernel32", "LocalFree", descriptor);
            }
        }
    }

    private Attributes attributes(MemorySegment attributes) {
        if (attributes.address() == 0) {
            return new Attributes(0L, 0);
        }
        long descriptor = 0;
        MemorySegment sa = attributes.reinterpret(SECURITY_ATTRIBUTES.byteSize());
        MemorySegment sd = sa.get(ADDRESS, SECURITY_ATTRIBUTES.byteOffset(groupElement("lpSecurityDescriptor")));
        if (sd.address() != 0) {
            descriptor = copyToHelper(RawArgs.selfRelativeDescriptor(sd));
        }
        byte[] helperSa = sa.toArray(JAVA_BYTE);
        MemorySegment.ofArray(helperSa).set(QWORD, SECURITY_ATTRIBUTES.byteOffset(groupElement("lpSecurityDescriptor")),
                descriptor);
        return new Attributes(new WineProcess.In(helperSa), descriptor);
    }

    @Override
    public MemorySegment CreateMutexW(MemorySegment lastErrorState, MemorySegment lpMutexAttributes, int bInitialOwner,
                                      MemorySegment lpName) {
        Attributes sa = attributes(lpMutexAttributes);
        try {
            return handle(process.call("kernel32", "CreateMutexW", sa.argument(), bInitialOwner,
                    orNull(name(lpName))), lastErrorState);
        } finally {
            sa.free();
        }
    }

    @Override
    public MemorySegment CreateEventW(MemorySegment lastErrorState, MemorySegment lpEventAttributes, int bManualReset,
                                      int bInitialState, MemorySegment lpName) {
        Attributes sa = attributes(lpEventAttributes);
        try {
            return handle(process.call("kernel32", "CreateEventW", sa.argument(), bManualReset, bInitialState,
                    orNull(name(lpName))), lastErrorState);
        } finally {
            sa.free();
        }
    }

    /**
     * Every Java thread's calls run on the helper's one thread, so the helper's thread owns what any of them
     * takes; a wait blocks this process's other calls until it ends.
     */
    @Override
    public int ReleaseMutex(MemorySegment lastErrorState, MemorySegment hMutex) {
        return (int) handle(process.call("kernel32", "ReleaseMutex", hMutex.address()), lastErrorState).address();
    }

    @Override
    public int SetEvent(MemorySegment lastErrorState, MemorySegment hEvent) {
        return (int) handle(process.call("kernel32", "SetEvent", hEvent.address()), lastErrorState).address();
    }

    @Override
    public int WaitForSingleObject(MemorySegment lastErrorState, MemorySegment hHandle, int dwMilliseconds) {
        return (int) handle(process.call("kernel32", "WaitForSingleObject", hHandle.address(),
                Integer.toUnsignedLong(dwMilliseconds)), lastErrorState).address();
    }

    /** @return the address of a copy of {@code bytes} in the helper, to be freed with LocalFree */
    private long copyToHelper(byte[] bytes) {
        long at = process.call("kernel32", "LocalAlloc", 0x40L /* LPTR */, (long) bytes.length).value();
        process.call("kernel32", "RtlMoveMemory", at, new WineProcess.In(bytes), (long) bytes.length);
        return at;
    }

    /** @return {@code size} bytes at {@code address} in the helper */
    private byte[] copyFromHelper(long address, int size) {
        return process.call("kernel32", "RtlMoveMemory", new WineProcess.Out(size), address, (long) size).out().getFirst();
    }

    @Override
    public MemorySegment OpenFileMappingW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                          MemorySegment lpName) {
        return handle(process.call("kernel32", "OpenFileMappingW", dwDesiredAccess, bInheritHandle,
                orNull(name(lpName))), lastErrorState);
    }

    @Override
    public MemorySegment MapViewOfFile(MemorySegment lastErrorState, MemorySegment hFileMappingObject,
                                       int dwDesiredAccess, int dwFileOffsetHigh, int dwFileOffsetLow,
                                       long dwNumberOfBytesToMap) {
        WineProcess.Reply r = process.call("kernel32", "MapViewOfFile", hFileMappingObject.address(), dwDesiredAccess,
                dwFileOffsetHigh, dwFileOffsetLow, dwNumberOfBytesToMap);
        if (r.value() == 0) {
            return handle(r, lastErrorState);
        }
        View v = mapIntoJvm(r.value());
        synchronized (this) {
            views.add(v);
        }
        RawArgs.setLastError(lastErrorState, r.lastError());
        return v.memory();
    }

    /**
     * Maps the helper's view at {@code helperAddress} into this JVM: the maps lines from it on that map the same
     * file contiguously, and that file opened through one of the helper's descriptors.
     */
    private View mapIntoJvm(long helperAddress) {
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        try {
            long start = -1, end = -1, offset = 0;
            String inode = null;
            for (String line : Files.readAllLines(proc.resolve("maps"))) {
                String[] f = line.trim().split("\\s+");
                String[] range = f[0].split("-");
                long from = Long.parseUnsignedLong(range[0], 16), to = Long.parseUnsignedLong(range[1], 16);
                if (from == helperAddress) {
                    start = from;
                    end = to;
                    offset = Long.parseUnsignedLong(f[2], 16);
                    inode = f[4];
                } else if (inode != null && from == end && f[4].equals(inode)) {
                    end = to;
                } else if (inode != null) {
                    break;
                }
            }
            if (inode == null || inode.equals("0")) {
                throw new AssertionError("no file mapping at 0x" + Long.toHexString(helperAddress) + " in " + proc
                        + "/maps:\n" + Files.readString(proc.resolve("maps")));
            }
            Path file = fileWithInode(proc.resolve("fd"), Long.parseLong(inode));
            Arena arena = Arena.ofShared();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return new View(helperAddress, end - start, arena,
                        channel.map(FileChannel.MapMode.READ_WRITE, offset, end - start, arena));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path fileWithInode(Path fds, long inode) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fds)) {
            for (Path fd : s) {
                try {
                    if (((Number) Files.getAttribute(fd, "unix:ino")).longValue() == inode) {
                        return fd;
                    }
                } catch (IOException e) {
                    // a descriptor closed meanwhile, or not a file
                }
            }
        }
        throw new AssertionError("the helper holds no descriptor of inode " + inode + " in " + fds);
    }

    @Override
    public int UnmapViewOfFile(MemorySegment lastErrorState, MemorySegment lpBaseAddress) {
        WineProcess.Reply r = process.call("kernel32", "UnmapViewOfFile", toHelper(lpBaseAddress.address()));
        if (r.value() != 0) {
            synchronized (this) {
                views.removeIf(v -> {
                    if (v.memory().address() == lpBaseAddress.address()) {
                        v.arena().close();
                        return true;
                    }
                    return false;
                });
            }
        }
        return (int) handle(r, lastErrorState).address();
    }

    @Override
    public int CloseHandle(MemorySegment lastErrorState, MemorySegment hObject) {
        return (int) handle(process.call("kernel32", "CloseHandle", hObject.address()), lastErrorState).address();
    }

    @Override
    public long VirtualQuery(MemorySegment lastErrorState, MemorySegment lpAddress, MemorySegment lpBuffer,
                             long dwLength) {
        int size = (int) Math.min(dwLength, MEMORY_BASIC_INFORMATION.byteSize());
        WineProcess.Reply r = process.call("kernel32", "VirtualQuery", toHelper(lpAddress.address()),
                new WineProcess.Out(size), (long) size);
        MemorySegment info = lpBuffer.reinterpret(size);
        MemorySegment.copy(r.out().getFirst(), 0, info, JAVA_BYTE, 0, size);
        for (String pointer : new String[] {"BaseAddress", "AllocationBase"}) {
            long at = MEMORY_BASIC_INFORMATION.byteOffset(groupElement(pointer));
            info.set(QWORD, at, toJvm(info.get(QWORD, at)));
        }
        return handle(r, lastErrorState).address();
    }

    @Override
    public int FormatMessageW(int dwFlags, MemorySegment lpSource, int dwMessageId, int dwLanguageId,
                              MemorySegment lpBuffer, int nSize, MemorySegment Arguments) {
        WineProcess.Reply r = process.call("kernel32", "FormatMessageW", dwFlags, lpSource.address(), dwMessageId,
                dwLanguageId, new WineProcess.Out(2 * nSize), nSize, Arguments.address());
        MemorySegment.copy(r.out().getFirst(), 0, lpBuffer.reinterpret(2L * nSize), JAVA_BYTE, 0, 2 * nSize);
        return (int) r.value();
    }

    @Override
    public synchronized MemorySegment LocalFree(MemorySegment hMem) {
        Copy c = copies.remove(hMem.address());
        if (c == null) {
            return MemorySegment.ofAddress(process.call("kernel32", "LocalFree", hMem.address()).value());
        }
        c.arena().close();
        return MemorySegment.ofAddress(process.call("kernel32", "LocalFree", c.helperAddress()).value());
    }

    @Override
    public MemorySegment GetCurrentProcess() {
        return MemorySegment.ofAddress(process.call("kernel32", "GetCurrentProcess").value());
    }

    private MemorySegment open(String function, MemorySegment state, int access, int inherit, MemorySegment lpName) {
        return handle(process.call("kernel32", function, access, inherit, orNull(name(lpName))), state);
    }

    @Override
    public MemorySegment OpenEventW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                    MemorySegment lpName) {
        return open("OpenEventW", lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment OpenMutexW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                    MemorySegment lpName) {
        return open("OpenMutexW", lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment OpenSemaphoreW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                        MemorySegment lpName) {
        return open("OpenSemaphoreW", lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment OpenWaitableTimerW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                            MemorySegment lpName) {
        return open("OpenWaitableTimerW", lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public MemorySegment OpenJobObjectW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                        MemorySegment lpName) {
        return open("OpenJobObjectW", lastErrorState, dwDesiredAccess, bInheritHandle, lpName);
    }

    @Override
    public int OpenProcessToken(MemorySegment lastErrorState, MemorySegment ProcessHandle, int DesiredAccess,
                                MemorySegment TokenHandle) {
        WineProcess.Reply r = process.call("advapi32", "OpenProcessToken", ProcessHandle.address(), DesiredAccess,
                new WineProcess.Out(8));
        TokenHandle.reinterpret(8).copyFrom(MemorySegment.ofArray(r.out().getFirst()));
        return (int) handle(r, lastErrorState).address();
    }

    @Override
    public int GetTokenInformation(MemorySegment lastErrorState, MemorySegment TokenHandle, int TokenInformationClass,
                                   MemorySegment TokenInformation, int TokenInformationLength,
                                   MemorySegment ReturnLength) {
        WineProcess.Reply r = process.call("advapi32", "GetTokenInformation", TokenHandle.address(),
                TokenInformationClass, new WineProcess.Out(TokenInformationLength), TokenInformationLength,
                new WineProcess.Out(4));
        ReturnLength.reinterpret(4).copyFrom(MemorySegment.ofArray(r.out().get(1)));
        MemorySegment info = TokenInformation.reinterpret(TokenInformationLength);
        info.copyFrom(MemorySegment.ofArray(r.out().getFirst()));
        relocate(info, r.outAt().getFirst(), info.address());
        return (int) handle(r, lastErrorState).address();
    }

    /** Moves the pointers in {@code copy} that point into the helper's {@code from} buffer to the same place in it. */
    private static void relocate(MemorySegment copy, long from, long to) {
        for (long at = 0; at + 8 <= copy.byteSize(); at += 8) {
            long p = copy.get(QWORD, at);
            if (p >= from && p < from + copy.byteSize()) {
                copy.set(QWORD, at, p - from + to);
            }
        }
    }

    @Override
    public int GetSecurityInfo(MemorySegment handle, int ObjectType, int SecurityInfo, MemorySegment ppsidOwner,
                               MemorySegment ppsidGroup, MemorySegment ppDacl, MemorySegment ppSacl,
                               MemorySegment ppSecurityDescriptor) {
        MemorySegment[] outs = {ppsidOwner, ppsidGroup, ppDacl, ppSacl, ppSecurityDescriptor};
        Object[] args = new Object[3 + outs.length];
        args[0] = handle.address();
        args[1] = ObjectType;
        args[2] = SecurityInfo;
        for (int i = 0; i < outs.length; i++) {
            args[3 + i] = outs[i].address() == 0 ? (Object) 0L : new WineProcess.Out(8);
        }
        WineProcess.Reply r = process.call("advapi32", "GetSecurityInfo", args);
        if (r.value() != 0) {
            return (int) r.value();
        }
        List<Long> pointers = new ArrayList<>();
        for (byte[] out : r.out()) {
            pointers.add(ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).getLong());
        }
        long descriptor = pointers.getLast();
        int length = (int) process.call("advapi32", "GetSecurityDescriptorLength", descriptor).value();
        Arena arena = Arena.ofShared();
        MemorySegment copy = arena.allocate(length, 8);
        copy.copyFrom(MemorySegment.ofArray(copyFromHelper(descriptor, length)));
        synchronized (this) {
            copies.put(copy.address(), new Copy(descriptor, arena));
        }
        int next = 0;
        for (MemorySegment out : outs) {
            if (out.address() != 0) {
                long p = pointers.get(next++);
                long moved = p >= descriptor && p < descriptor + length ? p - descriptor + copy.address() : p;
                out.reinterpret(8).set(QWORD, 0, moved);
            }
        }
        return 0;
    }
}
