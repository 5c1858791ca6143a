/*
 * shift_rotate: slw/srw/sraw (and dot forms) for every shift amount 0..63
 * (plus amounts with high bits set in rB, which must be ignored), srawi for
 * every immediate 0..31, rlwinm with every (MB,ME) pair (including the
 * wrap-around masks MB > ME), rlwinm/rlwnm rotations for every amount, and
 * rlwimi with a set of masks.  XER is cleared before each instruction so CA
 * from sraw/srawi is visible; CR is cleared so CR0 from dot forms is visible.
 */
#include "common.h"

#define CLOB "cr0","cr1","cr2","cr3","cr4","cr5","cr6","cr7","xer"

#define R32(M, x) M(0,x) M(1,x) M(2,x) M(3,x) M(4,x) M(5,x) M(6,x) M(7,x) M(8,x) M(9,x) M(10,x) \
    M(11,x) M(12,x) M(13,x) M(14,x) M(15,x) M(16,x) M(17,x) M(18,x) M(19,x) M(20,x) M(21,x) \
    M(22,x) M(23,x) M(24,x) M(25,x) M(26,x) M(27,x) M(28,x) M(29,x) M(30,x) M(31,x)
#define Q32(M, x) M(0,x) M(1,x) M(2,x) M(3,x) M(4,x) M(5,x) M(6,x) M(7,x) M(8,x) M(9,x) M(10,x) \
    M(11,x) M(12,x) M(13,x) M(14,x) M(15,x) M(16,x) M(17,x) M(18,x) M(19,x) M(20,x) M(21,x) \
    M(22,x) M(23,x) M(24,x) M(25,x) M(26,x) M(27,x) M(28,x) M(29,x) M(30,x) M(31,x)

static const uint32_t VALS[] = { 0x80000000, 0x00000001, 0xffffffff, 0x12345678, 0x87654321, 0x7fffffff, 0x80000001 };
#define NVALS (sizeof(VALS) / sizeof(VALS[0]))

#define SHIFT_RB(insn, v, n) do { \
    uint32_t r_, x_, c_; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%3\n\t" insn " %0,%4,%5\n\tmfxer %1\n\tmfcr %2" \
        : "=&r"(r_), "=&r"(x_), "=&r"(c_) : "r"(0), "r"(v), "r"(n) : CLOB); \
    printf("%-6s %08x %08x : %08x %08x %08x\n", insn, v, n, r_, x_, c_); } while (0)

static void reg_shifts(void)
{
    printf("== slw/srw/sraw, amount in rB ==\n");
    for (size_t i = 0; i < NVALS; i++) {
        uint32_t v = opaque32(VALS[i]);
        for (uint32_t n = 0; n < 64; n++) {
            SHIFT_RB("slw", v, n);
            SHIFT_RB("srw.", v, n);
            SHIFT_RB("sraw", v, n);
            SHIFT_RB("sraw.", v, n);
        }
        /* only rB[26:31] matters */
        static const uint32_t hi[] = { 0xffffffc0, 0xffffffc1, 0x80000005, 0x0000011f, 0x00000120, 0xffffffff, 0x7fffffdf };
        for (size_t k = 0; k < sizeof(hi) / sizeof(hi[0]); k++) {
            SHIFT_RB("slw.", v, hi[k]);
            SHIFT_RB("srw", v, hi[k]);
            SHIFT_RB("sraw.", v, hi[k]);
        }
    }
}

#define SRAWI1(sh, v) { uint32_t r_, x_, c_; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%3\n\tsrawi. %0,%4,%5\n\tmfxer %1\n\tmfcr %2" \
        : "=&r"(r_), "=&r"(x_), "=&r"(c_) : "r"(0), "r"(v), "i"(sh) : CLOB); \
    printf("srawi. %08x %2d : %08x %08x %08x\n", v, sh, r_, x_, c_); }

static void srawi_all(void)
{
    printf("== srawi. every immediate ==\n");
    for (size_t i = 0; i < NVALS; i++) {
        uint32_t v = opaque32(VALS[i]);
        R32(SRAWI1, v)
    }
}

/* rlwinm with all-ones input: shows the generated mask for every MB,ME */
#define MASK1(me, mb) { uint32_t r_; __asm__ volatile("rlwinm %0,%1,0,%2,%3" : "=r"(r_) : "r"(v), "i"(mb), "i"(me)); \
    printf(" %08x", r_); }
#define MASKROW(mb, unused) { printf("mb=%2d:", mb); Q32(MASK1, mb) printf("\n"); }

static void rlwinm_masks(void)
{
    printf("== rlwinm rA,0xffffffff,0,MB,ME for all MB (rows) and ME (columns) ==\n");
    uint32_t v = opaque32(0xffffffff);
    R32(MASKROW, 0)
}

