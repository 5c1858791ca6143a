package org.ppc440vm.cpu.interp;

import org.ppc440vm.cpu.spi.CpuState;

/**
 * What a compiled block ({@link BlockCompiler}) does with each op ({@link #helper}), and the few value helpers its
 * inline forms call (each a handful of bytecodes, so that HotSpot, C1 included, inlines them). The inline forms
 * mirror the dispatch loop's cases in {@link Interpreter#run}, kept in step by the oracle tests, which also run
 * with every block compiled. Memory misses and rare instructions go back into the interpreter, which answers false
 * when the block must stop (a trap, or a store that hit decoded code).
 */
final class JitOps {
    private JitOps() {
    }

    /**
     * How a block holds {@code op}: "alu" (an inline form, {@link BlockCompiler}'s emitInline; cannot stop the
     * block); for loads and stores "lwz", "stw", "lwzux", "lbz", "lh", "stwux", "stb" (an inline translation-cache
     * hit, the interpreter's loadStore on a miss) or "mem" (loadStore always); "slow" (the interpreter's
     * executeSlow); or null if a block cannot hold the op.
     */
    static String helper(int op) {
        switch (op) {
            case Op.LI:
            case Op.LIS:
            case Op.ADDI:
            case Op.ADDIS:
            case Op.ADDIC:
            case Op.ADDIC_RC:
            case Op.SUBFIC:
            case Op.MULLI:
            case Op.CMPI:
            case Op.CMPLI:
            case Op.CMP:
            case Op.CMPL:
            case Op.ORI:
            case Op.ORIS:
            case Op.XORI:
            case Op.XORIS:
            case Op.ANDI_RC:
            case Op.ANDIS_RC:
            case Op.RLWINM:
            case Op.RLWNM:
            case Op.RLWIMI:
            case Op.SLW:
            case Op.SRW:
            case Op.SRAW:
            case Op.SRAWI:
            case Op.ADD:
            case Op.SUBF:
            case Op.NEG:
            case Op.MULLW:
            case Op.MULHW:
            case Op.MULHWU:
            case Op.ADDC:
            case Op.ADDE:
            case Op.ADDZE:
            case Op.SUBFC:
            case Op.SUBFE:
            case Op.SUBFZE:
            case Op.ADDME:
            case Op.SUBFME:
            case Op.AND:
            case Op.ANDC:
            case Op.OR:
            case Op.XOR:
            case Op.NOR:
            case Op.EXTSB:
            case Op.EXTSH:
            case Op.CNTLZW:
            case Op.MFLR:
            case Op.MTLR:
            case Op.MFCTR:
            case Op.MTCTR:
            case Op.MFCR:
                return "alu"; // (BlockCompiler.emitInline has a form for each)
            case Op.LWZ: return "lwz";
            case Op.STW: return "stw";
            case Op.LWZU:
            case Op.LWZX: return "lwzux";
            case Op.LBZ:
            case Op.LBZU:
            case Op.LBZX: return "lbz";
            case Op.LHZ:
            case Op.LHA:
            case Op.LHZX: return "lh";
            case Op.STWU:
            case Op.STWX: return "stwux";
            case Op.STB:
            case Op.STBU:
            case Op.STBX: return "stb";
            case Op.STH:
            case Op.STHX: return "mem";
            // never in a block: they end it, trap always, read the instruction count or need the pc
            case Op.UNDECODED:
            case Op.ILLEGAL:
            case Op.PRIVILEGED:
            case Op.MFTBL:
            case Op.MFTBU:
            case Op.B:
            case Op.BC:
            case Op.BC_COND:
            case Op.BC_CTR:
            case Op.BCLR:
            case Op.BLR:
            case Op.BCCTR:
            case Op.BCTR:
            case Op.BCLR_COND:
            case Op.SC:
            case Op.ICBI:
                return null;
            default:
                return op > 0 && op < Op.COUNT ? "slow" : null;
        }
    }

    // ---------------- value helpers of inline forms (BlockCompiler.emitInline): a few bytecodes each ----------------
    /** CR0 from a record form's result. */
    static void rc(CpuState s, int r) {
        s.cr = Alu.cr0(s.cr, r, s.xer);
    }

    static int mulhu(int a, int b) {
        return (int) (((a & Alu.U32) * (b & Alu.U32)) >>> 32);
    }

    static int mulhs(int a, int b) {
        return (int) (((long) a * b) >> 32);
    }

    static int slw(int v, int n) {
        return (n & 0x20) != 0 ? 0 : v << n;
    }

    static int srw(int v, int n) {
        return (n & 0x20) != 0 ? 0 : v >>> n;
    }

    /** sraw/srawi by n (0..63): the result, CA set if negative and one bits were shifted out. */
    static int sraw(CpuState s, int v, int n) {
        s.xer = Alu.withCarry(s.xer, Alu.srawCarry(v, n));
        return Alu.sraw(v, n);
    }
}
