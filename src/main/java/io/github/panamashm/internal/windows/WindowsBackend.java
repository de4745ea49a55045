package io.github.panamashm.internal.windows;

import io.github.panamashm.SharedMemoryAlreadyExistsException;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.Attachment;
import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.Names;
import io.github.panamashm.internal.TextLayout;
import io.github.panamashm.internal.TextSync;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static io.github.panamashm.internal.windows.Kernel32.ERROR_ACCESS_DENIED;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_ALREADY_EXISTS;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_FILE_NOT_FOUND;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_INVALID_HANDLE;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_PRIVILEGE_NOT_HELD;
import static io.github.panamashm.internal.windows.Kernel32.FILE_MAP_READ;
import static io.github.panamashm.internal.windows.Kernel32.FILE_MAP_WRITE;
import static io.github.panamashm.internal.windows.Kernel32.MEM_COMMIT;
import static io.github.panamashm.internal.windows.Kernel32.READ_CONTROL;

/**
 * The Windows backend: the example's own calls. A block is a named file mapping backed by the paging file;
 * the kernel frees it when the last handle and view are gone, so no lifetime protocol is needed (a killed
 * process's handles are closed by the kernel too). The name goes at the last CloseHandle, even while views
 * remain; every attachment holds its handle until it detaches, so the name lives while anyone is attached.
 *
 * <ul>
 *   <li>openOrCreate: {@code CreateFileMappingW(INVALID_HANDLE_VALUE, sa, PAGE_READWRITE, high, low, name)},
 *       {@code sa} holding the security descriptor of {@link WindowsSecurity}. Without {@code ERROR_ALREADY_EXISTS}
 *       the block is new: map exactly {@code byteSize} bytes. With it, the object keeps its own size and
 *       security: check its owner and DACL, map it whole, check that its pages are committed and that it is
 *       not smaller than asked; the segment is still {@code byteSize} bytes. When CreateFileMappingW is denied
 *       (it asks for every standard right, which a block another user shares does not grant),
 *       {@code OpenFileMappingW} with the rights a view needs is tried before giving up.</li>
 *   <li>create: the same calls; a mapping that exists ({@code ERROR_ALREADY_EXISTS}, or denied to
 *       CreateFileMappingW but opened) has its handle closed and is refused with
 *       {@code SharedMemoryAlreadyExistsException}, untouched. The kernel decides existence and creation in
 *       one step, so of several creators exactly one succeeds.</li>
 *   <li>openExisting: {@code OpenFileMappingW}; {@code ERROR_FILE_NOT_FOUND} becomes
 *       {@code NoSuchSharedMemoryException}, as on Linux. Then the same checks; its size is the committed
 *       view's {@code RegionSize}, a whole number of pages.</li>
 *   <li>detach: {@code UnmapViewOfFile}, then {@code CloseHandle} even when unmapping failed.</li>
 * </ul>
 * Names go to the kernel unchanged, {@code Local\} or {@code Global\} prefix included, so a Java process and
 * the example's DLL share the block {@code dllmemfilemap}. Every failure after the handle was opened closes
 * it (and unmaps the view if there is one) before throwing.
 */
public final class WindowsBackend implements Backend {
    /** A read-write view: what FILE_MAP_WRITE grants, asked for explicitly on OpenFileMappingW too. */
    static final int VIEW_ACCESS = FILE_MAP_READ | FILE_MAP_WRITE;
    /** What OpenFileMappingW asks for: a read-write view, and the security descriptor to check the owner. */
    static final int OPEN_ACCESS = VIEW_ACCESS | READ_CONTROL;
    private static final String GLOBAL = "Global\\";

    private final Win32Calls calls;

    /** The backend over the real kernel32; nothing native is touched until the first attach. */
    public WindowsBackend() {
        this(new Win32Calls(NativeWin32.INSTANCE));
    }

    WindowsBackend(Win32Calls calls) {
        this.calls = calls;
    }

