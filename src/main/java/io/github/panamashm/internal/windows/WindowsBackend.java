package io.github.panamashm.internal.windows;

import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.Attachment;
import io.github.panamashm.internal.Backend;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static io.github.panamashm.internal.windows.Kernel32.ERROR_ALREADY_EXISTS;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_FILE_NOT_FOUND;
import static io.github.panamashm.internal.windows.Kernel32.FILE_MAP_READ;
import static io.github.panamashm.internal.windows.Kernel32.FILE_MAP_WRITE;

/**
 * The Windows backend: the example's own calls. A block is a named file mapping backed by the paging file;
 * the kernel frees it when the last handle and view are gone, so no lifetime protocol is needed (a killed
 * process's handles are closed by the kernel too).
 *
 * <ul>
 *   <li>openOrCreate: {@code CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, high, low, name)}.
 *       Without {@code ERROR_ALREADY_EXISTS} the block is new: map exactly {@code byteSize} bytes. With it, the
 *       object keeps its own size: map it whole, learn its size from {@code VirtualQuery}'s
 *       {@code RegionSize} of the view (whole pages) and refuse it when smaller than asked; the segment is
 *       still {@code byteSize} bytes.</li>
 *   <li>create: the same call; {@code ERROR_ALREADY_EXISTS} closes the handle and fails with
 *       {@code SharedMemoryAlreadyExistsException}, leaving the block untouched. The kernel decides existence
 *       and creation in one step, so of several creators exactly one succeeds.</li>
 *   <li>openExisting: {@code OpenFileMappingW}; {@code ERROR_FILE_NOT_FOUND} becomes
 *       {@code NoSuchSharedMemoryException}, as on Linux. Map it whole; its size is the view's
 *       {@code RegionSize}, a whole number of pages.</li>
 *   <li>detach: {@code UnmapViewOfFile}, then {@code CloseHandle} even when unmapping failed.</li>
 * </ul>
 * Names go to the kernel unchanged, {@code Local\} or {@code Global\} prefix included, so a Java process and
 * the example's DLL share the block {@code dllmemfilemap}. Every failure after the handle was opened closes
 * it (and unmaps the view if there is one) before throwing.
 */
public final class WindowsBackend implements Backend {
    /** A read-write view: what FILE_MAP_WRITE grants, asked for explicitly on OpenFileMappingW too. */
    static final int VIEW_ACCESS = FILE_MAP_READ | FILE_MAP_WRITE;

    private final Win32Calls calls;

    /** The backend over the real kernel32; nothing native is touched until the first attach. */
    public WindowsBackend() {
        this(new NativeWin32Calls());
    }

    WindowsBackend(Win32Calls calls) {
        this.calls = calls;
    }

    /**
     * @return whether this backend is known to fit {@code osArch}: x64 ({@code amd64}), and ARM64
     *         ({@code aarch64}), which Windows also runs LLP64 with the same {@code _WIN64} struct layouts
     */
    public static boolean supports(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64", "aarch64", "arm64" -> true;
            default -> false;
        };
    }

    @Override
    public String location(String name) {
        return name.startsWith("Local\\") || name.startsWith("Global\\") ? name : "Local\\" + name;
    }

    @Override
    public Attachment openOrCreate(String name, long byteSize) throws IOException {
        return createFileMapping(name, byteSize, false);
    }

    @Override
    public Attachment create(String name, long byteSize) throws IOException {
        return createFileMapping(name, byteSize, true);
    }

    /** @param exclusive refuse a mapping that exists already, closing the handle to it */
    private Attachment createFileMapping(String name, long byteSize, boolean exclusive) throws IOException {
        Win32Calls.Result mapping = calls.createFileMapping(name, (int) (byteSize >>> 32), (int) byteSize);
        if (mapping.failed()) {
            throw Win32Errors.exception("CreateFileMappingW", name, mapping.lastError(), calls);
        }
        long handle = mapping.value();
        boolean created = mapping.lastError() != ERROR_ALREADY_EXISTS;
        if (exclusive && !created) {
            calls.closeHandle(handle);
            throw Win32Errors.alreadyExists("CreateFileMappingW", name, mapping.lastError(), calls);
        }
        return attach(name, handle, created ? byteSize : 0, created ? 0 : byteSize, created);
    }

    @Override
    public Attachment openExisting(String name) throws IOException {
        Win32Calls.Result mapping = calls.openFileMapping(name, VIEW_ACCESS);
        if (mapping.failed()) {
            if (mapping.lastError() == ERROR_FILE_NOT_FOUND) {
                throw Win32Errors.noSuch("OpenFileMappingW", name, mapping.lastError(), calls);
            }
            throw Win32Errors.exception("OpenFileMappingW", name, mapping.lastError(), calls);
        }
        return attach(name, mapping.value(), 0, 0, false);
    }

    /**
     * Maps {@code handle} and owns it from here on: any failure closes it.
     *
     * @param bytesToMap  what to pass to MapViewOfFile; 0 maps the whole object and sizes it with VirtualQuery
     * @param minimumSize refuse an object smaller than this (0: no minimum)
     */
    private Attachment attach(String name, long handle, long bytesToMap, long minimumSize, boolean created)
            throws IOException {
        long view = 0;
        boolean attached = false;
        try {
            Win32Calls.Result mapped = calls.mapViewOfFile(handle, VIEW_ACCESS, bytesToMap);
            if (mapped.failed()) {
                throw Win32Errors.exception("MapViewOfFile", name, mapped.lastError(), calls);
            }
            view = mapped.value();
            long size = bytesToMap;
            if (size == 0) {
                Win32Calls.Result region = calls.regionSize(view);
                if (region.failed()) {
                    throw Win32Errors.exception("VirtualQuery", name, region.lastError(), calls);
                }
                size = region.value();
                if (size < minimumSize) {
                    throw new SharedMemoryException("openOrCreate", name, "the block has " + size
                            + " bytes (whole pages), fewer than the " + minimumSize + " asked for");
                }
                if (minimumSize > 0) {
                    size = minimumSize; // the segment is what the caller asked for, as on Linux
                }
            }
            attached = true;
            return new WindowsAttachment(name, handle, view, size, created);
        } finally {
            if (!attached) {
                if (view != 0) {
                    calls.unmapViewOfFile(view);
                }
                calls.closeHandle(handle);
            }
        }
    }

    private final class WindowsAttachment extends Attachment {
        private final String name;
        private final long handle;
        private final long view;

        WindowsAttachment(String name, long handle, long view, long byteSize, boolean created) {
            super(MemorySegment.ofAddress(view), byteSize, created);
            this.name = name;
            this.handle = handle;
            this.view = view;
        }

        @Override
        public void detach() throws IOException {
            Win32Calls.Result unmapped = calls.unmapViewOfFile(view);
            Win32Calls.Result closed = calls.closeHandle(handle); // even when unmapping failed
            if (unmapped.failed()) {
                throw Win32Errors.exception("UnmapViewOfFile", name, unmapped.lastError(), calls);
            }
            if (closed.failed()) {
                throw Win32Errors.exception("CloseHandle", name, closed.lastError(), calls);
            }
        }
    }
}
