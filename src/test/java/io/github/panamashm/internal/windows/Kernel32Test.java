package io.github.panamashm.internal.windows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What of the raw binding can run off Windows: string encoding, and that nothing native is touched on load. */
class Kernel32Test {

    @Test
    @DisplayName("names are encoded as NUL-terminated UTF-16LE, code units verbatim, surrogate pairs included")
    void wideStringIsNulTerminatedUtf16le() {
        String name = "Local\\dllmemfilemap-\u00e9\u4e2d\ud83d\ude00";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = Kernel32.wideString(arena, name);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(name.getBytes(StandardCharsets.UTF_16LE));
            expected.write(0);
            expected.write(0);
            assertArrayEquals(expected.toByteArray(), w.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(name, Kernel32.fromWide(w, name.length()));
        }
    }

    @Test
    @DisplayName("Kernel32, its descriptors and the backend load off Windows without touching kernel32")
    @DisabledOnOs(OS.WINDOWS)
    void loadsWithoutKernel32OffWindows() throws Exception {
        // Initialising the classes would fail here if the lookup or the GetLastError capture were eager.
        ClassLoader loader = getClass().getClassLoader();
        Class.forName(Kernel32.class.getName(), true, loader);
        Class.forName(Kernel32.Descriptors.class.getName(), true, loader);
        Class.forName(Win32Calls.class.getName(), true, loader);
        Class.forName(NativeWin32.class.getName(), true, loader);
        Class.forName(Advapi32.class.getName(), true, loader);
        new WindowsBackend();
    }
}
