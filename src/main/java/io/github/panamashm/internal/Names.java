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
 *   <li>no leading or trailing white space (almost always a mistake, and invisible in {@code ls});</li>
 *   <li>Linux: the name (without prefix) at most {@link #LINUX_NAME_BYTES} = 253 bytes of UTF-8: glibc up
 *       to 2.33 refuses {@code strlen(name) + 1 >= NAME_MAX} (255) with EINVAL, newer ones pass 255 bytes
 *       to the kernel, so 253 is what every glibc accepts ({@code "/" + name} then fits NAME_MAX with a byte
 *       to spare); Windows: at most {@link #WINDOWS_NAME_UNITS} = 32,766 UTF-16 units, prefix included.</li>
 * </ul>
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
        if (isBlank(bare.charAt(0)) || isBlank(bare.charAt(bare.length() - 1))) {
            throw refuse(name, "must not begin or end with white space");
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

    private static boolean isBlank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static IllegalArgumentException refuse(String name, String rule) {
        return new IllegalArgumentException("shared memory name \"" + printable(name) + "\" " + rule);
    }

    /** The name with control characters escaped, so an error message never carries a raw NUL or newline. */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
