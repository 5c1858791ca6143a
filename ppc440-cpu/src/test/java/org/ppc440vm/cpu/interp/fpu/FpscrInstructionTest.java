package org.ppc440vm.cpu.interp.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.ppc440vm.cpu.interp.fpu.Fpscr.*;

import org.junit.jupiter.api.Test;
import org.ppc440vm.cpu.spi.CpuState;

/** mffs (and the newer mffs encodings), mtfsf, mtfsfi, mtfsb0, mtfsb1 and mcrfs. */
class FpscrInstructionTest {

    private static CpuState exec(CpuState s, int insn, int expectedStatus) {
        assertEquals(expectedStatus, FpuOps.execute(s, insn), "status of " + Integer.toHexString(insn));
        return s;
    }

    @Test
    void mffsCopiesTheFpscrUnderTheUndefinedHighWord() {
        CpuState s = Fp.state(FX | XX | FI | (CLASS_PLUS_NORMAL << FPRF_SHIFT) | XE | 2);
        exec(s, Fp.mffs(5), 0);
        assertEquals(0xFFF8_0000_0000_0000L | (s.fpscr & 0xFFFF_FFFFL), s.fpr[5]);
        assertEquals(FX | XX | FI | (CLASS_PLUS_NORMAL << FPRF_SHIFT) | XE | 2, s.fpscr);
        exec(s, Fp.xForm(583, 5, 0, 0, true), 0); // mffs. sets CR1 from FX FEX VX OX
        assertEquals(0x0800_0000, s.cr);
    }

    @Test
    void theNewerMffsEncodingsActAsPlainMffs() {
        // mffsce (1), mffscdrn (20), mffscdrni (21), mffscrn (22), mffscrni (23), mffsl (24) in bits 11-15
        for (int variant : new int[] {1, 20, 21, 22, 23, 24}) {
            int fpscr = VE | OE | UE | ZE | XE | RN_TOWARD_MINUS_INFINITY | XX;
            CpuState s = Fp.state(fpscr);
            s.fpr[3] = 0x0000_0000_0000_0001L; // what mffscrn would load as the new RN
            int insn = Fp.xForm(583, 7, variant, 3, false);
            assertEquals(true, FpuOps.isFpArithmetic(insn));
            exec(s, insn, 0);
            assertEquals(0xFFF8_0000_0000_0000L | fpscr, s.fpr[7], "variant " + variant);
            assertEquals(fpscr, s.fpscr, "variant " + variant + " must not change the FPSCR");
        }
    }

    @Test
    void mtfsfWritesTheSelectedFieldsOnly() {
        CpuState s = Fp.state(0);
        s.fpr[2] = 0xDEAD_BEEF_0000_00FFL; // field 7 = 0xF: XE, NI, RN=3; field 6 = 0xF: VE OE UE ZE
        exec(s, Fp.mtfsf(0x01, 2, false), 0);
        assertEquals(0x0F, s.fpscr);
        exec(s, Fp.mtfsf(0x03, 2, false), 0);
        assertEquals(0xFF, s.fpscr);
        s.fpr[2] = 0;
        exec(s, Fp.mtfsf(0xFF, 2, false), 0);
        assertEquals(0, s.fpscr);
    }

    @Test
    void mtfsfCannotSetFexOrVxAndDoesNotSetFxImplicitly() {
        CpuState s = Fp.state(0);
        s.fpr[2] = FEX | VX | XX; // FX clear in the source
        exec(s, Fp.mtfsf(0xFF, 2, false), 0);
        assertEquals(XX, s.fpscr, "FEX and VX are recomputed, FX is taken from the source");
        s.fpr[2] = FX | OX | VXSOFT;
        exec(s, Fp.mtfsf(0xFF, 2, false), 0);
        assertEquals(FX | OX | VXSOFT | VX, s.fpscr);
        s.fpr[2] = RESERVED;
        exec(s, Fp.mtfsf(0xFF, 2, false), 0);
        assertEquals(0, s.fpscr, "bit 20 is reserved");
    }

    @Test
    void mtfsfReportsAnEnabledExceptionWhenFexEndsUpSet() {
        CpuState s = Fp.state(0);
        s.fpr[2] = XX | XE;
        exec(s, Fp.mtfsf(0xFF, 2, true), FpuOps.ENABLED_EXCEPTION);
        assertEquals(XX | XE | FEX, s.fpscr);
        assertEquals(0x0400_0000, s.cr); // CR1 = FX FEX VX OX = 0100
    }

    @Test
    void mtfsfiSetsOneField() {
        CpuState s = Fp.state(XX);
        exec(s, Fp.mtfsfi(7, 3, false), 0);
        assertEquals(XX | 3, s.fpscr);
        exec(s, Fp.mtfsfi(0, 0b1001, false), 0); // field 0: FX and OX from the immediate, FEX/VX derived
        assertEquals(FX | OX | XX | 3, s.fpscr);
        exec(s, Fp.mtfsfi(0, 0b0110, false), 0); // FEX and VX cannot be set
        assertEquals(XX | 3, s.fpscr);
        exec(s, Fp.mtfsfi(6, 0b0001, true), 0); // field 6 = VE OE UE ZE: ZE, with no ZX pending
        assertEquals(XX | 3 | ZE, s.fpscr);
        assertEquals(0, s.cr);
        exec(s, Fp.mtfsfi(7, 0b1000, true), FpuOps.ENABLED_EXCEPTION); // XE (and RN=0) with XX pending: FEX
        assertEquals(XX | XE | FEX | ZE, s.fpscr);
        assertEquals(0x0400_0000, s.cr);
    }

