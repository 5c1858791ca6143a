/*
 * fp_arith: double and single precision arithmetic (fadd fsub fmul fdiv
 * fsqrt, fadds fsubs fmuls fdivs fsqrts), moves (fmr fneg fabs fnabs), frsp
 * and the Rc=1 forms (CR1 <- FPSCR[FX,FEX,VX,OX]) over matrices of normal,
 * denormal, zero, infinite and NaN operands.  For every operation the FPSCR
 * is cleared first (mtfsf) and read back afterwards (mffs); results are
 * printed as raw bits.
 * Single precision instructions get only single-representable operands
 * (the architecture leaves other inputs undefined).
 * FPSCR[FR] is masked (not implemented by QEMU 7.2, see fpcommon.h), and so
 * is FPRF for single-precision results that are single denormals (lines
 * marked '*'; QEMU 7.2 classifies them as normal numbers).
 * No libm functions are used.
 */
#include "fpcommon.h"

static const fval_t DV[] = {
    { "+0", 0x0000000000000000ull }, { "-0", 0x8000000000000000ull },
    { "1", 0x3ff0000000000000ull }, { "-1.5", 0xbff8000000000000ull },
    { "0.1", 0x3fb999999999999aull }, { "3", 0x4008000000000000ull },
    { "1e308", 0x7fe1ccf385ebc8a0ull }, { "-dmax", 0xffefffffffffffffull },
    { "dmin", 0x0010000000000000ull }, { "denorm", 0x000123456789abcdull },
    { "+inf", 0x7ff0000000000000ull }, { "-inf", 0xfff0000000000000ull },
    { "qnan", 0x7ff8000000000123ull }, { "snan", 0x7ff0000000000456ull },
    { "-qnan", 0xfff8000000000789ull },
};
#define NDV (sizeof(DV) / sizeof(DV[0]))

static const fval_t SV[] = {
    { "+0", 0x0000000000000000ull }, { "-0", 0x8000000000000000ull },
    { "1", 0x3ff0000000000000ull }, { "-1.5", 0xbff8000000000000ull },
    { "0.1f", 0x3fb99999a0000000ull }, { "3", 0x4008000000000000ull },
    { "fmax", 0x47efffffe0000000ull }, { "-fmax", 0xc7efffffe0000000ull },
    { "fmin", 0x3810000000000000ull }, { "fdenorm", 0x36a0000000000000ull },
    { "+inf", 0x7ff0000000000000ull }, { "-inf", 0xfff0000000000000ull },
    { "qnan", 0x7ff8000020000000ull }, { "snan", 0x7ff0000020000000ull },
};
#define NSV (sizeof(SV) / sizeof(SV[0]))

#define BINOP(insn, a, b, r, f) \
    __asm__ volatile("mtfsf 0xff,%2\n\t" insn " %0,%3,%4\n\tmffs %1" \
                     : "=&f"(r), "=&f"(f) : "f"(0.0), "f"(a), "f"(b))
#define UNOP(insn, a, r, f) \
    __asm__ volatile("mtfsf 0xff,%2\n\t" insn " %0,%3\n\tmffs %1" \
                     : "=&f"(r), "=&f"(f) : "f"(0.0), "f"(a))

static void show(const char *op, const char *a, const char *b, double r, double f)
{
    uint32_t fs = fpscr_of(f) & FPSCR_PRINT_MASK;
    int single = op[strlen(op) - 1] == 's' || strcmp(op, "frsp") == 0;
    int masked = single && is_single_denormal(r);
    if (masked)
        fs &= ~FPRF;
    printf("%-6s %-7s %-7s : %016llx %08x%s\n", op, a, b, (unsigned long long)dbits(r), fs, masked ? " *" : "");
}

static void binary_double(void)
{
    printf("== double binary ops ==\n");
    for (size_t i = 0; i < NDV; i++)
        for (size_t j = 0; j < NDV; j++) {
            double a = bitsd(DV[i].bits), b = bitsd(DV[j].bits), r, f;
            BINOP("fadd", a, b, r, f); show("fadd", DV[i].name, DV[j].name, r, f);
            BINOP("fsub", a, b, r, f); show("fsub", DV[i].name, DV[j].name, r, f);
            BINOP("fmul", a, b, r, f); show("fmul", DV[i].name, DV[j].name, r, f);
            BINOP("fdiv", a, b, r, f); show("fdiv", DV[i].name, DV[j].name, r, f);
        }
}

static void binary_single(void)
{
    printf("== single binary ops ==\n");
    for (size_t i = 0; i < NSV; i++)
        for (size_t j = 0; j < NSV; j++) {
            double a = bitsd(SV[i].bits), b = bitsd(SV[j].bits), r, f;
            BINOP("fadds", a, b, r, f); show("fadds", SV[i].name, SV[j].name, r, f);
            BINOP("fsubs", a, b, r, f); show("fsubs", SV[i].name, SV[j].name, r, f);
            BINOP("fmuls", a, b, r, f); show("fmuls", SV[i].name, SV[j].name, r, f);
            BINOP("fdivs", a, b, r, f); show("fdivs", SV[i].name, SV[j].name, r, f);
        }
}

