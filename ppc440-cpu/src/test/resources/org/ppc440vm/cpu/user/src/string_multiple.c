/*
 * string_multiple: lswi, lswx, stswi, stswx, lmw, stmw.
 * The instruction harnesses live in string_ops.S (every GPR preset to a
 * known pattern, see there).  For loads we print the registers that the
 * instruction loads and verify that every other GPR kept its preset value;
 * for stores we print the destination bytes (pre-filled with 0xee).
 *
 * Architecturally undefined / invalid cases are avoided: RA and RB are never
 * inside the loaded register range, the range never wraps into r1, and for
 * lswx with a byte count of 0 the contents of RT (undefined) are not checked.
 */
#include "common.h"

typedef void (*load_fn)(const void *src, uint32_t out[34], uint32_t xer, uint32_t rb);
typedef void (*store_fn)(const uint32_t in[32], void *dst, uint32_t xer, uint32_t rb);

#define L(n) extern void n(const void *, uint32_t *, uint32_t, uint32_t);
#define S(n) extern void n(const uint32_t *, void *, uint32_t, uint32_t);
L(lswi_5_9_1) L(lswi_5_9_2) L(lswi_5_9_3) L(lswi_5_9_4) L(lswi_5_10_5) L(lswi_5_11_13)
L(lswi_5_14_0) L(lswi_20_9_31) L(lswi_30_9_12) L(lswi_29_9_15) L(lswi_31_9_5) L(lswi_0_9_4)
L(lswi_14_3_24) L(lswx_5_3_4) L(lswx_20_3_4) L(lswx_5_0_4) L(lswx_31_9_10)
L(lmw_20_0_9) L(lmw_31_4_9) L(lmw_3_0_2) L(lmw_14_m8_9) L(lmw_25_16_24)
S(stswi_5_9_1) S(stswi_5_9_4) S(stswi_5_9_7) S(stswi_5_3_0) S(stswi_28_9_19) S(stswi_31_9_6)
S(stswi_3_9_12) S(stswx_5_3_4) S(stswx_20_0_9) S(stmw_20_0_9) S(stmw_31_4_9) S(stmw_3_0_2)
S(stmw_14_m8_9) S(stmw_25_16_24)

static uint8_t srcbuf[256] __attribute__((aligned(16)));
static uint8_t dstbuf[128] __attribute__((aligned(16)));

static uint32_t preset(int n)
{
    return ((0x5a00u + n) << 16) | (0xa500u + n);
}

/* kind: 0 = lswi/lswx (nbytes), 1 = lmw */
static void do_load(const char *name, load_fn fn, int rt, int ra, int rb, int nbytes,
                    int src_off, uint32_t xer, uint32_t rbval)
{
    uint32_t out[34];
    memset(out, 0, sizeof(out));
    fn(srcbuf + src_off, out, xer, rbval);
    int nregs = (nbytes + 3) / 4;
    int loaded[32] = { 0 };
    printf("%-14s off=%-2d n=%-2d xer=%08x :", name, src_off, nbytes, xer);
    for (int i = 0; i < nregs; i++) {
        int r = (rt + i) % 32;
        loaded[r] = 1;
        printf(" r%d=%08x", r, out[r]);
    }
    if (nbytes == 0)
        loaded[rt] = 1; /* RT undefined when the lswx byte count is 0 */
    int bad = 0;
    for (int r = 0; r < 32; r++) {
        if (r == 1 || r == ra || r == rb || loaded[r])
            continue;
        if (out[r] != preset(r)) {
            printf(" CHANGED r%d=%08x", r, out[r]);
            bad++;
        }
    }
    printf(" | xer=%08x cr=%08x %s\n", out[32], out[33], bad ? "BAD" : "others-unchanged");
}

static void do_store(const char *name, store_fn fn, int dst_off, uint32_t xer, uint32_t rbval)
{
    uint32_t in[32];
    for (int i = 0; i < 32; i++)
        in[i] = 0x10203040u * (i + 1) ^ (0x01010101u * i);
    memset(dstbuf, 0xee, sizeof(dstbuf));
    fn(in, dstbuf + dst_off, xer, rbval);
    printf("%-14s off=%-2d xer=%08x rb=%-3u :", name, dst_off, xer, rbval > 255 ? 999 : rbval);
    int last = (int)sizeof(dstbuf) - 1;
    while (last > 0 && dstbuf[last] == 0xee)
        last--;
    for (int i = 0; i <= last; i++)
        printf("%s%02x", (i % 4) ? "" : " ", dstbuf[i]);
    printf("\n");
}

