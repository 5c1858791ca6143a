package org.ppc440vm.kvm.vcpu;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitAction;
import org.ppc440vm.api.exit.ExitHandler;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.exit.Vcpu;
import org.ppc440vm.api.vm.VmStatistics;
import org.ppc440vm.cpu.spi.Cpu;
import org.ppc440vm.cpu.spi.CpuFactory;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;
import org.ppc440vm.kvm.dispatch.TrapDispatcher;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.kvm.spi.VirtualCpu;
import org.ppc440vm.tlb.spi.Mmu440;
import org.ppc440vm.tlb.spi.MmuFactory;

/**
 * One virtual PPC440 core: the run loop that executes the guest on the CPU bundle at user privilege and handles
 * every trap, the guest's supervisor state, Book E interrupt delivery and the timers.
 *
 * <h2>The run loop</h2>
 * Each turn: honour a stop request; look at the clock when the instruction budget of the last slice is used up
 * (timers advance, a watchdog reset happens); deliver the highest-priority asynchronous interrupt the guest's MSR
 * lets through; idle while the guest waits with MSR[WE]; otherwise run the CPU for the rest of the slice. A trap goes
 * through the {@link TrapDispatcher} (whiteboard handlers first, then {@link #builtIn}); an exit that needs
 * userspace returns from {@link #run()}, and the next {@code run()} finishes the instruction (the loaded value into
 * its register, the PC past it).
 *
 * <p>The slice is the number of instructions until the next look at the clock: in icount mode exactly the
 * instructions until the next timer deadline (so interrupts arrive at the same instruction in every run), in host
 * mode a fixed {@link #HOST_SLICE} after which host time is read.
 *
 * <h2>Threads</h2>
 * Only the thread in {@link #run()} touches the vCPU, except {@link #setExternalInput}, {@link #setCriticalInput},
 * {@link #requestStop()} and {@link #statistics()}, which set volatile flags (and {@link CpuState#stopRequest}, so
 * the CPU returns at its next block boundary) and unpark the vCPU thread if it idles.
 */
public final class Vcpu440 implements VirtualCpu {
    /** Host mode: instructions between two looks at the host clock (about 0.1-1 ms of guest time). */
    static final long HOST_SLICE = 20_000;
    /** icount mode: the longest slice, so that stop requests and power-off detection stay prompt. */
    static final long ICOUNT_SLICE = 200_000;
    /** The longest a halted vCPU sleeps before it looks again (guards against a lost wake-up). */
    private static final long MAX_IDLE_NANOS = 50_000_000L;
    /** What {@link #readSpr} answers for an SPR the core does not have (or cannot read). */
    static final long UNDEFINED_SPR = Long.MIN_VALUE;
    /** The 440's reset vector: the last word of the address space. */
    static final int RESET_VECTOR = 0xFFFF_FFFC;
    /** {@code b .}: the branch-to-self a powered-off guest spins in. */
    static final int BRANCH_TO_SELF = 0x4800_0000;

    private static final int CONTEXT_BITS = CpuState.MSR_PR | CpuState.MSR_IS | CpuState.MSR_DS;

    final int index;
    final GuestRam ram;
    final Cpu cpu;
    final CpuState state;
    final Mmu440 mmu;
    final CoreModel core;
    final TrapDispatcher dispatcher;
    final GuestClock clock;
    final BookeTimers timers = new BookeTimers();
    final BookeRegisters regs = new BookeRegisters();
    final ExitRecord exit = new ExitRecord();
    final BookeEmulator emulator;
    final VcpuStatistics stats;
    final HotTraps hotTraps = new HotTraps();
    /** The default sampling stride of exit timing (see {@link #nextTimingInterval()}). */
    static final int TIMING_STRIDE = 16;
    /**
     * A timed exit longer than this is an outlier, not extrapolated: the slowest exits the hypervisor itself handles
     * (tlbwe, a delivered interrupt) take microseconds, while a vCPU thread descheduled on a busy host (or stopped
     * by a GC pause) loses milliseconds; weighted by its sampling interval, one such pause made PRIVILEGED_INSTRUCTION
     * exits look like 13 us each on a loaded machine when they cost about 40 ns.
     */
    static final long OUTLIER_NANOS = 200_000;
    /** The host clock exit timing reads (a test replaces it to make sampled durations exact). */
    java.util.function.LongSupplier hostNanos = System::nanoTime;
    private int timingStride = TIMING_STRIDE;
    private int timingRandom = 0x2545_F491;
    /** Exits left until the next timed one, and how many exits that one stands for. */
    private int untimedExits = 1;
    private int timingWeight = 1;
    /** The built-in handler of every reason: the last in each dispatch chain. One object, so the call is monomorphic. */
    private final ExitHandler builtIn = this::builtIn;

