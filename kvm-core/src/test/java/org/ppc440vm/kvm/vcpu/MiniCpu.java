package org.ppc440vm.kvm.vcpu;

import java.util.ArrayList;
import java.util.List;

import org.ppc440vm.api.exit.ExitReason;
import org.ppc440vm.cpu.spi.Cpu;
import org.ppc440vm.cpu.interp.InterpreterCpuFactory;
import org.ppc440vm.cpu.spi.CpuFactory;
import org.ppc440vm.cpu.spi.InstructionDisassembler;
import org.ppc440vm.cpu.spi.CpuState;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.cpu.spi.MissHandler;
import org.ppc440vm.cpu.spi.TranslationCache;

/**
 * A test double for the CPU bundle's interpreter that keeps the CPU SPI's contract for the few instructions the
 * kvm-core tests use: it translates through the {@link TranslationCache} and the {@link MissHandler} like the real
 * CPU, traps every privileged instruction (PRIVILEGED_INSTRUCTION, pc = that instruction), device accesses (MMIO,
 * nothing changed), sc (SYSTEM_CALL, pc after it), twi (PROGRAM with ESR[PTR]), FP with MSR[FP]=0
 * (FP_UNAVAILABLE), anything it does not know (PROGRAM with ESR[PIL]), and returns TIMESLICE when its budget is used
 * up or {@link CpuState#stopRequest} is set. One instruction is one "block".
 */
final class MiniCpu implements Cpu {
    static final class Factory implements CpuFactory {
        MiniCpu last;

        @Override
        public Cpu create(GuestRam ram, MissHandler misses, int cacheEntries) {
            last = new MiniCpu(ram, misses, cacheEntries);
            return last;
        }

        /** The CPU bundle's real disassembler, so that exit descriptions read as they will in the product. */
        @Override
        public InstructionDisassembler disassembler() {
            return new InterpreterCpuFactory().disassembler();
        }
    }

    private final CpuState state = new CpuState();
    private final GuestRam ram;
    private final MissHandler misses;
    private final TranslationCache cache;
    /** Ranges passed to invalidateCode, as {start, length}. */
    final List<long[]> invalidations = new ArrayList<>();

    MiniCpu(GuestRam ram, MissHandler misses, int cacheEntries) {
        this.ram = ram;
        this.misses = misses;
        this.cache = new TranslationCache(cacheEntries);
    }

    @Override
    public CpuState state() {
        return state;
    }

    @Override
    public TranslationCache translationCache() {
        return cache;
    }

    @Override
    public void invalidateCode(long address, long length) {
        invalidations.add(new long[] {address, length});
    }

    /** Result of a translation that did not give a RAM offset. */
    private static final int TRAPPED = -1;
    private static final int DEVICE = -2;

    /** RAM offset for {@code ea}, or TRAPPED (state.trap set) or DEVICE (state.trapPhysical set). */
    private int translate(int ea, int kind) {
        for (;;) {
            int i = cache.index(ea);
            int ctx = kind == MissHandler.FETCH ? state.fetchContext : state.dataContext;
            int[] tags = kind == MissHandler.FETCH ? cache.execTag : kind == MissHandler.LOAD ? cache.readTag : cache.writeTag;
            if (tags[i] == TranslationCache.tag(ea, ctx)) {
                return cache.ramOffset[i] + (ea & TranslationCache.PAGE_MASK);
            }
            switch (misses.miss(state, ea, kind)) {
                case MissHandler.REFILLED:
                    continue;
                case MissHandler.DIRECT:
                    return (int) state.trapPhysical;
                case MissHandler.MMIO:
                    return DEVICE;
                default:
                    return TRAPPED;
            }
        }
    }

    private ExitReason trap(ExitReason reason, int pc, int word) {
        state.trap = reason;
        state.trapPc = pc;
        state.trapInstruction = word;
        return reason;
    }

    @Override
    public ExitReason run(long maxInstructions) {
        long end = state.instructions + maxInstructions;
        while (state.instructions < end) {
            if (state.stopRequest) {
                break;
            }
            int pc = state.pc;
            int at = translate(pc, MissHandler.FETCH);
            if (at == TRAPPED) {
                state.trapPc = pc;
                return state.trap;
            }
            if (at == DEVICE) {
                return trap(ExitReason.INTERNAL_ERROR, pc, 0);
            }
            int w = ram.loadWord(at);
            ExitReason r = execute(pc, w);
            if (r != null) {
                return r;
            }
            state.instructions++;
        }
        return trap(ExitReason.TIMESLICE, state.pc, 0);
    }

