package io.github.panamashm.internal.windows;

import io.github.panamashm.NoSuchSharedMemoryException;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.SharedString;
import io.github.panamashm.internal.Attachment;
import io.github.panamashm.testing.TestNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static io.github.panamashm.internal.windows.Kernel32.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract: what kernel32 and advapi32 do for panama-shm, and what panama-shm's Windows code does on top of
 * them, across several processes. The same tests run against the model ({@link FakeKernel32ContractTest}),
 * Wine's kernel32 ({@link WineKernel32ContractTest}, on Linux) and the real kernel32
 * ({@link WindowsKernel32ContractTest}, on Windows in CI), so the fast unit tests' model is held to what Wine and
 * Windows do. Where Wine is known to differ from Windows the test says so.
 */
abstract class Win32ContractTest {
    static final long PAGE = 4096;
    private final List<SimulatedProcess> processes = new ArrayList<>();

    /** @return a new process on the kernel under test */
    abstract SimulatedProcess newProcess();

    final SimulatedProcess start() {
        SimulatedProcess p = newProcess();
        processes.add(p);
        return p;
    }

    @AfterEach
    void endProcesses() {
        for (SimulatedProcess p : processes) {
            p.close();
        }
    }

    private static String name(String what) {
        return TestNames.unique("Local\\win-" + what);
    }

    private static void check(Win32Calls.Result r, String what) {
        assertFalse(r.failed(), what + " failed with " + r.lastError());
    }

    // ---- kernel32 as panama-shm relies on it ----

    @Test
    @DisplayName("CreateFileMappingW creates with ERROR_SUCCESS and opens an existing name with ERROR_ALREADY_EXISTS")
    void alreadyExistsIsReportedOnSuccess() {
        SimulatedProcess a = start(), b = start();
        String name = name("exists");
        Win32Calls.Result first = a.calls().createFileMapping(name, PAGE, null);
        Win32Calls.Result second = b.calls().createFileMapping(name, PAGE, null);
        check(first, "create");
        check(second, "open");
        assertEquals(ERROR_SUCCESS, first.lastError());
        assertEquals(ERROR_ALREADY_EXISTS, second.lastError());
        check(b.calls().closeHandle(second.value()), "CloseHandle");
        check(a.calls().closeHandle(first.value()), "CloseHandle");
    }

    @Test
    @DisplayName("OpenFileMappingW of a name nobody holds fails with ERROR_FILE_NOT_FOUND")
    void missingNameIsFileNotFound() {
        Win32Calls.Result r = start().calls().openFileMapping(name("missing"), WindowsBackend.OPEN_ACCESS);
        assertTrue(r.failed());
        assertEquals(ERROR_FILE_NOT_FOUND, r.lastError());
    }

    @Test
    @DisplayName("a name goes at the last CloseHandle even while a view is mapped; a new create then gets a fresh section")
    void nameGoesWithTheLastHandleNotTheLastView() {
        SimulatedProcess a = start(), b = start();
        String name = name("name-lifetime");
        Win32Calls.Result h = a.calls().createFileMapping(name, PAGE, null);
        Win32Calls.Result view = a.calls().mapViewOfFile(h.value(), WindowsBackend.VIEW_ACCESS, 0);
        check(view, "MapViewOfFile");
        MemorySegment old = MemorySegment.ofAddress(view.value()).reinterpret(PAGE);
        old.set(ValueLayout.JAVA_LONG, 0, 42);
        check(a.calls().closeHandle(h.value()), "CloseHandle");

        assertEquals(ERROR_FILE_NOT_FOUND, b.calls().openFileMapping(name, WindowsBackend.OPEN_ACCESS).lastError(),
                "the view does not keep the name");
        Win32Calls.Result again = b.calls().createFileMapping(name, PAGE, null);
        assertEquals(ERROR_SUCCESS, again.lastError(), "a fresh section");
        Win32Calls.Result fresh = b.calls().mapViewOfFile(again.value(), WindowsBackend.VIEW_ACCESS, 0);
        assertEquals(0, MemorySegment.ofAddress(fresh.value()).reinterpret(PAGE).get(ValueLayout.JAVA_LONG, 0));
        assertEquals(42, old.get(ValueLayout.JAVA_LONG, 0), "the old view keeps the old section");
        check(b.calls().unmapViewOfFile(fresh.value()), "UnmapViewOfFile");
        check(b.calls().closeHandle(again.value()), "CloseHandle");
        check(a.calls().unmapViewOfFile(view.value()), "UnmapViewOfFile");
    }

