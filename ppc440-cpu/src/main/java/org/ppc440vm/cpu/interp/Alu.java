package org.ppc440vm.cpu.interp;

import org.ppc440vm.cpu.spi.CpuState;

/**
 * The integer unit's pure functions: condition codes, carries, masks, the 440's multiply-accumulate and
 * halfword-multiply family, dlmzb. Static and small, so the JIT inlines them into the dispatch loop.
 */
final class Alu {
    private Alu() {
    }

    static final long U32 = 0xFFFFFFFFL;

    /** CR field bits (as a 4-bit nibble): LT, GT, EQ, SO. */
    static final int LT = 8;
    static final int GT = 4;
    static final int EQ = 2;

    /** {@code cr} with CR0 set from a signed result and XER[SO]. Kept under 35 bytecodes so C2 always inlines it. */
    static int cr0(int cr, int result, int xer) {
        return (cr & 0x0FFFFFFF) | (result < 0 ? 0x80000000 : result == 0 ? 0x20000000 : 0x40000000)
                | ((xer >>> 3) & 0x10000000);
    }

    /** {@code cr} with field {@code bf} (0 = CR0, leftmost) replaced by {@code nibble}. */
    static int setField(int cr, int bf, int nibble) {
        int shift = 28 - 4 * bf;
        return (cr & ~(0xF << shift)) | (nibble << shift);
    }

    static int compareSigned(int a, int b, int xer) {
        return (a < b ? LT : a > b ? GT : EQ) | (xer >>> 31);
    }

    static int compareUnsigned(int a, int b, int xer) {
        int c = Integer.compareUnsigned(a, b);
        return (c < 0 ? LT : c > 0 ? GT : EQ) | (xer >>> 31);
    }

    /** The rotate mask with ones from bit mb through bit me (bit 0 = MSB), wrapping around when mb > me. */
    static int mask(int mb, int me) {
        int fromMb = -1 >>> mb;
        int toMe = -1 << (31 - me);
        return mb <= me ? fromMb & toMe : fromMb | toMe;
    }

    /** XER with CA set or cleared. */
    static int withCarry(int xer, boolean carry) {
        return carry ? xer | CpuState.XER_CA : xer & ~CpuState.XER_CA;
    }

    /** XER with OV set or cleared, and SO set if OV is (SO is sticky). */
    static int withOverflow(int xer, boolean overflow) {
        return overflow ? xer | CpuState.XER_OV | CpuState.XER_SO : xer & ~CpuState.XER_OV;
    }

    /** Carry out of the unsigned 33-bit sum a + b + carryIn. */
    static boolean carryOut(int a, int b, int carryIn) {
        return (((a & U32) + (b & U32) + carryIn) >>> 32) != 0;
    }

    /** Signed overflow of r = a + b (+ carry in): both operands one sign, the result the other. */
    static boolean addOverflows(int a, int b, int r) {
        return ((a ^ r) & (b ^ r)) < 0;
    }

    /** sraw/srawi: the shifted value; the carry is {@link #srawCarry}. {@code n} is 0..63. */
    static int sraw(int rs, int n) {
        return n > 31 ? rs >> 31 : rs >> n;
    }

    /** CA of an arithmetic right shift: the source is negative and a 1 bit was shifted out. */
    static boolean srawCarry(int rs, int n) {
        if (rs >= 0) {
            return false;
        }
        return n > 31 ? true : (rs & ((1 << n) - 1)) != 0;
    }

    /** divw result: RT is architecturally undefined for x/0 and 0x80000000/-1; we return the dividend, as QEMU. */
    static int divw(int a, int b) {
        if (b == 0 || (a == Integer.MIN_VALUE && b == -1)) {
            return a;
        }
        return a / b;
    }

    static boolean divwOverflows(int a, int b) {
        return b == 0 || (a == Integer.MIN_VALUE && b == -1);
    }

    /** divwu result: undefined for x/0; we return the dividend, as QEMU. */
    static int divwu(int a, int b) {
        return b == 0 ? a : Integer.divideUnsigned(a, b);
    }

    // ---- 440 multiply-accumulate family ----

    /**
     * The halfword operands of a 440 halfword multiply from extended-opcode bits 0-1 of the 9-bit XO:
     * 00 = high x high (hh), 01 = low(RA) x high(RB) (cross, ch), 11 = low x low (lh).
     * Returns the product, signed or unsigned, as a long (it always fits 32 bits unsigned or signed).
     */
    static long halfwordProduct(int xo, int ra, int rb) {
        int selection = xo >>> 7;
        int a = selection == 0 ? ra >>> 16 : ra & 0xFFFF;
        int b = selection == 3 ? rb & 0xFFFF : rb >>> 16;
        if ((xo & 0x20) != 0) { // signed
            return (long) (short) a * (short) b;
        }
        return (long) a * b;
    }

