package io.github.panamashm.internal;

import io.github.panamashm.internal.linux.LibC;
import io.github.panamashm.internal.linux.LinuxStructs;
import io.github.panamashm.internal.windows.Kernel32;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ABI proof: C files generated from the Java bindings themselves (descriptors with their
 * {@link CFunction} prototypes, constants, struct layouts), compiled against the real headers. It runs
 * wherever the compilers are installed ({@code .ci/run} and the ubuntu CI job install them) and says so
 * when it skips.
 */
class AbiProofTest {
    private static final String MINGW = "x86_64-w64-mingw32-gcc";
    private static final String AARCH64 = "aarch64-linux-gnu-gcc";

    private static final String WINDOWS_PRELUDE = "#include <windows.h>\n";
    private static final String LINUX_PRELUDE = """
            #define _GNU_SOURCE
            #include <fcntl.h>
            #include <stdint.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <sys/stat.h>
            #include <sys/syscall.h>
            #include <time.h>
            #include <unistd.h>
            #include <errno.h>
            #include <linux/futex.h>
            """;
    /** Java constants that are no C macro of their own name. */
    private static final Map<String, String> LIBC_ALIASES = Map.of("S_IRUSR_S_IWUSR", "(S_IRUSR | S_IWUSR)");

    static CAbiProof kernel32() {
        return new CAbiProof(WINDOWS_PRELUDE)
                .functionsOf(Kernel32.Descriptors.class)
                .constantsOf(Kernel32.class, false, Map.of())
                .structsOf(Kernel32.class);
    }

    static CAbiProof libc(LinuxStructs arch) {
        return new CAbiProof(LINUX_PRELUDE)
                .functionsOf(LibC.Descriptors.class)
                .constantsOf(LibC.class, false, LIBC_ALIASES)
                .constantsOf(errnoClass(), true, Map.of())
                .constant(sysFutex(arch.SYS_futex()))
                .struct("struct stat", arch.stat())
                .struct("struct flock", LinuxStructs.FLOCK)
                .struct("struct timespec", LinuxStructs.TIMESPEC);
    }

    private static CAbiProof.Constant sysFutex(long value) {
        return new CAbiProof.Constant("SYS_futex", "SYS_futex", value, long.class);
    }

