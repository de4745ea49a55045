package io.github.panamashm.internal.windows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.github.panamashm.internal.windows.Kernel32.ERROR_ALREADY_EXISTS;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_FILE_NOT_FOUND;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_INVALID_ADDRESS;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_INVALID_HANDLE;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_SUCCESS;

/**
 * kernel32's file-mapping rules in memory, for testing {@link WindowsBackend} on any OS: a named section
 * lives while a handle or a view refers to it; CreateFileMappingW on an existing name succeeds with
 * ERROR_ALREADY_EXISTS and keeps the old size; a view of 0 bytes covers the section in whole pages, which
 * is what VirtualQuery reports. Handles and view addresses are distinct numbers; no memory is behind them,
 * since the backend never touches a view. A call can be made to fail once with a chosen error.
 */
final class FakeKernel32 implements Win32Calls {
    static final long PAGE = 4096;

    private static final class Section {
        final String name;
        final long size;
        int references;

        Section(String name, long size) {
            this.name = name;
            this.size = size;
        }
    }

    private record View(Section section, long size) {
    }

    private final Map<String, Section> sections = new HashMap<>();
    private final Map<Long, Section> handles = new HashMap<>();
    private final Map<Long, View> views = new HashMap<>();
    private final Map<String, Deque<Integer>> failures = new HashMap<>();
    private final Map<Integer, String> messages = new HashMap<>();
    private final List<String> log = new ArrayList<>();
    private long next = 0x1000;

    /** The next call to {@code function} (its C name) fails with {@code error}. */
    FakeKernel32 failNext(String function, int error) {
        failures.computeIfAbsent(function, k -> new ArrayDeque<>()).add(error);
        return this;
    }

    /** FormatMessageW answers {@code text} for {@code code} (by default it has no text, as for an unknown code). */
    FakeKernel32 message(int code, String text) {
        messages.put(code, text);
        return this;
    }

    /** @return every call made, as {@code Function(args)} */
    List<String> log() {
        return log;
    }

    int openHandles() {
        return handles.size();
    }

    int mappedViews() {
        return views.size();
    }

    boolean exists(String name) {
        return sections.containsKey(name);
    }

    private Integer failure(String function) {
        Deque<Integer> q = failures.get(function);
        return q == null ? null : q.poll();
    }

    private long handleTo(Section s) {
        long h = next += 4;
        handles.put(h, s);
        s.references++;
        return h;
    }

    private void release(Section s) {
        if (--s.references == 0) {
            sections.remove(s.name);
        }
    }

    @Override
    public Result createFileMapping(String name, int maximumSizeHigh, int maximumSizeLow) {
        log.add("CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, " + Integer.toUnsignedString(maximumSizeHigh)
                + ", " + Integer.toUnsignedString(maximumSizeLow) + ", \"" + name + "\")");
        Integer error = failure("CreateFileMappingW");
        if (error != null) {
            return new Result(0, error);
        }
        Section s = sections.get(name);
        if (s != null) {
            return new Result(handleTo(s), ERROR_ALREADY_EXISTS);
        }
        s = new Section(name, (Integer.toUnsignedLong(maximumSizeHigh) << 32) | Integer.toUnsignedLong(maximumSizeLow));
        sections.put(name, s);
        return new Result(handleTo(s), ERROR_SUCCESS);
    }

    @Override
    public Result openFileMapping(String name, int desiredAccess) {
        log.add("OpenFileMappingW(" + desiredAccess + ", FALSE, \"" + name + "\")");
        Integer error = failure("OpenFileMappingW");
        if (error != null) {
            return new Result(0, error);
        }
        Section s = sections.get(name);
        return s == null ? new Result(0, ERROR_FILE_NOT_FOUND) : new Result(handleTo(s), ERROR_SUCCESS);
    }

    @Override
    public Result mapViewOfFile(long mapping, int desiredAccess, long bytesToMap) {
        log.add("MapViewOfFile(" + desiredAccess + ", " + bytesToMap + ")");
        Integer error = failure("MapViewOfFile");
        if (error != null) {
            return new Result(0, error);
        }
        Section s = handles.get(mapping);
        if (s == null) {
            return new Result(0, ERROR_INVALID_HANDLE);
        }
        long size = bytesToMap == 0 ? s.size : bytesToMap;
        long address = next += 0x100000;
        views.put(address, new View(s, (size + PAGE - 1) / PAGE * PAGE));
        s.references++;
        return new Result(address, ERROR_SUCCESS);
    }

    @Override
    public Result unmapViewOfFile(long address) {
        log.add("UnmapViewOfFile");
        Integer error = failure("UnmapViewOfFile");
        if (error != null) {
            return new Result(0, error);
        }
        View v = views.remove(address);
        if (v == null) {
            return new Result(0, ERROR_INVALID_ADDRESS);
        }
        release(v.section());
        return new Result(1, ERROR_SUCCESS);
    }

    @Override
    public Result closeHandle(long handle) {
        log.add("CloseHandle");
        Integer error = failure("CloseHandle");
        if (error != null) {
            return new Result(0, error);
        }
        Section s = handles.remove(handle);
        if (s == null) {
            return new Result(0, ERROR_INVALID_HANDLE);
        }
        release(s);
        return new Result(1, ERROR_SUCCESS);
    }

    @Override
    public Result regionSize(long address) {
        log.add("VirtualQuery");
        Integer error = failure("VirtualQuery");
        if (error != null) {
            return new Result(0, error);
        }
        View v = views.get(address);
        return v == null ? new Result(0, ERROR_INVALID_ADDRESS) : new Result(v.size(), ERROR_SUCCESS);
    }

    @Override
    public String formatMessage(int code) {
        return messages.get(code);
    }
}
