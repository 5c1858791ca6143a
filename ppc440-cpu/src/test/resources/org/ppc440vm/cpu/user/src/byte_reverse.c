/*
 * byte_reverse: lhbrx, lwbrx, sthbrx, stwbrx with aligned and unaligned
 * addresses, with RA=0 and RA!=0 forms.
 */
#include "common.h"

static uint8_t buf[64] __attribute__((aligned(16)));

static void fill(void)
{
    for (int i = 0; i < (int)sizeof(buf); i++)
        buf[i] = (uint8_t)(0x81 + i * 13);
}

static void dump(const char *what, int from, int n)
{
    printf("%s:", what);
    for (int i = from; i < from + n; i++)
        printf(" %02x", buf[i]);
    printf("\n");
}

int main(void)
{
    fill();
    dump("buf", 0, 16);
    for (int off = 0; off < 8; off++) {
        uint32_t h, w, h0, w0, hz, wz;
        uintptr_t base = (uintptr_t)buf, o = (uintptr_t)off;
        __asm__ volatile("lhbrx %0,%1,%2" : "=r"(h) : "b"(base), "r"(o) : "memory");
        __asm__ volatile("lwbrx %0,%1,%2" : "=r"(w) : "b"(base), "r"(o) : "memory");
        __asm__ volatile("lhbrx %0,0,%1" : "=r"(h0) : "r"(base + o) : "memory");
        __asm__ volatile("lwbrx %0,0,%1" : "=r"(w0) : "r"(base + o) : "memory");
        /* normal loads for comparison */
        hz = (uint32_t)buf[off] << 8 | buf[off + 1];
        wz = (uint32_t)buf[off] << 24 | (uint32_t)buf[off + 1] << 16 | (uint32_t)buf[off + 2] << 8 | buf[off + 3];
        printf("off=%d lhbrx=%08x lhbrx0=%08x lwbrx=%08x lwbrx0=%08x (be half %04x word %08x)\n",
               off, h, h0, w, w0, hz, wz);
    }
    static const uint32_t vals[] = { 0x12345678, 0x80000001, 0xffff0000, 0x0000ffff, 0xdeadbeef };
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        for (int off = 0; off < 4; off++) {
            uintptr_t base = (uintptr_t)buf, o = (uintptr_t)off;
            memset(buf, 0, 16);
            __asm__ volatile("sthbrx %0,%1,%2" : : "r"(vals[i]), "b"(base), "r"(o) : "memory");
            __asm__ volatile("stwbrx %0,0,%1" : : "r"(vals[i]), "r"(base + 8 + o) : "memory");
            printf("val=%08x off=%d:", vals[i], off);
            for (int k = 0; k < 16; k++)
                printf(" %02x", buf[k]);
            printf("\n");
        }
    }
    /* round trip */
    uint32_t v = 0xa1b2c3d4, back;
    __asm__ volatile("stwbrx %1,0,%2\n\tlwbrx %0,0,%2" : "=&r"(back) : "r"(v), "r"(buf) : "memory");
    printf("roundtrip %08x -> %08x (memory %02x %02x %02x %02x)\n", v, back, buf[0], buf[1], buf[2], buf[3]);
    printf("done\n");
    return 0;
}
