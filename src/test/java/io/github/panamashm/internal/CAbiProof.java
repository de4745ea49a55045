package io.github.panamashm.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a C file of {@code _Static_assert}s from Java bindings, and compiles it against the real headers.
 *
 * <p>For each function: its prototype (from {@link CFunction}) is type-compatible with the header's
 * declaration; the descriptor has one carrier per C parameter; each C type is as wide as the Java carrier at
 * that position and of the same kind (pointer for {@code ADDRESS}, integer otherwise). For each constant: the C
 * macro has the Java value. For each struct: every named member's offset and size, and the struct's size,
 * are those of the Java layout. Each assertion's message names what it checks, so a failure says which
 * binding is wrong.
 */
final class CAbiProof {
    /** A function as bound: its name, the descriptor that is linked, and the C prototype it should match. */
    record Function(String name, FunctionDescriptor descriptor, String prototype, List<String> variadic,
                    boolean declared) {
    }

    /** A constant as bound: its Java name, the C expression it stands for, and its Java value. */
    record Constant(String name, String cExpression, long value, Class<?> type) {
    }

    /** A struct layout and the C type it should match. */
    record Struct(String cType, StructLayout layout) {
    }

    private final String prelude;
    private final List<Function> functions = new ArrayList<>();
    private final List<Constant> constants = new ArrayList<>();
    private final List<Struct> structs = new ArrayList<>();

    CAbiProof(String prelude) {
        this.prelude = prelude;
    }

    /** Adds every {@code FunctionDescriptor} field of {@code descriptors}, which must each carry a {@link CFunction}. */
    CAbiProof functionsOf(Class<?> descriptors) {
        for (Field f : descriptors.getFields()) {
            if (f.getType() != FunctionDescriptor.class) {
                continue;
            }
            CFunction c = f.getAnnotation(CFunction.class);
            if (c == null) {
                throw new AssertionError(descriptors.getName() + "." + f.getName()
                        + " has no @CFunction prototype: the ABI proof cannot check it");
            }
            functions.add(new Function(f.getName(), (FunctionDescriptor) get(f), c.value(), List.of(c.variadic()),
                    c.declared()));
        }
        return this;
    }

    /**
     * Adds every static final int, short or long field of {@code holder} (public ones, or all when
     * {@code includeNonPublic}); {@code aliases} gives the C expression for a Java name that is no macro.
     */
    CAbiProof constantsOf(Class<?> holder, boolean includeNonPublic, Map<String, String> aliases) {
        for (Field f : holder.getDeclaredFields()) {
            int m = f.getModifiers();
            Class<?> t = f.getType();
            if (!Modifier.isStatic(m) || !Modifier.isFinal(m) || !includeNonPublic && !Modifier.isPublic(m)
                    || t != int.class && t != short.class && t != long.class) {
                continue;
            }
            f.setAccessible(true);
            long value = ((Number) get(f)).longValue();
            constants.add(new Constant(f.getName(), aliases.getOrDefault(f.getName(), f.getName()), value, t));
        }
        return this;
    }