static void unary(void)
{
    printf("== unary ops ==\n");
    for (size_t i = 0; i < NDV; i++) {
        double a = bitsd(DV[i].bits), r, f;
        UNOP("fsqrt", a, r, f); show("fsqrt", DV[i].name, "", r, f);
        UNOP("frsp", a, r, f); show("frsp", DV[i].name, "", r, f);
        UNOP("fmr", a, r, f); show("fmr", DV[i].name, "", r, f);
        UNOP("fneg", a, r, f); show("fneg", DV[i].name, "", r, f);
        UNOP("fabs", a, r, f); show("fabs", DV[i].name, "", r, f);
        UNOP("fnabs", a, r, f); show("fnabs", DV[i].name, "", r, f);
    }
    for (size_t i = 0; i < NSV; i++) {
        double a = bitsd(SV[i].bits), r, f;
        UNOP("fsqrts", a, r, f); show("fsqrts", SV[i].name, "", r, f);
    }
    /* more square roots of ordinary numbers */
    static const double sq[] = { 2.0, 0.5, 1e-300, 1e300, 144.0, 1e-310, 0.0001, 12345.6789 };
    for (size_t i = 0; i < sizeof(sq) / sizeof(sq[0]); i++) {
        double r, f;
        UNOP("fsqrt", sq[i], r, f);
        printf("fsqrt %.17g : %016llx %08x\n", sq[i], (unsigned long long)dbits(r), fpscr_of(f) & FPSCR_PRINT_MASK);
    }
}

/* Rc=1 forms: CR1 gets FPSCR[FX,FEX,VX,OX] */
#define RCOP(insn, a, b) do { double r_; uint32_t cr_; \
    __asm__ volatile("mtfsf 0xff,%3\n\tmtcrf 0xff,%4\n\t" insn " %0,%5,%6\n\tmfcr %1" \
                     : "=&f"(r_), "=&r"(cr_), "=m"(dummy) : "f"(0.0), "r"(0), "f"(a), "f"(b) \
                     : "cr0","cr1","cr2","cr3","cr4","cr5","cr6","cr7"); \
    printf("%-7s %-22a %-22a : %016llx cr=%08x fpscr=%08x\n", insn, a, b, (unsigned long long)dbits(r_), cr_, \
           read_fpscr() & FPSCR_PRINT_MASK); } while (0)

static void record_forms(void)
{
    static int dummy;
    printf("== Rc=1 forms (CR1 = FX FEX VX OX) ==\n");
    double one = 1.0, three = 3.0, zero = 0.0, big = 1e308, inf = bitsd(0x7ff0000000000000ull);
    RCOP("fadd.", one, one);
    RCOP("fdiv.", one, three);
    RCOP("fdiv.", one, zero);
    RCOP("fmul.", big, big);
    RCOP("fsub.", inf, inf);
    RCOP("fdivs.", one, three);
    RCOP("fmuls.", one, one);
    double r; uint32_t cr;
    __asm__ volatile("mtfsf 0xff,%2\n\tmtcrf 0xff,%3\n\tfdiv %0,%4,%5\n\tfabs. %0,%0\n\tmfcr %1"
                     : "=&f"(r), "=&r"(cr) : "f"(0.0), "r"(0), "f"(one), "f"(zero) : "cr1");
    printf("fabs. after fdiv 1/0: %016llx cr=%08x\n", (unsigned long long)dbits(r), cr);
}

/* accumulate sticky exception bits over a sequence without clearing */
static void sticky(void)
{
    printf("== sticky exception bits ==\n");
    clear_fpscr();
    volatile double a = 1.0, b = 3.0, z = 0.0, big = 1e308, tiny = 1e-308;
    double r;
    __asm__ volatile("fdiv %0,%1,%2" : "=f"(r) : "f"(a), "f"(b));
    printf("after 1/3:        %08x\n", read_fpscr() & FPSCR_PRINT_MASK);
    __asm__ volatile("fadd %0,%1,%1" : "=f"(r) : "f"(a));
    printf("after 1+1:        %08x\n", read_fpscr() & FPSCR_PRINT_MASK);
    __asm__ volatile("fmul %0,%1,%1" : "=f"(r) : "f"(big));
    printf("after big*big:    %08x\n", read_fpscr() & FPSCR_PRINT_MASK);
    __asm__ volatile("fmul %0,%1,%1" : "=f"(r) : "f"(tiny));
    printf("after tiny*tiny:  %08x\n", read_fpscr() & FPSCR_PRINT_MASK);
    __asm__ volatile("fdiv %0,%1,%2" : "=f"(r) : "f"(a), "f"(z));
    printf("after 1/0:        %08x\n", read_fpscr() & FPSCR_PRINT_MASK);
    __asm__ volatile("fdiv %0,%1,%1" : "=f"(r) : "f"(z));
    printf("after 0/0:        %08x\n", read_fpscr() & FPSCR_PRINT_MASK);
    __asm__ volatile("fadd %0,%1,%1" : "=f"(r) : "f"(a));
    printf("after 1+1:        %08x\n", read_fpscr() & FPSCR_PRINT_MASK);
    (void)r;
}

