package org.ppc440vm.cpu.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;

/** Every op is reachable by decoding, every decodable word executes without a decoder/loop mismatch. */
class DecoderTest {

    @Test
    void knownEncodings() {
        assertEquals(Op.LI, Decoder.decode(0x38600001)); // li r3,1
        assertEquals(Op.BLR, Decoder.decode(0x4E800020)); // blr
        assertEquals(Op.BLR, Decoder.decode(0x4E800021)); // blrl
        assertEquals(Op.MFLR, Decoder.decode(0x7C0802A6)); // mflr r0
        assertEquals(Op.STWU, Decoder.decode(0x9421FFF0)); // stwu r1,-16(r1)
        assertEquals(Op.BC_CTR, Decoder.decode(0x4200FFF8)); // bdnz .-8
        assertEquals(Op.BC_COND, Decoder.decode(0x419E0008)); // beq cr7,.+8
        assertEquals(Op.MTCTR, Decoder.decode(0x7D2903A6)); // mtctr r9
        assertEquals(Op.BCTR, Decoder.decode(0x4E800420)); // bctr
        assertEquals(Op.LWARX, Decoder.decode(0x7D201828)); // lwarx r9,0,r3
        assertEquals(Op.STWCX, Decoder.decode(0x7C80192D)); // stwcx. r4,0,r3
        assertEquals(Op.MFTBL, Decoder.decode(0x7C6C42E6)); // mftb r3
        assertEquals(Op.MFTBU, Decoder.decode(0x7C6D42E6)); // mftbu r3
        assertEquals(Op.RLWINM, Decoder.decode(0x5483103A)); // rlwinm r3,r4,2,0,29
        assertEquals(Op.CMPI, Decoder.decode(0x2F830000)); // cmpwi cr7,r3,0
        assertEquals(Op.TW, Decoder.decode(0x7FE00008)); // trap
        assertEquals(Op.DCBZ, Decoder.decode(0x7C001FEC)); // dcbz 0,r3
        assertEquals(Op.ICBI, Decoder.decode(0x7C001FAC)); // icbi 0,r3
        assertEquals(Op.NOP, Decoder.decode(0x4C00012C)); // isync
        assertEquals(Op.NOP, Decoder.decode(0x7C0004AC)); // sync
        assertEquals(Op.PRIVILEGED, Decoder.decode(0x7C6000A6)); // mfmsr r3
        assertEquals(Op.SC, Decoder.decode(0x44000002));
        assertEquals(Op.ORI, Decoder.decode(0x60000000)); // nop
    }

    @Test
    void everyOpIsReachable() {
        BitSet seen = new BitSet();
        int[] fields = {0, 0x00232800, 0x03FFF800}; // all-zero fields, rT=1 rA=3 rB=5, all 31
        for (int primary = 0; primary < 64; primary++) {
            for (int xo = 0; xo < 2048; xo++) { // bits 21-31: extended opcode, OE/Rc
                for (int f : fields) {
                    seen.set(Decoder.decode(primary << 26 | f | xo));
                }
            }
        }
        for (int spr : new int[] {1, 8, 9, 256, 260, 268, 269}) {
            seen.set(Decoder.decode(Asm.mfspr(3, spr)));
            seen.set(Decoder.decode(Asm.mtspr(spr, 3)));
        }
        seen.set(Decoder.decode(Asm.bc(20, 0, 0, false, false)));
        seen.set(Decoder.decode(Asm.bc(12, 0, 0, false, false)));
        seen.set(Decoder.decode(Asm.bc(16, 0, 0, false, false)));
        seen.set(Decoder.decode(Asm.bclr(20, 0, false)));
        seen.set(Decoder.decode(Asm.bclr(12, 0, false)));
        seen.set(Decoder.decode(Asm.bcctr(20, 0, false)));
        seen.set(Decoder.decode(Asm.bcctr(12, 0, false)));
        for (int op = 1; op < Op.COUNT; op++) {
            if (op == Op.FP_ARITH && !seen.get(op)) {
                continue; // depends on the FPU package recognising some opcode-59/63 word
            }
            assertTrue(seen.get(op), "op " + op + " is produced by some word");
        }
        assertEquals(Op.COUNT, seen.length(), "no id beyond COUNT");
    }

    @Test
    void randomWordsNeverHitADecoderLoopMismatch() {
        CpuHarness h = new CpuHarness();
        SplittableRandom random = new SplittableRandom(440);
        for (int n = 0; n < 200_000; n++) {
            int word = random.nextInt();
            if (n % 3 == 0) {
                word = (31 << 26) | (word & 0x03FFFFFF); // opcode 31 is where most instructions live
            }
            for (int k = 0; k < 32; k++) {
                h.s.gpr[k] = CpuHarness.DATA + 64 * k;
            }
            h.s.msr = 0; // FP instructions trap before reaching the FPU package
            h.s.xer = word & 0x7F;
            ExitReason r = h.exec(word);
            assertNotEquals(ExitReason.INTERNAL_ERROR, r, Integer.toHexString(word));
        }
    }
}
