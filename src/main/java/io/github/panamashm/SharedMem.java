package io.github.panamashm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The example DLL's two exports, for code being ported from it: attached to
 * {@value SharedString#DEFAULT_NAME} on first use and for the rest of the JVM's life, as the DLL is
 * attached from {@code DLL_PROCESS_ATTACH} to {@code DLL_PROCESS_DETACH}.
 *
 * <pre>{@code
 * SharedMem.setSharedMem("This is a test string");   // SetSharedMem(L"This is a test string")
 * String s = SharedMem.getSharedMem(80);             // GetSharedMem(buf, 80)
 * }</pre>
 *
 * <p>The block is detached when the JVM exits. New code should prefer {@link SharedString}, which lets the
 * caller choose the name and when to detach. The system property {@value #NAME_PROPERTY}, read at first use,
 * attaches the facade to another name (tests use it to keep their blocks apart).
 */
public final class SharedMem {
    /** The system property that names the block instead of {@value SharedString#DEFAULT_NAME}. */
    public static final String NAME_PROPERTY = "io.github.panamashm.SharedMem.name";

    private SharedMem() {
    }

    private static volatile SharedString block;
    /**
     * Lets one thread attach; not a monitor, since the attach may wait for another process and a virtual
     * thread waiting inside {@code synchronized} holds its carrier on JDK 22 and 23.
     */
    private static final ReentrantLock ATTACHING = new ReentrantLock();

    private static SharedString block() {
        SharedString b = block;
        if (b == null) {
            ATTACHING.lock();
            try {
                b = block;
                if (b == null) {
                    try {
                        b = SharedString.open(System.getProperty(NAME_PROPERTY, SharedString.DEFAULT_NAME));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    block = b;
                }
            } finally {
                ATTACHING.unlock();
            }
        }
        return b;
    }

    /**
     * {@code SetSharedMem}: stores {@code text} in {@value SharedString#DEFAULT_NAME}.
     *
     * @param text the text, truncated as {@link SharedString#set(CharSequence)} does
     * @return the number of UTF-16 units stored (at most {@value SharedString#MAX_LENGTH})
     * @throws IllegalArgumentException when text contains NUL
     * @throws UncheckedIOException     when the block could not be attached (the next call tries again)
     * @see SharedString#set(CharSequence)
     */
    public static int setSharedMem(String text) {
        return block().set(text);
    }

    /**
     * {@code GetSharedMem(buf, cchSize)}: reads {@value SharedString#DEFAULT_NAME} as it would fit in a buffer
     * of {@code cchSize} WCHARs.
     *
     * @param cchSize the buffer size in UTF-16 units, including the NUL
     * @return at most {@code cchSize - 1} units
     * @throws IllegalArgumentException when {@code cchSize < 1}
     * @throws UncheckedIOException     when the block could not be attached (the next call tries again)
     * @see SharedString#get(int)
     */
    public static String getSharedMem(int cchSize) {
        return block().get(cchSize);
    }

    /** {@return whether this JVM's attach created the block: the DLL's {@code fInit}} Attaches if needed. */
    public static boolean created() {
        return block().created();
    }
}
