/**
 * Support for users' multi-process tests: {@link io.github.panamashm.testing.ChildJvm} starts a main class
 * of the test in a child JVM, so that a test can hold a block while another process attaches to it.
 *
 * <p>It is part of the library's jar, and exported by its module, so that a test needs no dependency
 * beyond panama-shm itself, on the class path or the module path. It uses nothing but {@code java.base} and
 * nothing in the library calls it.
 */
package io.github.panamashm.testing;
