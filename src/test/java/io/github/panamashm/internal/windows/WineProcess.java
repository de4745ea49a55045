package io.github.panamashm.internal.windows;

import io.github.panamashm.testing.ChildJvm;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One simulated Windows process: the helper {@code src/test/c/win32/win32_call.c} running under Wine, which makes
 * each Win32 call it is sent, with the arguments given, and answers the result and {@code GetLastError()}. Its
 * handles and views are its own and live until it ends, as in any Windows process; {@link #kill()} ends it the
 * way a crash would, leaving the kernel (wineserver) to close them.
 *
 * <pre>{@code
 * WineProcess p = wine.start();
 * Reply r = p.call("kernel32", "CreateEventW", 0L, 1L, 0L, WineProcess.wide("Local\\x"));
 * }</pre>
 * Any function whose arguments and result are integers or pointers can be called; see the helper's comment.
 */
public final class WineProcess implements AutoCloseable {
    private static final HexFormat HEX = HexFormat.of();

    /** An argument: a buffer holding {@code bytes}, whose address is passed. */
    public record In(byte[] bytes) {
    }

    /** An argument: a zeroed buffer of {@code size} bytes, whose address is passed and whose bytes come back. */
    public record Out(int size) {
    }

    /**
     * What the call answered.
     *
     * @param value     its return value, 64 bits
     * @param lastError {@code GetLastError()} right after it
     * @param out       the {@link Out} buffers after the call, in argument order
     * @param outAt     the addresses they had in the helper, in the same order
     */
    public record Reply(long value, int lastError, List<byte[]> out, List<Long> outAt) {
    }

    private final ChildJvm helper;
    private boolean killed;

    WineProcess(ChildJvm helper) {
        this.helper = helper;
        String ready = helper.readLine();
        if (!ready.equals("ready")) {
            throw new AssertionError("the Wine helper did not start: " + ready + "\n" + helper.transcript());
        }
    }

    /** @return the Linux process id of this helper, whose /proc entries show its views */
    public long pid() {
        return helper.process().pid();
    }

    /**
     * Calls {@code function} of {@code dll} in this process.
     *
     * @param args {@link Long} or {@link Integer} values (passed as 64-bit integers, an int sign-extended),
     *             {@link In} and {@link Out} buffers
     */
    public synchronized Reply call(String dll, String function, Object... args) {
        StringBuilder line = new StringBuilder(dll).append(' ').append(function);
        for (Object a : args) {
            line.append(' ').append(switch (a) {
                case Long l -> Long.toHexString(l);
                case Integer i -> Long.toHexString(i);
                case In in -> "in:" + HEX.formatHex(in.bytes());
                case Out out -> "out:" + out.size();
                default -> throw new IllegalArgumentException("not an argument: " + a);
            });
        }
        helper.send(line.toString());
        String reply = reply();
        String[] words = reply.split(" ");
        if (!words[0].equals("ok")) {
            throw new AssertionError(function + ": " + reply);
        }
        List<byte[]> out = new ArrayList<>();
        List<Long> outAt = new ArrayList<>();
        for (int i = 3; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            outAt.add(Long.parseUnsignedLong(words[i].substring(0, eq), 16));
            out.add(HEX.parseHex(words[i].substring(eq + 1)));
        }
        return new Reply(Long.parseUnsignedLong(words[1], 16), Integer.parseUnsignedInt(words[2]), out, outAt);
    }

    /**
     * @return the helper's reply, waited for whatever interrupts this thread (the status is kept): a real kernel call
     *         does not end on a Java interrupt either, and the reply must not be left for the next call
     */
    private String reply() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return helper.readLine();
                } catch (AssertionError e) {
                    if (!(e.getCause() instanceof InterruptedException)) {
                        throw e;
                    }
                    interrupted = Thread.interrupted() || true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return {@code s} as a NUL-terminated UTF-16LE buffer, an {@code LPCWSTR} argument */
    public static In wide(String s) {
        byte[] b = new byte[2 * s.length() + 2];
        for (int i = 0; i < s.length(); i++) {
            b[2 * i] = (byte) s.charAt(i);
            b[2 * i + 1] = (byte) (s.charAt(i) >>> 8);
        }
        return new In(b);
    }

    /** Ends the process as a crash would: the kernel closes its handles and unmaps its views. */
    public void kill() {
        killed = true;
        helper.kill();
    }

    /** Ends the process normally: end of input; it exits, and the kernel closes what it left open. */
    @Override
    public void close() {
        helper.closeStdin();
        int exit = helper.waitFor();
        if (exit != 0 && !killed) {
            throw new AssertionError("the Wine helper exited with " + exit + "\n" + helper.transcript());
        }
    }
}
