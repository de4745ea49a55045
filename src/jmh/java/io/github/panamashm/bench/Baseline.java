package io.github.panamashm.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * The library as it was before a change, loaded in the same JVM from the classes in the directory named by
 * the system property {@value #PROPERTY} (bench/run.sh compiles them from {@code BASELINE_REF}), so that the
 * old and the new {@code SharedString} are measured in the same run, interleaved. Its {@code SharedString} is
 * reached through method handles held in static finals, which the JIT inlines like direct calls.
 */
final class Baseline {
    static final String PROPERTY = "bench.baseline";
    private static final Class<?> SHARED_STRING;
    /** {@code (String) -> Object}: {@code SharedString.open(name)}. */
    static final MethodHandle OPEN;
    /** {@code (Object, CharSequence) -> int}. */
    static final MethodHandle SET;
    /** {@code (Object) -> String}. */
    static final MethodHandle GET;
    /** {@code (Object) -> void}. */
    static final MethodHandle CLOSE;

    static {
        try {
            String dir = System.getProperty(PROPERTY);
            if (dir == null) {
                throw new IllegalStateException("set -D" + PROPERTY + " to the baseline's classes (bench/run.sh does)");
            }
            ClassLoader loader = new URLClassLoader(new URL[]{Path.of(dir).toUri().toURL()}, null);
            SHARED_STRING = Class.forName("io.github.panamashm.SharedString", true, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            OPEN = lookup.findStatic(SHARED_STRING, "open", MethodType.methodType(SHARED_STRING, String.class))
                    .asType(MethodType.methodType(Object.class, String.class));
            SET = lookup.findVirtual(SHARED_STRING, "set", MethodType.methodType(int.class, CharSequence.class))
                    .asType(MethodType.methodType(int.class, Object.class, CharSequence.class));
            GET = lookup.findVirtual(SHARED_STRING, "get", MethodType.methodType(String.class))
                    .asType(MethodType.methodType(String.class, Object.class));
            CLOSE = lookup.findVirtual(SHARED_STRING, "close", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Baseline() {
    }
}
