package io.github.panamashm;

import io.github.panamashm.testing.TestNames;
import io.github.panamashm.testing.Backends;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The semantics every backend must give, through the public API, on whatever OS runs the tests: Linux on
 * this machine and in CI, Windows in CI (the only place the kernel32 backend runs for real). Skipped, with
 * the reason, where there is no backend.
 */
class PortableSemanticsTest {
    private static final long PAGE = 4096;

    @BeforeEach
    void backend() {
        Backends.assumeSupported();
    }

    @Test
    @DisplayName("of two attaches to a new name, the first creates the block and the second shares its bytes")
    void firstAttachCreatesAndSecondShares() throws Exception {
        String name = TestNames.unique("shares");
        try (SharedMemory first = SharedMemory.openOrCreate(name, PAGE);
             SharedMemory second = SharedMemory.openOrCreate(name, PAGE)) {
            assertTrue(first.created());
            assertFalse(second.created());
            assertEquals(0, second.segment().get(ValueLayout.JAVA_LONG, 8), "a new block is zeros");
            first.segment().set(ValueLayout.JAVA_LONG, 8, 0x0123456789ABCDEFL);
            assertEquals(0x0123456789ABCDEFL, second.segment().get(ValueLayout.JAVA_LONG, 8));
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("openExisting of a name nobody created raises NoSuchSharedMemoryException naming it")
    void openExistingOfMissingNameIsNoSuchSharedMemory() {
        String name = TestNames.unique("missing");
        NoSuchSharedMemoryException e = assertThrows(NoSuchSharedMemoryException.class,
                () -> SharedMemory.openExisting(name));
        assertEquals(name, e.getFile());
    }

    @Test
    @DisplayName("openExisting attaches with the existing block's size")
    void openExistingHasTheExistingSize() throws Exception {
        String name = TestNames.unique("size");
        try (SharedMemory owner = SharedMemory.openOrCreate(name, 2 * PAGE);
             SharedMemory other = SharedMemory.openExisting(name)) {
            assertEquals(owner.byteSize(), other.byteSize());
            assertFalse(other.created());
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("openOrCreate refuses an existing block smaller than asked for, and leaves it usable")
    void smallerExistingBlockIsRefused() throws Exception {
        String name = TestNames.unique("smaller");
        try (SharedMemory owner = SharedMemory.openOrCreate(name, PAGE)) {
            SharedMemoryException e = assertThrows(SharedMemoryException.class,
                    () -> SharedMemory.openOrCreate(name, 4 * PAGE));
            assertEquals(0, e.errorCode(), e.getMessage());
            try (SharedMemory again = SharedMemory.openOrCreate(name, PAGE)) {
                assertFalse(again.created());
            }
            assertEquals(PAGE, owner.byteSize());
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("when the last attachment closes the block is freed, and the next attach creates it afresh")
    void lastCloseFreesTheBlock() throws Exception {
        String name = TestNames.unique("freed");
        try (SharedMemory m = SharedMemory.openOrCreate(name, PAGE)) {
            m.segment().set(ValueLayout.JAVA_INT, 0, 42);
        }
        Backends.assertGone(name);
        try (SharedMemory m = SharedMemory.openOrCreate(name, PAGE)) {
            assertTrue(m.created());
            assertEquals(0, m.segment().get(ValueLayout.JAVA_INT, 0));
        }
        Backends.assertGone(name);
    }

    @Test
    @DisplayName("Local\\name and name are the same block (the session namespace on Windows; the prefix is dropped on Linux)")
    void localPrefixNamesTheSameBlock() throws Exception {
        String name = TestNames.unique("local");
        try (SharedMemory prefixed = SharedMemory.openOrCreate("Local\\" + name, PAGE);
             SharedMemory plain = SharedMemory.openExisting(name)) {
            prefixed.segment().set(ValueLayout.JAVA_INT, 0, 7);
            assertEquals(7, plain.segment().get(ValueLayout.JAVA_INT, 0));
        }
        Backends.assertGone(name);
    }
}
