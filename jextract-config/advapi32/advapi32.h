/* The headers the advapi32 bindings come from (Windows SDK; the ABI proof uses mingw-w64's, which agree). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>           /* winnt.h (SID, ACL, ACE_HEADER, ACCESS_ALLOWED_ACE, SECURITY_DESCRIPTOR_RELATIVE, TOKEN_*) */
#include <processthreadsapi.h> /* OpenProcessToken */
#include <securitybaseapi.h>   /* GetTokenInformation */
#include <aclapi.h>            /* GetSecurityInfo, SE_OBJECT_TYPE */