    /**
     * @return whether this backend is known to fit {@code osArch}: x64 ({@code amd64}), and ARM64
     *         ({@code aarch64}), which Windows also runs LLP64 with the same {@code _WIN64} struct layouts; the ABI
     *         proof compiles every binding for both against mingw-w64's headers (ARM64 with clang's
     *         {@code aarch64-w64-windows-gnu} target), though no test runs on ARM64
     */
    public static boolean supports(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64", "aarch64", "arm64" -> true;
            default -> false;
        };
    }

    @Override
    public String location(String name) {
        return name.startsWith("Local\\") || name.startsWith(GLOBAL) ? name : "Local\\" + name;
    }

    @Override
    public Attachment openOrCreate(String name, long byteSize) throws IOException {
        return openOrCreate(name, byteSize, PRIVATE_MODE);
    }

    @Override
    public Attachment openExisting(String name) throws IOException {
        return openExisting(name, PRIVATE_MODE);
    }

    @Override
    public Attachment create(String name, long byteSize) throws IOException {
        return create(name, byteSize, PRIVATE_MODE);
    }

    @Override
    public Attachment openOrCreate(String name, long byteSize, int mode) throws IOException {
        return createFileMapping(name, byteSize, 0, mode, false);
    }

    @Override
    public Attachment create(String name, long byteSize, int mode) throws IOException {
        return createFileMapping(name, byteSize, 0, mode, true);
    }

    /**
     * A text block: created with its control area ({@link TextLayout#BYTE_SIZE} bytes) and its writers' mutex
     * ({@link WindowsTextSync}); an existing one is used whole when it has at least that many bytes, and as the
     * example's 4096 bytes, without control area, when it has exactly those (a section's size is fixed by its
     * creator, so such a block stays one). Windows frees a section with its last handle, so there is no abandoned
     * block to reset, and nothing here waits for another process: {@code deadline} is unused.
     *
     * @throws IllegalArgumentException when a name derived from {@code name} would be longer than Windows names
     *                                  may be ({@link Names#WINDOWS_NAME_UNITS})
     */
    @Override
    public Attachment attachText(TextOpen how, String name, int mode, long deadline) throws IOException {
        if (name.length() + WindowsTextSync.LONGEST_SUFFIX > Names.WINDOWS_NAME_UNITS) {
            throw new IllegalArgumentException("a text block's name is at most " + (Names.WINDOWS_NAME_UNITS
                    - WindowsTextSync.LONGEST_SUFFIX) + " UTF-16 units on Windows, so that the names of its mutex and"
                    + " events (the name and up to " + WindowsTextSync.LONGEST_SUFFIX + " more) fit; was "
                    + name.length());
        }
        WindowsAttachment a = switch (how) {
            case OPEN_OR_CREATE -> createFileMapping(name, TextLayout.BYTE_SIZE, TextLayout.EXAMPLE_BYTES, mode, false);
            case CREATE -> createFileMapping(name, TextLayout.BYTE_SIZE, TextLayout.EXAMPLE_BYTES, mode, true);
            case OPEN_EXISTING -> openExisting(name, mode, TextLayout.BYTE_SIZE, TextLayout.EXAMPLE_BYTES);
        };
        if (a.byteSize() < TextLayout.BYTE_SIZE) {
            return a; // the example's block: no control area
        }
        boolean done = false;
        try {
            a.sync = WindowsTextSync.open(calls, name, token(name).user(), sharedWithEveryone(mode));
            done = true;
            return a;
        } finally {
            if (!done) {
                a.detach();
            }
        }
    }

    /**
     * @param exampleSize 0, or a smaller size also accepted from an existing block, which is then mapped with that
     *                    size (a text block of the example's layout)
     * @param exclusive   refuse a mapping that exists already, closing the handle that came with it
     */
    private WindowsAttachment createFileMapping(String name, long byteSize, long exampleSize, int mode,
                                                boolean exclusive) throws IOException {
        boolean everyone = sharedWithEveryone(mode);
        Win32Calls.Token token = token(name);
        Win32Calls.Result mapping = calls.createFileMapping(name, byteSize,
                WindowsSecurity.descriptor(token.user(), everyone));
        if (mapping.failed() && mapping.lastError() == ERROR_ACCESS_DENIED) {
            Win32Calls.Result opened = calls.openFileMapping(name, OPEN_ACCESS);
            if (!opened.failed()) {
                if (exclusive) {
                    calls.closeHandle(opened.value());
                    throw new SharedMemoryAlreadyExistsException(name, "CreateFileMappingW(\"" + name + "\") was"
                            + " denied and OpenFileMappingW opened it: another user's block");
                }
                return attach(name, "openOrCreate", opened.value(), false, byteSize, exampleSize, token, everyone);
            }
        }
        if (mapping.failed()) {
            throw createFailure(name, mapping.lastError());
        }
        boolean created = mapping.lastError() != ERROR_ALREADY_EXISTS;
        if (exclusive && !created) {
            calls.closeHandle(mapping.value());
            throw Win32Errors.alreadyExists("CreateFileMappingW", name, mapping.lastError(), calls);
        }
        return attach(name, "openOrCreate", mapping.value(), created, byteSize, exampleSize,
                token, everyone);
    }

    @Override
    public Attachment openExisting(String name, int mode) throws IOException {
        return openExisting(name, mode, 0, 0);
    }

    /** @param minimumSize 0: map the whole block; else as {@link #attach}, and {@code exampleSize} with it */
    private WindowsAttachment openExisting(String name, int mode, long minimumSize, long exampleSize)
            throws IOException {
        boolean everyone = sharedWithEveryone(mode);
        Win32Calls.Token token = token(name);
        Win32Calls.Result mapping = calls.openFileMapping(name, OPEN_ACCESS);
        if (mapping.failed()) {
            int error = mapping.lastError();
            if (error == ERROR_FILE_NOT_FOUND) {
                throw Win32Errors.noSuch("OpenFileMappingW", name, error, calls);
            }
            throw Win32Errors.exception("OpenFileMappingW", name, error, calls, kindHint(name, error));
        }
        return attach(name, "openExisting", mapping.value(), false, minimumSize, exampleSize, token, everyone);
    }

    /**
     * @return whether {@code mode} shares the block with every user; private ({@link #PRIVATE_MODE}) is false
     * @throws UnsupportedOperationException for a group mode, which has no Windows meaning
     */
    private static boolean sharedWithEveryone(int mode) {
        if ((mode & 0006) != 0) {
            return true;
        }
        if ((mode & 0060) != 0) {
            throw new UnsupportedOperationException("SHARE_WITH_GROUP has no meaning on Windows: a token's primary"
                    + " group is not the set of users the user chose to share with (it is usually \"None\" or"
                    + " \"Domain Users\", every user of the domain); use SHARE_WITH_EVERYONE, which lets every"
                    + " authenticated user map the block");
        }
        return false;
    }

    private Win32Calls.Token token(String name) throws SharedMemoryException {
        try {
            return calls.token();
        } catch (Win32Calls.Failure f) {
            throw Win32Errors.exception(f.call, name, f.error, calls);
        }
    }

    private SharedMemoryException createFailure(String name, int error) {
        String hint = kindHint(name, error);
        if (name.startsWith(GLOBAL) && (error == ERROR_ACCESS_DENIED || error == ERROR_PRIVILEGE_NOT_HELD)) {
            hint = "creating a file mapping in Global\\ from a session other than 0 needs the SeCreateGlobalPrivilege"
                    + " privilege (services and administrators hold it); opening one that exists needs none";
        }
        return Win32Errors.exception("CreateFileMappingW", name, error, calls, hint);
    }

    /** @return for ERROR_INVALID_HANDLE, which kind of object holds the name instead of a file mapping */
    private String kindHint(String name, int error) {
        if (error != ERROR_INVALID_HANDLE) {
            return null;
        }
        String kind = calls.objectKind(name);
        return "the name belongs to " + (kind != null ? kind : "an object of another type") + ", not a file mapping"
                + " (events, mutexes, semaphores, waitable timers, job objects and file mappings share one namespace)";
    }

    /**
     * Checks and maps {@code handle}, and owns it from here on: any failure closes it.
     *
     * @param minimumSize for an existing block, refuse it when smaller than this (0: no minimum); for a new one,
     *                    the size to map
     * @param exampleSize 0, or a size below {@code minimumSize} accepted too from an existing block whose size, in
     *                    whole pages, is exactly that: the segment then has that size
     */
    private WindowsAttachment attach(String name, String call, long handle, boolean created, long minimumSize,
                                     long exampleSize, Win32Calls.Token token, boolean everyone) throws IOException {
        long view = 0;
        boolean attached = false;
        try {
            if (!created) {
                refuseForeign(name, call, handle, token, everyone);
            }
            Win32Calls.Result mapped = calls.mapViewOfFile(handle, VIEW_ACCESS, created ? minimumSize : 0);
            if (mapped.failed()) {
                throw Win32Errors.exception("MapViewOfFile", name, mapped.lastError(), calls);
            }
            view = mapped.value();
            long size = created ? minimumSize : committedSize(name, call, view);
            if (size < minimumSize && size == exampleSize) {
                attached = true;
                return new WindowsAttachment(name, handle, view, exampleSize, false);
            }
            if (size < minimumSize) {
                throw new SharedMemoryException(call, name, "the block has " + size + " bytes (whole pages), fewer"
                        + " than the " + minimumSize + " asked for");
            }
            attached = true;
            // The segment is what the caller asked for, as on Linux; openExisting maps the whole block.
            return new WindowsAttachment(name, handle, view, minimumSize > 0 ? minimumSize : size, created);
        } finally {
            if (!attached) {
                if (view != 0) {
                    calls.unmapViewOfFile(view);
                }
                calls.closeHandle(handle);
            }
        }
    }

    private void refuseForeign(String name, String call, long handle, Win32Calls.Token token, boolean everyone)
            throws SharedMemoryException {
        Win32Calls.ObjectSecurity security;
        try {
            security = calls.security(handle);
        } catch (Win32Calls.Failure f) {
            throw Win32Errors.exception(f.call, name, f.error, calls);
        }
        String refusal = WindowsSecurity.refusal(security, token, everyone);
        if (refusal != null) {
            throw new SharedMemoryException(call, name, refusal);
        }
    }

    /**
     * @return the size of the whole view at {@code view}, after checking that every page of it is committed: a
     *         peer's {@code SEC_RESERVE} section has reserved pages, and touching one is an access violation that
     *         would kill the JVM
     */
    private long committedSize(String name, String call, long view) throws SharedMemoryException {
        Win32Calls.Region first = calls.virtualQuery(view);
        if (first.failed()) {
            throw Win32Errors.exception("VirtualQuery", name, first.lastError(), calls);
        }
        if (first.state() != MEM_COMMIT) {
            throw new SharedMemoryException(call, name, "its pages are reserved, not committed (a section created"
                    + " with SEC_RESERVE whose creator has not committed them): touching them would crash the process");
        }
        // Pages of one view that differ in state are separate regions: the view goes on after a committed first
        // region only if the next region belongs to the same allocation.
        Win32Calls.Region next = calls.virtualQuery(view + first.regionSize());
        if (!next.failed() && next.allocationBase() == view) {
            throw new SharedMemoryException(call, name, "only its first " + first.regionSize() + " bytes are"
                    + " committed (a section created with SEC_RESERVE): touching the rest would crash the process");
        }
        return first.regionSize();
    }

    private final class WindowsAttachment extends Attachment {
        private final String name;
        private final long handle;
        private final long view;
        /** A text block's writers' mutex and waits, or null. */
        private WindowsTextSync sync;

        WindowsAttachment(String name, long handle, long view, long byteSize, boolean created) {
            super(MemorySegment.ofAddress(view), byteSize, created);
            this.name = name;
            this.handle = handle;
            this.view = view;
        }

        @Override
        public TextSync textSync() {
            return sync;
        }

        /**
         * Unmaps the view, closes the mapping's handle, then the mutex's: each even when an earlier step failed. No
         * thread can be in a call on the mutex by now, so the order matters only to the kernel objects' names,
         * which live while any attacher holds them, and attachers hold both.
         */
        @Override
        public void detach() throws IOException {
            Win32Calls.Result unmapped = calls.unmapViewOfFile(view);
            Win32Calls.Result closed = calls.closeHandle(handle); // even when unmapping failed
            Win32Calls.Result mutexClosed = sync == null ? null : sync.close();
            if (unmapped.failed()) {
                throw Win32Errors.exception("UnmapViewOfFile", name, unmapped.lastError(), calls);
            }
            if (closed.failed()) {
                throw Win32Errors.exception("CloseHandle", name, closed.lastError(), calls);
            }
            if (mutexClosed != null && mutexClosed.failed()) {
                throw Win32Errors.exception("CloseHandle", WindowsTextSync.printable(WindowsTextSync.mutexName(name)),
                        mutexClosed.lastError(), calls);
            }
        }
    }
}
