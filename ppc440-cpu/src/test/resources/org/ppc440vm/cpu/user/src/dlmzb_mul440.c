/*
 * dlmzb_mul440: the 440-specific dlmzb[.] (determine leftmost zero byte)
 * and the 16x16->32 halfword multiplies mulchw, mulchwu, mulhhw, mulhhwu,
 * mullhw, mullhwu and their dot forms.
 * (The multiply-accumulate family is in mac440, whose expected output is
 * derived from a reference model instead of QEMU.)
 * Output: inputs, result, XER and CR (XER preset with mtxer, CR cleared).
 */
#include "common.h"

#define CLOB "cr0","cr1","cr2","cr3","cr4","cr5","cr6","cr7","xer"

#define DLMZB(insn, rs, rb, xin) do { uint32_t ra_, x_, c_; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\t" insn " %0,%5,%6\n\tmfxer %1\n\tmfcr %2" \
        : "=&r"(ra_), "=&r"(x_), "=&r"(c_) : "r"(xin), "r"(0), "r"(rs), "r"(rb) : CLOB); \
    printf("%-6s rs=%08x rb=%08x xer=%08x : ra=%u xer=%08x cr=%08x\n", insn, rs, rb, xin, ra_, x_, c_); } while (0)

static void dlmzb_tests(void)
{
    static const uint32_t pat[][2] = {
        { 0x00112233, 0x44556677 }, { 0x11002233, 0x44556677 }, { 0x11220033, 0x44556677 },
        { 0x11223300, 0x44556677 }, { 0x11223344, 0x00556677 }, { 0x11223344, 0x55006677 },
        { 0x11223344, 0x55660077 }, { 0x11223344, 0x55667700 }, { 0x11223344, 0x55667788 },
        { 0x00000000, 0x00000000 }, { 0xffffffff, 0xffffffff }, { 0x01010101, 0x00000000 },
        { 0x80808080, 0x01010100 }, { 0xff00ff00, 0x00ff00ff }, { 0x00ffffff, 0xffffff00 },
    };
    static const uint32_t xins[] = { 0x00000000, 0xe000007f, 0x80000040, 0x20000003 };
    for (size_t i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
        for (size_t k = 0; k < sizeof(xins) / sizeof(xins[0]); k++) {
            uint32_t rs = opaque32(pat[i][0]), rb = opaque32(pat[i][1]), x = opaque32(xins[k]);
            DLMZB("dlmzb", rs, rb, x);
            DLMZB("dlmzb.", rs, rb, x);
        }
}

#define MUL(insn, a, b) do { uint32_t r_, x_, c_; \
    __asm__ volatile("mtxer %3\n\tmtcrf 0xff,%4\n\t" insn " %0,%5,%6\n\tmfxer %1\n\tmfcr %2" \
        : "=&r"(r_), "=&r"(x_), "=&r"(c_) : "r"(xso), "r"(0), "r"(a), "r"(b) : CLOB); \
    printf("%-8s %08x %08x xer=%08x : %08x %08x %08x\n", insn, a, b, xso, r_, x_, c_); } while (0)

static void mul_tests(void)
{
    static const uint32_t v[] = {
        0x00000000, 0x00010001, 0xffffffff, 0x7fff7fff, 0x80008000, 0x80007fff,
        0x7fff8000, 0x12345678, 0xfedcba98, 0x0003fffd, 0x00020000, 0xffff0001,
    };
    const size_t n = sizeof(v) / sizeof(v[0]);
    for (int so = 0; so < 2; so++) {
        uint32_t xso = opaque32(so ? 0xe0000011u : 0);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                uint32_t a = opaque32(v[i]), b = opaque32(v[j]);
                if (so && (i % 3 || j % 3))
                    continue;
                MUL("mulchw", a, b); MUL("mulchw.", a, b);
                MUL("mulchwu", a, b); MUL("mulchwu.", a, b);
                MUL("mulhhw", a, b); MUL("mulhhw.", a, b);
                MUL("mulhhwu", a, b); MUL("mulhhwu.", a, b);
                MUL("mullhw", a, b); MUL("mullhw.", a, b);
                MUL("mullhwu", a, b); MUL("mullhwu.", a, b);
            }
    }
}

int main(void)
{
    printf("== dlmzb ==\n");
    dlmzb_tests();
    printf("== halfword multiplies ==\n");
    mul_tests();
    printf("done\n");
    return 0;
}
