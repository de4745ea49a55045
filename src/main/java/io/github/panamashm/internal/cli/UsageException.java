package io.github.panamashm.internal.cli;

/**
 * The command line is wrong: an unknown command or option, a missing or extra argument, or an argument
 * value the rules refuse before any system call (a bad block name, {@code --cch 0}). Exit status 2, with
 * the usage text.
 */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
