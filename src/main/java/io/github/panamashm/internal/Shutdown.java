package io.github.panamashm.internal;

/** Whether the JVM's shutdown has begun, as the Runtime tells it: it refuses to change its hooks from then on. */
public final class Shutdown {
    /** Never registered: removing it only asks the question. */
    private static final Thread PROBE = Thread.ofPlatform().unstarted(() -> {
    });

    private Shutdown() {
    }

    /** {@return true once the JVM's shutdown has begun} */
    public static boolean begun() {
        try {
            Runtime.getRuntime().removeShutdownHook(PROBE);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