    @Test
    @DisplayName("a whole view's RegionSize is the section's size rounded up to whole pages, and its pages are committed")
    void wholeViewIsThePageRoundedSection() {
        SimulatedProcess a = start();
        Win32Calls.Result h = a.calls().createFileMapping(name("region"), 5000, null);
        Win32Calls.Result view = a.calls().mapViewOfFile(h.value(), WindowsBackend.VIEW_ACCESS, 0);
        Win32Calls.Region region = a.calls().virtualQuery(view.value());
        assertEquals(2 * PAGE, region.regionSize());
        assertEquals(MEM_COMMIT, region.state());
        assertEquals(view.value(), region.allocationBase());
        assertNotEquals(view.value(), a.calls().virtualQuery(view.value() + 2 * PAGE).allocationBase(),
                "the next region is not the view's");
        a.calls().unmapViewOfFile(view.value());
        a.calls().closeHandle(h.value());
    }

    @Test
    @DisplayName("a view larger than the section fails with ERROR_ACCESS_DENIED")
    void viewLargerThanTheSectionIsAccessDenied() {
        SimulatedProcess a = start();
        Win32Calls.Result h = a.calls().createFileMapping(name("too-big"), 5000, null);
        Win32Calls.Result view = a.calls().mapViewOfFile(h.value(), WindowsBackend.VIEW_ACCESS, 3 * PAGE);
        assertTrue(view.failed());
        assertEquals(ERROR_ACCESS_DENIED, view.lastError());
        a.calls().closeHandle(h.value());
    }

    @Test
    @DisplayName("a size of 0 with the paging file fails with ERROR_INVALID_PARAMETER")
    void zeroSizeIsInvalidParameter() {
        Win32Calls.Result h = start().calls().createFileMapping(name("zero"), 0, null);
        assertTrue(h.failed());
        assertEquals(ERROR_INVALID_PARAMETER, h.lastError());
    }

    @Test
    @DisplayName("a name held by an event: CreateFileMappingW and OpenFileMappingW fail with ERROR_INVALID_HANDLE, and opening it as an event tells")
    void nameOfAnEventIsInvalidHandle() {
        SimulatedProcess a = start(), b = start();
        String name = name("event");
        a.createEvent(name);
        assertEquals(ERROR_INVALID_HANDLE, b.calls().createFileMapping(name, PAGE, null).lastError());
        assertEquals(ERROR_INVALID_HANDLE, b.calls().openFileMapping(name, WindowsBackend.OPEN_ACCESS).lastError());
        assertEquals("an event", b.calls().objectKind(name));
        assertNull(b.calls().objectKind(name("nothing")));
    }

