/*
 * fp_fused: fmadd, fmsub, fnmadd, fnmsub and the single-precision forms
 * fmadds, fmsubs, fnmadds, fnmsubs (FRT = +-(FRA*FRC +- FRB), one rounding).
 * Curated triples show single rounding (results that differ from a separate
 * multiply and add), exact cancellation, signed zeros, no intermediate
 * overflow, invalid operations (inf*0, inf-inf), NaN propagation and
 * operand priority; then pseudo-random triples including near-cancellation.
 * FPSCR is cleared before each instruction and printed after it
 * (FR masked, and FPRF for single-denormal single results, see fpcommon.h).
 * Line format:  OP FRA FRC FRB : FRT FPSCR
 */
#include "fpcommon.h"

#define FMA(insn, a, c, b, r, f) \
    __asm__ volatile("mtfsf 0xff,%2\n\t" insn " %0,%3,%4,%5\n\tmffs %1" \
                     : "=&f"(r), "=&f"(f) : "f"(0.0), "f"(a), "f"(c), "f"(b))

static void run4(int single, uint64_t ab, uint64_t cb, uint64_t bb)
{
    double a = bitsd(ab), c = bitsd(cb), b = bitsd(bb);
    static const char *const dn[4] = { "fmadd", "fmsub", "fnmadd", "fnmsub" };
    static const char *const sn[4] = { "fmadds", "fmsubs", "fnmadds", "fnmsubs" };
    for (int k = 0; k < 4; k++) {
        double r, f;
        if (!single) {
            switch (k) {
            case 0: FMA("fmadd", a, c, b, r, f); break;
            case 1: FMA("fmsub", a, c, b, r, f); break;
            case 2: FMA("fnmadd", a, c, b, r, f); break;
            default: FMA("fnmsub", a, c, b, r, f); break;
            }
        } else {
            switch (k) {
            case 0: FMA("fmadds", a, c, b, r, f); break;
            case 1: FMA("fmsubs", a, c, b, r, f); break;
            case 2: FMA("fnmadds", a, c, b, r, f); break;
            default: FMA("fnmsubs", a, c, b, r, f); break;
            }
        }
        uint32_t fs = fpscr_of(f) & FPSCR_PRINT_MASK;
        int masked = single && is_single_denormal(r);
        if (masked)
            fs &= ~FPRF;
        printf("%-7s %016llx %016llx %016llx : %016llx %08x%s\n", single ? sn[k] : dn[k],
               (unsigned long long)ab, (unsigned long long)cb, (unsigned long long)bb,
               (unsigned long long)dbits(r), fs, masked ? " *" : "");
    }
}

#define P1   0x3ff0000000000000ull   /* 1 */
#define M1   0xbff0000000000000ull   /* -1 */
#define P0   0x0000000000000000ull
#define M0   0x8000000000000000ull
#define PINF 0x7ff0000000000000ull
#define MINF 0xfff0000000000000ull
#define QN1  0x7ff8000000000111ull
#define QN2  0xfff8000000000222ull
#define SN1  0x7ff0000000000333ull
#define DMAX 0x7fefffffffffffffull
#define DMIN 0x0010000000000000ull

