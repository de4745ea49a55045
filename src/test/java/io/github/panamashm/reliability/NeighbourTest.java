package io.github.panamashm.reliability;

import io.github.panamashm.testing.TestNames;
import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.Children;
import io.github.panamashm.testing.Figures;
import io.github.panamashm.testing.OtherUserClassPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile or careless neighbours in /dev/shm: objects of another user or with group/other bits, objects of
 * another size, and a tmpfs too full to back a block. Each must give a clear error when attaching, leave
 * the neighbour's object alone, and never crash the JVM.
 */
@EnabledOnOs(OS.LINUX)
class NeighbourTest {
    private static final String TOKEN = "rel2-nb-" + UUID.randomUUID();
    private static final int NOBODY = 65534;
    private static final AtomicLong PROCESSES = new AtomicLong();
    private static final AtomicLong OPERATIONS = new AtomicLong();
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final List<String> NOTES = new ArrayList<>();

    private final List<Path> planted = new ArrayList<>();

    private static String name(String tag) {
        return TOKEN + "-" + tag;
    }

    /** Creates /dev/shm/NAME as a neighbour would: {@code bytes} bytes with {@code perms}. */
    private Path plant(String name, int bytes, String perms) throws IOException {
        Path p = TestNames.shmFile(name);
        Files.createFile(p);
        planted.add(p);
        Files.write(p, new byte[bytes]);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        return p;
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void chownNobody(Path p) throws IOException {
        UserPrincipal nobody = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(p, nobody);
        assertEquals(NOBODY, (int) Files.getAttribute(p, "unix:uid"));
    }

    private static SharedMemoryException refused(ThrowingRunnable r) {
        OPERATIONS.incrementAndGet();
        INPUTS.incrementAndGet();
        return assertThrows(SharedMemoryException.class, r::run);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @AfterEach
    void removePlanted() throws IOException {
        for (Path p : planted) {
            Files.deleteIfExists(p);
        }
    }

    @AfterAll
    static void figures() {
        TestNames.assertNothingLeft(TOKEN);
        Figures.report(new Figures.Row("neighbours", PROCESSES.get(), 1, OPERATIONS.get(), 0, INPUTS.get(), 0,
                String.join("; ", NOTES)));
    }

    // ---- permissions ----

    @Test
    @DisplayName("an existing object with group or other permission bits is refused, with its mode in the message, and left alone")
    void objectWithGroupOrOtherBitsIsRefused() throws Exception {
        for (String perms : new String[]{"rw-r--r--", "rw-rw----", "rw-----w-", "rw----r--"}) {
            String name = name("mode-" + perms.replace('-', '_'));
            Path p = plant(name, 0, perms);
            SharedMemoryException e = refused(() -> SharedMemory.openOrCreate(name, 4096));
            String octal = String.format("%04o", modeOf(p));
            assertTrue(e.getMessage().contains("has mode " + octal + ": group or others may open it"), e.getMessage());
            assertEquals("openOrCreate", e.call());
            assertEquals("/" + name, e.object());
            SharedMemoryException e2 = refused(() -> SharedMemory.openExisting(name));
            assertTrue(e2.getMessage().contains("has mode " + octal), e2.getMessage());
            assertEquals(0, Files.size(p), "the neighbour's object was not resized");
            assertEquals(PosixFilePermissions.fromString(perms), Files.getPosixFilePermissions(p), "nor chmodded");
        }
    }

    @Test
    @DisplayName("a block whose mode a neighbour widened while it is attached is refused to the next attacher; the holder keeps working")
    void liveBlockWithWidenedModeIsRefused() throws Exception {
        String name = name("widened");
        try (SharedString holder = SharedString.open(name)) {
            OPERATIONS.incrementAndGet();
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(TestNames.shmFile(name)), "a private block is created 0600");
            Files.setPosixFilePermissions(TestNames.shmFile(name), PosixFilePermissions.fromString("rw-rw-rw-"));
            SharedMemoryException e = refused(() -> SharedString.open(name));
            assertTrue(e.getMessage().contains("has mode 0666"), e.getMessage());
            holder.set("still mine");
            assertEquals("still mine", holder.get());
        }
        assertFalse(Files.exists(TestNames.shmFile(name)));
    }

    @Test
    @DisplayName("an existing object owned by another user is refused even though root could open it")
    void objectOfAnotherUserIsRefused() throws Exception {
        Assumptions.assumeTrue(root(), "skipped: changing an object's owner needs root (running as "
                + System.getProperty("user.name") + ")");
        String name = name("nobody");
        Path p = plant(name, 0, "rw-------");
        chownNobody(p);
        SharedMemoryException e = refused(() -> SharedMemory.openOrCreate(name, 4096));
        assertTrue(e.getMessage().contains("the object belongs to uid " + NOBODY + ", not to this process's uid 0"),
                e.getMessage());
        assertTrue(e.getMessage().contains("pass a SharedMemory.Option"), "the message says how to share on purpose");
        refused(() -> SharedMemory.openExisting(name));
        assertEquals(0, Files.size(p));
        assertEquals(NOBODY, (int) Files.getAttribute(p, "unix:uid"));
    }

    // ---- the opt-in ----

    @Test
    @DisplayName("SHARE_WITH_GROUP creates mode 0660 exactly, whatever the umask, and a private attach refuses that block")
    void shareWithGroupCreates0660() throws Exception {
        String name = name("group");
        try (SharedMemory m = SharedMemory.openOrCreate(name, 4096, SharedMemory.Option.SHARE_WITH_GROUP)) {
            OPERATIONS.incrementAndGet();
            assertTrue(m.created());
            assertEquals(0660, modeOf(TestNames.shmFile(name)), "umask " + umask() + " did not narrow the mode");
            try (SharedMemory again = SharedMemory.openExisting(name, SharedMemory.Option.SHARE_WITH_GROUP)) {
                OPERATIONS.incrementAndGet();
                assertFalse(again.created());
            }
            SharedMemoryException e = refused(() -> SharedMemory.openOrCreate(name, 4096));
            assertTrue(e.getMessage().contains("has mode 0660"), e.getMessage());
        }
        assertFalse(Files.exists(TestNames.shmFile(name)));
        NOTES.add("umask " + umask());
    }

    @Test
    @DisplayName("a sharing option accepts another user's object within its mode and refuses one with bits outside it")
    void sharingOptionAcceptsOtherUsersWithinItsMode() throws Exception {
        Assumptions.assumeTrue(root(), "skipped: changing an object's owner needs root");
        String name = name("shared-nobody");
        Path p = plant(name, 0, "rw-rw-rw-");
        chownNobody(p);
        SharedMemoryException e = refused(() -> SharedMemory.openOrCreate(name, 4096, SharedMemory.Option.SHARE_WITH_GROUP));
        assertTrue(e.getMessage().contains("has mode 0666, which grants more than the 0660"), e.getMessage());
        try (SharedString s = SharedString.open(name, SharedMemory.Option.SHARE_WITH_EVERYONE)) {
            OPERATIONS.incrementAndGet();
            assertTrue(s.created(), "nobody was attached: the stale object is reset");
            s.set("shared");
            assertEquals("shared", s.get());
            assertEquals(NOBODY, (int) Files.getAttribute(p, "unix:uid"), "the owner is kept");
        }
        assertFalse(Files.exists(p), "root may unlink another user's object: the last detach removed it");
    }

    @Test
    @DisplayName("a non-root process shares a block across users with SHARE_WITH_EVERYONE, is refused without it, and frees it when last out")
    void anotherUserSharesTheBlockOnPurpose() throws Exception {
        Assumptions.assumeTrue(root(), "skipped: starting a process as another user needs root");
        Path setpriv = Path.of("/usr/bin/setpriv");
        Assumptions.assumeTrue(Files.isExecutable(setpriv), "skipped: no /usr/bin/setpriv to run a child as nobody");
        String name = name("cross");
        // The child cannot read this build's target/ when the checkout sits in a 0700 directory: it gets a copy.
        try (OtherUserClassPath copy = OtherUserClassPath.of(CrossUserPeer.class)) {
            String unreadable = copy.unreadableBecause();
            Assumptions.assumeTrue(unreadable == null, () -> "skipped: uid " + NOBODY + " could not load the"
                    + " classes: " + unreadable);
            sharesAcrossUsers(setpriv, copy.classPath(), name);
        }
        NOTES.add("cross-user child as uid 65534 via setpriv");
    }

    private void sharesAcrossUsers(Path setpriv, String classPath, String name) throws IOException {
        try (SharedString mine = SharedString.open(name, SharedMemory.Option.SHARE_WITH_EVERYONE)) {
            mine.set("from root");
            try (ChildJvm refused = asNobody(setpriv, classPath, "private", name)) {
                PROCESSES.incrementAndGet();
                String line = refused.readLine();
                Assumptions.assumeFalse(line.startsWith("setpriv:"), "skipped: " + line);
                assertTrue(line.startsWith("refused ") && line.contains("belongs to uid 0"), line + refused.transcript());
                assertEquals(0, refused.waitFor());
            }
            try (ChildJvm peer = asNobody(setpriv, classPath, "share", name)) {
                PROCESSES.incrementAndGet();
                assertEquals("attached created=false text=from root", peer.readLine(), peer.transcript());
                peer.send("from nobody");
                assertEquals("set", peer.readLine());
                assertEquals("from nobody", mine.get());
                mine.close(); // the nobody process is now the last one attached
                peer.closeStdin();
                assertEquals("closed", peer.readLine(), peer.transcript());
                assertEquals(0, peer.waitFor(), peer.transcript());
                OPERATIONS.addAndGet(6);
            }
        }
        Path p = TestNames.shmFile(name);
        assertTrue(Files.exists(p), "nobody may not unlink root's object in the sticky /dev/shm");
        assertEquals(0, Files.size(p), "so the last detach emptied it: no text outlives the block");
        try (SharedString next = SharedString.open(name, SharedMemory.Option.SHARE_WITH_EVERYONE)) {
            OPERATIONS.incrementAndGet();
            assertTrue(next.created(), "the next attacher finds the emptied object free and resets it");
            assertEquals("", next.get());
        }
        assertFalse(Files.exists(p));
    }

    private static ChildJvm asNobody(Path setpriv, String classPath, String... args) {
        List<String> cmd = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", ChildJvm.javaLauncher().toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData", "-cp", classPath,
                CrossUserPeer.class.getName()));
        cmd.addAll(List.of(args));
        return ChildJvm.start(cmd);
    }

    // ---- sizes ----

    @Test
    @DisplayName("a stale 100-byte object is refused by openOrCreate(4096) with its size in the message, not mapped past its end")
    void staleSmallerObjectIsRefused() throws Exception {
        String name = name("stale100");
        Path p = plant(name, 100, "rw-------");
        Files.write(p, "neighbour's bytes".getBytes());
        byte[] before = Files.readAllBytes(p);
        SharedMemoryException e = refused(() -> SharedMemory.openOrCreate(name, 4096));
        assertTrue(e.getMessage().contains("an object of 17 bytes exists with no process attached, not a block of 4096 bytes"),
                e.getMessage());
        assertTrue(e.getMessage().contains("remove /dev/shm/" + name), "the message says what to do");
        refused(() -> SharedString.open(name));
        OPERATIONS.incrementAndGet();
        assertThrows(NoSuchSharedMemoryException.class, () -> SharedMemory.openExisting(name),
                "nobody is attached to it");
        assertArrayEquals(before, Files.readAllBytes(p), "the neighbour's object is untouched");
    }

    @Test
    @DisplayName("a larger stale object is refused too: a reset never truncates someone else's data")
    void staleLargerObjectIsRefused() throws Exception {
        String name = name("stale8192");
        plant(name, 8192, "rw-------");
        SharedMemoryException e = refused(() -> SharedMemory.openOrCreate(name, 4096));
        assertTrue(e.getMessage().contains("an object of 8192 bytes exists"), e.getMessage());
        assertEquals(8192, Files.size(TestNames.shmFile(name)));
    }

    @Test
    @DisplayName("while a 100-byte block is held, openOrCreate(4096) is refused; openExisting maps 100 bytes; the holder is unharmed")
    void liveSmallerBlockIsRefused() throws Exception {
        String name = name("live100");
        try (SharedMemory holder = SharedMemory.openOrCreate(name, 100)) {
            OPERATIONS.incrementAndGet();
            holder.segment().set(ValueLayout.JAVA_BYTE, 99, (byte) 7);
            SharedMemoryException e = refused(() -> SharedMemory.openOrCreate(name, 4096));
            assertTrue(e.getMessage().contains("the block has 100 bytes, fewer than the 4096 asked for"), e.getMessage());
            refused(() -> SharedString.open(name));
            try (SharedMemory existing = SharedMemory.openExisting(name)) {
                OPERATIONS.incrementAndGet();
                assertEquals(100, existing.byteSize());
                assertEquals(7, existing.segment().get(ValueLayout.JAVA_BYTE, 99));
                assertThrows(IndexOutOfBoundsException.class, () -> existing.segment().get(ValueLayout.JAVA_BYTE, 100));
            }
            try (SharedMemory smaller = SharedMemory.openOrCreate(name, 50)) {
                OPERATIONS.incrementAndGet();
                assertEquals(50, smaller.byteSize(), "a smaller view of a larger block is safe");
            }
            assertEquals(7, holder.segment().get(ValueLayout.JAVA_BYTE, 99));
        }
        TestNames.assertNothingLeft(name);
    }

    // ---- a neighbour unlinking a live block ----

    @Test
    @DisplayName("a holder whose object was unlinked behind its back, its name since reused by a new block, leaves that new block alone when it closes")
    void unlinkedHolderLeavesTheReusedNameAlone() throws Exception {
        String name = name("unlinked");
        SharedString old = SharedString.open(name);
        old.set("old");
        Files.delete(TestNames.shmFile(name)); // a neighbour (or a careless rm) unlinks the live block
        try (SharedString renewed = SharedString.open(name)) {
            OPERATIONS.addAndGet(2);
            assertTrue(renewed.created(), "a new block under the same name");
            renewed.set("new");
            old.close(); // the last holder of the unlinked object: it must not unlink the new one
            assertTrue(Files.exists(TestNames.shmFile(name)), "the new block's object is still there");
            try (SharedString third = SharedString.open(name)) {
                assertFalse(third.created());
                assertEquals("new", third.get());
            }
        }
        TestNames.assertNothingLeft(name);
        INPUTS.incrementAndGet();
    }

    @Test
    @DisplayName("an empty object a peer is attached to (created, not yet sized) is grown to the size asked for, not reset")
    void liveEmptyObjectIsGrown() throws Exception {
        String name = name("unsized");
        try (MutexHolder peer = MutexHolder.attachedUnsized(name)) {
            assertEquals(0, Files.size(TestNames.shmFile(name)));
            try (SharedMemory m = SharedMemory.openOrCreate(name, 4096)) {
                OPERATIONS.incrementAndGet();
                assertFalse(m.created(), "a peer is attached: nothing to reset");
                assertEquals(4096, Files.size(TestNames.shmFile(name)), "grown to the size asked for");
                m.segment().set(ValueLayout.JAVA_BYTE, 4095, (byte) 1);
            }
            assertTrue(Files.exists(TestNames.shmFile(name)), "the peer is still attached");
        }
        try (SharedMemory next = SharedMemory.openOrCreate(name, 4096)) {
            assertTrue(next.created(), "the peer left without detaching: the next attacher resets");
            assertEquals(0, next.segment().get(ValueLayout.JAVA_BYTE, 4095));
        }
        TestNames.assertNothingLeft(name);
        INPUTS.incrementAndGet();
    }

    // ---- a neighbour truncating a live block ----

    @Test
    @DisplayName("a neighbour truncating a live block makes each access throw InternalError, never crash the JVM; close still frees it")
    void truncatedLiveBlockThrowsInternalErrorWithoutCrash() throws Exception {
        String name = name("truncated");
        try (ChildJvm child = Children.start(ReliabilityChild.class, "truncated", name)) {
            PROCESSES.incrementAndGet();
            assertEquals("open", child.readLine(), child.transcript());
            try (FileChannel object = FileChannel.open(TestNames.shmFile(name), StandardOpenOption.WRITE)) {
                object.truncate(0); // what any process with write access may do
            }
            child.send("go");
            for (String access : new String[]{"get", "set", "segment"}) {
                assertEquals("threw java.lang.InternalError", child.readLine(), access + ": " + child.transcript());
            }
            assertEquals("closed", child.readLine(), child.transcript());
            assertEquals(0, child.waitFor(), child.transcript());
            assertFalse(Children.crashed(child.process().pid()), "no hs_err: the child JVM did not crash");
            OPERATIONS.addAndGet(5);
            INPUTS.incrementAndGet();
        }
        TestNames.assertNothingLeft(name);
        NOTES.add("a live block truncated to 0 bytes");
    }

    // ---- a full tmpfs ----

    @Test
    @DisplayName("on a 64 KiB tmpfs a block that cannot be backed is refused at attach with posix_fallocate ENOSPC, never a SIGBUS later")
    void blockThatCannotBeBackedIsRefusedAtAttach() throws Exception {
        Path unshare = Path.of("/usr/bin/unshare");
        Assumptions.assumeTrue(Files.isExecutable(unshare), "skipped: no /usr/bin/unshare for a private /dev/shm");
        String name = name("tmpfs");
        List<String> java = Children.java(List.of(), TmpfsChild.class, name);
        String script = "mount -t tmpfs -o size=64k tmpfs /dev/shm || { echo cannot-mount; exit 0; }; exec \"$@\"";
        List<String> cmd = new ArrayList<>(List.of(unshare.toString(), "-m", "--propagation", "private", "sh", "-c", script, "sh"));
        cmd.addAll(java);
        try (ChildJvm child = ChildJvm.start(cmd)) {
            PROCESSES.incrementAndGet();
            String first = child.readLine();
            Assumptions.assumeFalse(first.equals("cannot-mount") || first.startsWith("unshare:"),
                    () -> "skipped: this machine does not allow a private tmpfs on /dev/shm: " + child.transcript());
            assertEquals("tmpfs 65536", first, child.transcript());
            String big = child.readLine();
            assertTrue(big.startsWith("big refused posix_fallocate(\"/" + name + "-big\") failed: ENOSPC"), big + "\n" + child.transcript());
            assertEquals("left []", child.readLine(), "the failed creation removed its object");
            assertEquals("a filled 40960", child.readLine());
            String b = child.readLine();
            assertTrue(b.startsWith("b refused posix_fallocate(\"/" + name + "-b\") failed: ENOSPC"), b);
            assertEquals("a still intact", child.readLine());
            assertEquals("b after a attached and filled 40960", child.readLine(), "freeing a gave its space back");
            assertEquals("left []", child.readLine());
            int exit = child.waitFor();
            assertEquals(0, exit, child.transcript());
            assertFalse(Children.crashed(child.process().pid()), "no hs_err: the child JVM did not crash");
            OPERATIONS.addAndGet(5);
            INPUTS.addAndGet(3);
        }
        TestNames.assertNothingLeft(TOKEN);
        NOTES.add("64 KiB tmpfs mounted in a private namespace (unshare -m)");
    }

    private static int modeOf(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode") & 07777;
    }

    private static String umask() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Umask:"))
                    .map(l -> l.substring(6).strip()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
