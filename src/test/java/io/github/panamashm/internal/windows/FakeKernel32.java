package io.github.panamashm.internal.windows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.github.panamashm.internal.windows.Advapi32.ACCESS_ALLOWED_ACE;
import static io.github.panamashm.internal.windows.Advapi32.ACE_HEADER;
import static io.github.panamashm.internal.windows.Advapi32.ACL;
import static io.github.panamashm.internal.windows.Advapi32.SECURITY_DESCRIPTOR_RELATIVE;
import static io.github.panamashm.internal.windows.Kernel32.*;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * kernel32's and advapi32's rules for named file mappings, in memory, as one Windows process sees them: a model
 * to test {@link Win32Calls} and {@link WindowsBackend} on any OS, held to Wine's and Windows' behaviour by the
 * contract suite ({@link Win32ContractTest}). Processes made with {@link #newProcess} share one namespace.
 *
 * <ul>
 *   <li>CreateFileMappingW with {@code INVALID_HANDLE_VALUE} (any other hFile: {@code ERROR_INVALID_HANDLE}, the
 *       model has no files) creates a section of the size made of the two DWORDs, or opens the existing one
 *       with {@code ERROR_ALREADY_EXISTS} and its old size; size 0 is {@code ERROR_INVALID_PARAMETER}, over
 *       1 TiB {@code ERROR_NOT_ENOUGH_MEMORY}; a name held by another kind of object is
 *       {@code ERROR_INVALID_HANDLE}.</li>
 *   <li>A name lives while a handle to its object is open: at the last CloseHandle it goes, even while views
 *       remain, and the next create makes a fresh section. The memory goes with the last handle and view.</li>
 *   <li>A view of 0 bytes covers the section rounded up to whole pages; a view larger than the section is
 *       {@code ERROR_ACCESS_DENIED}, as {@code MapViewOfFile}'s documentation requires every byte to lie within the
 *       section's maximum size. Views are real memory (a temporary file mapped once per view), so bytes written
 *       through one view are read through every other. {@code SEC_RESERVE} sections have reserved pages until
 *       {@link #commit} commits them; VirtualQuery reports the runs of pages of one state.</li>
 *   <li>Security: a section keeps the self-relative descriptor it was created with (by default: owned by the
 *       token's default owner, its DACL granting every right to it and SYSTEM and read to the logon session);
 *       opening one needs the rights
 *       asked for (CreateFileMappingW asks for {@code STANDARD_RIGHTS_REQUIRED} and every right a read-write view
 *       needs) granted by access-allowed entries for SIDs of the token (the user, its default owner, Everyone,
 *       Authenticated Users), the owner being granted READ_CONTROL and WRITE_DAC; a NULL DACL grants everything.</li>
 * </ul>
 * A call can be made to fail once with a chosen error; every call is logged.
 */
final class FakeKernel32 extends RawArgs.TestWin32 {
    static final long PAGE = 4096;
    static final int SEC_RESERVE = 0x04000000;
    /** What kernelbase's CreateFileMappingW asks for on an existing object with PAGE_READWRITE. */
    static final int CREATE_ACCESS = 0x000F0000 | SECTION_QUERY | SECTION_MAP_READ | SECTION_MAP_WRITE;
    private static final long MAX_SECTION = 1L << 40;
    private static final int ERROR_INVALID_SECURITY_DESCR = 1338;
    private static final int WRITE_DAC = 0x00040000;
    private static final int MEM_FREE = 0x10000;
    private static final byte[] EVERYONE = WindowsSecurity.sid(1, 0);
    private static final ValueLayout.OfChar WCHAR = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The kernel: the namespace, shared by the processes of one model. */
    private static final class Kernel {
        final Map<String, Named> names = new HashMap<>();
        final Map<Integer, String> messages = new HashMap<>();
        long nextHandle = 0x100;
    }

    /** A named kernel object: a section or another kind that shares the namespace. */
    private abstract static class Named {
        final String name;
        int handles;

        Named(String name) {
            this.name = name;
        }
    }

    private static class Other extends Named {
        final String kind;
        final byte[] owner;
        /** The descriptor it was created with; null: only its creator's user may open it (the default DACL). */
        final byte[] descriptor;

        Other(String name, String kind, byte[] owner, byte[] descriptor) {
            super(name);
            this.kind = kind;
            this.owner = owner;
            this.descriptor = descriptor;
        }
    }

    /** A mutex: owned by one thread of one process, recursively; abandoned when that process exits owning it. */
    private static final class Mutex extends Other {
        FakeKernel32 ownerProcess;
        Thread ownerThread;
        int recursion;
        boolean abandoned;

        Mutex(String name, byte[] owner, byte[] descriptor) {
            super(name, "a mutex", owner, descriptor);
        }
    }

    /** An event: manual-reset (stays set until reset) or auto-reset (one wait consumes it). */
    private static final class Event extends Other {
        final boolean manualReset;
        boolean signaled;

        Event(String name, byte[] owner, byte[] descriptor, boolean manualReset, boolean signaled) {
            super(name, "an event", owner, descriptor);
            this.manualReset = manualReset;
            this.signaled = signaled;
        }
    }

    private static final class Section extends Named {
        final long size;
        final byte[] descriptor;
        final BitSet committed = new BitSet();
        final FileChannel data;
        int views;

        Section(String name, long size, byte[] descriptor, boolean reserveOnly) {
            super(name);
            this.size = size;
            this.descriptor = descriptor;
            if (!reserveOnly) {
                committed.set(0, pages(size));
            }
            try {
                Path file = Files.createTempFile("panama-shm-fake-section", null);
                data = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.SPARSE, StandardOpenOption.DELETE_ON_CLOSE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void releaseIfUnused() {
            if (handles == 0 && views == 0) {
                try {
                    data.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private record Handle(Object object, int access) {
    }

    private record Token(byte[] user, byte[] owner) {
    }

    private record View(Section section, Arena arena, MemorySegment memory) {
    }

    private final Kernel kernel;
    private final Token token;
    private final Map<Long, Handle> handles = new HashMap<>();
    private final Map<Long, View> views = new HashMap<>();
    private final Map<Long, Arena> localAllocations = new HashMap<>();
    private final Map<String, Deque<Integer>> failures = new HashMap<>();
    private final List<String> log = new ArrayList<>();

    /** A first process of a new model, run by the user {@code S-1-5-21-1-2-3-1001}. */
    FakeKernel32() {
        this(new Kernel(), WindowsSecurity.sid(5, 21, 1, 2, 3, 1001), null);
    }

    private FakeKernel32(Kernel kernel, byte[] user, byte[] defaultOwner) {
        this.kernel = kernel;
        this.token = new Token(user, defaultOwner != null ? defaultOwner : user);
    }

    /** @return another process of the same user sharing this one's namespace */
    FakeKernel32 newProcess() {
        return newProcess(token.user(), token.owner());
    }

    /** @return another process sharing this namespace, run by {@code user} whose new objects {@code defaultOwner} owns */
    FakeKernel32 newProcess(byte[] user, byte[] defaultOwner) {
        return new FakeKernel32(kernel, user, defaultOwner);
    }

    byte[] user() {
        return token.user();
    }

    /** The next call to {@code function} (its C name) fails with {@code error}. */
    FakeKernel32 failNext(String function, int error) {
        failures.computeIfAbsent(function, k -> new ArrayDeque<>()).add(error);
        return this;
    }

    /** FormatMessageW answers {@code text} for {@code code} (by default it has no text, as for an unknown code). */
    FakeKernel32 message(int code, String text) {
        kernel.messages.put(code, text);
        return this;
    }

    /** @return every call made, as {@code Function(args)} */
    List<String> log() {
        return log;
    }

    /** @return a last-error state for a call the test makes itself */
    MemorySegment lastErrorState() {
        return Arena.ofAuto().allocate(lastErrorStateLayout());
    }

    /** @return the first handle this process holds to an object of {@code kind} ("a mutex", "an event") */
    long handleOf(String kind) {
        synchronized (kernel) {
            return handles.entrySet().stream().filter(e -> e.getValue().object() instanceof Other o && o.kind.equals(kind))
                    .mapToLong(Map.Entry::getKey).findFirst().orElseThrow();
        }
    }

    int openHandles() {
        return handles.size();
    }

    int mappedViews() {
        return views.size();
    }

    boolean exists(String name) {
        synchronized (kernel) {
            return kernel.names.containsKey(name);
        }
    }

    /**
     * {@code CreateEventW(NULL, TRUE, FALSE, name)}: an event holding the name until this process exits, which
     * other users may not open.
     */
    void createEvent(String name) {
        synchronized (kernel) {
            Other event = new Event(name, token.user(), null, true, false);
            kernel.names.put(name, event);
            handleTo(event, 0x1F0003);
        }
    }

    /** {@code VirtualAlloc(address, size, MEM_COMMIT, PAGE_READWRITE)} on a view of a SEC_RESERVE section. */
    void commit(long address, long size) {
        synchronized (kernel) {
            View v = views.get(address);
            v.section().committed.set((int) ((address - v.memory().address()) / PAGE), pages(size));
        }
    }

    /** The process ends: the kernel abandons the mutexes its threads own, closes its handles and unmaps its views. */
    void exit() {
        synchronized (kernel) {
            for (Named n : kernel.names.values()) {
                if (n instanceof Mutex m && m.ownerProcess == this) {
                    m.ownerProcess = null;
                    m.ownerThread = null;
                    m.recursion = 0;
                    m.abandoned = true;
                }
            }
            for (Handle h : handles.values()) { // unnamed ones too
                if (h.object() instanceof Mutex m && m.ownerProcess == this) {
                    m.ownerProcess = null;
                    m.ownerThread = null;
                    m.recursion = 0;
                    m.abandoned = true;
                }
            }
            kernel.notifyAll();
            for (long address : new ArrayList<>(views.keySet())) {
                unmap(address);
            }
            for (long handle : new ArrayList<>(handles.keySet())) {
                close(handle);
            }
        }
    }

    private static int pages(long bytes) {
        return (int) ((bytes + PAGE - 1) / PAGE);
    }

    private Integer failure(String function) {
        Deque<Integer> q = failures.get(function);
        return q == null ? null : q.poll();
    }

    private long handleTo(Object object, int access) {
        long h = kernel.nextHandle += 4;
        handles.put(h, new Handle(object, access));
        if (object instanceof Named n) {
            n.handles++;
        }
        return h;
    }

    private boolean close(long handle) {
        Handle h = handles.remove(handle);
        if (h == null) {
            return false;
        }
        if (h.object() instanceof Named n && --n.handles == 0) {
            kernel.names.remove(n.name, n); // a temporary object's name lives while a handle is open
            if (n instanceof Section s) {
                s.releaseIfUnused();
            }
        }
        return true;
    }

    private boolean unmap(long address) {
        View v = views.remove(address);
        if (v == null) {
            return false;
        }
        v.arena().close();
        v.section().views--;
        v.section().releaseIfUnused();
        return true;
    }

    /**
     * @return what Windows gives an object created without a descriptor: owned by the token's default owner,
     *         with the token's default DACL, which grants it and SYSTEM every right and the logon session read
     */
    private byte[] defaultDescriptor() {
        byte[] d = WindowsSecurity.descriptor(token.owner(), false);
        byte[] logon = WindowsSecurity.sid(5, 5, 0, 1); // S-1-5-5-X-Y: the logon session
        int aceSize = 8 + logon.length;
        byte[] with = Arrays.copyOf(d, d.length + aceSize);
        MemorySegment sd = MemorySegment.ofArray(with);
        int aclAt = sd.get(JAVA_INT_LE, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement("Dacl")));
        MemorySegment acl = sd.asSlice(aclAt);
        acl.set(JAVA_SHORT_LE, ACL.byteOffset(groupElement("AclSize")),
                (short) (acl.get(JAVA_SHORT_LE, ACL.byteOffset(groupElement("AclSize"))) + aceSize));
        acl.set(JAVA_SHORT_LE, ACL.byteOffset(groupElement("AceCount")),
                (short) (acl.get(JAVA_SHORT_LE, ACL.byteOffset(groupElement("AceCount"))) + 1));
        MemorySegment ace = sd.asSlice(d.length);
        ace.set(JAVA_SHORT_LE, ACE_HEADER.byteOffset(groupElement("AceSize")), (short) aceSize);
        ace.set(JAVA_INT_LE, ACCESS_ALLOWED_ACE.byteOffset(groupElement("Mask")), 0xA0000000); // GENERIC_READ | GENERIC_EXECUTE
        MemorySegment.copy(logon, 0, ace, ValueLayout.JAVA_BYTE, ACCESS_ALLOWED_ACE.byteOffset(groupElement("SidStart")),
                logon.length);
        return with;
    }

    /** @return whether the token holds {@code sid}: its user, its default owner (a group it is in), Everyone, Authenticated Users */
    private boolean holds(byte[] sid) {
        return Arrays.equals(sid, token.user()) || Arrays.equals(sid, token.owner()) || Arrays.equals(sid, EVERYONE)
                || Arrays.equals(sid, WindowsSecurity.AUTHENTICATED_USERS);
    }

    /**
     * @return whether the kernel would take {@code descriptor}: revision 1, self-relative (the model reads no
     *         absolute descriptors), and a DACL, when it says it has one, of revision 2 whose entries fit it
     */
    private static boolean valid(byte[] descriptor) {
        MemorySegment sd = MemorySegment.ofArray(descriptor);
        int control = sd.get(JAVA_SHORT_LE, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement("Control")));
        if (descriptor[0] != Advapi32.SECURITY_DESCRIPTOR_REVISION || (control & Advapi32.SE_SELF_RELATIVE) == 0) {
            return false;
        }
        int aclAt = sd.get(JAVA_INT_LE, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement("Dacl")));
        if ((control & Advapi32.SE_DACL_PRESENT) == 0 || aclAt == 0) {
            return true;
        }
        MemorySegment acl = sd.asSlice(aclAt);
        long size = Short.toUnsignedInt(acl.get(JAVA_SHORT_LE, ACL.byteOffset(groupElement("AclSize"))));
        long at = ACL.byteSize();
        for (int i = 0; i < Short.toUnsignedInt(acl.get(JAVA_SHORT_LE, ACL.byteOffset(groupElement("AceCount")))); i++) {
            at += Short.toUnsignedInt(acl.get(JAVA_SHORT_LE, at + ACE_HEADER.byteOffset(groupElement("AceSize"))));
        }
        return acl.get(ValueLayout.JAVA_BYTE, ACL.byteOffset(groupElement("AclRevision"))) == Advapi32.ACL_REVISION
                && at <= size && aclAt + size <= descriptor.length;
    }

    /** @return the rights the descriptor grants this process's token */
    private int granted(byte[] descriptor) {
        MemorySegment sd = MemorySegment.ofArray(descriptor);
        int ownerAt = sd.get(JAVA_INT_LE, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement("Owner")));
        int control = sd.get(JAVA_SHORT_LE, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement("Control")));
        int aclAt = (control & Advapi32.SE_DACL_PRESENT) == 0 ? 0
                : sd.get(JAVA_INT_LE, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement("Dacl")));
        int granted = 0;
        if (ownerAt != 0 && holds(RawArgs.sid(sd.asSlice(ownerAt)))) {
            granted |= READ_CONTROL | WRITE_DAC;
        }
        if (aclAt == 0) {
            return -1; // no DACL: every right to everyone
        }
        MemorySegment acl = sd.asSlice(aclAt);
        int count = Short.toUnsignedInt(acl.get(JAVA_SHORT_LE, ACL.byteOffset(groupElement("AceCount"))));
        long at = ACL.byteSize();
        for (int i = 0; i < count; i++) {
            int type = acl.get(ValueLayout.JAVA_BYTE, at + ACE_HEADER.byteOffset(groupElement("AceType")));
            byte[] sid = RawArgs.sid(acl.asSlice(at + ACCESS_ALLOWED_ACE.byteOffset(groupElement("SidStart"))));
            if (type == Advapi32.ACCESS_ALLOWED_ACE_TYPE && holds(sid)) {
                granted |= acl.get(JAVA_INT_LE, at + ACCESS_ALLOWED_ACE.byteOffset(groupElement("Mask")));
            }
            at += Short.toUnsignedInt(acl.get(JAVA_SHORT_LE, at + ACE_HEADER.byteOffset(groupElement("AceSize"))));
        }
        return granted;
    }

    private static final ValueLayout.OfInt JAVA_INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort JAVA_SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static MemorySegment result(MemorySegment state, long value, int error) {
        RawArgs.setLastError(state, error);
        return MemorySegment.ofAddress(value);
    }

    /** @return the descriptor a SECURITY_ATTRIBUTES points to, or null */
    private static byte[] descriptorOf(MemorySegment attributes) {
        if (attributes.address() == 0) {
            return null;
        }
        MemorySegment sa = attributes.reinterpret(SECURITY_ATTRIBUTES.byteSize());
        MemorySegment sd = sa.get(ADDRESS, SECURITY_ATTRIBUTES.byteOffset(groupElement("lpSecurityDescriptor")));
        return sd.address() == 0 ? null : RawArgs.selfRelativeDescriptor(sd);
    }

    /** @return the rights this process's token has on {@code o} */
    private int granted(Other o) {
        if (o.descriptor != null) {
            return granted(o.descriptor);
        }
        return Arrays.equals(o.owner, token.user()) ? -1 : 0;
    }

    /**
     * CreateMutexW and CreateEventW: a new object, or the existing one of that kind with ERROR_ALREADY_EXISTS when
     * the token has every right of the kind on it ({@code allAccess}), else ERROR_ACCESS_DENIED; a name held by
     * another kind is ERROR_INVALID_HANDLE.
     */
    private MemorySegment createOther(String function, MemorySegment lastErrorState, MemorySegment attributes,
                                      MemorySegment lpName, Class<? extends Other> type, int allAccess,
                                      java.util.function.Function<byte[], Other> create) {
        synchronized (kernel) {
            String name = RawArgs.wide(lpName);
            byte[] descriptor = descriptorOf(attributes);
            log.add(function + "(" + (descriptor == null ? "NULL" : "sa") + ", \"" + name + "\")");
            Integer error = failure(function);
            if (error != null) {
                return result(lastErrorState, 0, error);
            }
            if (descriptor != null && !valid(descriptor)) {
                return result(lastErrorState, 0, ERROR_INVALID_SECURITY_DESCR);
            }
            Named existing = name == null ? null : kernel.names.get(name);
            if (existing != null) {
                if (!type.isInstance(existing)) {
                    return result(lastErrorState, 0, ERROR_INVALID_HANDLE);
                }
                if ((granted((Other) existing) & allAccess) != allAccess) {
                    return result(lastErrorState, 0, ERROR_ACCESS_DENIED);
                }
                return result(lastErrorState, handleTo(existing, allAccess), ERROR_ALREADY_EXISTS);
            }
            Other o = create.apply(descriptor);
            if (name != null) {
                kernel.names.put(name, o);
            }
            return result(lastErrorState, handleTo(o, allAccess), ERROR_SUCCESS);
        }
    }

    @Override
    public MemorySegment CreateMutexW(MemorySegment lastErrorState, MemorySegment lpMutexAttributes, int bInitialOwner,
                                      MemorySegment lpName) {
        String name = RawArgs.wide(lpName);
        return createOther("CreateMutexW", lastErrorState, lpMutexAttributes, lpName, Mutex.class, MUTEX_ALL_ACCESS,
                descriptor -> {
                    Mutex m = new Mutex(name, token.user(), descriptor);
                    if (bInitialOwner != 0) {
                        m.ownerProcess = this;
                        m.ownerThread = Thread.currentThread();
                        m.recursion = 1;
                    }
                    return m;
                });
    }

    @Override
    public MemorySegment CreateEventW(MemorySegment lastErrorState, MemorySegment lpEventAttributes, int bManualReset,
                                      int bInitialState, MemorySegment lpName) {
        String name = RawArgs.wide(lpName);
        return createOther("CreateEventW", lastErrorState, lpEventAttributes, lpName, Event.class, EVENT_ALL_ACCESS,
                descriptor -> new Event(name, token.user(), descriptor, bManualReset != 0, bInitialState != 0));
    }

    @Override
    public int ReleaseMutex(MemorySegment lastErrorState, MemorySegment hMutex) {
        synchronized (kernel) {
            log.add("ReleaseMutex");
            Integer error = failure("ReleaseMutex");
            if (error != null) {
                return (int) result(lastErrorState, 0, error).address();
            }
            Handle h = handles.get(hMutex.address());
            if (h == null || !(h.object() instanceof Mutex m)) {
                return (int) result(lastErrorState, 0, ERROR_INVALID_HANDLE).address();
            }
            if (m.ownerProcess != this || m.ownerThread != Thread.currentThread()) {
                return (int) result(lastErrorState, 0, ERROR_NOT_OWNER).address();
            }
            if (--m.recursion == 0) {
                m.ownerProcess = null;
                m.ownerThread = null;
                kernel.notifyAll();
            }
            return (int) result(lastErrorState, 1, ERROR_SUCCESS).address();
        }
    }

    @Override
    public int SetEvent(MemorySegment lastErrorState, MemorySegment hEvent) {
        synchronized (kernel) {
            log.add("SetEvent");
            Integer error = failure("SetEvent");
            if (error != null) {
                return (int) result(lastErrorState, 0, error).address();
            }
            Handle h = handles.get(hEvent.address());
            if (h == null || !(h.object() instanceof Event e)) {
                return (int) result(lastErrorState, 0, ERROR_INVALID_HANDLE).address();
            }
            if ((h.access() & EVENT_MODIFY_STATE) == 0) {
                return (int) result(lastErrorState, 0, ERROR_ACCESS_DENIED).address();
            }
            e.signaled = true;
            kernel.notifyAll();
            return (int) result(lastErrorState, 1, ERROR_SUCCESS).address();
        }
    }

    /**
     * Waits on a mutex or an event as the calling Java thread (the model's thread: a virtual thread is one, where
     * Windows would see its carrier). A Java interrupt does not end it, as it does not end the real call.
     */
    @Override
    public int WaitForSingleObject(MemorySegment lastErrorState, MemorySegment hHandle, int dwMilliseconds) {
        boolean interrupted = false;
        synchronized (kernel) {
            try {
                log.add("WaitForSingleObject(" + Integer.toUnsignedString(dwMilliseconds) + ")");
                Integer error = failure("WaitForSingleObject");
                if (error != null) {
                    result(lastErrorState, 0, error);
                    return WAIT_FAILED;
                }
                Handle h = handles.get(hHandle.address());
                if (h == null || !(h.object() instanceof Mutex || h.object() instanceof Event)) {
                    result(lastErrorState, 0, ERROR_INVALID_HANDLE);
                    return WAIT_FAILED;
                }
                if ((h.access() & SYNCHRONIZE) == 0) {
                    result(lastErrorState, 0, ERROR_ACCESS_DENIED);
                    return WAIT_FAILED;
                }
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                        Integer.toUnsignedLong(dwMilliseconds));
                while (true) {
                    if (h.object() instanceof Mutex m) {
                        if (m.ownerProcess == null || m.ownerProcess == this && m.ownerThread == Thread.currentThread()) {
                            m.ownerProcess = this;
                            m.ownerThread = Thread.currentThread();
                            m.recursion++;
                            boolean abandoned = m.abandoned;
                            m.abandoned = false;
                            result(lastErrorState, 0, ERROR_SUCCESS);
                            return abandoned ? WAIT_ABANDONED : WAIT_OBJECT_0;
                        }
                    } else if (h.object() instanceof Event e && e.signaled) {
                        if (!e.manualReset) {
                            e.signaled = false;
                        }
                        result(lastErrorState, 0, ERROR_SUCCESS);
                        return WAIT_OBJECT_0;
                    }
                    long left = deadline - System.nanoTime();
                    if (dwMilliseconds != -1 && left <= 0) {
                        result(lastErrorState, 0, ERROR_SUCCESS);
                        return WAIT_TIMEOUT;
                    }
                    try {
                        if (dwMilliseconds == -1) {
                            kernel.wait();
                        } else {
                            kernel.wait(Math.max(1, left / 1_000_000), 0);
                        }
                    } catch (InterruptedException ie) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public MemorySegment CreateFileMappingW(MemorySegment lastErrorState, MemorySegment hFile,
                                            MemorySegment lpFileMappingAttributes, int flProtect,
                                            int dwMaximumSizeHigh, int dwMaximumSizeLow, MemorySegment lpName) {
        synchronized (kernel) {
            String name = RawArgs.wide(lpName);
            byte[] descriptor = null;
            if (lpFileMappingAttributes.address() != 0) {
                MemorySegment sa = lpFileMappingAttributes.reinterpret(SECURITY_ATTRIBUTES.byteSize());
                MemorySegment sd = sa.get(ADDRESS, SECURITY_ATTRIBUTES.byteOffset(groupElement("lpSecurityDescriptor")));
                descriptor = sd.address() == 0 ? null : RawArgs.selfRelativeDescriptor(sd);
            }
            if (descriptor != null && !valid(descriptor)) {
                return result(lastErrorState, 0, ERROR_INVALID_SECURITY_DESCR);
            }
            long size = Integer.toUnsignedLong(dwMaximumSizeHigh) << 32 | Integer.toUnsignedLong(dwMaximumSizeLow);
            log.add("CreateFileMappingW(" + (hFile.address() == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE"
                    : Long.toHexString(hFile.address())) + ", " + (descriptor == null ? "NULL" : "sa") + ", "
                    + (flProtect == PAGE_READWRITE ? "PAGE_READWRITE" : Integer.toHexString(flProtect)) + ", "
                    + Integer.toUnsignedString(dwMaximumSizeHigh) + ", " + Integer.toUnsignedString(dwMaximumSizeLow)
                    + ", \"" + name + "\")");
            Integer error = failure("CreateFileMappingW");
            if (error != null) {
                return result(lastErrorState, 0, error);
            }
            if (hFile.address() != INVALID_HANDLE_VALUE) {
                return result(lastErrorState, 0, ERROR_INVALID_HANDLE);
            }
            Named existing = name == null ? null : kernel.names.get(name);
            if (existing instanceof Other) {
                return result(lastErrorState, 0, ERROR_INVALID_HANDLE);
            }
            if (existing instanceof Section s) {
                if ((granted(s.descriptor) & CREATE_ACCESS) != CREATE_ACCESS) {
                    return result(lastErrorState, 0, ERROR_ACCESS_DENIED);
                }
                return result(lastErrorState, handleTo(s, CREATE_ACCESS), ERROR_ALREADY_EXISTS);
            }
            if (size == 0) {
                return result(lastErrorState, 0, ERROR_INVALID_PARAMETER);
            }
            if (size > MAX_SECTION) {
                return result(lastErrorState, 0, ERROR_NOT_ENOUGH_MEMORY);
            }
            if (descriptor == null) { // the default descriptor, from the token
                descriptor = defaultDescriptor();
            }
            Section s = new Section(name, size, descriptor, (flProtect & SEC_RESERVE) != 0);
            if (name != null) {
                kernel.names.put(name, s);
            }
            return result(lastErrorState, handleTo(s, SECTION_ALL_ACCESS), ERROR_SUCCESS);
        }
    }

    @Override
    public MemorySegment OpenFileMappingW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                          MemorySegment lpName) {
        synchronized (kernel) {
            String name = RawArgs.wide(lpName);
            log.add("OpenFileMappingW(" + dwDesiredAccess + ", " + (bInheritHandle == 0 ? "FALSE" : "TRUE") + ", \""
                    + name + "\")");
            Integer error = failure("OpenFileMappingW");
            if (error != null) {
                return result(lastErrorState, 0, error);
            }
            Named n = kernel.names.get(name);
            if (n == null) {
                return result(lastErrorState, 0, ERROR_FILE_NOT_FOUND);
            }
            if (!(n instanceof Section s)) {
                return result(lastErrorState, 0, ERROR_INVALID_HANDLE);
            }
            if ((granted(s.descriptor) & dwDesiredAccess) != dwDesiredAccess) {
                return result(lastErrorState, 0, ERROR_ACCESS_DENIED);
            }
            return result(lastErrorState, handleTo(s, dwDesiredAccess), ERROR_SUCCESS);
        }
    }

    @Override
    public MemorySegment MapViewOfFile(MemorySegment lastErrorState, MemorySegment hFileMappingObject,
                                       int dwDesiredAccess, int dwFileOffsetHigh, int dwFileOffsetLow,
                                       long dwNumberOfBytesToMap) {
        synchronized (kernel) {
            log.add("MapViewOfFile(" + dwDesiredAccess + ", " + dwNumberOfBytesToMap + ")");
            Integer error = failure("MapViewOfFile");
            if (error != null) {
                return result(lastErrorState, 0, error);
            }
            Handle h = handles.get(hFileMappingObject.address());
            if (h == null || !(h.object() instanceof Section s)) {
                return result(lastErrorState, 0, ERROR_INVALID_HANDLE);
            }
            int needed = ((dwDesiredAccess & FILE_MAP_READ) != 0 ? SECTION_MAP_READ : 0)
                    | ((dwDesiredAccess & FILE_MAP_WRITE) != 0 ? SECTION_MAP_WRITE : 0);
            if ((h.access() & needed) != needed) {
                return result(lastErrorState, 0, ERROR_ACCESS_DENIED);
            }
            if (dwFileOffsetHigh != 0 || dwFileOffsetLow != 0) {
                throw new UnsupportedOperationException("the model maps views from offset 0 only");
            }
            if (dwNumberOfBytesToMap > s.size) {
                return result(lastErrorState, 0, ERROR_ACCESS_DENIED);
            }
            long size = pages(dwNumberOfBytesToMap == 0 ? s.size : dwNumberOfBytesToMap) * PAGE;
            Arena arena = Arena.ofShared();
            MemorySegment memory;
            try {
                memory = s.data.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            } catch (IOException e) {
                arena.close();
                throw new UncheckedIOException(e);
            }
            views.put(memory.address(), new View(s, arena, memory));
            s.views++;
            return result(lastErrorState, memory.address(), ERROR_SUCCESS);
        }
    }

    @Override
    public int UnmapViewOfFile(MemorySegment lastErrorState, MemorySegment lpBaseAddress) {
        synchronized (kernel) {
            log.add("UnmapViewOfFile");
            Integer error = failure("UnmapViewOfFile");
            if (error != null) {
                return (int) result(lastErrorState, 0, error).address();
            }
            boolean ok = unmap(lpBaseAddress.address());
            return (int) result(lastErrorState, ok ? 1 : 0, ok ? ERROR_SUCCESS : ERROR_INVALID_ADDRESS).address();
        }
    }

    @Override
    public int CloseHandle(MemorySegment lastErrorState, MemorySegment hObject) {
        synchronized (kernel) {
            log.add("CloseHandle");
            Integer error = failure("CloseHandle");
            if (error != null) {
                return (int) result(lastErrorState, 0, error).address();
            }
            boolean ok = close(hObject.address());
            return (int) result(lastErrorState, ok ? 1 : 0, ok ? ERROR_SUCCESS : ERROR_INVALID_HANDLE).address();
        }
    }

    @Override
    public long VirtualQuery(MemorySegment lastErrorState, MemorySegment lpAddress, MemorySegment lpBuffer,
                             long dwLength) {
        synchronized (kernel) {
            log.add("VirtualQuery");
            Integer error = failure("VirtualQuery");
            if (error != null) {
                return result(lastErrorState, 0, error).address();
            }
            long address = lpAddress.address();
            MemorySegment info = lpBuffer.reinterpret(MEMORY_BASIC_INFORMATION.byteSize());
            info.fill((byte) 0);
            long page = address / PAGE * PAGE;
            View view = null;
            for (View v : views.values()) {
                if (address >= v.memory().address() && address < v.memory().address() + v.memory().byteSize()) {
                    view = v;
                }
            }
            long regionSize = PAGE;
            int state = MEM_FREE;
            if (view != null) {
                BitSet committed = view.section().committed;
                int first = (int) ((page - view.memory().address()) / PAGE);
                int end = (int) (view.memory().byteSize() / PAGE);
                boolean isCommitted = committed.get(first);
                int last = isCommitted ? committed.nextClearBit(first) : committed.nextSetBit(first);
                last = last < 0 || last > end ? end : last;
                regionSize = (last - first) * PAGE;
                state = isCommitted ? MEM_COMMIT : MEM_RESERVE;
                info.set(ADDRESS, MEMORY_BASIC_INFORMATION.byteOffset(groupElement("AllocationBase")),
                        MemorySegment.ofAddress(view.memory().address()));
            }
            info.set(ADDRESS, MEMORY_BASIC_INFORMATION.byteOffset(groupElement("BaseAddress")),
                    MemorySegment.ofAddress(page));
            RegionSize.set(info, 0L, regionSize);
            State.set(info, 0L, state);
            return result(lastErrorState, MEMORY_BASIC_INFORMATION.byteSize(), ERROR_SUCCESS).address();
        }
    }

    @Override
    public int FormatMessageW(int dwFlags, MemorySegment lpSource, int dwMessageId, int dwLanguageId,
                              MemorySegment lpBuffer, int nSize, MemorySegment Arguments) {
        String text = kernel.messages.get(dwMessageId);
        if (text == null) {
            return 0;
        }
        text += "\r\n";
        MemorySegment b = lpBuffer.reinterpret(2L * nSize);
        for (int i = 0; i < text.length(); i++) {
            b.set(WCHAR, 2L * i, text.charAt(i));
        }
        b.set(WCHAR, 2L * text.length(), '\0');
        return text.length();
    }

    @Override
    public MemorySegment LocalFree(MemorySegment hMem) {
        synchronized (kernel) {
            Arena a = localAllocations.remove(hMem.address());
            if (a != null) {
                a.close();
            }
            return MemorySegment.NULL;
        }
    }

    /** @return memory as {@code LocalAlloc} would give it, freed by {@link #LocalFree} */
    private MemorySegment localAlloc(long size) {
        Arena a = Arena.ofShared();
        MemorySegment m = a.allocate(size, 8);
        localAllocations.put(m.address(), a);
        return m;
    }

    @Override
    public MemorySegment GetCurrentProcess() {
        return MemorySegment.ofAddress(-1L);
    }

    private MemorySegment open(String kind, MemorySegment lastErrorState, MemorySegment lpName, int access) {
        synchronized (kernel) {
            log.add("Open(" + kind + ", \"" + RawArgs.wide(lpName) + "\")");
            Integer error = failure("Open" + switch (kind) {
                case "an event" -> "EventW";
                case "a mutex" -> "MutexW";
                default -> "Other";
            });
            if (error != null) {
                return result(lastErrorState, 0, error);
            }
            Named n = kernel.names.get(RawArgs.wide(lpName));
            if (n == null) {
                return result(lastErrorState, 0, ERROR_FILE_NOT_FOUND);
            }
            if (!(n instanceof Other o) || !o.kind.equals(kind)) {
                return result(lastErrorState, 0, ERROR_INVALID_HANDLE);
            }
            if ((granted(o) & access) != access) { // without a descriptor, the default DACL: its creator's user only
                return result(lastErrorState, 0, ERROR_ACCESS_DENIED);
            }
            return result(lastErrorState, handleTo(o, access), ERROR_SUCCESS);
        }
    }

    @Override
    public MemorySegment OpenEventW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                    MemorySegment lpName) {
        return open("an event", lastErrorState, lpName, dwDesiredAccess);
    }

    @Override
    public MemorySegment OpenMutexW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                    MemorySegment lpName) {
        return open("a mutex", lastErrorState, lpName, dwDesiredAccess);
    }

    @Override
    public MemorySegment OpenSemaphoreW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                        MemorySegment lpName) {
        return open("a semaphore", lastErrorState, lpName, dwDesiredAccess);
    }

    @Override
    public MemorySegment OpenWaitableTimerW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                            MemorySegment lpName) {
        return open("a waitable timer", lastErrorState, lpName, dwDesiredAccess);
    }

    @Override
    public MemorySegment OpenJobObjectW(MemorySegment lastErrorState, int dwDesiredAccess, int bInheritHandle,
                                        MemorySegment lpName) {
        return open("a job object", lastErrorState, lpName, dwDesiredAccess);
    }

    @Override
    public int OpenProcessToken(MemorySegment lastErrorState, MemorySegment ProcessHandle, int DesiredAccess,
                                MemorySegment TokenHandle) {
        synchronized (kernel) {
            log.add("OpenProcessToken");
            Integer error = failure("OpenProcessToken");
            if (error != null) {
                return (int) result(lastErrorState, 0, error).address();
            }
            if (ProcessHandle.address() != -1L) {
                return (int) result(lastErrorState, 0, ERROR_INVALID_HANDLE).address();
            }
            TokenHandle.reinterpret(ADDRESS.byteSize()).set(ADDRESS, 0, MemorySegment.ofAddress(handleTo(token, DesiredAccess)));
            return (int) result(lastErrorState, 1, ERROR_SUCCESS).address();
        }
    }

    @Override
    public int GetTokenInformation(MemorySegment lastErrorState, MemorySegment TokenHandle, int TokenInformationClass,
                                   MemorySegment TokenInformation, int TokenInformationLength,
                                   MemorySegment ReturnLength) {
        synchronized (kernel) {
            Integer error = failure("GetTokenInformation");
            if (error != null) {
                return (int) result(lastErrorState, 0, error).address();
            }
            Handle h = handles.get(TokenHandle.address());
            if (h == null || !(h.object() instanceof Token t)) {
                return (int) result(lastErrorState, 0, ERROR_INVALID_HANDLE).address();
            }
            byte[] sid = switch (TokenInformationClass) {
                case Advapi32.TokenUser -> t.user();
                case Advapi32.TokenOwner -> t.owner();
                default -> throw new UnsupportedOperationException("TokenInformationClass " + TokenInformationClass);
            };
            long header = TokenInformationClass == Advapi32.TokenUser ? Advapi32.TOKEN_USER.byteSize()
                    : Advapi32.TOKEN_OWNER.byteSize();
            int needed = (int) header + sid.length;
            ReturnLength.reinterpret(4).set(JAVA_INT, 0, needed);
            if (TokenInformationLength < needed) {
                return (int) result(lastErrorState, 0, ERROR_INSUFFICIENT_BUFFER).address();
            }
            MemorySegment b = TokenInformation.reinterpret(needed);
            b.fill((byte) 0);
            MemorySegment.copy(sid, 0, b, ValueLayout.JAVA_BYTE, header, sid.length);
            b.set(ADDRESS, 0, b.asSlice(header)); // the PSID points into the buffer, after the struct
            return (int) result(lastErrorState, 1, ERROR_SUCCESS).address();
        }
    }

    @Override
    public int GetSecurityInfo(MemorySegment handle, int ObjectType, int SecurityInfo, MemorySegment ppsidOwner,
                               MemorySegment ppsidGroup, MemorySegment ppDacl, MemorySegment ppSacl,
                               MemorySegment ppSecurityDescriptor) {
        synchronized (kernel) {
            log.add("GetSecurityInfo");
            Integer error = failure("GetSecurityInfo");
            if (error != null) {
                return error;
            }
            Handle h = handles.get(handle.address());
            if (h == null || !(h.object() instanceof Section s) || ObjectType != Advapi32.SE_KERNEL_OBJECT) {
                return ERROR_INVALID_HANDLE;
            }
            if ((h.access() & READ_CONTROL) == 0) {
                return ERROR_ACCESS_DENIED;
            }
            MemorySegment copy = localAlloc(s.descriptor.length);
            MemorySegment.copy(s.descriptor, 0, copy, ValueLayout.JAVA_BYTE, 0, s.descriptor.length);
            int ownerAt = copy.get(JAVA_INT_LE, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement("Owner")));
            int control = copy.get(JAVA_SHORT_LE, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement("Control")));
            int aclAt = (control & Advapi32.SE_DACL_PRESENT) == 0 ? 0
                    : copy.get(JAVA_INT_LE, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement("Dacl")));
            if ((SecurityInfo & Advapi32.OWNER_SECURITY_INFORMATION) != 0) {
                ppsidOwner.reinterpret(8).set(ADDRESS, 0, ownerAt == 0 ? MemorySegment.NULL : copy.asSlice(ownerAt));
            }
            if ((SecurityInfo & Advapi32.DACL_SECURITY_INFORMATION) != 0) {
                ppDacl.reinterpret(8).set(ADDRESS, 0, aclAt == 0 ? MemorySegment.NULL : copy.asSlice(aclAt));
            }
            ppSecurityDescriptor.reinterpret(8).set(ADDRESS, 0, copy);
            return ERROR_SUCCESS;
        }
    }
}
