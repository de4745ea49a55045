package io.github.panamashm.internal.windows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.github.panamashm.internal.windows.Advapi32.ACCESS_ALLOWED_ACE;
import static io.github.panamashm.internal.windows.Advapi32.ACE_HEADER;
import static io.github.panamashm.internal.windows.Advapi32.ACL;
import static io.github.panamashm.internal.windows.Advapi32.SECURITY_DESCRIPTOR_RELATIVE;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * Who may use a block on Windows: the security descriptor panama-shm creates a block with, and the check of an
 * existing block's owner and DACL before it is used. Pure Java over bytes; {@link Win32Calls} reads and passes them.
 *
 * <ul>
 *   <li>A private block (the default) is created owned by the process's user with a protected DACL granting
 *       every section right to that user and to SYSTEM, nobody else. An existing block is accepted only if its
 *       owner is the process's user or the owner the process's token gives new objects (for an elevated
 *       administrator, BUILTIN\Administrators: what a native peer running elevated creates), and if its DACL
 *       grants nothing to a group of users ({@link #GROUPS}); an object with no DACL lets every user do
 *       anything and is refused.</li>
 *   <li>{@code SHARE_WITH_EVERYONE} adds to that DACL an entry letting Authenticated Users (every logged-on
 *       user, of any session, services included) map it read/write and read its security; an existing block
 *       is accepted whoever owns it, as long as it has a DACL.</li>
 * </ul>
 */
final class WindowsSecurity {
    private WindowsSecurity() {
    }

    private static final ValueLayout.OfShort WORD = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt DWORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** {@code S-1-5-18}: LocalSystem. */
    static final byte[] SYSTEM = sid(5, 18);
    /** {@code S-1-5-11}: Authenticated Users, every user who logged on (not the anonymous logon). */
    static final byte[] AUTHENTICATED_USERS = sid(5, 11);

    /**
     * Groups of users whose appearance in a DACL makes a block shared: a private attach refuses it. The
     * well-known SIDs of Microsoft's "Well-known SIDs" list that stand for many users.
     */
    static final Map<String, byte[]> GROUPS = Map.of(
            "Everyone (S-1-1-0)", sid(1, 0),
            "Anonymous Logon (S-1-5-7)", sid(5, 7),
            "Authenticated Users (S-1-5-11)", AUTHENTICATED_USERS,
            "Interactive (S-1-5-4)", sid(5, 4),
            "Network (S-1-5-2)", sid(5, 2),
            "BUILTIN\\Users (S-1-5-32-545)", sid(5, 32, 545),
            "BUILTIN\\Guests (S-1-5-32-546)", sid(5, 32, 546));

    /** What Authenticated Users may do with a block shared with everyone: map it read/write, query it, read its security. */
    static final int SHARED_ACCESS = Kernel32.SECTION_QUERY | Kernel32.SECTION_MAP_READ | Kernel32.SECTION_MAP_WRITE
            | Kernel32.READ_CONTROL;

    /** @return the SID {@code S-1-authority-subAuthorities...} in its binary form */
    static byte[] sid(long authority, int... subAuthorities) {
        MemorySegment s = MemorySegment.ofArray(new byte[8 + 4 * subAuthorities.length]);
        s.set(ValueLayout.JAVA_BYTE, 0, (byte) Advapi32.SID_REVISION);
        s.set(ValueLayout.JAVA_BYTE, 1, (byte) subAuthorities.length);
        for (int i = 0; i < 6; i++) { // IdentifierAuthority: 48 bits, big-endian
            s.set(ValueLayout.JAVA_BYTE, 2 + i, (byte) (authority >>> (8 * (5 - i))));
        }
        for (int i = 0; i < subAuthorities.length; i++) {
            s.set(DWORD, 8 + 4L * i, subAuthorities[i]);
        }
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    /** @return {@code sid} in the string form ConvertSidToStringSid gives, e.g. {@code S-1-5-18} */
    static String toString(byte[] sid) {
        MemorySegment s = MemorySegment.ofArray(sid);
        long authority = 0;
        for (int i = 0; i < 6; i++) {
            authority = authority << 8 | Byte.toUnsignedLong(sid[2 + i]);
        }
        StringBuilder b = new StringBuilder("S-").append(sid[0]).append('-')
                .append(authority < 1L << 32 ? Long.toString(authority) : String.format("0x%012X", authority));
        for (int i = 0; i < Byte.toUnsignedInt(sid[1]); i++) {
            b.append('-').append(Integer.toUnsignedString(s.get(DWORD, 8 + 4L * i)));
        }
        return b.toString();
    }

    /**
     * @param owner the process's user
     * @param everyone whether Authenticated Users may map the block too
     * @return a self-relative security descriptor: {@code owner} owns the block, and a protected DACL grants
     *         {@link Kernel32#SECTION_ALL_ACCESS} to {@code owner} and SYSTEM (and {@link #SHARED_ACCESS} to
     *         Authenticated Users when {@code everyone})
     */
    static byte[] descriptor(byte[] owner, boolean everyone) {
        return descriptor(owner, everyone, Kernel32.SECTION_ALL_ACCESS, SHARED_ACCESS);
    }

    /** What Authenticated Users may do with the writers' mutex of a block shared with everyone: take and release it. */
    static final int SHARED_MUTEX_ACCESS = Kernel32.SYNCHRONIZE | Kernel32.MUTEX_MODIFY_STATE;
    /** What Authenticated Users may do with a wake event of a block shared with everyone: wait on it and set it. */
    static final int SHARED_EVENT_ACCESS = Kernel32.SYNCHRONIZE | Kernel32.EVENT_MODIFY_STATE;

    /**
     * The descriptor of {@link #descriptor(byte[], boolean)} for an object of another type (the text block's mutex
     * and events): the same owner and trustees, with that type's rights.
     *
     * @param allAccess    what {@code owner} and SYSTEM get: every right of the type
     * @param sharedAccess what Authenticated Users get when {@code everyone}
     */
    static byte[] descriptor(byte[] owner, boolean everyone, int allAccess, int sharedAccess) {
        List<byte[]> trustees = everyone ? List.of(owner, SYSTEM, AUTHENTICATED_USERS) : List.of(owner, SYSTEM);
        int aclSize = (int) ACL.byteSize();
        for (byte[] t : trustees) {
            aclSize += (int) ACCESS_ALLOWED_ACE.byteOffset(groupElement("SidStart")) + t.length;
        }
        int ownerAt = (int) SECURITY_DESCRIPTOR_RELATIVE.byteSize();
        int aclAt = ownerAt + owner.length; // SIDs are whole DWORDs, so the ACL stays aligned
        MemorySegment d = MemorySegment.ofArray(new byte[aclAt + aclSize]);
        d.set(ValueLayout.JAVA_BYTE, at(SECURITY_DESCRIPTOR_RELATIVE, "Revision"), (byte) Advapi32.SECURITY_DESCRIPTOR_REVISION);
        d.set(WORD, at(SECURITY_DESCRIPTOR_RELATIVE, "Control"),
                (short) (Advapi32.SE_SELF_RELATIVE | Advapi32.SE_DACL_PRESENT | Advapi32.SE_DACL_PROTECTED));
        d.set(DWORD, at(SECURITY_DESCRIPTOR_RELATIVE, "Owner"), ownerAt);
        d.set(DWORD, at(SECURITY_DESCRIPTOR_RELATIVE, "Dacl"), aclAt);
        MemorySegment.copy(owner, 0, d, ValueLayout.JAVA_BYTE, ownerAt, owner.length);
        MemorySegment acl = d.asSlice(aclAt);
        acl.set(ValueLayout.JAVA_BYTE, at(ACL, "AclRevision"), (byte) Advapi32.ACL_REVISION);
        acl.set(WORD, at(ACL, "AclSize"), (short) aclSize);
        acl.set(WORD, at(ACL, "AceCount"), (short) trustees.size());
        long ace = ACL.byteSize();
        for (byte[] t : trustees) {
            int aceSize = (int) ACCESS_ALLOWED_ACE.byteOffset(groupElement("SidStart")) + t.length;
            acl.set(ValueLayout.JAVA_BYTE, ace + at(ACE_HEADER, "AceType"), (byte) Advapi32.ACCESS_ALLOWED_ACE_TYPE);
            acl.set(WORD, ace + at(ACE_HEADER, "AceSize"), (short) aceSize);
            acl.set(DWORD, ace + at(ACCESS_ALLOWED_ACE, "Mask"),
                    t == AUTHENTICATED_USERS ? sharedAccess : allAccess);
            MemorySegment.copy(t, 0, acl, ValueLayout.JAVA_BYTE, ace + at(ACCESS_ALLOWED_ACE, "SidStart"), t.length);
            ace += aceSize;
        }
        return d.toArray(ValueLayout.JAVA_BYTE);
    }

    private static long at(java.lang.foreign.GroupLayout layout, String member) {
        return layout.byteOffset(groupElement(member));
    }

    /**
     * @param everyone whether the caller shares the block with every user ({@code SHARE_WITH_EVERYONE})
     * @return why an existing block with this security must not be used, or null when it may
     */
    static String refusal(Win32Calls.ObjectSecurity security, Win32Calls.Token token, boolean everyone) {
        if (security.dacl() == null) {
            return "it has no DACL, so every user, anonymous included, may map it and change its security";
        }
        if (everyone) {
            return null;
        }
        byte[] owner = security.owner();
        if (owner == null || !Arrays.equals(owner, token.user()) && !Arrays.equals(owner, token.defaultOwner())) {
            return "it is owned by " + (owner == null ? "nobody" : toString(owner)) + ", not by this process's user "
                    + toString(token.user()) + "; pass SHARE_WITH_EVERYONE to share a block across users";
        }
        for (Win32Calls.Ace ace : security.dacl()) {
            for (Map.Entry<String, byte[]> group : GROUPS.entrySet()) {
                if (ace.mask() != 0 && Arrays.equals(ace.sid(), group.getValue())) {
                    return "its DACL lets " + group.getKey() + " use it, so it is shared; pass SHARE_WITH_EVERYONE"
                            + " to attach to a shared block";
                }
            }
        }
        return null;
    }
}
