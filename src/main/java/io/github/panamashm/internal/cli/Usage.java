package io.github.panamashm.internal.cli;

import io.github.panamashm.SharedString;
import io.github.panamashm.internal.Os;

/**
 * The usage texts for one OS and one way of starting the tool: the examples are commands that work as
 * printed there. Windows gets no POSIX shell advice ({@code &}, {@code kill}, Ctrl+D, signals): input ends
 * with Ctrl+Z then Enter, Ctrl+C ends a program (Ctrl+Break makes a JVM print its threads instead), and
 * {@code start /b} runs one in the background.
 */
final class Usage {
    private final boolean windows;
    private final String program;

    /**
     * @param os      the OS the texts are for
     * @param program how the tool is started, e.g. {@code bin/panama-shm} or {@code java -jar panama-shm.jar}
     */
    Usage(Os os, String program) {
        this.windows = os == Os.WINDOWS;
        this.program = program;
    }

    /** @return the usage of one command, or null when there is no such command */
    String of(String command) {
        return switch (command) {
            case "set" -> set();
            case "get" -> get();
            case "watch" -> watch();
            case "hold" -> hold();
            case "info" -> info();
            case "list" -> list();
            case "rm" -> rm();
            case "demo" -> demo();
            default -> null;
        };
    }

    /** @return the hint after a usage error's one line */
    String tryHelp(String command) {
        return "Try: " + program + (command == null ? "" : " " + command) + " --help";
    }

    private String format(String text, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = program;
        System.arraycopy(args, 0, all, 1, args.length);
        String formatted = text.formatted(all);
        // Windows has one way to share (there is no group to share with), so its usage lines name it.
        return windows ? formatted.replace("[--share=WHO]", "[--share=everyone]") : formatted;
    }

    /** The options of the commands that attach to a block. */
    private String blockOptions() {
        return format("""
                  --name NAME        the block's name (default %2$s): %3$s
                %4$s""", SharedString.DEFAULT_NAME, pick("/dev/shm/NAME", "the file mapping NAME"), pick("""
                  --share=WHO        group or everyone: share the block with other users on purpose (a new
                                     block gets mode 0660 or 0666, an existing one may have no more); every
                                     process sharing a block passes it
                """, """
                  --share=everyone   share the block with other users on purpose: every authenticated user may
                                     map it; every process sharing a block passes it (Windows has no group to
                                     share with, so --share=group is refused)
                """));
    }

    /** @return {@code posix} on Linux (and macOS), {@code windows} on Windows */
    private String pick(String posix, String windows) {
        return this.windows ? windows : posix;
    }

    String main() {
        return format("""
                Usage: %1$s COMMAND [OPTIONS]

                Named shared memory from the shell: a %2$d-byte block holding a NUL-terminated UTF-16 string,
                byte-compatible with Microsoft's "Using Shared Memory in a Dynamic-Link Library" example.

                Commands:
                  set TEXT           store TEXT (at most %3$d UTF-16 units); "-" reads it from standard input
                  get                print the text of a block a process holds; --wait waits for the next text
                  watch [NAME]       print the text, then each new text as processes set it, until stopped
                  hold [TEXT]        attach (storing TEXT if given) and keep the block alive until told to stop
                  info               print a held block's name, size and where it lives
                %4$s  demo               the example: store a text, start a JVM that reads and prints it

                set, get, watch, hold and info take:
                %5$s
                Each command takes -h or --help for its own options; --version prints the version.

                A block lives while at least one process is attached to it: set attaches, stores and detaches, so
                what it stores is freed as set exits unless another process holds the block. Hold it in another
                %6$s, then set and get here:
                  %1$s hold
                  %1$s set "hello"
                  %1$s get
                %7$s

                Exit status: 0 success; 1 the operation failed (no such block, the OS refused...), with one line on
                standard error; 2 a usage error (unknown command or option, missing or extra argument, a value
                refused before any system call), with one line and a hint. Output is UTF-8 whatever the locale.
                """, SharedString.BYTE_SIZE, SharedString.MAX_LENGTH, pick("""
                  list               list the blocks in /dev/shm: live or stale, size, mode, owner
                  rm NAME            remove a stale block, one no process is attached to
                """, """
                  list, rm           not available on Windows (see list --help)
                """), blockOptions(), pick("terminal", "console window"), pick(format("""
                get prints hello. Ctrl+D (the end of input) or Ctrl+C in hold's terminal ends hold, and the last
                process to detach frees the block. For scripts, see: %1$s hold --help"""), format("""
                get prints hello. Ctrl+Z then Enter (the end of input) or Ctrl+C in hold's window ends hold, and
                the last process to detach frees the block. For batch files, see: %1$s hold --help""")));
    }

