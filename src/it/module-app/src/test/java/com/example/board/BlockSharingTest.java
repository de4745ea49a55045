package com.example.board;

import io.github.panamashm.SharedString;
import io.github.panamashm.testing.ChildJvm;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BlockSharingTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    public static final class Peer {                             // the child: waits for ping, answers pong
        public static void main(String[] args) throws Exception {
            try (SharedString block = SharedString.openExisting(args[0])) {
                block.await("ping"::equals, PATIENCE);           // the text now, or the next set of it
                block.set("pong");
            }
        }
    }

    @Test
    void aChildJvmAnswersThroughTheBlockTheTestHolds() throws Exception {
        String name = "board-test-" + UUID.randomUUID();         // unique: tests may run at once
        try (SharedString block = SharedString.create(name)) {   // the test holds the block
            try (ChildJvm child = ChildJvm.start(Peer.class, name)) {
                block.set("ping");
                assertEquals("pong", block.await("pong"::equals, PATIENCE)); // no sleep, no polling
                assertEquals(0, child.waitFor(), child::transcript);
            }
        }                                                        // the last one out frees the block
    }
}