    /**
     * One multiply-accumulate ({@code macchw} ... {@code nmaclhwso}), from the PPC440x5 definitions: the
     * product of the selected halfwords (signed or unsigned) is added to (or for nmac, subtracted from) RT in a
     * 33-bit temporary. Modulo forms keep its low 32 bits; saturating forms clamp to [-2^31, 2^31-1] (signed) or
     * [0, 2^32-1] (unsigned) when the sum does not fit. OE=1 sets OV exactly when the 33-bit sum does not fit 32
     * bits in that signedness (which is when the saturating form saturates), and SO with it; Rc=1 sets CR0 from
     * the final RT as a signed value.
     */
    static void multiplyAccumulate(CpuState s, int w) {
        int xo = (w >>> 1) & 0x1FF;
        int rt = (w >>> 21) & 31;
        int[] gpr = s.gpr;
        long product = halfwordProduct(xo, gpr[(w >>> 16) & 31], gpr[(w >>> 11) & 31]);
        boolean signed = (xo & 0x20) != 0;
        boolean saturate = (xo & 0x40) != 0;
        boolean negate = (xo & 0x02) != 0;
        long acc = signed ? gpr[rt] : gpr[rt] & U32;
        long sum = negate ? acc - product : acc + product;
        boolean overflow = signed ? sum != (int) sum : (sum >>> 32) != 0;
        int result;
        if (overflow && saturate) {
            result = signed ? (sum < 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE) : -1;
        } else {
            result = (int) sum;
        }
        gpr[rt] = result;
        if ((w & 0x400) != 0) {
            s.xer = withOverflow(s.xer, overflow);
        }
        if ((w & 1) != 0) {
            s.cr = cr0(s.cr, result, s.xer);
        }
    }

    /** mulchw, mulhhw, mullhw and their u forms: RT = the 32-bit product; Rc=1 sets CR0 (signed view). */
    static void multiplyHalfword(CpuState s, int w) {
        int xo = (w >>> 1) & 0x1FF;
        int[] gpr = s.gpr;
        int result = (int) halfwordProduct(xo, gpr[(w >>> 16) & 31], gpr[(w >>> 11) & 31]);
        gpr[(w >>> 21) & 31] = result;
        if ((w & 1) != 0) {
            s.cr = cr0(s.cr, result, s.xer);
        }
    }

    /**
     * dlmzb (PPC440x5): the byte number (1-8) of the leftmost zero byte of RS||RB, or 8 if none, into RA and
     * XER[TBC]; Rc=1 sets CR0 to 0b010 (found in RS), 0b100 (found in RB) or 0b001 (none), with SO.
     */
    static void leftmostZeroByte(CpuState s, int w) {
        int[] gpr = s.gpr;
        long d = ((long) gpr[(w >>> 21) & 31] << 32) | (gpr[(w >>> 11) & 31] & U32);
        int count = 8;
        boolean found = false;
        for (int i = 0; i < 8; i++) {
            if (((d >>> (56 - 8 * i)) & 0xFF) == 0) {
                count = i + 1;
                found = true;
                break;
            }
        }
        gpr[(w >>> 16) & 31] = count;
        s.xer = (s.xer & ~0x7F) | count;
        if ((w & 1) != 0) {
            int f = !found ? 0b001 : count < 5 ? 0b010 : 0b100;
            s.cr = setField(s.cr, 0, (f << 1) | (s.xer >>> 31));
        }
    }