    @Test
    @DisplayName("a SEC_RESERVE section's view reports reserved pages over its whole size, then a committed page and a reserved rest")
    void reservedSectionReportsItsState() {
        SimulatedProcess a = start();
        Win32Calls.Result h = a.calls().createFileMapping(name("reserve"), 3 * PAGE, null,
                PAGE_READWRITE | FakeKernel32.SEC_RESERVE);
        check(h, "CreateFileMappingW(SEC_RESERVE)");
        Win32Calls.Result view = a.calls().mapViewOfFile(h.value(), WindowsBackend.VIEW_ACCESS, 0);
        Win32Calls.Region all = a.calls().virtualQuery(view.value());
        assertEquals(MEM_RESERVE, all.state());
        assertEquals(3 * PAGE, all.regionSize());
        a.commit(view.value(), PAGE);
        Win32Calls.Region first = a.calls().virtualQuery(view.value());
        Win32Calls.Region rest = a.calls().virtualQuery(view.value() + PAGE);
        assertEquals(MEM_COMMIT, first.state());
        assertEquals(PAGE, first.regionSize());
        assertEquals(MEM_RESERVE, rest.state());
        assertEquals(view.value(), rest.allocationBase(), "the reserved rest is part of the same view");
        a.calls().unmapViewOfFile(view.value());
        a.calls().closeHandle(h.value());
    }

    @Test
    @DisplayName("FormatMessageW has a one-line text for ERROR_ACCESS_DENIED")
    void formatMessageHasText() {
        String text = start().calls().formatMessage(ERROR_ACCESS_DENIED);
        assertNotNull(text);
        assertFalse(text.isBlank());
        assertFalse(text.contains("\n"), text);
    }

    @Test
    @DisplayName("a section created with panama-shm's descriptor reports that owner and DACL to GetSecurityInfo")
    void createdDescriptorIsWhatGetSecurityInfoReports() throws Exception {
        SimulatedProcess a = start();
        Win32Calls.Token token = a.calls().token();
        assertEquals(1, token.user()[0], "a SID's revision is 1");
        for (boolean everyone : new boolean[] {false, true}) {
            Win32Calls.Result h = a.calls().createFileMapping(name("descriptor"), PAGE,
                    WindowsSecurity.descriptor(token.user(), everyone));
            check(h, "create");
            Win32Calls.ObjectSecurity s = a.calls().security(h.value());
            assertArrayEquals(token.user(), s.owner());
            List<String> dacl = new ArrayList<>();
            for (Win32Calls.Ace ace : s.dacl()) {
                dacl.add(WindowsSecurity.toString(ace.sid()) + ":" + Integer.toHexString(ace.mask()));
            }
            List<String> expected = new ArrayList<>(List.of(WindowsSecurity.toString(token.user()) + ":f001f",
                    "S-1-5-18:f001f"));
            if (everyone) {
                expected.add("S-1-5-11:20007");
            }
            assertEquals(expected, dacl);
            a.calls().closeHandle(h.value());
        }
    }

    @Test
    @DisplayName("a process that ends, even killed, closes its handles: its block's name goes")
    void anEndedProcessReleasesItsBlock() throws Exception {
        SimulatedProcess a = start(), b = start();
        assumeTrue(a.canExit(), "every simulated process is this JVM on the real kernel32");
        String name = name("exit");
        a.backend().openOrCreate(name, PAGE);
        a.exit();
        assertThrows(NoSuchSharedMemoryException.class, () -> b.backend().openExisting(name));
    }

    // ---- WindowsBackend ----

