/*
 * Host reference model of the PPC440 multiply-accumulate instructions,
 * written from the instruction definitions in the PPC440 core user's manual
 * (multiply the selected 16-bit halfwords, signed or unsigned; add the
 * product (or its negation for the nmac* forms) to RT in a 33-bit
 * temporary; modulo forms keep the low 32 bits, saturating forms clamp to
 * the signed [-2^31, 2^31-1] or unsigned [0, 2^32-1] range).
 *
 * XER[OV] for the OE=1 forms: set when the 33-bit sum is not representable
 * in 32 bits (signed range for the signed forms, unsigned range for the
 * unsigned forms) -- i.e. exactly when a saturating form saturates -- and
 * cleared otherwise; XER[SO] |= OV.  This is the reading of the manual's
 * "33-bit temporary" definition; the per-instruction pages do not spell out
 * the OV equation (see README.md).
 * CR0 (Rc=1): LT/GT/EQ from the final RT as a signed value, SO from XER[SO].
 *
 * Halfword selection:  ch: RA[16:31] x RB[0:15]   hh: RA[0:15] x RB[0:15]
 *                      lh: RA[16:31] x RB[16:31]  (bit 0 = most significant)
 */
#include <string.h>
#include "mac440.h"

mac_res_t mac440_exec(int base, int form, uint32_t rt, uint32_t ra, uint32_t rb, uint32_t xer)
{
    const char *name = mac440_names[base];
    int neg = name[0] == 'n';
    const char *p = name + (neg ? 4 : 3);     /* points at "chw", "hhw", "lhw" */
    char sel = p[0];
    const char *suffix = p + 3;                /* "", "s", "su", "u" */
    int sat = strchr(suffix, 's') != NULL;
    int uns = strchr(suffix, 'u') != NULL;
    int oe = form >= 2, rc = form & 1;

    uint32_t a, b;
    switch (sel) {
    case 'c': a = ra & 0xffff; b = rb >> 16; break;
    case 'h': a = ra >> 16;    b = rb >> 16; break;
    default:  a = ra & 0xffff; b = rb & 0xffff; break;
    }

    int64_t temp;
    int overflow;
    if (uns) {
        uint64_t prod = (uint64_t)a * b;             /* 32-bit unsigned product */
        temp = (int64_t)(prod + (uint64_t)rt);       /* 33-bit unsigned sum */
        overflow = temp > 0xffffffffLL;
    } else {
        int64_t prod = (int64_t)(int16_t)a * (int16_t)b;
        if (neg)
            prod = -prod;
        temp = prod + (int64_t)(int32_t)rt;          /* 33-bit signed sum */
        overflow = temp > 0x7fffffffLL || temp < -0x80000000LL;
    }

    uint32_t res;
    if (sat && overflow) {
        if (uns)
            res = 0xffffffffu;
        else
            res = temp < 0 ? 0x80000000u : 0x7fffffffu;
    } else {
        res = (uint32_t)temp;
    }

    if (oe) {
        if (overflow)
            xer |= 0xc0000000u;        /* OV and SO */
        else
            xer &= ~0x40000000u;       /* clear OV, SO sticky */
    }
    uint32_t cr = 0;
    if (rc) {
        int32_t s = (int32_t)res;
        uint32_t f = s < 0 ? 8 : s > 0 ? 4 : 2;
        if (xer & 0x80000000u)
            f |= 1;
        cr = f << 28;
    }
    mac_res_t o = { res, xer, cr };
    return o;
}
