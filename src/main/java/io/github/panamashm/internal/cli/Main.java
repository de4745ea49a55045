package io.github.panamashm.internal.cli;

import io.github.panamashm.NoSuchSharedMemoryException;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The command line tool: {@code bin/panama-shm COMMAND [OPTIONS]} or {@code java -jar panama-shm.jar ...}
 * (whose {@code Main-Class} is {@code Launcher}, which checks the Java version first). See {@link Usage}
 * for the commands and the exit status.
 */
public final class Main {
    /** Success. */
    static final int OK = 0;
    /** The operation failed; one line on standard error says what failed. */
    static final int FAILED = 1;
    /** The command line is wrong; one line on standard error says why, and one how to get help. */
    static final int USAGE = 2;

    private Main() {
    }

    /**
     * Runs the command and exits with its status.
     *
     * @param args the command and its arguments
     */
    public static void main(String[] args) {
        // Straight to the file descriptors, not through System.out, a PrintStream that would swallow a failed
        // write before ours could see it.
        int status = run(Arrays.asList(args), System.in, new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), Host.current());
        System.exit(status);
    }

    /**
     * Runs one command line and returns its exit status. Output is UTF-8 whatever the locale; when standard
     * output cannot be written (a full disk, a closed pipe) the status is {@link #FAILED}, with a line on
     * standard error, even though the command did its work.
     */
    static int run(List<String> args, InputStream in, OutputStream stdout, OutputStream stderr, Host host) {
        RecordingStream recording = new RecordingStream(stdout);
        PrintStream out = new PrintStream(recording, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        String who = args.isEmpty() ? "panama-shm" : "panama-shm " + args.get(0);
        int status = dispatch(args, in, out, err, host);
        if (out.checkError()) {
            err.println(who + ": cannot write to standard output: "
                    + (recording.failure == null ? "the stream failed" : recording.failure.getMessage()));
            return status == OK ? FAILED : status;
        }
        return status;
    }

    private static int dispatch(List<String> args, InputStream in, PrintStream out, PrintStream err, Host host) {
        Usage usage = new Usage(host.os(), host.program());
        for (String warning : Options.decodingWarnings(args, host.os(), host.argumentCharset())) {
            err.println("panama-shm: " + warning);
        }
        if (args.isEmpty()) {
            return usageError(err, "panama-shm: missing command", usage.tryHelp(null));
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (command) {
            case "--help", "-h", "help" -> {
                out.print(usage.main());
                return OK;
            }
            case "--version" -> {
                out.println(version());
                return OK;
            }
            default -> {
            }
        }
        Commands commands = new Commands(in, out, err, host.os());
        Demo demo = new Demo(out, err);
        Command handler = switch (command) {
            case "set" -> commands::set;
            case "get" -> commands::get;
            case "watch" -> commands::watch;
            case "hold" -> commands::hold;
            case "info" -> commands::info;
            case "list" -> commands::list;
            case "rm" -> commands::rm;
            case "demo" -> demo::run;
            case Demo.CHILD_COMMAND -> demo::child;
            default -> null;
        };
        if (handler == null) {
            return usageError(err, "panama-shm: unknown command \"" + command + "\"", usage.tryHelp(null));
        }
        try {
            return handler.run(rest);
        } catch (HelpRequested h) {
            out.print(usage.of(command));
            return OK;
        } catch (UsageException e) {
            return usageError(err, "panama-shm " + command + ": " + oneLine(e.getMessage()), usage.tryHelp(command));
        } catch (IOException | RuntimeException e) {
            err.println("panama-shm " + command + ": " + oneLine(describe(e)));
            return FAILED;
        }
    }

    /** One command: parses its arguments, does its work, returns the exit status. */
    @FunctionalInterface
    interface Command {
        int run(List<String> args) throws UsageException, HelpRequested, IOException;
    }

    private static int usageError(PrintStream err, String reason, String hint) {
        err.println(reason);
        err.println(hint);
        return USAGE;
    }

    /** @return {@code panama-shm VERSION (Java VERSION, OS ARCH)} */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // said below
        }
        return "panama-shm " + p.getProperty("version", "(version unknown)") + " (Java " + Runtime.version() + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")";
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
        if (e instanceof NoSuchSharedMemoryException n) {
            return "no such block \"" + n.getFile() + "\": " + n.getReason();
        }
        if ((e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException) && e.getMessage() != null) {
            // The library speaks to programmers; on the command line an option is a flag.
            return e.getMessage().replace("pass a SharedMemory.Option", "pass --share=group or --share=everyone");
        }
        return e.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\R", " ");
    }

    /** Passes everything through and keeps the first failure, which PrintStream would swallow. */
    private static final class RecordingStream extends FilterOutputStream {
        IOException failure;

        RecordingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw record(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw record(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw record(e);
            }
        }

        private IOException record(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
    }
}
