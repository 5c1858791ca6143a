/*
 * int64_libgcc: 64-bit arithmetic on a 32-bit target, exercising the libgcc
 * helpers (__divdi3, __udivdi3, __moddi3, __umoddi3, __ashldi3, __lshrdi3,
 * __ashrdi3, __muldi3 or their inline expansions) and 64-bit compares,
 * over a set of edge and pseudo-random values.  Undefined C cases (division
 * by zero, INT64_MIN / -1, shifts >= 64) are not performed.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static const uint64_t EDGE[] = {
    0, 1, 2, 3, 7, 10, 0xff, 0x100, 0xffffffffull, 0x100000000ull, 0x100000001ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000001ull, 0xffffffffffffffffull,
    0xfffffffffffffffeull, 0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x00000000deadbeefull,
    0xdeadbeef00000000ull, 1000000007ull, 0x0000000080000000ull, 0xffffffff80000000ull,
};
#define NE (sizeof(EDGE) / sizeof(EDGE[0]))

/* keep the compiler from folding operations at compile time */
static uint64_t __attribute__((noinline)) hide(uint64_t x)
{
    __asm__ volatile("" : "+r"(x));
    return x;
}

static uint64_t xs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    xs ^= xs << 13; xs ^= xs >> 7; xs ^= xs << 17;
    return xs;
}

static uint64_t fold = 0;
static void mix(uint64_t v)
{
    fold = (fold ^ v) * 0x100000001b3ull;
}

static void binops(uint64_t a, uint64_t b, int verbose)
{
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    uint64_t r[10];
    int n = 0;
    r[n++] = a * b;
    r[n++] = a + b;
    r[n++] = a - b;
    if (b) {
        r[n++] = a / b;
        r[n++] = a % b;
        if (!(sa == INT64_MIN && sb == -1)) {
            r[n++] = (uint64_t)(sa / sb);
            r[n++] = (uint64_t)(sa % sb);
        }
    }
    r[n++] = (uint64_t)((a < b) | (sa < sb) << 1 | (a == b) << 2);
    for (int i = 0; i < n; i++)
        mix(r[i]);
    if (verbose) {
        printf("%016" PRIx64 " %016" PRIx64 " :", a, b);
        for (int i = 0; i < n; i++)
            printf(" %" PRIx64, r[i]);
        printf("\n");
    }
}

int main(void)
{
    printf("== edge pairs: a b : mul add sub [udiv umod [sdiv smod]] cmpbits ==\n");
    for (size_t i = 0; i < NE; i++)
        for (size_t j = 0; j < NE; j++)
            binops(hide(EDGE[i]), hide(EDGE[j]), 1);

    printf("== shifts ==\n");
    static const uint64_t sv[] = { 0x8000000000000001ull, 0x123456789abcdef0ull, 1, 0xffffffffffffffffull };
    for (size_t i = 0; i < 4; i++) {
        for (int s = 0; s < 64; s += (s < 4 || s > 59 || (s > 28 && s < 36)) ? 1 : 5) {
            uint64_t a = hide(sv[i]);
            int sh = (int)hide((uint64_t)s);
            printf("%016" PRIx64 " << >> >>s %2d : %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n", a, sh,
                   a << sh, a >> sh, (uint64_t)((int64_t)a >> sh));
        }
    }

    printf("== decimal formatting ==\n");
    for (size_t i = 0; i < NE; i++)
        printf("%" PRIu64 " %" PRId64 " %" PRIo64 "\n", EDGE[i], (int64_t)EDGE[i], EDGE[i]);

    printf("== random pairs (folded) ==\n");
    for (int round = 0; round < 8; round++) {
        for (int k = 0; k < 2000; k++) {
            uint64_t a = rnd(), b = rnd();
            /* vary magnitudes so the helpers take all their paths */
            b >>= (rnd() & 63);
            a >>= (rnd() & 31);
            binops(a, b, k == 0);
            int sh = (int)(rnd() & 63);
            mix(a << sh);
            mix(a >> sh);
            mix((uint64_t)((int64_t)a >> sh));
        }
        printf("round %d fold=%016" PRIx64 "\n", round, fold);
    }
    /* int <-> 64-bit and double conversions through libgcc (__floatdidf, __fixdfdi, ...) */
    printf("== conversions ==\n");
    static const double dv[] = { 0.0, 1.5, -1.5, 4294967296.0, -4294967297.0, 9007199254740993.0,
                                 1e18, -1e18, 9.2e18, -9.2e18 };
    for (size_t i = 0; i < sizeof(dv) / sizeof(dv[0]); i++) {
        volatile double d = dv[i];
        int64_t s = (int64_t)d;
        printf("(int64)%.17g = %" PRId64 "; back = %.17g", d, s, (double)s);
        if (d >= 0)
            printf("; (uint64) = %" PRIu64, (uint64_t)d);
        printf("\n");
    }
    for (size_t i = 0; i < NE; i++) {
        volatile uint64_t u = EDGE[i];
        printf("%016" PRIx64 " -> (double)u=%.17g (double)s=%.17g (float)u=%.9g\n", u, (double)u,
               (double)(int64_t)u, (double)(float)u);
    }
    printf("done\n");
    return 0;
}