    private static Class<?> errnoClass() {
        try {
            return Class.forName("io.github.panamashm.internal.linux.Errno");
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static String mingw() {
        String cc = CAbiProof.findCompiler("x86_64-w64-mingw32", MINGW);
        assumeTrue(cc != null, MINGW + " not found: install gcc-mingw-w64-x86-64 (.ci/run does) to run the kernel32"
                + " ABI proof; skipped");
        return cc;
    }

    private static String x86_64Linux() {
        String cc = CAbiProof.findCompiler("x86_64-linux-gnu", "x86_64-linux-gnu-gcc", "gcc");
        assumeTrue(cc != null, "no gcc targeting x86_64-linux-gnu found: install gcc (.ci/run does) to run the"
                + " x86_64 libc ABI proof; skipped");
        return cc;
    }

    private static String aarch64Linux() {
        String cc = CAbiProof.findCompiler("aarch64-linux-gnu", AARCH64, "gcc");
        assumeTrue(cc != null, AARCH64 + " not found: install gcc-aarch64-linux-gnu (.ci/run does) to run the"
                + " aarch64 libc ABI proof; skipped");
        return cc;
    }

    private static void assertProves(CAbiProof proof, String compiler) {
        CAbiProof.Compilation result = proof.compile(compiler);
        assertTrue(result.ok(), () -> compiler + " rejected the bindings:\n" + result + "\nsource:\n" + result.source());
        // Every function, constant and struct produced at least one assertion that the compiler evaluated.
        for (CAbiProof.Function f : proof.functions()) {
            assertTrue(result.source().contains("\"" + f.name() + ": parameter") || f.descriptor().argumentLayouts().isEmpty(),
                    f.name() + " was not checked");
        }
        for (CAbiProof.Constant k : proof.constants()) {
            assertTrue(result.source().contains("constant " + k.name() + " is"), k.name() + " was not checked");
        }
    }

    private static void assertRefuses(CAbiProof wrong, String compiler, String assertionNaming) {
        CAbiProof.Compilation result = wrong.compile(compiler);
        assertFalse(result.ok(), () -> compiler + " accepted a wrong binding; source:\n" + result.source());
        assertTrue(result.output().contains("static assertion failed") && result.output().contains(assertionNaming),
                () -> "expected a failed assertion naming \"" + assertionNaming + "\", got:\n" + result.output());
    }

    @Test
    @DisplayName("kernel32 descriptors, constants and MEMORY_BASIC_INFORMATION match mingw-w64's <windows.h>")
    void kernel32BindingsMatchWindowsH() {
        CAbiProof proof = kernel32();
        assertEquals(Arrays.stream(Kernel32.Descriptors.class.getFields())
                        .filter(f -> f.getType() == FunctionDescriptor.class).count(),
                proof.functions().size(), "every kernel32 descriptor is in the proof");
        assertTrue(proof.constants().stream().anyMatch(k -> k.name().equals("ERROR_ALREADY_EXISTS")));
        assertEquals(1, proof.structs().size(), "MEMORY_BASIC_INFORMATION is in the proof");
        assertProves(proof, mingw());
    }

    @Test
    @DisplayName("a DWORD bound as JAVA_LONG fails the kernel32 proof, naming the function and parameter")
    void wideDwordFailsTheKernel32Proof() {
        CAbiProof.Function right = kernel32().functions().stream()
                .filter(f -> f.name().equals("CreateFileMappingW")).findFirst().orElseThrow();
        // dwMaximumSizeLow is a DWORD: 4 bytes on LLP64, not 8.
        CAbiProof.Function wrong = new CAbiProof.Function(right.name(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                right.prototype(), right.variadic(), right.declared());
        assertRefuses(kernel32().replacing(wrong), mingw(), "CreateFileMappingW: parameter 5 (DWORD) is not 8 bytes like JAVA_LONG");
    }

    @Test
    @DisplayName("a prototype that differs from the header fails the kernel32 proof")
    void wrongPrototypeFailsTheKernel32Proof() {
        CAbiProof.Function right = kernel32().functions().stream()
                .filter(f -> f.name().equals("MapViewOfFile")).findFirst().orElseThrow();
        CAbiProof.Function wrong = new CAbiProof.Function(right.name(), FunctionDescriptor.of(ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), "LPVOID WINAPI MapViewOfFile(HANDLE, DWORD, DWORD, DWORD, DWORD)",
                List.of(), true);
        assertRefuses(kernel32().replacing(wrong), mingw(), "MapViewOfFile: the prototype");
    }

    @Test
    @DisplayName("a wrong constant value fails the kernel32 proof, naming the constant")
    void wrongConstantFailsTheKernel32Proof() {
        CAbiProof wrong = kernel32().replacing(new CAbiProof.Constant("PAGE_READWRITE", "PAGE_READWRITE", 0x02, int.class));
        assertRefuses(wrong, mingw(), "constant PAGE_READWRITE is 2 in Java");
    }

    @Test
    @DisplayName("a struct layout without alignment padding fails the kernel32 proof, naming the member")
    void misalignedStructFailsTheKernel32Proof() {
        var packed = MemoryLayout.structLayout(
                ADDRESS.withName("BaseAddress"),
                ADDRESS.withName("AllocationBase"),
                JAVA_INT.withName("AllocationProtect"),
                JAVA_LONG.withByteAlignment(4).withName("RegionSize"),
                JAVA_INT.withName("State"),
                JAVA_INT.withName("Protect"),
                JAVA_INT.withName("Type"));
        CAbiProof wrong = kernel32().replacing(new CAbiProof.Struct("MEMORY_BASIC_INFORMATION", packed));
        assertRefuses(wrong, mingw(), "MEMORY_BASIC_INFORMATION.RegionSize is not at offset 20");
    }

    @Test
    @DisplayName("libc descriptors, constants, errno values, SYS_futex and the x86_64 struct stat, flock and timespec match glibc's headers")
    void libcBindingsMatchX86_64Headers() {
        assertProves(libc(LinuxStructs.X86_64), x86_64Linux());
    }

    @Test
    @DisplayName("libc descriptors, constants, errno values, SYS_futex and the aarch64 struct stat, flock and timespec match glibc's aarch64 headers")
    void libcBindingsMatchAarch64Headers() {
        assertProves(libc(LinuxStructs.AARCH64), aarch64Linux());
    }

    @Test
    @DisplayName("the x86_64 struct stat layout fails the aarch64 proof: the layouts really are per architecture")
    void x86_64StatFailsTheAarch64Proof() {
        CAbiProof wrong = libc(LinuxStructs.AARCH64).replacing(new CAbiProof.Struct("struct stat", LinuxStructs.X86_64.stat()));
        assertRefuses(wrong, aarch64Linux(), "struct stat.st_nlink is not at offset 16");
    }

    @Test
    @DisplayName("x86_64's SYS_futex fails the aarch64 proof: the system call numbers really are per architecture")
    void x86_64SysFutexFailsTheAarch64Proof() {
        CAbiProof wrong = libc(LinuxStructs.AARCH64).replacing(sysFutex(LinuxStructs.X86_64.SYS_futex()));
        assertRefuses(wrong, aarch64Linux(), "constant SYS_futex is 202 in Java");
    }

    @Test
    @DisplayName("a wrong libc constant and an int off_t fail the x86_64 proof")
    void wrongLibcBindingsFailTheX86_64Proof() {
        String cc = x86_64Linux();
        assertRefuses(libc(LinuxStructs.X86_64).replacing(new CAbiProof.Constant("O_CREAT", "O_CREAT", 0x200, int.class)),
                cc, "constant O_CREAT is 512 in Java");
        CAbiProof.Function right = libc(LinuxStructs.X86_64).functions().stream()
                .filter(f -> f.name().equals("ftruncate")).findFirst().orElseThrow();
        CAbiProof.Function wrong = new CAbiProof.Function(right.name(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
                right.prototype(), right.variadic(), right.declared());
        assertRefuses(libc(LinuxStructs.X86_64).replacing(wrong), cc, "ftruncate: parameter 2 (off_t) is not 4 bytes like JAVA_INT");
    }
}