    private volatile boolean externalLine;
    private volatile boolean criticalLine;
    private volatile boolean stopRequested;
    private volatile Thread runner;

    /** The instruction count at which the run loop next looks at the clock. */
    long nextCheck;
    /** The HALT exit of the current MSR[WE] wait has been dispatched. */
    private boolean haltAnnounced;
    /** The statistics event of the exit being handled. */
    private int event;
    /** DBCR0[RST] (or the watchdog's TCR[WRC]) of the reset that {@link #reset()} performs next; 0 for power-on. */
    private int resetKind;
    /** The reset {@link #reset()} performs next was the watchdog's. */
    private boolean watchdogReset;

    /**
     * A vCPU over {@code ram}: a CPU from {@code cpus}, an MMU from {@code mmus} filling that CPU's translation
     * cache, traps dispatched by {@code dispatcher}. The core starts in its power-on state.
     */
    public Vcpu440(CpuFactory cpus, MmuFactory mmus, TrapDispatcher dispatcher, GuestRam ram, VcpuOptions options) {
        this.index = options.index();
        this.ram = ram;
        this.dispatcher = dispatcher;
        exit.disassembler = cpus.disassembler();
        // The CPU needs its miss handler when it is made, and the MMU needs the CPU's state and cache: a forwarder
        // breaks the cycle (one extra monomorphic call per translation miss, never per instruction).
        MissForwarder misses = new MissForwarder();
        this.cpu = cpus.create(ram, misses, options.translationCacheEntries());
        this.state = cpu.state();
        this.mmu = mmus.create(state, cpu.translationCache(), ram);
        misses.target = mmu;
        mmu.setConsistencyChecking(options.tlbCheck());
        this.core = new Core440(mmu, cpu, ram.size());
        this.clock = new GuestClock(state, options.timebaseHz(), options.icountShift());
        this.emulator = new BookeEmulator(this, core);
        this.stats = new VcpuStatistics(state, mmu);
        state.timeBase = this::timeBase;
        reset();
    }

    /** Passes the CPU's translation misses to the MMU made after the CPU. */
    private static final class MissForwarder implements MissHandler {
        Mmu440 target;

        @Override
        public int miss(CpuState s, int ea, int kind) {
            return target.miss(s, ea, kind);
        }
    }

    long timeBase() {
        return timers.timeBase(clock.now());
    }

    // ---- the run loop ----

    @Override
    public Exit run() {
        runner = Thread.currentThread();
        // The loader (or a debugger) may have set MSR or PID directly: the translation contexts must follow.
        mmu.contextChanged();
        if (exit.finish != ExitRecord.FINISH_NONE) {
            if (state.pc == exit.pc) {
                MmioAccess.finish(exit, state);
            } else {
                exit.finish = ExitRecord.FINISH_NONE; // userspace moved the PC: it abandoned the access
            }
        }
        for (;;) {
            if (state.stopRequest) {
                state.stopRequest = false; // cleared before the flags are read, so no request is lost
            }
            if (stopRequested) {
                stopRequested = false;
                exit.begin(ExitReason.TIMESLICE, state.pc, 0);
                stats.exit(ExitReason.TIMESLICE, 0);
                return exit;
            }
            if (state.instructions >= nextCheck && checkClock() == ExitAction.TO_USERSPACE) {
                return exit;
            }
            if (timers.pending() != 0 || externalLine || criticalLine) {
                ExitReason due = deliverableInterrupt();
                if (due != null) {
                    if (dispatchAsync(due) == ExitAction.TO_USERSPACE) {
                        return exit;
                    }
                    continue;
                }
            }
            if ((state.msr & CpuState.MSR_WE) != 0) {
                if (halt() == ExitAction.TO_USERSPACE) {
                    return exit;
                }
                continue;
            }
            haltAnnounced = false;
            ExitReason r = cpu.run(nextCheck - state.instructions);
            if (r == ExitReason.TIMESLICE) {
                stats.exit(ExitReason.TIMESLICE, 0);
                if (state.instructions >= nextCheck && poweredOff()) {
                    exit.begin(ExitReason.SHUTDOWN, state.pc, BRANCH_TO_SELF);
                    if (dispatchTimed(VcpuStatistics.OTHER) == ExitAction.TO_USERSPACE) {
                        return exit;
                    }
                }
                continue;
            }
            if (handleTrap(r) == ExitAction.TO_USERSPACE) {
                return exit;
            }
        }
    }

