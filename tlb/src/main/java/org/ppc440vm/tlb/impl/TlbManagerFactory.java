package org.ppc440vm.tlb.impl;

import org.osgi.service.component.annotations.Component;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.HostTlb;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuFactory;

/**
 * Publishes the three-tier TLB manager as the platform's {@link MmuFactory}. The consistency check ({@code -d
 * tlb-check}) is switched per MMU through {@link Mmu440#setConsistencyChecking}, which kvm-core calls from its vCPU
 * options; the command line is read in one place only.
 */
@Component(service = MmuFactory.class)
public final class TlbManagerFactory implements MmuFactory {
    private volatile boolean checking;

    /** Consistency checking for every MMU made from now on (tests, benchmarks). */
    void setChecking(boolean on) {
        checking = on;
    }

    @Override
    public Mmu440 create(CpuState state, TranslationCache cache, GuestRam ram) {
        TlbManager mmu = new TlbManager(state, cache, ram, null);
        mmu.setConsistencyChecking(checking);
        return mmu;
    }

    @Override
    public HostTlb hostTlb(TranslationCache hardware) {
        return new HostThreadTlb(hardware, checking);
    }
}
