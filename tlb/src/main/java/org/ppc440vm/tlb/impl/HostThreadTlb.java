package org.ppc440vm.tlb.impl;

import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.HostTlb;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * The host tier for a thread that runs several vCPUs: one translation cache (the thread's "hardware TLB") and the
 * vCPU whose shadow entries are in it. A switch is a save of the outgoing vCPU's live entries (their tags are
 * cleared from the cache; its {@link ShadowTlb} keeps them) and a restore of the incoming one's (its tags are written
 * back): O(live entries of the two), and afterwards each vCPU sees exactly the translations it had, so nothing is
 * refilled and nothing of one vCPU, or one VM, is visible to another.
 */
final class HostThreadTlb implements HostTlb {
    private final TranslationCache hardware;
    private TlbManager resident;
    private final boolean checking;
    private long switches;

    HostThreadTlb(TranslationCache hardware, boolean checking) {
        this.hardware = hardware;
        this.checking = checking;
        hardware.flush();
    }

    @Override
    public TranslationCache hardware() {
        return hardware;
    }

    @Override
    public Mmu440 create(CpuState state, GuestRam ram) {
        TlbManager mmu = new TlbManager(state, hardware, ram, this);
        mmu.setConsistencyChecking(checking);
        return mmu;
    }

    @Override
    public void switchTo(Mmu440 mmu) {
        if (!(mmu instanceof TlbManager) || ((TlbManager) mmu).host != this) {
            throw new IllegalArgumentException("this MMU was not made by this host TLB: " + mmu);
        }
        TlbManager incoming = (TlbManager) mmu;
        if (incoming == resident) {
            return;
        }
        if (resident != null) {
            resident.saveShadowForHost();
        }
        incoming.restoreShadowForHost();
        resident = incoming;
        switches++;
    }

    @Override
    public void release() {
        if (resident != null) {
            resident.saveShadowForHost();
            resident = null;
        }
    }

    @Override
    public Mmu440 resident() {
        return resident;
    }

    @Override
    public long switches() {
        return switches;
    }
}
