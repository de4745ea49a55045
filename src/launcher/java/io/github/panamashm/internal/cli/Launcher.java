package io.github.panamashm.internal.cli;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The jar's {@code Main-Class}, compiled for Java 8 (its own compiler execution in the pom) so that an older
 * {@code java -jar} can load it: there it prints one line saying that Java 22 or newer is needed and which
 * Java it found, and exits with 1, instead of an {@code UnsupportedClassVersionError}. On Java 22 or newer
 * it runs {@code Main}, which it names only as a string: this class is compiled without the rest.
 */
public final class Launcher {
    /** The first Java whose {@code java.lang.foreign} the library is compiled for. */
    static final int REQUIRED = 22;
    private static final String MAIN = "io.github.panamashm.internal.cli.Main";

    private Launcher() {
    }

    /**
     * Runs the tool, or refuses a Java older than {@value #REQUIRED} in one line and exits with 1.
     *
     * @param args the tool's arguments
     * @throws Throwable whatever the tool's main throws
     */
    public static void main(String[] args) throws Throwable {
        String refusal = refusal(System.getProperty("java.specification.version"), System.getProperty("java.version"),
                System.getProperty("java.home"));
        if (refusal != null) {
            System.err.println(refusal);
            System.exit(1);
        }
        MethodHandle main = MethodHandles.lookup().findStatic(Class.forName(MAIN), "main",
                MethodType.methodType(void.class, String[].class));
        main.invokeExact(args);
    }

    /** @return the one line that refuses this Java, or null when it is {@value #REQUIRED} or newer */
    static String refusal(String specificationVersion, String javaVersion, String javaHome) {
        if (feature(specificationVersion) >= REQUIRED) {
            return null;
        }
        return "panama-shm needs Java " + REQUIRED + " or newer (java.lang.foreign), but this is Java " + javaVersion
                + " (" + javaHome + "): run it with a JDK " + REQUIRED + " or newer";
    }

    /**
     * @param specificationVersion {@code java.specification.version}: {@code 1.8} up to Java 8, then {@code 9},
     *                             {@code 17}, {@code 22}...
     * @return the Java feature release, or {@link Integer#MAX_VALUE} when the value cannot be read (then the
     * real CLI is tried, and fails on its own terms if it must)
     */
    static int feature(String specificationVersion) {
        String v = specificationVersion == null ? "" : specificationVersion;
        if (v.startsWith("1.")) {
            v = v.substring(2);
        }
        int end = 0;
        while (end < v.length() && end < 9 && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? Integer.MAX_VALUE : Integer.parseInt(v.substring(0, end));
    }
}
