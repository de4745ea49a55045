package io.github.panamashm;

import io.github.panamashm.testing.ChildJvm;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.github.panamashm.Child.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A C program that follows docs/protocol.md ({@code src/test/c/shm_peer.c}, compiled here with the command the
 * docs print) shares blocks with Java in both directions: the lifetime rules, the text block's versions,
 * waits and writers' lock, and the example's layout.
 */
@EnabledOnOs(OS.LINUX)
class NativePeerTest {
    private static final String TEXT = "This is a test string from the other side: é 😀";

    @TempDir
    static Path build;
    private static Path peer;

    /** The build command docs/protocol.md prints: the test runs exactly it, with only the output moved. */
    static List<String> documentedBuildCommand() throws IOException {
        String docs = Files.readString(Path.of("docs", "protocol.md"));
        List<String> lines = docs.lines().filter(l -> l.startsWith("gcc ") && l.contains("shm_peer.c")).toList();
        assertEquals(1, lines.size(), "docs/protocol.md prints one gcc line for shm_peer.c: " + lines);
        return List.of(lines.get(0).split(" +"));
    }

    @BeforeAll
    static void compilePeer() throws Exception {
        assumeTrue(findOnPath("gcc") != null, "gcc not found on PATH: skipping the native peer tests (.ci/run installs gcc)");
        peer = build.resolve("shm_peer");
        List<String> command = new ArrayList<>(documentedBuildCommand());
        command.set(command.indexOf("-o") + 1, peer.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "gcc failed:\n" + out);
        assertEquals("", out, "the documented command compiles the peer without a warning");
    }

    private static Path findOnPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static ChildJvm startPeer(String... args) {
        List<String> cmd = new ArrayList<>(List.of(peer.toString()));
        cmd.addAll(List.of(args));
        return ChildJvm.start(cmd);
    }

