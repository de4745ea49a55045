package io.github.panamashm.internal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The rules for block names, checked before any system call.
 *
 * <p>A name is the example's {@code dllmemfilemap}: what Windows passes to {@code CreateFileMappingW}
 * unchanged, and what Linux opens as {@code "/" + name} with {@code shm_open}. The rules are the same on
 * every OS except where the OS itself accepts more (Windows: '/' and long names):
 * <ul>
 *   <li>not empty, and not {@code .} or {@code ..};</li>
 *   <li>no NUL, no control character, no unpaired surrogate (Linux names are UTF-8); on Linux no {@code /}
 *       either (an object name is one path component), while Windows, which allows any character but the
 *       backslash, accepts it;</li>
 *   <li>no backslash, except one leading {@code Local\} or {@code Global\} namespace prefix (Windows
 *       session namespaces; Linux has none and drops the prefix);</li>
 *   <li>no leading or trailing white space, and no leading or trailing invisible character: a format
 *       character (Unicode category Cf, e.g. U+200B, U+FEFF, U+200F) or another default-ignorable code point
 *       (e.g. the filler U+3164); nor a leading variation selector or other default-ignorable combining mark
 *       (at the end it belongs to the character before it, as in a red heart U+2764 U+FE0F). Either is almost
 *       always a mistake, and invisible in {@code ls};</li>
 *   <li>not beginning with {@code sem.}: glibc keeps its named semaphores in {@code /dev/shm} as
 *       {@code sem.NAME}, so such a name could only reach a semaphore (refused on every OS, so that a name
 *       that works on one works on the other);</li>
 *   <li>Linux: the name (without prefix) at most {@link #LINUX_NAME_BYTES} = 253 bytes of UTF-8: glibc up
 *       to 2.33 refuses {@code strlen(name) + 1 >= NAME_MAX} (255) with EINVAL, newer ones pass 255 bytes
 *       to the kernel, so 253 is what every glibc accepts ({@code "/" + name} then fits NAME_MAX with a byte
 *       to spare); Windows: at most {@link #WINDOWS_NAME_UNITS} = 32,766 UTF-16 units, prefix included.</li>
 * </ul>
 * Names are compared as they are, UTF-16 unit by unit: there is no Unicode normalisation, so a composed
 * {@code é} (U+00E9) and {@code e} followed by U+0301 name two different blocks (on Linux, two objects whose
 * names are the UTF-8 of those units), as they do for a native peer that passes either form.
 */
public final class Names {
    /** Linux NAME_MAX: the longest file name in /dev/shm, in bytes; the object name includes the slash. */
    public static final int LINUX_NAME_MAX = 255;
    /**
     * The longest name, in bytes of UTF-8 without slash or prefix, that every glibc's {@code shm_open} takes:
     * glibc's {@code shm-directory.h} (2.19 to 2.33) refuses {@code strlen(name) + 1 >= NAME_MAX}.
     */
    public static final int LINUX_NAME_BYTES = LINUX_NAME_MAX - 2;
    /**
     * The longest Windows name, in UTF-16 units, prefix included. Windows documents no limit for object names,
     * but kernel32 hands a name to the kernel as a {@code UNICODE_STRING}, whose length is a 16-bit byte count:
     * {@code RtlInitUnicodeString} cuts a longer name to 0xFFFC bytes, 32,766 units, so two longer names that
     * share those units would silently name one object (Wine shows it; the Wine contract suite tests it).
     */
    public static final int WINDOWS_NAME_UNITS = 32_766;

    private static final String LOCAL = "Local\\";
    private static final String GLOBAL = "Global\\";
    /** glibc's prefix for named semaphores in /dev/shm ({@code sem_open("/x")} makes {@code /dev/shm/sem.x}). */
    private static final String SEMAPHORE = "sem.";

    private Names() {
    }

    /**
     * Checks {@code name} against every rule, with the length limit of {@code os}.
     *
     * @return {@code name} unchanged
     * @throws IllegalArgumentException naming the rule the name breaks
     * @throws NullPointerException     when name is null
     */
    public static String check(String name, Os os) {
        Objects.requireNonNull(name, "name");
        String bare = withoutPrefix(name);
        if (name.isEmpty()) {
            throw refuse(name, "must not be empty");
        }
        if (bare.isEmpty()) {
            throw refuse(name, "must not be empty after its namespace prefix");
        }
        if (bare.equals(".") || bare.equals("..")) {
            throw refuse(name, "must not be \".\" or \"..\"");
        }
        for (int i = 0; i < bare.length(); i++) {
            char c = bare.charAt(i);
            if (c == 0) {
                throw refuse(name, "must not contain NUL (at index " + (name.length() - bare.length() + i) + ")");
            }
            if (c == '/' && os != Os.WINDOWS) { // a POSIX shared memory name is one path component
                throw refuse(name, "must not contain '/'");
            }
            if (c == '\\') {
                throw refuse(name, "must not contain '\\' except in a leading Local\\ or Global\\ prefix");
            }
            if (Character.isISOControl(c)) {
                throw refuse(name, "must not contain control characters (U+" + String.format("%04X", (int) c) + ")");
            }
            if (Character.isHighSurrogate(c) && (i + 1 == bare.length() || !Character.isLowSurrogate(bare.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(bare.charAt(i - 1)))) {
                throw refuse(name, "must not contain an unpaired surrogate");
            }
        }
        int first = bare.codePointAt(0);
        int last = bare.codePointBefore(bare.length());
        if (isBlank(first) || isBlank(last)) {
            throw refuse(name, "must not begin or end with white space");
        }
        // A trailing combining mark (a variation selector) is drawn as part of the character before it.
        int invisible = isInvisible(first) ? first
                : isInvisible(last) && Character.getType(last) != Character.NON_SPACING_MARK ? last : -1;
        if (invisible >= 0) {
            throw refuse(name, "must not begin or end with an invisible or format character (U+"
                    + String.format("%04X", invisible) + ")");
        }
        if (bare.startsWith(SEMAPHORE)) {
            throw refuse(name, "must not begin with \"" + SEMAPHORE + "\": glibc keeps its named semaphores in"
                    + " /dev/shm under that prefix");
        }
        switch (os) {
            case LINUX, MACOS -> {
                int bytes = bare.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > LINUX_NAME_BYTES) {
                    throw refuse(name, "is too long: " + bytes + " bytes of UTF-8, at most " + LINUX_NAME_BYTES
                            + " (NAME_MAX " + LINUX_NAME_MAX + " less the slash and the NUL that glibc counts)");
                }
            }
            case WINDOWS -> {
                if (name.length() > WINDOWS_NAME_UNITS) {
                    throw refuse(name, "is too long: " + name.length() + " UTF-16 units, at most " + WINDOWS_NAME_UNITS
                            + " (kernel32 cuts longer names, so two of them could name one object)");
                }
            }
        }
        return name;
    }

    /** @return {@code name} without a leading {@code Local\} or {@code Global\} */
    public static String withoutPrefix(String name) {
        if (name.startsWith(LOCAL)) {
            return name.substring(LOCAL.length());
        }
        if (name.startsWith(GLOBAL)) {
            return name.substring(GLOBAL.length());
        }
        return name;
    }

    private static boolean isBlank(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    /**
     * Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt) beyond the format characters
     * (Cf): what renders as nothing though it is a letter, a mark or unassigned, such as the Hangul fillers
     * U+115F, U+1160, U+3164 and U+FFA0, the combining grapheme joiner U+034F and the variation selectors.
     * Pairs of first and last code point.
     */
    private static final int[] IGNORABLE = {
            0x034F, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180F, 0x2060, 0x206F, 0x3164, 0x3164,
            0xFE00, 0xFE0F, 0xFFA0, 0xFFA0, 0xFFF0, 0xFFF8, 0xE0000, 0xE0FFF};

    /** @return whether {@code cp} is a format character or another code point that renders as nothing */
    private static boolean isInvisible(int cp) {
        if (Character.getType(cp) == Character.FORMAT) {
            return true;
        }
        for (int i = 0; i < IGNORABLE.length; i += 2) {
            if (cp >= IGNORABLE[i] && cp <= IGNORABLE[i + 1]) {
                return true;
            }
        }
        return false;
    }

    private static IllegalArgumentException refuse(String name, String rule) {
        return new IllegalArgumentException("shared memory name \"" + printable(name) + "\" " + rule);
    }

    /**
     * The name as an error message shows it: control characters, unpaired surrogates, invisible and format
     * characters and blanks other than the space escaped Java-style (a backslash, {@code u} and four upper-case
     * hex digits), so a message never carries a raw NUL or newline, never prints a lone surrogate as {@code ?},
     * and shows what cannot be seen.
     */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0, n; i < name.length(); i += n) {
            int cp = name.codePointAt(i); // an unpaired surrogate comes back as itself
            n = Character.charCount(cp);
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE || isInvisible(cp)
                    || cp != ' ' && isBlank(cp)) {
                for (int k = i; k < i + n; k++) {
                    sb.append(escape(name.charAt(k)));
                }
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    private static String escape(char c) {
        return String.format("\\u%04X", (int) c);
    }
}
