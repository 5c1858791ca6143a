package org.ppc440vm.cpu.interp;

/**
 * Operation ids: what {@link Decoder} turns an instruction word into, and what the interpreter's dispatch switch
 * switches on. Dense small ints, numbered by how often the Linux boot executes them in the interpreter (most often
 * first; the floating-point ids stay a contiguous block at the end, which {@link Decoder} and the FP-unavailable
 * check rely on): C2 compiles the switch to a jump table, but C1, the runtime's compiler, to a chain of compares in
 * id order. Measured with C1 on the build machine: 2.4 ns per dispatch for ids 0-7 against 15.9 ns for ids
 * 150-157, and lwz, stw and bc were ids 86, 102 and 79 (now 1, 3 and 2). Some ids are specialisations of one
 * architected instruction (li for addi with rA=0, blr for an unconditional bclr) chosen at decode time so the hot
 * path tests fewer fields; every OE=1 XO-form goes to {@link #ARITH} (rare, computed in one general helper).
 */
final class Op {
    private Op() {
    }

    /** Not decoded yet (also what invalidation writes): decode the word, then execute it. */
    static final int UNDECODED = 0;
    /** Not a 440 instruction (or an invalid form we refuse): Program interrupt, ESR[PIL]. */
    static final int ILLEGAL = 45;
    /** A supervisor-only instruction: trap to the hypervisor, which emulates it or raises a privileged Program. */
    static final int PRIVILEGED = 32;

    // ---- integer, immediate forms ----
    static final int LI = 10;
    static final int LIS = 19;
    static final int ADDI = 4;
    static final int ADDIS = 46;
    static final int ADDIC = 47;
    static final int ADDIC_RC = 37;
    static final int SUBFIC = 48;
    static final int MULLI = 49;
    static final int CMPI = 9;
    static final int CMPLI = 20;
    static final int ORI = 34;
    static final int ORIS = 50;
    static final int XORI = 51;
    static final int XORIS = 52;
    static final int ANDI_RC = 17;
    static final int ANDIS_RC = 53;
    static final int RLWIMI = 41;
    static final int RLWINM = 5;
    static final int RLWNM = 54;
    static final int TWI = 55;

    // ---- integer, register forms (Rc tested at run time; OE=1 forms are ARITH) ----
    static final int CMP = 23;
    static final int CMPL = 12;
    static final int TW = 56;
    static final int ADD = 7;
    static final int ADDC = 43;
    static final int ADDE = 42;
    static final int ADDZE = 57;
    static final int ADDME = 58;
    static final int SUBF = 16;
    static final int SUBFC = 59;
    static final int SUBFE = 60;
    static final int SUBFZE = 61;
    static final int SUBFME = 62;
    static final int NEG = 63;
    static final int MULLW = 27;
    static final int MULHW = 64;
    static final int MULHWU = 65;
    static final int DIVW = 66;
    static final int DIVWU = 67;
    /** Any XO-form with OE=1: one general helper computes result, CA, OV/SO and CR0. */
    static final int ARITH = 68;
    static final int AND = 28;
    static final int ANDC = 40;
    static final int OR = 6;
    static final int ORC = 69;
    static final int XOR = 8;
    static final int NAND = 70;
    static final int NOR = 71;
    static final int EQV = 72;
    static final int SLW = 29;
    static final int SRW = 35;
    static final int SRAW = 73;
    static final int SRAWI = 74;
    static final int EXTSB = 75;
    static final int EXTSH = 76;
    static final int CNTLZW = 77;
    static final int DLMZB = 78;
    /** The 440 multiply-accumulate family (opcode 4): variant from the extended opcode bits. */
    static final int MAC = 79;
    /** mulchw/mulhhw/mullhw and their unsigned forms. */
    static final int MULHALF = 80;