int main(void)
{
    for (int i = 0; i < (int)sizeof(srcbuf); i++)
        srcbuf[i] = (uint8_t)(i * 7 + 0x11);

    printf("== lswi ==\n");
    for (int off = 0; off < 4; off += 3) {
        do_load("lswi 5,9,1", lswi_5_9_1, 5, 9, -1, 1, off, 0, 0);
        do_load("lswi 5,9,2", lswi_5_9_2, 5, 9, -1, 2, off, 0, 0);
        do_load("lswi 5,9,3", lswi_5_9_3, 5, 9, -1, 3, off, 0, 0);
        do_load("lswi 5,9,4", lswi_5_9_4, 5, 9, -1, 4, off, 0, 0);
        do_load("lswi 5,10,5", lswi_5_10_5, 5, 10, -1, 5, off, 0, 0);
        do_load("lswi 5,11,13", lswi_5_11_13, 5, 11, -1, 13, off, 0, 0);
        do_load("lswi 5,14,0", lswi_5_14_0, 5, 14, -1, 32, off, 0, 0);
        do_load("lswi 20,9,31", lswi_20_9_31, 20, 9, -1, 31, off, 0, 0);
        do_load("lswi 30,9,12", lswi_30_9_12, 30, 9, -1, 12, off, 0, 0);
        do_load("lswi 29,9,15", lswi_29_9_15, 29, 9, -1, 15, off, 0, 0);
        do_load("lswi 31,9,5", lswi_31_9_5, 31, 9, -1, 5, off, 0, 0);
        do_load("lswi 0,9,4", lswi_0_9_4, 0, 9, -1, 4, off, 0, 0);
        do_load("lswi 14,3,24", lswi_14_3_24, 14, 3, -1, 24, off, 0, 0);
    }
    /* lswi does not touch XER */
    do_load("lswi 5,9,4", lswi_5_9_4, 5, 9, -1, 4, 1, 0xe000007fu, 0);

    printf("== lswx ==\n");
    static const int cnt1[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 31, 32 };
    for (size_t i = 0; i < sizeof(cnt1) / sizeof(cnt1[0]); i++) {
        do_load("lswx 5,3,4", lswx_5_3_4, 5, 3, 4, cnt1[i], 0, cnt1[i], 1);
        do_load("lswx 5,0,4", lswx_5_0_4, 5, -1, 4, cnt1[i], 0, cnt1[i], (uint32_t)(uintptr_t)(srcbuf + 5));
    }
    static const int cnt2[] = { 0, 1, 6, 11, 17, 33, 47, 48, 49, 51, 52 };
    for (size_t i = 0; i < sizeof(cnt2) / sizeof(cnt2[0]); i++)
        do_load("lswx 20,3,4", lswx_20_3_4, 20, 3, 4, cnt2[i], 0, 0xa0000000u | cnt2[i], 2);
    for (int c = 0; c <= 8; c++)
        do_load("lswx 31,9,10", lswx_31_9_10, 31, 9, 10, c, 4, c, 0xffffffffu);
    /* the XER high bits (SO/OV/CA) do not contribute to the byte count */
    do_load("lswx 5,3,4", lswx_5_3_4, 5, 3, 4, 6, 0, 0xe0000006u, 3);

    printf("== lmw ==\n");
    do_load("lmw 20,0(9)", lmw_20_0_9, 20, 9, -1, 48, 0, 0, 0);
    do_load("lmw 31,4(9)", lmw_31_4_9, 31, 9, -1, 4, 0, 0, 0);
    do_load("lmw 3,0(2)", lmw_3_0_2, 3, 2, -1, 116, 0, 0, 0);
    do_load("lmw 14,-8(9)", lmw_14_m8_9, 14, 9, -1, 72, 8, 0, 0);
    do_load("lmw 25,16(24)", lmw_25_16_24, 25, 24, -1, 28, 0, 0, 0);

    printf("== stswi ==\n");
    for (int off = 0; off < 3; off += 1) {
        do_store("stswi 5,9,1", stswi_5_9_1, off, 0, 0);
        do_store("stswi 5,9,4", stswi_5_9_4, off, 0, 0);
        do_store("stswi 5,9,7", stswi_5_9_7, off, 0, 0);
        do_store("stswi 5,3,0", stswi_5_3_0, off, 0, 0);
        do_store("stswi 28,9,19", stswi_28_9_19, off, 0, 0);
        do_store("stswi 31,9,6", stswi_31_9_6, off, 0, 0);
        do_store("stswi 3,9,12", stswi_3_9_12, off, 0, 0);
    }
    printf("== stswx ==\n");
    static const int cnt3[] = { 0, 1, 2, 3, 4, 5, 8, 17, 31, 32 };
    for (size_t i = 0; i < sizeof(cnt3) / sizeof(cnt3[0]); i++)
        do_store("stswx 5,3,4", stswx_5_3_4, 0, 0x80000000u | cnt3[i], 3);
    static const int cnt4[] = { 0, 3, 48, 50, 52 };
    for (size_t i = 0; i < sizeof(cnt4) / sizeof(cnt4[0]); i++)
        do_store("stswx 20,0,9", stswx_20_0_9, 0, cnt4[i], (uint32_t)(uintptr_t)(dstbuf + 1));

    printf("== stmw ==\n");
    do_store("stmw 20,0(9)", stmw_20_0_9, 0, 0, 0);
    do_store("stmw 31,4(9)", stmw_31_4_9, 0, 0, 0);
    do_store("stmw 3,0(2)", stmw_3_0_2, 4, 0, 0);
    do_store("stmw 14,-8(9)", stmw_14_m8_9, 8, 0, 0);
    do_store("stmw 25,16(24)", stmw_25_16_24, 0, 0, 0);
    printf("done\n");
    return 0;
}
