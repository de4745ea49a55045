package io.github.panamashm.internal.windows;

import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.github.panamashm.internal.windows.Kernel32.ERROR_ALREADY_EXISTS;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_SUCCESS;
import static io.github.panamashm.internal.windows.Kernel32.INVALID_HANDLE_VALUE;
import static io.github.panamashm.internal.windows.Kernel32.PAGE_READWRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What Wine's kernel32 does where Windows documents or does otherwise: the list in docs/windows.md, each item
 * shown here so that a Wine that changes makes this fail and the list gets corrected. None of it is what
 * panama-shm relies on; the contract suite ({@link Win32ContractTest}) avoids these cases.
 */
@EnabledOnOs(OS.LINUX)
@ExtendWith(Wine.Extension.class)
class WineDifferencesTest {
    private WineProcess process;
    private Win32Calls calls;

    @BeforeEach
    void start(Wine wine) {
        process = wine.start();
        calls = new Win32Calls(new WineWin32(process));
    }

    @AfterEach
    void end() {
        process.close();
    }

    private static String name(String what) {
        return TestNames.unique("Local\\win-wine-" + what);
    }

    @Test
    @DisplayName("Wine gives a file mapping created without security attributes no owner and no DACL; Windows gives the token's defaults")
    void noDefaultSecurityDescriptor() throws Exception {
        Win32Calls.Result h = calls.createFileMapping(name("no-sd"), 4096, null);
        Win32Calls.ObjectSecurity s = calls.security(h.value());
        assertNull(s.owner());
        assertNull(s.dacl());
    }

    @Test
    @DisplayName("Wine lets a process make SYSTEM the owner of what it creates; Windows needs SeRestorePrivilege for that")
    void anyOwnerMayBeSet() throws Exception {
        Win32Calls.Result h = calls.createFileMapping(name("owner"), 4096, WindowsSecurity.descriptor(WindowsSecurity.SYSTEM, false));
        assertFalse(h.failed(), "error " + h.lastError());
        assertEquals("S-1-5-18", WindowsSecurity.toString(calls.security(h.value()).owner()));
    }

    @Test
    @DisplayName("Wine maps a view up to the section's size rounded up to pages; MapViewOfFile's documentation wants every byte within the size")
    void viewUpToThePageRoundedSize() {
        Win32Calls.Result h = calls.createFileMapping(name("rounded"), 5000, null);
        Win32Calls.Result view = calls.mapViewOfFile(h.value(), WindowsBackend.VIEW_ACCESS, 8192);
        assertFalse(view.failed(), "error " + view.lastError());
        calls.unmapViewOfFile(view.value());
    }

    @Test
    @DisplayName("Wine takes a NULL hFile for the paging file; CreateFileMappingW's documentation asks for INVALID_HANDLE_VALUE")
    void nullFileIsThePagingFile() {
        WineProcess.Reply r = process.call("kernel32", "CreateFileMappingW", 0L, 0L, PAGE_READWRITE, 0, 4096,
                WineProcess.wide(name("null-file")));
        assertNotEquals(0, r.value());
        assertEquals(ERROR_SUCCESS, r.lastError());
    }

    @Test
    @DisplayName("Wine cuts a name at 32,766 UTF-16 units: two longer names that share those units name one object")
    void longNamesAreCut() {
        String common = "Local\\" + "w".repeat(32_766 - 6);
        WineProcess.Reply first = process.call("kernel32", "CreateFileMappingW", INVALID_HANDLE_VALUE, 0L,
                PAGE_READWRITE, 0, 4096, WineProcess.wide(common + "-one"));
        WineProcess.Reply second = process.call("kernel32", "CreateFileMappingW", INVALID_HANDLE_VALUE, 0L,
                PAGE_READWRITE, 0, 4096, WineProcess.wide(common + "-two"));
        assertEquals(ERROR_SUCCESS, first.lastError());
        assertEquals(ERROR_ALREADY_EXISTS, second.lastError());
    }

    @Test
    @DisplayName("Wine has no sessions: creating in Global\\ needs no privilege")
    void globalNeedsNoPrivilege() {
        Win32Calls.Result h = calls.createFileMapping("Global\\" + name("global").substring(6), 4096, null);
        assertFalse(h.failed(), "error " + h.lastError());
    }
}
