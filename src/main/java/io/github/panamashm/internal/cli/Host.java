package io.github.panamashm.internal.cli;

import io.github.panamashm.internal.Os;
import io.github.panamashm.internal.Platform;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the tool's texts depend on, apart from its arguments: the OS, how the user started the tool, and the
 * charset the JVM decoded the arguments with. Tests make one for another OS to check its texts.
 *
 * @param os               the OS, or null when panama-shm has no backend for it
 * @param program          how to start the tool again, for the examples in the help: {@code bin/panama-shm},
 *                         {@code java -jar target/panama-shm.jar}...
 * @param argumentCharset  the charset the JVM decoded the arguments with ({@code sun.jnu.encoding})
 */
record Host(Os os, String program, String argumentCharset) {
    /** Set by {@code bin/panama-shm} to the name it was called by, so that the help shows that name. */
    static final String PROGRAM_PROPERTY = "io.github.panamashm.cli.program";

    /** @return this JVM's host */
    static Host current() {
        return new Host(Platform.os(), currentProgram(), System.getProperty("sun.jnu.encoding"));
    }

    /**
     * @return {@value #PROGRAM_PROPERTY} when set; else {@code java -jar JAR} when this class was loaded from a
     * jar, with the jar's path relative to the working directory when it lies below it; else the class path
     * command line
     */
    private static String currentProgram() {
        String property = System.getProperty(PROGRAM_PROPERTY);
        if (property != null && !property.isBlank()) {
            return property;
        }
        Path source;
        try {
            source = codeSource();
        } catch (IOException e) {
            source = null;
        }
        if (source != null && Files.isRegularFile(source)) {
            return "java -jar " + shown(source, Path.of("").toAbsolutePath());
        }
        return "java --enable-native-access=ALL-UNNAMED -cp " + (source == null ? "CLASSPATH"
                : shown(source, Path.of("").toAbsolutePath()))
                + " " + Main.class.getName();
    }

    /** @return {@code path} relative to the working directory when it lies below it, quoted when it has a space */
    static String shown(Path path, Path workingDirectory) {
        Path p = path.startsWith(workingDirectory) ? workingDirectory.relativize(path) : path;
        String s = p.toString();
        return s.contains(" ") ? "\"" + s + "\"" : s;
    }

    /** @return the jar or directory this program was loaded from, or null when the JVM does not say */
    static Path codeSource() throws IOException {
        var source = Host.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("cannot tell where this program was loaded from: " + source.getLocation(), e);
        }
    }
}
