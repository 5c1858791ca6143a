package org.ppc440vm.kvm.vcpu;

import java.util.Arrays;

/** A guest program under construction: instruction words, with a 32-bit load-immediate helper. */
final class Prog {
    private int[] words = new int[16];
    private int n;

    Prog add(int... ws) {
        for (int w : ws) {
            if (n == words.length) {
                words = Arrays.copyOf(words, n * 2);
            }
            words[n++] = w;
        }
        return this;
    }

    /** rT = value (lis + ori). */
    Prog li32(int rt, int value) {
        return add(Asm.lis(rt, value >>> 16), Asm.ori(rt, rt, value & 0xFFFF));
    }

    /** mtspr sprn, value (through r31... careful: clobbers {@code scratch}). */
    Prog set(int sprn, int value, int scratch) {
        return li32(scratch, value).add(Asm.mtspr(sprn, scratch));
    }

    /** The address the next instruction will have, counting from {@code base}. */
    int here(int base) {
        return base + 4 * n;
    }

    int[] words() {
        return Arrays.copyOf(words, n);
    }
}
