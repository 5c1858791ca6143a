/*
 * alu_flags: result, XER (CA/OV/SO, byte count) and CR after every Rc/OE
 * form of the integer arithmetic/logical/shift instructions, over a matrix
 * of edge values.  Before each instruction XER is set with mtxer and the
 * whole CR is cleared with mtcrf, so every printed CR/XER bit is caused by
 * the instruction under test.
 *
 * Undefined cases (divw by 0, divw 0x80000000/-1, divwu by 0): the result
 * register and CR0[LT,GT,EQ] are architecturally undefined, so they are
 * not printed ("--------" and CR masked with 0x1fffffff); XER is printed
 * because OV/SO are defined for the OE=1 forms and untouched otherwise.
 *
 * Output line format:
 *   MNEMONIC A B XER_IN : RESULT XER_OUT CR_OUT
 */
#include "common.h"

typedef struct { uint32_t r, xer, cr; } res_t;
typedef res_t (*fn_t)(uint32_t a, uint32_t b, uint32_t xin);

#define CLOB "cr0","cr1","cr2","cr3","cr4","cr5","cr6","cr7","xer"

/* rD <- op(rA, rB) */
#define DEF_RRR(id, insn) \
static res_t f_##id(uint32_t a, uint32_t b, uint32_t xin) { \
    res_t o; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\t" insn " %0,%5,%6\n\tmfxer %1\n\tmfcr %2" \
        : "=&r"(o.r), "=&r"(o.xer), "=&r"(o.cr) : "r"(xin), "r"(0), "r"(a), "r"(b) : CLOB); \
    return o; }

/* rD <- op(rA) */
#define DEF_RR(id, insn) \
static res_t f_##id(uint32_t a, uint32_t b, uint32_t xin) { \
    res_t o; (void)b; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\t" insn " %0,%5\n\tmfxer %1\n\tmfcr %2" \
        : "=&r"(o.r), "=&r"(o.xer), "=&r"(o.cr) : "r"(xin), "r"(0), "r"(a) : CLOB); \
    return o; }

/* rD <- op(rA, IMM) */
#define DEF_RRI(id, insn, imm) \
static res_t f_##id(uint32_t a, uint32_t b, uint32_t xin) { \
    res_t o; (void)b; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\t" insn " %0,%5,%6\n\tmfxer %1\n\tmfcr %2" \
        : "=&r"(o.r), "=&r"(o.xer), "=&r"(o.cr) : "r"(xin), "r"(0), "b"(a), "i"(imm) : CLOB); \
    return o; }

/* rlwinm-style: rA <- op(rS, SH, MB, ME) */
#define DEF_RLWINM(id, insn, sh, mb, me) \
static res_t f_##id(uint32_t a, uint32_t b, uint32_t xin) { \
    res_t o; (void)b; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\t" insn " %0,%5,%6,%7,%8\n\tmfxer %1\n\tmfcr %2" \
        : "=&r"(o.r), "=&r"(o.xer), "=&r"(o.cr) : "r"(xin), "r"(0), "r"(a), "i"(sh), "i"(mb), "i"(me) : CLOB); \
    return o; }

/* rlwnm-style: rA <- op(rS, rB, MB, ME) */
#define DEF_RLWNM(id, insn, mb, me) \
static res_t f_##id(uint32_t a, uint32_t b, uint32_t xin) { \
    res_t o; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\t" insn " %0,%5,%6,%7,%8\n\tmfxer %1\n\tmfcr %2" \
        : "=&r"(o.r), "=&r"(o.xer), "=&r"(o.cr) : "r"(xin), "r"(0), "r"(a), "r"(b), "i"(mb), "i"(me) : CLOB); \
    return o; }

/* rlwimi-style: rA <- insert(rA=b, rS=a, SH, MB, ME) */
#define DEF_RLWIMI(id, insn, sh, mb, me) \
static res_t f_##id(uint32_t a, uint32_t b, uint32_t xin) { \
    res_t o; o.r = b; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\t" insn " %0,%5,%6,%7,%8\n\tmfxer %1\n\tmfcr %2" \
        : "+&r"(o.r), "=&r"(o.xer), "=&r"(o.cr) : "r"(xin), "r"(0), "r"(a), "i"(sh), "i"(mb), "i"(me) : CLOB); \
    return o; }

