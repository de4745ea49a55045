/* The headers the glibc bindings come from. _GNU_SOURCE (set in libc.args) exposes F_OFD_*. */
#include <fcntl.h>     /* fcntl (variadic), O_*, F_OFD_*, F_*LCK, struct flock */
#include <sys/mman.h>  /* shm_open (int, int, mode_t: not variadic in glibc), shm_unlink, mmap, munmap, PROT_*, MAP_* */
#include <sys/stat.h>  /* fstat, struct stat, S_IRUSR, S_IWUSR */
#include <unistd.h>    /* ftruncate, close, geteuid, SEEK_SET, syscall (variadic) */
#include <linux/futex.h> /* FUTEX_WAIT, FUTEX_WAKE */
#include <string.h>    /* strerror */
