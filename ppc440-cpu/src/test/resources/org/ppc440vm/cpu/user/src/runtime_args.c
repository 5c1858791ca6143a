/*
 * runtime_args: argc/argv as passed by the loader, and the environment.
 * Run with the arguments listed in expected/runtime_args.args (one per
 * line).  Only environment variables whose names start with "PPCTEST_" are
 * printed (sorted), so that the host environment does not leak into the
 * output; expected/runtime_args.env lists the variables (NAME=VALUE per
 * line) that the test harness must add to the environment.
 * Also checks the auxiliary vector entries that must be present for a
 * static glibc program (without printing host-dependent values).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) {
        printf("argv[%d] len=%zu \"%s\" bytes:", i, strlen(argv[i]), argv[i]);
        for (const unsigned char *p = (const unsigned char *)argv[i]; *p; p++)
            printf(" %02x", *p);
        printf("\n");
    }
    printf("argv[argc]==NULL: %d\n", argv[argc] == NULL);
    printf("argv[0] non-empty: %d\n", argv[0] != NULL && argv[0][0] != 0);
    printf("envp==environ: %d  envp==argv+argc+1: %d\n", envp == environ, envp == argv + argc + 1);

    int n = 0;
    for (char **e = envp; *e; e++)
        n++;
    char **mine = calloc((size_t)n + 1, sizeof(char *));
    int k = 0;
    for (char **e = envp; *e; e++)
        if (strncmp(*e, "PPCTEST_", 8) == 0)
            mine[k++] = *e;
    qsort(mine, (size_t)k, sizeof(char *), cmp);
    printf("PPCTEST_ variables: %d\n", k);
    for (int i = 0; i < k; i++)
        printf("  %s\n", mine[i]);
    const char *g = getenv("PPCTEST_GREETING");
    printf("getenv(PPCTEST_GREETING)=%s\n", g ? g : "(null)");
    printf("getenv(PPCTEST_UNSET_VARIABLE)=%s\n", getenv("PPCTEST_UNSET_VARIABLE") ? "set" : "(null)");
    setenv("PPCTEST_NEW", "added", 1);
    printf("after setenv: %s\n", getenv("PPCTEST_NEW"));

    /* auxiliary vector: values are emulator/host dependent, only sanity-check them */
    unsigned long pagesz = getauxval(AT_PAGESZ);
    printf("AT_PAGESZ is a power of two >= 4096: %d\n", pagesz >= 4096 && (pagesz & (pagesz - 1)) == 0);
    printf("AT_PHDR present: %d  AT_ENTRY present: %d  AT_RANDOM present: %d\n",
           getauxval(AT_PHDR) != 0, getauxval(AT_ENTRY) != 0, getauxval(AT_RANDOM) != 0);
    free(mine);
    printf("done\n");
    return 0;
}