    /** Adds every public static final {@code StructLayout} of {@code holder}, its C type being the layout's name. */
    CAbiProof structsOf(Class<?> holder) {
        for (Field f : holder.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == StructLayout.class) {
                StructLayout s = (StructLayout) get(f);
                structs.add(new Struct(s.name().orElseThrow(), s));
            }
        }
        return this;
    }

    CAbiProof function(Function f) {
        functions.add(f);
        return this;
    }

    CAbiProof constant(Constant c) {
        constants.add(c);
        return this;
    }

    CAbiProof struct(String cType, StructLayout layout) {
        structs.add(new Struct(cType, layout));
        return this;
    }

    List<Function> functions() {
        return functions;
    }

    List<Constant> constants() {
        return constants;
    }

    List<Struct> structs() {
        return structs;
    }

    /** @return a copy in which {@code name}'s entry is replaced (for the tests that show the proof can fail) */
    CAbiProof replacing(Function wrong) {
        CAbiProof p = copy();
        p.functions.replaceAll(f -> f.name().equals(wrong.name()) ? wrong : f);
        return p;
    }

    CAbiProof replacing(Constant wrong) {
        CAbiProof p = copy();
        p.constants.replaceAll(c -> c.name().equals(wrong.name()) ? wrong : c);
        return p;
    }

    CAbiProof replacing(Struct wrong) {
        CAbiProof p = copy();
        p.structs.replaceAll(s -> s.cType().equals(wrong.cType()) ? wrong : s);
        return p;
    }

    /** @return a copy without the constant {@code name} */
    CAbiProof withoutConstant(String name) {
        CAbiProof p = copy();
        if (!p.constants.removeIf(c -> c.name().equals(name))) {
            throw new AssertionError("no constant " + name);
        }
        return p;
    }

    private CAbiProof copy() {
        CAbiProof p = new CAbiProof(prelude);
        p.functions.addAll(functions);
        p.constants.addAll(constants);
        p.structs.addAll(structs);
        return p;
    }

    private static Object get(Field f) {
        try {
            return f.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static final Pattern PROTOTYPE = Pattern.compile("^\\s*(.*?)(\\w+)\\s*\\((.*)\\)\\s*$");

    /** @return the C source: the prelude, then one {@code _Static_assert} per fact */
    String source() {
        StringBuilder c = new StringBuilder(prelude).append("\n#include <stddef.h>\n\n");
        for (Function f : functions) {
            function(c, f);
        }
        c.append('\n');
        for (Constant k : constants) {
            String v = k.value() + "LL";
            String cond = "(long long)(" + k.cExpression() + ") == " + v;
            if (k.type() == int.class && k.value() < 0) {
                cond += " || (long long)(" + k.cExpression() + ") == " + Integer.toUnsignedLong((int) k.value()) + "LL";
            }
            assertLine(c, cond, "constant " + k.name() + " is " + k.value() + " in Java but not in C ("
                    + k.cExpression() + ")");
        }
        c.append('\n');
        for (Struct s : structs) {
            members(c, s.cType(), "", s.layout(), 0);
            assertLine(c, "sizeof(" + s.cType() + ") == " + s.layout().byteSize(),
                    "sizeof(" + s.cType() + ") is not " + s.layout().byteSize() + " like the Java layout");
        }
        return c.toString();
    }

    private static void function(StringBuilder c, Function f) {
        Matcher m = PROTOTYPE.matcher(f.prototype());
        if (!m.matches() || !m.group(2).equals(f.name())) {
            throw new AssertionError(f.name() + ": cannot read the prototype \"" + f.prototype() + "\"");
        }
        String before = m.group(1).trim();
        String callingConvention = "";
        for (String cc : List.of("WINAPI", "__stdcall")) {
            if (before.endsWith(" " + cc)) {
                callingConvention = cc + " ";
                before = before.substring(0, before.length() - cc.length()).trim();
            }
        }
        String returnType = before;
        List<String> params = new ArrayList<>(Arrays.stream(m.group(3).split(",")).map(String::trim).toList());
        if (params.equals(List.of("void")) || params.equals(List.of(""))) {
            params.clear();
        }
        boolean variadic = !params.isEmpty() && params.getLast().equals("...");
        if (f.declared()) {
            String pointer = returnType + " (" + callingConvention + "*)(" + String.join(", ", params.isEmpty()
                    ? List.of("void") : params) + ")";
            assertLine(c, "__builtin_types_compatible_p(__typeof__(&" + f.name() + "), " + pointer + ")",
                    f.name() + ": the prototype " + f.prototype() + " is not the header's");
        }
        List<String> passed = new ArrayList<>(variadic ? params.subList(0, params.size() - 1) : params);
        if (variadic != !f.variadic().isEmpty()) {
            throw new AssertionError(f.name() + ": variadic types are given exactly when the prototype ends in ...");
        }
        passed.addAll(f.variadic());
        List<MemoryLayout> carriers = f.descriptor().argumentLayouts();
        if (carriers.size() != passed.size()) {
            throw new AssertionError(f.name() + ": the descriptor has " + carriers.size()
                    + " parameters, the prototype passes " + passed.size() + " (" + passed + ")");
        }
        for (int i = 0; i < passed.size(); i++) {
            carrier(c, f.name() + ": parameter " + (i + 1), passed.get(i), carriers.get(i));
        }
        if (f.descriptor().returnLayout().isPresent()) {
            if (returnType.equals("void")) {
                throw new AssertionError(f.name() + ": returns void in C but the descriptor has a return layout");
            }
            carrier(c, f.name() + ": return", returnType, f.descriptor().returnLayout().get());
        } else if (!returnType.equals("void")) {
            throw new AssertionError(f.name() + ": returns " + returnType + " in C but the descriptor returns nothing");
        }
    }

    /** sizeof(type) is the carrier's width; a pointer type goes with ADDRESS, an integer type with the others. */
    private static void carrier(StringBuilder c, String what, String cType, MemoryLayout carrier) {
        String java = javaName(carrier);
        assertLine(c, "sizeof(" + cType + ") == " + carrier.byteSize(),
                what + " (" + cType + ") is not " + carrier.byteSize() + " bytes like " + java);
        boolean pointer = carrier instanceof java.lang.foreign.AddressLayout;
        // GCC's type classes: 1 integer, 5 pointer.
        assertLine(c, "__builtin_classify_type((" + cType + ") 0) == " + (pointer ? 5 : 1),
                what + " (" + cType + ") is not " + (pointer ? "a pointer" : "an integer") + " like " + java);
    }

    private static String javaName(MemoryLayout l) {
        if (l instanceof ValueLayout v) {
            Class<?> t = v.carrier();
            if (t == MemorySegment.class) {
                return "ADDRESS";
            }
            return "JAVA_" + t.getSimpleName().toUpperCase(java.util.Locale.ROOT);
        }
        return l.toString();
    }

    private static void members(StringBuilder c, String cType, String prefix, GroupLayout group, long base) {
        long offset = 0;
        for (MemoryLayout member : group.memberLayouts()) {
            if (!(member instanceof PaddingLayout) && member.name().isPresent()) {
                String path = prefix + member.name().get();
                long at = base + offset;
                assertLine(c, "offsetof(" + cType + ", " + path + ") == " + at,
                        cType + "." + path + " is not at offset " + at + " like the Java layout");
                assertLine(c, "sizeof(((" + cType + " *) 0)->" + path + ") == " + member.byteSize(),
                        cType + "." + path + " is not " + member.byteSize() + " bytes like the Java layout");
                if (member instanceof StructLayout nested) {
                    members(c, cType, path + ".", nested, at);
                }
            }
            offset += member.byteSize();
        }
    }

    private static void assertLine(StringBuilder c, String condition, String message) {
        c.append("_Static_assert(").append(condition).append(", \"")
                .append(message.replace("\\", "\\\\").replace("\"", "\\\"")).append("\");\n");
    }

    /** What a compiler said about a source. */
    record Compilation(int exitCode, String output, String source) {
        boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n" + output;
        }
    }

    /**
     * Compiles {@link #source()} with {@code compiler -fsyntax-only} in a temporary directory, then removes it.
     *
     * @param compiler the compiler and the options that choose its target, e.g. {@code clang --target=...}
     */
    Compilation compile(List<String> compiler) {
        return run(compiler, source(), List.of("-fsyntax-only"));
    }

    /**
     * Compiles and links a program that takes the address of every declared function of this proof, against
     * {@code libraries}: the linker then shows that each symbol exists in them (an import library for a DLL).
     * Functions the headers no longer declare (old-library fallbacks) are left out.
     */
    Compilation link(List<String> compiler, String... libraries) {
        StringBuilder c = new StringBuilder(prelude).append("\nvoid *panama_shm_symbols[] = {\n");
        for (Function f : functions) {
            if (f.declared()) {
                c.append("    (void *) &").append(f.name()).append(",\n");
            }
        }
        c.append("};\n\nint main(void) {\n    return panama_shm_symbols[0] == 0;\n}\n");
        List<String> options = new ArrayList<>(List.of("-o", "abi_link"));
        return run(compiler, c.toString(), options, libraries);
    }

    private static Compilation run(List<String> compiler, String source, List<String> options, String... libraries) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("panama-shm-abi");
            Path file = dir.resolve("abi_proof.c");
            Files.writeString(file, source, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(compiler);
            command.add("-std=gnu11");
            command.add(compiler.getFirst().contains("clang") ? "-ferror-limit=0" : "-fmax-errors=0");
            command.addAll(options);
            command.add(file.toString());
            command.addAll(List.of(libraries));
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish in 120 s");
            }
            return new Compilation(p.exitValue(), out, source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // best effort: it is a temp directory
                }
            }
        }
    }

    /**
     * @return the first of {@code candidates} that, given {@code targetOptions}, runs ({@code -dumpmachine} exits
     *         0) and targets {@code machine} (its {@code -dumpmachine} starts with it), with those options; null
     *         when none does
     */
    static List<String> findCompiler(String machine, List<String> targetOptions, String... candidates) {
        for (String cc : candidates) {
            try {
                List<String> command = new ArrayList<>(List.of(cc));
                command.addAll(targetOptions);
                command.add("-dumpmachine");
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && (machine == null || out.startsWith(machine))) {
                    List<String> compiler = new ArrayList<>(List.of(cc));
                    compiler.addAll(targetOptions);
                    return compiler;
                }
            } catch (IOException e) {
                // not installed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
