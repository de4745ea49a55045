package io.github.panamashm.internal.linux;

import io.github.panamashm.internal.CFunction;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw glibc bindings, named after C, in the shape jextract generates (one lazily built downcall handle per
 * function, in a holder class named after it). Nothing here interprets a result: {@link LinuxBackend} does.
 *
 * <p>Every call that can fail takes a first argument {@code errnoState}: a segment of
 * {@link #ERRNO_STATE_LAYOUT} allocated by the caller for that call, into which the linker stores
 * {@code errno} right after the call ({@code Linker.Option.captureCallState("errno")}). Reading errno with a
 * separate call would see whatever the JVM did in between. Read it with {@link #errno(MemorySegment)}.
 *
 * <p>{@code fcntl} is variadic ({@code int fcntl(int, int, ...)}) and is linked with
 * {@code firstVariadicArg(2)}; {@code syscall} ({@code long syscall(long, ...)}) with {@code firstVariadicArg(1)}. glibc declares {@code shm_open} with a fixed {@code mode_t} parameter
 * ({@code <sys/mman.h>}), so it is linked as declared; {@code AbiProofTest} checks both prototypes against the
 * headers. (macOS declares {@code shm_open(const char *, int, ...)}: a macOS binding must link it variadic.)
 *
 * <p>C types on LP64 Linux (x86_64, aarch64): {@code int}, {@code mode_t}, {@code pid_t} are
 * {@code JAVA_INT}; {@code off_t}, {@code size_t} are {@code JAVA_LONG}; pointers are {@code ADDRESS}.
 */
public final class LibC {
    private LibC() {
    }

    // <fcntl.h> / <bits/fcntl-linux.h>, the same on x86_64 and aarch64 (asm-generic/fcntl.h)
    /** {@code O_RDONLY}: open for reading only. */
    public static final int O_RDONLY = 0;
    /** {@code O_RDWR}: open for reading and writing. */
    public static final int O_RDWR = 02;
    /** {@code O_NONBLOCK}: an open never waits (a FIFO without a writer, say). */
    public static final int O_NONBLOCK = 04000;
    /** {@code O_CREAT}: create if absent (octal 0100 on Linux; 0x200 on macOS). */
    public static final int O_CREAT = 0100;
    /** {@code F_OFD_GETLK}: test for an open-file-description lock. */
    public static final int F_OFD_GETLK = 36;
    /** {@code F_OFD_SETLK}: take or release an open-file-description lock, failing at once on conflict. */
    public static final int F_OFD_SETLK = 37;
    /** {@code F_OFD_SETLKW}: take an open-file-description lock, waiting while it conflicts. */
    public static final int F_OFD_SETLKW = 38;
    /** {@code F_RDLCK}: shared (read) lock. */
    public static final short F_RDLCK = 0;
    /** {@code F_WRLCK}: exclusive (write) lock. */
    public static final short F_WRLCK = 1;
    /** {@code F_UNLCK}: release. */
    public static final short F_UNLCK = 2;
    /** {@code SEEK_SET}: lock offsets count from the start of the file. */
    public static final short SEEK_SET = 0;

    // <linux/futex.h>, the same on x86_64 and aarch64. Without FUTEX_PRIVATE_FLAG: the word is in a MAP_SHARED
    // mapping and the waiters are in other processes. (SYS_futex differs by architecture: LinuxStructs.)
    /** {@code FUTEX_WAIT}: sleep while the word holds the expected value. */
    public static final int FUTEX_WAIT = 0;
    /** {@code FUTEX_WAKE}: wake up to {@code val} sleepers on the word. */
    public static final int FUTEX_WAKE = 1;

    // <sys/mman.h> / <bits/mman-linux.h>
    /** {@code PROT_READ}. */
    public static final int PROT_READ = 0x1;
    /** {@code PROT_WRITE}. */
    public static final int PROT_WRITE = 0x2;
    /** {@code MAP_SHARED}: writes are seen by every process mapping the object. */
    public static final int MAP_SHARED = 0x01;
    /** {@code MAP_FAILED}: {@code ((void *) -1)}. */
    public static final long MAP_FAILED = -1L;

    // <sys/stat.h>
    /** {@code S_IRUSR | S_IWUSR}: mode 0600, the owner only. */
    public static final int S_IRUSR_S_IWUSR = 0600;
    /** {@code S_IFMT}: the file type bits of {@code st_mode}. */
    public static final int S_IFMT = 0170000;
    /** {@code S_IFREG}: a regular file, as every shared memory object is. */
    public static final int S_IFREG = 0100000;
    /** {@code S_IFIFO}: a FIFO. */
    public static final int S_IFIFO = 0010000;
    /** {@code S_IFCHR}: a character device. */
    public static final int S_IFCHR = 0020000;
    /** {@code S_IFDIR}: a directory. */
    public static final int S_IFDIR = 0040000;
    /** {@code S_IFBLK}: a block device. */
    public static final int S_IFBLK = 0060000;
    /** {@code S_IFSOCK}: a socket. */
    public static final int S_IFSOCK = 0140000;
    /** {@code S_IFLNK}: a symbolic link. */
    public static final int S_IFLNK = 0120000;

    /** The layout of the state {@code captureCallState("errno")} stores. */
    public static final StructLayout ERRNO_STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = ERRNO_STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** @return the errno stored in {@code errnoState} by the call it was passed to */
    public static int errno(MemorySegment errnoState) {
        return (int) ERRNO.get(errnoState, 0L);
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    static boolean has(String name) {
        return LIBC.find(name).isPresent();
    }

    private static AssertionError unexpected(Throwable t) {
        return new AssertionError("downcall failed unexpectedly", t);
    }

    /** Descriptors, public so that the ABI proof checks exactly what is linked, against the prototype beside each. */
    public static final class Descriptors {
        private Descriptors() {
        }

        /** {@code int shm_open(const char *name, int oflag, mode_t mode)} */
        @CFunction("int shm_open(const char *, int, mode_t)")
        public static final FunctionDescriptor shm_open = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        /** {@code int shm_unlink(const char *name)} */
        @CFunction("int shm_unlink(const char *)")
        public static final FunctionDescriptor shm_unlink = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        /** {@code int fcntl(int fd, int cmd, ...)} called as {@code fcntl(fd, cmd, struct flock *)} */
        @CFunction(value = "int fcntl(int, int, ...)", variadic = "struct flock *")
        public static final FunctionDescriptor fcntl = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
        /** {@code int fstat(int fd, struct stat *buf)} */
        @CFunction("int fstat(int, struct stat *)")
        public static final FunctionDescriptor fstat = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);
        /** {@code int __fxstat(int ver, int fd, struct stat *buf)}: fstat before glibc 2.33 */
        @CFunction(value = "int __fxstat(int, int, struct stat *)", declared = false)
        public static final FunctionDescriptor __fxstat = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
        /** {@code int ftruncate(int fd, off_t length)} */
        @CFunction("int ftruncate(int, off_t)")
        public static final FunctionDescriptor ftruncate = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG);
        /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)} */
        @CFunction("void *mmap(void *, size_t, int, int, int, off_t)")
        public static final FunctionDescriptor mmap = FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);
        /** {@code int munmap(void *addr, size_t length)} */
        @CFunction("int munmap(void *, size_t)")
        public static final FunctionDescriptor munmap = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG);
        /** {@code int close(int fd)} */
        @CFunction("int close(int)")
        public static final FunctionDescriptor close = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
        /** {@code char *strerror(int errnum)} */
        @CFunction("char *strerror(int)")
        public static final FunctionDescriptor strerror = FunctionDescriptor.of(ADDRESS, JAVA_INT);
        /** {@code int posix_fallocate(int fd, off_t offset, off_t len)} */
        @CFunction("int posix_fallocate(int, off_t, off_t)")
        public static final FunctionDescriptor posix_fallocate = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG);
        /** {@code int fchmod(int fd, mode_t mode)} */
        @CFunction("int fchmod(int, mode_t)")
        public static final FunctionDescriptor fchmod = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT);
        /**
         * {@code long syscall(long number, ...)} called as {@code syscall(SYS_futex, uint32_t *uaddr, int futex_op,
         * uint32_t val, const struct timespec *timeout, uint32_t *uaddr2, uint32_t val3)}
         */
        @CFunction(value = "long syscall(long, ...)",
                variadic = {"uint32_t *", "int", "uint32_t", "const struct timespec *", "uint32_t *", "uint32_t"})
        public static final FunctionDescriptor syscall = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        /** {@code uid_t geteuid(void)} */
        @CFunction("uid_t geteuid(void)")
        public static final FunctionDescriptor geteuid = FunctionDescriptor.of(JAVA_INT);
    }

    private static final class shm_open$ {
        static final MethodHandle HANDLE = downcall("shm_open", Descriptors.shm_open, CAPTURE_ERRNO);
    }

    /**
     * {@code int shm_open(const char *name, int oflag, mode_t mode);}
     *
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_open.3.html">shm_open(3)</a>
     */
    public static int shm_open(MemorySegment errnoState, MemorySegment name, int oflag, int mode) {
        try {
            return (int) shm_open$.HANDLE.invokeExact(errnoState, name, oflag, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class shm_unlink$ {
        static final MethodHandle HANDLE = downcall("shm_unlink", Descriptors.shm_unlink, CAPTURE_ERRNO);
    }

    /**
     * {@code int shm_unlink(const char *name);}
     *
     * @see <a href="https://man7.org/linux/man-pages/man3/shm_unlink.3.html">shm_unlink(3)</a>
     */
    public static int shm_unlink(MemorySegment errnoState, MemorySegment name) {
        try {
            return (int) shm_unlink$.HANDLE.invokeExact(errnoState, name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class fcntl$ {
        static final MethodHandle HANDLE = downcall("fcntl", Descriptors.fcntl,
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    }

    /**
     * {@code int fcntl(int fd, int cmd, ... /* struct flock *lock *}{@code /);}, for the lock commands.
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2), "Open file description locks"</a>
     */
    public static int fcntl(MemorySegment errnoState, int fd, int cmd, MemorySegment lock) {
        try {
            return (int) fcntl$.HANDLE.invokeExact(errnoState, fd, cmd, lock);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class fstat$ {
        // glibc < 2.33 exports only __fxstat(_STAT_VER, fd, buf); fstat is a header inline there.
        static final MethodHandle HANDLE = has("fstat")
                ? downcall("fstat", Descriptors.fstat, CAPTURE_ERRNO)
                : java.lang.invoke.MethodHandles.insertArguments(
                        downcall("__fxstat", Descriptors.__fxstat, CAPTURE_ERRNO), 1, LinuxStructs.current()._STAT_VER());
    }

    /**
     * {@code int fstat(int fd, struct stat *statbuf);}
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/fstat.2.html">fstat(2)</a>
     */
    public static int fstat(MemorySegment errnoState, int fd, MemorySegment statbuf) {
        try {
            return (int) fstat$.HANDLE.invokeExact(errnoState, fd, statbuf);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class ftruncate$ {
        static final MethodHandle HANDLE = downcall("ftruncate", Descriptors.ftruncate, CAPTURE_ERRNO);
    }

    /**
     * {@code int ftruncate(int fd, off_t length);}
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/ftruncate.2.html">ftruncate(2)</a>
     */
    public static int ftruncate(MemorySegment errnoState, int fd, long length) {
        try {
            return (int) ftruncate$.HANDLE.invokeExact(errnoState, fd, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class mmap$ {
        static final MethodHandle HANDLE = downcall("mmap", Descriptors.mmap, CAPTURE_ERRNO);
    }

    /**
     * {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);}
     *
     * @return the address, or {@link #MAP_FAILED} as a segment address
     * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
     */
    public static MemorySegment mmap(MemorySegment errnoState, MemorySegment addr, long length, int prot, int flags,
                                     int fd, long offset) {
        try {
            return (MemorySegment) mmap$.HANDLE.invokeExact(errnoState, addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class munmap$ {
        static final MethodHandle HANDLE = downcall("munmap", Descriptors.munmap, CAPTURE_ERRNO);
    }

    /**
     * {@code int munmap(void *addr, size_t length);}
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/munmap.2.html">munmap(2)</a>
     */
    public static int munmap(MemorySegment errnoState, MemorySegment addr, long length) {
        try {
            return (int) munmap$.HANDLE.invokeExact(errnoState, addr, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class close$ {
        static final MethodHandle HANDLE = downcall("close", Descriptors.close, CAPTURE_ERRNO);
    }

    /**
     * {@code int close(int fd);}
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/close.2.html">close(2)</a>
     */
    public static int close(MemorySegment errnoState, int fd) {
        try {
            return (int) close$.HANDLE.invokeExact(errnoState, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class strerror$ {
        static final MethodHandle HANDLE = downcall("strerror", Descriptors.strerror);
    }

    /**
     * {@code char *strerror(int errnum);} (glibc returns a string that stays valid for known codes)
     *
     * @see <a href="https://man7.org/linux/man-pages/man3/strerror.3.html">strerror(3)</a>
     */
    public static MemorySegment strerror(int errnum) {
        try {
            return (MemorySegment) strerror$.HANDLE.invokeExact(errnum);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class geteuid$ {
        static final MethodHandle HANDLE = downcall("geteuid", Descriptors.geteuid);
    }

    /**
     * {@code uid_t geteuid(void);} (always succeeds)
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/geteuid.2.html">geteuid(2)</a>
     */
    public static int geteuid() {
        try {
            return (int) geteuid$.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class posix_fallocate$ {
        // No captureCallState: posix_fallocate returns the error number and leaves errno alone.
        static final MethodHandle HANDLE = downcall("posix_fallocate", Descriptors.posix_fallocate);
    }

    /**
     * {@code int posix_fallocate(int fd, off_t offset, off_t len);}
     *
     * <p>Unlike most calls here it does not set {@code errno}: it returns 0 or the error number itself
     * (ENOSPC when a tmpfs cannot back the range).
     *
     * @see <a href="https://man7.org/linux/man-pages/man3/posix_fallocate.3.html">posix_fallocate(3)</a>
     */
    public static int posix_fallocate(int fd, long offset, long len) {
        try {
            return (int) posix_fallocate$.HANDLE.invokeExact(fd, offset, len);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class fchmod$ {
        static final MethodHandle HANDLE = downcall("fchmod", Descriptors.fchmod, CAPTURE_ERRNO);
    }

    /**
     * {@code int fchmod(int fd, mode_t mode);}
     *
     * @see <a href="https://man7.org/linux/man-pages/man2/fchmod.2.html">fchmod(2)</a>
     */
    public static int fchmod(MemorySegment errnoState, int fd, int mode) {
        try {
            return (int) fchmod$.HANDLE.invokeExact(errnoState, fd, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static final class syscall$ {
        static final MethodHandle HANDLE = downcall("syscall", Descriptors.syscall,
                CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    }

    /**
     * {@code long syscall(long number, ...);} for {@code futex(2)}, which glibc does not wrap:
     * {@code syscall(SYS_futex, uaddr, futex_op, val, timeout, uaddr2, val3)}.
     *
     * @return what the system call returned, or -1 with errno in {@code errnoState}
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     * @see <a href="https://man7.org/linux/man-pages/man2/syscall.2.html">syscall(2)</a>
     */
    public static long syscall(MemorySegment errnoState, long number, MemorySegment uaddr, int futexOp, int val,
                               MemorySegment timeout, MemorySegment uaddr2, int val3) {
        try {
            return (long) syscall$.HANDLE.invokeExact(errnoState, number, uaddr, futexOp, val, timeout, uaddr2, val3);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