/* tininess is detected before rounding on PowerPC */
static void underflow_edges(void)
{
    printf("== underflow edge cases ==\n");
    static const uint64_t pairs[][2] = {
        { 0x3ff0000000000001ull, 0x000fffffffffffffull }, /* exact 2^-1022(1-2^-104): rounds to DBL_MIN */
        { 0x3fefffffffffffffull, 0x0010000000000000ull }, /* DBL_MIN*(1-2^-53) */
        { 0x3fe0000000000000ull, 0x0010000000000000ull }, /* DBL_MIN/2 exact */
        { 0x3fe0000000000000ull, 0x0010000000000001ull }, /* inexact denormal */
        { 0x0000000000000001ull, 0x3fe0000000000000ull }, /* denorm_min/2 -> 0 */
        { 0x0000000000000003ull, 0x3fe0000000000000ull }, /* 1.5 denorm_min -> 2 (ties even) */
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        double a = bitsd(pairs[i][0]), b = bitsd(pairs[i][1]), r, f;
        BINOP("fmul", a, b, r, f);
        printf("fmul %016llx %016llx : %016llx %08x\n", (unsigned long long)pairs[i][0],
               (unsigned long long)pairs[i][1], (unsigned long long)dbits(r), fpscr_of(f) & FPSCR_PRINT_MASK);
    }
    static const uint64_t spairs[][2] = {
        { 0x3ff0000020000000ull, 0x380fffffc0000000ull }, /* (1+2^-23) * FLT_MIN(1-2^-23) */
        { 0x3fe0000000000000ull, 0x3810000000000000ull }, /* FLT_MIN/2 exact */
        { 0x3fe0000000000000ull, 0x36a0000000000000ull }, /* min single denorm / 2 */
    };
    for (size_t i = 0; i < sizeof(spairs) / sizeof(spairs[0]); i++) {
        double a = bitsd(spairs[i][0]), b = bitsd(spairs[i][1]), r, f;
        BINOP("fmuls", a, b, r, f);
        uint32_t fs = fpscr_of(f) & FPSCR_PRINT_MASK;
        if (is_single_denormal(r))
            fs &= ~FPRF;
        printf("fmuls %016llx %016llx : %016llx %08x%s\n", (unsigned long long)spairs[i][0],
               (unsigned long long)spairs[i][1], (unsigned long long)dbits(r), fs, is_single_denormal(r) ? " *" : "");
    }
}

/* C-level arithmetic through the compiler (loads/stores, conversions) */
static void c_level(void)
{
    printf("== C arithmetic ==\n");
    volatile double x = 0.0;
    double acc = 0.0;
    for (int i = 1; i <= 1000; i++) {
        x = 1.0 / i;
        acc += x;
    }
    printf("harmonic(1000) = %.17g\n", acc);
    float fa = 0.0f;
    for (int i = 1; i <= 1000; i++)
        fa += 1.0f / (float)i;
    printf("harmonic_f(1000) = %.9g\n", fa);
    double p = 1.0;
    for (int i = 0; i < 60; i++)
        p *= 1.7;
    printf("1.7^60 = %.17g\n", p);
    volatile int iv = -123456789;
    volatile unsigned uv = 4000000000u;
    printf("int->double %.17g unsigned->double %.17g double->int %d float->int %d\n",
           (double)iv, (double)uv, (int)(double)-2.9, (int)(-7.99f));
    volatile double big = 3e9;
    printf("double->unsigned %u\n", (unsigned)big);
    /* lfs/stfs conversions, including single denormals, infinities and NaNs */
    static const uint32_t sbits[] = { 0x00000001, 0x007fffff, 0x00800000, 0x3f800000, 0x7f7fffff,
                                      0x7f800000, 0xff800000, 0x7fc00001, 0x7f800001, 0x80000000, 0x80400000 };
    for (size_t i = 0; i < sizeof(sbits) / sizeof(sbits[0]); i++) {
        double d;
        uint32_t back;
        __asm__ volatile("lfs %0,%2\n\tstfs %0,%1" : "=&f"(d), "=m"(back) : "m"(sbits[i]));
        printf("lfs %08x -> %016llx -> stfs %08x\n", sbits[i], (unsigned long long)dbits(d), back);
    }
}

int main(void)
{
    binary_double();
    binary_single();
    unary();
    record_forms();
    sticky();
    underflow_edges();
    c_level();
    printf("done\n");
    return 0;
}
