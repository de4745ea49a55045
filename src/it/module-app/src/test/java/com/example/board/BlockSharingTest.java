package com.example.board;

import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BlockSharingTest {
    public static final class Peer {                             // the child: reads, answers, detaches
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
        }                                                        // the last one out frees the block
    }
}
