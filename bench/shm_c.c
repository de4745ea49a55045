/*
 * The C side of the benchmark (bench/run.sh builds it with gcc -O2):
 *  - the copy loops of Microsoft's "Using Shared Memory in a Dynamic-Link Library" example, with 16-bit units,
 *    on a POSIX shared memory block: SetSharedMem's
 *        while (*lpszBuf && dwCount<SHMEMSIZE) { *lpszTmp++ = *lpszBuf++; dwCount++; } *lpszTmp = '\0';
 *    and GetSharedMem's
 *        while (*lpszTmp && --cchSize) *lpszBuf++ = *lpszTmp++; *lpszBuf = '\0';
 *  - a whole attach + detach with panama-shm's lifetime protocol (LinuxBackend): shm_open, OFD locks on bytes 1
 *    and 0, fstat, ftruncate, posix_fallocate, mmap / munmap, shm_unlink by the last one out, close.
 *  - with "pingpong": a cross-process round trip through a bare futex word in a MAP_SHARED mapping: this
 *    process makes the word odd and FUTEX_WAKEs, a forked one waits (FUTEX_WAIT, no FUTEX_PRIVATE_FLAG),
 *    makes it even and wakes, this one waits for that. The floor for panama-shm's set + awaitChange ping-pong.
 * Prints "name param ns_per_op" lines: the median of 7 rounds of about 0.3 s each.
 * Usage: shm_c NAME_PREFIX [pingpong]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SHMEMSIZE 4096
typedef uint16_t WCHAR;
typedef WCHAR *LPWSTR;
typedef unsigned long DWORD;

static LPWSTR lpvMem;

static void SetSharedMem(const WCHAR *lpszBuf) {
    LPWSTR lpszTmp = lpvMem;
    DWORD dwCount = 1;
    while (*lpszBuf && dwCount < SHMEMSIZE) {
        *lpszTmp++ = *lpszBuf++;
        dwCount++;
    }
    *lpszTmp = '\0';
}

static void GetSharedMem(WCHAR *lpszBuf, DWORD cchSize) {
    LPWSTR lpszTmp = lpvMem;
    while (*lpszTmp && --cchSize) *lpszBuf++ = *lpszTmp++;
    *lpszBuf = '\0';
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

#define barrier() __asm__ __volatile__("" ::: "memory")

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

typedef void (*op_fn)(void *);

/* ns per op: median of 7 rounds, each sized to last about 0.3 s after a calibration */
static double measure(op_fn op, void *arg) {
    long n = 1;
    for (;;) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++) { op(arg); barrier(); }
        double t = now_ns() - t0;
        if (t > 3e7) { n = (long) (n * 3e8 / t) + 1; break; }
        n *= 4;
    }
    double r[7];
    for (int k = 0; k < 7; k++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++) { op(arg); barrier(); }
        r[k] = (now_ns() - t0) / n;
    }
    qsort(r, 7, sizeof r[0], cmp);
    return r[3];
}

static WCHAR text[SHMEMSIZE / 2];
static WCHAR out[SHMEMSIZE / 2];

static void op_set_get(void *arg) {
    (void) arg;
    SetSharedMem(text);
    barrier();
    GetSharedMem(out, SHMEMSIZE / 2);
}

static void op_get(void *arg) {
    (void) arg;
    GetSharedMem(out, SHMEMSIZE / 2);
}

/* ---- the lifetime protocol, as LinuxBackend does it ---- */

static int ofd_lock(int fd, int cmd, short type, off_t start) {
    struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = 1, .l_pid = 0};
    return fcntl(fd, cmd, &l);
}

static void die(const char *what) { perror(what); exit(1); }

struct block { int fd; void *addr; int created; };