    private String set() {
        return format("""
                Usage: %1$s set [--name NAME] [--share=WHO] TEXT

                Stores TEXT, creating the block if no process holds it, and says how many UTF-16 units it stored:
                at most %2$d, never half a surrogate pair; a longer text is truncated, with a warning. TEXT "-"
                reads the text from standard input as UTF-8 (without its final line break), for text the locale
                cannot pass as an argument; put "--" before a TEXT that begins with "-".

                When no other process was attached as set attached, set says so on standard error: unless another
                process attaches before set exits, the text is freed as it exits. Keep the block alive with hold.

                Options:
                %3$s""", SharedString.MAX_LENGTH, blockOptions());
    }

    private String get() {
        return format("""
                Usage: %1$s get [--name NAME] [--share=WHO] [--cch N] [--create]
                                [--wait[=TIMEOUT]] [--until TEXT]

                Prints the text stored in a block a process holds, and a line break. When no process holds the
                block, get fails (exit 1, "no such block") and creates nothing.

                Options:
                  --cch N            print what GetSharedMem(buf, N) would copy: at most N - 1 UTF-16 units,
                                     never half a surrogate pair; N is at least 1
                  --create           attach as set does: when no process holds the block, create it empty (it is
                                     freed again as get exits unless another process attaches)
                  --wait[=TIMEOUT]   wait for the next set (by any process) after get attached, and print that
                                     text; a set made before get attached is not waited for. TIMEOUT is seconds
                                     (5, 0.5) or an ISO-8601 duration (PT5S, PT1M); after it get fails (exit 1,
                                     "timed out"). Without it get waits until %2$s
                  --until TEXT       wait until the text is TEXT (at once if it is already), and print it: what
                                     a script waiting for another process's "ready" wants, free of that race;
                                     with --wait=TIMEOUT it waits at most that long
                %3$s
                A block made by a peer that knows only Microsoft's example (exactly %4$d bytes) has no version to
                wait on: --wait and --until fail there (exit 1) and say so.
                """, pick("a signal ends it:\n"
                        + "                     SIGINT or SIGTERM (exit status 130 or 143)", "Ctrl+C ends it"), blockOptions(),
                SharedString.BYTE_SIZE);
    }

    private String watch() {
        return format("""
                Usage: %1$s watch [--share=WHO] [--create] [--count N] [--null | -0] [--numbered] [NAME]

                Attaches to the block NAME (or --name NAME; default %2$s), prints its text, then each
                new text as processes set it, until --count N changes have been shown (exit 0) or
                %3$s
                watch does not read standard input. Its first line comes once it has attached: every set after
                that line is shown. Each text is one line: a backslash is printed as \\\\, a line break as \\n,
                a carriage return as \\r, everything else as it is. Sets faster than watch prints are coalesced:
                it shows the latest text, never one version twice, and always the last one; it sleeps while
                nothing changes. When no process holds the block, watch fails (exit 1, "no such block") and creates
                nothing. A block of exactly the example's %4$d bytes, made by a peer that knows only Microsoft's
                example, has no version to watch: watch fails (exit 1) and says so.

                Options:
                  --count N          stop after N changes: N + 1 texts in all, the first one included
                  --null, -0         print each text as it is, followed by a NUL instead of a line break
                                     (texts never contain NUL)%6$s
                  --numbered         begin each text with its version, how many sets the block had seen, and
                                     a space: a gap in the numbers shows coalesced sets
                  --create           when no process holds the block, create it empty and watch it
                %5$s""", SharedString.DEFAULT_NAME,
                pick("SIGINT (Ctrl+C) or SIGTERM ends it (exit status 130 or 143).", "Ctrl+C ends it."),
                SharedString.BYTE_SIZE, blockOptions(), pick(", for xargs -0 or read -r -d ''", ""));
    }

