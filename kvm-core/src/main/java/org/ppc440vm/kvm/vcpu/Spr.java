package org.ppc440vm.kvm.vcpu;

/**
 * SPR numbers of the Book E architecture and the 440 core, and the names the statistics and the disassembler print.
 * An SPR number with bit 0x10 set is privileged (Book E): {@code mfspr}/{@code mtspr} of it from user mode is a
 * privileged-instruction Program interrupt.
 */
final class Spr {
    private Spr() {
    }

    // ---- user-level (the CPU serves these itself; the hypervisor sees them only through Vcpu.spr) ----
    static final int XER = 1;
    static final int LR = 8;
    static final int CTR = 9;
    static final int USPRG0 = 256;
    /** SPRG4-7 read-only aliases for user mode. */
    static final int SPRG4_USER = 260;
    static final int SPRG7_USER = 263;
    /** Time base read numbers (mfspr and mftb). */
    static final int TBL_READ = 268;
    static final int TBU_READ = 269;

    // ---- Book E supervisor SPRs ----
    static final int DEC = 22;
    static final int SRR0 = 26;
    static final int SRR1 = 27;
    static final int PID = 48;
    static final int DECAR = 54;
    static final int CSRR0 = 58;
    static final int CSRR1 = 59;
    static final int DEAR = 61;
    static final int ESR = 62;
    static final int IVPR = 63;
    static final int SPRG0 = 272;
    static final int SPRG3 = 275;
    static final int SPRG4 = 276;
    static final int SPRG7 = 279;
    /** Time base write numbers (write-only). */
    static final int TBL_WRITE = 284;
    static final int TBU_WRITE = 285;
    static final int PIR = 286;
    static final int PVR = 287;
    static final int DBSR = 304;
    static final int DBCR0 = 308;
    static final int DBCR1 = 309;
    static final int DBCR2 = 310;
    static final int IAC1 = 312;
    static final int IAC4 = 315;
    static final int DAC1 = 316;
    static final int DAC2 = 317;
    static final int DVC1 = 318;
    static final int DVC2 = 319;
    static final int TSR = 336;
    static final int TCR = 340;
    static final int IVOR0 = 400;
    static final int IVOR15 = 415;
    static final int MCSRR0 = 570;
    static final int MCSRR1 = 571;
    static final int MCSR = 572;

    // ---- 440-specific ----
    static final int INV0 = 880;
    static final int ITV3 = 887;
    static final int CCR1 = 888;
    static final int DNV0 = 912;
    static final int DTV3 = 919;
    static final int DVLIM = 920;
    static final int IVLIM = 921;
    static final int RSTCFG = 923;
    static final int DCDBTRL = 924;
    static final int DCDBTRH = 925;
    static final int ICDBTRL = 926;
    static final int ICDBTRH = 927;
    static final int MMUCR = 946;
    static final int CCR0 = 947;
    static final int ICDBDR = 979;
    static final int DBDR = 1011;

    /** True when {@code mfspr}/{@code mtspr} of this number needs supervisor state (Book E: SPR bit 0x10). */
    static boolean isPrivileged(int sprn) {
        return (sprn & 0x10) != 0;
    }

    /** The SPR number in an mfspr/mtspr word: its two 5-bit halves are swapped in the instruction. */
    static int field(int word) {
        return ((word >>> 16) & 0x1F) | ((word >>> 6) & 0x3E0);
    }

    private static final String[] NAMES = new String[1024];

    static {
        name(XER, "xer");
        name(LR, "lr");
        name(CTR, "ctr");
        name(DEC, "dec");
        name(SRR0, "srr0");
        name(SRR1, "srr1");
        name(PID, "pid");
        name(DECAR, "decar");
        name(CSRR0, "csrr0");
        name(CSRR1, "csrr1");
        name(DEAR, "dear");
        name(ESR, "esr");
        name(IVPR, "ivpr");
        name(USPRG0, "usprg0");
        for (int i = 0; i < 4; i++) {
            name(SPRG4_USER + i, "sprg" + (4 + i) + "r");
            name(SPRG0 + i, "sprg" + i);
            name(SPRG4 + i, "sprg" + (4 + i));
            name(IAC1 + i, "iac" + (1 + i));
            name(INV0 + i, "inv" + i);
            name(INV0 + 4 + i, "itv" + i);
            name(DNV0 + i, "dnv" + i);
            name(DNV0 + 4 + i, "dtv" + i);
        }
        name(TBL_READ, "tbl");
        name(TBU_READ, "tbu");
        name(TBL_WRITE, "tblw");
        name(TBU_WRITE, "tbuw");
        name(PIR, "pir");
        name(PVR, "pvr");
        name(DBSR, "dbsr");
        name(DBCR0, "dbcr0");
        name(DBCR1, "dbcr1");
        name(DBCR2, "dbcr2");
        name(DAC1, "dac1");
        name(DAC2, "dac2");
        name(DVC1, "dvc1");
        name(DVC2, "dvc2");
        name(TSR, "tsr");
        name(TCR, "tcr");
        for (int i = 0; i < 16; i++) {
            name(IVOR0 + i, "ivor" + i);
        }
        name(MCSRR0, "mcsrr0");
        name(MCSRR1, "mcsrr1");
        name(MCSR, "mcsr");
        name(CCR1, "ccr1");
        name(DVLIM, "dvlim");
        name(IVLIM, "ivlim");
        name(RSTCFG, "rstcfg");
        name(DCDBTRL, "dcdbtrl");
        name(DCDBTRH, "dcdbtrh");
        name(ICDBTRL, "icdbtrl");
        name(ICDBTRH, "icdbtrh");
        name(MMUCR, "mmucr");
        name(CCR0, "ccr0");
        name(ICDBDR, "icdbdr");
        name(DBDR, "dbdr");
    }

    private static void name(int sprn, String name) {
        NAMES[sprn] = name;
    }

    /** The SPR's name, or its number in decimal when it has none. */
    static String name(int sprn) {
        String n = NAMES[sprn & 0x3FF];
        return n != null ? n : Integer.toString(sprn & 0x3FF);
    }
}
