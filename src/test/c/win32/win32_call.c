/*
 * win32_call: makes real Win32 calls for the Java tests, one per line of standard input, so that a Java test
 * can run panama-shm's Windows code against a real kernel32 (Wine's on Linux) in another process. One helper
 * is one simulated Windows process: its handles and views live until it exits.
 *
 * Request, one line:   DLL FUNCTION ARG...        e.g.  kernel32 CloseHandle 34
 *   ARG is  HEX        an integer or pointer, passed as is (ffffffffffffffff is INVALID_HANDLE_VALUE)
 *           in:HEX     a buffer holding these bytes (a string, a struct); its address is passed
 *           out:N      a zeroed buffer of N bytes; its address is passed and its bytes are answered
 * Reply, one line:     ok RESULT LASTERROR [ADDRESS=HEX ...]
 *   RESULT is the return value (64 bits, hex), LASTERROR what GetLastError() said right after the call, and
 *   each out: buffer follows as its address and its bytes after the call.
 *   error TEXT          when the request cannot be made (unknown DLL or function, bad argument).
 * The helper prints "ready" when it starts and exits at end of input.
 *
 * Every function is called through one pointer type with 12 integer arguments: on Win64 every integer and
 * pointer argument takes one 64-bit slot (RCX, RDX, R8, R9, then the stack), the caller owns the stack, and a
 * callee ignores slots it does not declare. So any Win32 function whose arguments and result are integers
 * or pointers can be called with no C written for it: adding one is a Java change only.
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -o win32_call.exe win32_call.c
 */
#include <windows.h>
#include <fcntl.h>
#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 12

typedef uint64_t (WINAPI *any_function)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                        uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Reads one line of any length; returns NULL at end of input. */
static char *read_line(void) {
    size_t cap = 256, len = 0;
    char *line = malloc(cap);
    int c;
    while ((c = getchar()) != EOF && c != '\n') {
        if (len + 1 == cap) line = realloc(line, cap *= 2);
        line[len++] = (char) c;
    }
    if (c == EOF && len == 0) { free(line); return NULL; }
    line[len] = 0;
    return line;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_u64(const char *s, uint64_t *out) {
    uint64_t v = 0;
    if (!*s) return 0;
    for (; *s; s++) {
        int d = hex_digit(*s);
        if (d < 0) return 0;
        v = v << 4 | (uint64_t) d;
    }
    *out = v;
    return 1;
}

static void print_hex(const unsigned char *p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        putchar(digits[p[i] >> 4]);
        putchar(digits[p[i] & 15]);
    }
}

static void call(char *line) {
    char *words[2 + MAX_ARGS];
    int n = 0;
    for (char *w = strtok(line, " "); w; w = strtok(NULL, " ")) {
        if (n == 2 + MAX_ARGS) { printf("error more than %d arguments\n", MAX_ARGS); return; }
        words[n++] = w;
    }
    if (n < 2) { printf("error expected DLL FUNCTION ARG...\n"); return; }
    HMODULE dll = LoadLibraryA(words[0]);
    FARPROC f = dll ? GetProcAddress(dll, words[1]) : NULL;
    if (!f) { printf("error no function %s in %s\n", words[1], words[0]); return; }

    uint64_t args[MAX_ARGS] = {0};
    unsigned char *buffers[MAX_ARGS] = {0};
    size_t sizes[MAX_ARGS] = {0};
    int out[MAX_ARGS] = {0};
    int ok = 1;
    for (int i = 0; i < n - 2 && ok; i++) {
        char *a = words[2 + i];
        if (!strncmp(a, "in:", 3)) {
            size_t len = strlen(a + 3);
            ok = len % 2 == 0;
            sizes[i] = len / 2;
            buffers[i] = calloc(sizes[i] + 1, 1);
            for (size_t j = 0; ok && j < sizes[i]; j++) {
                int hi = hex_digit(a[3 + 2 * j]), lo = hex_digit(a[4 + 2 * j]);
                ok = hi >= 0 && lo >= 0;
                buffers[i][j] = (unsigned char) (hi << 4 | lo);
            }
            args[i] = (uint64_t) (uintptr_t) buffers[i];
        } else if (!strncmp(a, "out:", 4)) {
            sizes[i] = strtoul(a + 4, NULL, 10);
            buffers[i] = calloc(sizes[i] + 1, 1);
            out[i] = 1;
            args[i] = (uint64_t) (uintptr_t) buffers[i];
        } else {
            ok = parse_u64(a, &args[i]);
        }
        if (!ok) printf("error bad argument %d: %s\n", i + 1, a);
    }
    if (ok) {
        uint64_t result = ((any_function) f)(args[0], args[1], args[2], args[3], args[4], args[5], args[6],
                                             args[7], args[8], args[9], args[10], args[11]);
        DWORD error = GetLastError(); /* first thing after the call: nothing in between may set it */
        printf("ok %llx %lu", (unsigned long long) result, (unsigned long) error);
        for (int i = 0; i < n - 2; i++) {
            if (out[i]) {
                printf(" %llx=", (unsigned long long) (uintptr_t) buffers[i]);
                print_hex(buffers[i], sizes[i]);
            }
        }
        putchar('\n');
    }
    for (int i = 0; i < MAX_ARGS; i++) free(buffers[i]);
}

int main(void) {
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    printf("ready\n");
    fflush(stdout);
    for (char *line; (line = read_line()) != NULL; free(line)) {
        call(line);
        fflush(stdout);
    }
    return 0;
}
