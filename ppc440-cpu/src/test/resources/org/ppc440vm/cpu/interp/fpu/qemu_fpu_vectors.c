/*
 * Test-vector generator for org.ppc440vm.cpu.interp.fpu.FpuOps, run under QEMU's 440EP model (see
 * generate-qemu-vectors.sh). For every instruction, operand tuple and rounding mode it clears the FPSCR
 * except RN, executes the instruction, and prints
 *
 *     <mnemonic> <rn> <frA> <frB> <frC> <frT> <fpscr>
 *
 * in hex (unused operands print as 0). Exceptions stay disabled. The operands are a fixed list of
 * special values followed by pseudo-random ones from a fixed generator, so the output is reproducible.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static double d(uint64_t bits) { double v; memcpy(&v, &bits, 8); return v; }
static uint64_t b(double v) { uint64_t bits; memcpy(&bits, &v, 8); return bits; }

static void set_fpscr(unsigned value)
{
    double v = d(0xFFF8000000000000ull | value);
    __asm__ volatile("mtfsf 0xff,%0" : : "d"(v));
}

static unsigned get_fpscr(void)
{
    double v;
    __asm__ volatile("mffs %0" : "=d"(v));
    return (unsigned) b(v);
}

#define OP2(fn, insn)                                                                      \
    static double fn(double a, double bb, double c)                                        \
    {                                                                                      \
        double t; (void) c;                                                                \
        __asm__ volatile(insn " %0,%1,%2" : "=d"(t) : "d"(a), "d"(bb));                   \
        return t;                                                                          \
    }
#define OPAC(fn, insn)                                                                     \
    static double fn(double a, double bb, double c)                                        \
    {                                                                                      \
        double t; (void) bb;                                                               \
        __asm__ volatile(insn " %0,%1,%2" : "=d"(t) : "d"(a), "d"(c));                    \
        return t;                                                                          \
    }
#define OP1(fn, insn)                                                                      \
    static double fn(double a, double bb, double c)                                        \
    {                                                                                      \
        double t; (void) a; (void) c;                                                      \
        __asm__ volatile(insn " %0,%1" : "=d"(t) : "d"(bb));                              \
        return t;                                                                          \
    }
#define OP3(fn, insn)                                                                      \
    static double fn(double a, double bb, double c)                                        \
    {                                                                                      \
        double t;                                                                          \
        __asm__ volatile(insn " %0,%1,%2,%3" : "=d"(t) : "d"(a), "d"(c), "d"(bb));        \
        return t;                                                                          \
    }

OP2(do_fadd, "fadd") OP2(do_fsub, "fsub") OPAC(do_fmul, "fmul") OP2(do_fdiv, "fdiv")
OP2(do_fadds, "fadds") OP2(do_fsubs, "fsubs") OPAC(do_fmuls, "fmuls") OP2(do_fdivs, "fdivs")
OP1(do_fsqrt, "fsqrt") OP1(do_fsqrts, "fsqrts") OP1(do_frsp, "frsp")
OP1(do_fctiw, "fctiw") OP1(do_fctiwz, "fctiwz")
OP3(do_fmadd, "fmadd") OP3(do_fmsub, "fmsub") OP3(do_fnmadd, "fnmadd") OP3(do_fnmsub, "fnmsub")
OP3(do_fmadds, "fmadds") OP3(do_fmsubs, "fmsubs") OP3(do_fnmadds, "fnmadds") OP3(do_fnmsubs, "fnmsubs")
OP3(do_fsel, "fsel")

static double do_fcmpu(double a, double bb, double c)
{
    unsigned cr; (void) c;
    __asm__ volatile("fcmpu 3,%1,%2\n\tmfcr %0" : "=r"(cr) : "d"(a), "d"(bb) : "cr3");
    return d((cr >> 16) & 0xF);
}

static double do_fcmpo(double a, double bb, double c)
{
    unsigned cr; (void) c;
    __asm__ volatile("fcmpo 3,%1,%2\n\tmfcr %0" : "=r"(cr) : "d"(a), "d"(bb) : "cr3");
    return d((cr >> 16) & 0xF);
}

struct op { const char *name; int arity; int single; double (*fn)(double, double, double); };

static const struct op OPS[] = {
    {"fadd", 2, 0, do_fadd}, {"fsub", 2, 0, do_fsub}, {"fmul", 2, 0, do_fmul}, {"fdiv", 2, 0, do_fdiv},
    {"fadds", 2, 1, do_fadds}, {"fsubs", 2, 1, do_fsubs}, {"fmuls", 2, 1, do_fmuls}, {"fdivs", 2, 1, do_fdivs},
    {"fsqrt", 1, 0, do_fsqrt}, {"fsqrts", 1, 1, do_fsqrts}, {"frsp", 1, 0, do_frsp},
    {"fctiw", 1, 0, do_fctiw}, {"fctiwz", 1, 0, do_fctiwz},
    {"fmadd", 3, 0, do_fmadd}, {"fmsub", 3, 0, do_fmsub}, {"fnmadd", 3, 0, do_fnmadd}, {"fnmsub", 3, 0, do_fnmsub},
    {"fmadds", 3, 1, do_fmadds}, {"fmsubs", 3, 1, do_fmsubs}, {"fnmadds", 3, 1, do_fnmadds},
    {"fnmsubs", 3, 1, do_fnmsubs},
    {"fsel", 3, 0, do_fsel}, {"fcmpu", 2, 0, do_fcmpu}, {"fcmpo", 2, 0, do_fcmpo},
};

static const uint64_t SPECIAL[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3FF0000000000000ull, 0xBFF0000000000000ull,
    0x7FF0000000000000ull, 0xFFF0000000000000ull, 0x7FF8000000000000ull, 0xFFF8000000000123ull,
    0x7FF0000000000001ull, 0xFFF4000000000abcull, 0x7FEFFFFFFFFFFFFFull, 0xFFEFFFFFFFFFFFFFull,
    0x0010000000000000ull, 0x8010000000000000ull, 0x000FFFFFFFFFFFFFull, 0x0000000000000001ull,
    0x8000000000000003ull, 0x3CA0000000000000ull, 0x3FF0000000000001ull, 0x4008000000000000ull,
    0x3FE0000000000000ull, 0x3FF8000000000000ull, 0x4004000000000000ull, 0xBFF8000000000000ull,
    0x41DFFFFFFFD00000ull, 0x41DFFFFFFFE00000ull, 0xC1E0000000100000ull, 0xC1E0000000200000ull,
    0x47EFFFFFE0000000ull, 0x47EFFFFFF0000000ull, 0x3810000000000000ull, 0x380FFFFFF0000000ull,
    0x36A0000000000000ull, 0x3FF0000010000000ull, 0x3FF0000030000000ull, 0x3FF0000008000001ull,
    0x3FB999999999999Aull, 0x400921FB54442D18ull, 0x7FE0000000000000ull, 0x0008000000000000ull,
};
#define NSPECIAL (sizeof(SPECIAL) / sizeof(SPECIAL[0]))

static uint64_t state = 0x2545F4914F6CDD1Dull;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

/* a random operand: a special value, a random double, or a random single widened to double */
static uint64_t operand(int single)
{
    uint64_t r = next();
    switch (r % 8) {
    case 0: case 1:
        return SPECIAL[(r >> 8) % NSPECIAL];
    case 2: { /* moderate magnitude */
        uint64_t e = 1000 + (r >> 8) % 48;
        return (next() & 0x800FFFFFFFFFFFFFull) | (e << 52);
    }
    case 3: /* any finite exponent */
        return (next() & 0x800FFFFFFFFFFFFFull) | ((1 + (r >> 8) % 2046) << 52);
    default: { /* a single, often the kind of operand single instructions expect */
        uint32_t f = (uint32_t) next();
        uint32_t e = (r >> 8) % 8 == 0 ? (uint32_t) ((r >> 16) % 256) : 110 + (uint32_t) ((r >> 16) % 36);
        f = (f & 0x807FFFFFu) | (e << 23);
        if (!single && (r >> 24) % 2)
            return (next() & 0x800FFFFFFFFFFFFFull) | (((uint64_t) 1000 + (r >> 30) % 48) << 52);
        float v;
        memcpy(&v, &f, 4);
        return b((double) v);
    }
    }
}

int main(void)
{
    const int cases = 500;
    for (unsigned i = 0; i < sizeof(OPS) / sizeof(OPS[0]); i++) {
        const struct op *op = &OPS[i];
        for (int n = 0; n < cases; n++) {
            uint64_t a = op->arity >= 2 ? operand(op->single) : 0;
            uint64_t bb = operand(op->single);
            uint64_t c = op->arity == 3 ? operand(op->single) : 0;
            if (op->arity == 3 && n % 4 == 0) { /* an addend that cancels the product */
                double p = d(a) * d(c);
                if (op->single)
                    p = (float) p;
                bb = b(-p) + (next() % 5) - 2;
            }
            for (unsigned rn = 0; rn < 4; rn++) {
                set_fpscr(rn);
                double r = op->fn(d(a), d(bb), d(c));
                unsigned fpscr = get_fpscr();
                printf("%s %u %016llx %016llx %016llx %016llx %08x\n", op->name, rn, (unsigned long long) a,
                       (unsigned long long) bb, (unsigned long long) c, (unsigned long long) b(r), fpscr);
            }
        }
    }
    return 0;
}
