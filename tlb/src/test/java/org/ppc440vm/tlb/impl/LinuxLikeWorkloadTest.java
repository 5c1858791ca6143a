package org.ppc440vm.tlb.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuCounters;

/**
 * A synthetic stand-in for a Linux boot's translation traffic, until a real boot can be measured: a kernel in one
 * pinned 256 MiB TID 0 entry, processes whose 4 KiB pages the guest's own TLB miss handler writes (round robin, TID =
 * PID, as the 44x handler does), system calls with KUAP's PID writes around every user copy, timer interrupts and
 * process switches. Each instruction counts as one fetch translation (a CPU with a decoded-block cache translates
 * less). The shadow TLB must serve all but a few per mille of the translations the guest TLB can make, and the guest
 * must see only real misses. (The figure for a real Linux boot waits for the CPU and kvm-core to run one.)
 */
class LinuxLikeWorkloadTest {
    private static final int USER_PERMS = 0x3F;
    private static final int KERNEL_PERMS = Mmu440.TLB2_SX | Mmu440.TLB2_SW | Mmu440.TLB2_SR;

    private TestCpu cpu;
    private SplittableRandom rnd;
    private int nextVictim;
    private long guestHandledMisses;
    /** Refills of the accesses retried after the guest's miss handler wrote their entry: the guest's doing. */
    private long missesAfterGuestMisses;

    @Test
    void theShadowTlbServesAlmostEveryTranslation() {
        cpu = TestCpu.alone(64 << 20, 4096);
        rnd = new SplittableRandom(440);
        cpu.writeEntry(63, 0, MissPathTest.w0(0xC0000000, Mmu440.SIZE_256M, 0), 0, KERNEL_PERMS);
        int pid = 1;
        returnToUser(pid); // the first process starts
        for (int slice = 0; slice < 400; slice++) {
            runUser(pid, 3000);
            syscall(pid);
            if (slice % 8 == 7) { // timer tick: the scheduler picks another process
                pid = 1 + (pid % 3);
                enterKernel();
                kernelWork(2000);
                returnToUser(pid);
            }
        }
        double hitRate = 1.0 - (double) cpu.misses / cpu.accesses;
        // The misses that are the shadow TLB's own: neither a guest TLB miss nor the refill right after the guest
        // wrote the missing entry (the guest's TLB holds 64 entries, the shadow thousands).
        long ownMisses = cpu.misses - guestHandledMisses - missesAfterGuestMisses;
        double ownMissRate = (double) ownMisses / cpu.accesses;
        System.out.printf("translations %d: served by the cache %.3f%%; guest TLB misses %d (%.3f%%), the shadow's own "
                + "misses %d (%.3f%%); %s%n", cpu.accesses, 100 * hitRate, guestHandledMisses,
                100.0 * guestHandledMisses / cpu.accesses, ownMisses, 100 * ownMissRate, cpu.mmu.counters());
        assertTrue(hitRate > 0.985, "hit rate " + hitRate);
        assertTrue(ownMissRate < 0.005, "the shadow's own miss rate " + ownMissRate);
        assertEquals(guestHandledMisses, cpu.counter(MmuCounters.ITLB_REAL) + cpu.counter(MmuCounters.DTLB_REAL));
        assertTrue(cpu.mmu.checkConsistency().isEmpty());
    }

    /**
     * A static binary as Linux lays it out: text from 0x10000000, data and heap after it, the stack below
     * 0xC0000000; every process at the same addresses (told apart by PID). Calls go mostly to nearby code.
     */
    private void runUser(int pid, int instructions) {
        int text = 0x10000000;
        int data = 0x10000000 + (96 << 12);
        int hot = rnd.nextInt(80); // the function the process is in
        int pc = text + (hot << 12) + (rnd.nextInt(1024) << 2);
        for (int n = 0; n < instructions; n++) {
            if (rnd.nextInt(40) == 0) {
                int page = rnd.nextInt(8) == 0 ? rnd.nextInt(96) : Math.max(0, Math.min(95, hot + rnd.nextInt(5) - 2));
                pc = text + (page << 12) + (rnd.nextInt(1024) << 2); // a call or a return
            }
            userAccess(pc, TestCpu.FETCH, pid);
            pc += 4;
            if (n % 3 == 0) {
                int ea = rnd.nextInt(3) == 0 ? 0xBFFFF000 - (rnd.nextInt(3) << 12) + (rnd.nextInt(1024) << 2) // stack
                        : data + (rnd.nextInt(24 + 4 * pid) << 12) + (rnd.nextInt(1024) << 2);
                userAccess(ea, rnd.nextBoolean() ? TestCpu.LOAD : TestCpu.STORE, pid);
            }
        }
    }

