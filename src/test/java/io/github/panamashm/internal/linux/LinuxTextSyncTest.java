package io.github.panamashm.internal.linux;

import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.Attachment;
import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.PeerWait;
import io.github.panamashm.internal.TextLayout;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import static io.github.panamashm.internal.TextLayout.LOCK;
import static io.github.panamashm.internal.TextLayout.NEXT_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Linux side of a text block: which sizes its attach accepts and resets, the attacher ids and liveness
 * bytes, and the writers' lock taken over from a dead holder.
 */
@EnabledOnOs(OS.LINUX)
class LinuxTextSyncTest {
    /** The writers' lock deadline the tests pass: the default. */
    private static final Duration TIMEOUT = PeerWait.timeout();

    private final LinuxBackend backend = new LinuxBackend();

    private Attachment open(String name) throws IOException {
        return backend.attachText(Backend.TextOpen.OPEN_OR_CREATE, name, Backend.PRIVATE_MODE,
                PeerWait.deadline(PeerWait.timeout()));
    }

    /** An attachment for try-with-resources: closing detaches it. */
    private record Held(Attachment a) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            a.detach();
        }
    }

    private Held hold(String name) throws IOException {
        return new Held(open(name));
    }

    private static MemorySegment block(Attachment a) {
        return a.address().reinterpret(a.byteSize());
    }

    private static LinuxTextSync sync(Attachment a) {
        return (LinuxTextSync) a.textSync();
    }

    /** Plants an object nobody is attached to, as a dead process would leave it. */
    private static void plant(String name, int size) throws IOException {
        Files.write(TestNames.shmFile(name), new byte[size]);
        Files.setPosixFilePermissions(TestNames.shmFile(name), PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    @DisplayName("a new text block has the full layout; each attacher gets the next id and holds its liveness byte until it detaches")
    void attachersGetIdsAndHoldTheirLivenessBytes() throws IOException {
        String name = TestNames.unique("sync-ids");
        Attachment a = open(name);
        Attachment b = open(name);
        try {
            assertTrue(a.created());
            assertEquals(TextLayout.BYTE_SIZE, a.byteSize());
            assertEquals(1, sync(a).id());
            assertEquals(2, sync(b).id());
            assertEquals(2, NEXT_ID.get(block(a), 0L));
            assertTrue(sync(a).alive(2), "b holds byte 2^32 + 2");
            assertTrue(sync(b).alive(1));
            assertFalse(sync(a).alive(3), "nobody has id 3");
        } finally {
            b.detach();
        }
        try {
            assertFalse(sync(a).alive(2), "b's liveness byte went with its descriptor");
        } finally {
            a.detach();
        }
        TestNames.assertNothingLeft(name);
    }

    @Test
    @DisplayName("a writers' lock left by a dead holder is taken over at once; one held by a live attacher is waited for")
    void aDeadHoldersLockIsTakenOver() throws Exception {
        String name = TestNames.unique("sync-takeover");
        try (Held held = hold(name)) {
            Attachment a = held.a();
            MemorySegment block = block(a);
            LOCK.set(block, 0L, 7); // id 7 was never handed out: its byte is free, as a dead holder's is
            sync(a).lock(block, TIMEOUT);
            assertEquals(1, LOCK.get(block, 0L));
            sync(a).unlock(block);
            assertEquals(0, LOCK.get(block, 0L));

            try (Held other = hold(name)) {
                Attachment b = other.a();
                sync(b).lock(block(b), TIMEOUT);
                FutureTask<Void> waiter = new FutureTask<>(() -> {
                    sync(a).lock(block, TIMEOUT);
                    return null;
                });
                Thread waiting = Thread.ofPlatform().start(waiter);
                try {
                    assertThrows(java.util.concurrent.TimeoutException.class,
                            () -> waiter.get(50, TimeUnit.MILLISECONDS), "b is alive: a waits");
                } finally {
                    sync(b).unlock(block(b));
                    waiting.join(TimeUnit.SECONDS.toMillis(20)); // never detach under a thread using the block
                }
                waiter.get(20, TimeUnit.SECONDS);
                assertEquals(1, LOCK.get(block, 0L));
                sync(a).unlock(block);
            }
        }
    }

    @Test
    @DisplayName("a thread of the same attachment holding the lock is waited for, and past the peer deadline the set fails saying so; an interrupted waiter keeps its status")
    void aThreadOfTheSameAttachmentIsWaitedFor() throws Exception {
        try (Held held = hold(TestNames.unique("sync-same"))) {
            Attachment a = held.a();
            MemorySegment block = block(a);
            sync(a).lock(block, TIMEOUT); // this thread holds it, as another set of this attachment would
            FutureTask<Boolean> waiter = new FutureTask<>(() -> {
                Thread.currentThread().interrupt();
                UncheckedIOException e = assertThrows(UncheckedIOException.class,
                        () -> sync(a).lock(block, Duration.ofMillis(200)));
                assertTrue(e.getMessage().contains("refused: the writers' lock has been held for longer than PT0.2S"
                        + " by attacher 1, a thread of this attachment"), e.getMessage());
                return Thread.currentThread().isInterrupted();
            });
            Thread.ofPlatform().start(waiter);
            assertTrue(waiter.get(20, TimeUnit.SECONDS), "the interrupt status is kept");
            assertEquals(1, LOCK.get(block, 0L), "never taken over: it is ours");
            sync(a).unlock(block);
        }
    }

    @Test
    @DisplayName("FUTEX_WAKE ends another attachment's FUTEX_WAIT on the word; a word that already moved or a timeout end it too")
    void wakeEndsAWaitOnTheWord() throws Exception {
        String name = TestNames.unique("sync-futex");
        try (Held a = hold(name); Held b = hold(name)) {
            FutureTask<Void> sleeper = new FutureTask<>(() -> {
                sync(a.a()).await(block(a.a()), 0, TimeUnit.SECONDS.toNanos(120)); // the word is 0: sleeps
                return null;
            });
            Thread sleeping = Thread.ofPlatform().start(sleeper);
            while (!inAwait(sleeping)) {
                Thread.sleep(1);
            }
            sync(b.a()).wakeAll(block(b.a()));
            sleeper.get(20, TimeUnit.SECONDS); // long before its own timeout
            sync(a.a()).await(block(a.a()), 1, TimeUnit.SECONDS.toNanos(120)); // the word is not 1: returns at once
            long start = System.nanoTime();
            sync(a.a()).await(block(a.a()), 0, TimeUnit.MILLISECONDS.toNanos(50));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "not before its timeout");
        }
    }

    private static boolean inAwait(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("syscall")) {
                return true;
            }
        }
        return false;
    }

    @Test
    @DisplayName("a futex failure names the call, the object and the error")
    void aFutexFailureNamesTheCallTheObjectAndTheError() throws Exception {
        String name = TestNames.unique("sync-efault");
        try (Held a = hold(name)) {
            // An address with nothing mapped: the kernel answers EFAULT without touching it.
            MemorySegment nowhere = MemorySegment.ofAddress(4096).reinterpret(TextLayout.BYTE_SIZE);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> sync(a.a()).await(nowhere, 0, 1000));
            assertInstanceOf(SharedMemoryException.class, e.getCause());
            assertEquals("syscall(SYS_futex, FUTEX_WAIT)(\"/" + name + "\") failed: EFAULT (Bad address)",
                    e.getCause().getMessage());
            assertEquals("EFAULT", ((SharedMemoryException) e.getCause()).errorName());
        }
    }

    @Test
    @DisplayName("a lock word holding the id a new attacher gets is stale, and the attach frees it")
    void aStaleLockWordWithTheNewIdIsFreedAtAttach() throws Exception {
        String name = TestNames.unique("sync-stale-id");
        try (Held a = hold(name)) {
            LOCK.set(block(a.a()), 0L, 2); // as left by a dead holder whose id the counter hands out again
            try (Held b = hold(name)) {
                assertEquals(2, sync(b.a()).id());
                assertEquals(0, LOCK.get(block(a.a()), 0L));
                sync(b.a()).lock(block(b.a()), TIMEOUT); // without the fix: taken for a thread of b's, until the deadline
                sync(b.a()).unlock(block(b.a()));
            }
        }
    }

    @Test
    @DisplayName("an abandoned object of 0, 4096 or 8256 bytes is reset to the full layout")
    void abandonedObjectsOfTheKnownSizesAreReset() throws IOException {
        for (int size : new int[]{0, 4096, (int) TextLayout.BYTE_SIZE}) {
            String name = TestNames.unique("sync-reset-" + size);
            plant(name, size);
            Attachment a = open(name);
            try {
                assertTrue(a.created(), "size " + size);
                assertEquals(TextLayout.BYTE_SIZE, a.byteSize());
                assertEquals(TextLayout.BYTE_SIZE, Files.size(TestNames.shmFile(name)));
                assertNotNull(a.textSync());
            } finally {
                a.detach();
            }
            TestNames.assertNothingLeft(name);
        }
    }

    @Test
    @DisplayName("an abandoned object of another size is refused and left as it is")
    void abandonedObjectsOfOtherSizesAreRefused() throws IOException {
        String name = TestNames.unique("sync-stale-odd");
        plant(name, 5000);
        try {
            SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> open(name));
            assertTrue(e.getMessage().contains("an object of 5000 bytes exists with no process attached"), e.getMessage());
            assertEquals(5000, Files.size(TestNames.shmFile(name)));
        } finally {
            TestNames.remove(name);
        }
    }

    @Test
    @DisplayName("a live block of exactly 4096 bytes is mapped as it is, without control area; a live block of another smaller size is refused")
    void liveExampleBlocksAreAcceptedAsTheyAre() throws IOException {
        String name = TestNames.unique("sync-live-example");
        Attachment holder = backend.openOrCreate(name, 4096);
        try {
            Attachment a = open(name);
            try {
                assertFalse(a.created());
                assertEquals(4096, a.byteSize());
                assertNull(a.textSync());
                assertEquals(4096, Files.size(TestNames.shmFile(name)), "nothing grew the peer's block");
            } finally {
                a.detach();
            }
        } finally {
            holder.detach();
        }
        String odd = TestNames.unique("sync-live-odd");
        Attachment oddHolder = backend.openOrCreate(odd, 5000);
        try {
            SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> open(odd));
            assertTrue(e.getMessage().contains("the block has 5000 bytes, fewer than the 8256 asked for (or exactly"
                    + " the example's 4096)"), e.getMessage());
        } finally {
            oddHolder.detach();
        }
        TestNames.assertNothingLeft(name);
        TestNames.assertNothingLeft(odd);
    }
}
