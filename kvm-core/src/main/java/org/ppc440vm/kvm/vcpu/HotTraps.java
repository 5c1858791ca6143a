package org.ppc440vm.kvm.vcpu;

import org.ppc440vm.cpu.spi.InstructionDisassembler;
import java.util.ArrayList;
import java.util.List;

import org.ppc440vm.api.exit.ExitReason;

/**
 * How often each guest PC trapped into the hypervisor: an open-addressing table from PC to count, with the last
 * instruction word and reason seen there, for the "hottest traps" list. Recording allocates nothing except when the
 * table grows (doubling, up to {@link #MAX_CAPACITY} PCs; beyond that new PCs are not tracked, old ones still count).
 * Written and read on the vCPU thread.
 */
final class HotTraps {
    static final int MAX_CAPACITY = 1 << 18;

    private int[] pcs;
    private long[] counts;
    private int[] words;
    private byte[] reasons;
    private boolean[] used;
    private int size;

    HotTraps() {
        allocate(1 << 12);
    }

    private void allocate(int capacity) {
        pcs = new int[capacity];
        counts = new long[capacity];
        words = new int[capacity];
        reasons = new byte[capacity];
        used = new boolean[capacity];
        size = 0;
    }

    private static int slot(int pc, int mask) {
        int h = pc * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    void record(int pc, int word, ExitReason reason) {
        int mask = pcs.length - 1;
        int i = slot(pc, mask);
        while (used[i]) {
            if (pcs[i] == pc) {
                counts[i]++;
                words[i] = word;
                reasons[i] = (byte) reason.ordinal();
                return;
            }
            i = (i + 1) & mask;
        }
        if (size * 4 >= pcs.length * 3) {
            if (pcs.length >= MAX_CAPACITY) {
                return;
            }
            grow();
            record(pc, word, reason);
            return;
        }
        used[i] = true;
        pcs[i] = pc;
        counts[i] = 1;
        words[i] = word;
        reasons[i] = (byte) reason.ordinal();
        size++;
    }

    private void grow() {
        int[] oldPcs = pcs;
        long[] oldCounts = counts;
        int[] oldWords = words;
        byte[] oldReasons = reasons;
        boolean[] oldUsed = used;
        allocate(oldPcs.length * 2);
        int mask = pcs.length - 1;
        for (int j = 0; j < oldPcs.length; j++) {
            if (oldUsed[j]) {
                int i = slot(oldPcs[j], mask);
                while (used[i]) {
                    i = (i + 1) & mask;
                }
                used[i] = true;
                pcs[i] = oldPcs[j];
                counts[i] = oldCounts[j];
                words[i] = oldWords[j];
                reasons[i] = oldReasons[j];
                size++;
            }
        }
    }

    void clear() {
        allocate(1 << 12);
    }

    long count(int pc) {
        int mask = pcs.length - 1;
        for (int i = slot(pc, mask); used[i]; i = (i + 1) & mask) {
            if (pcs[i] == pc) {
                return counts[i];
            }
        }
        return 0;
    }

    /** The {@code n} PCs with the most traps, as "0xPC  count  disassembly  (reason)", most first. */
    List<String> top(int n, InstructionDisassembler disassembler) {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < pcs.length; i++) {
            if (used[i]) {
                slots.add(i);
            }
        }
        slots.sort((a, b) -> Long.compare(counts[b], counts[a]) != 0 ? Long.compare(counts[b], counts[a])
                : Integer.compareUnsigned(pcs[a], pcs[b]));
        List<String> out = new ArrayList<>();
        for (int k = 0; k < Math.min(n, slots.size()); k++) {
            int i = slots.get(k);
            out.add(String.format("0x%08x  %10d  %-28s (%s)", pcs[i], counts[i],
                    disassembler.disassemble(words[i], pcs[i]), ExitReason.ofOrdinal(reasons[i]).name().toLowerCase()));
        }
        return out;
    }
}
