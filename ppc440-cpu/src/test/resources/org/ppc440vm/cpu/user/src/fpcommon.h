/* Floating-point helpers shared by the fp_* oracle programs. */
#ifndef PPC440VM_FPCOMMON_H
#define PPC440VM_FPCOMMON_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* FPSCR bits (bit 0 = most significant) */
#define FX     0x80000000u
#define FEX    0x40000000u
#define VX     0x20000000u
#define OX     0x10000000u
#define UX     0x08000000u
#define ZX     0x04000000u
#define XX     0x02000000u
#define VXSNAN 0x01000000u
#define VXISI  0x00800000u
#define VXIDI  0x00400000u
#define VXZDZ  0x00200000u
#define VXIMZ  0x00100000u
#define VXVC   0x00080000u
#define FR     0x00040000u
#define FI     0x00020000u
#define FPRF   0x0001f000u
#define VXSOFT 0x00000400u
#define VXSQRT 0x00000200u
#define VXCVI  0x00000100u

/*
 * QEMU 7.2 never sets FPSCR[FR] (fraction rounded), which the architecture
 * defines for arithmetic results; FR is therefore masked out of every
 * printed FPSCR value.
 */
#define FPSCR_PRINT_MASK (~FR)

/*
 * QEMU 7.2 classifies a single-precision result that is a single-format
 * denormal as a "normal number" in FPSCR[FPRF] (it classifies the double
 * representation).  The architecture (and real hardware) report
 * "denormalized number".  For single-precision instructions whose result is
 * a nonzero value below FLT_MIN in magnitude, FPRF is masked out of the
 * printed FPSCR and the line is marked with '*'.
 */
static inline int is_single_denormal(double r)
{
    uint64_t b;
    memcpy(&b, &r, sizeof(b));
    b &= 0x7fffffffffffffffull;
    return b != 0 && b < 0x3810000000000000ull;
}

static inline uint64_t dbits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof(b));
    return b;
}

static inline double bitsd(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof(d));
    return d;
}

static inline uint32_t fpscr_of(double f)
{
    return (uint32_t)dbits(f);   /* mffs: FPSCR is in the low word */
}

static inline uint32_t read_fpscr(void)
{
    double f;
    __asm__ volatile("mffs %0" : "=f"(f));
    return fpscr_of(f);
}

static inline void clear_fpscr(void)
{
    double z = 0.0;
    __asm__ volatile("mtfsf 0xff,%0" : : "f"(z));
}

static inline void set_rn(int rn)
{
    switch (rn & 3) {
    case 0: __asm__ volatile("mtfsfi 7,0"); break;
    case 1: __asm__ volatile("mtfsfi 7,1"); break;
    case 2: __asm__ volatile("mtfsfi 7,2"); break;
    default: __asm__ volatile("mtfsfi 7,3"); break;
    }
}

static const char *const RN_NAME[4] = { "RN", "RZ", "RP", "RM" };

typedef struct { const char *name; uint64_t bits; } fval_t;

#endif
