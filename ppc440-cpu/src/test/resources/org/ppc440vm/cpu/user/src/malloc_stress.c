/*
 * malloc_stress: glibc malloc through both of its system paths
 *   - many small blocks (heap grown with brk),
 *   - large blocks above the mmap threshold (mmap/munmap),
 * plus realloc growth/shrink, calloc zeroing, memalign/posix_memalign,
 * free in various orders.  Only checksums, counts and alignment facts are
 * printed, never addresses.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t x = 88172645;
static uint32_t rnd(void)
{
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return x;
}

static uint32_t sum_bytes(const unsigned char *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

#define NSMALL 20000

int main(void)
{
    /* many small blocks */
    static unsigned char *blk[NSMALL];
    static size_t len[NSMALL];
    uint32_t check = 0;
    int misaligned = 0;
    for (int i = 0; i < NSMALL; i++) {
        len[i] = 1 + rnd() % 200;
        blk[i] = malloc(len[i]);
        if (!blk[i]) {
            printf("small malloc failed at %d\n", i);
            return 1;
        }
        if ((uintptr_t)blk[i] % 8)
            misaligned++;
        memset(blk[i], (int)(i & 0xff), len[i]);
    }
    for (int i = 0; i < NSMALL; i += 2) {
        free(blk[i]);
        blk[i] = NULL;
    }
    for (int i = 0; i < NSMALL; i += 2) {
        len[i] = 1 + rnd() % 300;
        blk[i] = malloc(len[i]);
        memset(blk[i], (int)((i * 7) & 0xff), len[i]);
    }
    for (int i = 0; i < NSMALL; i++)
        check = check * 17 + sum_bytes(blk[i], len[i]);
    printf("small blocks: %d allocated, misaligned(8)=%d checksum=%08x\n", NSMALL, misaligned, check);
    for (int i = NSMALL - 1; i >= 0; i--)
        free(blk[i]);

    /* large blocks: mmap path */
    static const size_t big[] = { 200 * 1024, 1 << 20, 3 * (1 << 20) + 123, 16 << 20 };
    for (size_t k = 0; k < sizeof(big) / sizeof(big[0]); k++) {
        size_t n = big[k];
        __asm__ volatile("" : "+r"(n));
        unsigned char *p = malloc(n);
        if (!p || n == 0) {
            printf("large malloc %zu failed\n", big[k]);
            return 1;
        }
        for (size_t i = 0; i < n; i += 4093)
            p[i] = (unsigned char)(i >> 3);
        p[n - 1] = 0x5a;
        uint32_t s = 0;
        for (size_t i = 0; i < n; i += 4093)
            s += p[i];
        printf("large block %zu: aligned16=%d sample-sum=%u last=%02x\n", n, (uintptr_t)p % 16 == 0, s, p[n - 1]);
        free(p);
    }

    /* calloc must return zeroed memory, also after reuse */
    for (int round = 0; round < 3; round++) {
        unsigned char *d = malloc(100000);
        memset(d, 0xff, 100000);
        free(d);
        unsigned char *c = calloc(1000, 100);
        size_t nz = 0;
        for (size_t i = 0; i < 100000; i++)
            nz += c[i] != 0;
        unsigned char *c2 = calloc(1, 4 << 20);
        size_t nz2 = 0;
        for (size_t i = 0; i < (4u << 20); i += 511)
            nz2 += c2[i] != 0;
        printf("calloc round %d: nonzero=%zu nonzero(big)=%zu\n", round, nz, nz2);
        free(c);
        free(c2);
    }

    /* realloc growth preserves contents, across the mmap threshold */
    unsigned char *r = malloc(16);
    for (int i = 0; i < 16; i++)
        r[i] = (unsigned char)i;
    size_t cur = 16;
    int ok = 1;
    while (cur < (8u << 20)) {
        size_t nw = cur * 3;
        r = realloc(r, nw);
        for (size_t i = 0; i < cur && ok; i++)
            if (r[i] != (unsigned char)(i * 13 + (i < 16 ? i : 0)) && !(i < 16 && r[i] == (unsigned char)i))
                ok = 0;
        for (size_t i = cur; i < nw; i++)
            r[i] = (unsigned char)(i * 13);
        cur = nw;
    }
    r = realloc(r, 100);
    printf("realloc chain to %zu bytes: contents preserved=%d first=%02x %02x last=%02x\n", cur, ok, r[0], r[15], r[99]);
    free(r);

    /* aligned allocation */
    void *a1 = memalign(4096, 1000);
    void *a2 = NULL;
    int pr = posix_memalign(&a2, 64, 5000);
    void *a3 = aligned_alloc(256, 1024);
    printf("memalign(4096) aligned=%d posix_memalign ret=%d aligned=%d aligned_alloc(256) aligned=%d\n",
           (uintptr_t)a1 % 4096 == 0, pr, (uintptr_t)a2 % 64 == 0, (uintptr_t)a3 % 256 == 0);
    free(a1);
    free(a2);
    free(a3);

    /* interleaved mixed sizes */
    static void *mix[4000];
    uint32_t tot = 0;
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 4000; i++) {
            size_t n = (rnd() % 64 == 0) ? 150000 + rnd() % 100000 : 1 + rnd() % 1000;
            mix[i] = malloc(n);
            ((unsigned char *)mix[i])[0] = (unsigned char)n;
            ((unsigned char *)mix[i])[n - 1] = (unsigned char)(n >> 8);
            tot += (uint32_t)n;
        }
        for (int i = 0; i < 4000; i++) {
            int j = (int)(rnd() % 4000);
            void *t = mix[i]; mix[i] = mix[j]; mix[j] = t;
        }
        for (int i = 0; i < 4000; i++)
            free(mix[i]);
    }
    printf("mixed: total requested=%u\n", tot);
    printf("malloc(0) returns non-NULL: %d\n", ({ void *z = malloc(0); int nn = z != NULL; free(z); nn; }));
    printf("done\n");
    return 0;
}
