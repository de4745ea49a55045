package io.github.panamashm.internal.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The command line tool, the jar's {@code Main-Class}: {@code java -jar panama-shm.jar COMMAND [OPTIONS]}.
 * See {@link Usage#MAIN} for the commands and the exit status.
 */
public final class Main {
    /** Success. */
    static final int OK = 0;
    /** The operation failed; one line on standard error says what failed. */
    static final int FAILED = 1;
    /** The command line is wrong; the usage text follows the one-line reason on standard error. */
    static final int USAGE = 2;

    private Main() {
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        // UTF-8 whatever the locale or stdout.encoding: the bytes pass through System.out unchanged.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int status = run(Arrays.asList(args), System.in, out, err);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Runs one command line and returns its exit status; everything it prints goes to out and err. */
    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("panama-shm: missing command");
            err.println();
            err.print(Usage.MAIN);
            return USAGE;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        if (command.equals("--help") || command.equals("-h") || command.equals("help")) {
            out.print(Usage.MAIN);
            return OK;
        }
        Commands commands = new Commands(in, out, err);
        String usage = switch (command) {
            case "demo" -> Usage.DEMO;
            case "set" -> Usage.SET;
            case "get" -> Usage.GET;
            case "hold" -> Usage.HOLD;
            case "info" -> Usage.INFO;
            case Demo.CHILD_COMMAND -> "";
            default -> null;
        };
        if (usage == null) {
            err.println("panama-shm: unknown command \"" + command + "\"");
            err.println();
            err.print(Usage.MAIN);
            return USAGE;
        }
        try {
            return switch (command) {
                case "demo" -> new Demo(out, err).run(rest);
                case "set" -> commands.set(rest);
                case "get" -> commands.get(rest);
                case "hold" -> commands.hold(rest);
                case "info" -> commands.info(rest);
                default -> new Demo(out, err).child(rest);
            };
        } catch (HelpRequested h) {
            out.print(usage);
            return OK;
        } catch (UsageException e) {
            err.println("panama-shm " + command + ": " + oneLine(e.getMessage()));
            err.println();
            err.print(usage);
            return USAGE;
        } catch (IOException | RuntimeException e) {
            err.println("panama-shm " + command + ": " + oneLine(describe(e)));
            return FAILED;
        }
    }

    /** Thrown by a command that was asked for {@code --help}. */
    static final class HelpRequested extends Exception {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(null, null, false, false);
        }
    }

    /** The library's messages name the call, object and error; other exceptions are named by their type. */
    private static String describe(Exception e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        if (e instanceof IOException && e.getMessage() != null) {
            return e.getMessage();
        }
        if ((e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException) && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\R", " ");
    }
}
