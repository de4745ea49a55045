package io.github.panamashm.reliability;

import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.SharedString;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files in /dev/shm that are not blocks: a FIFO, a socket, a directory, a device node, a symbolic link, and a
 * live glibc semaphore. Every attach refuses them with an error that says what they are (with shm_open's
 * error when it failed: EINVAL for a directory, ENXIO for a socket, ELOOP for a link), and leaves them as they
 * were: same type, same inode, same contents, never truncated, chmodded or unlinked.
 */
@EnabledOnOs(OS.LINUX)
class ForeignObjectTest {
    private final List<Path> planted = new ArrayList<>();

    @AfterEach
    void removePlanted() throws IOException {
        for (Path p : planted) {
            Files.deleteIfExists(p);
        }
    }

    private Path path(String name) {
        Path p = TestNames.shmFile(name);
        planted.add(p);
        return p;
    }

    /** Every entry point refuses {@code name} naming {@code kind}; the file keeps its type and inode. */
    private static void refusedAndUntouched(String name, String kind) throws IOException {
        Path p = TestNames.shmFile(name);
        Object inode = Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        int mode = (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        for (Attach attach : new Attach[]{
                () -> SharedMemory.openOrCreate(name, 4096).close(),
                () -> SharedMemory.openExisting(name).close(),
                () -> SharedString.open(name).close()}) {
            SharedMemoryException e = assertThrows(SharedMemoryException.class, attach::run);
            assertTrue(e.getMessage().contains(p + " is " + kind + ", not a shared memory block, and was left alone"),
                    e.getMessage());
            assertEquals("/" + name, e.object());
            assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " was removed");
            assertEquals(inode, Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS), "the same file");
            assertEquals(mode, (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS), "nor chmodded");
        }
    }

    interface Attach {
        void run() throws Exception;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        Assumptions.assumeTrue(p.exitValue() == 0, () -> "skipped: " + String.join(" ", command) + " failed: " + out);
    }

    @Test
    @DisplayName("a FIFO with the block's name is refused as a FIFO, never truncated or unlinked")
    void fifoIsRefusedAndLeftAlone() throws Exception {
        String name = TestNames.unique("rel2-fifo");
        run("mkfifo", "-m", "600", path(name).toString());
        refusedAndUntouched(name, "a FIFO");
    }

    @Test
    @DisplayName("a character device node with the block's name is refused as a device and left alone")
    void characterDeviceIsRefusedAndLeftAlone() throws Exception {
        String name = TestNames.unique("rel2-chr");
        run("mknod", "-m", "600", path(name).toString(), "c", "1", "3"); // /dev/null's numbers: harmless to open
        refusedAndUntouched(name, "a character device");
    }

    @Test
    @DisplayName("a directory with the block's name is refused as a directory, not as EINVAL")
    void directoryIsRefusedAsADirectory() throws Exception {
        String name = TestNames.unique("rel2-dir");
        Files.createDirectory(path(name));
        refusedAndUntouched(name, "a directory");
    }

    @Test
    @DisplayName("a socket with the block's name is refused as a socket and left alone")
    void socketIsRefusedAsASocket() throws Exception {
        String name = TestNames.unique("rel2-sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path(name)));
            refusedAndUntouched(name, "a socket");
        }
    }

    @Test
    @DisplayName("a symbolic link with the block's name is refused as a link; its target is not touched")
    void symbolicLinkIsRefusedAndItsTargetUntouched() throws Exception {
        String name = TestNames.unique("rel2-link");
        Path target = Files.createTempFile("rel2-target", ".bin");
        try {
            Files.write(target, new byte[4096]);
            Files.createSymbolicLink(path(name), target);
            refusedAndUntouched(name, "a symbolic link");
            assertEquals(4096, Files.size(target));
        } finally {
            Files.delete(target);
        }
    }

    @Test
    @DisplayName("a live glibc semaphore (sem.NAME) is refused before any system call and keeps its value and bytes")
    void liveSemaphoreKeepsItsValue() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle semOpen = linker.downcallHandle(linker.defaultLookup().find("sem_open").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
        MethodHandle semGetvalue = linker.downcallHandle(linker.defaultLookup().find("sem_getvalue").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle semClose = linker.downcallHandle(linker.defaultLookup().find("sem_close").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        String semName = TestNames.unique("rel2-sem");
        String name = "sem." + semName; // where glibc keeps it: /dev/shm/sem.NAME
        try (Arena arena = Arena.ofConfined()) {
            int oCreat = 0100;
            MemorySegment sem = (MemorySegment) semOpen.invokeExact(arena.allocateFrom("/" + semName), oCreat, 0600, 5);
            assertFalse(sem.equals(MemorySegment.NULL) || sem.address() == 0, "sem_open failed");
            path(name);
            byte[] before = Files.readAllBytes(TestNames.shmFile(name));
            for (Attach attach : new Attach[]{
                    () -> SharedMemory.openOrCreate(name, before.length).close(),
                    () -> SharedMemory.openExisting(name).close(),
                    () -> SharedString.open(name).close()}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, attach::run);
                assertTrue(e.getMessage().contains("must not begin with \"sem.\""), e.getMessage());
                assertFalse(e.getMessage().contains("remove"), "no advice to remove a semaphore: " + e.getMessage());
            }
            MemorySegment value = arena.allocate(JAVA_INT);
            assertEquals(0, (int) semGetvalue.invokeExact(sem, value));
            assertEquals(5, value.get(JAVA_INT, 0), "the semaphore keeps its value");
            assertArrayEquals(before, Files.readAllBytes(TestNames.shmFile(name)), "and its bytes");
            assertEquals(0, (int) semClose.invokeExact(sem));
        }
    }
}
