package io.github.panamashm.internal;

import io.github.panamashm.internal.linux.LinuxBackend;
import io.github.panamashm.internal.windows.WindowsBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformTest {

    @Test
    @DisplayName("Windows on x64 and ARM64 selects the kernel32 backend, without loading kernel32")
    void windowsSelectsTheKernel32Backend() {
        assertInstanceOf(WindowsBackend.class, Platform.select(Os.WINDOWS, "amd64"));
        assertInstanceOf(WindowsBackend.class, Platform.select(Os.WINDOWS, "aarch64"));
    }

    @Test
    @DisplayName("32-bit Windows, macOS and an unknown OS get no backend")
    void unsupportedPlatformsGetNoBackend() {
        assertNull(Platform.select(Os.WINDOWS, "x86"));
        assertNull(Platform.select(Os.MACOS, "aarch64"));
        assertNull(Platform.select(Os.MACOS, "x86_64"));
        assertNull(Platform.select(null, "amd64"));
        assertNull(Platform.select(Os.LINUX, "riscv64"), "Linux without struct layouts for the architecture");
        assertNull(Platform.select(Os.LINUX, "x86"));
    }

    @Test
    @DisplayName("Linux selects the libc backend")
    @EnabledOnOs(OS.LINUX)
    void linuxSelectsTheLibcBackend() {
        assertInstanceOf(LinuxBackend.class, Platform.select(Os.LINUX, System.getProperty("os.arch")));
    }

    @Test
    @DisplayName("on macOS, Platform.backend() is an UnsupportedOperationException naming the OS")
    @EnabledOnOs(OS.MAC)
    void macOsHasNoBackend() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, Platform::backend);
        assertTrue(e.getMessage().contains(System.getProperty("os.name")), e.getMessage());
    }
}
