package io.github.panamashm.internal.windows;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static io.github.panamashm.internal.windows.Advapi32.ACL;
import static io.github.panamashm.internal.windows.Advapi32.SECURITY_DESCRIPTOR_RELATIVE;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * What the test implementations of {@link Win32} need to read raw C arguments the way the real functions do:
 * from the pointer on, ignoring the segment's bounds (a missing NUL would read on, as in C), and the
 * last-error state they write, which on Linux the JDK cannot capture for {@code GetLastError}.
 */
final class RawArgs {
    private RawArgs() {
    }

    /** The state a test implementation stores the last error in: one {@code DWORD}. */
    static final StructLayout LAST_ERROR_STATE = MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("GetLastError"));
    private static final VarHandle LAST_ERROR = LAST_ERROR_STATE.varHandle(groupElement("GetLastError"));
    /** Longest name read, in UTF-16 units: beyond the 32,767 a UNICODE_STRING can hold. */
    private static final int MAX_WIDE = 1 << 16;
    private static final ValueLayout.OfChar WCHAR = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort WORD = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt DWORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static int lastError(MemorySegment state) {
        return (int) LAST_ERROR.get(state, 0L);
    }

    /** A test implementation of {@link Win32}: its last-error state is {@link #LAST_ERROR_STATE}. */
    abstract static class TestWin32 implements Win32 {
        @Override
        public final StructLayout lastErrorStateLayout() {
            return LAST_ERROR_STATE;
        }

        @Override
        public final int lastError(MemorySegment lastErrorState) {
            return RawArgs.lastError(lastErrorState);
        }
    }

    static void setLastError(MemorySegment state, int error) {
        LAST_ERROR.set(state, 0L, error);
    }

    /** @return the UTF-16 units at {@code p} up to its NUL, or null for NULL */
    static String wide(MemorySegment p) {
        if (p.address() == 0) {
            return null;
        }
        MemorySegment s = p.reinterpret(2L * MAX_WIDE);
        StringBuilder b = new StringBuilder();
        for (long i = 0; ; i += 2) {
            char c = s.get(WCHAR, i);
            if (c == 0) {
                return b.toString();
            }
            b.append(c);
        }
    }

    /** @return the bytes at {@code p} as far as they hold a SID */
    static byte[] sid(MemorySegment p) {
        long size = 8 + 4L * Byte.toUnsignedInt((p.isNative() ? p.reinterpret(8) : p).get(ValueLayout.JAVA_BYTE, 1));
        return (p.isNative() ? p.reinterpret(size) : p.asSlice(0, size)).toArray(ValueLayout.JAVA_BYTE);
    }

    /** @return the bytes of the self-relative security descriptor at {@code p}: its header, owner, group and ACLs */
    static byte[] selfRelativeDescriptor(MemorySegment p) {
        MemorySegment header = p.reinterpret(SECURITY_DESCRIPTOR_RELATIVE.byteSize());
        long end = header.byteSize();
        for (String sidAt : new String[] {"Owner", "Group"}) {
            int at = header.get(DWORD, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement(sidAt)));
            if (at != 0) {
                end = Math.max(end, at + sid(MemorySegment.ofAddress(p.address() + at)).length);
            }
        }
        for (String aclAt : new String[] {"Sacl", "Dacl"}) {
            int at = header.get(DWORD, SECURITY_DESCRIPTOR_RELATIVE.byteOffset(groupElement(aclAt)));
            if (at != 0) {
                MemorySegment acl = MemorySegment.ofAddress(p.address() + at).reinterpret(ACL.byteSize());
                end = Math.max(end, at + Short.toUnsignedInt(acl.get(WORD, ACL.byteOffset(groupElement("AclSize")))));
            }
        }
        return p.reinterpret(end).toArray(ValueLayout.JAVA_BYTE);
    }
}
