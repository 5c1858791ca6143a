package org.ppc440vm.cpu.interp;

import org.ppc440vm.cpu.spi.CpuState;

/**
 * The instruction semantics that compiled blocks ({@link BlockCompiler}) call, one small static method per op so
 * that HotSpot inlines each call with the instruction word as a constant and folds the field extraction away. The
 * bodies are the same as the dispatch loop's cases in {@link Interpreter#run} (kept in step by the oracle tests,
 * which also run with every block compiled). Memory and rare instructions go back into the interpreter: they
 * return false when the block must stop (a trap, or a store that hit decoded code).
 */
final class JitOps {
    private JitOps() {
    }

    static final String ALU_DESC = "(Lorg/ppc440vm/cpu/spi/CpuState;[II)V";

    /**
     * The helper for {@code op}: a static method of this class named so (ALU, cannot stop the block); for loads and
     * stores "lwz", "stw", "lwzux", "lbz", "lh", "stwux", "stb" (the interpreter's jitXxx fast paths) or "mem" (its
     * loadStore); "slow" (its executeSlow); or null if a block cannot hold the op.
     */
    static String helper(int op) {
        switch (op) {
            case Op.LI: return "li";
            case Op.LIS: return "lis";
            case Op.ADDI: return "addi";
            case Op.ADDIS: return "addis";
            case Op.ADDIC:
            case Op.ADDIC_RC: return "addic";
            case Op.SUBFIC: return "subfic";
            case Op.MULLI: return "mulli";
            case Op.CMPI: return "cmpi";
            case Op.CMPLI: return "cmpli";
            case Op.CMP: return "cmp";
            case Op.CMPL: return "cmpl";
            case Op.ORI: return "ori";
            case Op.ORIS: return "oris";
            case Op.XORI: return "xori";
            case Op.XORIS: return "xoris";
            case Op.ANDI_RC: return "andi";
            case Op.ANDIS_RC: return "andis";
            case Op.RLWINM: return "rlwinm";
            case Op.RLWNM: return "rlwnm";
            case Op.RLWIMI: return "rlwimi";
            case Op.SLW: return "slw";
            case Op.SRW: return "srw";
            case Op.SRAW:
            case Op.SRAWI: return "sraw";
            case Op.ADD: return "add";
            case Op.SUBF: return "subf";
            case Op.NEG: return "neg";
            case Op.MULLW: return "mullw";
            case Op.MULHW:
            case Op.MULHWU: return "mulhw";
            case Op.ADDC:
            case Op.ADDE:
            case Op.ADDZE:
            case Op.SUBFC:
            case Op.SUBFE:
            case Op.SUBFZE: return "carrying";
            case Op.ADDME:
            case Op.SUBFME: return "addme"; // (BlockCompiler always emits these inline)
            case Op.AND: return "and";
            case Op.ANDC: return "andc";
            case Op.OR: return "or";
            case Op.XOR: return "xor";
            case Op.NOR: return "nor";
            case Op.EXTSB:
            case Op.EXTSH:
            case Op.CNTLZW: return "unary";
            case Op.MFLR: return "mflr";
            case Op.MTLR: return "mtlr";
            case Op.MFCTR: return "mfctr";
            case Op.MTCTR: return "mtctr";
            case Op.MFCR: return "mfcr";
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

    // ---------------- integer immediate ----------------
    static void li(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 21) & 31] = (short) w;
    }

