/* The headers the kernel32 bindings come from (Windows SDK; the ABI proof uses mingw-w64's, which agree). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>   /* winnt.h (MEMORY_BASIC_INFORMATION, PAGE_*, SECTION_*), winerror.h (ERROR_*) */
#include <memoryapi.h> /* OpenFileMappingW, MapViewOfFile, UnmapViewOfFile, VirtualQuery, FILE_MAP_* */
#include <handleapi.h> /* CloseHandle, INVALID_HANDLE_VALUE */
#include <winbase.h>   /* CreateFileMappingW, FormatMessageW, LocalFree, FORMAT_MESSAGE_* */
#include <synchapi.h>  /* OpenEventW, OpenMutexW, OpenSemaphoreW, OpenWaitableTimerW, CreateMutexW, ReleaseMutex,
                          CreateEventW, SetEvent, WaitForSingleObject */
#include <jobapi2.h>   /* OpenJobObjectW */
#include <processthreadsapi.h> /* GetCurrentProcess */
