package io.github.panamashm.internal;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The string constants a compiled class uses and the fields it reads, from its class file's constant pool (JVMS
 * §4.4): what a binding's holder class really passes to {@code downcall}, whatever its source says.
 *
 * @param strings the class's {@code CONSTANT_String} values
 * @param fields  the fields it refers to, as {@code SimpleOwnerName.field} (the owner's binary name after its
 *                last '.', e.g. {@code Kernel32$Descriptors.CreateFileMappingW})
 */
record ClassConstants(List<String> strings, List<String> fields) {

    static ClassConstants of(Class<?> c) {
        String resource = c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no class file " + resource);
            }
            return read(new DataInputStream(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ClassConstants read(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new AssertionError("not a class file");
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        Map<Integer, String> utf8 = new HashMap<>();
        Map<Integer, Integer> classes = new HashMap<>(), nameAndTypes = new HashMap<>();
        List<Integer> stringRefs = new ArrayList<>();
        List<int[]> fieldRefs = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8.put(i, in.readUTF());
                case 7 -> classes.put(i, in.readUnsignedShort());
                case 8 -> stringRefs.add(in.readUnsignedShort());
                case 9 -> fieldRefs.add(new int[] {in.readUnsignedShort(), in.readUnsignedShort()});
                case 12 -> {
                    nameAndTypes.put(i, in.readUnsignedShort());
                    in.readUnsignedShort();
                }
                case 16, 19, 20 -> in.readUnsignedShort(); // MethodType, Module, Package
                case 15 -> in.skipNBytes(3); // MethodHandle
                case 3, 4, 10, 11, 17, 18 -> in.readInt(); // Integer, Float, Methodref, InterfaceMethodref, (Invoke)Dynamic
                case 5, 6 -> { // Long, Double take two entries
                    in.readLong();
                    i++;
                }
                default -> throw new AssertionError("unknown constant pool tag " + tag);
            }
        }
        List<String> strings = stringRefs.stream().map(utf8::get).toList();
        List<String> fields = new ArrayList<>();
        for (int[] ref : fieldRefs) {
            String owner = utf8.get(classes.get(ref[0]));
            fields.add(owner.substring(owner.lastIndexOf('/') + 1) + "." + utf8.get(nameAndTypes.get(ref[1])));
        }
        return new ClassConstants(strings, fields);
    }
}
