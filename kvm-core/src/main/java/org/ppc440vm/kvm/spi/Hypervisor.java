package org.ppc440vm.kvm.spi;

import org.ppc440vm.cpu.spi.GuestRam;

/**
 * The hypervisor, as the VMM's userspace (the board) sees it: it makes virtual CPUs over a guest's RAM. Registered
 * as a service by kvm-core. Like KVM's vCPU file descriptor, each {@link VirtualCpu} is then driven by calling
 * {@link VirtualCpu#run()} in a loop on one thread and completing the exits it returns.
 */
public interface Hypervisor {

    VirtualCpu createVcpu(GuestRam ram, VcpuOptions options);
}
