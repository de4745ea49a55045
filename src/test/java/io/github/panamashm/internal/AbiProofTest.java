package io.github.panamashm.internal;

import io.github.panamashm.internal.linux.LibC;
import io.github.panamashm.internal.linux.LinuxStructs;
import io.github.panamashm.internal.windows.Advapi32;
import io.github.panamashm.internal.windows.Kernel32;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ABI proof: C files generated from the Java bindings themselves (descriptors with their
 * {@link CFunction} prototypes, constants, struct layouts), compiled against the real headers, for Windows x64
 * and ARM64 (kernel32, advapi32) and Linux x86_64 and aarch64 (glibc); a link against the real libraries that
 * shows every symbol exists; and checks on the compiled bindings that each downcall links the symbol its
 * {@link CFunction} names and captures the right state ({@code GetLastError}, {@code errno}). It runs
 * wherever the compilers are installed ({@code .ci/run} and the ubuntu CI job install them) and says so
 * when it skips.
 */
class AbiProofTest {
    private static final String MINGW = "x86_64-w64-mingw32-gcc";
    private static final String AARCH64 = "aarch64-linux-gnu-gcc";
    private static final String ARM64_WINDOWS = "aarch64-w64-windows-gnu";
    /** mingw-w64's headers, which mingw-w64's gcc uses and which also declare Windows on ARM64. */
    private static final String MINGW_HEADERS = "/usr/share/mingw-w64/include";

    /** Linking without mingw-w64's default libraries (advapi32 among them), so that only the ones named count. */
    private static final String[] MINGW_RUNTIME = {"-nodefaultlibs", "-lmingw32", "-lgcc", "-lmingwex", "-lmsvcrt"};

    private static final String WINDOWS_PRELUDE = "#include <windows.h>\n#include <aclapi.h>\n";
    private static final String ARM64_PRELUDE = WINDOWS_PRELUDE
            + "#if !defined(__aarch64__) || !defined(_WIN64)\n#error not Windows on ARM64\n#endif\n";
    private static final String LINUX_PRELUDE = """
            #define _GNU_SOURCE
            #include <fcntl.h>
            #include <string.h>
            #include <sys/mman.h>
            #include <sys/stat.h>
            #include <unistd.h>
            #include <errno.h>
            """;
    /** Java constants that are no C macro of their own name. */
    private static final Map<String, String> LIBC_ALIASES = Map.of("S_IRUSR_S_IWUSR", "(S_IRUSR | S_IWUSR)");

    static CAbiProof win32() {
        return win32(WINDOWS_PRELUDE);
    }

    private static CAbiProof win32(String prelude) {
        return new CAbiProof(prelude)
                .functionsOf(Kernel32.Descriptors.class)
                .functionsOf(Advapi32.Descriptors.class)
                .constantsOf(Kernel32.class, false, Map.of())
                .constantsOf(Advapi32.class, false, Map.of())
                .structsOf(Kernel32.class)
                .structsOf(Advapi32.class);
    }

    static CAbiProof libc(LinuxStructs arch) {
        return new CAbiProof(LINUX_PRELUDE)
                .functionsOf(LibC.Descriptors.class)
                .constantsOf(LibC.class, false, LIBC_ALIASES)
                .constantsOf(errnoClass(), true, Map.of())
                .struct("struct stat", arch.stat())
                .struct("struct flock", LinuxStructs.FLOCK);
    }

