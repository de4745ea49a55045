package io.github.panamashm.testing;

import io.github.panamashm.SharedString;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The README's multi-process recipe, verbatim: a test that starts a child JVM which attaches to the block
 * the test holds, reads it, answers through it, and detaches.
 */
class ChildJvmRecipeTest {
    /** The child: attaches to the block named args[0], prints what it read, answers, detaches. */
    public static final class Peer {
        public static void main(String[] args) throws Exception {
            try (SharedString block = SharedString.open(args[0])) {
                System.out.println("read: " + block.get());
                block.set("pong");
            }
        }
    }

    @Test
    void aChildJvmAttachesToTheBlockTheTestHoldsAndAnswersThroughIt() throws Exception {
        String name = "recipe-" + UUID.randomUUID();            // unique: tests may run at once
        try (SharedString block = SharedString.open(name)) {    // the test holds the block...
            block.set("ping");
            try (ChildJvm child = ChildJvm.start(Peer.class, name)) {
                assertEquals("read: ping", child.readLine());   // ...so the child sees its text
                assertEquals(0, child.waitFor(), child::transcript);
            }
            assertEquals("pong", block.get());
        }
        assertFalse(Files.exists(Path.of("/dev/shm", name)));   // Linux: the last one out freed it
    }
}
