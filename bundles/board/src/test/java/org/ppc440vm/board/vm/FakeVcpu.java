package org.ppc440vm.board.vm;

import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.ppc440vm.api.exit.Exit;
import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.api.vm.VmStatistics;
import org.ppc440vm.board.machine.TestExit;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.kvm.spi.VirtualCpu;
import org.ppc440vm.tlb.spi.Mmu440;

/**
 * A stand-in for kvm-core's vCPU: run() plays a script of exits (each step may look at the board's answers to
 * earlier ones), records what userspace does to it, and honours requestStop like the real one.
 */
final class FakeVcpu implements VirtualCpu {
    final CpuState state = new CpuState();
    final List<String> mmuCalls = Collections.synchronizedList(new ArrayList<>());
    final Mmu440 mmu = (Mmu440) Proxy.newProxyInstance(Mmu440.class.getClassLoader(), new Class<?>[] {Mmu440.class},
            (p, m, a) -> {
                mmuCalls.add(m.getName() + (a == null ? "" : Arrays.toString(a)));
                return m.getReturnType() == int.class ? 0 : null;
            });
    final Deque<Function<FakeVcpu, Exit>> script = new ArrayDeque<>();
    final List<Exit> done = Collections.synchronizedList(new ArrayList<>());
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final Map<ExitReason, Long> exits = new EnumMap<>(ExitReason.class);
    volatile boolean externalInput;
    volatile boolean criticalInput;
    volatile boolean stopRequested;
    volatile int resets;
    /** When the script is empty: block until a stop is requested (a guest that runs forever) or power off. */
    volatile boolean runForever;

    FakeVcpu then(Function<FakeVcpu, Exit> step) {
        script.add(step);
        return this;
    }

    FakeVcpu then(Exit exit) {
        return then(v -> exit);
    }

    @Override
    public Exit run() {
        if (stopRequested) {
            stopRequested = false;
            return count(TestExit.of(ExitReason.TIMESLICE));
        }
        Function<FakeVcpu, Exit> step = script.poll();
        if (step == null) {
            if (!runForever) {
                return count(TestExit.of(ExitReason.SHUTDOWN));
            }
            while (!stopRequested) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stopRequested = false;
            return count(TestExit.of(ExitReason.TIMESLICE));
        }
        return count(step.apply(this));
    }

    private Exit count(Exit e) {
        synchronized (exits) {
            exits.merge(e.reason(), 1L, Long::sum);
        }
        done.add(e);
        return e;
    }

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
        externalInput = asserted;
        events.add("ext=" + asserted);
    }

    @Override
    public void setCriticalInput(boolean asserted) {
        criticalInput = asserted;
        events.add("crit=" + asserted);
    }

    @Override
    public void requestStop() {
        stopRequested = true;
    }

    @Override
    public void reset() {
        resets++;
        events.add("reset");
    }

    @Override
    public VmStatistics statistics() {
        return new VmStatistics() {
            @Override
            public long instructions() {
                return 1234;
            }

            @Override
            public long exits(ExitReason reason) {
                synchronized (exits) {
                    return exits.getOrDefault(reason, 0L);
                }
            }

            @Override
            public long exitNanos(ExitReason reason) {
                return exits(reason) * 100;
            }

            @Override
            public Map<String, Long> counters() {
                return Map.of("mtspr", 7L);
            }
        };
    }

    @Override
    public List<String> hottestTraps(int n) {
        return List.of("0xc0000000  7  mtspr 272,r3  (PRIVILEGED_INSTRUCTION)");
    }

    @Override
    public int index() {
        return 0;
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

    @Override
    public int spr(int sprn) {
        return 0;
    }

    @Override
    public void setSpr(int sprn, int value) {
    }

    @Override
    public void deliverInterrupt(ExitReason reason, int esr, int dear) {
        events.add("deliver " + reason + " dear=0x" + Integer.toHexString(dear));
    }

    @Override
    public String disassemble(int pc) {
        return "nop";
    }
}