#define ROT1(sh, v) { uint32_t r_, c_; \
    __asm__ volatile("mtcrf 0xff,%2\n\trlwinm. %0,%3,%4,0,31\n\tmfcr %1" : "=&r"(r_), "=&r"(c_) : "r"(0), "r"(v), "i"(sh) : CLOB); \
    printf("rlwinm. %08x sh=%2d 0,31 : %08x %08x\n", v, sh, r_, c_); }
#define ROTM(sh, v) { uint32_t r_; \
    __asm__ volatile("rlwinm %0,%1,%2,%2,31" : "=r"(r_) : "r"(v), "i"(sh)); \
    printf("rlwinm %08x sh=%2d mb=%2d me=31 : %08x\n", v, sh, sh, r_); }
#define ROTW(sh, v) { uint32_t r_; \
    __asm__ volatile("rlwinm %0,%1,%2,(%2+7)&31,%2" : "=r"(r_) : "r"(v), "i"(sh)); \
    printf("rlwinm %08x sh=%2d mb=(sh+7)&31 me=sh : %08x\n", v, sh, r_); }

static void rlwinm_rot(void)
{
    printf("== rlwinm rotations ==\n");
    static const uint32_t rv[] = { 0x12345678, 0x80000001, 0xdeadbeef };
    for (size_t i = 0; i < 3; i++) {
        uint32_t v = opaque32(rv[i]);
        R32(ROT1, v)
        R32(ROTM, v)
        R32(ROTW, v)
    }
}

#define RLWNM(insn, mb, me, v, n) { uint32_t r_, c_; \
    __asm__ volatile("mtcrf 0xff,%2\n\t" insn " %0,%3,%4,%5,%6\n\tmfcr %1" : "=&r"(r_), "=&r"(c_) : "r"(0), "r"(v), "r"(n), "i"(mb), "i"(me) : CLOB); \
    printf("%s %08x n=%08x %2d,%2d : %08x %08x\n", insn, v, n, mb, me, r_, c_); }

static void rlwnm_all(void)
{
    printf("== rlwnm, amount in rB (only low 5 bits used) ==\n");
    static const uint32_t rv[] = { 0x12345678, 0x80000001, 0xfedcba98 };
    for (size_t i = 0; i < 3; i++) {
        uint32_t v = opaque32(rv[i]);
        for (uint32_t n = 0; n < 64; n++) {
            uint32_t nn = opaque32(n);
            RLWNM("rlwnm", 0, 31, v, nn)
            RLWNM("rlwnm.", 4, 27, v, nn)
            RLWNM("rlwnm.", 28, 3, v, nn)
        }
        uint32_t big = opaque32(0xffffffe5);
        RLWNM("rlwnm.", 0, 31, v, big)
        RLWNM("rlwnm", 16, 15, v, big)
    }
}

#define RLWIMI(sh, mb, me, v, t) { uint32_t r_ = t, c_; \
    __asm__ volatile("mtcrf 0xff,%2\n\trlwimi. %0,%3,%4,%5,%6\n\tmfcr %1" : "+&r"(r_), "=&r"(c_) : "r"(0), "r"(v), "i"(sh), "i"(mb), "i"(me) : CLOB); \
    printf("rlwimi. %08x into %08x sh=%2d mb=%2d me=%2d : %08x %08x\n", v, t, sh, mb, me, r_, c_); }
#define RLWIMI_SH(sh, x) RLWIMI(sh, 8, 23, v, t) RLWIMI(sh, 24, 7, v, t) RLWIMI(sh, 31, 31, v, t) RLWIMI(sh, 0, 31, v, t)

static void rlwimi_all(void)
{
    printf("== rlwimi ==\n");
    uint32_t v = opaque32(0x89abcdef), t = opaque32(0x55555555);
    R32(RLWIMI_SH, 0)
    v = opaque32(0x00000000); t = opaque32(0xffffffff);
    RLWIMI(0, 0, 31, v, t) RLWIMI(0, 1, 0, v, t) RLWIMI(5, 30, 2, v, t) RLWIMI(16, 16, 15, v, t)
    v = opaque32(0xffffffff); t = opaque32(0x00000000);
    RLWIMI(0, 0, 0, v, t) RLWIMI(7, 1, 0, v, t) RLWIMI(5, 30, 2, v, t) RLWIMI(16, 15, 16, v, t)
}

int main(void)
{
    printf("shift_rotate\n");
    reg_shifts();
    srawi_all();
    rlwinm_masks();
    rlwinm_rot();
    rlwnm_all();
    rlwimi_all();
    printf("done\n");
    return 0;
}
