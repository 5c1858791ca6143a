package org.ppc440vm.kvm.vcpu;

import java.util.Arrays;

import org.ppc440vm.cpu.spi.Cpu;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * The PPC440 (440x5 core of the 440EP) parts of the vCPU: PVR 0x422218D3 (440EP Rev B), MMUCR and the TLB
 * instructions through the tlb bundle's {@link Mmu440}, CCR0/CCR1 and the cache-debug registers, and the cache
 * instructions. The 440 core has no DCRs of its own (UIC, SDRAM controller and the rest are SoC devices of the
 * board), so every DCR goes to userspace.
 */
final class Core440 implements CoreModel {
    /** 440EP Rev B, as QEMU's 440epb and the bamboo device tree. */
    static final int PVR_440EP_B = 0x422218D3;
    /** The 440's MSR: WE CE EE PR FP ME FE0 DWE DE FE1 IS DS. */
    static final int MSR_BITS = CpuState.MSR_WE | CpuState.MSR_CE | CpuState.MSR_EE | CpuState.MSR_PR
            | CpuState.MSR_FP | CpuState.MSR_ME | CpuState.MSR_FE0 | CpuState.MSR_DWE | CpuState.MSR_DE
            | CpuState.MSR_FE1 | CpuState.MSR_IS | CpuState.MSR_DS;

    private static final int CR0_EQ = 0x2000_0000;
    private static final int CR0_SO = 0x1000_0000;

    private final Mmu440 mmu;
    private final Cpu cpu;
    private final long ramSize;
    /** CCR0, CCR1, RSTCFG and the cache-debug registers, indexed by SPR number - 880. */
    private final int[] sprs = new int[1012 - 880];

    Core440(Mmu440 mmu, Cpu cpu, long ramSize) {
        this.mmu = mmu;
        this.cpu = cpu;
        this.ramSize = ramSize;
    }

    @Override
    public int pvr() {
        return PVR_440EP_B;
    }

    @Override
    public int implementedMsrBits() {
        return MSR_BITS;
    }

    @Override
    public boolean hasSpr(int sprn) {
        return (sprn >= Spr.INV0 && sprn <= Spr.CCR1) || (sprn >= Spr.DNV0 && sprn <= Spr.IVLIM)
                || (sprn >= Spr.RSTCFG && sprn <= Spr.ICDBTRH) || sprn == Spr.MMUCR || sprn == Spr.CCR0
                || sprn == Spr.ICDBDR || sprn == Spr.DBDR;
    }

    @Override
    public int readSpr(int sprn) {
        return sprn == Spr.MMUCR ? mmu.mmucr() : sprs[sprn - 880];
    }

    @Override
    public boolean writeSpr(int sprn, int value) {
        switch (sprn) {
            case Spr.MMUCR:
                mmu.setMmucr(value);
                return true;
            case Spr.DCDBTRL:
            case Spr.DCDBTRH:
            case Spr.ICDBTRL:
            case Spr.ICDBTRH:
            case Spr.ICDBDR:
                return false; // loaded by dcread/icread only
            default:
                sprs[sprn - 880] = value;
                return true;
        }
    }

    @Override
    public boolean isCoreInstruction(int w) {
        if (w >>> 26 != 31) {
            return false;
        }
        switch ((w >>> 1) & 0x3FF) {
            case 978: // tlbwe
            case 946: // tlbre
            case 914: // tlbsx
            case 566: // tlbsync
            case 966: // iccci
            case 454: // dccci
            case 470: // dcbi
            case 486: // dcread
            case 998: // icread
                return true;
            default:
                return false;
        }
    }

    @Override
    public int emulate(int w, CpuState s) {
        int rt = (w >>> 21) & 31;
        int ra = (w >>> 16) & 31;
        int rb = (w >>> 11) & 31;
        switch ((w >>> 1) & 0x3FF) {
            case 978: // tlbwe RS,RA,WS: the word select is the RB field
                mmu.tlbwe(s.gpr[ra], rb, s.gpr[rt]);
                return VcpuStatistics.TLBWE;
            case 946: // tlbre RT,RA,WS
                s.gpr[rt] = mmu.tlbre(s.gpr[ra], rb);
                return VcpuStatistics.TLBRE;
            case 914: { // tlbsx[.] RT,RA,RB: RT is unchanged when nothing matches; Rc=1 reports a match in CR0[EQ]
                int ea = (ra == 0 ? 0 : s.gpr[ra]) + s.gpr[rb];
                int index = mmu.tlbsx(ea);
                if (index >= 0) {
                    s.gpr[rt] = index;
                }
                if ((w & 1) != 0) {
                    int cr0 = (index >= 0 ? CR0_EQ : 0) | ((s.xer & CpuState.XER_SO) != 0 ? CR0_SO : 0);
                    s.cr = (s.cr & 0x0FFF_FFFF) | cr0;
                }
                return VcpuStatistics.TLBSX;
            }
            case 566: // tlbsync: the guest TLB is always coherent here
                return VcpuStatistics.TLBSYNC;
            case 966: // iccci: the whole instruction cache, so every decoded instruction
                cpu.invalidateCode(0, ramSize);
                return VcpuStatistics.CACHE;
            case 486: // dcread: there is no data cache to look into; the debug registers read 0
                s.gpr[rt] = 0;
                sprs[Spr.DCDBTRH - 880] = 0;
                sprs[Spr.DCDBTRL - 880] = 0;
                return VcpuStatistics.CACHE;
            case 998: // icread: likewise, into ICDBDR and ICDBTRH/L
                sprs[Spr.ICDBDR - 880] = 0;
                sprs[Spr.ICDBTRH - 880] = 0;
                sprs[Spr.ICDBTRL - 880] = 0;
                return VcpuStatistics.CACHE;
            default: // dccci, dcbi: no data cache, memory is always coherent
                return VcpuStatistics.CACHE;
        }
    }

    @Override
    public boolean ownsDcr(int dcrn) {
        return false;
    }

    @Override
    public int readDcr(int dcrn) {
        throw new IllegalStateException("the 440 core owns no DCR (DCR " + dcrn + ")");
    }

    @Override
    public void writeDcr(int dcrn, int value) {
        throw new IllegalStateException("the 440 core owns no DCR (DCR " + dcrn + ")");
    }

    @Override
    public void reset() {
        Arrays.fill(sprs, 0);
        mmu.reset();
    }
}
