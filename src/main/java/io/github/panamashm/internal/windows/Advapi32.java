package io.github.panamashm.internal.windows;

import io.github.panamashm.internal.CFunction;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Raw advapi32 bindings for the security checks, named after C, in the same shape as {@link Kernel32}: one
 * lazily built downcall handle per function, the last error captured per call where the function reports
 * through {@code GetLastError} (into a segment of {@link Kernel32#lastErrorStateLayout()}), advapi32 looked up
 * on first call so that the class loads on any OS. {@code AbiProofTest} compiles every descriptor, constant and
 * layout here against mingw-w64's {@code <windows.h>} and {@code <aclapi.h>}.
 *
 * <p>Security descriptors, ACLs and SIDs are read and written by {@link WindowsSecurity} from these layouts:
 * a SID is {@code Revision}, {@code SubAuthorityCount}, a 6-byte big-endian {@code IdentifierAuthority} and
 * {@code SubAuthorityCount} little-endian DWORDs.
 */
public final class Advapi32 {
    private Advapi32() {
    }

    // <winnt.h>: token access and information classes
    /** {@code TOKEN_QUERY}: read the token's user and default owner. */
    public static final int TOKEN_QUERY = 0x0008;
    /** {@code TokenUser} ({@code TOKEN_INFORMATION_CLASS}): the user the token belongs to, a {@link #TOKEN_USER}. */
    public static final int TokenUser = 1;
    /**
     * {@code TokenOwner}: the owner given to objects the process creates without an explicit one, a
     * {@link #TOKEN_OWNER}; for an elevated administrator, BUILTIN\Administrators rather than the user.
     */
    public static final int TokenOwner = 4;

    // <accctrl.h>, <winnt.h>: GetSecurityInfo
    /** {@code SE_KERNEL_OBJECT} ({@code SE_OBJECT_TYPE}): a kernel object such as a file mapping. */
    public static final int SE_KERNEL_OBJECT = 6;
    /** {@code OWNER_SECURITY_INFORMATION}: ask for the owner. */
    public static final int OWNER_SECURITY_INFORMATION = 0x00000001;
    /** {@code DACL_SECURITY_INFORMATION}: ask for the discretionary ACL. */
    public static final int DACL_SECURITY_INFORMATION = 0x00000004;

    // <winnt.h>: security descriptors, ACLs, ACEs
    /** {@code SECURITY_DESCRIPTOR_REVISION}. */
    public static final int SECURITY_DESCRIPTOR_REVISION = 1;
    /** {@code SE_DACL_PRESENT}: the descriptor has a DACL (a present NULL DACL grants everyone everything). */
    public static final int SE_DACL_PRESENT = 0x0004;
    /** {@code SE_DACL_PROTECTED}: the DACL inherits nothing. */
    public static final int SE_DACL_PROTECTED = 0x1000;
    /** {@code SE_SELF_RELATIVE}: owner and DACL are at offsets from the descriptor's start. */
    public static final int SE_SELF_RELATIVE = 0x8000;
    /** {@code ACL_REVISION}. */
    public static final int ACL_REVISION = 2;
    /** {@code ACCESS_ALLOWED_ACE_TYPE}. */
    public static final int ACCESS_ALLOWED_ACE_TYPE = 0x0;
    /** {@code SID_REVISION}. */
    public static final int SID_REVISION = 1;

    /** {@code TOKEN_USER}: {@code SID_AND_ATTRIBUTES User}, i.e. {@code PSID Sid; DWORD Attributes;}. */
    public static final StructLayout TOKEN_USER = MemoryLayout.structLayout(
            MemoryLayout.structLayout(
                    ADDRESS.withName("Sid"),
                    JAVA_INT.withName("Attributes"),
                    MemoryLayout.paddingLayout(4)
            ).withName("User")
    ).withName("TOKEN_USER");

    /** {@code TOKEN_OWNER}: {@code PSID Owner;}. */
    public static final StructLayout TOKEN_OWNER = MemoryLayout.structLayout(
            ADDRESS.withName("Owner")
    ).withName("TOKEN_OWNER");

    /** {@code SID}, with the one {@code SubAuthority} the header declares; a real SID has SubAuthorityCount. */
    public static final StructLayout SID = MemoryLayout.structLayout(
            JAVA_BYTE.withName("Revision"),
            JAVA_BYTE.withName("SubAuthorityCount"),
            MemoryLayout.sequenceLayout(6, JAVA_BYTE).withName("IdentifierAuthority"),
            MemoryLayout.sequenceLayout(1, JAVA_INT).withName("SubAuthority")
    ).withName("SID");

    /** {@code SECURITY_DESCRIPTOR_RELATIVE}: a self-relative descriptor's header; offsets are from its start, 0 for none. */
    public static final StructLayout SECURITY_DESCRIPTOR_RELATIVE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("Revision"),
            JAVA_BYTE.withName("Sbz1"),
            JAVA_SHORT.withName("Control"),
            JAVA_INT.withName("Owner"),
            JAVA_INT.withName("Group"),
            JAVA_INT.withName("Sacl"),
            JAVA_INT.withName("Dacl")
    ).withName("SECURITY_DESCRIPTOR_RELATIVE");

    /** {@code ACL}: the header of an access control list; {@code AceCount} ACEs follow it. */
    public static final StructLayout ACL = MemoryLayout.structLayout(
            JAVA_BYTE.withName("AclRevision"),
            JAVA_BYTE.withName("Sbz1"),
            JAVA_SHORT.withName("AclSize"),
            JAVA_SHORT.withName("AceCount"),
            JAVA_SHORT.withName("Sbz2")
    ).withName("ACL");

    /** {@code ACE_HEADER}: every ACE starts with its type, flags and size in bytes. */
    public static final StructLayout ACE_HEADER = MemoryLayout.structLayout(
            JAVA_BYTE.withName("AceType"),
            JAVA_BYTE.withName("AceFlags"),
            JAVA_SHORT.withName("AceSize")
    ).withName("ACE_HEADER");

    /** {@code ACCESS_ALLOWED_ACE}: header, access mask, then the trustee's SID from {@code SidStart} on. */
    public static final StructLayout ACCESS_ALLOWED_ACE = MemoryLayout.structLayout(
            ACE_HEADER.withName("Header"),
            JAVA_INT.withName("Mask"),
            JAVA_INT.withName("SidStart")
    ).withName("ACCESS_ALLOWED_ACE");

    private static final class Lib {
        static final SymbolLookup ADVAPI32 = SymbolLookup.libraryLookup("advapi32.dll", Arena.global());
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, boolean captureLastError) {
        return Kernel32.link(Lib.ADVAPI32, "advapi32", name, descriptor, captureLastError);
    }

    /** Descriptors, public so that the ABI proof checks exactly what is linked, against the prototype beside each. */
    public static final class Descriptors {
        private Descriptors() {
        }

        @CFunction("BOOL WINAPI OpenProcessToken(HANDLE, DWORD, PHANDLE)")
        public static final FunctionDescriptor OpenProcessToken = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);

        @CFunction("BOOL WINAPI GetTokenInformation(HANDLE, TOKEN_INFORMATION_CLASS, LPVOID, DWORD, PDWORD)")
        public static final FunctionDescriptor GetTokenInformation =
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);

        @CFunction("DWORD WINAPI GetSecurityInfo(HANDLE, SE_OBJECT_TYPE, SECURITY_INFORMATION, PSID *, PSID *, PACL *,"
                + " PACL *, PSECURITY_DESCRIPTOR *)")
        public static final FunctionDescriptor GetSecurityInfo = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    }

    private static final class OpenProcessToken$ {
        static final MethodHandle HANDLE = downcall("OpenProcessToken", Descriptors.OpenProcessToken, true);
    }

    /**
     * {@code BOOL OpenProcessToken(HANDLE ProcessHandle, DWORD DesiredAccess, PHANDLE TokenHandle);}
     *
     * @return nonzero on success, the token's handle then stored at {@code TokenHandle}
     * @see <a href="https://learn.microsoft.com/windows/win32/api/processthreadsapi/nf-processthreadsapi-openprocesstoken">OpenProcessToken</a>
     */
    public static int OpenProcessToken(MemorySegment lastErrorState, MemorySegment ProcessHandle, int DesiredAccess,
                                       MemorySegment TokenHandle) {
        try {
            return (int) OpenProcessToken$.HANDLE.invokeExact(lastErrorState, ProcessHandle, DesiredAccess, TokenHandle);
        } catch (Throwable t) {
            throw Kernel32.unexpected(t);
        }
    }

    private static final class GetTokenInformation$ {
        static final MethodHandle HANDLE = downcall("GetTokenInformation", Descriptors.GetTokenInformation, true);
    }

    /**
     * {@code BOOL GetTokenInformation(HANDLE TokenHandle, TOKEN_INFORMATION_CLASS TokenInformationClass,
     * LPVOID TokenInformation, DWORD TokenInformationLength, PDWORD ReturnLength);}
     *
     * @return nonzero on success; with a buffer too small, 0 and {@link Kernel32#ERROR_INSUFFICIENT_BUFFER}, the size
     *         needed stored at {@code ReturnLength}
     * @see <a href="https://learn.microsoft.com/windows/win32/api/securitybaseapi/nf-securitybaseapi-gettokeninformation">GetTokenInformation</a>
     */
    public static int GetTokenInformation(MemorySegment lastErrorState, MemorySegment TokenHandle,
                                          int TokenInformationClass, MemorySegment TokenInformation,
                                          int TokenInformationLength, MemorySegment ReturnLength) {
        try {
            return (int) GetTokenInformation$.HANDLE.invokeExact(lastErrorState, TokenHandle, TokenInformationClass,
                    TokenInformation, TokenInformationLength, ReturnLength);
        } catch (Throwable t) {
            throw Kernel32.unexpected(t);
        }
    }

    private static final class GetSecurityInfo$ {
        // Returns its error code; GetLastError is not documented to hold it, so nothing is captured.
        static final MethodHandle HANDLE = downcall("GetSecurityInfo", Descriptors.GetSecurityInfo, false);
    }

    /**
     * {@code DWORD GetSecurityInfo(HANDLE handle, SE_OBJECT_TYPE ObjectType, SECURITY_INFORMATION SecurityInfo,
     * PSID *ppsidOwner, PSID *ppsidGroup, PACL *ppDacl, PACL *ppSacl, PSECURITY_DESCRIPTOR *ppSecurityDescriptor);}
     * The handle needs {@link Kernel32#READ_CONTROL}. The owner and DACL pointers point into the descriptor,
     * which the caller frees with {@link Kernel32#LocalFree(MemorySegment)}.
     *
     * @return {@link Kernel32#ERROR_SUCCESS} or the error code
     * @see <a href="https://learn.microsoft.com/windows/win32/api/aclapi/nf-aclapi-getsecurityinfo">GetSecurityInfo</a>
     */
    public static int GetSecurityInfo(MemorySegment handle, int ObjectType, int SecurityInfo, MemorySegment ppsidOwner,
                                      MemorySegment ppsidGroup, MemorySegment ppDacl, MemorySegment ppSacl,
                                      MemorySegment ppSecurityDescriptor) {
        try {
            return (int) GetSecurityInfo$.HANDLE.invokeExact(handle, ObjectType, SecurityInfo, ppsidOwner, ppsidGroup,
                    ppDacl, ppSacl, ppSecurityDescriptor);
        } catch (Throwable t) {
            throw Kernel32.unexpected(t);
        }
    }
}
