package org.ppc440vm.cpu.interp;

/**
 * Operation ids: what {@link Decoder} turns an instruction word into, and what the interpreter's dispatch switch
 * switches on. Dense small ints so the switch compiles to a jump table. Some ids are specialisations of one
 * architected instruction (li for addi with rA=0, blr for an unconditional bclr) chosen at decode time so the hot
 * path tests fewer fields; every OE=1 XO-form goes to {@link #ARITH} (rare, computed in one general helper).
 */
final class Op {
    private Op() {
    }

    /** Not decoded yet (also what invalidation writes): decode the word, then execute it. */
    static final int UNDECODED = 0;
    /** Not a 440 instruction (or an invalid form we refuse): Program interrupt, ESR[PIL]. */
    static final int ILLEGAL = 1;
    /** A supervisor-only instruction: trap to the hypervisor, which emulates it or raises a privileged Program. */
    static final int PRIVILEGED = 2;

    // ---- integer, immediate forms ----
    static final int LI = 3;
    static final int LIS = 4;
    static final int ADDI = 5;
    static final int ADDIS = 6;
    static final int ADDIC = 7;
    static final int ADDIC_RC = 8;
    static final int SUBFIC = 9;
    static final int MULLI = 10;
    static final int CMPI = 11;
    static final int CMPLI = 12;
    static final int ORI = 13;
    static final int ORIS = 14;
    static final int XORI = 15;
    static final int XORIS = 16;
    static final int ANDI_RC = 17;
    static final int ANDIS_RC = 18;
    static final int RLWIMI = 19;
    static final int RLWINM = 20;
    static final int RLWNM = 21;
    static final int TWI = 22;

    // ---- integer, register forms (Rc tested at run time; OE=1 forms are ARITH) ----
    static final int CMP = 23;
    static final int CMPL = 24;
    static final int TW = 25;
    static final int ADD = 26;
    static final int ADDC = 27;
    static final int ADDE = 28;
    static final int ADDZE = 29;
    static final int ADDME = 30;
    static final int SUBF = 31;
    static final int SUBFC = 32;
    static final int SUBFE = 33;
    static final int SUBFZE = 34;
    static final int SUBFME = 35;
    static final int NEG = 36;
    static final int MULLW = 37;
    static final int MULHW = 38;
    static final int MULHWU = 39;
    static final int DIVW = 40;
    static final int DIVWU = 41;
    /** Any XO-form with OE=1: one general helper computes result, CA, OV/SO and CR0. */
    static final int ARITH = 42;
    static final int AND = 43;
    static final int ANDC = 44;
    static final int OR = 45;
    static final int ORC = 46;
    static final int XOR = 47;
    static final int NAND = 48;
    static final int NOR = 49;
    static final int EQV = 50;
    static final int SLW = 51;
    static final int SRW = 52;
    static final int SRAW = 53;
    static final int SRAWI = 54;
    static final int EXTSB = 55;
    static final int EXTSH = 56;
    static final int CNTLZW = 57;
    static final int DLMZB = 58;
    /** The 440 multiply-accumulate family (opcode 4): variant from the extended opcode bits. */
    static final int MAC = 59;
    /** mulchw/mulhhw/mullhw and their unsigned forms. */
    static final int MULHALF = 60;

    // ---- condition register and user SPRs ----
    static final int MCRF = 61;
    static final int CRLOGIC = 62;
    static final int MCRXR = 63;
    static final int MTCRF = 64;
    static final int MFCR = 65;
    static final int MFXER = 66;
    static final int MFLR = 67;
    static final int MFCTR = 68;
    static final int MFUSPRG0 = 69;
    static final int MFSPRG4_7 = 70;
    static final int MFTBL = 71;
    static final int MFTBU = 72;
    static final int MTXER = 73;
    static final int MTLR = 74;
    static final int MTCTR = 75;
    static final int MTUSPRG0 = 76;

    // ---- branches and system linkage ----
    /** b, ba, bl, bla. */
    static final int B = 77;
    /** bc with both a CTR and a CR test, or neither (branch always). */
    static final int BC = 78;
    /** bc testing a CR bit only. */
    static final int BC_COND = 79;
    /** bc decrementing and testing CTR only (bdnz, bdz). */
    static final int BC_CTR = 80;
    static final int BCLR = 81;
    /** bclr with BO = branch always: blr, blrl. */
    static final int BLR = 82;
    static final int BCCTR = 83;
    /** bcctr with BO = branch always: bctr, bctrl. */
    static final int BCTR = 84;
    static final int SC = 85;

    // ---- integer loads and stores ----
    static final int LWZ = 86;
    static final int LWZU = 87;
    static final int LWZX = 88;
    static final int LWZUX = 89;
    static final int LBZ = 90;
    static final int LBZU = 91;
    static final int LBZX = 92;
    static final int LBZUX = 93;
    static final int LHZ = 94;
    static final int LHZU = 95;
    static final int LHZX = 96;
    static final int LHZUX = 97;
    static final int LHA = 98;
    static final int LHAU = 99;
    static final int LHAX = 100;
    static final int LHAUX = 101;
    static final int STW = 102;
    static final int STWU = 103;
    static final int STWX = 104;
    static final int STWUX = 105;
    static final int STB = 106;
    static final int STBU = 107;
    static final int STBX = 108;
    static final int STBUX = 109;
    static final int STH = 110;
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
    static final int LFS = 130;
    static final int LFSU = 131;
    static final int LFSX = 132;
    static final int LFSUX = 133;
    static final int LFD = 134;
    static final int LFDU = 135;
    static final int LFDX = 136;
    static final int LFDUX = 137;
    static final int STFS = 138;
    static final int STFSU = 139;
    static final int STFSX = 140;
    static final int STFSUX = 141;
    static final int STFD = 142;
    static final int STFDU = 143;
    static final int STFDX = 144;
    static final int STFDUX = 145;
    static final int STFIWX = 146;
    /** Any opcode-59/63 arithmetic, move, compare or FPSCR instruction: delegated to the FPU package. */
    static final int FP_ARITH = 147;

    /** bclr testing a CR bit only (beqlr, bnelr, ...). */
    static final int BCLR_COND = 148;

    static final int COUNT = 149;
}
