package org.ppc440vm.cpu.interp.fpu;

/**
 * The bits of the 32-bit Floating-Point Status and Control Register as masks (PowerPC Book I numbering: bit 0 is
 * the most significant bit, so FPSCR bit {@code n} is {@code 1 << (31 - n)}).
 *
 * <p>Bit 20 is reserved: no instruction can set it here, it always reads 0.
 */
public final class Fpscr {
    private Fpscr() {
    }

    /** Exception summary: set when an instruction changes any exception bit from 0 to 1 (sticky). */
    public static final int FX = 0x8000_0000;
    /** Enabled exception summary: OR of the exception bits ANDed with their enables (not sticky, derived). */
    public static final int FEX = 0x4000_0000;
    /** Invalid operation summary: OR of the VX* cause bits (derived). */
    public static final int VX = 0x2000_0000;
    public static final int OX = 0x1000_0000;
    public static final int UX = 0x0800_0000;
    public static final int ZX = 0x0400_0000;
    public static final int XX = 0x0200_0000;
    public static final int VXSNAN = 0x0100_0000;
    public static final int VXISI = 0x0080_0000;
    public static final int VXIDI = 0x0040_0000;
    public static final int VXZDZ = 0x0020_0000;
    public static final int VXIMZ = 0x0010_0000;
    public static final int VXVC = 0x0008_0000;
    /** Fraction rounded: the last rounding incremented the fraction (not sticky). */
    public static final int FR = 0x0004_0000;
    /** Fraction inexact: the last rounding was inexact (not sticky). */
    public static final int FI = 0x0002_0000;
    /** The result flags: C and the four FPCC bits. */
    public static final int FPRF = 0x0001_F000;
    public static final int FPRF_SHIFT = 12;
    /** Result class descriptor, the top bit of FPRF. */
    public static final int C = 0x0001_0000;
    /** The floating-point condition code FL, FG, FE, FU (the low four bits of FPRF). */
    public static final int FPCC = 0x0000_F000;
    /** Bit 20, reserved. */
    public static final int RESERVED = 0x0000_0800;
    public static final int VXSOFT = 0x0000_0400;
    public static final int VXSQRT = 0x0000_0200;
    public static final int VXCVI = 0x0000_0100;
    public static final int VE = 0x80;
    public static final int OE = 0x40;
    public static final int UE = 0x20;
    public static final int ZE = 0x10;
    public static final int XE = 0x08;
    /** Non-IEEE mode: kept as written; the 440FP model here always delivers IEEE results. */
    public static final int NI = 0x04;
    /** The rounding control field. */
    public static final int RN = 0x03;

    public static final int RN_NEAREST = 0;
    public static final int RN_TOWARD_ZERO = 1;
    public static final int RN_TOWARD_PLUS_INFINITY = 2;
    public static final int RN_TOWARD_MINUS_INFINITY = 3;

    /** All invalid-operation cause bits. */
    public static final int VX_CAUSES = VXSNAN | VXISI | VXIDI | VXZDZ | VXIMZ | VXVC | VXSOFT | VXSQRT | VXCVI;
    /** All sticky exception bits whose 0-to-1 change sets FX. */
    public static final int EXCEPTIONS = OX | UX | ZX | XX | VX_CAUSES;

    // FPRF codes (C, FL, FG, FE, FU), before shifting by FPRF_SHIFT
    public static final int CLASS_QNAN = 0b10001;
    public static final int CLASS_MINUS_INFINITY = 0b01001;
    public static final int CLASS_MINUS_NORMAL = 0b01000;
    public static final int CLASS_MINUS_DENORMAL = 0b11000;
    public static final int CLASS_MINUS_ZERO = 0b10010;
    public static final int CLASS_PLUS_ZERO = 0b00010;
    public static final int CLASS_PLUS_DENORMAL = 0b10100;
    public static final int CLASS_PLUS_NORMAL = 0b00100;
    public static final int CLASS_PLUS_INFINITY = 0b00101;

    /** Recomputes the derived bits VX and FEX (which no instruction sets directly) and clears the reserved bit. */
    public static int withSummaries(int fpscr) {
        int f = fpscr & ~(FEX | VX | RESERVED);
        if ((f & VX_CAUSES) != 0) {
            f |= VX;
        }
        // VX, OX, UX, ZX, XX (bits 2..6) shifted right by 22 line up with VE, OE, UE, ZE, XE
        if (((f >>> 22) & f & (VE | OE | UE | ZE | XE)) != 0) {
            f |= FEX;
        }
        return f;
    }
}
