package org.ppc440vm.tlb.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;
import org.ppc440vm.tlb.spi.HostTlb;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuCounters;
import org.ppc440vm.tlb.spi.MmuFactory;

/** The tlb bundle inside a real Felix: its MmuFactory service works and only its versioned SPI is exported. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TlbBundleIT {

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest("ppc440-cpu");
    }

    private MmuFactory factory() {
        ServiceReference<MmuFactory> ref = context.getServiceReference(MmuFactory.class);
        assertNotNull("an MmuFactory service is registered", ref);
        assertEquals("org.ppc440vm.tlb", ref.getBundle().getSymbolicName());
        MmuFactory factory = context.getService(ref);
        assertNotNull(factory);
        return factory;
    }

    @Test
    public void exportsOnlyTheVersionedSpi() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.tlb", Map.of("org.ppc440vm.tlb.spi", "1.1.0"));
    }

    @Test
    public void aTlbweThenAMissRefillsTheCache() {
        CpuState state = new CpuState();
        TranslationCache cache = new TranslationCache(256);
        GuestRam ram = new GuestRam(1 << 20);
        Mmu440 mmu = factory().create(state, cache, ram);
        mmu.setConsistencyChecking(true);
        // the boot entry Linux expects: EPN 0, 256 MiB, TS 0, TID 0, RPN 0, SX|SW|SR
        mmu.setMmucr(0);
        mmu.tlbwe(0, 0, Mmu440.TLB0_V | (Mmu440.SIZE_256M << Mmu440.TLB0_SIZE_SHIFT));
        mmu.tlbwe(0, 1, 0);
        mmu.tlbwe(0, 2, Mmu440.TLB2_SX | Mmu440.TLB2_SW | Mmu440.TLB2_SR);
        assertEquals(0, mmu.tlbsx(0x1234));

        assertEquals(MissHandler.REFILLED, mmu.miss(state, 0x1234, MissHandler.FETCH));
        int i = cache.index(0x1234);
        assertEquals(TranslationCache.tag(0x1234, state.fetchContext), cache.execTag[i]);
        assertEquals(0x1000, cache.ramOffset[i]);
        assertEquals(MissHandler.MMIO, mmu.miss(state, 0x00200000, MissHandler.LOAD));
        assertEquals(0x00200000L, state.trapPhysical);

        state.msr = CpuState.MSR_PR;
        mmu.contextChanged();
        assertEquals(MissHandler.FAULT, mmu.miss(state, 0x1234, MissHandler.STORE));
        assertSame(ExitReason.DATA_STORAGE, state.trap);
        assertEquals(CpuState.ESR_ST, state.trapEsr);

        Map<String, Long> counters = mmu.counters();
        assertEquals(Long.valueOf(1), counters.get(MmuCounters.ITLB_VIRTUAL));
        assertEquals(Long.valueOf(1), counters.get(MmuCounters.MMIO));
        assertEquals(Long.valueOf(1), counters.get(MmuCounters.DSI));
        assertTrue(mmu.checkConsistency().isEmpty());
    }

    @Test
    public void aHostTlbSharesOneCacheBetweenVcpus() {
        HostTlb host = factory().hostTlb(new TranslationCache(64));
        CpuState a = new CpuState();
        CpuState b = new CpuState();
        Mmu440 first = host.create(a, new GuestRam(1 << 20));
        Mmu440 second = host.create(b, new GuestRam(1 << 20));
        for (Mmu440 m : new Mmu440[] {first, second}) {
            m.tlbwe(0, 0, Mmu440.TLB0_V | (Mmu440.SIZE_1M << Mmu440.TLB0_SIZE_SHIFT));
            m.tlbwe(0, 2, Mmu440.TLB2_SR);
        }
        host.switchTo(first);
        assertEquals(MissHandler.REFILLED, first.miss(a, 0x5000, MissHandler.LOAD));
        host.switchTo(second);
        assertEquals(TranslationCache.INVALID, host.hardware().readTag[host.hardware().index(0x5000)]);
        host.switchTo(first);
        assertEquals(TranslationCache.tag(0x5000, a.dataContext),
                host.hardware().readTag[host.hardware().index(0x5000)]);
        assertEquals(3, host.switches());
    }
}
