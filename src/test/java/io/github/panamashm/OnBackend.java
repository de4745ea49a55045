package io.github.panamashm;

import io.github.panamashm.internal.Backend;
import io.github.panamashm.internal.Os;

import java.io.IOException;

/**
 * The public API over a backend of the test's choosing, with {@code os}'s name rules: how the Windows contract
 * suite runs {@link SharedMemory} and {@link SharedString} over Windows' backend on Linux (Wine's kernel32, the
 * model of it). The package-private factories it calls are what the public ones call with the running OS's.
 */
public final class OnBackend {
    private final Backend backend;
    private final Os os;

    public OnBackend(Backend backend, Os os) {
        this.backend = backend;
        this.os = os;
    }

    public SharedMemory openOrCreate(String name, long byteSize, SharedMemory.Option... options) throws IOException {
        return SharedMemory.openOrCreate(backend, os, name, byteSize, SharedMemory.Option.mode(options));
    }

    public SharedMemory openExisting(String name, SharedMemory.Option... options) throws IOException {
        return SharedMemory.openExisting(backend, os, name, SharedMemory.Option.mode(options));
    }

    /** {@return a text block with its control area where the backend makes one, as {@code SharedString.open} does} */
    public SharedString openText(io.github.panamashm.internal.Backend.TextOpen how, String name,
                                 java.time.Duration peerTimeout, SharedMemory.Option... options) throws IOException {
        return new SharedString(SharedMemory.openText(backend, os, how, name, SharedMemory.Option.mode(options),
                peerTimeout));
    }

    public SharedString openString(String name, SharedMemory.Option... options) throws IOException {
        return new SharedString(openOrCreate(name, SharedString.BYTE_SIZE, options));
    }
}