    @Test
    @DisplayName("of two processes the first creates the block and the second shares its bytes")
    void twoProcessesShareABlock() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("share");
        Attachment first = a.backend().openOrCreate(name, 5000);
        Attachment second = b.backend().openOrCreate(name, 5000);
        assertTrue(first.created());
        assertFalse(second.created());
        assertEquals(5000, second.byteSize());
        first.address().reinterpret(5000).set(ValueLayout.JAVA_LONG, 4992, 0x0123456789ABCDEFL);
        assertEquals(0x0123456789ABCDEFL, second.address().reinterpret(5000).get(ValueLayout.JAVA_LONG, 4992));
        Attachment third = b.backend().openExisting(name);
        assertEquals(2 * PAGE, third.byteSize(), "openExisting maps whole pages");
        third.detach();
        second.detach();
        first.detach();
        assertThrows(NoSuchSharedMemoryException.class, () -> b.backend().openExisting(name));
    }

    @Test
    @DisplayName("openOrCreate refuses an existing block smaller than asked for, in whole pages")
    void smallerBlockIsRefused() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("small");
        Attachment owner = a.backend().openOrCreate(name, 100);
        Attachment page = b.backend().openOrCreate(name, PAGE);
        assertEquals(PAGE, page.byteSize(), "100 bytes are one whole page");
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> b.backend().openOrCreate(name, PAGE + 1));
        assertTrue(e.getMessage().contains("the block has 4096 bytes (whole pages), fewer than the 4097 asked for"),
                e.getMessage());
        page.detach();
        owner.detach();
    }

    /**
     * A peer's SEC_RESERVE section, with a descriptor the backend accepts (Wine gives an object created without
     * one no security at all, which the backend refuses before it looks at the pages).
     */
    private static Win32Calls.Result createReserved(SimulatedProcess p, String name, long size) throws Exception {
        return p.calls().createFileMapping(name, size, WindowsSecurity.descriptor(p.calls().token().user(), false),
                PAGE_READWRITE | FakeKernel32.SEC_RESERVE);
    }

    @Test
    @DisplayName("a section whose pages are only reserved is refused, not touched: the process survives")
    void reservedSectionIsRefused() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("reserved");
        check(createReserved(a, name, 2 * PAGE), "create");
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> b.backend().openExisting(name));
        assertTrue(e.getMessage().contains("its pages are reserved, not committed"), e.getMessage());
        e = assertThrows(SharedMemoryException.class, () -> b.backend().openOrCreate(name, PAGE));
        assertTrue(e.getMessage().contains("its pages are reserved, not committed"), e.getMessage());
    }

    @Test
    @DisplayName("a section whose first pages only are committed is refused, naming how much is committed")
    void partlyCommittedSectionIsRefused() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("partly");
        Win32Calls.Result h = createReserved(a, name, 3 * PAGE);
        Win32Calls.Result view = a.calls().mapViewOfFile(h.value(), WindowsBackend.VIEW_ACCESS, 0);
        a.commit(view.value(), PAGE);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> b.backend().openExisting(name));
        assertTrue(e.getMessage().contains("only its first 4096 bytes are committed"), e.getMessage());
    }

    @Test
    @DisplayName("a name held by an event is refused with ERROR_INVALID_HANDLE and a message naming the event")
    void nameHeldByAnEventIsNamed() {
        SimulatedProcess a = start(), b = start();
        String name = name("taken");
        a.createEvent(name);
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> b.backend().openOrCreate(name, PAGE));
        assertEquals(ERROR_INVALID_HANDLE, e.errorCode());
        assertTrue(e.getMessage().contains("The name belongs to an event, not a file mapping"), e.getMessage());
        e = assertThrows(SharedMemoryException.class, () -> b.backend().openExisting(name));
        assertTrue(e.getMessage().contains("The name belongs to an event, not a file mapping"), e.getMessage());
    }

    /** Creates {@code name} owned by SYSTEM with a DACL that lets every authenticated user map it: another user's shared block. */
    private static Win32Calls.Result createOwnedBySystem(SimulatedProcess p, String name) {
        Win32Calls.Result h = p.calls().createFileMapping(name, PAGE, WindowsSecurity.descriptor(WindowsSecurity.SYSTEM, true));
        assumeTrue(h.lastError() != 1307, "this process may not make SYSTEM an owner (ERROR_INVALID_OWNER): Wine allows"
                + " it, Windows only with SeRestorePrivilege enabled");
        check(h, "create owned by SYSTEM");
        return h;
    }

    @Test
    @DisplayName("a block another user owns is refused by a private attach and accepted with SHARE_WITH_EVERYONE")
    void blockOwnedByAnotherUserNeedsShareWithEveryone() throws Exception {
        SimulatedProcess other = start(), me = start();
        String name = name("foreign");
        createOwnedBySystem(other, name);
        for (var attach : List.<ThrowingAttach>of(() -> me.backend().openExisting(name),
                () -> me.backend().openOrCreate(name, PAGE))) {
            SharedMemoryException e = assertThrows(SharedMemoryException.class, attach::run);
            assertTrue(e.getMessage().contains("it is owned by S-1-5-18, not by this process's user"), e.getMessage());
        }
        me.backend().openExisting(name, 0666).detach();
        Attachment shared = me.backend().openOrCreate(name, PAGE, 0666);
        assertFalse(shared.created());
        shared.detach();
    }

    private interface ThrowingAttach {
        void run() throws Exception;
    }

    @Test
    @DisplayName("a block shared with everyone is refused by a private attach of its own user, and accepted when shared")
    void sharedBlockNeedsTheSharingOption() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("everyone");
        Attachment creator = a.backend().openOrCreate(name, PAGE, 0666);
        assertTrue(creator.created());
        SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> b.backend().openOrCreate(name, PAGE));
        assertTrue(e.getMessage().contains("its DACL lets Authenticated Users (S-1-5-11) use it"), e.getMessage());
        b.backend().openOrCreate(name, PAGE, 0666).detach();
        creator.detach();
    }

    @Test
    @DisplayName("a block with a NULL DACL, which every user may change, is refused even when shared with everyone")
    void nullDaclIsRefused() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("null-dacl");
        check(a.calls().createFileMapping(name, PAGE, nullDacl(a.calls().token().user())), "create");
        for (int mode : new int[] {0600, 0666}) {
            SharedMemoryException e = assertThrows(SharedMemoryException.class, () -> b.backend().openExisting(name, mode));
            assertTrue(e.getMessage().contains("it has no DACL"), e.getMessage());
        }
    }

    /** A self-relative descriptor owned by {@code owner} whose DACL is present and NULL. */
    private static byte[] nullDacl(byte[] owner) {
        byte[] d = new byte[20 + owner.length];
        MemorySegment s = MemorySegment.ofArray(d);
        s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) (Advapi32.SE_SELF_RELATIVE | Advapi32.SE_DACL_PRESENT));
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 4, 20);
        System.arraycopy(owner, 0, d, 20, owner.length);
        return d;
    }

    @Test
    @DisplayName("SHARE_WITH_GROUP has no Windows meaning: UnsupportedOperationException before any call")
    void groupSharingIsUnsupported() {
        SimulatedProcess a = start();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> a.backend().openOrCreate(name("group"), PAGE, 0660));
        assertTrue(e.getMessage().contains("use SHARE_WITH_EVERYONE"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> a.backend().openExisting(name("group"), 0660));
    }

    // ---- the public API over it ----

    @Test
    @DisplayName("SharedString's text set in one process is read in another; the block goes with the last process")
    void sharedStringAcrossProcesses() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("text");
        String text = "This is a test string from Windows: é 😀";
        try (SharedString writer = a.api().openString(name)) {
            assertTrue(writer.created());
            writer.set(text);
            try (SharedString reader = b.api().openString(name)) {
                assertFalse(reader.created());
                assertEquals(text, reader.get());
                assertEquals("This", reader.get(5));
            }
        }
        assertThrows(NoSuchSharedMemoryException.class, () -> b.api().openExisting(name));
    }

    @Test
    @DisplayName("a block's segment is the section: a closed block's segment throws IllegalStateException, the other process keeps the bytes")
    void closedSegmentIsIllegalState() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = name("closed");
        try (SharedMemory keeper = b.api().openOrCreate(name, PAGE)) {
            SharedMemory m = a.api().openOrCreate(name, PAGE);
            MemorySegment s = m.segment();
            s.set(ValueLayout.JAVA_INT, 0, 7);
            m.close();
            assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_INT, 0));
            assertEquals(7, keeper.segment().get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    @DisplayName("names Windows accepts beyond the POSIX rules work: '/' inside, and 32,766 UTF-16 units")
    void windowsNamesWork() throws Exception {
        SimulatedProcess a = start(), b = start();
        String slash = name("a/b");
        String longName = "Local\\" + "w".repeat(32_766 - 6 - 36) + java.util.UUID.randomUUID();
        for (String n : new String[] {slash, longName}) {
            try (SharedMemory m = a.api().openOrCreate(n, PAGE); SharedMemory o = b.api().openExisting(n)) {
                m.segment().set(ValueLayout.JAVA_INT, 0, n.length());
                assertEquals(n.length(), o.segment().get(ValueLayout.JAVA_INT, 0));
            }
        }
    }

    // ---- the mutex and events of a text block (WindowsTextSync) ----

    /** Runs {@code call} on a thread of its own: on the real kernel32 every simulated process is this JVM. */
    private static <T> T onAnotherThread(java.util.concurrent.Callable<T> call) throws Exception {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(call);
        Thread t = Thread.ofPlatform().start(task);
        t.join();
        return task.get();
    }

    private static String derived(String what) {
        return WindowsTextSync.mutexName(name(what)); // with the U+001F separator, as the product makes them
    }

    private static int waitResult(Win32Calls.Result r) {
        return (int) r.value();
    }

    @Test
    @DisplayName("a mutex whose owner process ends is WAIT_ABANDONED for the next waiter, which then owns it; the next take is plain")
    void mutexOfAnEndedOwnerIsAbandoned() throws Exception {
        SimulatedProcess a = start(), b = start();
        assumeTrue(a.canExit(), "every simulated process is this JVM on the real kernel32");
        String name = derived("abandoned");
        Win32Calls.Result ma = a.calls().createMutex(name, null);
        check(ma, "CreateMutexW");
        assertEquals(ERROR_SUCCESS, ma.lastError());
        Win32Calls.Result mb = b.calls().createMutex(name, null);
        check(mb, "CreateMutexW of an existing mutex");
        assertEquals(ERROR_ALREADY_EXISTS, mb.lastError());
        assertEquals(WAIT_OBJECT_0, waitResult(a.calls().waitForSingleObject(ma.value(), 0)));
        assertEquals(WAIT_TIMEOUT, waitResult(b.calls().waitForSingleObject(mb.value(), 0)), "a owns it");
        a.exit();
        assertEquals(WAIT_ABANDONED, waitResult(b.calls().waitForSingleObject(mb.value(), 0)));
        check(b.calls().releaseMutex(mb.value()), "ReleaseMutex by the new owner");
        assertEquals(WAIT_OBJECT_0, waitResult(b.calls().waitForSingleObject(mb.value(), 0)), "abandoned only once");
        check(b.calls().releaseMutex(mb.value()), "ReleaseMutex");
        check(b.calls().closeHandle(mb.value()), "CloseHandle");
    }

    @Test
    @DisplayName("a mutex another thread owns: a 0 timeout answers WAIT_TIMEOUT, a timed wait ends when it is released, ReleaseMutex by a non-owner is ERROR_NOT_OWNER")
    void mutexExcludesOtherThreads() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = derived("owned");
        Win32Calls.Result ma = a.calls().createMutex(name, null);
        Win32Calls.Result mb = b.calls().openMutex(name, SYNCHRONIZE | MUTEX_MODIFY_STATE);
        check(mb, "OpenMutexW");
        assertEquals(WAIT_OBJECT_0, waitResult(a.calls().waitForSingleObject(ma.value(), 0)));
        assertEquals(WAIT_TIMEOUT, (int) onAnotherThread(() -> waitResult(b.calls().waitForSingleObject(mb.value(), 0))));
        Win32Calls.Result notOwner = onAnotherThread(() -> b.calls().releaseMutex(mb.value()));
        assertTrue(notOwner.failed());
        assertEquals(ERROR_NOT_OWNER, notOwner.lastError());
        check(a.calls().releaseMutex(ma.value()), "ReleaseMutex by the owner");
        assertEquals(WAIT_OBJECT_0, (int) onAnotherThread(() -> {
            int r = waitResult(b.calls().waitForSingleObject(mb.value(), 5_000));
            check(b.calls().releaseMutex(mb.value()), "ReleaseMutex");
            return r;
        }));
        check(b.calls().closeHandle(mb.value()), "CloseHandle");
        check(a.calls().closeHandle(ma.value()), "CloseHandle");
    }

    @Test
    @DisplayName("a manual-reset event set once ends every wait on it, in any process, until its last handle closes; the name then makes a new event, not set")
    void manualResetEventStaysSetForItsLife() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = WindowsTextSync.eventName(name("event"), 42);
        Win32Calls.Result ea = a.calls().createEvent(name, null);
        check(ea, "CreateEventW");
        assertEquals(ERROR_SUCCESS, ea.lastError());
        Win32Calls.Result eb = b.calls().createEvent(name, null);
        check(eb, "CreateEventW of an existing event");
        assertEquals(ERROR_ALREADY_EXISTS, eb.lastError());
        assertEquals(WAIT_TIMEOUT, waitResult(b.calls().waitForSingleObject(eb.value(), 0)), "not set");
        Win32Calls.Result setter = b.calls().openEvent(name, EVENT_MODIFY_STATE);
        check(setter, "OpenEventW(EVENT_MODIFY_STATE)");
        check(b.calls().setEvent(setter.value()), "SetEvent");
        check(b.calls().closeHandle(setter.value()), "CloseHandle");
        for (int i = 0; i < 2; i++) {
            assertEquals(WAIT_OBJECT_0, waitResult(a.calls().waitForSingleObject(ea.value(), 0)), "stays set");
            assertEquals(WAIT_OBJECT_0, waitResult(b.calls().waitForSingleObject(eb.value(), 0)), "for every wait");
        }
        check(a.calls().closeHandle(ea.value()), "CloseHandle");
        check(b.calls().closeHandle(eb.value()), "CloseHandle");
        Win32Calls.Result fresh = a.calls().createEvent(name, null);
        assertEquals(ERROR_SUCCESS, fresh.lastError(), "the name went with the last handle");
        assertEquals(WAIT_TIMEOUT, waitResult(a.calls().waitForSingleObject(fresh.value(), 0)));
        check(a.calls().closeHandle(fresh.value()), "CloseHandle");
    }

    @Test
    @DisplayName("a wait on an event not set ends at its timeout with WAIT_TIMEOUT, and at once when another process sets it")
    void eventWaitEndsAtTimeoutOrSet() throws Exception {
        SimulatedProcess a = start(), b = start();
        String name = WindowsTextSync.eventName(name("event-wait"), 0);
        Win32Calls.Result ea = a.calls().createEvent(name, null);
        long start = System.nanoTime();
        assertEquals(WAIT_TIMEOUT, waitResult(a.calls().waitForSingleObject(ea.value(), 50)));
        assertTrue(System.nanoTime() - start >= 45_000_000L, "not sooner than its timeout");
        java.util.concurrent.CompletableFuture<Integer> waited = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> waitResult(a.calls().waitForSingleObject(ea.value(), 30_000)));
        Thread.sleep(100); // the wait is likely inside; set before or after, it ends
        Win32Calls.Result eb = b.calls().openEvent(name, EVENT_MODIFY_STATE);
        check(b.calls().setEvent(eb.value()), "SetEvent");
        assertEquals(WAIT_OBJECT_0, (int) waited.get(20, java.util.concurrent.TimeUnit.SECONDS));
        check(b.calls().closeHandle(eb.value()), "CloseHandle");
        check(a.calls().closeHandle(ea.value()), "CloseHandle");
    }

    @Test
    @DisplayName("OpenEventW and OpenMutexW of a name nobody holds fail with ERROR_FILE_NOT_FOUND")
    void missingEventIsFileNotFound() {
        SimulatedProcess a = start();
        String name = WindowsTextSync.eventName(name("no-event"), 2);
        Win32Calls.Result e = a.calls().openEvent(name, EVENT_MODIFY_STATE);
        assertTrue(e.failed());
        assertEquals(ERROR_FILE_NOT_FOUND, e.lastError());
        Win32Calls.Result m = a.calls().openMutex(derived("no-mutex"), SYNCHRONIZE);
        assertTrue(m.failed());
        assertEquals(ERROR_FILE_NOT_FOUND, m.lastError());
    }

    @Test
    @DisplayName("mutexes, events and file mappings share one namespace: creating one kind under another's name fails with ERROR_INVALID_HANDLE")
    void mutexEventAndMappingShareTheNamespace() {
        SimulatedProcess a = start(), b = start();
        String mapping = name("kinds");
        Win32Calls.Result h = a.calls().createFileMapping(mapping, PAGE, null);
        check(h, "create");
        assertEquals(ERROR_INVALID_HANDLE, b.calls().createMutex(mapping, null).lastError());
        assertEquals(ERROR_INVALID_HANDLE, b.calls().createEvent(mapping, null).lastError());
        String mutex = derived("kinds");
        Win32Calls.Result m = a.calls().createMutex(mutex, null);
        check(m, "CreateMutexW");
        assertEquals(ERROR_INVALID_HANDLE, b.calls().createFileMapping(mutex, PAGE, null).lastError());
        assertEquals(ERROR_INVALID_HANDLE, b.calls().createEvent(mutex, null).lastError());
        assertEquals("a mutex", b.calls().objectKind(mutex));
        check(a.calls().closeHandle(m.value()), "CloseHandle");
        check(a.calls().closeHandle(h.value()), "CloseHandle");
    }

    @Test
    @DisplayName("a mutex and an event created with panama-shm's descriptor let their creator's user take, release, wait and set")
    void descriptorsGrantTheRightsAWriterNeeds() throws Exception {
        SimulatedProcess a = start(), b = start();
        Win32Calls.Token token = a.calls().token();
        for (boolean everyone : new boolean[] {false, true}) {
            String mutex = derived("sd-" + everyone);
            Win32Calls.Result m = a.calls().createMutex(mutex, WindowsSecurity.descriptor(token.user(), everyone,
                    MUTEX_ALL_ACCESS, WindowsSecurity.SHARED_MUTEX_ACCESS));
            check(m, "CreateMutexW(sa)");
            Win32Calls.Result again = b.calls().createMutex(mutex, null);
            check(again, "CreateMutexW of the existing mutex by its user");
            assertEquals(WAIT_OBJECT_0, waitResult(b.calls().waitForSingleObject(again.value(), 0)));
            check(b.calls().releaseMutex(again.value()), "ReleaseMutex");
            String event = WindowsTextSync.eventName(name("sd-" + everyone), 0);
            Win32Calls.Result e = a.calls().createEvent(event, WindowsSecurity.descriptor(token.user(), everyone,
                    EVENT_ALL_ACCESS, WindowsSecurity.SHARED_EVENT_ACCESS));
            check(e, "CreateEventW(sa)");
            Win32Calls.Result setter = b.calls().openEvent(event, EVENT_MODIFY_STATE);
            check(setter, "OpenEventW");
            check(b.calls().setEvent(setter.value()), "SetEvent");
            assertEquals(WAIT_OBJECT_0, waitResult(a.calls().waitForSingleObject(e.value(), 0)));
            for (long handle : new long[] {setter.value(), again.value()}) {
                check(b.calls().closeHandle(handle), "CloseHandle");
            }
            check(a.calls().closeHandle(e.value()), "CloseHandle");
            check(a.calls().closeHandle(m.value()), "CloseHandle");
        }
    }
}