    @Test
    void mtfsb1SetsFxWhenAnExceptionBitGoesFromZeroToOne() {
        CpuState s = Fp.state(0);
        exec(s, Fp.mtfsb1(6, false), 0); // XX
        assertEquals(FX | XX, s.fpscr);
        s.fpscr = XX;
        exec(s, Fp.mtfsb1(6, false), 0); // already set: no 0-to-1 change
        assertEquals(XX, s.fpscr);
        exec(s, Fp.mtfsb1(21, false), 0); // VXSOFT: software-requested invalid operation
        assertEquals(FX | XX | VXSOFT | VX, s.fpscr);
        exec(s, Fp.mtfsb1(30, false), 0); // RN bit: not an exception bit
        assertEquals(FX | XX | VXSOFT | VX | 2, s.fpscr);
    }

    @Test
    void fexAndVxCannotBeSetOrClearedDirectly() {
        CpuState s = Fp.state(0);
        exec(s, Fp.mtfsb1(1, false), 0);
        exec(s, Fp.mtfsb1(2, false), 0);
        assertEquals(0, s.fpscr);
        s.fpscr = Fpscr.withSummaries(VXSNAN | VE);
        exec(s, Fp.mtfsb0(2, false), 0);
        exec(s, Fp.mtfsb0(1, false), 0);
        assertEquals(VXSNAN | VE | VX | FEX, s.fpscr);
        exec(s, Fp.mtfsb0(7, false), 0); // clearing the cause clears the summaries
        assertEquals(VE, s.fpscr);
    }

    @Test
    void mtfsb0ClearsFxAndMtfsb1OfAnEnableCanRaise() {
        CpuState s = Fp.state(FX | ZX);
        exec(s, Fp.mtfsb0(0, true), 0);
        assertEquals(ZX, s.fpscr);
        assertEquals(0, s.cr);
        exec(s, Fp.mtfsb1(27, true), FpuOps.ENABLED_EXCEPTION); // ZE with ZX pending
        assertEquals(ZX | ZE | FEX, s.fpscr);
        assertEquals(0x0400_0000, s.cr);
        exec(s, Fp.mtfsb0(27, false), 0);
        assertEquals(ZX, s.fpscr);
        exec(s, Fp.mtfsb1(20, false), 0); // reserved bit 20
        assertEquals(ZX, s.fpscr);
    }

    @Test
    void mcrfsCopiesAFieldAndClearsTheExceptionBitsItCopied() {
        int all = FX | OX | UX | ZX | XX | VXSNAN | VXISI | VXIDI | VXZDZ | VXIMZ | VXVC | FR | FI
                | (CLASS_MINUS_NORMAL << FPRF_SHIFT) | VXSOFT | VXSQRT | VXCVI | VE | OE | 1;
        CpuState s = Fp.state(Fpscr.withSummaries(all));
        assertEquals(all | FEX | VX, s.fpscr);

        exec(s, Fp.mcrfs(2, 1), 0); // field 1: UX ZX XX VXSNAN
        assertEquals(0xF, (s.cr >>> 20) & 0xF);
        assertEquals(0, s.fpscr & (UX | ZX | XX | VXSNAN));

        exec(s, Fp.mcrfs(3, 0), 0); // field 0: FX FEX VX OX; FX and OX cleared, FEX/VX recomputed
        assertEquals(0xF, (s.cr >>> 16) & 0xF);
        assertEquals(0, s.fpscr & (FX | OX));
        assertEquals(FEX | VX, s.fpscr & (FEX | VX), "VX causes remain with VE set");

        exec(s, Fp.mcrfs(4, 4), 0); // field 4: FPCC only, nothing cleared
        assertEquals(0b1000, (s.cr >>> 12) & 0xF);
        assertEquals(CLASS_MINUS_NORMAL << FPRF_SHIFT, s.fpscr & FPRF);

        exec(s, Fp.mcrfs(5, 3), 0); // field 3: VXVC FR FI C (C is 0 for -normal), only VXVC cleared
        assertEquals(0b1110, (s.cr >>> 8) & 0xF);
        assertEquals(FR | FI, s.fpscr & (VXVC | FR | FI | C));

        exec(s, Fp.mcrfs(6, 2), 0); // field 2: VXISI VXIDI VXZDZ VXIMZ
        exec(s, Fp.mcrfs(7, 5), 0); // field 5: reserved, VXSOFT, VXSQRT, VXCVI
        assertEquals(0b0111, s.cr & 0xF);
        assertEquals(0, s.fpscr & (EXCEPTIONS | VX | FEX | FX));
        assertEquals(VE | OE | 1, s.fpscr & 0xFF);
    }
}
