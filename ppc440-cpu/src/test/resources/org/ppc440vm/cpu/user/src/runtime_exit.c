/*
 * runtime_exit: output on both stdout and stderr (stdio and raw write(2)),
 * atexit handlers (run in reverse order of registration, and stdout is
 * flushed after them), and a non-zero exit status: the program ends with
 * exit(3), so expected/runtime_exit.status is 3.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void h1(void) { printf("atexit handler 1 (registered first, runs last)\n"); }
static void h2(void) { printf("atexit handler 2\n"); fprintf(stderr, "stderr from atexit handler 2\n"); }
static void h3(void) { printf("atexit handler 3 (registered last, runs first)\n"); }

int main(void)
{
    atexit(h1);
    atexit(h2);
    atexit(h3);
    printf("line 1 on stdout\n");
    fprintf(stderr, "line 1 on stderr\n");
    static const char raw_out[] = "raw write(1)\n";
    static const char raw_err[] = "raw write(2)\n";
    fflush(stdout);
    ssize_t a = write(1, raw_out, strlen(raw_out));
    ssize_t b = write(2, raw_err, strlen(raw_err));
    printf("write returned %zd and %zd\n", a, b);
    fprintf(stderr, "number on stderr: %d %s %.3f\n", 42, "text", 2.5);
    /* a long line through stdio buffering */
    for (int i = 0; i < 300; i++)
        putchar('a' + i % 26);
    putchar('\n');
    errno = ENOENT;
    perror("perror with errno=ENOENT");
    printf("calling exit(3)\n");
    exit(3);
}
