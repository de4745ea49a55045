package com.example.board;

import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A child JVM attaches to the block the test holds, reads it, answers through it, and detaches. */
class BlockSharingTest {
    /** The child: attaches to the block named args[0], prints what it read, answers, detaches. */
    public static final class Peer {
        public static void main(String[] args) throws Exception {
            try (SharedString block = SharedString.openExisting(args[0])) {
                System.out.println("read: " + block.get());
                block.set("pong");
            }
        }
    }

    @Test
    void aChildJvmAttachesToTheBlockTheTestHoldsAndAnswersThroughIt() throws Exception {
        String name = "board-test-" + UUID.randomUUID();         // unique: tests may run at once
        try (SharedString block = SharedString.create(name)) {   // the test holds the block...
            block.set("ping");
            try (ChildJvm child = ChildJvm.start(Peer.class, name)) {
                assertEquals("read: ping", child.readLine());    // ...so the child sees its text
                assertEquals(0, child.waitFor(), child::transcript);
            }
            assertEquals("pong", block.get());
        }
        assertFalse(Files.exists(Path.of("/dev/shm", name)));    // Linux: the last one out freed it
    }
}
