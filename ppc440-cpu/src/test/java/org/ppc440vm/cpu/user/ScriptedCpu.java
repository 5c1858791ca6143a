package org.ppc440vm.cpu.user;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.Cpu;
import org.ppc440vm.cpu.spi.CpuFactory;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * A stand-in core for tests of the user-mode side without the interpreter: {@link #run(long)} does what a script
 * says, and {@link #load}/{@link #store} perform one data access the way the CPU does (translation cache, then the
 * miss handler), so faults and refills go through the real {@link AddressSpace}.
 */
final class ScriptedCpu implements Cpu {
    final CpuState state = new CpuState();
    final TranslationCache tlb;
    final GuestRam ram;
    final MissHandler misses;
    final List<long[]> invalidated = new ArrayList<>();
    Function<ScriptedCpu, ExitReason> script = c -> ExitReason.TIMESLICE;

    ScriptedCpu(GuestRam ram, MissHandler misses, int entries) {
        this.ram = ram;
        this.misses = misses;
        this.tlb = new TranslationCache(entries);
    }

    static CpuFactory factory(List<ScriptedCpu> made) {
        return (ram, misses, entries) -> {
            ScriptedCpu c = new ScriptedCpu(ram, misses, entries);
            made.add(c);
            return c;
        };
    }

    @Override
    public CpuState state() {
        return state;
    }

    @Override
    public ExitReason run(long maxInstructions) {
        ExitReason r = script.apply(this);
        state.trap = r;
        return r;
    }

    @Override
    public void invalidateCode(long address, long length) {
        invalidated.add(new long[] {address, length});
    }

    @Override
    public TranslationCache translationCache() {
        return tlb;
    }

    /** A word load as the CPU performs it; null after a fault (state.trap says which). */
    Integer load(int ea) {
        for (int attempt = 0; attempt < 2; attempt++) {
            int i = tlb.index(ea);
            if (tlb.readTag[i] == TranslationCache.tag(ea, state.dataContext)) {
                return ram.loadWord(tlb.ramOffset[i] + (ea & 0xFFF));
            }
            if (misses.miss(state, ea, MissHandler.LOAD) != MissHandler.REFILLED) {
                return null;
            }
        }
        throw new AssertionError("refilled but still missing");
    }

    /** A word store as the CPU performs it; false after a fault. */
    boolean store(int ea, int value) {
        for (int attempt = 0; attempt < 2; attempt++) {
            int i = tlb.index(ea);
            if (tlb.writeTag[i] == TranslationCache.tag(ea, state.dataContext)) {
                ram.storeWord(tlb.ramOffset[i] + (ea & 0xFFF), value);
                return true;
            }
            if (misses.miss(state, ea, MissHandler.STORE) != MissHandler.REFILLED) {
                return false;
            }
        }
        throw new AssertionError("refilled but still missing");
    }

    /** An instruction fetch; null after a fault. */
    Integer fetch(int ea) {
        for (int attempt = 0; attempt < 2; attempt++) {
            int i = tlb.index(ea);
            if (tlb.execTag[i] == TranslationCache.tag(ea, state.fetchContext)) {
                return ram.loadWord(tlb.ramOffset[i] + (ea & 0xFFF));
            }
            if (misses.miss(state, ea, MissHandler.FETCH) != MissHandler.REFILLED) {
                return null;
            }
        }
        throw new AssertionError("refilled but still missing");
    }

    /** Performs system call {@code nr} with {@code args} as if the program had executed sc; answers r3. */
    static ExitReason syscall(ScriptedCpu c, int nr, int... args) {
        c.state.gpr[0] = nr;
        for (int i = 0; i < args.length; i++) {
            c.state.gpr[3 + i] = args[i];
        }
        return ExitReason.SYSTEM_CALL;
    }
}
