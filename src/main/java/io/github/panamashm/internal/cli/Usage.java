package io.github.panamashm.internal.cli;

import io.github.panamashm.SharedString;

/** The usage texts: one for the tool, one per command. */
final class Usage {
    private Usage() {
    }

    static final String PROGRAM = "java -jar panama-shm.jar";

    private static final String LIFETIME = """

            A block lives while at least one process is attached to it. set, get and info attach, do their
            work and detach: when no other process is attached, the text set stores is freed as set exits,
            and get sees a fresh, empty block. Keep the block alive with hold (or any program attached to it):
              %1$s hold --until-signal &  # or: hold in another terminal
              %1$s set "hello"
              %1$s get                    # hello
              kill %%1                                         # the last one out frees the block
            """.formatted(PROGRAM);

    private static final String EXIT = """

            Exit status: 0 success; 1 the operation failed, with one line on standard error naming what failed
            (e.g. the OS refused); 2 usage error (unknown command or option, missing or extra argument, or a
            value the rules refuse before any system call: a bad --name, --cch below 1), with this text.
            Output is UTF-8 whatever the locale.
            """;

    private static final String NAME = """
              --name NAME      the block's name (default %s); on Linux the POSIX shared memory
                               object /dev/shm/NAME, on Windows the file mapping NAME
              -h, --help       print this text
            """.formatted(SharedString.DEFAULT_NAME);

    static final String MAIN = """
            Usage: %1$s COMMAND [OPTIONS]

            Named shared memory from the shell: a %2$d-byte block holding a NUL-terminated UTF-16 string,
            byte-compatible with Microsoft's "Using Shared Memory in a Dynamic-Link Library" example.

            Commands:
              demo [--text TEXT]    the example: store TEXT, start a child JVM that reads and prints it
              set TEXT              store TEXT (at most %3$d UTF-16 units); "-" reads it from standard input
              get [--cch N]         print the stored text
              hold [TEXT]           attach (storing TEXT if given) and keep the block alive until standard
                                    input ends or SIGINT/SIGTERM
              info                  print the block's name, size, whether this attach created it, and where
                                    it lives

            Every command takes:
            %4$s
            Run %1$s COMMAND --help for one command's options.
            """.formatted(PROGRAM, SharedString.BYTE_SIZE, SharedString.MAX_LENGTH, NAME)
            + LIFETIME + EXIT;

    static final String DEMO = """
            Usage: %1$s demo [--name NAME] [--text TEXT]

            The example's two processes: this one prints "Process is writing to shared memory...", stores TEXT
            (default "This is a test string") in the block, starts a child JVM from the same jar and waits while
            it is attached; the child prints "Child process read from shared memory: TEXT". The block is freed
            when both have detached.

            Options:
              --text TEXT      the text to share
            %2$s""".formatted(PROGRAM, NAME) + EXIT;

    static final String SET = """
            Usage: %1$s set [--name NAME] TEXT

            Stores TEXT and says how many UTF-16 units were stored: at most %2$d, never half a surrogate pair.
            A longer text is truncated, with a warning on standard error. TEXT "-" reads the text from
            standard input as UTF-8 (without its final line break), for text the locale cannot pass as an
            argument; use "--" to store a text beginning with "-".

            Options:
            %3$s""".formatted(PROGRAM, SharedString.MAX_LENGTH, NAME) + LIFETIME + EXIT;

    static final String GET = """
            Usage: %1$s get [--name NAME] [--cch N]

            Prints the stored text and a line break. With --cch N, prints what GetSharedMem(buf, N) would
            copy: at most N - 1 UTF-16 units, never half a surrogate pair.

            Options:
              --cch N          the buffer size in UTF-16 units, including the NUL; at least 1
            %2$s""".formatted(PROGRAM, NAME) + LIFETIME + EXIT;

    static final String HOLD = """
            Usage: %1$s hold [--name NAME] [--until-signal] [TEXT]

            Attaches to the block, stores TEXT if given, prints one line starting with "holding" once it is
            ready, then keeps the block alive until standard input ends (Ctrl+D, or the writer of a pipe
            closing it) or the process gets SIGINT (Ctrl+C) or SIGTERM, and detaches. After standard input
            ends it prints "released NAME" and exits with 0; after a signal the JVM exits with 128 + the
            signal's number (130, 143), as for any program a signal ends, and the block is detached all the
            same.

            Options:
              --until-signal   do not read standard input: wait for SIGINT or SIGTERM only (for a
                               background job, whose standard input is often /dev/null or a terminal)
            %2$s""".formatted(PROGRAM, NAME) + LIFETIME + EXIT;

    static final String INFO = """
            Usage: %1$s info [--name NAME]

            Attaches to the block (creating it if no process is attached) and prints its name, its size in
            bytes, whether this attach created it, and where it lives on this OS.

            Options:
            %2$s""".formatted(PROGRAM, NAME) + EXIT;
}