    @Test
    void aCPeerReadsWhatJavaWrote() throws IOException {
        String name = TestNames.unique("peer-j2c");
        try (SharedString s = SharedString.open(name)) {
            s.set(TEXT);
            try (ChildJvm c = startPeer("get", name)) {
                assertEquals("created=0 version=1 text=" + hex(TEXT), c.readLine());
                assertEquals(0, c.waitFor(), c.transcript());
            }
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    void javaReadsWhatACPeerWroteAndTheCPeerFreesTheBlockAsTheLastToLeave() throws IOException {
        String name = TestNames.unique("peer-c2j");
        try (ChildJvm c = startPeer("set-and-hold", name, hex(TEXT))) {
            assertEquals("stored created=1 version=1", c.readLine());
            try (SharedString s = SharedString.open(name)) {
                assertFalse(s.created());
                assertEquals(new SharedString.Snapshot(TEXT, 1), s.snapshot());
            }
            assertTrue(TestNames.exists(name), "the C peer is still attached");
            c.closeStdin();
            assertEquals(0, c.waitFor(), c.transcript());
        }
        assertFalse(TestNames.exists(name), "the C peer, last to leave, must unlink");
    }

    @Test
    void aKilledCPeerLeavesABlockJavaResets() throws IOException {
        String name = TestNames.unique("peer-kill");
        try (ChildJvm c = startPeer("set-and-hold", name, hex("stale"))) {
            assertEquals("stored created=1 version=1", c.readLine());
            c.kill();
        }
        try (SharedString s = SharedString.open(name)) {
            assertTrue(s.created());
            assertEquals(new SharedString.Snapshot("", 0), s.snapshot());
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    void aCPeerAttachingAfterAJavaJvmDiedStartsAfresh() throws IOException {
        String name = TestNames.unique("peer-jkill");
        try (ChildJvm java = ChildJvm.start(Child.class, "write-and-hold", name, hex("from a dead JVM"))) {
            assertTrue(java.readLine().startsWith("stored"));
            java.kill();
        }
        try (ChildJvm c = startPeer("get", name)) {
            assertEquals("created=1 version=0 text=-", c.readLine());
            assertEquals(0, c.waitFor(), c.transcript());
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    @DisplayName("a set by a C writer wakes Java waiters, platform and virtual, with its text and version")
    void aCWriterWakesJavaWaiters() throws Exception {
        String name = TestNames.unique("sync-c-wakes-java");
        try (SharedString s = SharedString.open(name)) {
            List<FutureTask<SharedString.Snapshot>> waits = new ArrayList<>();
            for (boolean virtual : new boolean[]{false, true}) {
                FutureTask<SharedString.Snapshot> f = new FutureTask<>(() -> s.awaitChange(0, Duration.ofSeconds(60)));
                (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(f);
                waits.add(f);
            }
            try (ChildJvm c = startPeer("set-and-hold", name, hex(TEXT))) {
                assertEquals("stored created=0 version=1", c.readLine());
                for (FutureTask<SharedString.Snapshot> f : waits) {
                    assertEquals(new SharedString.Snapshot(TEXT, 1), f.get(30, TimeUnit.SECONDS));
                }
                c.closeStdin();
                assertEquals(0, c.waitFor(), c.transcript());
            }
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    @DisplayName("a Java set wakes C waiters, which read its text and version")
    void aJavaSetWakesCWaiters() throws Exception {
        String name = TestNames.unique("sync-java-wakes-c");
        try (SharedString s = SharedString.open(name);
             ChildJvm c1 = startPeer("wait", name, "0", "60000");
             ChildJvm c2 = startPeer("wait", name, "0", "60000")) {
            assertEquals("waiting", c1.readLine());
            assertEquals("waiting", c2.readLine());
            s.set(TEXT);
            for (ChildJvm c : List.of(c1, c2)) {
                assertEquals("changed version=1 text=" + hex(TEXT), c.readLine());
                assertEquals(0, c.waitFor(), c.transcript());
            }
            try (ChildJvm late = startPeer("wait", name, "1", "200")) {
                assertEquals("waiting", late.readLine());
                assertEquals("timeout", late.readLine(), "nothing changed after version 1");
                assertEquals(0, late.waitFor(), late.transcript());
            }
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    @DisplayName("Java and C play 2000 rounds of ping-pong through set and wait without losing a wake-up")
    void javaAndCPingPong() throws Exception {
        String name = TestNames.unique("sync-c-pingpong");
        int rounds = 2000;
        try (SharedString s = SharedString.open(name); ChildJvm c = startPeer("echo", name, Integer.toString(rounds))) {
            assertEquals("ready", c.readLine());
            for (int i = 0; i < rounds; i++) {
                long version = s.version();
                s.set("ping " + i);
                SharedString.Snapshot answer = s.awaitChange(version + 1, Duration.ofSeconds(30));
                assertEquals("pong " + i, answer.text(), "round " + i);
            }
            assertEquals("echoed " + rounds, c.readLine());
            assertEquals(0, c.waitFor(), c.transcript());
            assertEquals(2L * rounds, s.version());
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    @DisplayName("a C writer killed with -9 in the middle of its sets leaves whole texts for Java readers, and the next Java set completes")
    void aCWriterKilledMidWriteLeavesWholeTexts() throws Exception {
        String name = TestNames.unique("sync-c-killed");
        List<String> texts = List.of("A".repeat(2047), "b".repeat(1000), "é".repeat(1800) + "z", "");
        try (SharedString s = SharedString.open(name)) {
            for (int round = 0; round < 3; round++) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicReference<String> torn = new AtomicReference<>();
                AtomicLong reads = new AtomicLong();
                Thread reader = Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        String t = s.get();
                        reads.incrementAndGet();
                        if (!texts.contains(t) && !t.startsWith("java")) {
                            torn.compareAndSet(null, t);
                        }
                    }
                });
                long before = s.version();
                try (ChildJvm c = startPeer(concat("writer", name, texts.stream().map(Child::hex).toList()))) {
                    assertEquals("writing", c.readLine());
                    for (int i = 0; i < 1 + round; i++) {
                        assertTrue(c.readLine().startsWith("set "), c::transcript);
                    }
                    c.kill();
                } finally {
                    stop.set(true);
                    reader.join();
                }
                assertNull(torn.get(), "a Java reader saw a text the C writer never set");
                assertTrue(reads.get() > 0);
                String mine = "java after kill " + round;
                assertEquals(mine.length(), s.set(mine), "the next set completes, whatever the dead writer held");
                assertEquals(mine, s.get());
                assertTrue(s.version() > before + 1024);
            }
        }
        assertFalse(TestNames.exists(name));
    }

    private static String[] concat(String command, String name, List<String> args) {
        List<String> all = new ArrayList<>(List.of(command, name));
        all.addAll(args);
        return all.toArray(String[]::new);
    }

    @Test
    @DisplayName("while a live C peer holds the writers' lock a Java set fails past the block's peer deadline, naming the holder's pid; once it is killed the next set takes the lock over")
    void aCHolderOfTheWritersLock() throws Exception {
        String name = TestNames.unique("sync-c-holder");
        try (SharedString s = SharedString.open(name, Duration.ofMillis(300))) {
            s.set("before");
            try (ChildJvm c = startPeer("lock-and-hold", name)) {
                assertEquals("locked", c.readLine());
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> s.set("blocked"));
                assertInstanceOf(SharedMemoryException.class, e.getCause());
                assertTrue(e.getMessage().contains("set(\"/" + name + "\") refused: the writers' lock has been"
                        + " held for longer than PT0.3S by attacher 2, a live process (pid " + c.process().pid()),
                        e.getMessage());
                assertEquals(new SharedString.Snapshot("before", 1), s.snapshot(), "readers never wait for the lock");
                c.kill();
            }
            assertEquals(5, s.set("after"), "the dead holder's lock is taken over");
            assertEquals(new SharedString.Snapshot("after", 2), s.snapshot());
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    @DisplayName("a block a C example-layout peer made, of 4096 bytes, works for set and get in both directions; versions and waits are refused saying why")
    void anExampleLayoutBlockFromC() throws Exception {
        String name = TestNames.unique("sync-c-example");
        try (ChildJvm c = startPeer("example-set-and-hold", name, hex(TEXT))) {
            assertEquals("stored created=1", c.readLine());
            try (SharedString s = SharedString.open(name)) {
                assertFalse(s.created());
                assertFalse(s.hasControlArea());
                assertEquals(SharedString.BYTE_SIZE, s.memory().byteSize());
                assertEquals(TEXT, s.get());
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, s::version);
                assertTrue(e.getMessage().contains("has exactly the example's 4096 bytes"), e.getMessage());
                assertThrows(UnsupportedOperationException.class, s::snapshot);
                assertThrows(UnsupportedOperationException.class, () -> s.awaitChange(0, Duration.ZERO));
                assertThrows(UnsupportedOperationException.class, () -> s.await(t -> true, Duration.ZERO));
                s.set("from Java");
                try (ChildJvm reader = startPeer("example-get", name)) {
                    assertEquals("created=0 text=" + hex("from Java"), reader.readLine());
                    assertEquals(0, reader.waitFor(), reader.transcript());
                }
            }
            c.closeStdin();
            assertEquals(0, c.waitFor(), c.transcript());
        }
        assertFalse(TestNames.exists(name));
    }

    @Test
    @DisplayName("a C example-layout peer reads the latest text of a Java block at offset 0, and Java reads what it writes there")
    void anExampleLayoutCPeerOnAJavaBlock() throws Exception {
        String name = TestNames.unique("sync-c-example-on-java");
        try (SharedString s = SharedString.open(name)) {
            s.set("first");
            s.set(TEXT);
            try (ChildJvm c = startPeer("example-get", name)) {
                assertEquals("created=0 text=" + hex(TEXT), c.readLine());
                assertEquals(0, c.waitFor(), c.transcript());
            }
            try (ChildJvm c = startPeer("example-set-and-hold", name, hex("written at offset 0"))) {
                assertEquals("stored created=0", c.readLine());
                assertEquals("written at offset 0", s.get(), "get reads copy0 while no set is running");
                assertEquals(2, s.version(), "a write without the protocol is no version");
                c.closeStdin();
                assertEquals(0, c.waitFor(), c.transcript());
            }
            s.set("third");
            assertEquals(new SharedString.Snapshot("third", 3), s.snapshot());
        }
        assertFalse(TestNames.exists(name));
    }
}
