/**
 * Named, cross-process shared memory through the Foreign Function &amp; Memory API.
 *
 * <p>Only {@link io.github.panamashm} is exported; the OS bindings live in internal packages.
 * The module calls restricted methods of {@code java.lang.foreign}: run it with
 * {@code --enable-native-access=io.github.panamashm} (or {@code ALL-UNNAMED} on the class path).
 */
module io.github.panamashm {
    exports io.github.panamashm;
}
