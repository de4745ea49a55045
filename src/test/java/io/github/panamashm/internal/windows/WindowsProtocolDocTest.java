package io.github.panamashm.internal.windows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Windows C in docs/protocol.md (fenced {@code ```C}, so that the test that holds every {@code ```c} block to
 * the Linux peer leaves it alone) compiles with mingw-w64 against {@code struct shm_text} as {@code shm_peer.c}
 * declares it, and uses the names {@link WindowsTextSync} derives.
 */
class WindowsProtocolDocTest {
    @Test
    @DisplayName("the Windows C of docs/protocol.md compiles with mingw-w64 and derives the names WindowsTextSync uses")
    void windowsCCompiles() throws Exception {
        String docs = Files.readString(Path.of("docs", "protocol.md"));
        int start = docs.indexOf("```C\n");
        assertTrue(start >= 0, "docs/protocol.md has a ```C block");
        String block = docs.substring(start + 5, docs.indexOf("```\n", start + 5));
        assertTrue(block.contains("L\"%ls\\x1f\" L\"changed-%08x\"")
                && WindowsTextSync.EVENT_SUFFIX.equals("\u001Fchanged-"), "the event name is the product's");
        assertTrue(block.contains("(published - 2) & ~1u") && block.contains("seen_word & ~1u"));
        String peer = Files.readString(Path.of("src", "test", "c", "shm_peer.c"));
        int s = peer.indexOf("struct shm_text {");
        String struct = peer.substring(s, peer.indexOf("};", s) + 2);
        Path dir = Files.createTempDirectory("wsync-protocol");
        try {
            Path c = dir.resolve("windows_peer.c");
            Files.writeString(c, "#include <windows.h>\n#include <stdint.h>\n#include <wchar.h>\n" + struct + "\n"
                    + block);
            ProcessBuilder pb = new ProcessBuilder(List.of("x86_64-w64-mingw32-gcc", "-std=c11", "-Wall", "-Wextra",
                    "-Werror", "-Wno-unused-function", "-fsyntax-only", c.toString())).redirectErrorStream(true);
            Process p;
            try {
                p = pb.start();
            } catch (java.io.IOException e) {
                assumeTrue(false, "x86_64-w64-mingw32-gcc not found: " + e.getMessage());
                return;
            }
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
