package io.github.panamashm.reliability;

import io.github.panamashm.SharedMemory;
import io.github.panamashm.SharedMemoryException;
import io.github.panamashm.SharedString;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Runs in a child JVM as another user (see {@link NeighbourTest}). {@code private NAME}: attaches without
 * the sharing option and prints the refusal. {@code share NAME}: attaches with
 * {@link SharedMemory.Option#SHARE_WITH_EVERYONE}, prints what it reads, stores each line it is sent, and
 * detaches at end of input. Only panama-shm classes are loaded, so the other user needs no access to the
 * test libraries.
 */
public final class CrossUserPeer {
    public static void main(String[] args) throws IOException {
        String name = args[1];
        if (args[0].equals("private")) {
            try (SharedString s = SharedString.open(name)) {
                System.out.println("attached " + s.created());
            } catch (SharedMemoryException e) {
                System.out.println("refused " + e.getMessage());
            }
            return;
        }
        try (SharedString s = SharedString.open(name, SharedMemory.Option.SHARE_WITH_EVERYONE)) {
            System.out.println("attached created=" + s.created() + " text=" + s.get());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                s.set(line);
                System.out.println("set");
            }
        }
        System.out.println("closed");
    }
}