/* XO-form ops with OE and Rc: four forms each */
#define XO4(op) DEF_RRR(op, #op) DEF_RRR(op##_, #op ".") DEF_RRR(op##o, #op "o") DEF_RRR(op##o_, #op "o.")
#define XO4U(op) DEF_RR(op, #op) DEF_RR(op##_, #op ".") DEF_RR(op##o, #op "o") DEF_RR(op##o_, #op "o.")
XO4(add) XO4(addc) XO4(adde) XO4(subf) XO4(subfc) XO4(subfe) XO4(mullw) XO4(divw) XO4(divwu)
XO4U(addme) XO4U(addze) XO4U(subfme) XO4U(subfze) XO4U(neg)
DEF_RRR(mulhw, "mulhw") DEF_RRR(mulhw_, "mulhw.") DEF_RRR(mulhwu, "mulhwu") DEF_RRR(mulhwu_, "mulhwu.")

/* X-form logical / shift with Rc */
#define X2(op) DEF_RRR(op, #op) DEF_RRR(op##_, #op ".")
#define X2U(op) DEF_RR(op, #op) DEF_RR(op##_, #op ".")
X2(and) X2(or) X2(xor) X2(nand) X2(nor) X2(eqv) X2(andc) X2(orc)
X2(slw) X2(srw) X2(sraw)
X2U(extsb) X2U(extsh) X2U(cntlzw)

