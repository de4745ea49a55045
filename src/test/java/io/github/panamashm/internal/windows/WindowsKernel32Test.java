package io.github.panamashm.internal.windows;

import io.github.panamashm.testing.TestNames;
import io.github.panamashm.testing.Backends;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static io.github.panamashm.internal.windows.Kernel32.ERROR_ACCESS_DENIED;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_ALREADY_EXISTS;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_FILE_NOT_FOUND;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assumptions {@link FakeKernel32} makes, checked against the real kernel32. Runs only on Windows, which
 * means only in GitHub Actions: no machine the project is developed on runs it.
 */
@EnabledOnOs(OS.WINDOWS)
class WindowsKernel32Test {
    private final NativeWin32Calls k = new NativeWin32Calls();

    @Test
    @DisplayName("CreateFileMappingW succeeds with NO_ERROR when it creates and with ERROR_ALREADY_EXISTS when it opens")
    void alreadyExistsIsCapturedOnSuccess() {
        String name = TestNames.unique("k32-exists");
        Win32Calls.Result first = k.createFileMapping(name, 0, 4096);
        Win32Calls.Result second = k.createFileMapping(name, 0, 4096);
        try {
            assertFalse(first.failed());
            assertEquals(ERROR_SUCCESS, first.lastError());
            assertFalse(second.failed());
            assertEquals(ERROR_ALREADY_EXISTS, second.lastError());
            assertNotEquals(first.value(), second.value());
        } finally {
            k.closeHandle(second.value());
            k.closeHandle(first.value());
        }
    }

    @Test
    @DisplayName("OpenFileMappingW of a missing name fails with ERROR_FILE_NOT_FOUND, and of a closed one too")
    void missingNameIsFileNotFound() {
        String name = TestNames.unique("k32-missing");
        Win32Calls.Result missing = k.openFileMapping(name, WindowsBackend.VIEW_ACCESS);
        assertTrue(missing.failed());
        assertEquals(ERROR_FILE_NOT_FOUND, missing.lastError());
        Win32Calls.Result created = k.createFileMapping(name, 0, 4096);
        assertFalse(created.failed());
        assertFalse(k.closeHandle(created.value()).failed(), "CloseHandle succeeds");
        assertEquals(ERROR_FILE_NOT_FOUND, k.openFileMapping(name, WindowsBackend.VIEW_ACCESS).lastError(),
                "the last handle closed frees the object");
    }

    @Test
    @DisplayName("a whole view's VirtualQuery RegionSize is the mapping size rounded up to whole pages")
    void regionSizeIsThePageRoundedMappingSize() {
        String name = TestNames.unique("k32-region");
        Win32Calls.Result mapping = k.createFileMapping(name, 0, 5000);
        Win32Calls.Result view = k.mapViewOfFile(mapping.value(), WindowsBackend.VIEW_ACCESS, 0);
        try {
            assertFalse(view.failed(), "MapViewOfFile error " + view.lastError());
            Win32Calls.Result region = k.regionSize(view.value());
            assertFalse(region.failed(), "VirtualQuery error " + region.lastError());
            assertEquals(8192, region.value());
        } finally {
            k.unmapViewOfFile(view.value());
            k.closeHandle(mapping.value());
        }
    }

    @Test
    @DisplayName("FormatMessageW gives the system's text for ERROR_ACCESS_DENIED")
    void formatMessageHasText() {
        String text = k.formatMessage(ERROR_ACCESS_DENIED);
        assertNotNull(text);
        assertFalse(text.isBlank());
        assertFalse(text.endsWith("\n"), text);
    }
}