static struct block attach(const char *object, size_t size) {
    for (;;) {
        int fd = shm_open(object, O_RDWR | O_CREAT, 0600);
        if (fd < 0) die("shm_open");
        if (ofd_lock(fd, F_OFD_SETLKW, F_WRLCK, 1) != 0) die("lock byte 1");
        struct stat st;
        if (fstat(fd, &st) != 0) die("fstat");
        if (st.st_nlink == 0) { close(fd); continue; }
        if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) { fprintf(stderr, "not ours\n"); exit(1); }
        int created = ofd_lock(fd, F_OFD_SETLK, F_WRLCK, 0) == 0;
        if (created) {
            if ((st.st_size != 0 && ftruncate(fd, 0) != 0) || ftruncate(fd, size) != 0) die("ftruncate");
        } else if (st.st_size == 0 && ftruncate(fd, size) != 0) {
            die("ftruncate");
        }
        if (ofd_lock(fd, F_OFD_SETLK, F_RDLCK, 0) != 0) die("read lock byte 0");
        if (posix_fallocate(fd, 0, size) != 0) die("posix_fallocate");  /* ENOSPC now, not SIGBUS later */
        void *addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (addr == MAP_FAILED) die("mmap");
        ofd_lock(fd, F_OFD_SETLK, F_UNLCK, 1);
        return (struct block) {fd, addr, created};
    }
}

static void detach(const char *object, struct block b, size_t size) {
    munmap(b.addr, size);
    if (ofd_lock(b.fd, F_OFD_SETLKW, F_WRLCK, 1) != 0) die("lock byte 1");
    struct stat st;
    if (fstat(b.fd, &st) == 0 && st.st_nlink > 0 && ofd_lock(b.fd, F_OFD_SETLK, F_WRLCK, 0) == 0) {
        shm_unlink(object);
    }
    close(b.fd);
}

static void op_cycle(void *arg) {
    const char *object = arg;
    struct block b = attach(object, SHMEMSIZE);
    if (!b.created) { fprintf(stderr, "cycle did not create the block\n"); exit(1); }
    detach(object, b, SHMEMSIZE);
}

/* ---- the cross-process ping-pong ---- */

static void futex_wait(uint32_t *word, uint32_t val) { syscall(SYS_futex, word, FUTEX_WAIT, val, NULL, NULL, 0); }
static void futex_wake(uint32_t *word) { syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0); }

static void op_round_trip(void *arg) {
    uint32_t *word = arg;
    uint32_t ping = __atomic_add_fetch(word, 1, __ATOMIC_SEQ_CST);   /* odd: ping */
    futex_wake(word);
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == ping) futex_wait(word, ping);
}

static void pingpong(void) {
    uint32_t *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (word == MAP_FAILED) die("mmap");
    pid_t echo = fork();
    if (echo < 0) die("fork");
    if (echo == 0) {                                                  /* the other process: answer each ping */
        for (uint32_t seen = 0;;) {
            uint32_t w;
            while ((w = __atomic_load_n(word, __ATOMIC_SEQ_CST)) == seen) futex_wait(word, seen);
            if (w == UINT32_MAX) _exit(0);
            if (w & 1) { __atomic_store_n(word, w + 1, __ATOMIC_SEQ_CST); futex_wake(word); w++; }
            seen = w;
        }
    }
    printf("c_pingPong 0 %.1f\n", measure(op_round_trip, word));
    __atomic_store_n(word, UINT32_MAX, __ATOMIC_SEQ_CST);
    futex_wake(word);
    waitpid(echo, NULL, 0);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[2], "pingpong") == 0) { pingpong(); return 0; }
    if (argc != 2) { fprintf(stderr, "usage: %s NAME_PREFIX [pingpong]\n", argv[0]); return 2; }
    char object[256];
    snprintf(object, sizeof object, "/%s-c-%ld", argv[1], (long) getpid());

    printf("c_openClose 0 %.1f\n", measure(op_cycle, object));

    struct block b = attach(object, SHMEMSIZE);
    lpvMem = b.addr;
    const char *unit = "This is a test string ";
    static const int lengths[] = {21, 256, 2047};
    for (int k = 0; k < 3; k++) {
        int len = lengths[k];
        for (int i = 0; i < len; i++) text[i] = (WCHAR) unit[i % 22];
        text[len] = 0;
        printf("c_setGet %d %.1f\n", len, measure(op_set_get, NULL));
        SetSharedMem(text);
        printf("c_get %d %.1f\n", len, measure(op_get, NULL));
        if (memcmp(out, text, (len + 1) * sizeof(WCHAR)) != 0) { fprintf(stderr, "round trip failed\n"); return 1; }
    }
    detach(object, b, SHMEMSIZE);
    return 0;
}