    private String hold() {
        return format("""
                Usage: %1$s hold [--name NAME] [--share=WHO] [--until-signal] [--ready-file FILE] [TEXT]

                Attaches to the block (creating it if no process holds it), stores TEXT if given, prints one line
                starting with "holding" once attached, and keeps the block alive until standard input ends
                %2$s

                Options:
                  --until-signal     do not read standard input: hold until %3$s only (for a
                                     %4$s
                  --ready-file FILE  once attached, create FILE holding this process's id (FILE must not exist);
                                     it is deleted when hold detaches
                %5$s
                %6$s""", pick("""
                (Ctrl+D, or the writer of a pipe closing it) or the process gets SIGINT (Ctrl+C) or SIGTERM (kill).
                Then it detaches. After the end of input it prints "released NAME" and exits with 0; after a signal
                it exits with 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.""", """
                (Ctrl+Z then Enter, or the writer of a pipe closing it) or Ctrl+C. Then it detaches. After the end
                of input it prints "released NAME" and exits with 0."""), pick("SIGINT or SIGTERM", "Ctrl+C"),
                pick("background job, whose input is /dev/null or the terminal)",
                        "process started with start /b, whose input is the console)"),
                blockOptions(), pick(format("""
                A bash script holds a block in the background and waits for the line hold prints once attached:
                  coproc %1$s hold --name my-block
                  read -r line <&"${COPROC[0]}"
                  %1$s set --name my-block "hello"
                  kill $COPROC_PID; wait
                kill ends hold, which detaches: the last one out frees the block. Other shells can wait until a
                --ready-file exists, and end hold with kill "$(cat FILE)".
                """), format("""
                A batch file can hold a block in the background and wait until hold has attached:
                  start /b %1$s hold --until-signal --ready-file held.pid
                then wait until held.pid exists; it holds the id of the process that holds the block.
                """)));
    }

    private String info() {
        return format("""
                Usage: %1$s info [--name NAME] [--share=WHO] [--create]

                Attaches to a block a process holds and prints its name, its size in bytes, whether this attach
                created it, and where it lives on this OS. When no process holds the block, info fails (exit 1,
                "no such block") and creates nothing.

                Options:
                  --create           when no process holds the block, create a text block (as set does) and
                                     describe it; it is freed as info exits unless another process attaches
                %2$s""", blockOptions());
    }

    private String list() {
        if (windows) {
            return format("""
                    Usage: %1$s list

                    Not available on Windows: Windows cannot list file mappings by name, and a mapping vanishes
                    with the last handle to it, so none is ever left behind for rm to remove.
                    """);
        }
        return format("""
                Usage: %1$s list

                Lists the objects in /dev/shm that may be blocks, one per line after a header:
                  STATE  SIZE  MODE  OWNER  NAME
                STATE is live (a process is attached), busy (an attach or detach is under way), stale (no process
                is attached: left by processes that died, or the object of a program that does not follow the
                panama-shm protocol) or unknown (this user may not open it). Listed are regular files with mode
                0600, 0660 or 0666, what panama-shm creates, and never glibc's semaphores (sem.*). list only
                looks: it opens each object read-only and asks for its locks without taking any.
                """);
    }

    private String rm() {
        if (windows) {
            return format("""
                    Usage: %1$s rm [--force] NAME

                    Not available on Windows: a file mapping vanishes with the last handle to it, so none is
                    ever left behind, and none can be removed while a process holds it.
                    """);
        }
        return format("""
                Usage: %1$s rm [--force] NAME

                Removes the stale block NAME, one no process is attached to (left by processes that died: the
                next attach would reset it, rm frees its memory now). rm takes the block's attach lock first, so
                no process can attach while it looks and removes. A live block is refused unless:

                  --force            remove it although processes are attached: they keep their memory until
                                     they detach, and the next attach creates a new, separate block NAME

                Only a regular file with a mode panama-shm creates (0600, 0660 or 0666) is removed, never a
                semaphore (sem.*). Exit status 1 when there is nothing to remove or it is refused.
                """);
    }

    private String demo() {
        return format("""
                Usage: %1$s demo [--name NAME] [--text TEXT]

                The example's two processes: this one prints "Process is writing to shared memory...", stores TEXT
                (default "This is a test string") in the block, starts a child JVM from the same jar and waits while
                it is attached; the child prints "Child process read from shared memory: TEXT". The block is freed
                when both have detached.

                Options:
                  --text TEXT        the text to share
                  --name NAME        the block's name (default %2$s)
                """, SharedString.DEFAULT_NAME);
    }
}