    /** A user access; a real TLB miss is handled the way Linux's 44x miss handler does, then the access retried. */
    private void userAccess(int ea, int kind, int pid) {
        Outcome o = cpu.access(ea, kind);
        if (o.kind() == Outcome.Kind.FAULT) {
            assertTrue(o.trap() == ExitReason.DATA_TLB_MISS || o.trap() == ExitReason.INSTRUCTION_TLB_MISS,
                    o::toString);
            guestHandledMisses++;
            int saved = cpu.state.msr;
            cpu.setMsr(0); // the interrupt
            int victim = nextVictim;
            nextVictim = (nextVictim + 1) % 62; // entries 62, 63 are pinned
            int rpn = 0x01000000 + (((ea >>> 12) * 0x9E37 + pid * 0x1000) & 0x1FFF) * 0x1000;
            cpu.writeEntry(victim, pid, MissPathTest.w0(ea & ~0xFFF, Mmu440.SIZE_4K, 0), rpn, USER_PERMS);
            cpu.setMsr(saved); // rfi
            long before = cpu.misses;
            o = cpu.access(ea, kind);
            missesAfterGuestMisses += cpu.misses - before;
            assertEquals(Outcome.Kind.RAM, o.kind(), o::toString);
        }
    }

    private void enterKernel() {
        cpu.setMsr(0);
        cpu.setPid(0); // kuap_save_and_lock
    }

    private void returnToUser(int pid) {
        cpu.setPid(pid); // kuap_user_restore
        cpu.setMsr(CpuState.MSR_PR | CpuState.MSR_EE);
    }

    private void syscall(int pid) {
        enterKernel();
        kernelWork(600);
        cpu.setPid(pid); // allow_user_access
        int user = 0x10000000 + (96 << 12) + (rnd.nextInt(24) << 12);
        for (int i = 0; i < 64; i++) {
            userAccess(user + i * 16, TestCpu.LOAD, pid); // copy_from_user
            cpu.access(0xC0800000 + (rnd.nextInt(64) << 12) + i * 16, TestCpu.STORE); // into a kernel buffer
        }
        cpu.setPid(0); // prevent_user_access
        kernelWork(400);
        returnToUser(pid);
    }

    /** Kernel text 0xC0000000-0xC05A6000 (hot paths in a few hundred pages), data, slab and stacks above _end. */
    private void kernelWork(int instructions) {
        int hot = rnd.nextInt(300);
        int pc = 0xC0000000 + (hot << 12);
        for (int n = 0; n < instructions; n++) {
            if (rnd.nextInt(30) == 0) {
                int page = rnd.nextInt(6) == 0 ? rnd.nextInt(300)
                        : Math.max(0, Math.min(299, hot + rnd.nextInt(9) - 4));
                pc = 0xC0000000 + (page << 12) + (rnd.nextInt(1024) << 2);
            }
            assertEquals(Outcome.Kind.RAM, cpu.access(pc, TestCpu.FETCH).kind());
            pc += 4;
            if (n % 3 == 0) {
                int ea = 0xC05A6000 + (rnd.nextInt(400) << 12) + (rnd.nextInt(1024) << 2);
                assertEquals(Outcome.Kind.RAM, cpu.access(ea, rnd.nextBoolean() ? TestCpu.LOAD : TestCpu.STORE).kind());
            }
        }
    }
}