    private static Class<?> errnoClass() {
        try {
            return Class.forName("io.github.panamashm.internal.linux.Errno");
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> mingw() {
        List<String> cc = CAbiProof.findCompiler("x86_64-w64-mingw32", List.of(), MINGW);
        assumeTrue(cc != null, MINGW + " not found: install gcc-mingw-w64-x86-64 (.ci/run does) to run the Win32"
                + " ABI proof; skipped");
        return cc;
    }

    private static List<String> arm64Windows() {
        List<String> cc = CAbiProof.findCompiler(ARM64_WINDOWS, List.of("--target=" + ARM64_WINDOWS, "-isystem",
                MINGW_HEADERS), "clang");
        assumeTrue(cc != null && java.nio.file.Files.isDirectory(java.nio.file.Path.of(MINGW_HEADERS)),
                "clang with mingw-w64's headers not found: install clang and gcc-mingw-w64-x86-64 (.ci/run does) to"
                        + " run the Windows ARM64 ABI proof; skipped");
        return cc;
    }

    private static List<String> x86_64Linux() {
        List<String> cc = CAbiProof.findCompiler("x86_64-linux-gnu", List.of(), "x86_64-linux-gnu-gcc", "gcc");
        assumeTrue(cc != null, "no gcc targeting x86_64-linux-gnu found: install gcc (.ci/run does) to run the"
                + " x86_64 libc ABI proof; skipped");
        return cc;
    }

    private static List<String> aarch64Linux() {
        List<String> cc = CAbiProof.findCompiler("aarch64-linux-gnu", List.of(), AARCH64, "gcc");
        assumeTrue(cc != null, AARCH64 + " not found: install gcc-aarch64-linux-gnu (.ci/run does) to run the"
                + " aarch64 libc ABI proof; skipped");
        return cc;
    }

    private static void assertProves(CAbiProof proof, List<String> compiler) {
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

    private static void assertRefuses(CAbiProof wrong, List<String> compiler, String assertionNaming) {
        CAbiProof.Compilation result = wrong.compile(compiler);
        assertFalse(result.ok(), () -> compiler + " accepted a wrong binding; source:\n" + result.source());
        // gcc says "static assertion failed", clang "static_assert failed"
        assertTrue(result.output().matches("(?s).*static.assert(ion)? failed.*") && result.output().contains(assertionNaming),
                () -> "expected a failed assertion naming \"" + assertionNaming + "\", got:\n" + result.output());
    }

    @Test
    @DisplayName("kernel32 and advapi32 descriptors, constants and structs match mingw-w64's <windows.h> and <aclapi.h> on x64")
    void win32BindingsMatchWindowsH() {
        CAbiProof proof = win32();
        assertEquals(Stream.of(Kernel32.Descriptors.class, Advapi32.Descriptors.class)
                        .flatMap(c -> Arrays.stream(c.getFields()))
                        .filter(f -> f.getType() == FunctionDescriptor.class).count(),
                proof.functions().size(), "every kernel32 and advapi32 descriptor is in the proof");
        assertTrue(proof.constants().stream().anyMatch(k -> k.name().equals("ERROR_ALREADY_EXISTS")));
        assertTrue(proof.constants().stream().anyMatch(k -> k.name().equals("SE_KERNEL_OBJECT")));
        assertEquals(9, proof.structs().size(), "MEMORY_BASIC_INFORMATION, SECURITY_ATTRIBUTES and the security structs");
        assertProves(proof, mingw());
    }

    @Test
    @DisplayName("the same kernel32 and advapi32 bindings match mingw-w64's headers for Windows on ARM64 (clang)")
    void win32BindingsMatchArm64WindowsH() {
        assertProves(arm64(), arm64Windows());
    }

    /**
     * The Win32 proof for ARM64. clang, unlike gcc, cannot evaluate {@code INVALID_HANDLE_VALUE}, a pointer cast,
     * in a static assertion; the macro is {@code ((HANDLE)(LONG_PTR)-1)} for every Windows target, and the x64
     * proof checks it.
     */
    private static CAbiProof arm64() {
        return win32(ARM64_PRELUDE).withoutConstant("INVALID_HANDLE_VALUE");
    }

    @Test
    @DisplayName("every kernel32 and advapi32 function the bindings link exists in mingw-w64's import libraries")
    void win32SymbolsLink() {
        CAbiProof.Compilation result = win32().link(mingw(), with(MINGW_RUNTIME, "-lkernel32", "-ladvapi32"));
        assertTrue(result.ok(), () -> "the link failed:\n" + result + "\nsource:\n" + result.source());
    }

    @Test
    @DisplayName("the link step fails for a function its library does not export: advapi32's GetSecurityInfo without -ladvapi32")
    void linkFailsForAFunctionOutsideTheLibrary() {
        CAbiProof.Compilation result = win32().link(mingw(), with(MINGW_RUNTIME, "-lkernel32"));
        assertFalse(result.ok());
        assertTrue(result.output().contains("undefined reference to `GetSecurityInfo'"), result.output());
    }

    private static String[] with(String[] first, String... more) {
        return Stream.concat(Arrays.stream(first), Arrays.stream(more)).toArray(String[]::new);
    }

    @Test
    @DisplayName("every libc function the bindings link as declared exists in glibc")
    void libcSymbolsLink() {
        CAbiProof.Compilation result = libc(LinuxStructs.X86_64).link(x86_64Linux());
        assertTrue(result.ok(), () -> "the link failed:\n" + result + "\nsource:\n" + result.source());
    }

    @Test
    @DisplayName("each downcall holder links the symbol its descriptor's @CFunction names, and every descriptor is linked")
    void downcallsLinkTheirCFunctionSymbol() {
        for (Class<?> binding : List.of(Kernel32.class, Advapi32.class, LibC.class)) {
            Map<String, String> symbols = new TreeMap<>(); // descriptor field -> the C name in its prototype
            for (Field f : descriptorsOf(binding).getFields()) {
                if (f.getType() == FunctionDescriptor.class) {
                    String prototype = f.getAnnotation(CFunction.class).value();
                    symbols.put(f.getName(), prototype.replaceAll("^.*?(\\w+)\\s*\\(.*$", "$1"));
                }
            }
            Set<String> linked = new HashSet<>();
            for (Class<?> holder : binding.getDeclaredClasses()) {
                if (!holder.getSimpleName().endsWith("$")) {
                    continue;
                }
                ClassConstants k = ClassConstants.of(holder);
                String prefix = binding.getSimpleName() + "$Descriptors.";
                List<String> descriptors = k.fields().stream().filter(n -> n.startsWith(prefix))
                        .map(n -> n.substring(prefix.length())).toList();
                assertFalse(descriptors.isEmpty(), holder.getName() + " links no descriptor");
                assertTrue(descriptors.contains(holder.getSimpleName().replace("$", "")),
                        holder.getName() + " links " + descriptors + ", not its own descriptor");
                assertEquals(Set.copyOf(descriptors.stream().map(symbols::get).toList()), Set.copyOf(k.strings()),
                        holder.getName() + " looks up symbols other than its descriptors' @CFunction names");
                linked.addAll(descriptors);
            }
            assertEquals(symbols.keySet(), linked, binding.getSimpleName() + ": descriptors no holder links");
        }
    }

    private static Class<?> descriptorsOf(Class<?> binding) {
        return Arrays.stream(binding.getClasses()).filter(c -> c.getSimpleName().equals("Descriptors")).findFirst()
                .orElseThrow();
    }

    @Test
    @DisplayName("jextract-config asks jextract for every function and constant the hand-written bindings hold")
    void jextractConfigNamesEveryBinding() throws Exception {
        Map<Class<?>, String> argsFiles = Map.of(Kernel32.class, "kernel32/kernel32.args",
                Advapi32.class, "advapi32/advapi32.args", LibC.class, "libc/libc.args");
        for (Map.Entry<Class<?>, String> e : argsFiles.entrySet()) {
            List<String> args = java.nio.file.Files.readAllLines(java.nio.file.Path.of("jextract-config", e.getValue()));
            for (Field f : descriptorsOf(e.getKey()).getFields()) {
                if (f.getType() == FunctionDescriptor.class && f.getAnnotation(CFunction.class).declared()) {
                    assertTrue(args.contains("--include-function " + f.getName()), e.getValue() + " lacks " + f.getName());
                }
            }
            for (CAbiProof.Constant k : new CAbiProof("").constantsOf(e.getKey(), false, Map.of()).constants()) {
                if (k.name().equals(k.cExpression()) && !LIBC_ALIASES.containsKey(k.name())) {
                    assertTrue(args.contains("--include-constant " + k.name()), e.getValue() + " lacks " + k.name());
                }
            }
        }
    }

    @Test
    @DisplayName("kernel32 and advapi32 downcalls capture GetLastError: off Windows the JDK refuses that name, so the capture cannot load")
    void win32CapturesGetLastError() throws Exception {
        Class<?> capture = Class.forName(Kernel32.class.getName() + "$Capture", false, getClass().getClassLoader());
        if (System.getProperty("os.name").startsWith("Windows")) {
            Field option = capture.getDeclaredField("OPTION");
            option.setAccessible(true);
            assertEquals(Linker.Option.captureCallState("GetLastError"), option.get(null));
        } else {
            Throwable thrown = assertThrows(Throwable.class, () -> Class.forName(capture.getName(), true,
                    getClass().getClassLoader()), "the capture option loaded off Windows: it does not ask for GetLastError");
            while (thrown.getCause() != null && !(thrown instanceof IllegalArgumentException)) {
                thrown = thrown.getCause();
            }
            Throwable t = assertInstanceOf(IllegalArgumentException.class, thrown);
            // Refused by captureCallState itself (not by a later use of the state's layout), naming GetLastError.
            assertTrue(Arrays.stream(t.getStackTrace()).anyMatch(e -> e.getMethodName().equals("captureCallState")),
                    () -> "not refused by captureCallState: " + t);
            assertTrue(t.getMessage().contains("GetLastError"), t.getMessage());
        }
        for (Class<?> binding : List.of(Kernel32.class, Advapi32.class)) {
            assertFalse(ClassConstants.of(binding).strings().contains("errno"), binding + " mentions errno");
        }
    }

    @Test
    @DisplayName("libc downcalls capture errno")
    void libcCapturesErrno() throws Exception {
        Field option = LibC.class.getDeclaredField("CAPTURE_ERRNO");
        option.setAccessible(true);
        assertEquals(Linker.Option.captureCallState("errno"), option.get(null));
    }

    @Test
    @DisplayName("a DWORD bound as JAVA_LONG fails the kernel32 proof, naming the function and parameter")
    void wideDwordFailsTheKernel32Proof() {
        CAbiProof.Function right = win32().functions().stream()
                .filter(f -> f.name().equals("CreateFileMappingW")).findFirst().orElseThrow();
        // dwMaximumSizeLow is a DWORD: 4 bytes on LLP64, not 8.
        CAbiProof.Function wrong = new CAbiProof.Function(right.name(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                right.prototype(), right.variadic(), right.declared());
        assertRefuses(win32().replacing(wrong), mingw(), "CreateFileMappingW: parameter 5 (DWORD) is not 8 bytes like JAVA_LONG");
    }

    @Test
    @DisplayName("a prototype that differs from the header fails the kernel32 proof")
    void wrongPrototypeFailsTheKernel32Proof() {
        CAbiProof.Function right = win32().functions().stream()
                .filter(f -> f.name().equals("MapViewOfFile")).findFirst().orElseThrow();
        CAbiProof.Function wrong = new CAbiProof.Function(right.name(), FunctionDescriptor.of(ADDRESS, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), "LPVOID WINAPI MapViewOfFile(HANDLE, DWORD, DWORD, DWORD, DWORD)",
                List.of(), true);
        assertRefuses(win32().replacing(wrong), mingw(), "MapViewOfFile: the prototype");
    }

    @Test
    @DisplayName("a wrong constant value fails the Win32 proof on x64 and on ARM64, naming the constant")
    void wrongConstantFailsTheKernel32Proof() {
        CAbiProof wrong = win32().replacing(new CAbiProof.Constant("PAGE_READWRITE", "PAGE_READWRITE", 0x02, int.class));
        assertRefuses(wrong, mingw(), "constant PAGE_READWRITE is 2 in Java");
        CAbiProof wrongOnArm64 = arm64()
                .replacing(new CAbiProof.Constant("SE_KERNEL_OBJECT", "SE_KERNEL_OBJECT", 5, int.class));
        assertRefuses(wrongOnArm64, arm64Windows(), "constant SE_KERNEL_OBJECT is 5 in Java");
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
        CAbiProof wrong = win32().replacing(new CAbiProof.Struct("MEMORY_BASIC_INFORMATION", packed));
        assertRefuses(wrong, mingw(), "MEMORY_BASIC_INFORMATION.RegionSize is not at offset 20");
    }

    @Test
    @DisplayName("libc descriptors, constants, errno values and the x86_64 struct stat and flock match glibc's headers")
    void libcBindingsMatchX86_64Headers() {
        assertProves(libc(LinuxStructs.X86_64), x86_64Linux());
    }

    @Test
    @DisplayName("libc descriptors, constants, errno values and the aarch64 struct stat and flock match glibc's aarch64 headers")
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
    @DisplayName("a wrong libc constant and an int off_t fail the x86_64 proof")
    void wrongLibcBindingsFailTheX86_64Proof() {
        List<String> cc = x86_64Linux();
        assertRefuses(libc(LinuxStructs.X86_64).replacing(new CAbiProof.Constant("O_CREAT", "O_CREAT", 0x200, int.class)),
                cc, "constant O_CREAT is 512 in Java");
        CAbiProof.Function right = libc(LinuxStructs.X86_64).functions().stream()
                .filter(f -> f.name().equals("ftruncate")).findFirst().orElseThrow();
        CAbiProof.Function wrong = new CAbiProof.Function(right.name(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
                right.prototype(), right.variadic(), right.declared());
        assertRefuses(libc(LinuxStructs.X86_64).replacing(wrong), cc, "ftruncate: parameter 2 (off_t) is not 4 bytes like JAVA_INT");
    }
}
