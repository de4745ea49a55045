package io.github.panamashm.bench;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * glibc through JNA's direct mapping (its fastest binding style), x86_64 layouts: what a Java program did
 * before FFM. {@link #attach}/{@link #detach} are the same lifetime protocol as LinuxBackend and bench/shm_c.c.
 */
final class JnaLibC {
    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static final int O_RDWR = 02, O_CREAT = 0100;
    static final int F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
    static final short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;

    static native int shm_open(String name, int oflag, int mode);

    static native int shm_unlink(String name);

    // int fcntl(int, int, ...): on x86_64 a pointer third argument is passed the same way variadic or not.
    static native int fcntl(int fd, int cmd, Pointer lock);

    static native int fstat(int fd, Pointer statbuf);

    static native int ftruncate(int fd, long length);

    static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    static native int munmap(Pointer addr, long length);

    static native int close(int fd);

    static native int geteuid();

    private JnaLibC() {
    }

    /** An attached block: the descriptor and the mapping. */
    record Block(int fd, Pointer address, boolean created) {
    }

    // struct flock on x86_64: l_type@0 (short), l_whence@2, l_start@8, l_len@16, l_pid@24; 32 bytes.
    private static int lock(int fd, int cmd, short type, long start, Memory flock) {
        flock.setShort(0, type);
        flock.setShort(2, (short) 0);
        flock.setLong(8, start);
        flock.setLong(16, 1);
        flock.setInt(24, 0);
        return fcntl(fd, cmd, flock);
    }

    // struct stat on x86_64: st_nlink@16 (8), st_mode@24, st_uid@28, st_size@48; 144 bytes.
    static Block attach(String object, long size) {
        Memory flock = new Memory(32);
        Memory stat = new Memory(144);
        while (true) {
            int fd = shm_open(object, O_RDWR | O_CREAT, 0600);
            if (fd < 0) {
                throw new IllegalStateException("shm_open " + object);
            }
            if (lock(fd, F_OFD_SETLKW, F_WRLCK, 1, flock) != 0 || fstat(fd, stat) != 0) {
                throw new IllegalStateException("lock/fstat " + object);
            }
            if (stat.getLong(16) == 0) {
                close(fd);
                continue;
            }
            if (stat.getInt(28) != geteuid() || (stat.getInt(24) & 077) != 0) {
                throw new IllegalStateException("not ours: " + object);
            }
            boolean created = lock(fd, F_OFD_SETLK, F_WRLCK, 0, flock) == 0;
            if (created) {
                ftruncate(fd, 0);
                ftruncate(fd, size);
            } else if (stat.getLong(48) == 0) {
                ftruncate(fd, size);
            }
            if (lock(fd, F_OFD_SETLK, F_RDLCK, 0, flock) != 0) {
                throw new IllegalStateException("read lock " + object);
            }
            Pointer address = mmap(null, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (Pointer.nativeValue(address) == -1L) {
                throw new IllegalStateException("mmap " + object);
            }
            lock(fd, F_OFD_SETLK, F_UNLCK, 1, flock);
            return new Block(fd, address, created);
        }
    }

    static void detach(String object, Block block, long size) {
        Memory flock = new Memory(32);
        Memory stat = new Memory(144);
        munmap(block.address(), size);
        lock(block.fd(), F_OFD_SETLKW, F_WRLCK, 1, flock);
        if (fstat(block.fd(), stat) == 0 && stat.getLong(16) > 0
                && lock(block.fd(), F_OFD_SETLK, F_WRLCK, 0, flock) == 0) {
            shm_unlink(object);
        }
        close(block.fd());
    }
}
