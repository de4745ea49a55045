package io.github.panamashm.internal;

import io.github.panamashm.SharedString;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.github.panamashm.internal.TextLayout.COPY0;
import static io.github.panamashm.internal.TextLayout.COPY1;
import static io.github.panamashm.internal.TextLayout.DONE;
import static io.github.panamashm.internal.TextLayout.SEQ;
import static io.github.panamashm.internal.TextLayout.WAITERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The latch on a block in this process's memory, with the OS primitives replaced by a recorder: what a set
 * writes and in which order, what a reader sees in each state a killed writer can leave, and when a writer
 * wakes.
 */
class LatchedTextTest {
    /** The writers' lock deadline the tests pass: the default. */
    private static final Duration TIMEOUT = PeerWait.timeout();

    private static final String OLD = "the old text, whole";
    private static final String NEW = "and the new one, somewhat longer than the old one";

    /** Records the calls; runs {@link #onWake} inside wakeAll, at the end of a set. */
    static final class RecordingSync implements TextSync {
        final List<String> calls = new ArrayList<>();
        Consumer<MemorySegment> onWake = b -> { };

        @Override
        public void lock(MemorySegment block, Duration timeout) {
            calls.add("lock");
        }

        @Override
        public void unlock(MemorySegment block) {
            calls.add("unlock");
        }

        @Override
        public void wakeAll(MemorySegment block) {
            calls.add("wake");
            onWake.accept(block);
        }

        @Override
        public void await(MemorySegment block, int expected, long nanos) {
            calls.add("await " + expected + " with " + WAITERS.get(block, 0L) + " waiting");
        }
    }

    private static MemorySegment newBlock(Arena arena) {
        return arena.allocate(TextLayout.BLOCK); // zeroed: a new block
    }

    private static String copy(MemorySegment block, long offset) {
        return TextBlock.read(block.asSlice(offset, TextLayout.EXAMPLE_BYTES), Integer.MAX_VALUE);
    }

