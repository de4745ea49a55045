package io.github.panamashm.internal.linux;

import io.github.panamashm.SharedMemoryException;

import java.lang.foreign.MemorySegment;

/**
 * Turns an errno into the exception message shape {@code call("object") failed: NAME (text)}.
 * Linux numbers them the same on x86_64 and aarch64 ({@code asm-generic/errno-base.h}, {@code errno.h}).
 */
final class Errno {
    private Errno() {
    }

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int ETIMEDOUT = 110;

    private static final String[] NAMES = new String[134];

    static {
        String[] names = {
                "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
                "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
                "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC",
                "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK",
                "ENOSYS", "ENOTEMPTY", "ELOOP"};
        for (int i = 0; i < names.length; i++) {
            NAMES[i + 1] = names[i];
        }
        NAMES[75] = "EOVERFLOW";
        NAMES[95] = "EOPNOTSUPP";
        NAMES[110] = "ETIMEDOUT";
        NAMES[122] = "EDQUOT";
    }

    /** @return the symbolic name of {@code errno}, e.g. {@code EACCES}, or {@code errno N} when unknown */
    static String name(int errno) {
        String n = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return n != null ? n : "errno " + errno;
    }

    /** @return the C library's text for {@code errno} */
    static String text(int errno) {
        MemorySegment s = LibC.strerror(errno);
        return s.equals(MemorySegment.NULL) ? "errno " + errno : s.reinterpret(1024).getString(0);
    }

    static SharedMemoryException exception(String call, String object, int errno) {
        return new SharedMemoryException(call, object, errno, name(errno), text(errno));
    }
}
