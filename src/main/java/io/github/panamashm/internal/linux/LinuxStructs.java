package io.github.panamashm.internal.linux;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code struct stat}, {@code struct flock} and {@code struct timespec} as glibc lays them out, and the system
 * call numbers panama-shm uses, one constant per architecture. {@code AbiProofTest} turns these layouts and
 * numbers into {@code _Static_assert} lines and compiles them against the real headers with gcc (and the
 * aarch64 cross compiler when present).
 */
public enum LinuxStructs {
    /**
     * x86_64. {@code struct stat}: glibc {@code sysdeps/unix/sysv/linux/x86/bits/struct_stat.h} (the
     * {@code __x86_64__} branch: {@code st_nlink} is 64-bit and precedes {@code st_mode}); {@code _STAT_VER} 1.
     * {@code struct flock}: {@code bits/fcntl.h} with 64-bit {@code off_t}. {@code SYS_futex} 202
     * ({@code asm/unistd_64.h}).
     */
    X86_64(MemoryLayout.structLayout(
            JAVA_LONG.withName("st_dev"),
            JAVA_LONG.withName("st_ino"),
            JAVA_LONG.withName("st_nlink"),
            JAVA_INT.withName("st_mode"),
            JAVA_INT.withName("st_uid"),
            JAVA_INT.withName("st_gid"),
            JAVA_INT.withName("__pad0"),
            JAVA_LONG.withName("st_rdev"),
            JAVA_LONG.withName("st_size"),
            JAVA_LONG.withName("st_blksize"),
            JAVA_LONG.withName("st_blocks"),
            timespec("st_atim"),
            timespec("st_mtim"),
            timespec("st_ctim"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("__glibc_reserved")
    ).withName("stat"), 1, 202),

    /**
     * aarch64. {@code struct stat}: glibc {@code sysdeps/unix/sysv/linux/generic/bits/struct_stat.h} (the
     * asm-generic layout: 32-bit {@code st_mode} then 32-bit {@code st_nlink}); {@code _STAT_VER} 0.
     * {@code struct flock}: the generic one, the same as x86_64's. {@code SYS_futex} 98
     * ({@code asm-generic/unistd.h}).
     */
    AARCH64(MemoryLayout.structLayout(
            JAVA_LONG.withName("st_dev"),
            JAVA_LONG.withName("st_ino"),
            JAVA_INT.withName("st_mode"),
            JAVA_INT.withName("st_nlink"),
            JAVA_INT.withName("st_uid"),
            JAVA_INT.withName("st_gid"),
            JAVA_LONG.withName("st_rdev"),
            JAVA_LONG.withName("__pad1"),
            JAVA_LONG.withName("st_size"),
            JAVA_INT.withName("st_blksize"),
            JAVA_INT.withName("__pad2"),
            JAVA_LONG.withName("st_blocks"),
            timespec("st_atim"),
            timespec("st_mtim"),
            timespec("st_ctim"),
            MemoryLayout.sequenceLayout(2, JAVA_INT).withName("__glibc_reserved")
    ).withName("stat"), 0, 98);

    /**
     * {@code struct flock { short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid; }} on
     * LP64 Linux (x86_64 and aarch64 alike). OFD locks require {@code l_pid == 0}.
     */
    public static final StructLayout FLOCK = MemoryLayout.structLayout(
            JAVA_SHORT.withName("l_type"),
            JAVA_SHORT.withName("l_whence"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("l_start"),
            JAVA_LONG.withName("l_len"),
            JAVA_INT.withName("l_pid"),
            MemoryLayout.paddingLayout(4)
    ).withName("flock");

    /** {@code struct timespec { time_t tv_sec; long tv_nsec; }}, 16 bytes on both architectures. */
    private static StructLayout timespec(String name) {
        return MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec")).withName(name);
    }

    /** {@code struct timespec}, the relative timeout of {@code FUTEX_WAIT}. */
    public static final StructLayout TIMESPEC = timespec("timespec");

    static final VarHandle TV_SEC = TIMESPEC.varHandle(groupElement("tv_sec"));
    static final VarHandle TV_NSEC = TIMESPEC.varHandle(groupElement("tv_nsec"));

    static final VarHandle L_TYPE = FLOCK.varHandle(groupElement("l_type"));
    static final VarHandle L_WHENCE = FLOCK.varHandle(groupElement("l_whence"));
    static final VarHandle L_START = FLOCK.varHandle(groupElement("l_start"));
    static final VarHandle L_LEN = FLOCK.varHandle(groupElement("l_len"));
    static final VarHandle L_PID = FLOCK.varHandle(groupElement("l_pid"));

    /** @return a {@code struct flock} for an open-file-description lock of type {@code type} on one byte */
    static MemorySegment flock(SegmentAllocator allocator, short type, long byteOffset) {
        MemorySegment lock = allocator.allocate(FLOCK);
        L_TYPE.set(lock, 0L, type);
        L_WHENCE.set(lock, 0L, LibC.SEEK_SET);
        L_START.set(lock, 0L, byteOffset);
        L_LEN.set(lock, 0L, 1L);
        L_PID.set(lock, 0L, 0); // required by F_OFD_*
        return lock;
    }

    /** @return a {@code struct timespec} holding {@code nanos} */
    static MemorySegment timeout(SegmentAllocator allocator, long nanos) {
        MemorySegment t = allocator.allocate(TIMESPEC);
        TV_SEC.set(t, 0L, nanos / 1_000_000_000L);
        TV_NSEC.set(t, 0L, nanos % 1_000_000_000L);
        return t;
    }

    private final StructLayout stat;
    private final int statVer;
    private final long sysFutex;
    final VarHandle stDev;
    final VarHandle stIno;
    final VarHandle stNlink;
    final VarHandle stMode;
    final VarHandle stUid;
    final VarHandle stSize;

    LinuxStructs(StructLayout stat, int statVer, long sysFutex) {
        this.stat = stat;
        this.statVer = statVer;
        this.sysFutex = sysFutex;
        this.stDev = stat.varHandle(groupElement("st_dev"));
        this.stIno = stat.varHandle(groupElement("st_ino"));
        this.stNlink = stat.varHandle(groupElement("st_nlink"));
        this.stMode = stat.varHandle(groupElement("st_mode"));
        this.stUid = stat.varHandle(groupElement("st_uid"));
        this.stSize = stat.varHandle(groupElement("st_size"));
    }

    /** @return this architecture's {@code struct stat} */
    public StructLayout stat() {
        return stat;
    }

    /** @return {@code _STAT_VER} for {@code __fxstat}, used only on glibc older than 2.33 */
    public int _STAT_VER() {
        return statVer;
    }

    /** @return {@code SYS_futex}, the system call number of {@code futex(2)} on this architecture */
    public long SYS_futex() {
        return sysFutex;
    }

    /** @return the layouts for {@code os.arch}, or null when panama-shm has none for it */
    public static LinuxStructs of(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> null;
        };
    }

    /** @return the layouts for the running JVM's architecture */
    public static LinuxStructs current() {
        LinuxStructs s = of(System.getProperty("os.arch"));
        if (s == null) {
            throw new UnsupportedOperationException("no struct stat layout for " + System.getProperty("os.arch"));
        }
        return s;
    }
}
