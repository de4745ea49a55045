package io.github.panamashm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A class path that a child process running as another user (uid 65534 through {@code setpriv}) can read,
 * whatever directory the build runs in.
 *
 * <p>The build's own {@code target/classes} is not enough: a checkout inside a 0700 directory (any
 * {@code mktemp -d}) gives other users no way through its parents. So the library's classes and the few
 * test classes the child runs are copied into a new directory under {@code java.io.tmpdir} with modes 0755
 * and 0644, and removed by {@link #close()}. When that is impossible too (the temporary directory or the
 * JDK is closed to other users), {@link #unreadableBecause()} says why, so the caller can skip with the
 * reason instead of failing.
 */
public final class OtherUserClassPath implements AutoCloseable {
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");

    private final Path root;

    private OtherUserClassPath(Path root) {
        this.root = root;
    }

    /**
     * Copies {@code target/classes} and the class files of {@code testClasses} (with their nested classes)
     * into a directory every user can read.
     */
    public static OtherUserClassPath of(Class<?>... testClasses) throws IOException {
        Path root = Files.createTempDirectory("panama-shm-other-user-",
                PosixFilePermissions.asFileAttribute(DIRECTORY));
        Files.setPosixFilePermissions(root, DIRECTORY); // the umask may have narrowed it
        OtherUserClassPath cp = new OtherUserClassPath(root);
        try {
            copyTree(Path.of("target", "classes"), root);
            Path testClassesDir = Path.of("target", "test-classes");
            for (Class<?> c : testClasses) {
                Path dir = testClassesDir.resolve(c.getPackageName().replace('.', '/'));
                String simple = c.getName().substring(c.getPackageName().length() + 1);
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String n = f.getFileName().toString();
                        if (n.equals(simple + ".class") || n.startsWith(simple + "$")) {
                            copyFile(f, root, testClassesDir.relativize(f));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            cp.close();
            throw e;
        }
        return cp;
    }

    /** @return the directory to pass as {@code -cp} */
    public String classPath() {
        return root.toString();
    }

    /**
     * @return null when a process of another user can reach the copied classes and run {@code java}; else
     *         the first directory on the way that others may not traverse
     */
    public String unreadableBecause() {
        for (Path p : new Path[]{root, Path.of(System.getProperty("java.home"))}) {
            for (Path dir = p.toAbsolutePath(); dir != null; dir = dir.getParent()) {
                try {
                    if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                        return dir + " is closed to other users (mode "
                                + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)) + ")";
                    }
                } catch (IOException e) {
                    return "cannot read the mode of " + dir + ": " + e;
                }
            }
        }
        return null;
    }

    private static void copyTree(Path from, Path root) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                copyFile(file, root, from.relativize(file));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Copies {@code file} to {@code root/relative}, readable by all, as are the directories made for it. */
    private static void copyFile(Path file, Path root, Path relative) throws IOException {
        Path to = root.resolve(relative.toString());
        Files.createDirectories(to.getParent());
        for (Path dir = to.getParent(); !dir.equals(root); dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, DIRECTORY); // the umask may have narrowed it
        }
        Files.copy(file, to);
        Files.setPosixFilePermissions(to, FILE);
    }

    /** Removes the copy. */
    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
