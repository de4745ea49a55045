/*
 * A native peer of panama-shm that follows docs/protocol.md: the lifetime protocol and the text block.
 * Texts are given and printed as hex of their UTF-16 units, 4 digits each, "-" for the empty text.
 *
 *   shm_peer get NAME                  attach, print "created=<0|1> version=<v> text=<hex>", detach
 *   shm_peer set-and-hold NAME HEX     attach, set, print "stored created=<0|1> version=<v>", hold until stdin
 *                                      closes, detach
 *   shm_peer wait NAME VERSION MS      attach, print "waiting", wait at most MS ms for the version to differ from
 *                                      VERSION, print "changed version=<v> text=<hex>" or "timeout", detach
 *   shm_peer writer NAME HEX...        attach, set the texts in turn until killed, printing "writing" once and
 *                                      "set <count>" after every 1024 sets
 *   shm_peer lock-and-hold NAME        attach, take the writers' lock, print "locked", hold it until stdin closes
 *   shm_peer echo NAME ROUNDS          attach, print "ready"; ROUNDS times: wait for a new text "ping..." and set
 *                                      it back as "pong..."; print "echoed <ROUNDS>"
 *   shm_peer example-get NAME          the same as get for a peer that knows only the example's 4096-byte layout:
 *   shm_peer example-set-and-hold NAME HEX   print "created=<0|1> text=<hex>" / "stored created=<0|1>"
 *
 * Build: gcc -std=c11 -O2 -o shm_peer shm_peer.c -lrt   (-lrt: shm_open lives in librt before glibc 2.34)
 */
#define _GNU_SOURCE
#include <errno.h>
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
#include <time.h>
#include <unistd.h>

#define BYTE_SIZE 4096 /* the example's block: 2047 UTF-16 units and their NUL */

/* ---- the lifetime protocol: byte 1 is the attach/detach mutex, byte 0 the lifetime lock ---- */

static int lock(int fd, short type, off_t byte, int wait) {
    struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1, .l_pid = 0};
    int rc;
    while ((rc = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &l)) == -1 && errno == EINTR) {
    }
    return rc;
}

/* Attaches to obj ("/" + name) of size bytes, or to a live block of exactly small bytes (0: no such size);
   returns the mapping and sets *mapped to its size, or returns NULL with errno set. */
static void *shm_attach(const char *obj, size_t size, size_t small, int *fd_out, int *created, size_t *mapped) {
    for (;;) {
        struct stat st;
        int fd = shm_open(obj, O_RDWR | O_CREAT, 0600);
        if (fd < 0) return NULL;
        if (lock(fd, F_WRLCK, 1, 1) || fstat(fd, &st)) goto fail;
        if (st.st_nlink == 0) { close(fd); continue; }            /* unlinked while we waited */
        size_t have = (size_t) st.st_size;
        if (lock(fd, F_WRLCK, 0, 0) == 0) {                        /* nobody attached: reset */
            if (have != 0 && have != size && (!small || have != small)) { errno = EEXIST; goto fail; }
            if (ftruncate(fd, 0) || ftruncate(fd, size)) goto fail_unlink;
            if (lock(fd, F_RDLCK, 0, 0)) goto fail_unlink;         /* atomic write -> read */
            *created = 1;
            have = size;
        } else {
            if (have == 0 ? ftruncate(fd, size) != 0 : have < size && (!small || have != small)) goto fail;
            if (have == 0 || have > size) have = size;
            if (lock(fd, F_RDLCK, 0, 0)) goto fail;
            *created = 0;
        }
        int err = posix_fallocate(fd, 0, have);                    /* ENOSPC now, not SIGBUS later */
        if (err) { errno = err; goto fail_unlink_if_created; }
        void *p = mmap(NULL, have, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) goto fail_unlink_if_created;
        lock(fd, F_UNLCK, 1, 0);
        *fd_out = fd;
        *mapped = have;
        return p;
    fail_unlink_if_created:
        if (!*created) goto fail;
    fail_unlink:
        shm_unlink(obj);
    fail:
        close(fd);                                                 /* drops every lock */
        return NULL;
    }
}

static void shm_detach(const char *obj, void *p, size_t size, int fd) {
    struct stat st;
    munmap(p, size);
    if (lock(fd, F_WRLCK, 1, 1) == 0 && fstat(fd, &st) == 0 && st.st_nlink > 0 && lock(fd, F_WRLCK, 0, 0) == 0)
        shm_unlink(obj);                                           /* the last one out frees it */
    close(fd);
}

/* ---- the text block: attach with shm_attach(obj, sizeof(struct shm_text), BYTE_SIZE, ...) ---- */

