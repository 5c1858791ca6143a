package org.ppc440vm.tlb.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.tlb.spi.Mmu440.MMUCR_STID;
import static org.ppc440vm.tlb.spi.Mmu440.MMUCR_STS;
import static org.ppc440vm.tlb.spi.Mmu440.TLB0_TS;
import static org.ppc440vm.tlb.spi.Mmu440.TLB0_V;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppc440vm.tlb.spi.Mmu440;

/** tlbwe, tlbre, tlbsx and MMUCR, as the 440 defines them. */
class GuestTlbInstructionsTest {
    private TestCpu cpu;
    private Mmu440 mmu;

    @BeforeEach
    void setUp() {
        cpu = TestCpu.alone(1 << 20, 64);
        mmu = cpu.mmu;
    }

    private static int word0(int epn, int sizeCode, boolean valid, int ts) {
        return epn | (valid ? TLB0_V : 0) | (ts != 0 ? TLB0_TS : 0) | (sizeCode << Mmu440.TLB0_SIZE_SHIFT);
    }

    @Test
    void tlbreReadsBackEveryImplementedBitAndDropsParityAndReservedBits() {
        mmu.tlbwe(5, 0, 0xFFFFFFFF);
        mmu.tlbwe(5, 1, 0xFFFFFFFF);
        mmu.tlbwe(5, 2, 0xFFFFFFFF);
        assertEquals(0xFFFFFFF0, mmu.tlbre(5, 0), "EPN, V, TS, SIZE kept; TPAR (bits 28:31) reads 0");
        assertEquals(0xFFFFFC0F, mmu.tlbre(5, 1), "RPN and ERPN kept; PAR1 and reserved bits read 0");
        assertEquals(0x0000FFBF, mmu.tlbre(5, 2), "U0-U3, WIMGE, UX..SR kept; PAR2 and bit 25 read 0");
        mmu.tlbwe(6, 0, 0x12345670 | TLB0_V);
        mmu.tlbwe(6, 1, 0x0ABCD402);
        mmu.tlbwe(6, 2, 0x0000A825);
        assertEquals(0x12345670 | TLB0_V, mmu.tlbre(6, 0));
        assertEquals(0x0ABCD402, mmu.tlbre(6, 1));
        assertEquals(0x0000A825, mmu.tlbre(6, 2));
        assertEquals(0, mmu.tlbre(7, 0), "untouched entries read 0");
    }

    @Test
    void word0TakesTidFromMmucrStidAndTlbreOfWord0LoadsIt() {
        mmu.setMmucr(MMUCR_STS | 0x42);
        mmu.tlbwe(9, 0, word0(0x10000000, Mmu440.SIZE_4K, true, 0));
        mmu.setMmucr(MMUCR_STS | 0x07);
        mmu.tlbwe(9, 1, 0); // words 1 and 2 leave TID alone
        mmu.tlbwe(9, 2, 0);
        mmu.tlbre(9, 1);
        assertEquals(MMUCR_STS | 0x07, mmu.mmucr(), "tlbre of word 1 does not touch MMUCR");
        mmu.tlbre(9, 0);
        assertEquals(MMUCR_STS | 0x42, mmu.mmucr(), "tlbre of word 0 loads STID with the TID, keeping STS");
        int[] image = mmu.exportGuestTlb();
        assertEquals(0x42, image[9 * 4 + 3]);
    }

    @Test
    void indexUsesOnlyItsLowSixBitsAndOtherWordSelectsAreIgnored() {
        mmu.tlbwe(64 + 3, 1, 0x00001000);
        assertEquals(0x00001000, mmu.tlbre(3, 1));
        assertEquals(0x00001000, mmu.tlbre(-61, 1), "-61 & 63 == 3");
        mmu.tlbwe(3, 3, 0xFFFFFFFF);
        assertEquals(0, mmu.tlbre(3, 0));
        assertEquals(0x00001000, mmu.tlbre(3, 1));
        assertEquals(0, mmu.tlbre(3, 2));
        assertEquals(0, mmu.tlbre(3, 3));
    }

    @Test
    void mmucrKeepsOnlyImplementedBits() {
        mmu.setMmucr(0xFFFFFFFF);
        assertEquals(Mmu440.MMUCR_IMPLEMENTED, mmu.mmucr());
        assertEquals(0x016D00FF, mmu.mmucr(), "SWOA, U1TE, U2SWOAE, DULXE, IULXE, STS, STID");
        mmu.setMmucr(0);
        assertEquals(0, mmu.mmucr());
    }

