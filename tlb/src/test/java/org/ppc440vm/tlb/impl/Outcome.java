package org.ppc440vm.tlb.impl;

import org.ppc440vm.api.exit.ExitReason;

/** What one access came to: RAM or a device at a physical address, or a fault for the guest. */
record Outcome(Kind kind, long physical, ExitReason trap, int esr, int address) {
    enum Kind { RAM, MMIO, FAULT }

    static Outcome ram(long physical) {
        return new Outcome(Kind.RAM, physical, null, 0, 0);
    }

    static Outcome mmio(long physical) {
        return new Outcome(Kind.MMIO, physical, null, 0, 0);
    }

    static Outcome fault(ExitReason trap, int esr, int address) {
        return new Outcome(Kind.FAULT, 0, trap, esr, address);
    }

    @Override
    public String toString() {
        return kind == Kind.FAULT
                ? trap + " esr=0x" + Integer.toHexString(esr) + " addr=0x" + Integer.toHexString(address)
                : kind + "@0x" + Long.toHexString(physical);
    }
}
