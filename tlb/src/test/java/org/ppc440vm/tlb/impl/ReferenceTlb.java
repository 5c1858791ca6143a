package org.ppc440vm.tlb.impl;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.MissHandler;

/**
 * The 440 TLB as the architecture describes it, written independently of the implementation and as plainly as
 * possible: a direct walk of the 64 entries on every access, no caching. The property tests hold the shadow TLB
 * to it.
 */
final class ReferenceTlb {
    final int[] word0 = new int[64];
    final int[] word1 = new int[64];
    final int[] word2 = new int[64];
    final int[] tid = new int[64];
    int mmucr;

    void tlbwe(int index, int word, int value) {
        int i = index & 63;
        if (word == 0) {
            word0[i] = value & 0xFFFFFFF0;
            tid[i] = mmucr & 0xFF;
        } else if (word == 1) {
            word1[i] = value & 0xFFFFFC0F;
        } else if (word == 2) {
            word2[i] = value & 0x0000FFBF;
        }
    }

    int tlbre(int index, int word) {
        int i = index & 63;
        if (word == 0) {
            mmucr = (mmucr & ~0xFF) | tid[i];
            return word0[i];
        }
        return word == 1 ? word1[i] : word == 2 ? word2[i] : 0;
    }

    void setMmucr(int value) {
        mmucr = value & 0x016D00FF;
    }

    private long size(int i) {
        int code = (word0[i] >>> 4) & 0xF;
        return code > 9 ? -1 : 1024L << (2 * code);
    }

    private boolean matches(int i, int ea, int as, int pid) {
        long size = size(i);
        if ((word0[i] & 0x200) == 0 || size < 0 || ((word0[i] >>> 8) & 1) != as) {
            return false;
        }
        if (tid[i] != 0 && tid[i] != (pid & 0xFF)) {
            return false;
        }
        long start = (word0[i] & 0xFFFFFC00L) & ~(size - 1);
        long a = ea & 0xFFFFFFFFL;
        return a >= start && a < start + size;
    }

    int tlbsx(int ea) {
        int as = (mmucr & 0x10000) != 0 ? 1 : 0;
        for (int i = 0; i < 64; i++) {
            if (matches(i, ea, as, mmucr & 0xFF)) {
                return i;
            }
        }
        return -1;
    }

    Outcome translate(int ea, int kind, int msr, int pid, long ramSize) {
        boolean fetch = kind == MissHandler.FETCH;
        boolean store = kind == MissHandler.STORE;
        int as = (msr & (fetch ? CpuState.MSR_IS : CpuState.MSR_DS)) != 0 ? 1 : 0;
        boolean user = (msr & CpuState.MSR_PR) != 0;
        for (int i = 0; i < 64; i++) {
            if (!matches(i, ea, as, pid)) {
                continue;
            }
            int w2 = word2[i];
            int bit = fetch ? (user ? 0x20 : 0x04) : store ? (user ? 0x10 : 0x02) : (user ? 0x08 : 0x01);
            if ((w2 & bit) == 0) {
                return Outcome.fault(fetch ? ExitReason.INSTRUCTION_STORAGE : ExitReason.DATA_STORAGE,
                        store ? CpuState.ESR_ST : 0, ea);
            }
            if ((w2 & 0x80) != 0) {
                return Outcome.fault(ExitReason.INTERNAL_ERROR, 0, ea);
            }
            long size = size(i);
            long physical = ((long) (word1[i] & 0xF) << 32) | ((word1[i] & 0xFFFFFC00L) & ~(size - 1))
                    | ((ea & 0xFFFFFFFFL) & (size - 1));
            return physical < ramSize ? Outcome.ram(physical) : Outcome.mmio(physical);
        }
        return Outcome.fault(fetch ? ExitReason.INSTRUCTION_TLB_MISS : ExitReason.DATA_TLB_MISS,
                store ? CpuState.ESR_ST : 0, ea);
    }
}
