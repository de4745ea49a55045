package io.github.panamashm.reliability;

import io.github.panamashm.testing.TestNames;
import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;
import io.github.panamashm.internal.Names;
import io.github.panamashm.internal.Os;
import io.github.panamashm.testing.Figures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every name rule of {@link Names}, through the public API: each bad name is refused with an
 * {@link IllegalArgumentException} that names the rule, and nothing reaches the OS. The proof that no system
 * call was made is in /dev/shm: many of these names are ones {@code shm_open} would accept (and create an
 * object for: surrounding blanks, control characters, a 254-byte name on glibc 2.34+, a name cut short at
 * its NUL), or refuse with another error ({@code '/'} gives EINVAL), so an IllegalArgumentException and an
 * empty /dev/shm can only come from the check that runs first.
 */
@EnabledOnOs(OS.LINUX)
class NameRulesTest {
    /** Each test name carries this token, so /dev/shm can be searched for anything one of them created. */
    private static final String TOKEN = "rel2-names-" + UUID.randomUUID();
    private static final AtomicLong TRIED = new AtomicLong();
    private static final AtomicLong CALLS = new AtomicLong();

    static Stream<Arguments> badNames() {
        String t = TOKEN;
        return Stream.of(
                // name, rule fragment the message must contain
                Arguments.of("", "must not be empty"),
                Arguments.of("Local\\", "must not be empty after its namespace prefix"),
                Arguments.of("Global\\", "must not be empty after its namespace prefix"),
                Arguments.of(".", "must not be \".\" or \"..\""),
                Arguments.of("..", "must not be \".\" or \"..\""),
                Arguments.of("Local\\..", "must not be \".\" or \"..\""),
                Arguments.of(t + "\0tail", "must not contain NUL"),
                Arguments.of("\0" + t, "must not contain NUL"),
                Arguments.of(t + "/x", "must not contain '/'"),
                Arguments.of("/" + t, "must not contain '/'"),
                Arguments.of(t + "\\x", "except in a leading Local\\ or Global\\ prefix"),
                Arguments.of("Session\\" + t, "except in a leading Local\\ or Global\\ prefix"),
                Arguments.of("Global\\Local\\" + t, "except in a leading Local\\ or Global\\ prefix"),
                Arguments.of("local\\" + t, "except in a leading Local\\ or Global\\ prefix"),
                Arguments.of(" " + t, "must not begin or end with white space"),
                Arguments.of(t + " ", "must not begin or end with white space"),
                Arguments.of("Local\\ " + t, "must not begin or end with white space"),
                Arguments.of(t + "\u00A0", "must not begin or end with white space"),
                Arguments.of("\u2003" + t, "must not begin or end with white space"),
                Arguments.of(t + "\u3000", "must not begin or end with white space"),
                Arguments.of(t + "\u200B", "must not begin or end with an invisible or format character (U+200B)"),
                Arguments.of("\uFEFF" + t, "must not begin or end with an invisible or format character (U+FEFF)"),
                Arguments.of(t + "\u200F", "must not begin or end with an invisible or format character (U+200F)"),
                Arguments.of("\u3164" + t, "must not begin or end with an invisible or format character (U+3164)"),
                Arguments.of(t + "\u3164", "must not begin or end with an invisible or format character (U+3164)"),
                Arguments.of("\u115F" + t, "must not begin or end with an invisible or format character (U+115F)"),
                Arguments.of(t + "\uFFA0", "must not begin or end with an invisible or format character (U+FFA0)"),
                Arguments.of("\u00AD" + t, "must not begin or end with an invisible or format character (U+00AD)"),
                Arguments.of(t + "\u2060", "must not begin or end with an invisible or format character (U+2060)"),
                Arguments.of("\uFE0F" + t, "must not begin or end with an invisible or format character (U+FE0F)"),
                Arguments.of("\u034F" + t, "must not begin or end with an invisible or format character (U+034F)"),
                Arguments.of(t + "\uDB40\uDC01", "must not begin or end with an invisible or format character (U+E0001)"),
                Arguments.of("Local\\\u200B" + t, "must not begin or end with an invisible or format character (U+200B)"),
                Arguments.of("sem." + t, "must not begin with \"sem.\": glibc keeps its named semaphores"),
                Arguments.of("Global\\sem." + t, "must not begin with \"sem.\""),
                Arguments.of(t + "\n", "must not contain control characters (U+000A)"),
                Arguments.of(t + "\tx", "must not contain control characters (U+0009)"),
                Arguments.of(t + "\u001B[31m", "must not contain control characters (U+001B)"),
                Arguments.of(t + "\u007F", "must not contain control characters (U+007F)"),
                Arguments.of(t + "\u0085", "must not contain control characters (U+0085)"),
                Arguments.of(t + "\uD800", "must not contain an unpaired surrogate"),
                Arguments.of("\uDC00" + t, "must not contain an unpaired surrogate"),
                Arguments.of(t + "\uD83Dx", "must not contain an unpaired surrogate"),
                Arguments.of(t + "\uDBFF\uDBFF\uDC00", "must not contain an unpaired surrogate"),
                Arguments.of(t + "\uDC00\uD800", "must not contain an unpaired surrogate"),
                Arguments.of(ascii(t, 254), "is too long: 254 bytes of UTF-8, at most 253"),
                Arguments.of(ascii(t, 255), "is too long: 255 bytes of UTF-8, at most 253"),
                Arguments.of(ascii(t, 300), "is too long: 300 bytes of UTF-8, at most 253"),
                Arguments.of(padded(t, "é", 254), "is too long: 254 bytes of UTF-8"),
                Arguments.of(padded(t, "€", 254), "is too long"),
                Arguments.of(padded(t, "\uD83D\uDE00", 254), "is too long"),
                Arguments.of("Local\\" + ascii(t, 254), "is too long: 254 bytes of UTF-8"));
    }

