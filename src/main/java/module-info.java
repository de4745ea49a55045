/**
 * Named, cross-process shared memory through the Foreign Function &amp; Memory API.
 *
 * <p>{@link io.github.panamashm} is the API; {@link io.github.panamashm.testing} starts child JVMs for
 * multi-process tests. The OS bindings live in internal packages, which are not exported.
 * The module calls restricted methods of {@code java.lang.foreign}: run it with
 * {@code --enable-native-access=io.github.panamashm} (or {@code ALL-UNNAMED} on the class path).
 */
module io.github.panamashm {
    exports io.github.panamashm;
    exports io.github.panamashm.testing;
}
