package org.ppc440vm.kvm.vcpu;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.ppc440vm.cpu.spi.CpuFactory;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.kvm.dispatch.TrapDispatcher;
import org.ppc440vm.kvm.spi.Hypervisor;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.kvm.spi.VirtualCpu;
import org.ppc440vm.tlb.spi.MmuFactory;

/**
 * The hypervisor service: makes {@link Vcpu440}s over the CPU bundle's cores and the tlb bundle's MMUs. The CPU
 * and MMU factories are static references (a vCPU keeps the core it was made with); exit handlers stay dynamic,
 * through the {@link TrapDispatcher} every vCPU dispatches with.
 */
@Component(service = Hypervisor.class)
public final class Hypervisor440 implements Hypervisor {
    private final CpuFactory cpus;
    private final MmuFactory mmus;
    private final TrapDispatcher dispatcher;

    @Activate
    public Hypervisor440(@Reference CpuFactory cpus, @Reference MmuFactory mmus, @Reference TrapDispatcher dispatcher) {
        this.cpus = cpus;
        this.mmus = mmus;
        this.dispatcher = dispatcher;
    }

    @Override
    public VirtualCpu createVcpu(GuestRam ram, VcpuOptions options) {
        return new Vcpu440(cpus, mmus, dispatcher, ram, options);
    }
}