    /** {@code t} followed by 'x' up to {@code bytes} bytes of UTF-8. */
    private static String ascii(String t, int bytes) {
        return t + "x".repeat(bytes - t.length());
    }

    /** {@code t}, then 'x' as needed, then copies of {@code unit}: exactly {@code bytes} bytes of UTF-8. */
    private static String padded(String t, String unit, int bytes) {
        int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder sb = new StringBuilder(t);
        while ((bytes - sb.toString().getBytes(StandardCharsets.UTF_8).length) % unitBytes != 0) {
            sb.append('x');
        }
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < bytes) {
            sb.append(unit);
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "[{index}] refused: {1}")
    @MethodSource("badNames")
    @DisplayName("a name breaking a rule is refused with IllegalArgumentException naming the rule, before any system call")
    void badNameIsRefusedBeforeAnySystemCall(String name, String rule) {
        TRIED.incrementAndGet();
        IllegalArgumentException direct = assertThrows(IllegalArgumentException.class, () -> Names.check(name, Os.LINUX));
        assertTrue(direct.getMessage().contains(rule), () -> "message \"" + direct.getMessage() + "\" should name the rule \"" + rule + "\"");
        assertFalse(direct.getMessage().chars().anyMatch(c -> c < 0x20 && c != 0), "the message carries no raw control character");
        assertFalse(direct.getMessage().contains("\0"), "the message carries no raw NUL");

        for (Executable call : new Executable[]{
                () -> SharedMemory.openOrCreate(name, 4096),
                () -> SharedMemory.openExisting(name),
                () -> SharedString.open(name)}) {
            CALLS.incrementAndGet();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
            assertEquals(direct.getMessage(), e.getMessage());
        }
        TestNames.assertNothingLeft(TOKEN);
        // The NUL case: a C string stops at the NUL, so shm_open would have created the token's own name.
        assertFalse(Files.exists(TestNames.shmFile(TOKEN)), "nothing was created under the name cut at its NUL");
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    @DisplayName("on Windows a name may have 32,766 UTF-16 units, prefix included, and '/' inside: what kernel32 passes on uncut")
    void windowsAcceptsLongNamesAndSlashes() {
        TRIED.addAndGet(7);
        String longest = "w".repeat(Names.WINDOWS_NAME_UNITS);
        assertEquals(longest, Names.check(longest, Os.WINDOWS));
        assertEquals("Local\\" + longest.substring(6), Names.check("Local\\" + longest.substring(6), Os.WINDOWS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Names.check(longest + "w", Os.WINDOWS));
        assertTrue(e.getMessage().contains("is too long: 32767 UTF-16 units, at most 32766 (kernel32 cuts longer names"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Names.check("Global\\" + longest.substring(6), Os.WINDOWS));
        // 32,766 units of a 3-byte character pass on Windows, though they are far over the Linux byte limit.
        assertEquals("€".repeat(32_766), Names.check("€".repeat(32_766), Os.WINDOWS));
        assertThrows(IllegalArgumentException.class, () -> Names.check("€".repeat(259), Os.LINUX));
        assertEquals("Local\\a/b", Names.check("Local\\a/b", Os.WINDOWS));
        assertThrows(IllegalArgumentException.class, () -> Names.check("a/b", Os.LINUX));
    }

    @Test
    @DisplayName("every other rule holds on Windows too: a name refused on Linux for its content, '/' aside, is refused on Windows")
    void contentRulesDoNotDependOnTheOs() {
        badNames().forEach(a -> {
            String name = (String) a.get()[0];
            String rule = (String) a.get()[1];
            if (!rule.startsWith("is too long") && !rule.startsWith("must not contain '/'")) {
                TRIED.incrementAndGet();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Names.check(name, Os.WINDOWS));
                assertTrue(e.getMessage().contains(rule), e.getMessage());
            }
        });
    }

    @Test
    @DisplayName("null is refused with NullPointerException naming the parameter")
    void nullNameIsRefused() {
        TRIED.incrementAndGet();
        NullPointerException e = assertThrows(NullPointerException.class, () -> SharedMemory.openOrCreate(null, 4096));
        assertEquals("name", e.getMessage());
    }

    @Test
    @DisplayName("a name of exactly 253 bytes of UTF-8 (ASCII, 2-byte, 3-byte and 4-byte characters) is accepted by every glibc")
    void longestNamesWork() throws Exception {
        for (String unit : new String[]{"x", "é", "€", "\uD83D\uDE00"}) {
            StringBuilder sb = new StringBuilder(TOKEN);
            while (sb.toString().getBytes(StandardCharsets.UTF_8).length + unit.getBytes(StandardCharsets.UTF_8).length <= 253) {
                sb.append(unit);
            }
            while (sb.toString().getBytes(StandardCharsets.UTF_8).length < 253) {
                sb.append('x');
            }
            String name = sb.toString();
            assertEquals(253, name.getBytes(StandardCharsets.UTF_8).length);
            TRIED.incrementAndGet();
            CALLS.incrementAndGet();
            try (SharedMemory m = SharedMemory.openOrCreate(name, 4096)) {
                assertTrue(m.created());
                assertTrue(Files.exists(TestNames.shmFile(name)), "the object is /dev/shm/" + name);
            }
            assertFalse(Files.exists(TestNames.shmFile(name)));
        }
        TestNames.assertNothingLeft(TOKEN);
    }

    @Test
    @DisplayName("an error message shows a lone surrogate, an invisible character or a control character escaped as \\uXXXX, never as ? or raw")
    void messagesEscapeWhatCannotBePrinted() {
        TRIED.addAndGet(3);
        assertTrue(message("ab\uD800cd").startsWith("shared memory name \"ab\\uD800cd\" "), message("ab\uD800cd"));
        assertTrue(message("\u200Bab").startsWith("shared memory name \"\\u200Bab\" "), message("\u200Bab"));
        assertTrue(message("a\nb").startsWith("shared memory name \"a\\u000Ab\" "), message("a\nb"));
        assertTrue(message("sem.\uD83D\uDE00 x\u00A0").startsWith("shared memory name \"sem.\uD83D\uDE00 x\\u00A0\" "),
                "a pair and an ordinary space are kept, a no-break space is escaped: " + message("sem.\uD83D\uDE00 x\u00A0"));
    }

    @Test
    @DisplayName("a NUL is refused with its index in the name as given, namespace prefix included")
    void nulIsRefusedWithItsIndex() {
        TRIED.addAndGet(3);
        assertTrue(message("ab\0c").endsWith("must not contain NUL (at index 2)"), message("ab\0c"));
        assertTrue(message("\0abc").endsWith("must not contain NUL (at index 0)"), message("\0abc"));
        assertTrue(message("Local\\ab\0").endsWith("must not contain NUL (at index 8)"), message("Local\\ab\0"));
    }

    private static String message(String name) {
        return assertThrows(IllegalArgumentException.class, () -> Names.check(name, Os.LINUX)).getMessage();
    }

    @Test
    @DisplayName("names are compared as UTF-16 units without normalisation: a composed and a decomposed é name two blocks")
    void composedAndDecomposedNamesAreTwoBlocks() throws Exception {
        String composed = TOKEN + "-caf\u00E9";
        String decomposed = TOKEN + "-cafe\u0301";
        TRIED.addAndGet(2);
        CALLS.addAndGet(2);
        try (SharedString a = SharedString.open(composed); SharedString b = SharedString.open(decomposed)) {
            assertTrue(a.created());
            assertTrue(b.created(), "the decomposed name is another block");
            a.set("composed");
            assertEquals("", b.get());
            assertTrue(Files.exists(TestNames.shmFile(composed)) && Files.exists(TestNames.shmFile(decomposed)));
        }
        TestNames.assertNothingLeft(TOKEN);
    }

    @Test
    @DisplayName("inner blanks, dots, surrogate pairs, inner invisible characters, a trailing variation selector, a Local\\ or Global\\ prefix and names that only resemble sem. are allowed")
    void allowedNamesWork() throws Exception {
        String[] names = {TOKEN + " inner space", TOKEN + "...", TOKEN + ".", "." + TOKEN, TOKEN + "\uD83D\uDE00", TOKEN + "-ünïcødé",
                TOKEN + "-a\u200Bb", TOKEN + "-\u2764\uFE0F", "sem" + TOKEN, "Sem." + TOKEN, "x-sem." + TOKEN};
        for (String name : names) {
            TRIED.incrementAndGet();
            CALLS.incrementAndGet();
            try (SharedString s = SharedString.open(name)) {
                assertTrue(s.created());
                assertNotNull(s.get());
                assertTrue(Files.exists(TestNames.shmFile(name)), name);
            }
        }
        String bare = TOKEN + "-prefixed";
        TRIED.addAndGet(2);
        CALLS.addAndGet(2);
        try (SharedString local = SharedString.open("Local\\" + bare);
             SharedString global = SharedString.open("Global\\" + bare)) {
            assertTrue(local.created());
            assertFalse(global.created(), "Local\\x and Global\\x are the same object /x on Linux");
            local.set("one block");
            assertEquals("one block", global.get());
        }
        TestNames.assertNothingLeft(TOKEN);
    }

    @AfterAll
    static void figures() {
        TestNames.assertNothingLeft(TOKEN);
        Figures.report(new Figures.Row("names", 0, 1, CALLS.get(), 0, TRIED.get(), 0,
                "every rule through Names.check and the 3 public entry points; /dev/shm checked after each"));
    }
}