    /** Every SIZE code: the first and last byte of the page match, the bytes either side do not. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
    void tlbsxMatchesExactlyThePageOfEverySize(int sizeCode) {
        long size = 1024L << (2 * sizeCode);
        int base = 0x40000000;
        mmu.setMmucr(0);
        mmu.tlbwe(17, 0, word0(base, sizeCode, true, 0));
        assertEquals(17, mmu.tlbsx(base));
        assertEquals(17, mmu.tlbsx((int) (base + size - 1)));
        assertEquals(17, mmu.tlbsx((int) (base + size / 2 + 3)));
        assertEquals(-1, mmu.tlbsx(base - 1));
        assertEquals(-1, mmu.tlbsx((int) (base + size)));
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 11, 12, 13, 14, 15})
    void sizesNo440HasNeverMatchButReadBack(int sizeCode) {
        int w0 = word0(0x40000000, sizeCode, true, 0);
        mmu.tlbwe(2, 0, w0);
        assertEquals(w0, mmu.tlbre(2, 0));
        assertEquals(-1, mmu.tlbsx(0x40000000));
    }

    @Test
    void epnBitsBelowThePageSizeAreIgnoredForMatchingButReadBack() {
        int w0 = 0x1234FC00 | TLB0_V | (Mmu440.SIZE_64K << 4);
        mmu.tlbwe(0, 0, w0);
        assertEquals(w0, mmu.tlbre(0, 0));
        assertEquals(0, mmu.tlbsx(0x12340000));
        assertEquals(0, mmu.tlbsx(0x1234FFFF));
        assertEquals(-1, mmu.tlbsx(0x12350000));
    }

    @Test
    void tlbsxSearchesTheAddressSpaceInMmucrSts() {
        mmu.tlbwe(1, 0, word0(0x10000000, Mmu440.SIZE_4K, true, 1));
        mmu.setMmucr(0);
        assertEquals(-1, mmu.tlbsx(0x10000000));
        mmu.setMmucr(MMUCR_STS);
        assertEquals(1, mmu.tlbsx(0x10000000));
    }

    @Test
    void tid0MatchesEveryStidAndOtherTidsOnlyTheirOwn() {
        mmu.setMmucr(0);
        mmu.tlbwe(4, 0, word0(0x00000000, Mmu440.SIZE_4K, true, 0)); // TID 0
        mmu.setMmucr(0x33);
        mmu.tlbwe(5, 0, word0(0x00001000, Mmu440.SIZE_4K, true, 0)); // TID 0x33
        for (int stid : new int[] {0, 1, 0x33, 0xFF}) {
            mmu.setMmucr(stid);
            assertEquals(4, mmu.tlbsx(0x00000800), "TID 0 entry with STID " + stid);
            assertEquals(stid == 0x33 ? 5 : -1, mmu.tlbsx(0x00001800), "TID 0x33 entry with STID " + stid);
        }
    }

    @Test
    void invalidEntriesNeverMatch() {
        mmu.tlbwe(8, 0, word0(0x20000000, Mmu440.SIZE_1M, false, 0));
        assertEquals(-1, mmu.tlbsx(0x20000000));
        mmu.tlbwe(8, 0, word0(0x20000000, Mmu440.SIZE_1M, true, 0));
        assertEquals(8, mmu.tlbsx(0x20000000));
    }

    /** Overlapping valid entries: undefined on the 440; here the lowest index wins for tlbsx and translation. */
    @Test
    void overlappingEntriesResolveToTheLowestIndex() {
        cpu.writeEntry(40, 0, word0(0x00000000, Mmu440.SIZE_16M, true, 0), 0x00000000, Mmu440.TLB2_SR);
        cpu.writeEntry(12, 0, word0(0x00010000, Mmu440.SIZE_4K, true, 0), 0x00080000, Mmu440.TLB2_SR);
        mmu.setMmucr(0);
        assertEquals(12, mmu.tlbsx(0x00010234));
        assertEquals(40, mmu.tlbsx(0x00011234));
        assertEquals(Outcome.ram(0x00080234), cpu.access(0x00010234, TestCpu.LOAD));
        assertEquals(Outcome.ram(0x00011234), cpu.access(0x00011234, TestCpu.LOAD));
        assertTrue(cpu.counter("tlb_multi_hit") >= 1, "the overlap is counted");
        // Moving the small entry above the large one hides it.
        cpu.writeEntry(12, 0, 0, 0, 0);
        cpu.writeEntry(50, 0, word0(0x00010000, Mmu440.SIZE_4K, true, 0), 0x00080000, Mmu440.TLB2_SR);
        assertEquals(40, mmu.tlbsx(0x00010234));
        assertEquals(Outcome.ram(0x00010234), cpu.access(0x00010234, TestCpu.LOAD));
    }

    @Test
    void exportAndImportRoundTripTheWholeTlbAndMmucr() {
        cpu.writeEntry(63, 0, word0(0xC0000000, Mmu440.SIZE_256M, true, 0), 0, 0x7);
        cpu.writeEntry(3, 9, word0(0x10000000, Mmu440.SIZE_4K, true, 1), 0x00002000, 0x3F);
        mmu.setMmucr(MMUCR_STS | 9);
        int[] image = mmu.exportGuestTlb();
        TestCpu other = TestCpu.alone(1 << 20, 64);
        other.mmu.importGuestTlb(image);
        assertEquals(mmu.mmucr(), other.mmu.mmucr());
        for (int i = 0; i < 64; i++) {
            for (int w = 0; w < 3; w++) {
                assertEquals(mmu.tlbre(i, w), other.mmu.tlbre(i, w), "entry " + i + " word " + w);
            }
            assertEquals(mmu.mmucr(), other.mmu.mmucr(), "tlbre of word 0 loaded the same STID on both");
        }
        other.mmu.setMmucr(MMUCR_STS | 9);
        assertEquals(3, other.mmu.tlbsx(0x10000FFF));
        other.mmu.reset();
        assertEquals(-1, other.mmu.tlbsx(0x10000FFF));
        assertEquals(0, other.mmu.mmucr());
    }
}
