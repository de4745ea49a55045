package io.github.panamashm;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The child JVM of the multi-process tests. Texts cross the process boundary as hex of their UTF-16 units
 * ({@link #hex(String)}), so surrogates survive any locale. Each command prints one line the parent
 * synchronises on, and those that hold the block wait for standard input to close before detaching.
 */
public final class Child {
    private Child() {
    }

    public static void main(String[] args) throws Exception {
        String command = args[0];
        String name = args[1];
        switch (command) {
            case "write-and-hold" -> { // attach, store, report, hold until stdin closes, detach
                try (SharedString s = SharedString.open(name)) {
                    int n = s.set(unhex(args[2]));
                    System.out.println("stored " + n + " created=" + s.created());
                    awaitStdinEof();
                }
            }
            case "read" -> { // attach, report what is there, detach
                try (SharedString s = SharedString.open(name)) {
                    System.out.println("created=" + s.created() + " text=" + hex(s.get()));
                }
            }
            case "attach-and-hold" -> { // attach, report whether this attach created it, hold
                try (SharedString s = SharedString.open(name)) {
                    System.out.println("created=" + s.created());
                    awaitStdinEof();
                }
            }
            case "race" -> { // wait for "go" on stdin, attach, report, hold until stdin closes
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                System.out.println("waiting");
                in.readLine();
                try (SharedString s = SharedString.open(name)) {
                    System.out.println("created=" + s.created());
                    while (in.readLine() != null) {
                        // hold until the parent closes our stdin
                    }
                }
            }
            case "race-create" -> { // wait for "go" on stdin, create exclusively, report, hold until stdin closes
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                System.out.println("waiting");
                in.readLine();
                SharedString s;
                try {
                    s = SharedString.create(name);
                } catch (SharedMemoryAlreadyExistsException e) {
                    System.out.println("exists " + e.getMessage());
                    return;
                }
                try (s) {
                    System.out.println("created=" + s.created());
                    while (in.readLine() != null) {
                        // hold until the parent closes our stdin
                    }
                }
            }
            case "hold-sized" -> { // openOrCreate with a size and hold it
                try (SharedMemory m = SharedMemory.openOrCreate(name, Long.parseLong(args[2]))) {
                    System.out.println("holding " + m.byteSize());
                    awaitStdinEof();
                }
            }
            case "write-and-exit" -> { // attach, store and leave with System.exit, never calling close
                SharedString s = SharedString.open(name);
                s.set(unhex(args[2]));
                System.out.println("stored");
                System.exit(0);
            }
            case "write-and-return" -> { // attach, store and end main without calling close
                SharedString s = SharedString.open(name);
                s.set(unhex(args[2]));
                System.out.println("stored");
            }
            case "open-sized" -> { // openOrCreate with a size, reporting the outcome as one line
                try (SharedMemory m = SharedMemory.openOrCreate(name, Long.parseLong(args[2]))) {
                    m.segment().fill((byte) 1); // would raise SIGBUS if the object were smaller than mapped
                    System.out.println("ok " + m.byteSize());
                } catch (SharedMemoryException e) {
                    System.out.println("refused " + e.getMessage());
                }
            }
            case "facade" -> { // the DLL-style facade, on the name given by the test's system property
                int n = SharedMem.setSharedMem(unhex(args[2]));
                System.out.println("stored " + n + " created=" + SharedMem.created() + " read="
                        + hex(SharedMem.getSharedMem(Integer.parseInt(args[3]))));
            }
            case "await-change" -> { // attach, report, wait for a version other than args[2], report the text
                try (SharedString s = SharedString.open(name)) {
                    System.out.println("waiting");
                    SharedString.Snapshot got = s.awaitChange(Long.parseLong(args[2]), Duration.ofSeconds(60));
                    System.out.println("changed " + got.version() + " " + hex(got.text()));
                }
            }
            case "echo", "echo-unsliced" -> { // answer each "ping..." with "pong...", args[2] times, waiting for each
                boolean unsliced = args[0].equals("echo-unsliced"); // with one OS wait for the whole time
                try (SharedString s = SharedString.open(name)) {
                    long seen = s.version();
                    System.out.println("ready");
                    for (int round = 0, rounds = Integer.parseInt(args[2]); round < rounds; round++) {
                        SharedString.Snapshot ping;
                        do {
                            ping = unsliced ? UnslicedWait.awaitChange(s, seen, Duration.ofSeconds(30))
                                    : s.awaitChange(seen, Duration.ofSeconds(30));
                            seen = ping.version();
                        } while (!ping.text().startsWith("ping"));
                        s.set("pong" + ping.text().substring(4)); // seen next as a change that is no ping
                    }
                    System.out.println("echoed " + args[2]);
                }
            }
            case "set-loop" -> { // print the futex word's address, then on "go" set args[2] times, print "done"
                try (SharedString s = SharedString.open(name)) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                    long word = s.memory().segment().address() + SharedString.BYTE_SIZE;
                    System.out.println("word 0x" + Long.toHexString(word));
                    in.readLine();
                    for (int i = 0, n = Integer.parseInt(args[2]); i < n; i++) {
                        s.set(i % 2 == 0 ? "This is a test string" : "and another one");
                    }
                    System.out.println("done");
                    awaitStdinEof();
                }
            }
            default -> throw new IllegalArgumentException(command);
        }
    }

    private static void awaitStdinEof() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // wait for the parent to close our stdin
        }
    }

    /** @return the UTF-16 units of {@code s} as hex, 4 digits each; "-" for the empty string */
    public static String hex(String s) {
        if (s.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            sb.append(HexFormat.of().toHexDigits(s.charAt(i)));
        }
        return sb.toString();
    }

    /** @return the text {@link #hex(String)} encoded */
    public static String unhex(String h) {
        if (h.equals("-")) {
            return "";
        }
        char[] c = new char[h.length() / 4];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) HexFormat.fromHexDigits(h, 4 * i, 4 * i + 4);
        }
        return new String(c);
    }
}