    /** Brings the timers up to now and plans the next slice; dispatches a watchdog reset. */
    private ExitAction checkClock() {
        long now = clock.now();
        timers.advance(now);
        long slice = clock.icount() ? ICOUNT_SLICE : HOST_SLICE;
        long deadline = timers.nextDeadline();
        if (clock.icount() && deadline != BookeTimers.NEVER) {
            slice = Math.min(slice, clock.instructionsFor(deadline - now));
        }
        nextCheck = state.instructions + slice;
        if (timers.takeResetRequest()) {
            resetKind = timers.readTcr() & BookeTimers.TCR_WRC;
            watchdogReset = true;
            exit.begin(ExitReason.RESET, state.pc, 0);
            exit.message = "watchdog";
            return dispatchTimed(VcpuStatistics.WATCHDOG);
        }
        return ExitAction.RESUME;
    }

    /** The next clock look happens before the CPU runs again (a timer register changed). */
    private void checkClockSoon() {
        nextCheck = state.instructions;
    }

    /** The highest-priority asynchronous interrupt the guest's MSR lets through now, or null. */
    private ExitReason deliverableInterrupt() {
        int msr = state.msr;
        int pending = timers.pending();
        if ((msr & CpuState.MSR_CE) != 0) {
            if (criticalLine) {
                return ExitReason.CRITICAL_INPUT;
            }
            if ((pending & BookeTimers.PENDING_WATCHDOG) != 0) {
                return ExitReason.WATCHDOG;
            }
        }
        if ((msr & CpuState.MSR_EE) != 0) {
            if (externalLine) {
                return ExitReason.EXTERNAL_INPUT;
            }
            if ((pending & BookeTimers.PENDING_FIT) != 0) {
                return ExitReason.FIXED_INTERVAL_TIMER;
            }
            if ((pending & BookeTimers.PENDING_DEC) != 0) {
                return ExitReason.DECREMENTER;
            }
        }
        return null;
    }

    private ExitAction dispatchAsync(ExitReason reason) {
        boolean wasWaiting = (state.msr & CpuState.MSR_WE) != 0;
        exit.begin(reason, state.pc, 0);
        ExitAction a = dispatchTimed(asyncEvent(reason));
        if (wasWaiting && (state.msr & CpuState.MSR_WE) == 0) {
            stats.event(VcpuStatistics.HALT_WAKEUP, 0);
        }
        return a;
    }

    private static int asyncEvent(ExitReason reason) {
        switch (reason) {
            case CRITICAL_INPUT: return VcpuStatistics.CRIT_INTR;
            case WATCHDOG: return VcpuStatistics.WATCHDOG;
            case EXTERNAL_INPUT: return VcpuStatistics.EXT_INTR;
            case FIXED_INTERVAL_TIMER: return VcpuStatistics.FIT;
            default: return VcpuStatistics.DEC;
        }
    }

