/**
 * The virtual PPC440 core (private to kvm-core). {@link org.ppc440vm.kvm.vcpu.Vcpu440} runs the guest on the CPU
 * bundle at user privilege and handles every trap through the {@link org.ppc440vm.kvm.dispatch.TrapDispatcher};
 * {@link org.ppc440vm.kvm.vcpu.Hypervisor440} makes them.
 *
 * <p>The split follows Linux KVM's booke.c / 44x.c: the Book E layer is core-independent
 * ({@link org.ppc440vm.kvm.vcpu.BookeEmulator} for the privileged instructions every Book E core has, interrupt
 * delivery in {@code Vcpu440}, {@link org.ppc440vm.kvm.vcpu.BookeTimers}, {@link org.ppc440vm.kvm.vcpu.BookeRegisters}),
 * and the 440's own parts sit behind {@link org.ppc440vm.kvm.vcpu.CoreModel} in
 * {@link org.ppc440vm.kvm.vcpu.Core440} (PVR, MSR bits, MMUCR, CCR0/1, TLB and cache instructions, DCR ownership).
 * Device accesses are decoded and finished by {@link org.ppc440vm.kvm.vcpu.MmioAccess}; time comes from
 * {@link org.ppc440vm.kvm.vcpu.GuestClock} (host time, or instructions retired with -icount); counters and the
 * hottest trapping PCs from {@link org.ppc440vm.kvm.vcpu.VcpuStatistics} and {@link org.ppc440vm.kvm.vcpu.HotTraps}.
 */
package org.ppc440vm.kvm.vcpu;