static const uint64_t curated[][3] = {   /* FRA, FRC, FRB */
    { P1, P1, P1 },
    { 0x3fb999999999999aull, 0x4024000000000000ull, M1 },            /* 0.1*10 - 1: fused gives 2^-54 */
    { 0x3ff0000000000001ull, 0x3fefffffffffffffull, M1 },            /* (1+u)(1-u/2) - 1 */
    { 0x3ff0000000000001ull, 0x3ff0000000000001ull, M1 },
    { 0x4000000000000000ull, 0x3fe0000000000000ull, M1 },            /* exact zero: +0 / -0 */
    { DMAX, 0x4000000000000000ull, 0xffefffffffffffffull },          /* 2*max - max: no overflow */
    { DMAX, DMAX, P0 },                                              /* overflow */
    { DMIN, 0x3cb0000000000000ull, P0 },                             /* underflow */
    { DMIN, 0x3fe0000000000000ull, DMIN },                           /* exact with denormal product */
    { PINF, P0, P1 },                                                /* VXIMZ */
    { P0, PINF, P1 },
    { PINF, P1, MINF },                                              /* VXISI (fmadd) */
    { PINF, P1, PINF },                                              /* VXISI (fmsub) */
    { PINF, M1, PINF },
    { QN1, P1, P1 }, { P1, QN1, P1 }, { P1, P1, QN1 },               /* QNaN in each position */
    { QN1, QN2, P1 }, { P1, QN1, QN2 }, { QN1, P1, QN2 },            /* priority: FRA, FRB, FRC */
    { SN1, P1, P1 }, { P1, SN1, P1 }, { P1, P1, SN1 },               /* SNaN in each position */
    { SN1, QN1, QN2 }, { QN1, SN1, QN2 }, { QN2, QN1, SN1 },
    { M0, P1, P0 }, { P0, P1, M0 }, { M0, P1, M0 }, { M0, M1, P0 },   /* signed zeros */
    { 0x3fd5555555555555ull, 0x4008000000000000ull, M1 },            /* (1/3)*3 - 1 */
    { 0x400921fb54442d18ull, 0x400921fb54442d18ull, 0xc023bd3cc9be45deull }, /* pi*pi - rn(pi^2) */
    { 0x000fffffffffffffull, 0x4330000000000000ull, P1 },            /* denormal operand */
};

static const uint64_t curated_s[][3] = {
    { P1, P1, P1 },
    { 0x3fb99999a0000000ull, 0x4024000000000000ull, M1 },            /* 0.1f*10 - 1 */
    { 0x3ff0000020000000ull, 0x3ff0000020000000ull, M1 },            /* (1+2^-23)^2 - 1 */
    { 0x3ff0000020000000ull, 0x3fefffffe0000000ull, M1 },
    { 0x47efffffe0000000ull, 0x4000000000000000ull, 0xc7efffffe0000000ull }, /* 2*fmax - fmax */
    { 0x47efffffe0000000ull, 0x47efffffe0000000ull, P0 },            /* overflow */
    { 0x3810000000000000ull, 0x3e80000000000000ull, P0 },            /* underflow to denormal */
    { 0x3810000000000000ull, 0x3fe0000000000000ull, 0x3810000000000000ull },
    { PINF, P0, P1 }, { PINF, P1, MINF },
    { 0x7ff8000020000000ull, P1, P1 }, { P1, P1, 0x7ff0000020000000ull },
    { 0x4000000000000000ull, 0x3fe0000000000000ull, M1 },
    { 0x3fd5555560000000ull, 0x4008000000000000ull, M1 },
};

static uint64_t rs = 0x0123456789abcdefull;
static uint64_t rnd(void)
{
    rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
    return rs;
}

/* random double with exponent in [-30, 30] */
static double rdouble(void)
{
    uint64_t r = rnd();
    uint64_t e = 1023 - 30 + (r % 61);
    uint64_t bits = (r & 0x8000000000000000ull) | (e << 52) | (rnd() & 0x000fffffffffffffull);
    return bitsd(bits);
}

static float rfloat(void)
{
    return (float)rdouble();
}

int main(void)
{
    printf("== double, curated ==\n");
    for (size_t i = 0; i < sizeof(curated) / sizeof(curated[0]); i++)
        run4(0, curated[i][0], curated[i][1], curated[i][2]);
    printf("== single, curated ==\n");
    for (size_t i = 0; i < sizeof(curated_s) / sizeof(curated_s[0]); i++)
        run4(1, curated_s[i][0], curated_s[i][1], curated_s[i][2]);
    printf("== double, random ==\n");
    for (int i = 0; i < 60; i++) {
        double a = rdouble(), c = rdouble(), b = rdouble();
        if (i % 3 == 0)
            b = -(a * c);            /* near cancellation: FRB = -rn(FRA*FRC) */
        run4(0, dbits(a), dbits(c), dbits(b));
    }
    printf("== single, random ==\n");
    for (int i = 0; i < 40; i++) {
        float a = rfloat(), c = rfloat(), b = rfloat();
        if (i % 3 == 0)
            b = -(a * c);
        run4(1, dbits((double)a), dbits((double)c), dbits((double)b));
    }
    printf("done\n");
    return 0;
}