    /**
     * MSR[WE]: the guest waits for an interrupt. The first turn dispatches a HALT exit (whose built-in handler idles
     * here); then the thread sleeps until the next timer deadline, an interrupt line or a stop request. In icount
     * mode the clock jumps to the deadline (the guest cannot tell idle time from instructions), and the thread still
     * sleeps the equivalent host time so that an idle guest neither burns a core nor outruns the wall clock.
     */
    private ExitAction halt() {
        if (!haltAnnounced) {
            haltAnnounced = true;
            exit.begin(ExitReason.HALT, state.pc, 0);
            if (dispatchTimed(VcpuStatistics.HALT) == ExitAction.TO_USERSPACE) {
                return ExitAction.TO_USERSPACE;
            }
        }
        long now = clock.now();
        long deadline = timers.nextDeadline();
        long sleepNanos = deadline == BookeTimers.NEVER ? MAX_IDLE_NANOS : clock.ticksToNanos(deadline - now);
        if (clock.icount() && deadline != BookeTimers.NEVER) {
            clock.warp(deadline - now);
        }
        long until = System.nanoTime() + sleepNanos;
        for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
            if (stopRequested || externalLine || criticalLine) {
                break;
            }
            if (Thread.currentThread().isInterrupted()) {
                stopRequested = true; // an interrupted vCPU thread stops at this exit boundary
                break;
            }
            LockSupport.parkNanos(this, Math.min(left, MAX_IDLE_NANOS)); // bounded: a lost wake-up costs little
        }
        checkClockSoon();
        return ExitAction.RESUME;
    }

    /**
     * The guest powered off: it spins in a branch to itself with MSR[EE]=0 and nothing that could still interrupt
     * it (critical input low or masked, the watchdog unable to interrupt or reset). Machine check and debug
     * interrupts have no source here.
     */
    private boolean poweredOff() {
        int msr = state.msr;
        if ((msr & CpuState.MSR_EE) != 0) {
            return false;
        }
        int tcr = timers.readTcr();
        if ((msr & CpuState.MSR_CE) != 0 && (criticalLine || (tcr & BookeTimers.TCR_WIE) != 0)) {
            return false;
        }
        if ((tcr & BookeTimers.TCR_WRC) != 0) {
            return false;
        }
        return fetchWord(state.pc) == (BRANCH_TO_SELF & 0xFFFF_FFFFL);
    }

    /** Handles one trap the CPU returned. */
    private ExitAction handleTrap(ExitReason r) {
        exit.begin(r, state.trapPc, state.trapInstruction);
        switch (r) {
            case MMIO: {
                int decoded = MmioAccess.decode(exit, state, state.trapPhysical);
                if (decoded == MmioAccess.NO_OP) {
                    state.pc += 4;
                    state.instructions++;
                    hotTraps.record(exit.pc, exit.instruction, r);
                    stats.exit(r, 0);
                    return ExitAction.RESUME;
                }
                if (decoded == MmioAccess.ALIGNMENT) {
                    int ea = exit.effectiveAddress;
                    exit.begin(ExitReason.ALIGNMENT, state.trapPc, state.trapInstruction);
                    exit.address = ea & 0xFFFF_FFFFL;
                    exit.esr = CpuState.ESR_ST;
                }
                break;
            }
            case DATA_STORAGE:
            case DATA_TLB_MISS:
            case ALIGNMENT:
            case INSTRUCTION_STORAGE:
            case INSTRUCTION_TLB_MISS:
            case PROGRAM:
                exit.address = state.trapAddress & 0xFFFF_FFFFL;
                exit.esr = state.trapEsr;
                break;
            case INTERNAL_ERROR:
                exit.internalError(String.format("the CPU or MMU cannot go on (effective address 0x%08x; a "
                        + "little-endian page, or an access the translation SPI cannot serve)", state.trapAddress));
                break;
            default:
                break;
        }
        hotTraps.record(exit.pc, exit.instruction, r);
        return dispatchTimed(VcpuStatistics.OTHER);
    }

    /**
     * Dispatches {@link #exit} through the whiteboard to the built-in handler, counting its reason and event with
     * the host time it took; finishes an MMIO or DCR access a handler completed.
     */
    private ExitAction dispatchTimed(int defaultEvent) {
        event = defaultEvent;
        if (--untimedExits > 0) {
            ExitAction a = dispatch();
            stats.count(exit.reason, event);
            return a;
        }
        // A sampled exit: it stands for the exits since the previous sample (see timingInterval).
        long weight = timingWeight;
        long t0 = hostNanos.getAsLong();
        ExitAction a = dispatch();
        long dt = hostNanos.getAsLong() - t0;
        int next = nextTimingInterval();
        untimedExits = next;
        if (dt > OUTLIER_NANOS) {
            // The thread was most likely descheduled or paused mid-exit: count this exit's own time once, and let
            // the next sample stand for the exits this one was to represent (the estimate stays unbiased).
            stats.event(VcpuStatistics.TIMING_OUTLIERS, 0);
            timingWeight = (int) Math.min(Integer.MAX_VALUE, next + weight - 1);
        } else {
            dt *= weight;
            timingWeight = next;
        }
        stats.exit(exit.reason, dt);
        stats.event(event, dt);
        return a;
    }

    private ExitAction dispatch() {
        ExitAction a = dispatcher.dispatch(this, exit, builtIn, stats.handlers);
        if (a != ExitAction.TO_USERSPACE && exit.finish != ExitRecord.FINISH_NONE) {
            MmioAccess.finish(exit, state); // a handler served the access itself
        }
        return a == ExitAction.TO_USERSPACE ? a : ExitAction.RESUME;
    }

    /**
     * Exit timing samples: System.nanoTime costs 20-80 ns on common hosts (kvm-clock), as much as a whole emulated
     * mtspr, so only about one exit in {@link #TIMING_STRIDE} is timed, at pseudo-random intervals (so that a
     * guest loop cannot line its exits up with the samples) and weighted by its interval: the totals are unbiased
     * estimates, the counts exact. A stride of 1 times every exit.
     */
    private int nextTimingInterval() {
        if (timingStride <= 1) {
            return 1;
        }
        int x = timingRandom; // xorshift32: deterministic, and only host-side timing depends on it
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        timingRandom = x;
        return 1 + Integer.remainderUnsigned(x, 2 * timingStride - 1);
    }

    /** Times every exit ({@code 1}) or about one in {@code stride}. */
    void setTimingStride(int stride) {
        timingStride = Math.max(1, stride);
        timingWeight = untimedExits = nextTimingInterval();
    }

    /** The hypervisor's own handling of every exit reason: the last handler of every dispatch chain. */
    private ExitAction builtIn(Vcpu v, Exit e) {
        ExitRecord x = exit;
        switch (x.reason) {
            case PRIVILEGED_INSTRUCTION:
                return emulatePrivileged(x);
            case PROGRAM:
                return deliver(VcpuStatistics.PROGRAM, ExitReason.PROGRAM, x.esr, 0);
            case SYSTEM_CALL:
                return deliver(VcpuStatistics.SYSCALL, ExitReason.SYSTEM_CALL, 0, 0);
            case FP_UNAVAILABLE:
            case AUX_UNAVAILABLE:
                return deliver(VcpuStatistics.FP_UNAVAILABLE, x.reason, 0, 0);
            case ALIGNMENT:
                return deliver(VcpuStatistics.ALIGNMENT, ExitReason.ALIGNMENT, x.esr, (int) x.address);
            case DATA_STORAGE:
                return deliver(VcpuStatistics.STORAGE, ExitReason.DATA_STORAGE, x.esr, (int) x.address);
            case INSTRUCTION_STORAGE:
                return deliver(VcpuStatistics.STORAGE, ExitReason.INSTRUCTION_STORAGE, x.esr, 0);
            case DATA_TLB_MISS:
                return deliver(VcpuStatistics.DTLB_MISS, ExitReason.DATA_TLB_MISS, x.esr, (int) x.address);
            case INSTRUCTION_TLB_MISS:
                return deliver(VcpuStatistics.ITLB_MISS, ExitReason.INSTRUCTION_TLB_MISS, 0, 0);
            case CRITICAL_INPUT:
            case WATCHDOG:
            case EXTERNAL_INPUT:
            case FIXED_INTERVAL_TIMER:
            case DECREMENTER:
                deliverInterrupt(x.reason, 0, 0);
                return ExitAction.RESUME;
            case MACHINE_CHECK:
                if ((state.msr & CpuState.MSR_ME) == 0) {
                    x.internalError("machine check with MSR[ME]=0: the core checkstops");
                    return ExitAction.TO_USERSPACE;
                }
                deliverInterrupt(ExitReason.MACHINE_CHECK, 0, 0);
                return ExitAction.RESUME;
            case MMIO:
                event = VcpuStatistics.MMIO;
                return ExitAction.TO_USERSPACE;
            case HALT:
                return ExitAction.RESUME; // idle inside run()
            default: // DCR, SHUTDOWN, RESET, DEBUG, TIMESLICE, INTERNAL_ERROR: userspace decides
                return ExitAction.TO_USERSPACE;
        }
    }

    private ExitAction deliver(int statisticsEvent, ExitReason reason, int esr, int dear) {
        event = statisticsEvent;
        deliverInterrupt(reason, esr, dear);
        return ExitAction.RESUME;
    }

    private ExitAction emulatePrivileged(ExitRecord x) {
        int result = emulator.emulate(x.instruction);
        event = emulator.event;
        switch (result) {
            case BookeEmulator.DCR_EXIT:
                // A second chain, so that DCR handlers (a UIC in the board, say) serve it before userspace.
                return dispatcher.dispatch(this, x, builtIn, stats.handlers);
            case BookeEmulator.RESET_EXIT:
                resetKind = regs.dbcr0 & BookeRegisters.DBCR0_RST;
                x.reason = ExitReason.RESET;
                x.message = "DBCR0[RST]";
                return dispatcher.dispatch(this, x, builtIn, stats.handlers);
            default:
                return ExitAction.RESUME;
        }
    }

    // ---- interrupt delivery (Book E) ----

    /**
     * Delivers a Book E interrupt into the guest now, returning to {@code state.pc}: the save/restore pair of its
     * class takes the PC and MSR (SRR0/1; CSRR0/1 for critical input, watchdog and debug; MCSRR0/1 for machine
     * check), ESR and DEAR are written for the classes that define them, the MSR becomes the interrupt MSR (all 0
     * but CE, ME, DE for the non-critical classes, all 0 but ME for the critical ones, all 0 for machine check) and
     * the PC the vector IVPR | IVORn. Masking is the caller's business.
     */
    @Override
    public void deliverInterrupt(ExitReason reason, int esr, int dear) {
        int msr = state.msr;
        int pc = state.pc;
        int newMsr;
        switch (reason) {
            case CRITICAL_INPUT:
            case WATCHDOG:
            case DEBUG:
                regs.csrr0 = pc;
                regs.csrr1 = msr;
                newMsr = msr & CpuState.MSR_ME;
                break;
            case MACHINE_CHECK:
                regs.mcsrr0 = pc;
                regs.mcsrr1 = msr;
                newMsr = 0;
                break;
            default:
                regs.srr0 = pc;
                regs.srr1 = msr;
                newMsr = msr & (CpuState.MSR_CE | CpuState.MSR_ME | CpuState.MSR_DE);
                break;
        }
        switch (reason) {
            case DATA_STORAGE:
            case ALIGNMENT:
            case DATA_TLB_MISS:
                regs.dear = dear;
                regs.esr = esr;
                break;
            case PROGRAM:
            case PRIVILEGED_INSTRUCTION:
            case INSTRUCTION_STORAGE:
                regs.esr = esr;
                break;
            default:
                break;
        }
        writeMsr(newMsr);
        state.pc = regs.vector(reason.ivor());
    }

    /**
     * Sets the guest's MSR (mtmsr, wrtee, rfi, interrupts), dropping bits the core lacks, and tells the MMU when
     * the translation context (PR, IS, DS) changed. EE or WE changes need nothing here: the run loop looks at
     * pending interrupts and MSR[WE] before it runs the CPU again.
     */
    void writeMsr(int value) {
        int old = state.msr;
        int msr = value & core.implementedMsrBits();
        state.msr = msr;
        if (((old ^ msr) & CONTEXT_BITS) != 0) {
            mmu.contextChanged();
        }
    }

    // ---- SPRs as the guest sees them ----

    /** mfspr in supervisor state: the value, or {@link #UNDEFINED_SPR} when the SPR does not exist or is write-only. */
    long readSpr(int sprn) {
        int v;
        switch (sprn) {
            case Spr.XER: v = state.xer; break;
            case Spr.LR: v = state.lr; break;
            case Spr.CTR: v = state.ctr; break;
            case Spr.DEC: v = timers.readDec(clock.now()); break;
            case Spr.SRR0: v = regs.srr0; break;
            case Spr.SRR1: v = regs.srr1; break;
            case Spr.PID: v = state.pid; break;
            case Spr.CSRR0: v = regs.csrr0; break;
            case Spr.CSRR1: v = regs.csrr1; break;
            case Spr.DEAR: v = regs.dear; break;
            case Spr.ESR: v = regs.esr; break;
            case Spr.IVPR: v = regs.ivpr; break;
            case Spr.USPRG0: v = state.usprg0; break;
            case 260: case 261: case 262: case 263:
                v = state.sprg4to7[sprn - Spr.SPRG4_USER];
                break;
            case Spr.TBL_READ: v = (int) timeBase(); break;
            case Spr.TBU_READ: v = (int) (timeBase() >>> 32); break;
            case 272: case 273: case 274: case 275:
                v = regs.sprg0to3[sprn - Spr.SPRG0];
                break;
            case 276: case 277: case 278: case 279:
                v = state.sprg4to7[sprn - Spr.SPRG4];
                break;
            case Spr.PIR: v = index; break;
            case Spr.PVR: v = core.pvr(); break;
            case Spr.DBSR: v = regs.dbsr; break;
            case Spr.DBCR0: v = regs.dbcr0; break;
            case Spr.DBCR1: v = regs.dbcr1; break;
            case Spr.DBCR2: v = regs.dbcr2; break;
            case 312: case 313: case 314: case 315:
                v = regs.iac[sprn - Spr.IAC1];
                break;
            case Spr.DAC1: case Spr.DAC2:
                v = regs.dac[sprn - Spr.DAC1];
                break;
            case Spr.DVC1: case Spr.DVC2:
                v = regs.dvc[sprn - Spr.DVC1];
                break;
            case Spr.TSR: v = timers.readTsr(clock.now()); break;
            case Spr.TCR: v = timers.readTcr(); break;
            case Spr.MCSRR0: v = regs.mcsrr0; break;
            case Spr.MCSRR1: v = regs.mcsrr1; break;
            case Spr.MCSR: v = regs.mcsr; break;
            default:
                if (sprn >= Spr.IVOR0 && sprn <= Spr.IVOR15) {
                    v = regs.ivor[sprn - Spr.IVOR0];
                } else if (core.hasSpr(sprn)) {
                    v = core.readSpr(sprn);
                } else {
                    return UNDEFINED_SPR; // also DECAR and TBL/TBU at 284/285, which are write-only
                }
        }
        return v & 0xFFFF_FFFFL;
    }

    /** mtspr in supervisor state, with the 440's side effects; false when the SPR does not exist or is read-only. */
    boolean writeSpr(int sprn, int value) {
        switch (sprn) {
            case Spr.XER: state.xer = value; return true;
            case Spr.LR: state.lr = value; return true;
            case Spr.CTR: state.ctr = value; return true;
            case Spr.DEC:
                timers.writeDec(clock.now(), value);
                checkClockSoon();
                return true;
            case Spr.SRR0: regs.srr0 = value; return true;
            case Spr.SRR1: regs.srr1 = value; return true;
            case Spr.PID: {
                int pid = value & 0xFF;
                if (pid != state.pid) { // KUAP writes PID on every kernel entry and exit: only a change costs
                    state.pid = pid;
                    mmu.contextChanged();
                }
                return true;
            }
            case Spr.DECAR: timers.writeDecar(value); return true;
            case Spr.CSRR0: regs.csrr0 = value; return true;
            case Spr.CSRR1: regs.csrr1 = value; return true;
            case Spr.DEAR: regs.dear = value; return true;
            case Spr.ESR: regs.esr = value; return true;
            case Spr.IVPR: regs.ivpr = value & BookeRegisters.IVPR_MASK; return true;
            case Spr.USPRG0: state.usprg0 = value; return true;
            case 272: case 273: case 274: case 275:
                regs.sprg0to3[sprn - Spr.SPRG0] = value;
                return true;
            case 276: case 277: case 278: case 279:
                state.sprg4to7[sprn - Spr.SPRG4] = value;
                return true;
            case Spr.TBL_WRITE:
                timers.writeTbl(clock.now(), value);
                checkClockSoon();
                return true;
            case Spr.TBU_WRITE:
                timers.writeTbu(clock.now(), value);
                checkClockSoon();
                return true;
            case Spr.DBSR: regs.dbsr &= ~value; return true; // write-1-to-clear
            case Spr.DBCR0: regs.dbcr0 = value; return true; // RST != 0: the emulator turns it into a reset
            case Spr.DBCR1: regs.dbcr1 = value; return true;
            case Spr.DBCR2: regs.dbcr2 = value; return true;
            case 312: case 313: case 314: case 315:
                regs.iac[sprn - Spr.IAC1] = value & ~3;
                return true;
            case Spr.DAC1: case Spr.DAC2:
                regs.dac[sprn - Spr.DAC1] = value;
                return true;
            case Spr.DVC1: case Spr.DVC2:
                regs.dvc[sprn - Spr.DVC1] = value;
                return true;
            case Spr.TSR:
                timers.clearTsr(clock.now(), value); // write-1-to-clear
                checkClockSoon();
                return true;
            case Spr.TCR:
                timers.writeTcr(clock.now(), value);
                checkClockSoon();
                return true;
            case Spr.MCSRR0: regs.mcsrr0 = value; return true;
            case Spr.MCSRR1: regs.mcsrr1 = value; return true;
            case Spr.MCSR: regs.mcsr &= ~value; return true; // write-1-to-clear, as Linux's 440 handler uses it
            default:
                if (sprn >= Spr.IVOR0 && sprn <= Spr.IVOR15) {
                    regs.ivor[sprn - Spr.IVOR0] = value & BookeRegisters.IVOR_MASK;
                    return true;
                }
                if (core.hasSpr(sprn)) {
                    return core.writeSpr(sprn, value);
                }
                return false; // PVR, PIR, the user aliases 260-263 and 268/269 are read-only; others do not exist
        }
    }

    // ---- reading guest memory for diagnostics ----

    /**
     * The instruction word at effective address {@code ea} in the guest's current instruction context, or -1 when
     * no TLB entry maps it to RAM. Takes the CPU's translation when it has one, else searches the guest TLB.
     */
    long fetchWord(int ea) {
        TranslationCache tc = cpu.translationCache();
        int i = tc.index(ea);
        if (tc.execTag[i] == TranslationCache.tag(ea, state.fetchContext)) {
            return ram.loadWord(tc.ramOffset[i] + (ea & TranslationCache.PAGE_MASK & ~3)) & 0xFFFF_FFFFL;
        }
        long pa = guestPhysical(ea, (state.msr & CpuState.MSR_IS) != 0);
        if (pa < 0 || pa + 4 > ram.size()) {
            return -1;
        }
        return ram.loadWord((int) pa & ~3) & 0xFFFF_FFFFL;
    }

    /**
     * The guest-physical address {@code ea} translates to in address space {@code as1} for the current PID, or -1:
     * a tlbsx/tlbre walk with MMUCR set for the search and restored afterwards (tlbre of word 0 also loads
     * MMUCR[STID], which the restore undoes).
     */
    long guestPhysical(int ea, boolean as1) {
        int saved = mmu.mmucr();
        try {
            mmu.setMmucr((saved & ~(Mmu440.MMUCR_STS | Mmu440.MMUCR_STID)) | (as1 ? Mmu440.MMUCR_STS : 0)
                    | (state.pid & Mmu440.MMUCR_STID));
            int entry = mmu.tlbsx(ea);
            if (entry < 0) {
                return -1;
            }
            int word0 = mmu.tlbre(entry, 0);
            int word1 = mmu.tlbre(entry, 1);
            long size = 1024L << (2 * ((word0 & Mmu440.TLB0_SIZE) >>> Mmu440.TLB0_SIZE_SHIFT));
            long base = ((long) (word1 & Mmu440.TLB1_ERPN) << 32) | ((word1 & Mmu440.TLB1_RPN) & 0xFFFF_FFFFL);
            return (base & ~(size - 1)) | ((ea & 0xFFFF_FFFFL) & (size - 1));
        } finally {
            mmu.setMmucr(saved);
        }
    }

    // ---- VirtualCpu ----

    @Override
    public CpuState state() {
        return state;
    }

    @Override
    public Mmu440 mmu() {
        return mmu;
    }

    @Override
    public void setExternalInput(boolean asserted) {
        externalLine = asserted;
        if (asserted) {
            state.stopRequest = true;
            wake();
        }
    }

    @Override
    public void setCriticalInput(boolean asserted) {
        criticalLine = asserted;
        if (asserted) {
            state.stopRequest = true;
            wake();
        }
    }

    @Override
    public void requestStop() {
        stopRequested = true;
        state.stopRequest = true;
        wake();
    }

    private void wake() {
        Thread t = runner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * The power-on state of the core: registers 0, MSR 0, PC at the reset vector 0xFFFFFFFC, timers stopped, the
     * TLB empty, decoded code dropped. The time base keeps counting. After a reset the guest asked for (DBCR0[RST]
     * or the watchdog) DBSR[MRR] says which kind it was, and TSR[WRS] too after a watchdog reset.
     */
    @Override
    public void reset() {
        Arrays.fill(state.gpr, 0);
        Arrays.fill(state.fpr, 0);
        Arrays.fill(state.sprg4to7, 0);
        state.pc = RESET_VECTOR;
        state.cr = 0;
        state.xer = 0;
        state.lr = 0;
        state.ctr = 0;
        state.fpscr = 0;
        state.msr = 0;
        state.pid = 0;
        state.usprg0 = 0;
        state.reserved = false;
        regs.reset();
        timers.reset(clock.now());
        if (resetKind != 0) {
            regs.dbsr = resetKind & BookeRegisters.DBSR_MRR;
            if (watchdogReset) {
                timers.setTsrBits(resetKind & BookeTimers.TSR_WRS);
            }
        }
        resetKind = 0;
        watchdogReset = false;
        core.reset();
        cpu.invalidateCode(0, ram.size());
        mmu.contextChanged();
        exit.begin(ExitReason.TIMESLICE, state.pc, 0);
        haltAnnounced = false;
        nextCheck = state.instructions;
    }

    @Override
    public VmStatistics statistics() {
        return stats;
    }

    @Override
    public List<String> hottestTraps(int n) {
        return hotTraps.top(n, exit.disassembler);
    }

    // ---- snapshots (the format is VcpuStateCodec's) ----

    @Override
    public byte[] saveState() {
        return VcpuStateCodec.save(this, externalLine, criticalLine);
    }

    @Override
    public void loadState(byte[] blob) {
        boolean[] lines = VcpuStateCodec.load(this, blob);
        haltAnnounced = false;
        setExternalInput(lines[0]);
        setCriticalInput(lines[1]);
    }

    // ---- Vcpu (what exit handlers see) ----

    @Override
    public int index() {
        return index;
    }

    @Override
    public int gpr(int n) {
        return state.gpr[n];
    }

    @Override
    public void setGpr(int n, int value) {
        state.gpr[n] = value;
    }

    @Override
    public int pc() {
        return state.pc;
    }

    @Override
    public void setPc(int pc) {
        state.pc = pc;
    }

    @Override
    public int msr() {
        return state.msr;
    }

    /** The SPR as a supervisor-state mfspr reads it; 0 for an SPR the core does not have. */
    @Override
    public int spr(int sprn) {
        long v = readSpr(sprn);
        return v == UNDEFINED_SPR ? 0 : (int) v;
    }

    /** The SPR as a supervisor-state mtspr writes it (a write to an SPR the core lacks is ignored). */
    @Override
    public void setSpr(int sprn, int value) {
        writeSpr(sprn, value);
    }

    @Override
    public String disassemble(int pc) {
        long w = fetchWord(pc);
        return w < 0 ? String.format("0x%08x: (not mapped)", pc) : exit.disassembler.disassemble((int) w, pc);
    }

    @Override
    public String toString() {
        return String.format("vcpu%d pc=0x%08x msr=0x%08x", index, state.pc, state.msr);
    }
}
