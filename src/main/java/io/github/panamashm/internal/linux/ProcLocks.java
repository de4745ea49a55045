package io.github.panamashm.internal.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which processes hold a lock on a byte of a file, from {@code /proc}, for the message of a wait that gave up.
 *
 * <p>{@code /proc/locks} lists every lock with its device and inode, but shows an open-file-description lock's
 * pid as -1 (the lock belongs to an open file, which any number of processes may share). So for those this
 * looks further, at the {@code lock:} lines of {@code /proc/PID/fdinfo/FD}, which list the locks held through
 * that descriptor (proc(5)). Only the processes this one may read are seen. Nothing here throws, not even
 * when the JDK cannot load its file code's native library for want of a descriptor: it is only ever asked on
 * the way to another error.
 */
final class ProcLocks {
    private static final Path PROC = Path.of("/proc");

    private ProcLocks() {
    }

    /**
     * @param stDev the file's {@code st_dev}
     * @param stIno the file's {@code st_ino}
     * @param at    the byte
     * @return the holders of a write lock on byte {@code at}, e.g. {@code "pid 4711 (java)"}; empty when
     *         {@code /proc} shows none this process can see
     */
    static List<String> writeLockHolders(long stDev, long stIno, long at) {
        List<String> holders = new ArrayList<>();
        try {
            // glibc's gnu_dev_major/minor for st_dev; /proc/locks prints MAJ:MIN:INODE, hex, hex, decimal.
            long major = (stDev >>> 8 & 0xfff) | (stDev >>> 32 & ~0xfffL);
            long minor = (stDev & 0xff) | (stDev >>> 12 & ~0xffL);
            String file = String.format("%02x:%02x:%d", major, minor, stIno);
            boolean openFileLock = false;
            for (String line : Files.readAllLines(PROC.resolve("locks"), StandardCharsets.UTF_8)) {
                long pid = holder(line, file, at);
                if (pid > 0) {
                    holders.add(describe(pid));
                } else if (pid == -1) {
                    openFileLock = true;
                }
            }
            if (openFileLock) {
                holders.addAll(openFileLockHolders(file, at));
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // what was found so far, or nothing
        }
        return holders;
    }

    /**
     * @return the pid field of a line of /proc/locks (or of a {@code lock:} line of fdinfo) that is a granted
     *         write lock on byte {@code at} of {@code file}: -1 for an open-file-description lock; 0 when the
     *         line is not one
     */
    static long holder(String line, String file, long at) {
        // "1: OFDLCK ADVISORY  WRITE -1 00:1b:1572 1 1": number, class, mode, type, pid, file, first and last
        // byte ("EOF" for a lock to the end). A waiter's line has "->" after the number, so one field more.
        String[] f = line.trim().split("\\s+");
        int i = f.length > 0 && f[0].equals("lock:") ? 1 : 0;
        if (f.length != i + 8 || !f[i + 3].equals("WRITE") || !f[i + 5].equals(file)) {
            return 0;
        }
        String last = f[i + 7];
        if (at < Long.parseLong(f[i + 6]) || !last.equals("EOF") && at > Long.parseLong(last)) {
            return 0;
        }
        long pid = Long.parseLong(f[i + 4]);
        return pid == -1 ? -1 : Math.max(pid, 0);
    }

    private static List<String> openFileLockHolders(String file, long at) {
        List<String> holders = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path process : processes) {
                if (holdsThroughAnyDescriptor(process.resolve("fdinfo"), file, at)) {
                    holders.add(describe(Long.parseLong(process.getFileName().toString())));
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // what was found so far
        }
        return holders;
    }

    private static boolean holdsThroughAnyDescriptor(Path fdinfo, String file, long at) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(fdinfo)) {
            for (Path fd : descriptors) {
                for (String line : Files.readAllLines(fd, StandardCharsets.UTF_8)) {
                    if (line.startsWith("lock:") && holder(line, file, at) != 0) {
                        return true;
                    }
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // another user's process, or one that ended meanwhile
        }
        return false;
    }

    private static String describe(long pid) {
        try {
            return "pid " + pid + " (" + Files.readString(PROC.resolve(pid + "/comm"), StandardCharsets.UTF_8).strip() + ")";
        } catch (IOException | RuntimeException | LinkageError e) {
            return "pid " + pid;
        }
    }
}
