/*
 * syscalls_misc: a few deterministic system-call round trips through static
 * glibc: uname (only the fields that do not depend on the host), clock_gettime
 * / gettimeofday / time (never printed, only sanity-checked), getpid/getppid
 * (checked, not printed), pipe + read/write, lseek/read on a pipe (ESPIPE),
 * errno values for failing calls, sysconf(_SC_PAGESIZE) sanity, getcwd
 * (checked, not printed), nanosleep of 1 ms, and sigaction + raise
 * (signal delivery to a handler).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void handler(int sig)
{
    got = sig;
}

int main(void)
{
    struct utsname u;
    int r = uname(&u);
    printf("uname ret=%d sysname=%s\n", r, u.sysname);

    struct timespec t1, t2;
    int c1 = clock_gettime(CLOCK_MONOTONIC, &t1);
    struct timespec d = { 0, 1000000 };
    int ns = nanosleep(&d, NULL);
    int c2 = clock_gettime(CLOCK_MONOTONIC, &t2);
    long long dt = (long long)(t2.tv_sec - t1.tv_sec) * 1000000000LL + (t2.tv_nsec - t1.tv_nsec);
    printf("clock_gettime ret=%d,%d monotonic non-decreasing=%d nanosleep ret=%d elapsed>=1ms=%d\n", c1, c2,
           dt >= 0, ns, dt >= 1000000);
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t now = time(NULL);
    printf("realtime after 2020: %d %d %d\n", rt.tv_sec > 1577836800, tv.tv_sec > 1577836800, now > 1577836800);

    printf("getpid>0=%d getppid>=0=%d\n", getpid() > 0, getppid() >= 0);
    long ps = sysconf(_SC_PAGESIZE);
    printf("pagesize power of two>=4096: %d\n", ps >= 4096 && (ps & (ps - 1)) == 0);
    char cwd[4096];
    printf("getcwd ok: %d\n", getcwd(cwd, sizeof(cwd)) != NULL && cwd[0] == '/');

    int fds[2];
    r = pipe(fds);
    const char msg[] = "through the pipe";
    ssize_t w = write(fds[1], msg, sizeof(msg));
    char buf[64] = { 0 };
    ssize_t rd = read(fds[0], buf, sizeof(buf));
    printf("pipe ret=%d write=%zd read=%zd data=\"%s\"\n", r, w, rd, buf);
    errno = 0;
    off_t o = lseek(fds[0], 0, SEEK_SET);
    printf("lseek on pipe: ret=%ld errno=%s\n", (long)o, errno == ESPIPE ? "ESPIPE" : strerror(errno));
    close(fds[1]);
    rd = read(fds[0], buf, sizeof(buf));
    printf("read after writer closed: %zd\n", rd);
    close(fds[0]);

    errno = 0;
    int fd = open("/this/path/does/not/exist", O_RDONLY);
    printf("open missing: ret=%d errno=%s\n", fd, errno == ENOENT ? "ENOENT" : strerror(errno));
    errno = 0;
    ssize_t bad = write(1234, "x", 1);
    printf("write to bad fd: ret=%zd errno=%s\n", bad, errno == EBADF ? "EBADF" : strerror(errno));
    errno = 0;
    r = close(-1);
    printf("close(-1): ret=%d errno=%s\n", r, errno == EBADF ? "EBADF" : strerror(errno));

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    r = sigaction(SIGUSR1, &sa, NULL);
    int rr = raise(SIGUSR1);
    printf("sigaction ret=%d raise ret=%d handler saw signal %s\n", r, rr, got == SIGUSR1 ? "SIGUSR1" : "none");
    printf("done\n");
    return 0;
}
