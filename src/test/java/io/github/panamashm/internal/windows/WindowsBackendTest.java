package io.github.panamashm.internal.windows;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemoryAlreadyExistsException;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.internal.Attachment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import java.nio.file.NoSuchFileException;

import static io.github.panamashm.internal.windows.Kernel32.ERROR_ACCESS_DENIED;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_INVALID_HANDLE;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_PRIVILEGE_NOT_HELD;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_INVALID_ADDRESS;
import static io.github.panamashm.internal.windows.Kernel32.ERROR_NOT_ENOUGH_MEMORY;
import static io.github.panamashm.internal.windows.Kernel32.FILE_MAP_READ;
import static io.github.panamashm.internal.windows.Kernel32.FILE_MAP_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything {@link WindowsBackend} and {@link Win32Calls} decide, run against the model {@link FakeKernel32} on
 * any OS, with failures injected where the real kernel32 cannot be made to fail. The contract suite
 * ({@link Win32ContractTest}) holds the model to Wine's kernel32 here and to the real one on Windows.
 */
class WindowsBackendTest {
    private final FakeKernel32 kernel = new FakeKernel32();
    private final Win32Calls calls = new Win32Calls(kernel);
    private final WindowsBackend backend = new WindowsBackend(calls);

    private String call(String function) {
        return kernel.log().stream().filter(l -> l.startsWith(function + "(")).findFirst().orElseThrow();
    }

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
        assertEquals("CreateFileMappingW(INVALID_HANDLE_VALUE, sa, PAGE_READWRITE, " + (byteSize >>> 32) + ", "
                + (byteSize & 0xFFFF_FFFFL) + ", \"big\")", call("CreateFileMappingW"));
        assertEquals("MapViewOfFile(" + (FILE_MAP_READ | FILE_MAP_WRITE) + ", " + byteSize + ")", call("MapViewOfFile"));
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
        assertEquals("CreateFileMappingW(\"Global\\dllmemfilemap\") failed: ERROR_ACCESS_DENIED (5: Access is denied."
                + " Creating a file mapping in Global\\ from a session other than 0 needs the SeCreateGlobalPrivilege"
                + " privilege (services and administrators hold it); opening one that exists needs none.)", e.getMessage());
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
        assertEquals("CreateFileMappingW(INVALID_HANDLE_VALUE, sa, PAGE_READWRITE, 0, 5000, \"fresh\")",
                call("CreateFileMappingW"));
        assertEquals("MapViewOfFile(" + (FILE_MAP_READ | FILE_MAP_WRITE) + ", 5000)", call("MapViewOfFile"));
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
        List<String> made = kernel.log().subList(calls, kernel.log().size());
        assertTrue(made.stream().noneMatch(l -> l.startsWith("MapViewOfFile")), made.toString());
        assertEquals("CloseHandle", made.getLast(), made.toString());
        assertEquals(1, kernel.openHandles(), "only the owner's handle is open");
        assertEquals(1, kernel.mappedViews(), "only the owner's view is mapped");
        owner.detach();
        assertFalse(kernel.exists("taken"), "the refused create left no reference behind");
    }

    @Test
    @DisplayName("create by another user of a block shared with everyone is refused too, whether CreateFileMappingW"
            + " answers ERROR_ALREADY_EXISTS or is denied and OpenFileMappingW opens it, and leaves no handle")
    void createOfAnotherUsersSharedBlockIsRefused() throws Exception {
        Attachment mine = backend.openOrCreate("shared", 4096, 0666);
        FakeKernel32 process = kernel.newProcess(OTHER_USER, OTHER_USER);
        WindowsBackend other = new WindowsBackend(new Win32Calls(process));
        assertThrows(SharedMemoryAlreadyExistsException.class, () -> other.create("shared", 4096, 0666));
        process.failNext("CreateFileMappingW", ERROR_ACCESS_DENIED);
        SharedMemoryAlreadyExistsException e = assertThrows(SharedMemoryAlreadyExistsException.class,
                () -> other.create("shared", 4096, 0666));
        assertEquals("shared memory block \"shared\" already exists: CreateFileMappingW(\"shared\") was denied and"
                + " OpenFileMappingW opened it: another user's block", e.getMessage());
        assertEquals(0, process.openHandles());
        assertEquals(0, process.mappedViews());
        mine.detach();
        assertFalse(kernel.exists("shared"));
    }

    @Test
    @DisplayName("create with the group sharing mode is unsupported on Windows and creates nothing")
    void createWithTheGroupModeIsUnsupported() {
        assertThrows(UnsupportedOperationException.class, () -> backend.create("group", 4096, 0660));
        assertFalse(kernel.exists("group"));
        assertTrue(kernel.log().stream().noneMatch(l -> l.startsWith("CreateFileMappingW")), kernel.log().toString());
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
        assertTrue(call("CreateFileMappingW").endsWith(", \"dllmemfilemap\")"), kernel.log().toString());
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
                assertFalse(Win32Errors.text(code, calls).endsWith("unknown error"), f.getName() + " has no text");
                checked++;
            }
        }
        assertTrue(checked > 10, "found " + checked + " ERROR_ constants");
    }

    @Test
    @DisplayName("a private block is created owned by the process's user with a DACL for that user and SYSTEM only")
    void privateBlockIsCreatedForTheUserAndSystem() throws Exception {
        Attachment mine = backend.openOrCreate("private", 4096);
        Win32Calls.Result h = calls.openFileMapping("private", WindowsBackend.OPEN_ACCESS);
        Win32Calls.ObjectSecurity s = calls.security(h.value());
        assertEquals(WindowsSecurity.toString(kernel.user()), WindowsSecurity.toString(s.owner()));
        assertEquals(List.of(WindowsSecurity.toString(kernel.user()), "S-1-5-18"),
                s.dacl().stream().map(a -> WindowsSecurity.toString(a.sid())).toList());
        calls.closeHandle(h.value());

        Win32Calls other = new Win32Calls(kernel.newProcess(OTHER_USER, OTHER_USER));
        assertEquals(ERROR_ACCESS_DENIED, other.openFileMapping("private", WindowsBackend.OPEN_ACCESS).lastError(),
                "another user may not open it");
        mine.detach();
    }

    private static final byte[] OTHER_USER = WindowsSecurity.sid(5, 21, 1, 2, 3, 1002);

    @Test
    @DisplayName("a block shared with everyone can be attached by another user who shares it too")
    void everyoneBlockIsAttachedByAnotherUser() throws Exception {
        Attachment mine = backend.openOrCreate("everyone", 4096, 0666);
        WindowsBackend other = new WindowsBackend(new Win32Calls(kernel.newProcess(OTHER_USER, OTHER_USER)));
        Attachment theirs = other.openOrCreate("everyone", 4096, 0666);
        assertFalse(theirs.created());
        assertTrue(kernel.log().stream().noneMatch(l -> l.startsWith("OpenFileMappingW")),
                "the creator's own process needed no OpenFileMappingW");
        theirs.detach();
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> other.openExisting("everyone"));
        assertTrue(e.getMessage().contains("not by this process's user S-1-5-21-1-2-3-1002"), e.getMessage());
        mine.detach();
    }

    @Test
    @DisplayName("an elevated process accepts a block owned by BUILTIN\\Administrators, its token's default owner, as a native peer running elevated creates it")
    void elevatedProcessAcceptsBlocksOwnedByAdministrators() throws Exception {
        byte[] administrators = WindowsSecurity.sid(5, 32, 544);
        FakeKernel32 peer = kernel.newProcess(kernel.user(), administrators);
        Win32Calls.Result made = new Win32Calls(peer).createFileMapping("admin", 4096, null); // the default descriptor
        FakeKernel32 elevated = kernel.newProcess(kernel.user(), administrators);
        new WindowsBackend(new Win32Calls(elevated)).openExisting("admin").detach();
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openExisting("admin"));
        assertEquals(ERROR_ACCESS_DENIED, e.errorCode(), "the same user not elevated is kept out by the default DACL");
        new Win32Calls(peer).closeHandle(made.value());
    }

    @Test
    @DisplayName("a new block is mapped without asking for its security or its pages: it was created committed, as asked")
    void newBlockIsNotChecked() throws Exception {
        backend.openOrCreate("fresh", 4096).detach();
        assertTrue(kernel.log().stream().noneMatch(l -> l.equals("GetSecurityInfo") || l.equals("VirtualQuery")),
                kernel.log().toString());
    }

    @Test
    @DisplayName("a failure to read the process token names OpenProcessToken and the block")
    void tokenFailureIsNamed() {
        kernel.failNext("OpenProcessToken", ERROR_ACCESS_DENIED);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openOrCreate("token", 4096));
        assertEquals("OpenProcessToken(\"token\") failed: ERROR_ACCESS_DENIED (5: Access is denied.)", e.getMessage());
        assertEquals(0, kernel.openHandles());
    }

    @Test
    @DisplayName("a user SID longer than GetTokenInformation's first buffer is read after ERROR_INSUFFICIENT_BUFFER")
    void longUserSidIsRead() throws Exception {
        byte[] longSid = WindowsSecurity.sid(5, 21, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        Win32Calls long1 = new Win32Calls(kernel.newProcess(longSid, longSid));
        assertArrayEquals(longSid, long1.token().user());
        assertArrayEquals(longSid, long1.token().defaultOwner());
    }

    @Test
    @DisplayName("when GetSecurityInfo fails the existing block's handle is closed and the error names GetSecurityInfo")
    void securityFailureClosesTheHandle() throws Exception {
        Attachment owner = backend.openOrCreate("security", 4096);
        kernel.failNext("GetSecurityInfo", ERROR_ACCESS_DENIED);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openExisting("security"));
        assertEquals("GetSecurityInfo", e.call());
        assertEquals(1, kernel.openHandles());
        owner.detach();
    }

    @Test
    @DisplayName("ERROR_INVALID_HANDLE for a name no event, mutex, semaphore, timer or job holds says another type holds it")
    void invalidHandleOfUnknownKind() {
        kernel.failNext("CreateFileMappingW", ERROR_INVALID_HANDLE);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openOrCreate("odd-kind", 4096));
        assertTrue(e.getMessage().endsWith("(6: The handle is invalid. The name belongs to an object of another type, not"
                + " a file mapping (events, mutexes, semaphores, waitable timers, job objects and file mappings share one"
                + " namespace).)"), e.getMessage());
    }

    @Test
    @DisplayName("the Global\\ privilege hint comes with ERROR_PRIVILEGE_NOT_HELD too, and never for a Local\\ name")
    void globalHintOnlyForGlobalNames() {
        kernel.failNext("CreateFileMappingW", ERROR_PRIVILEGE_NOT_HELD);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openOrCreate("Global\\p", 4096));
        assertTrue(e.getMessage().contains("needs the SeCreateGlobalPrivilege privilege"), e.getMessage());
        kernel.failNext("CreateFileMappingW", ERROR_ACCESS_DENIED);
        e = assertThrows(SharedMemoryException.class, () -> backend.openOrCreate("Local\\p", 4096));
        assertEquals("CreateFileMappingW(\"Local\\p\") failed: ERROR_ACCESS_DENIED (5: Access is denied.)", e.getMessage());
    }

    @Test
    @DisplayName("a name held by another user's event is named as an event: opening it as one is denied, not refused as another type")
    void anotherUsersEventIsNamed() {
        kernel.newProcess(OTHER_USER, OTHER_USER).createEvent("their-event");
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openOrCreate("their-event", 4096));
        assertTrue(e.getMessage().contains("The name belongs to an event, not a file mapping"), e.getMessage());
    }

    @Test
    @DisplayName("GetTokenInformation short of room twice is an error, not a loop")
    void tokenBufferRetriedOnce() {
        kernel.failNext("GetTokenInformation", Kernel32.ERROR_INSUFFICIENT_BUFFER)
                .failNext("GetTokenInformation", Kernel32.ERROR_INSUFFICIENT_BUFFER);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> backend.openOrCreate("room", 4096));
        assertEquals("GetTokenInformation", e.call());
        assertEquals(Kernel32.ERROR_INSUFFICIENT_BUFFER, e.errorCode());
    }

    @Test
    @DisplayName("SIDs are written and printed as ConvertSidToStringSid does: a 48-bit big-endian authority, in hex from 2^32 on")
    void sidsAreWrittenAndPrintedAsWindowsDoes() {
        byte[] sid = WindowsSecurity.sid(0x123456789ABCL, 7, -1);
        assertArrayEquals(new byte[] {1, 2, 0x12, 0x34, 0x56, 0x78, (byte) 0x9A, (byte) 0xBC, 7, 0, 0, 0, -1, -1, -1, -1},
                sid);
        assertEquals("S-1-0x123456789ABC-7-4294967295", WindowsSecurity.toString(sid));
        assertEquals("S-1-4294967295", WindowsSecurity.toString(WindowsSecurity.sid(0xFFFF_FFFFL)));
        assertEquals("S-1-0x000100000000", WindowsSecurity.toString(WindowsSecurity.sid(1L << 32)));
        assertEquals("S-1-5-32-544", WindowsSecurity.toString(WindowsSecurity.sid(5, 32, 544)));
    }

    @Test
    @DisplayName("the descriptor panama-shm creates is one the kernel takes: self-relative, revision 1, a present DACL of revision 2")
    void descriptorIsValid() throws Exception {
        byte[] d = WindowsSecurity.descriptor(kernel.user(), true);
        MemorySegment s = MemorySegment.ofArray(d);
        assertEquals(1, d[0]);
        assertEquals(Advapi32.SE_SELF_RELATIVE | Advapi32.SE_DACL_PRESENT | Advapi32.SE_DACL_PROTECTED,
                s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2) & 0xFFFF);
        int aclAt = s.get(ValueLayout.JAVA_INT_UNALIGNED, 16);
        assertEquals(2, d[aclAt], "ACL_REVISION");
        assertEquals(d.length - aclAt, s.get(ValueLayout.JAVA_SHORT_UNALIGNED, aclAt + 2), "the ACL ends the descriptor");
        assertFalse(calls.createFileMapping("valid", 4096, d).failed());
    }

    @Test
    @DisplayName("location names the session namespace for an unprefixed name, and keeps an explicit prefix")
    void locationNamesTheNamespace() {
        assertEquals("Local\\jobs", backend.location("jobs"));
        assertEquals("Global\\jobs", backend.location("Global\\jobs"));
    }
}