    // ---- condition register and user SPRs ----
    static final int MCRF = 81;
    static final int CRLOGIC = 82;
    static final int MCRXR = 83;
    static final int MTCRF = 84;
    static final int MFCR = 85;
    static final int MFXER = 86;
    static final int MFLR = 21;
    static final int MFCTR = 87;
    static final int MFUSPRG0 = 88;
    static final int MFSPRG4_7 = 89;
    static final int MFTBL = 30;
    static final int MFTBU = 90;
    static final int MTXER = 91;
    static final int MTLR = 24;
    static final int MTCTR = 25;
    static final int MTUSPRG0 = 92;

    // ---- branches and system linkage ----
    /** b, ba, bl, bla. */
    static final int B = 11;
    /** bc with both a CTR and a CR test, or neither (branch always). */
    static final int BC = 38;
    /** bc testing a CR bit only. */
    static final int BC_COND = 2;
    /** bc decrementing and testing CTR only (bdnz, bdz). */
    static final int BC_CTR = 15;
    static final int BCLR = 93;
    /** bclr with BO = branch always: blr, blrl. */
    static final int BLR = 18;
    static final int BCCTR = 94;
    /** bcctr with BO = branch always: bctr, bctrl. */
    static final int BCTR = 44;
    static final int SC = 95;

    // ---- integer loads and stores ----
    static final int LWZ = 1;
    static final int LWZU = 31;
    static final int LWZX = 36;
    static final int LWZUX = 96;
    static final int LBZ = 14;
    static final int LBZU = 39;
    static final int LBZX = 97;
    static final int LBZUX = 98;
    static final int LHZ = 26;
    static final int LHZU = 99;
    static final int LHZX = 100;
    static final int LHZUX = 101;
    static final int LHA = 102;
    static final int LHAU = 103;
    static final int LHAX = 104;
    static final int LHAUX = 105;
    static final int STW = 3;
    static final int STWU = 13;
    static final int STWX = 106;
    static final int STWUX = 107;
    static final int STB = 22;
    static final int STBU = 108;
    static final int STBX = 109;
    static final int STBUX = 110;
    static final int STH = 33;
    static final int STHU = 111;
    static final int STHX = 112;
    static final int STHUX = 113;
    static final int LWBRX = 114;
    static final int LHBRX = 115;
    static final int STWBRX = 116;
    static final int STHBRX = 117;
    static final int LMW = 118;
    static final int STMW = 119;
    static final int LSWI = 120;
    static final int LSWX = 121;
    static final int STSWI = 122;
    static final int STSWX = 123;
    static final int LWARX = 124;
    static final int STWCX = 125;

    // ---- storage control ----
    static final int DCBZ = 126;
    /** dcbst, dcbf: no data movement here (no caches), but they translate like a load and can fault. */
    static final int DCB_CHECKED = 127;
    /** icbi: translates like a load, then drops the decoded instructions of the 32-byte block. */
    static final int ICBI = 128;
    /** Touches, dcba, msync, mbar, isync: nothing to do for an interpreter without caches or reordering. */
    static final int NOP = 129;

    // ---- floating point ----
    static final int LFS = 131;
    static final int LFSU = 132;
    static final int LFSX = 133;
    static final int LFSUX = 134;
    static final int LFD = 135;
    static final int LFDU = 136;
    static final int LFDX = 137;
    static final int LFDUX = 138;
    static final int STFS = 139;
    static final int STFSU = 140;
    static final int STFSX = 141;
    static final int STFSUX = 142;
    static final int STFD = 143;
    static final int STFDU = 144;
    static final int STFDX = 145;
    static final int STFDUX = 146;
    static final int STFIWX = 147;
    /** Any opcode-59/63 arithmetic, move, compare or FPSCR instruction: delegated to the FPU package. */
    static final int FP_ARITH = 148;

    /** bclr testing a CR bit only (beqlr, bnelr, ...). */
    static final int BCLR_COND = 130;

    static final int COUNT = 149;
}
