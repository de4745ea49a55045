package io.github.panamashm.internal.windows;

import io.github.panamashm.OnBackend;
import io.github.panamashm.internal.Os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One Windows process for the contract suite ({@link Win32ContractTest}), on one of the three kernels it holds to
 * the same rules: the model ({@link FakeKernel32}), Wine's kernel32 in a helper process, the real kernel32.
 * Besides the functions panama-shm calls ({@link #win32()}), a test needs a few it does not: an event to take
 * a name, committing pages of a SEC_RESERVE view, and ending the process.
 */
abstract class SimulatedProcess implements AutoCloseable {
    private Win32Calls calls;

    abstract Win32 win32();

    /** @return the marshalling layer over this process's functions, as the backend uses it */
    final synchronized Win32Calls calls() {
        if (calls == null) {
            calls = new Win32Calls(win32());
        }
        return calls;
    }

    /** @return Windows' backend in this process */
    final WindowsBackend backend() {
        return new WindowsBackend(calls());
    }

    /** @return the public API in this process */
    final OnBackend api() {
        return new OnBackend(backend(), Os.WINDOWS);
    }

    /** {@code CreateEventW(NULL, TRUE, FALSE, name)}; the event holds the name until this process ends. */
    abstract void createEvent(String name);

    /** {@code VirtualAlloc(address, size, MEM_COMMIT, PAGE_READWRITE)} on a view of a SEC_RESERVE section. */
    abstract void commit(long address, long size);

    /** @return whether {@link #exit()} can end this process without ending the test */
    abstract boolean canExit();

    /** Ends the process abruptly, as a crash does: the kernel closes its handles and unmaps its views. */
    abstract void exit();

    @Override
    public abstract void close();

    /** A process of the model. */
    static SimulatedProcess of(FakeKernel32 kernel) {
        return new SimulatedProcess() {
            @Override
            Win32 win32() {
                return kernel;
            }

            @Override
            void createEvent(String name) {
                kernel.createEvent(name);
            }

            @Override
            void commit(long address, long size) {
                kernel.commit(address, size);
            }

            @Override
            boolean canExit() {
                return true;
            }

            @Override
            void exit() {
                kernel.exit();
            }

            @Override
            public void close() {
                kernel.exit();
            }
        };
    }

    /** A helper process under Wine. */
    static SimulatedProcess of(WineProcess process) {
        WineWin32 win32 = new WineWin32(process);
        return new SimulatedProcess() {
            @Override
            Win32 win32() {
                return win32;
            }

            @Override
            void createEvent(String name) {
                WineProcess.Reply r = process.call("kernel32", "CreateEventW", 0L, 1L, 0L, WineProcess.wide(name));
                if (r.value() == 0) {
                    throw new AssertionError("CreateEventW failed: " + r.lastError());
                }
            }

            @Override
            void commit(long address, long size) {
                WineProcess.Reply r = process.call("kernel32", "VirtualAlloc", win32.toHelper(address), size,
                        (long) Kernel32.MEM_COMMIT, (long) Kernel32.PAGE_READWRITE);
                if (r.value() == 0) {
                    throw new AssertionError("VirtualAlloc failed: " + r.lastError());
                }
            }

            @Override
            boolean canExit() {
                return true;
            }

            @Override
            void exit() {
                process.kill();
            }

            @Override
            public void close() {
                process.close();
            }
        };
    }

    /**
     * This JVM's own kernel32, on Windows. Every simulated process is this one real process, so it cannot
     * {@link #exit()}; what it opens for a test (events) is closed by {@link #close()}.
     */
    static SimulatedProcess windows() {
        return new SimulatedProcess() {
            private final java.util.List<MemorySegment> events = new java.util.ArrayList<>();

            @Override
            Win32 win32() {
                return NativeWin32.INSTANCE;
            }

            @Override
            void createEvent(String name) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment h = (MemorySegment) TestDowncalls.CREATE_EVENT.invokeExact(MemorySegment.NULL, 1, 0,
                            Kernel32.wideString(arena, name));
                    if (h.address() == 0) {
                        throw new AssertionError("CreateEventW failed");
                    }
                    events.add(h);
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            }

            @Override
            void commit(long address, long size) {
                try {
                    MemorySegment p = (MemorySegment) TestDowncalls.VIRTUAL_ALLOC.invokeExact(
                            MemorySegment.ofAddress(address), size, Kernel32.MEM_COMMIT, Kernel32.PAGE_READWRITE);
                    if (p.address() == 0) {
                        throw new AssertionError("VirtualAlloc failed");
                    }
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            }

            @Override
            boolean canExit() {
                return false;
            }

            @Override
            void exit() {
                throw new UnsupportedOperationException("the real kernel32 runs in this JVM, which cannot exit");
            }

            @Override
            public void close() {
                try (Arena arena = Arena.ofConfined()) {
                    for (MemorySegment h : events) {
                        Kernel32.CloseHandle(arena.allocate(Kernel32.lastErrorStateLayout()), h);
                    }
                }
            }
        };
    }

    /** kernel32 functions the tests call on Windows and panama-shm does not. */
    private static final class TestDowncalls {
        static final SymbolLookup KERNEL32 = SymbolLookup.libraryLookup("kernel32.dll", Arena.global());
        static final MethodHandle CREATE_EVENT = Kernel32.link(KERNEL32, "kernel32", "CreateEventW",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), false);
        static final MethodHandle VIRTUAL_ALLOC = Kernel32.link(KERNEL32, "kernel32", "VirtualAlloc",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT), false);
    }
}
