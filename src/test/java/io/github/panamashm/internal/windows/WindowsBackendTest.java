package io.github.panamashm.internal.windows;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemoryAlreadyExistsException;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.Attachment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;

import static io.github.panamashm.internal.windows.Kernel32.ERROR_ACCESS_DENIED;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_INVALID_ADDRESS;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_NOT_ENOUGH_MEMORY;
import static io.github.panamashm.internal.windows.Kernel32.FILE_MAP_READ;
import static io.github.panamashm.internal.windows.Kernel32.FILE_MAP_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything {@link WindowsBackend} decides, run against {@link FakeKernel32} on any OS, up to the point
 * where a real kernel32 would be called. Whether kernel32 behaves as the fake assumes is checked only on
 * Windows (WindowsKernel32Test, in CI).
 */
class WindowsBackendTest {
    private final FakeKernel32 kernel = new FakeKernel32();
    private final WindowsBackend backend = new WindowsBackend(kernel);

    @Test
    @DisplayName("the first openOrCreate reports created, a second one sees ERROR_ALREADY_EXISTS and does not")
    void createdFollowsErrorAlreadyExists() throws Exception {
        Attachment first = backend.openOrCreate("dllmemfilemap", 4096);
        Attachment second = backend.openOrCreate("dllmemfilemap", 4096);
        assertTrue(first.created());
        assertFalse(second.created());
        assertNotEquals(first.address().address(), second.address().address());
        second.detach();
        first.detach();
    }

    @Test
    @DisplayName("a new block is created and mapped with exactly byteSize bytes, split into high and low DWORDs")
    void newBlockIsMappedWithExactlyByteSize() throws Exception {
        long byteSize = 5L * 1024 * 1024 * 1024 + 3; // needs the high DWORD
        Attachment a = backend.openOrCreate("big", byteSize);
        assertEquals(byteSize, a.byteSize());
        assertEquals("CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, " + (byteSize >>> 32) + ", "
                + (byteSize & 0xFFFF_FFFFL) + ", \"big\")", kernel.log().get(0));
        assertEquals("MapViewOfFile(" + (FILE_MAP_READ | FILE_MAP_WRITE) + ", " + byteSize + ")", kernel.log().get(1));
        a.detach();
    }

    @Test
    @DisplayName("an existing block smaller than asked for is refused, and the view and handle taken are released")
    void smallerExistingBlockIsRefusedWithNothingLeaked() throws Exception {
        Attachment owner = backend.openOrCreate("small", FakeKernel32.PAGE);
        SharedMemoryException e = assertThrows(SharedMemoryException.class,
                () -> backend.openOrCreate("small", 2 * FakeKernel32.PAGE));
        assertEquals("openOrCreate(\"small\") refused: the block has " + FakeKernel32.PAGE + " bytes (whole pages),"
                + " fewer than the " + 2 * FakeKernel32.PAGE + " asked for", e.getMessage());
        assertEquals(0, e.errorCode());
        assertNull(e.errorName());
        assertEquals(1, kernel.openHandles(), "only the owner's handle is open");
        assertEquals(1, kernel.mappedViews(), "only the owner's view is mapped");
        owner.detach();
        assertFalse(kernel.exists("small"));
    }

    @Test
    @DisplayName("an existing block at least as large as asked for is attached with the size asked for")
    void largerExistingBlockIsAttachedWithTheSizeAskedFor() throws Exception {
        Attachment owner = backend.openOrCreate("large", 3 * FakeKernel32.PAGE);
        Attachment other = backend.openOrCreate("large", 100);
        assertFalse(other.created());
        assertEquals(100, other.byteSize());
        assertTrue(kernel.log().contains("MapViewOfFile(" + (FILE_MAP_READ | FILE_MAP_WRITE) + ", 0)"),
                "an existing block is mapped whole, to learn its size: " + kernel.log());
        other.detach();
        owner.detach();
    }

    @Test
    @DisplayName("openExisting sizes the block by VirtualQuery's RegionSize, in whole pages")
    void openExistingSizeIsRegionSize() throws Exception {
        Attachment owner = backend.openOrCreate("sized", 100);
        Attachment other = backend.openExisting("sized");
        assertFalse(other.created());
        assertEquals(FakeKernel32.PAGE, other.byteSize());
        other.detach();
        owner.detach();
    }

