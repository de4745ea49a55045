/*
 * A native peer of panama-shm that follows the Linux protocol in README.md ("Native peers").
 *
 *   shm_peer get NAME             attach, print "created=<0|1> text=<hex>", detach
 *   shm_peer set-and-hold NAME H  attach, store the UTF-16 units H (hex, 4 digits each, "-" for empty),
 *                                 print "stored created=<0|1>", hold until stdin closes, detach
 *
 * Build: gcc -O2 -o shm_peer shm_peer.c   (glibc >= 2.34 has shm_open in libc; older ones need -lrt)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define BYTE_SIZE 4096 /* the example's block: 2047 UTF-16 units and their NUL */

/* ---- the protocol: byte 1 is the attach/detach mutex, byte 0 the lifetime lock ---- */

static int lock(int fd, short type, off_t byte, int wait) {
    struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1, .l_pid = 0};
    int rc;
    while ((rc = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &l)) == -1 && errno == EINTR) {
    }
    return rc;
}

/* Attaches to obj ("/" + name); returns the mapping, or NULL with errno set. */
static void *shm_attach(const char *obj, size_t size, int *fd_out, int *created) {
    for (;;) {
        struct stat st;
        int fd = shm_open(obj, O_RDWR | O_CREAT, 0600);
        if (fd < 0) return NULL;
        if (lock(fd, F_WRLCK, 1, 1) || fstat(fd, &st)) goto fail;
        if (st.st_nlink == 0) { close(fd); continue; }            /* unlinked while we waited */
        if (lock(fd, F_WRLCK, 0, 0) == 0) {                        /* nobody attached: reset */
            if (st.st_size != 0 && (size_t) st.st_size != size) { errno = EEXIST; goto fail; }
            if (ftruncate(fd, 0) || ftruncate(fd, size)) goto fail_unlink;
            if (lock(fd, F_RDLCK, 0, 0)) goto fail_unlink;         /* atomic write -> read */
            *created = 1;
        } else {
            if (st.st_size == 0 ? ftruncate(fd, size) != 0 : (size_t) st.st_size < size) goto fail;
            if (lock(fd, F_RDLCK, 0, 0)) goto fail;
            *created = 0;
        }
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) goto fail_unlink_if_created;
        lock(fd, F_UNLCK, 1, 0);
        *fd_out = fd;
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

/* ---- the example's text block, without its bugs ---- */

static void print_hex(const uint16_t *s) {
    if (!*s) fputs("-", stdout);
    for (int i = 0; i < BYTE_SIZE / 2 - 1 && s[i]; i++) printf("%04x", s[i]);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: shm_peer get|set-and-hold NAME [HEX]\n"); return 2; }
    char obj[300];
    snprintf(obj, sizeof obj, "/%s", argv[2]);
    int fd, created = 0;
    uint16_t *block = shm_attach(obj, BYTE_SIZE, &fd, &created);
    if (!block) { fprintf(stderr, "shm_attach(\"%s\") failed: %s\n", obj, strerror(errno)); return 1; }
    if (strcmp(argv[1], "get") == 0) {
        printf("created=%d text=", created);
        print_hex(block);
        printf("\n");
    } else if (strcmp(argv[1], "set-and-hold") == 0 && argc == 4) {
        const char *h = argv[3];
        size_t n = strcmp(h, "-") == 0 ? 0 : strlen(h) / 4, i;
        for (i = 0; i < n && i < BYTE_SIZE / 2 - 1; i++) {
            unsigned u;
            sscanf(h + 4 * i, "%4x", &u);
            block[i] = (uint16_t) u;                               /* little-endian hosts only */
        }
        block[i] = 0;
        printf("stored created=%d\n", created);
        fflush(stdout);
        while (getchar() != EOF) {
        }
    }
    shm_detach(obj, block, BYTE_SIZE, fd);
    return 0;
}
