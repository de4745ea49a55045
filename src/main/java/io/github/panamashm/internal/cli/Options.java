package io.github.panamashm.internal.cli;

import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedString;
import io.github.panamashm.internal.Names;
import io.github.panamashm.internal.Os;
import io.github.panamashm.internal.Platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command's arguments: {@code --option VALUE} or {@code --option=VALUE}, flags, options whose value is
 * optional ({@code --wait} or {@code --wait=VALUE}, never {@code --wait VALUE}), and positional arguments;
 * {@code --} ends the options, so a text beginning with {@code -} can still be given.
 */
final class Options {
    private final Map<String, String> values = new HashMap<>();
    private final List<String> flags = new ArrayList<>();
    private final List<String> positional = new ArrayList<>();

    private Options() {
    }

    /**
     * @param valueOptions the options of this command that take a value, e.g. {@code --name}
     * @param flagOptions  the options of this command that take none; {@code --help} and {@code -h} always
     */
    static Options parse(List<String> args, Set<String> valueOptions, Set<String> flagOptions) throws UsageException {
        return parse(args, valueOptions, flagOptions, Set.of());
    }

    /**
     * @param optionalValues the options that are flags when given alone and take a value only after {@code =}:
     *                       the next argument is never their value, so a mistyped value cannot eat an argument
     */
    static Options parse(List<String> args, Set<String> valueOptions, Set<String> flagOptions,
                         Set<String> optionalValues) throws UsageException {
        Options o = new Options();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (optionsEnded || !a.startsWith("-") || a.equals("-")) {
                o.positional.add(a);
                continue;
            }
            if (a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                o.flags.add("--help");
                continue;
            }
            int eq = a.indexOf('=');
            String key = eq < 0 ? a : a.substring(0, eq);
            if (valueOptions.contains(key)) {
                String value;
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException("option " + key + " needs a value");
                }
                if (o.values.put(key, value) != null) {
                    throw new UsageException("option " + key + " given twice");
                }
            } else if (optionalValues.contains(key)) {
                if (o.flags.contains(key)) {
                    throw new UsageException("option " + key + " given twice");
                }
                o.flags.add(key);
                if (eq >= 0) {
                    o.values.put(key, a.substring(eq + 1));
                }
            } else if (flagOptions.contains(a)) {
                o.flags.add(a);
            } else if (flagOptions.contains(key)) {
                throw new UsageException("option " + key + " takes no value");
            } else {
                throw new UsageException("unknown option " + a);
            }
        }
        return o;
    }

    boolean help() {
        return flags.contains("--help");
    }

    boolean flag(String option) {
        return flags.contains(option);
    }

    String value(String option) {
        return values.get(option);
    }

    /** @return the {@code --name} value, default {@value SharedString#DEFAULT_NAME}, checked against the naming rules */
    String name() throws UsageException {
        return checkName(values.getOrDefault("--name", SharedString.DEFAULT_NAME));
    }

    private static String checkName(String name) throws UsageException {
        try {
            return Names.check(name, Platform.os());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * @param os the OS the block lives on: Windows has no group to share with
     * @return the {@code --share} value as options: none, or the one sharing option it names
     */
    SharedMemory.Option[] share(Os os) throws UsageException {
        String who = values.get("--share");
        if (who == null) {
            return new SharedMemory.Option[0];
        }
        return switch (who) {
            case "group" -> {
                if (os == Os.WINDOWS) {
                    // Refused here, before any system call, rather than by the library's exception, which
                    // names its Java option and not the flag.
                    throw new UsageException("--share=group has no meaning on Windows: a user's primary group is"
                            + " not a set of people chosen to share with (it is usually \"None\" or \"Domain"
                            + " Users\"); use --share=everyone");
                }
                yield new SharedMemory.Option[] {SharedMemory.Option.SHARE_WITH_GROUP};
            }
            case "everyone" -> new SharedMemory.Option[] {SharedMemory.Option.SHARE_WITH_EVERYONE};
            default -> throw new UsageException("--share must be group or everyone, was \"" + who + "\"");
        };
    }

    /** @return the only positional argument, or null when there is none and it is optional */
    String atMostOne(String what, boolean required) throws UsageException {
        if (positional.size() > 1) {
            throw new UsageException("expected one " + what + ", got " + positional.size()
                    + " arguments (quote a text that contains spaces)");
        }
        if (positional.isEmpty()) {
            if (required) {
                throw new UsageException("missing " + what);
            }
            return null;
        }
        return positional.get(0);
    }

    /**
     * @return the block's name given as the only positional argument or with {@code --name} (not both), default
     * {@value SharedString#DEFAULT_NAME}, checked against the naming rules
     */
    String positionalOrNamed() throws UsageException {
        String positional = atMostOne("NAME", false);
        if (positional == null) {
            return name();
        }
        if (values.containsKey("--name")) {
            throw new UsageException("the block's name is given twice: as an argument and with --name");
        }
        return checkName(positional);
    }

    /** @return the only positional argument, a block name checked against the naming rules */
    String positionalName() throws UsageException {
        return checkName(atMostOne("NAME", true));
    }

    /**
     * The JVM decodes arguments with the locale's charset ({@code sun.jnu.encoding}): a byte sequence it cannot
     * decode becomes U+FFFD, and on Windows a character the ANSI code page lacks has become '?' before the JVM
     * sees it. Either is stored as is, so the user is told.
     *
     * @param charset the charset arguments were decoded with
     * @return one warning per argument that was, or on Windows may have been, changed by decoding
     */
    static List<String> decodingWarnings(List<String> args, Os os, String charset) {
        boolean utf8 = charset != null && charset.replace("-", "").equalsIgnoreCase("UTF8");
        List<String> warnings = new ArrayList<>();
        for (String a : args) {
            if (a.indexOf('\uFFFD') >= 0) {
                warnings.add("warning: argument \"" + a + "\" has bytes the locale's charset (" + charset
                        + ") cannot decode; each became U+FFFD. Use a UTF-8 locale, or give a text on standard"
                        + " input (set -)");
            } else if (os == Os.WINDOWS && !utf8 && a.indexOf('?') >= 0) {
                warnings.add("warning: argument \"" + a + "\" has a '?', which may stand for a character the code"
                        + " page (" + charset + ") cannot represent; give such a text on standard input (set -)");
            }
        }
        return warnings;
    }

    void noPositional() throws UsageException {
        if (!positional.isEmpty()) {
            throw new UsageException("unexpected argument \"" + positional.get(0) + "\"");
        }
    }
}