    /**
     * The general XO-form: add/subtract family with or without carry, neg, multiply and divide, any OE and Rc.
     * The hot OE=0 forms are also inlined in the dispatch loop; this is the reference they must agree with.
     */
    static void arithmetic(CpuState s, int w) {
        int[] gpr = s.gpr;
        int a = gpr[(w >>> 16) & 31];
        int b = gpr[(w >>> 11) & 31];
        int xer = s.xer;
        int ca = (xer >>> 29) & 1;
        int r;
        boolean ov;
        switch ((w >>> 1) & 0x1FF) {
            case 266: // add
                r = a + b;
                ov = addOverflows(a, b, r);
                break;
            case 10: // addc
                r = a + b;
                ov = addOverflows(a, b, r);
                xer = withCarry(xer, carryOut(a, b, 0));
                break;
            case 138: // adde
                r = a + b + ca;
                ov = addOverflows(a, b, r);
                xer = withCarry(xer, carryOut(a, b, ca));
                break;
            case 234: // addme
                r = a - 1 + ca;
                ov = addOverflows(a, -1, r);
                xer = withCarry(xer, carryOut(a, -1, ca));
                break;
            case 202: // addze
                r = a + ca;
                ov = addOverflows(a, 0, r);
                xer = withCarry(xer, carryOut(a, 0, ca));
                break;
            case 40: // subf: ~a + b + 1
                r = b - a;
                ov = addOverflows(~a, b, r);
                break;
            case 8: // subfc
                r = b - a;
                ov = addOverflows(~a, b, r);
                xer = withCarry(xer, carryOut(~a, b, 1));
                break;
            case 136: // subfe
                r = ~a + b + ca;
                ov = addOverflows(~a, b, r);
                xer = withCarry(xer, carryOut(~a, b, ca));
                break;
            case 232: // subfme
                r = ~a - 1 + ca;
                ov = addOverflows(~a, -1, r);
                xer = withCarry(xer, carryOut(~a, -1, ca));
                break;
            case 200: // subfze
                r = ~a + ca;
                ov = addOverflows(~a, 0, r);
                xer = withCarry(xer, carryOut(~a, 0, ca));
                break;
            case 104: // neg
                r = -a;
                ov = a == Integer.MIN_VALUE;
                break;
            case 235: { // mullw
                long p = (long) a * b;
                r = (int) p;
                ov = p != r;
                break;
            }
            case 75: // mulhw (no OE form)
                r = (int) (((long) a * b) >> 32);
                ov = false;
                break;
            case 11: // mulhwu (no OE form)
                r = (int) (((a & U32) * (b & U32)) >>> 32);
                ov = false;
                break;
            case 491: // divw
                r = divw(a, b);
                ov = divwOverflows(a, b);
                break;
            case 459: // divwu
                r = divwu(a, b);
                ov = b == 0;
                break;
            default:
                throw new IllegalStateException("not an XO-form arithmetic instruction: " + Integer.toHexString(w));
        }
        gpr[(w >>> 21) & 31] = r;
        if ((w & 0x400) != 0) {
            xer = withOverflow(xer, ov);
        }
        s.xer = xer;
        if ((w & 1) != 0) {
            s.cr = cr0(s.cr, r, xer);
        }
    }

    /** crand, crandc, ... : CR bit BT = f(CR bit BA, CR bit BB). */
    static int crLogical(int cr, int w) {
        int bt = (w >>> 21) & 31;
        int a = (cr >>> (31 - ((w >>> 16) & 31))) & 1;
        int b = (cr >>> (31 - ((w >>> 11) & 31))) & 1;
        int r;
        switch ((w >>> 1) & 0x3FF) {
            case 257: // crand
                r = a & b;
                break;
            case 129: // crandc
                r = a & ~b;
                break;
            case 289: // creqv
                r = ~(a ^ b);
                break;
            case 225: // crnand
                r = ~(a & b);
                break;
            case 33: // crnor
                r = ~(a | b);
                break;
            case 449: // cror
                r = a | b;
                break;
            case 417: // crorc
                r = a | ~b;
                break;
            case 193: // crxor
                r = a ^ b;
                break;
            default:
                throw new IllegalStateException("not a CR logical instruction: " + Integer.toHexString(w));
        }
        int bit = 1 << (31 - bt);
        return (r & 1) != 0 ? cr | bit : cr & ~bit;
    }

    /** The CR mask an mtcrf FXM field selects (FXM bit 0x80 = CR0). */
    static int crFieldMask(int fxm) {
        int m = 0;
        for (int i = 0; i < 8; i++) {
            if ((fxm & (0x80 >>> i)) != 0) {
                m |= 0xF0000000 >>> (4 * i);
            }
        }
        return m;
    }

    /** tw/twi: does TO select a condition that holds for a and b? */
    static boolean trapCondition(int to, int a, int b) {
        return ((to & 0x10) != 0 && a < b)
                || ((to & 0x08) != 0 && a > b)
                || ((to & 0x04) != 0 && a == b)
                || ((to & 0x02) != 0 && Integer.compareUnsigned(a, b) < 0)
                || ((to & 0x01) != 0 && Integer.compareUnsigned(a, b) > 0);
    }
}