/* Immediate forms */
#define IMMS(op, insn) DEF_RRI(op##_0, insn, 0) DEF_RRI(op##_1, insn, 1) DEF_RRI(op##_m1, insn, -1) \
    DEF_RRI(op##_7fff, insn, 0x7fff) DEF_RRI(op##_m8000, insn, -0x8000) DEF_RRI(op##_1234, insn, 0x1234)
#define UIMMS(op, insn) DEF_RRI(op##_0, insn, 0) DEF_RRI(op##_1, insn, 1) DEF_RRI(op##_ffff, insn, 0xffff) \
    DEF_RRI(op##_8000, insn, 0x8000) DEF_RRI(op##_7fff, insn, 0x7fff) DEF_RRI(op##_f0f0, insn, 0xf0f0)
IMMS(addic, "addic") IMMS(addic_, "addic.") IMMS(subfic, "subfic") IMMS(mulli, "mulli")
UIMMS(andi_, "andi.") UIMMS(andis_, "andis.")
#define SRAWI(sh) DEF_RRI(srawi_##sh, "srawi", sh) DEF_RRI(srawi__##sh, "srawi.", sh)
SRAWI(0) SRAWI(1) SRAWI(4) SRAWI(16) SRAWI(31)

DEF_RLWINM(rlwinm_a, "rlwinm", 0, 0, 31)
DEF_RLWINM(rlwinm__a, "rlwinm.", 0, 0, 31)
DEF_RLWINM(rlwinm__b, "rlwinm.", 8, 0, 23)
DEF_RLWINM(rlwinm__c, "rlwinm.", 31, 31, 0)
DEF_RLWINM(rlwinm__d, "rlwinm.", 16, 24, 7)
DEF_RLWINM(rlwinm__e, "rlwinm.", 1, 0, 0)
DEF_RLWNM(rlwnm_a, "rlwnm", 0, 31)
DEF_RLWNM(rlwnm__a, "rlwnm.", 0, 31)
DEF_RLWNM(rlwnm__b, "rlwnm.", 28, 3)
DEF_RLWIMI(rlwimi_a, "rlwimi", 0, 0, 31)
DEF_RLWIMI(rlwimi__a, "rlwimi.", 4, 8, 15)
DEF_RLWIMI(rlwimi__b, "rlwimi.", 24, 28, 3)
DEF_RLWIMI(rlwimi__c, "rlwimi.", 31, 0, 0)

enum { K_BIN, K_UN, K_DIVW, K_DIVWU };
typedef struct { const char *name; fn_t fn; int kind; int reads_ca; } op_t;

#define E4(op, k, ca) { #op, f_##op, k, ca }, { #op ".", f_##op##_, k, ca }, { #op "o", f_##op##o, k, ca }, { #op "o.", f_##op##o_, k, ca }
#define E2(op, k) { #op, f_##op, k, 0 }, { #op ".", f_##op##_, k, 0 }

static const op_t xo_ops[] = {
    E4(add, K_BIN, 0), E4(addc, K_BIN, 0), E4(adde, K_BIN, 1),
    E4(subf, K_BIN, 0), E4(subfc, K_BIN, 0), E4(subfe, K_BIN, 1),
    E4(mullw, K_BIN, 0), E2(mulhw, K_BIN), E2(mulhwu, K_BIN),
    E4(divw, K_DIVW, 0), E4(divwu, K_DIVWU, 0),
    E4(addme, K_UN, 1), E4(addze, K_UN, 1), E4(subfme, K_UN, 1), E4(subfze, K_UN, 1), E4(neg, K_UN, 0),
};

static const op_t x_ops[] = {
    E2(and, K_BIN), E2(or, K_BIN), E2(xor, K_BIN), E2(nand, K_BIN), E2(nor, K_BIN), E2(eqv, K_BIN),
    E2(andc, K_BIN), E2(orc, K_BIN), E2(slw, K_BIN), E2(srw, K_BIN), E2(sraw, K_BIN),
    E2(extsb, K_UN), E2(extsh, K_UN), E2(cntlzw, K_UN),
    { "rlwinm 0,0,31", f_rlwinm_a, K_UN, 0 },
    { "rlwinm. 0,0,31", f_rlwinm__a, K_UN, 0 },
    { "rlwinm. 8,0,23", f_rlwinm__b, K_UN, 0 },
    { "rlwinm. 31,31,0", f_rlwinm__c, K_UN, 0 },
    { "rlwinm. 16,24,7", f_rlwinm__d, K_UN, 0 },
    { "rlwinm. 1,0,0", f_rlwinm__e, K_UN, 0 },
    { "rlwnm 0,31", f_rlwnm_a, K_BIN, 0 },
    { "rlwnm. 0,31", f_rlwnm__a, K_BIN, 0 },
    { "rlwnm. 28,3", f_rlwnm__b, K_BIN, 0 },
    { "rlwimi 0,0,31", f_rlwimi_a, K_BIN, 0 },
    { "rlwimi. 4,8,15", f_rlwimi__a, K_BIN, 0 },
    { "rlwimi. 24,28,3", f_rlwimi__b, K_BIN, 0 },
    { "rlwimi. 31,0,0", f_rlwimi__c, K_BIN, 0 },
};

#define EI(op, sfx, imm) { #op " " #imm, f_##op##_##sfx, K_UN, 0 }
static const op_t imm_ops[] = {
    EI(addic, 0, 0), EI(addic, 1, 1), EI(addic, m1, -1), EI(addic, 7fff, 0x7fff), EI(addic, m8000, -0x8000), EI(addic, 1234, 0x1234),
    { "addic. 0", f_addic__0, K_UN, 0 }, { "addic. 1", f_addic__1, K_UN, 0 }, { "addic. -1", f_addic__m1, K_UN, 0 },
    { "addic. 0x7fff", f_addic__7fff, K_UN, 0 }, { "addic. -0x8000", f_addic__m8000, K_UN, 0 }, { "addic. 0x1234", f_addic__1234, K_UN, 0 },
    EI(subfic, 0, 0), EI(subfic, 1, 1), EI(subfic, m1, -1), EI(subfic, 7fff, 0x7fff), EI(subfic, m8000, -0x8000), EI(subfic, 1234, 0x1234),
    EI(mulli, 0, 0), EI(mulli, 1, 1), EI(mulli, m1, -1), EI(mulli, 7fff, 0x7fff), EI(mulli, m8000, -0x8000), EI(mulli, 1234, 0x1234),
    { "andi. 0", f_andi__0, K_UN, 0 }, { "andi. 1", f_andi__1, K_UN, 0 }, { "andi. 0xffff", f_andi__ffff, K_UN, 0 },
    { "andi. 0x8000", f_andi__8000, K_UN, 0 }, { "andi. 0x7fff", f_andi__7fff, K_UN, 0 }, { "andi. 0xf0f0", f_andi__f0f0, K_UN, 0 },
    { "andis. 0", f_andis__0, K_UN, 0 }, { "andis. 1", f_andis__1, K_UN, 0 }, { "andis. 0xffff", f_andis__ffff, K_UN, 0 },
    { "andis. 0x8000", f_andis__8000, K_UN, 0 }, { "andis. 0x7fff", f_andis__7fff, K_UN, 0 }, { "andis. 0xf0f0", f_andis__f0f0, K_UN, 0 },
    { "srawi 0", f_srawi_0, K_UN, 0 }, { "srawi. 0", f_srawi__0, K_UN, 0 },
    { "srawi 1", f_srawi_1, K_UN, 0 }, { "srawi. 1", f_srawi__1, K_UN, 0 },
    { "srawi 4", f_srawi_4, K_UN, 0 }, { "srawi. 4", f_srawi__4, K_UN, 0 },
    { "srawi 16", f_srawi_16, K_UN, 0 }, { "srawi. 16", f_srawi__16, K_UN, 0 },
    { "srawi 31", f_srawi_31, K_UN, 0 }, { "srawi. 31", f_srawi__31, K_UN, 0 },
};

static const uint32_t V[] = {
    0x00000000, 0x00000001, 0xffffffff, 0xfffffffe, 0x7fffffff,
    0x80000000, 0x80000001, 0x00010000, 0x0000ffff, 0x9abcdef0,
};
#define NV (sizeof(V) / sizeof(V[0]))

static void run1(const op_t *op, uint32_t a, uint32_t b, uint32_t xin)
{
    res_t o = op->fn(a, b, xin);
    int undefined = (op->kind == K_DIVW && (b == 0 || (a == 0x80000000u && b == 0xffffffffu)))
                 || (op->kind == K_DIVWU && b == 0);
    if (op->kind == K_UN)
        b = 0;
    if (undefined)
        printf("%s %08x %08x %08x : -------- %08x %08x undefined\n",
               op->name, a, b, xin, o.xer, o.cr & 0x1fffffffu);
    else
        printf("%s %08x %08x %08x : %08x %08x %08x\n", op->name, a, b, xin, o.r, o.xer, o.cr);
}

static void run_table(const op_t *ops, size_t n, const char *title)
{
    printf("== %s ==\n", title);
    for (size_t i = 0; i < n; i++) {
        const op_t *op = &ops[i];
        int nb = (op->kind == K_UN) ? 1 : (int)NV;
        for (size_t ia = 0; ia < NV; ia++)
            for (int ib = 0; ib < nb; ib++) {
                run1(op, V[ia], V[ib], 0);
                if (op->reads_ca)
                    run1(op, V[ia], V[ib], XER_CA);
            }
    }
    /* sticky SO / pre-set OV / CA / byte count in XER */
    printf("== %s with XER=SO|OV|CA|0x45 preset ==\n", title);
    for (size_t i = 0; i < n; i++) {
        const op_t *op = &ops[i];
        int nb = (op->kind == K_UN) ? 1 : 5;
        for (size_t ia = 0; ia < 5; ia++)
            for (int ib = 0; ib < nb; ib++)
                run1(op, V[ia + 2], V[ib + 2], 0xe0000045u);
    }
}

int main(void)
{
    printf("alu_flags: MNEMONIC A B XER_IN : RESULT XER_OUT CR_OUT\n");
    run_table(xo_ops, sizeof(xo_ops) / sizeof(xo_ops[0]), "XO-form arithmetic");
    run_table(x_ops, sizeof(x_ops) / sizeof(x_ops[0]), "logical, shift, rotate");
    run_table(imm_ops, sizeof(imm_ops) / sizeof(imm_ops[0]), "immediate forms");
    printf("done\n");
    return 0;
}