    static void lis(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 21) & 31] = w << 16;
    }

    static void addi(CpuState s, int[] gpr, int w) {
        int ra = (w >>> 16) & 31;
        gpr[(w >>> 21) & 31] = gpr[ra] + (short) w; // LI covers rA = 0 (the decoder maps it)
    }

    static void addis(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 21) & 31] = gpr[(w >>> 16) & 31] + (w << 16);
    }

    static void addic(CpuState s, int[] gpr, int w) {
        int a = gpr[(w >>> 16) & 31];
        int b = (short) w;
        int r = a + b;
        gpr[(w >>> 21) & 31] = r;
        int xer = Alu.withCarry(s.xer, Alu.carryOut(a, b, 0));
        s.xer = xer;
        if ((w >>> 26) == 13) {
            s.cr = Alu.cr0(s.cr, r, xer);
        }
    }

    static void subfic(CpuState s, int[] gpr, int w) {
        int a = gpr[(w >>> 16) & 31];
        int b = (short) w;
        gpr[(w >>> 21) & 31] = b - a;
        s.xer = Alu.withCarry(s.xer, Alu.carryOut(~a, b, 1));
    }

    static void mulli(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 21) & 31] = gpr[(w >>> 16) & 31] * (short) w;
    }

    static void cmpi(CpuState s, int[] gpr, int w) {
        s.cr = Alu.setField(s.cr, (w >>> 23) & 7, Alu.compareSigned(gpr[(w >>> 16) & 31], (short) w, s.xer));
    }

    static void cmpli(CpuState s, int[] gpr, int w) {
        s.cr = Alu.setField(s.cr, (w >>> 23) & 7, Alu.compareUnsigned(gpr[(w >>> 16) & 31], w & 0xFFFF, s.xer));
    }

    static void cmp(CpuState s, int[] gpr, int w) {
        s.cr = Alu.setField(s.cr, (w >>> 23) & 7,
                Alu.compareSigned(gpr[(w >>> 16) & 31], gpr[(w >>> 11) & 31], s.xer));
    }

    static void cmpl(CpuState s, int[] gpr, int w) {
        s.cr = Alu.setField(s.cr, (w >>> 23) & 7,
                Alu.compareUnsigned(gpr[(w >>> 16) & 31], gpr[(w >>> 11) & 31], s.xer));
    }

    static void ori(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 16) & 31] = gpr[(w >>> 21) & 31] | (w & 0xFFFF);
    }

    static void oris(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 16) & 31] = gpr[(w >>> 21) & 31] | (w << 16);
    }

    static void xori(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 16) & 31] = gpr[(w >>> 21) & 31] ^ (w & 0xFFFF);
    }

    static void xoris(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 16) & 31] = gpr[(w >>> 21) & 31] ^ (w << 16);
    }

    static void andi(CpuState s, int[] gpr, int w) {
        int r = gpr[(w >>> 21) & 31] & (w & 0xFFFF);
        gpr[(w >>> 16) & 31] = r;
        s.cr = Alu.cr0(s.cr, r, s.xer);
    }

    static void andis(CpuState s, int[] gpr, int w) {
        int r = gpr[(w >>> 21) & 31] & (w << 16);
        gpr[(w >>> 16) & 31] = r;
        s.cr = Alu.cr0(s.cr, r, s.xer);
    }

    // ---------------- rotate and shift ----------------
    static void rlwinm(CpuState s, int[] gpr, int w) {
        int r = Integer.rotateLeft(gpr[(w >>> 21) & 31], (w >>> 11) & 31) & Alu.mask((w >>> 6) & 31, (w >>> 1) & 31);
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void rlwnm(CpuState s, int[] gpr, int w) {
        int r = Integer.rotateLeft(gpr[(w >>> 21) & 31], gpr[(w >>> 11) & 31] & 31)
                & Alu.mask((w >>> 6) & 31, (w >>> 1) & 31);
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void rlwimi(CpuState s, int[] gpr, int w) {
        int m = Alu.mask((w >>> 6) & 31, (w >>> 1) & 31);
        int ra = (w >>> 16) & 31;
        int r = (Integer.rotateLeft(gpr[(w >>> 21) & 31], (w >>> 11) & 31) & m) | (gpr[ra] & ~m);
        gpr[ra] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void slw(CpuState s, int[] gpr, int w) {
        int n = gpr[(w >>> 11) & 31] & 0x3F;
        int r = n > 31 ? 0 : gpr[(w >>> 21) & 31] << n;
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void srw(CpuState s, int[] gpr, int w) {
        int n = gpr[(w >>> 11) & 31] & 0x3F;
        int r = n > 31 ? 0 : gpr[(w >>> 21) & 31] >>> n;
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void sraw(CpuState s, int[] gpr, int w) {
        int v = gpr[(w >>> 21) & 31];
        int n = ((w >>> 1) & 0x3FF) == 824 ? (w >>> 11) & 31 : gpr[(w >>> 11) & 31] & 0x3F;
        int r = Alu.sraw(v, n);
        gpr[(w >>> 16) & 31] = r;
        int xer = Alu.withCarry(s.xer, Alu.srawCarry(v, n));
        s.xer = xer;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, xer);
        }
    }

    // ---------------- integer register forms ----------------
    static void add(CpuState s, int[] gpr, int w) {
        int r = gpr[(w >>> 16) & 31] + gpr[(w >>> 11) & 31];
        gpr[(w >>> 21) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void subf(CpuState s, int[] gpr, int w) {
        int r = gpr[(w >>> 11) & 31] - gpr[(w >>> 16) & 31];
        gpr[(w >>> 21) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void neg(CpuState s, int[] gpr, int w) {
        int r = -gpr[(w >>> 16) & 31];
        gpr[(w >>> 21) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void mullw(CpuState s, int[] gpr, int w) {
        int r = gpr[(w >>> 16) & 31] * gpr[(w >>> 11) & 31];
        gpr[(w >>> 21) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void mulhw(CpuState s, int[] gpr, int w) {
        long a = gpr[(w >>> 16) & 31];
        long b = gpr[(w >>> 11) & 31];
        int r = (w & 0x80) == 0 ? (int) (((a & Alu.U32) * (b & Alu.U32)) >>> 32) : (int) ((a * b) >> 32);
        gpr[(w >>> 21) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void carrying(CpuState s, int[] gpr, int w) {
        int xo = (w >>> 1) & 0x1FF;
        int a = gpr[(w >>> 16) & 31];
        int x = (xo & 0x02) != 0 ? a : ~a;
        int y = (xo & 0x40) != 0 ? 0 : gpr[(w >>> 11) & 31];
        int xer = s.xer;
        int cin = (xo & 0x80) != 0 ? (xer >>> 29) & 1 : (xo == 8 ? 1 : 0);
        int r = x + y + cin;
        gpr[(w >>> 21) & 31] = r;
        xer = Alu.withCarry(xer, Alu.carryOut(x, y, cin));
        s.xer = xer;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, xer);
        }
    }

    static void and(CpuState s, int[] gpr, int w) {
        int r = gpr[(w >>> 21) & 31] & gpr[(w >>> 11) & 31];
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void andc(CpuState s, int[] gpr, int w) {
        int r = gpr[(w >>> 21) & 31] & ~gpr[(w >>> 11) & 31];
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void or(CpuState s, int[] gpr, int w) {
        int r = gpr[(w >>> 21) & 31] | gpr[(w >>> 11) & 31];
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void xor(CpuState s, int[] gpr, int w) {
        int r = gpr[(w >>> 21) & 31] ^ gpr[(w >>> 11) & 31];
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void nor(CpuState s, int[] gpr, int w) {
        int r = ~(gpr[(w >>> 21) & 31] | gpr[(w >>> 11) & 31]);
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    static void unary(CpuState s, int[] gpr, int w) {
        int v = gpr[(w >>> 21) & 31];
        int xo = (w >>> 1) & 0x3FF;
        int r = xo == 954 ? (byte) v : xo == 922 ? (short) v : Integer.numberOfLeadingZeros(v);
        gpr[(w >>> 16) & 31] = r;
        if ((w & 1) != 0) {
            s.cr = Alu.cr0(s.cr, r, s.xer);
        }
    }

    // ---------------- branch conditions (a block's last instruction; never LK) ----------------
    /** bc with BO = 001zy / 011zy (CR bit only): taken? */
    static boolean bcCond(CpuState s, int w) {
        return ((s.cr >>> (31 - ((w >>> 16) & 31))) & 1) == ((w >>> 24) & 1);
    }

    /** bdnz / bdz (CTR only): decrements CTR; taken? */
    static boolean bcCtr(CpuState s, int w) {
        int ctr = s.ctr - 1;
        s.ctr = ctr;
        return (ctr != 0) != ((w & 0x00400000) != 0);
    }

    // ---------------- SPRs and CR ----------------
    static void mflr(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 21) & 31] = s.lr;
    }

    static void mtlr(CpuState s, int[] gpr, int w) {
        s.lr = gpr[(w >>> 21) & 31];
    }

    static void mfctr(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 21) & 31] = s.ctr;
    }

    static void mtctr(CpuState s, int[] gpr, int w) {
        s.ctr = gpr[(w >>> 21) & 31];
    }

    static void mfcr(CpuState s, int[] gpr, int w) {
        gpr[(w >>> 21) & 31] = s.cr;
    }

    // ---------------- value helpers of inline forms (BlockCompiler.emitInline): a few bytecodes each ----------------
    /** CR0 from a record form's result. */
    static void rc(CpuState s, int r) {
        s.cr = Alu.cr0(s.cr, r, s.xer);
    }

    /** x + y, CA = carry out. */
    static int addc(CpuState s, int x, int y) {
        long sum = (x & Alu.U32) + (y & Alu.U32);
        s.xer = (s.xer & ~CpuState.XER_CA) | ((int) (sum >>> 32) << 29);
        return (int) sum;
    }

    /** x + y + 1, CA = carry out (subfc, subfic: ~rA + rB + 1). */
    static int addc1(CpuState s, int x, int y) {
        long sum = (x & Alu.U32) + (y & Alu.U32) + 1;
        s.xer = (s.xer & ~CpuState.XER_CA) | ((int) (sum >>> 32) << 29);
        return (int) sum;
    }

    /** x + y + CA, CA = carry out. */
    static int adde(CpuState s, int x, int y) {
        int xer = s.xer;
        long sum = (x & Alu.U32) + (y & Alu.U32) + ((xer >>> 29) & 1);
        s.xer = (xer & ~CpuState.XER_CA) | ((int) (sum >>> 32) << 29);
        return (int) sum;
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

    /** Signed compare into the CR field at {@code shift}. */
    static void cmps(CpuState s, int a, int b, int shift) {
        s.cr = field(s.cr, shift, Alu.compareSigned(a, b, s.xer));
    }

    /** Unsigned compare into the CR field at {@code shift}. */
    static void cmpu(CpuState s, int a, int b, int shift) {
        s.cr = field(s.cr, shift, Alu.compareUnsigned(a, b, s.xer));
    }

    private static int field(int cr, int shift, int nibble) {
        return (cr & ~(0xF << shift)) | (nibble << shift);
    }
}