struct shm_text {                   /* panama-shm's TextLayout; words in native (little-endian) order */
    uint16_t copy0[2048];           /* the example's block: the text, NUL-terminated UTF-16LE */
    uint64_t seq;                   /* even: copy0 is the latest text, odd: copy1 is; version = seq / 2 */
    uint64_t done;                  /* the even seq whose text copy1 holds whole */
    uint32_t lock;                  /* the writers' lock: 0 free, else the holder's id */
    uint32_t waiters;               /* threads sleeping on the futex word, the low half of seq */
    uint32_t next_id;               /* the last attacher id handed out */
    uint8_t reserved[36];
    uint16_t copy1[2048];           /* the second copy of the text */
};
#define LIVENESS_BASE ((off_t) 1 << 32) /* attacher id holds a write lock on this byte + id while attached */
#define FUTEX_WORD(b) ((uint32_t *) &(b)->seq)

static uint32_t text_join(struct shm_text *b, int fd) {   /* once attached: take an id, hold its byte */
    uint32_t id, stale;
    do id = __atomic_add_fetch(&b->next_id, 1, __ATOMIC_SEQ_CST);
    while (!id || lock(fd, F_WRLCK, LIVENESS_BASE + id, 0));
    stale = id;                                                    /* a dead holder's id, wrapped around */
    __atomic_compare_exchange_n(&b->lock, &stale, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
    return id;
}

static int text_lock(struct shm_text *b, int fd, uint32_t me) {   /* -1 if a live holder keeps it ~5 s */
    for (int i = 0; i < 5200; i++) {
        uint32_t owner = 0;
        if (__atomic_compare_exchange_n(&b->lock, &owner, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return 0;
        if (i < 200) continue;                                     /* spin briefly, then sleep and look */
        struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = LIVENESS_BASE + owner, .l_len = 1};
        if (owner != me && fcntl(fd, F_OFD_GETLK, &l) == 0 && l.l_type == F_UNLCK  /* its holder died */
            && __atomic_compare_exchange_n(&b->lock, &owner, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return 0;
        usleep(1000);
    }
    return -1;
}

static void put(uint16_t *copy, const uint16_t *units, size_t n) { memcpy(copy, units, 2 * n); copy[n] = 0; }

/* Stores units[0..n), n <= 2047, as the next version, which it returns (0 when the lock timed out). */
static uint64_t text_set(struct shm_text *b, int fd, uint32_t me, const uint16_t *units, size_t n) {
    if (text_lock(b, fd, me)) return 0;
    uint64_t seq = __atomic_load_n(&b->seq, __ATOMIC_RELAXED);
    if (!(seq & 1)) {                                              /* odd: a writer died in copy0; go on */
        if (__atomic_load_n(&b->done, __ATOMIC_RELAXED) != seq)    /* a writer died in copy1: repair it */
            memcpy(b->copy1, b->copy0, sizeof b->copy1);
        __atomic_store_n(&b->seq, ++seq, __ATOMIC_RELAXED);        /* odd: readers turn to copy1 */
        __atomic_thread_fence(__ATOMIC_RELEASE);
    }
    put(b->copy0, units, n);
    __atomic_store_n(&b->seq, ++seq, __ATOMIC_SEQ_CST);            /* even: the new text is the latest */
    int wake = __atomic_load_n(&b->waiters, __ATOMIC_SEQ_CST) != 0;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    put(b->copy1, units, n);
    __atomic_store_n(&b->done, seq, __ATOMIC_RELEASE);
    __atomic_store_n(&b->lock, 0, __ATOMIC_RELEASE);
    if (wake)                                                      /* no system call when nobody waits */
        syscall(SYS_futex, FUTEX_WORD(b), FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    return seq / 2;
}

/* Copies the latest whole text into out[2048], NUL-terminated; returns its version. Never waits. */
static uint64_t text_get(const struct shm_text *b, uint16_t *out) {
    for (;;) {
        uint64_t seq = __atomic_load_n(&b->seq, __ATOMIC_ACQUIRE);
        memcpy(out, seq & 1 ? b->copy1 : b->copy0, 2 * 2047);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&b->seq, __ATOMIC_RELAXED) == seq) { out[2047] = 0; return seq / 2; }
    }
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Waits until the version is not seen: 0, or -1 after ms milliseconds. */
static int text_wait(struct shm_text *b, uint64_t seen, long ms) {
    long long end = now_ns() + ms * 1000000LL, left;
    uint64_t seq;
    __atomic_add_fetch(&b->waiters, 1, __ATOMIC_SEQ_CST);          /* count yourself, then look at seq */
    while ((seq = __atomic_load_n(&b->seq, __ATOMIC_SEQ_CST)) / 2 == seen && (left = end - now_ns()) > 0) {
        struct timespec slice = {0, left < 100000000 ? left : 100000000}; /* <= 100 ms: a writer may die unwoken */
        syscall(SYS_futex, FUTEX_WORD(b), FUTEX_WAIT, (uint32_t) seq, &slice, NULL, 0); /* not if seq moved */
    }
    __atomic_sub_fetch(&b->waiters, 1, __ATOMIC_SEQ_CST);
    return seq / 2 == seen ? -1 : 0;
}

/* ---- the command line ---- */

static void print_hex(const uint16_t *s) {
    if (!*s) fputs("-", stdout);
    for (int i = 0; i < BYTE_SIZE / 2 - 1 && s[i]; i++) printf("%04x", s[i]);
}

static size_t parse_hex(const char *h, uint16_t *units) {   /* at most 2047 units */
    size_t n = strcmp(h, "-") == 0 ? 0 : strlen(h) / 4, i;
    for (i = 0; i < n && i < BYTE_SIZE / 2 - 1; i++) {
        unsigned u;
        sscanf(h + 4 * i, "%4x", &u);
        units[i] = (uint16_t) u;                                   /* little-endian hosts only */
    }
    return i;
}

static void await_stdin_eof(void) {
    while (getchar() != EOF) {
    }
}

static int example(const char *cmd, const char *obj, int argc, char **argv) {
    int fd, created = 0;
    size_t mapped;
    uint16_t *block = shm_attach(obj, BYTE_SIZE, 0, &fd, &created, &mapped);
    if (!block) { fprintf(stderr, "shm_attach(\"%s\") failed: %s\n", obj, strerror(errno)); return 1; }
    if (strcmp(cmd, "example-get") == 0) {
        printf("created=%d text=", created);
        print_hex(block);
        printf("\n");
    } else if (strcmp(cmd, "example-set-and-hold") == 0 && argc == 4) {
        block[parse_hex(argv[3], block)] = 0;
        printf("stored created=%d\n", created);
        fflush(stdout);
        await_stdin_eof();
    }
    shm_detach(obj, block, mapped, fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: shm_peer COMMAND NAME [ARGS]\n"); return 2; }
    char obj[300];
    snprintf(obj, sizeof obj, "/%s", argv[2]);
    const char *cmd = argv[1];
    if (strncmp(cmd, "example-", 8) == 0) return example(cmd, obj, argc, argv);
    int fd, created = 0;
    size_t mapped;
    struct shm_text *b = shm_attach(obj, sizeof(struct shm_text), BYTE_SIZE, &fd, &created, &mapped);
    if (!b) { fprintf(stderr, "shm_attach(\"%s\") failed: %s\n", obj, strerror(errno)); return 1; }
    if (mapped < sizeof(struct shm_text)) { fprintf(stderr, "%s has only the example's layout\n", obj); return 1; }
    uint32_t me = text_join(b, fd);
    static uint16_t units[2048], text[2048];
    int rc = 0;
    if (strcmp(cmd, "get") == 0) {
        uint64_t v = text_get(b, text);
        printf("created=%d version=%llu text=", created, (unsigned long long) v);
        print_hex(text);
        printf("\n");
    } else if (strcmp(cmd, "set-and-hold") == 0 && argc == 4) {
        uint64_t v = text_set(b, fd, me, units, parse_hex(argv[3], units));
        printf("stored created=%d version=%llu\n", created, (unsigned long long) v);
        fflush(stdout);
        await_stdin_eof();
    } else if (strcmp(cmd, "wait") == 0 && argc == 5) {
        printf("waiting\n");
        fflush(stdout);
        if (text_wait(b, strtoull(argv[3], NULL, 10), atol(argv[4])) == 0) {
            uint64_t v = text_get(b, text);
            printf("changed version=%llu text=", (unsigned long long) v);
            print_hex(text);
            printf("\n");
        } else {
            printf("timeout\n");
        }
    } else if (strcmp(cmd, "writer") == 0 && argc > 3) {
        printf("writing\n");
        fflush(stdout);
        for (unsigned long count = 1;; count++) {
            const char *h = argv[3 + count % (argc - 3)];
            if (!text_set(b, fd, me, units, parse_hex(h, units))) { fprintf(stderr, "text_set timed out\n"); return 1; }
            if (count % 1024 == 0) { printf("set %lu\n", count); fflush(stdout); }
        }
    } else if (strcmp(cmd, "lock-and-hold") == 0) {
        if (text_lock(b, fd, me)) { fprintf(stderr, "text_lock timed out\n"); return 1; }
        printf("locked\n");
        fflush(stdout);
        await_stdin_eof();
        __atomic_store_n(&b->lock, 0, __ATOMIC_RELEASE);
    } else if (strcmp(cmd, "echo") == 0 && argc == 4) {
        long rounds = atol(argv[3]);
        uint64_t seen = text_get(b, text);
        printf("ready\n");
        fflush(stdout);
        for (long r = 0; r < rounds && rc == 0; r++) {
            while (rc == 0 && (rc = text_wait(b, seen, 10000)) == 0 && (seen = text_get(b, text), text[1] != 'i')) {
            }                                                      /* until a "ping", which may be this one */
            if (rc == 0) {
                size_t n = 0;
                while (text[n]) { units[n] = text[n]; n++; }
                units[1] = 'o';
                seen = text_set(b, fd, me, units, n);
            }
        }
        printf(rc == 0 ? "echoed %ld\n" : "timeout after %ld\n", rounds);
    } else {
        fprintf(stderr, "unknown command or arguments: %s\n", cmd);
        rc = 2;
    }
    shm_detach(obj, b, mapped, fd);
    return rc;
}
