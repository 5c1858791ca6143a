package org.ppc440vm.kvm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ppc440vm.kvm.vcpu.Asm.*;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitAction;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.kvm.dispatch.TestRegistrations;
import org.ppc440vm.kvm.spi.VcpuOptions;

/** The run loop: halt, stop requests, power-off detection, the exit-handler whiteboard, statistics. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunLoopTest {

    @Test
    void haltIdlesUntilTheDecrementerAndCountsTheWakeUp() {
        TestGuest g = new TestGuest(); // icount: the idle time is skipped, not spent
        Prog p = new Prog().set(Spr.TCR, BookeTimers.TCR_DIE, 3).set(Spr.DEC, 400_000, 3) // 1 ms at 400 MHz
                .li32(3, CpuState.MSR_WE | CpuState.MSR_EE);
        p.add(mtmsr(3));
        int after = p.here(TestGuest.CODE);
        g.program(p.add(NOP).words());
        long instructionsBefore = g.s.instructions;
        g.runToVector(10);
        assertEquals(after, g.vcpu.regs.srr0, "woken right after the mtmsr that set WE");
        assertEquals(CpuState.MSR_WE | CpuState.MSR_EE, g.vcpu.regs.srr1, "SRR1 keeps WE, as on the 440");
        assertTrue(g.s.instructions - instructionsBefore < 100, "no instructions were spent idling");
        assertTrue(g.vcpu.clock.now() >= 400_000, "but the clock moved to the deadline");
        assertEquals(1, g.vcpu.stats.exits(ExitReason.HALT));
        assertEquals(1, g.vcpu.stats.eventCount(VcpuStatistics.HALT_WAKEUP));
    }

    @Test
    void aHaltedVcpuSleepsUntilAnotherThreadRaisesTheExternalInput() throws Exception {
        TestGuest g = new TestGuest(new VcpuOptions()); // host time
        g.program(new Prog().li32(3, CpuState.MSR_WE | CpuState.MSR_EE).add(mtmsr(3), NOP).words());
        Thread raiser = new Thread(() -> {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                return;
            }
            g.vcpu.setExternalInput(true);
        });
        long t0 = System.nanoTime();
        long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        raiser.start();
        g.runToVector(4);
        long waited = System.nanoTime() - t0;
        long cpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
        assertTrue(waited >= 140_000_000L, "woken by the line, not before: " + waited / 1e6 + " ms");
        assertTrue(cpu < waited / 2, "idle without burning the core: cpu " + cpu / 1e6 + " ms of " + waited / 1e6);
    }

    @Test
    void requestStopFromAnotherThreadEndsRunWithATimeslice() throws Exception {
        TestGuest g = new TestGuest(new VcpuOptions());
        g.program(addi(5, 5, 1), b(-4));
        new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            g.vcpu.requestStop();
        }).start();
        Exit e = g.run();
        assertEquals(ExitReason.TIMESLICE, e.reason());
        assertTrue(g.s.gpr[5] > 1000, "the guest ran meanwhile: " + g.s.gpr[5]);
        assertEquals(false, g.s.stopRequest, "the CPU's stop flag was cleared");
    }

    @Test
    void aBranchToSelfWithInterruptsOffIsAShutdown() {
        TestGuest g = new TestGuest();
        g.s.msr = CpuState.MSR_CE | CpuState.MSR_ME; // Linux's machine_hang: EE off, CE on, no critical source
        g.program(NOP, BRANCH_TO_SELF);
        Exit e = g.run();
        assertEquals(ExitReason.SHUTDOWN, e.reason());
        assertEquals(TestGuest.CODE + 4, e.pc());
    }

    @Test
    void aBranchToSelfThatAnInterruptCanLeaveIsNoShutdown() {
        TestGuest g = new TestGuest();
        g.s.msr = CpuState.MSR_EE; // waiting for an interrupt
        g.program(new Prog().set(Spr.TCR, BookeTimers.TCR_DIE, 3).set(Spr.DEC, 1_000_000, 3).add(BRANCH_TO_SELF)
                .words());
        g.runToVector(10);
        assertTrue(g.vcpu.clock.now() >= 1_000_000);
    }

    @Test
    void aRegisteredHandlerTakesOverAndItsRemovalFallsBack() {
        TestGuest g = new TestGuest();
        AtomicInteger seen = new AtomicInteger();
        Runnable unregister = TestRegistrations.register(g.dispatcher, (vcpu, exit) -> {
            seen.incrementAndGet();
            vcpu.setGpr(3, vcpu.gpr(3) + 100); // a "hypercall": handled without entering the guest's handler
            return ExitAction.RESUME;
        }, 5, "SYSTEM_CALL");
        g.program(SC, SC, mfdcr(31, 0x55));
        Exit e = g.run();
        assertEquals(0x55, e.dcr(), e::describe);
        assertEquals(2, seen.get());
        assertEquals(200, g.s.gpr[3]);
        assertEquals(2, g.vcpu.stats.exits(ExitReason.SYSTEM_CALL));

        unregister.run();
        g.s.pc = TestGuest.CODE;
        g.runToVector(8);
        assertEquals(2, seen.get(), "the built-in handler delivered it to the guest");
    }

    @Test
    void handlersThatPassLeaveTheTrapToTheBuiltInEmulation() {
        TestGuest g = new TestGuest();
        AtomicInteger seen = new AtomicInteger();
        TestRegistrations.register(g.dispatcher, (vcpu, exit) -> {
            assertEquals(ExitReason.PRIVILEGED_INSTRUCTION, exit.reason());
            seen.incrementAndGet();
            return ExitAction.PASS;
        }, 0, "PRIVILEGED_INSTRUCTION");
        g.program(li(3, 9), mtspr(Spr.SPRG0, 3), mfspr(4, Spr.SPRG0), mfdcr(31, 0x55));
        g.run();
        assertEquals(9, g.s.gpr[4]);
        assertEquals(3, seen.get(), "mtspr, mfspr and the mfdcr");
    }

    @Test
    void aDcrHandlerServesMfdcrWithoutAnExitToUserspace() {
        TestGuest g = new TestGuest();
        TestRegistrations.register(g.dispatcher, (vcpu, exit) -> {
            if (exit.dcr() != 0xC6) {
                return ExitAction.PASS;
            }
            exit.complete(0x1234);
            return ExitAction.RESUME;
        }, 0, "DCR");
        g.program(mfdcr(7, 0xC6), mfdcr(31, 0x55));
        Exit e = g.run();
        assertEquals(0x55, e.dcr());
        assertEquals(0x1234, g.s.gpr[7]);
        assertEquals(TestGuest.CODE + 4, e.pc());
    }

    @Test
    void aHandlerCanSendAnyExitToUserspace() {
        TestGuest g = new TestGuest();
        TestRegistrations.register(g.dispatcher, (vcpu, exit) -> ExitAction.TO_USERSPACE, 0, "DECREMENTER");
        g.program(new Prog().set(Spr.TCR, BookeTimers.TCR_DIE, 3).set(Spr.DEC, 100, 3).add(wrteei(1))
                .add(BRANCH_TO_SELF).words());
        Exit e = g.run();
        assertEquals(ExitReason.DECREMENTER, e.reason());
        assertEquals(CpuState.MSR_EE, g.s.msr, "the handler did not deliver it");
    }

    @Test
    void handlersSeeTheVcpuAsTheGuestDoes() {
        TestGuest g = new TestGuest();
        TestRegistrations.register(g.dispatcher, (vcpu, exit) -> {
            vcpu.setSpr(Spr.SPRG3, vcpu.spr(Spr.PVR));
            vcpu.deliverInterrupt(ExitReason.PROGRAM, CpuState.ESR_PTR, 0);
            return ExitAction.RESUME;
        }, 0, "SYSTEM_CALL");
        g.program(SC);
        g.runToVector(6);
        assertEquals(Core440.PVR_440EP_B, g.vcpu.regs.sprg0to3[3]);
        assertEquals(CpuState.ESR_PTR, g.vcpu.regs.esr);
        assertEquals("sc", g.vcpu.disassemble(TestGuest.CODE));
    }

    /**
     * On a busy host the vCPU thread is descheduled in the middle of some exits. A sampled exit that slow must not
     * be extrapolated to the ~16 exits it stands for (that made 40 ns exits look like 13 us ones): it counts once,
     * as an outlier. Here every exit is slow (a handler that waits), so the time recorded must be about one
     * sixteenth of the time really spent, not all of it.
     */
    @Test
    void slowSampledExitsAreCountedOnceNotExtrapolated() {
        TestGuest g = new TestGuest();
        long slow = Vcpu440.OUTLIER_NANOS + 100_000;
        long[] clock = new long[1];
        g.vcpu.hostNanos = () -> clock[0]; // host time passes only inside the handler: every exit takes `slow`
        TestRegistrations.register(g.dispatcher, (vcpu, exit) -> {
            clock[0] += slow;
            return ExitAction.PASS;
        }, 0, "PRIVILEGED_INSTRUCTION");
        Prog p = new Prog();
        for (int i = 0; i < 160; i++) {
            p.add(mtspr(Spr.SPRG0, 3));
        }
        p.add(mfdcr(31, 0x55));
        g.program(p.words());
        g.run();
        VcpuStatistics st = g.vcpu.stats;
        assertEquals(160, st.exits(ExitReason.PRIVILEGED_INSTRUCTION));
        long outliers = st.eventCount(VcpuStatistics.TIMING_OUTLIERS);
        assertTrue(outliers >= 3 && outliers < 40, "about one exit in 16 is sampled: " + outliers);
        assertEquals(outliers * slow, st.exitNanos(ExitReason.PRIVILEGED_INSTRUCTION) + st.exitNanos(ExitReason.DCR),
                "each outlier counts its own time once (extrapolated, the 161 exits would total 161 x " + slow + ")");
        assertEquals(outliers, st.counters().get("exit_timing_outliers"));
    }

    /** Ordinary sampled exits are still extrapolated: the estimate stays about right for the exits not timed. */
    @Test
    void fastSampledExitsStandForTheExitsBetweenSamples() {
        TestGuest g = new TestGuest();
        long[] clock = new long[1];
        g.vcpu.hostNanos = () -> clock[0];
        TestRegistrations.register(g.dispatcher, (vcpu, exit) -> {
            clock[0] += 1_000;
            return ExitAction.PASS;
        }, 0, "PRIVILEGED_INSTRUCTION");
        Prog p = new Prog();
        for (int i = 0; i < 400; i++) {
            p.add(mtspr(Spr.SPRG0, 3));
        }
        p.add(mfdcr(31, 0x55));
        g.program(p.words());
        g.run();
        VcpuStatistics st = g.vcpu.stats;
        long total = st.exitNanos(ExitReason.PRIVILEGED_INSTRUCTION) + st.exitNanos(ExitReason.DCR);
        assertEquals(0, st.eventCount(VcpuStatistics.TIMING_OUTLIERS));
        assertTrue(total > 300 * 1_000L && total <= 401 * 1_000L, "401 exits of 1 us each, estimated " + total);
    }

    @Test
    void statisticsCountExitsAndEmulatedInstructionsWithTheirTimeAndTheHottestPcs() {
        TestGuest g = new TestGuest();
        Prog p = new Prog();
        int loop = p.here(TestGuest.CODE);
        p.add(mtspr(Spr.SPRG0, 3), mtspr(Spr.PID, 3), addi(5, 5, 1));
        for (int i = 0; i < 10; i++) {
            p.add(mtspr(Spr.SPRG0 + 1, 3));
        }
        p.add(mfdcr(31, 0x55));
        p.add(b(loop - p.here(TestGuest.CODE)));
        g.program(p.words());
        for (int i = 0; i < 50; i++) {
            Exit e = g.run();
            assertEquals(ExitReason.DCR, e.reason());
        }
        VcpuStatistics st = g.vcpu.stats;
        assertEquals(50 * 12, st.exits(ExitReason.PRIVILEGED_INSTRUCTION));
        assertEquals(50, st.exits(ExitReason.DCR));
        assertEquals(50 * 12, st.eventCount(VcpuStatistics.MTSPR));
        assertEquals(50 * 12, st.counters().get("mtspr"));
        assertTrue(st.exitNanos(ExitReason.PRIVILEGED_INSTRUCTION) > 0);
        assertTrue(st.eventNanos(VcpuStatistics.MTSPR) > 0);
        assertTrue(st.instructions() >= 50 * 14);
        assertTrue(st.toString().contains("privileged_instruction"), st.toString());
        assertTrue(st.toString().contains("mtspr"), st.toString());

        List<String> hot = g.vcpu.hottestTraps(3);
        assertEquals(3, hot.size());
        for (String line : hot) {
            assertTrue(line.contains("50"), line);
        }
        assertTrue(hot.get(0).startsWith(String.format("0x%08x", TestGuest.CODE)), "ties in PC order: " + hot);
        assertTrue(hot.get(0).contains("mtsprg 0,r3"), hot.get(0));
        assertTrue(hot.get(0).contains("privileged_instruction"), hot.get(0));
    }

    @Test
    void statisticsAreReadableWhileTheGuestRuns() throws Exception {
        TestGuest g = new TestGuest(new VcpuOptions());
        g.program(mtspr(Spr.SPRG0, 3), b(-4));
        Thread vcpuThread = new Thread(g.vcpu::run);
        vcpuThread.start();
        long seen = 0;
        for (int i = 0; i < 200 && seen < 1000; i++) {
            Thread.sleep(5);
            seen = g.vcpu.statistics().exits(ExitReason.PRIVILEGED_INSTRUCTION);
        }
        g.vcpu.requestStop();
        vcpuThread.join(5000);
        assertTrue(seen >= 1000, "live counts visible from another thread: " + seen);
        assertNotEquals(0L, g.vcpu.statistics().counters().get("mtspr"));
    }

    @Test
    void resetReturnsTheCoreToPowerOn() {
        TestGuest g = new TestGuest();
        g.program(new Prog().set(Spr.SPRG0, 5, 3).set(Spr.TCR, BookeTimers.TCR_DIE, 3).add(mfdcr(31, 0x55)).words());
        g.s.msr = CpuState.MSR_EE;
        g.s.pid = 7;
        g.run();
        g.vcpu.reset();
        assertEquals(Vcpu440.RESET_VECTOR, g.s.pc);
        assertEquals(0, g.s.msr);
        assertEquals(0, g.s.pid);
        assertEquals(0, g.vcpu.spr(Spr.SPRG0));
        assertEquals(0, g.vcpu.spr(Spr.TCR));
        assertEquals(0, g.vcpu.regs.dbsr, "a power-on reset records no cause");
        assertEquals(0, g.s.gpr[3]);
    }
}
