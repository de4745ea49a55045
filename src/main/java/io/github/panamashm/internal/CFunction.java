package io.github.panamashm.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The C prototype a {@code FunctionDescriptor} is meant to describe, written once, next to the descriptor.
 *
 * <p>It is machine-read: {@code AbiProofTest} turns each one into a {@code __builtin_types_compatible_p} check
 * against the real header and compares {@code sizeof} of every parameter and return type with the byte size
 * of the descriptor's carrier at the same position, then compiles that with gcc or mingw-w64. A wrong
 * descriptor, or a prototype that does not match the header, fails the build there.
 *
 * <p>Write parameter types only, no names, e.g.
 * {@code HANDLE WINAPI CreateFileMappingW(HANDLE, LPSECURITY_ATTRIBUTES, DWORD, DWORD, DWORD, LPCWSTR)};
 * end a variadic function with {@code ...} and list the types actually passed in {@link #variadic()}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface CFunction {
    /** @return the prototype, e.g. {@code int fcntl(int, int, ...)} */
    String value();

    /** @return the C types of the variadic arguments this binding passes, e.g. {@code struct flock *} */
    String[] variadic() default {};

    /**
     * @return false when current headers no longer declare the function (it is linked only as a fallback
     *         for old libraries); the proof then checks the widths only
     */
    boolean declared() default true;
}
