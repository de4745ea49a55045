package io.github.panamashm.internal;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The C peer's {@code struct shm_text} and {@code LIVENESS_BASE} (src/test/c/shm_peer.c, whose text protocol
 * docs/protocol.md shows verbatim) are {@link TextLayout}: the same offsets, sizes and liveness byte, compiled
 * with gcc for x86_64 and aarch64.
 */
class TextLayoutProofTest {
    private static final Path PEER = Path.of("src", "test", "c", "shm_peer.c");

    /** The struct and the define, cut out of the C peer as they are. */
    static String cDeclarations() throws IOException {
        String c = Files.readString(PEER);
        int start = c.indexOf("struct shm_text {");
        int end = c.indexOf("#define FUTEX_WORD", start);
        assertTrue(start >= 0 && end > start, "shm_peer.c declares struct shm_text, then LIVENESS_BASE and FUTEX_WORD");
        return c.substring(start, end);
    }

    private static CAbiProof proof(MemoryLayout block) throws IOException {
        return new CAbiProof("#include <stdint.h>\n#include <sys/types.h>\n\n" + cDeclarations())
                .struct("struct shm_text", (StructLayout) block)
                .constant(new CAbiProof.Constant("LIVENESS_BASE", "LIVENESS_BASE", TextLayout.LIVENESS_BASE, long.class));
    }

    private static List<String> compiler(String machine, String... candidates) {
        List<String> cc = CAbiProof.findCompiler(machine, List.of(), candidates);
        assumeTrue(cc != null, "no gcc for " + machine + " (.ci/run installs it): the text layout proof skipped");
        return cc;
    }

    @Test
    @DisplayName("the C peer's struct shm_text and LIVENESS_BASE are TextLayout's, on x86_64 and aarch64")
    void theCStructIsTheJavaLayout() throws IOException {
        assertEquals(8256, TextLayout.BYTE_SIZE);
        assertEquals(io.github.panamashm.SharedString.OBJECT_SIZE, TextLayout.BYTE_SIZE, "the public constant is the layout's size");
        assertEquals(0, TextLayout.COPY0, "the example's text stays at offset 0");
        for (List<String> cc : List.of(compiler("x86_64-linux-gnu", "x86_64-linux-gnu-gcc", "gcc"),
                compiler("aarch64-linux-gnu", "aarch64-linux-gnu-gcc"))) {
            CAbiProof.Compilation result = proof(TextLayout.BLOCK).compile(cc);
            assertTrue(result.ok(), () -> cc + " rejected the layout:\n" + result + "\nsource:\n" + result.source());
            assertTrue(result.source().contains("offsetof(struct shm_text, copy1) == 4160"), result::source);
        }
    }

    @Test
    @DisplayName("a Java layout without the reserved bytes fails the proof, naming copy1's offset")
    void aDifferentLayoutFailsTheProof() throws IOException {
        MemoryLayout wrong = MemoryLayout.structLayout(
                MemoryLayout.sequenceLayout(2048, JAVA_SHORT).withName("copy0"),
                JAVA_LONG.withName("seq"),
                JAVA_LONG.withName("done"),
                JAVA_INT.withName("lock"),
                JAVA_INT.withName("waiters"),
                JAVA_INT.withName("next_id"),
                MemoryLayout.sequenceLayout(36, JAVA_BYTE).withName("reserved"),
                MemoryLayout.paddingLayout(4),
                MemoryLayout.sequenceLayout(2048, JAVA_SHORT).withName("copy1"),
                MemoryLayout.paddingLayout(4)).withName("shm_text");
        CAbiProof.Compilation result = proof(wrong).compile(compiler("x86_64-linux-gnu", "x86_64-linux-gnu-gcc", "gcc"));
        assertFalse(result.ok(), result::source);
        assertTrue(result.output().contains("struct shm_text.copy1 is not at offset 4164"), result::toString);
    }
}