    private ExitReason execute(int pc, int w) {
        int op = w >>> 26;
        int rt = (w >>> 21) & 31;
        int ra = (w >>> 16) & 31;
        int rb = (w >>> 11) & 31;
        int base = ra == 0 ? 0 : state.gpr[ra];
        switch (op) {
            case 3: // twi TO=31 only (unconditional trap)
                if (rt != 31) {
                    break;
                }
                state.trapEsr = CpuState.ESR_PTR;
                return trap(ExitReason.PROGRAM, pc, w);
            case 14:
                state.gpr[rt] = base + (short) w;
                state.pc = pc + 4;
                return null;
            case 15:
                state.gpr[rt] = base + (w << 16);
                state.pc = pc + 4;
                return null;
            case 17:
                if ((w & 2) == 0) {
                    break;
                }
                state.pc = pc + 4;
                return trap(ExitReason.SYSTEM_CALL, pc, w);
            case 18:
                state.pc = pc + ((w << 6) >> 6 & ~3);
                return null;
            case 19: {
                int xo = (w >>> 1) & 0x3FF;
                if (xo == 50 || xo == 51 || xo == 38) {
                    return trap(ExitReason.PRIVILEGED_INSTRUCTION, pc, w);
                }
                if (xo == 150) { // isync
                    state.pc = pc + 4;
                    return null;
                }
                break;
            }
            case 24:
                state.gpr[ra] = state.gpr[rt] | (w & 0xFFFF);
                state.pc = pc + 4;
                return null;
            case 31:
                return execute31(pc, w, rt, ra, rb, base);
            default:
                if (op >= 32 && op <= 55) {
                    if (op >= 48 && (state.msr & CpuState.MSR_FP) == 0) {
                        return trap(ExitReason.FP_UNAVAILABLE, pc, w);
                    }
                    return access(pc, w, base + (short) w, op == 36 || op == 37 || op == 38 || op == 39 || op == 44
                            || op == 45 || op == 47 || op >= 52);
                }
                break;
        }
        state.trapEsr = CpuState.ESR_PIL;
        return trap(ExitReason.PROGRAM, pc, w);
    }

    private ExitReason execute31(int pc, int w, int rt, int ra, int rb, int base) {
        int xo = (w >>> 1) & 0x3FF;
        switch (xo) {
            case 83: case 146: case 131: case 163: case 323: case 451: case 454: case 470: case 486: case 566:
            case 914: case 946: case 966: case 978: case 998:
                return trap(ExitReason.PRIVILEGED_INSTRUCTION, pc, w);
            case 339: { // mfspr: the user SPRs here, everything else is the hypervisor's
                int spr = Spr.field(w);
                if (spr == 8) {
                    state.gpr[rt] = state.lr;
                } else if (spr >= 260 && spr <= 263) {
                    state.gpr[rt] = state.sprg4to7[spr - 260];
                } else if (spr == 268 || spr == 269) {
                    long tb = state.timeBase.read();
                    state.gpr[rt] = spr == 268 ? (int) tb : (int) (tb >>> 32);
                } else {
                    return trap(ExitReason.PRIVILEGED_INSTRUCTION, pc, w);
                }
                state.pc = pc + 4;
                return null;
            }
            case 371: { // mftb
                long tb = state.timeBase.read();
                state.gpr[rt] = Spr.field(w) == 268 ? (int) tb : (int) (tb >>> 32);
                state.pc = pc + 4;
                return null;
            }
            case 467:
                if (Spr.field(w) == 8) {
                    state.lr = state.gpr[rt];
                    state.pc = pc + 4;
                    return null;
                }
                return trap(ExitReason.PRIVILEGED_INSTRUCTION, pc, w);
            case 444: // or (mr)
                state.gpr[ra] = state.gpr[rt] | state.gpr[rb];
                state.pc = pc + 4;
                return null;
            case 23: case 534: case 790: case 375: case 20: case 86:
                return access(pc, w, base + state.gpr[rb], false);
            case 662: case 918: case 247: case 1014:
                return access(pc, w, base + state.gpr[rb], true);
            default:
                state.trapEsr = CpuState.ESR_PIL;
                return trap(ExitReason.PROGRAM, pc, w);
        }
    }

    /** A load or store: MMIO traps with nothing changed; RAM supports lwz, lbz, stw, stb, stwu and dcbf. */
    private ExitReason access(int pc, int w, int ea, boolean store) {
        int at = translate(ea, store ? MissHandler.STORE : MissHandler.LOAD);
        if (at == TRAPPED) {
            state.trapPc = pc;
            state.trapInstruction = w;
            return state.trap;
        }
        if (at == DEVICE) {
            return trap(ExitReason.MMIO, pc, w);
        }
        int op = w >>> 26;
        int rt = (w >>> 21) & 31;
        switch (op) {
            case 32: state.gpr[rt] = ram.loadWord(at); break;
            case 34: state.gpr[rt] = ram.bytes[at] & 0xFF; break;
            case 36: ram.storeWord(at, state.gpr[rt]); break;
            case 37: ram.storeWord(at, state.gpr[rt]); state.gpr[(w >>> 16) & 31] = ea; break;
            case 38: ram.bytes[at] = (byte) state.gpr[rt]; break;
            case 31:
                if (((w >>> 1) & 0x3FF) == 86) {
                    break; // dcbf
                }
                throw new UnsupportedOperationException(String.format("MiniCpu: 0x%08x to RAM", w));
            default:
                throw new UnsupportedOperationException(String.format("MiniCpu: 0x%08x to RAM", w));
        }
        state.pc = pc + 4;
        return null;
    }
}