    @Test
    @DisplayName("openExisting of a missing name raises NoSuchSharedMemoryException with ERROR_FILE_NOT_FOUND, as Linux raises it for ENOENT")
    void missingNameIsNoSuchSharedMemory() {
        NoSuchSharedMemoryException e = assertThrows(NoSuchSharedMemoryException.class,
                () -> backend.openExisting("Local\\nobody"));
        assertInstanceOf(NoSuchFileException.class, e);
        assertEquals("Local\\nobody", e.getFile());
        assertEquals("no shared memory block \"Local\\nobody\": OpenFileMappingW(\"Local\\nobody\") failed:"
                + " ERROR_FILE_NOT_FOUND (2: The system cannot find the file specified.)", e.getMessage());
        assertEquals(0, kernel.openHandles());
    }

    @Test
    @DisplayName("openExisting failing for another reason is a SharedMemoryException naming the error, not NoSuch")
    void openExistingAccessDeniedIsSharedMemoryException() {
        kernel.failNext("OpenFileMappingW", ERROR_ACCESS_DENIED);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openExisting("Global\\x"));
        assertEquals("OpenFileMappingW(\"Global\\x\") failed: ERROR_ACCESS_DENIED (5: Access is denied.)", e.getMessage());
    }

    @Test
    @DisplayName("a CreateFileMappingW failure names the call, the object, the code, its symbolic name and its text")
    void createFailureMessageNamesCallObjectAndError() {
        kernel.failNext("CreateFileMappingW", ERROR_ACCESS_DENIED);
        SharedMemoryException e = assertThrows(SharedMemoryException.class,
                () -> backend.openOrCreate("Global\\dllmemfilemap", 4096));
        assertEquals("CreateFileMappingW(\"Global\\dllmemfilemap\") failed: ERROR_ACCESS_DENIED (5: Access is denied.)",
                e.getMessage());
        assertEquals("CreateFileMappingW", e.call());
        assertEquals("Global\\dllmemfilemap", e.object());
        assertEquals(ERROR_ACCESS_DENIED, e.errorCode());
        assertEquals("ERROR_ACCESS_DENIED", e.errorName());
        assertEquals(0, kernel.openHandles());
    }

    @Test
    @DisplayName("when MapViewOfFile fails the mapping handle is closed, so a new block is freed at once")
    void mapFailureClosesTheHandle() {
        kernel.failNext("MapViewOfFile", ERROR_NOT_ENOUGH_MEMORY);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openOrCreate("nomem", 4096));
        assertEquals("MapViewOfFile(\"nomem\") failed: ERROR_NOT_ENOUGH_MEMORY (8: Not enough memory resources are"
                + " available to process this command.)", e.getMessage());
        assertEquals(0, kernel.openHandles());
        assertFalse(kernel.exists("nomem"));
    }

    @Test
    @DisplayName("when VirtualQuery fails the view is unmapped and the handle closed")
    void queryFailureUnmapsAndCloses() throws Exception {
        Attachment owner = backend.openOrCreate("query", 4096);
        kernel.failNext("VirtualQuery", ERROR_INVALID_ADDRESS);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openExisting("query"));
        assertEquals("VirtualQuery", e.call());
        assertEquals(1, kernel.openHandles());
        assertEquals(1, kernel.mappedViews());
        owner.detach();
    }

    @Test
    @DisplayName("create on a new name creates and maps exactly byteSize bytes, as openOrCreate does")
    void createOnANewNameCreates() throws Exception {
        Attachment a = backend.create("fresh", 5000);
        assertTrue(a.created());
        assertEquals(5000, a.byteSize());
        assertEquals(List.of("CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 5000, \"fresh\")",
                "MapViewOfFile(" + (FILE_MAP_READ | FILE_MAP_WRITE) + ", 5000)"), kernel.log());
        a.detach();
        assertFalse(kernel.exists("fresh"));
    }

    @Test
    @DisplayName("create on a name that exists closes the handle ERROR_ALREADY_EXISTS came with, maps nothing, and"
            + " raises SharedMemoryAlreadyExistsException naming the call and the error")
    void createOnAnExistingNameIsRefusedAndLeaksNothing() throws Exception {
        Attachment owner = backend.openOrCreate("taken", 4096);
        int calls = kernel.log().size();
        SharedMemoryAlreadyExistsException e = assertThrows(SharedMemoryAlreadyExistsException.class,
                () -> backend.create("taken", 4096));
        assertInstanceOf(FileAlreadyExistsException.class, e);
        assertEquals("taken", e.getFile());
        assertEquals("shared memory block \"taken\" already exists: CreateFileMappingW(\"taken\") answered"
                + " ERROR_ALREADY_EXISTS (183: Cannot create a file when that file already exists.)", e.getMessage());
        assertEquals(List.of("CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, \"taken\")",
                "CloseHandle"), kernel.log().subList(calls, kernel.log().size()));
        assertEquals(1, kernel.openHandles(), "only the owner's handle is open");
        assertEquals(1, kernel.mappedViews(), "only the owner's view is mapped");
        owner.detach();
        assertFalse(kernel.exists("taken"), "the refused create left no reference behind");
    }

    @Test
    @DisplayName("create with a sharing mode is unsupported on Windows and calls nothing")
    void createWithASharingModeIsUnsupported() {
        assertThrows(UnsupportedOperationException.class, () -> backend.create("shared", 4096, 0660));
        assertEquals(List.of(), kernel.log());
    }

    @Test
    @DisplayName("detach unmaps the view and closes the handle, and the last detach frees the block")
    void lastDetachFreesTheBlock() throws Exception {
        Attachment a = backend.openOrCreate("lifetime", 4096);
        Attachment b = backend.openExisting("lifetime");
        a.detach();
        assertTrue(kernel.exists("lifetime"), "b still holds it");
        b.detach();
        assertFalse(kernel.exists("lifetime"));
        assertEquals(0, kernel.openHandles());
        assertEquals(0, kernel.mappedViews());
        assertTrue(backend.openOrCreate("lifetime", 4096).created(), "a freed name is created afresh");
    }

    @Test
    @DisplayName("detach closes the handle even when UnmapViewOfFile fails, and reports the unmap failure")
    void detachClosesTheHandleWhenUnmapFails() throws Exception {
        Attachment a = backend.openOrCreate("unmap", 4096);
        kernel.failNext("UnmapViewOfFile", ERROR_INVALID_ADDRESS);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, a::detach);
        assertEquals("UnmapViewOfFile", e.call());
        assertEquals(0, kernel.openHandles());
    }

    @Test
    @DisplayName("names reach CreateFileMappingW and OpenFileMappingW unchanged, namespace prefix included")
    void namesArePassedThroughUnchanged() throws Exception {
        for (String name : new String[] {"dllmemfilemap", "Local\\dllmemfilemap", "Global\\dllmemfilemap"}) {
            backend.openOrCreate(name, 4096).detach();
            assertThrows(NoSuchSharedMemoryException.class, () -> backend.openExisting(name));
        }
        assertTrue(kernel.log().get(0).endsWith(", \"dllmemfilemap\")"), kernel.log().get(0));
        assertTrue(kernel.log().stream().anyMatch(l -> l.endsWith(", \"Local\\dllmemfilemap\")")), kernel.log().toString());
        assertTrue(kernel.log().stream().anyMatch(l -> l.endsWith(", FALSE, \"Global\\dllmemfilemap\")")), kernel.log().toString());
    }

    @Test
    @DisplayName("the system's text from FormatMessageW is preferred to the built-in English text")
    void systemMessageTextIsUsed() {
        kernel.message(ERROR_ACCESS_DENIED, "Zugriff verweigert");
        kernel.failNext("CreateFileMappingW", ERROR_ACCESS_DENIED);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openOrCreate("de", 4096));
        assertEquals("CreateFileMappingW(\"de\") failed: ERROR_ACCESS_DENIED (5: Zugriff verweigert)", e.getMessage());
    }

    @Test
    @DisplayName("an error code with no name is reported by its number")
    void unknownErrorIsNamedByNumber() {
        kernel.failNext("CreateFileMappingW", 9999);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openOrCreate("odd", 4096));
        assertEquals("CreateFileMappingW(\"odd\") failed: error 9999 (9999: unknown error)", e.getMessage());
    }

    @Test
    @DisplayName("every ERROR_ constant in Kernel32 has a symbolic name and a text even without FormatMessageW")
    void everyNamedErrorHasText() throws Exception {
        int checked = 0;
        for (Field f : Kernel32.class.getFields()) {
            if (f.getName().startsWith("ERROR_")) {
                int code = f.getInt(null);
                assertEquals(f.getName(), Win32Errors.name(code));
                assertFalse(Win32Errors.text(code, kernel).endsWith("unknown error"), f.getName() + " has no text");
                checked++;
            }
        }
        assertTrue(checked > 10, "found " + checked + " ERROR_ constants");
    }

    @Test
    @DisplayName("location names the session namespace for an unprefixed name, and keeps an explicit prefix")
    void locationNamesTheNamespace() {
        assertEquals("Local\\jobs", backend.location("jobs"));
        assertEquals("Global\\jobs", backend.location("Global\\jobs"));
    }
}
