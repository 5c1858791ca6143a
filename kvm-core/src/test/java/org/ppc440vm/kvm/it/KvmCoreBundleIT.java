package org.ppc440vm.kvm.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import static java.util.stream.Collectors.toList;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.ppc440vm.api.exit.ExitAction;
import org.ppc440vm.api.exit.ExitHandler;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.kvm.spi.ExitHandlerRegistry;
import org.ppc440vm.kvm.spi.Hypervisor;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.kvm.spi.VirtualCpu;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.testing.BundleChecks;
import org.ppc440vm.testing.PaxOptions;

/** kvm-core inside a real Felix: its services come up, its SPI is exported with a version, handlers swap live. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KvmCoreBundleIT {

    @Inject
    BundleContext context;

    @Inject
    ExitHandlerRegistry registry;

    @Inject
    Hypervisor hypervisor;

    @Configuration
    public Option[] config() {
        return PaxOptions.bundleUnderTest("ppc440-cpu", "tlb");
    }

    @Test
    public void bundleIsActiveAndExportsOnlyItsVersionedSpi() {
        BundleChecks.assertActiveAndExports(context, "org.ppc440vm.kvm-core", Map.of("org.ppc440vm.kvm.spi", "1.1.0"));
    }

    @Test
    public void aRegisteredHandlerJoinsTheTableAndItsRemovalFallsBack() {
        long before = registry.generation();
        assertTrue(registry.handlers(ExitReason.SYSTEM_CALL).isEmpty());

        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ExitHandler.REASON_PROPERTY, "SYSTEM_CALL");
        props.put(Constants.SERVICE_RANKING, 10);
        ServiceRegistration<ExitHandler> reg =
                context.registerService(ExitHandler.class, (vcpu, exit) -> ExitAction.RESUME, props);
        try {
            List<String> handlers = registry.handlers(ExitReason.SYSTEM_CALL);
            assertEquals(1, handlers.size());
            assertTrue(handlers.get(0), handlers.get(0).contains("ranking 10"));
            assertTrue(registry.generation() > before);
            assertTrue(registry.handlers(ExitReason.MMIO).isEmpty());
        } finally {
            reg.unregister();
        }
        assertTrue("removing the handler falls back to the built-in one",
                registry.handlers(ExitReason.SYSTEM_CALL).isEmpty());
    }

    /**
     * A guest loops on {@code sc}, and its own system-call handler counts in r6. A replacement SYSTEM_CALL handler
     * registered while it runs takes over (it counts, the guest's handler no longer runs); once unregistered, the
     * built-in handler delivers system calls to the guest again. All on the real CPU and TLB bundles.
     */
    @Test
    public void aReplacementHandlerTakesOverWhileAGuestRunsAndItsRemovalFallsBack() throws Exception {
        GuestRam ram = new GuestRam(16 << 20);
        VirtualCpu vcpu = hypervisor.createVcpu(ram, new VcpuOptions());
        Mmu440 mmu = vcpu.mmu();
        mmu.tlbwe(0, 0, Mmu440.TLB0_V | (Mmu440.SIZE_256M << Mmu440.TLB0_SIZE_SHIFT));
        mmu.tlbwe(0, 1, 0);
        mmu.tlbwe(0, 2, Mmu440.TLB2_SX | Mmu440.TLB2_SW | Mmu440.TLB2_SR);
        vcpu.setSpr(63, 0); // IVPR
        vcpu.setSpr(408, 0x800); // IVOR8: system call
        ram.storeWord(0x800, 0x38C6_0001); // addi r6,r6,1
        ram.storeWord(0x804, 0x4C00_0064); // rfi
        ram.storeWord(0x1000, 0x4400_0002); // sc
        ram.storeWord(0x1004, 0x4BFF_FFFC); // b .-4
        vcpu.state().pc = 0x1000;
        vcpu.state().msr = 0;

        AtomicInteger guestCount = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Thread vcpuThread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Exit e = vcpu.run();
                if (e.reason() != ExitReason.TIMESLICE) {
                    failures.incrementAndGet();
                    return;
                }
                guestCount.set(vcpu.gpr(6));
                samples.incrementAndGet();
            }
        }, "vcpu0");
        vcpuThread.start();
        AtomicLong handled = new AtomicLong();
        try {
            awaitSample(vcpu, samples, () -> guestCount.get() > 100);

            Hashtable<String, Object> props = new Hashtable<>();
            props.put(ExitHandler.REASON_PROPERTY, ExitReason.SYSTEM_CALL.name());
            props.put(Constants.SERVICE_RANKING, 10);
            ServiceRegistration<ExitHandler> reg = context.registerService(ExitHandler.class, (v, exit) -> {
                handled.incrementAndGet();
                return ExitAction.RESUME; // the sc completed: the guest goes on after it
            }, props);
            try {
                awaitSample(vcpu, samples, () -> handled.get() > 100);
                int frozen = sample(vcpu, samples, guestCount);
                long before = handled.get();
                awaitSample(vcpu, samples, () -> handled.get() > before + 100);
                assertEquals("the guest's own handler no longer runs", frozen, sample(vcpu, samples, guestCount));
            } finally {
                reg.unregister();
            }
            int resumed = sample(vcpu, samples, guestCount);
            long afterRemoval = handled.get();
            awaitSample(vcpu, samples, () -> guestCount.get() > resumed + 100);
            assertEquals("the removed handler is not called any more", afterRemoval, handled.get());
            assertEquals(0, failures.get());
            assertTrue(vcpu.statistics().exits(ExitReason.SYSTEM_CALL) >= guestCount.get() + handled.get());
        } finally {
            vcpuThread.interrupt();
            vcpu.requestStop();
            vcpuThread.join(10_000);
        }
        // The statistics say who served: the replacement exactly the calls it saw, the built-in handler the rest.
        Map<String, Long> counters = vcpu.statistics().counters();
        List<String> replacement = counters.keySet().stream()
                .filter(k -> k.startsWith("handler.system_call.") && k.contains("ranking 10")).collect(toList());
        assertEquals(counters.toString(), 1, replacement.size());
        assertEquals(replacement.get(0), handled.get(), (long) counters.get(replacement.get(0)));
        long builtIn = counters.getOrDefault("handler.system_call.built-in", 0L);
        assertTrue(counters.toString(), builtIn >= guestCount.get());
        assertEquals("every system call was served by exactly one of them",
                vcpu.statistics().exits(ExitReason.SYSTEM_CALL), builtIn + handled.get());
    }

    /** Asks the vCPU thread for a fresh sample until {@code condition} holds (at most 20 s). */
    private static void awaitSample(VirtualCpu vcpu, AtomicInteger samples, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue("timed out waiting for the guest", System.nanoTime() < deadline);
            int n = samples.get();
            Thread.sleep(5);
            vcpu.requestStop();
            while (samples.get() == n && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
    }

    /** The guest's count after a fresh stop. */
    private static int sample(VirtualCpu vcpu, AtomicInteger samples, AtomicInteger guestCount)
            throws InterruptedException {
        int n = samples.get();
        vcpu.requestStop();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (samples.get() == n) {
            assertTrue("timed out waiting for the vCPU to stop", System.nanoTime() < deadline);
            Thread.sleep(1);
        }
        return guestCount.get();
    }

}