    @Test
    @DisplayName("a new block reads as the empty text at version 0, and each set is the next version, in both copies")
    void eachSetIsTheNextVersionInBothCopies() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = newBlock(arena);
            RecordingSync sync = new RecordingSync();
            assertEquals(new SharedString.Snapshot("", 0), LatchedText.readVersioned(block));
            assertEquals(OLD.length(), LatchedText.write(block, sync, OLD, TIMEOUT));
            assertEquals(new SharedString.Snapshot(OLD, 1), LatchedText.readVersioned(block));
            LatchedText.write(block, sync, NEW, TIMEOUT);
            assertEquals(new SharedString.Snapshot(NEW, 2), LatchedText.readVersioned(block));
            assertEquals(4L, SEQ.get(block, 0L));
            assertEquals(4L, DONE.get(block, 0L), "copy1 is whole again");
            assertEquals(NEW, copy(block, COPY0));
            assertEquals(NEW, copy(block, COPY1));
            assertEquals(List.of("lock", "unlock", "lock", "unlock"), sync.calls, "no wake: nobody waits");
        }
    }

    @Test
    @DisplayName("after a set copy1 holds exactly copy0's units and NUL, at every length around the word and bulk copies")
    void copy1IsCopy0AtEveryLength() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = newBlock(arena);
            RecordingSync sync = new RecordingSync();
            for (int n : java.util.stream.IntStream.concat(java.util.stream.IntStream.rangeClosed(0, 40),
                    java.util.stream.IntStream.rangeClosed(2040, 2047)).toArray()) {
                block.asSlice(COPY1, TextLayout.EXAMPLE_BYTES).fill((byte) 0x5A); // garbage a copy must replace
                String text = "0123456789abcdefghij".repeat(103).substring(0, n);
                LatchedText.write(block, sync, text, TIMEOUT);
                assertEquals(text, copy(block, COPY1), "length " + n);
                assertEquals(-1, block.asSlice(COPY0, 2L * n + 2).mismatch(block.asSlice(COPY1, 2L * n + 2)),
                        "copy1's bytes differ from copy0's at length " + n);
            }
        }
    }

    @Test
    @DisplayName("a set wakes once, after releasing the lock, when the waiter count is not 0, and only then")
    void aSetWakesOnlyWhenSomeoneWaits() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = newBlock(arena);
            RecordingSync sync = new RecordingSync();
            List<SharedString.Snapshot> seenAtWake = new ArrayList<>();
            sync.onWake = b -> seenAtWake.add(LatchedText.readVersioned(b));
            LatchedText.write(block, sync, OLD, TIMEOUT);
            assertEquals(List.of(), seenAtWake);
            WAITERS.set(block, 0L, 1);
            LatchedText.write(block, sync, NEW, TIMEOUT);
            assertEquals(List.of(new SharedString.Snapshot(NEW, 2)), seenAtWake, "the woken see the new text");
            assertEquals(List.of("lock", "unlock", "lock", "unlock", "wake"), sync.calls);
        }
    }

    @Test
    @DisplayName("text with NUL is refused before the lock is taken, and the block is unchanged")
    void nulIsRefusedBeforeTheLock() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = newBlock(arena);
            RecordingSync sync = new RecordingSync();
            LatchedText.write(block, sync, OLD, TIMEOUT);
            sync.calls.clear();
            assertThrows(IllegalArgumentException.class, () -> LatchedText.write(block, sync, "a\0b", TIMEOUT));
            assertEquals(List.of(), sync.calls);
            assertEquals(new SharedString.Snapshot(OLD, 1), LatchedText.readVersioned(block));
        }
    }

    @Test
    @DisplayName("a writer killed while writing copy0 (seq odd) leaves the old text readable, and the next set completes the version")
    void aWriterKilledInCopy0LeavesTheOldText() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = newBlock(arena);
            RecordingSync sync = new RecordingSync();
            LatchedText.write(block, sync, OLD, TIMEOUT);          // seq 2, done 2
            SEQ.set(block, 0L, 3L);                        // the dead writer made seq odd...
            TextBlock.store(block, COPY0, "half writt", 10); // ...and wrote part of copy0
            block.set(TextBlock.UNIT, COPY0 + 20, 'X');    // no NUL where its text would end
            assertEquals(new SharedString.Snapshot(OLD, 1), LatchedText.readVersioned(block));
            assertEquals(OLD, LatchedText.read(block, 100));
            LatchedText.write(block, sync, NEW, TIMEOUT);
            assertEquals(4L, SEQ.get(block, 0L), "the dead set never counted: the next one is version 2");
            assertEquals(new SharedString.Snapshot(NEW, 2), LatchedText.readVersioned(block));
            assertEquals(NEW, copy(block, COPY1));
        }
    }

    @Test
    @DisplayName("a writer killed while writing copy1 leaves the new text readable, and the next set repairs copy1 before readers turn to it")
    void aWriterKilledInCopy1IsRepairedBeforeReadersTurnToIt() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = newBlock(arena);
            RecordingSync sync = new RecordingSync();
            LatchedText.write(block, sync, OLD, TIMEOUT);           // seq 2, done 2
            // The dead writer published NEW as version 2 (seq 4) and died in copy1: done is still 2.
            TextBlock.store(block, COPY0, NEW, NEW.length());
            SEQ.set(block, 0L, 4L);
            TextBlock.store(block, COPY1, "torn", 4);
            block.set(TextBlock.UNIT, COPY1 + 8, 'X');
            assertEquals(new SharedString.Snapshot(NEW, 2), LatchedText.readVersioned(block));
            // The next set's first step turns readers to copy1: it must hold version 2's text whole by then.
            assertEquals(5L, LatchedText.turnReadersToCopy1(block));
            assertEquals(new SharedString.Snapshot(NEW, 2), LatchedText.readVersioned(block),
                    "copy1 was repaired from copy0 before seq turned odd");
            TextBlock.store(block, COPY0, "third", 5);      // the rest of that set
            SEQ.set(block, 0L, 6L);
            assertEquals(new SharedString.Snapshot("third", 3), LatchedText.readVersioned(block));
            // A whole set from the same state repairs and completes.
            SEQ.set(block, 0L, 4L);
            TextBlock.store(block, COPY1, "torn", 4);
            LatchedText.write(block, sync, "fourth", TIMEOUT);
            assertEquals(new SharedString.Snapshot("fourth", 3), LatchedText.readVersioned(block));
            assertEquals(6L, DONE.get(block, 0L));
            assertEquals("fourth", copy(block, COPY1));
        }
    }

    @Test
    @DisplayName("a reader reads copy1 while seq is odd and copy0 while it is even")
    void readersFollowSeq() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = newBlock(arena);
            TextBlock.store(block, COPY0, "zero", 4);
            TextBlock.store(block, COPY1, "one", 3);
            SEQ.set(block, 0L, 7L);
            assertEquals(new SharedString.Snapshot("one", 3), LatchedText.readVersioned(block));
            assertEquals("on", LatchedText.read(block, 3));
            SEQ.set(block, 0L, 8L);
            assertEquals(new SharedString.Snapshot("zero", 4), LatchedText.readVersioned(block));
        }
    }

    @Test
    @DisplayName("a waiter is counted in waiters while it sleeps on seq's low 32 bits, and not after")
    void aWaiterIsCountedWhileItSleeps() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment block = newBlock(arena);
            RecordingSync sync = new RecordingSync();
            long seq = 0x1_0000_0006L;
            SEQ.set(block, 0L, seq);
            LatchedText.await(block, sync, seq, 1000);
            assertEquals(List.of("await 6 with 1 waiting"), sync.calls);
            assertEquals(0, WAITERS.get(block, 0L));
            assertEquals(0x8000_0003L, LatchedText.version(seq));
        }
    }
}
