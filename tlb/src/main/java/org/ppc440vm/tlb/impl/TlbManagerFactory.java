package org.ppc440vm.tlb.impl;

import org.osgi.service.component.annotations.Component;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuFactory;

/** Publishes the three-tier TLB manager as the platform's {@link MmuFactory}. */
@Component(service = MmuFactory.class)
public final class TlbManagerFactory implements MmuFactory {

    @Override
    public Mmu440 create(CpuState state, TranslationCache cache, GuestRam ram) {
        // The guest/shadow/host tiers arrive with issue #4.
        throw new UnsupportedOperationException("the three-tier TLB is not built yet (issue #4)");
    }
}
