package io.github.panamashm.reliability;

import io.github.panamashm.internal.linux.LibC;
import io.github.panamashm.internal.linux.LinuxStructs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * A peer that takes a block's attach/detach lock (byte 1) and keeps it, as a peer stopped by
 * {@code kill -STOP}, a debugger or a bug would: through its own descriptor of {@code "/" + name} (creating
 * the object, empty, if absent), so it excludes every attacher, this JVM's included.
 *
 * <p>In a test, {@code try (MutexHolder h = MutexHolder.hold(name)) {...}}; closing it closes the descriptor,
 * which drops the lock and leaves the object as a crashed peer would. As a child JVM's main
 * ({@code MutexHolder NAME}) it prints {@code holding PID} once it holds the lock and lets go when its
 * standard input closes.
 */
public final class MutexHolder implements AutoCloseable {
    private static final VarHandle L_TYPE = LinuxStructs.FLOCK.varHandle(groupElement("l_type"));
    private static final VarHandle L_START = LinuxStructs.FLOCK.varHandle(groupElement("l_start"));
    private static final VarHandle L_LEN = LinuxStructs.FLOCK.varHandle(groupElement("l_len"));

    private final int fd;
    private boolean closed;

    private MutexHolder(int fd) {
        this.fd = fd;
    }

    /** Opens {@code "/" + name} and write-locks its byte 1 without waiting; fails if anyone holds it. */
    public static MutexHolder hold(String name) throws IOException {
        return lock(name, LibC.F_WRLCK, 1);
    }

    /**
     * Opens {@code "/" + name} and read-locks its byte 0: a peer attached to the object, as one that created
     * it and has not sized it yet would be.
     */
    public static MutexHolder attachedUnsized(String name) throws IOException {
        return lock(name, LibC.F_RDLCK, 0);
    }

    private static MutexHolder lock(String name, short type, long at) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(LibC.ERRNO_STATE_LAYOUT);
            int fd = LibC.shm_open(errno, arena.allocateFrom("/" + name), LibC.O_RDWR | LibC.O_CREAT, 0600);
            if (fd < 0) {
                throw new IOException("shm_open failed: errno " + LibC.errno(errno));
            }
            MemorySegment lock = arena.allocate(LinuxStructs.FLOCK);
            L_TYPE.set(lock, 0L, type);
            L_START.set(lock, 0L, at);
            L_LEN.set(lock, 0L, 1L);
            if (LibC.fcntl(errno, fd, LibC.F_OFD_SETLK, lock) != 0) {
                int e = LibC.errno(errno);
                LibC.close(errno, fd);
                throw new IOException("byte " + at + " is taken: errno " + e);
            }
            return new MutexHolder(fd);
        }
    }

    /**
     * Lets go: closes the descriptor, which drops the lock. Idempotent: closing the number twice could close
     * a descriptor the process has opened since under the same number.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try (Arena arena = Arena.ofConfined()) {
                LibC.close(arena.allocate(LibC.ERRNO_STATE_LAYOUT), fd);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        try (MutexHolder ignored = hold(args[0])) {
            System.out.println("holding " + ProcessHandle.current().pid());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // hold until the parent closes our stdin
            }
        }
    }
}
