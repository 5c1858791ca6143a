package org.ppc440vm.cpu.disasm;

/**
 * Special-purpose-register names used by the {@code mfspr}/{@code mtspr}
 * extended mnemonics, exactly as GNU objdump chooses them for the 440 dialect.
 *
 * <p>The set is not "the 440's SPRs": objdump's table is shared by many PowerPC
 * cores, so some names belong to other implementations (the 601 RTC registers,
 * the BATs, SDR1, DAR/DSISR ...) and some names exist only in one direction
 * (e.g. {@code mftb} reads SPR 268, while writing the time base uses SPR 284 as
 * {@code mttbl}). The tables below were derived from objdump's output for every
 * SPR number in both directions (see the {@code spr} corpus category).
 *
 * <p>Three spellings exist:
 * <ul>
 * <li>plain: {@code mfNAME rT} / {@code mtNAME rS};</li>
 * <li>indexed SPRG: {@code mfsprg rT,n} / {@code mtsprg n,rS};</li>
 * <li>indexed BAT: e.g. {@code mfibatu rT,n} / {@code mtibatu n,rS}.</li>
 * </ul>
 */
public final class SprNames {

    /** Name kinds; see the class comment. */
    static final int NONE = 0;
    static final int PLAIN = 1;
    static final int INDEXED = 2;

    private static final String[] MF_NAME = new String[1024];
    private static final String[] MT_NAME = new String[1024];
    private static final byte[] MF_KIND = new byte[1024];
    private static final byte[] MT_KIND = new byte[1024];
    private static final byte[] MF_INDEX = new byte[1024];
    private static final byte[] MT_INDEX = new byte[1024];

    static {
        both(1, "xer");
        both(8, "lr");
        both(9, "ctr");
        both(18, "dsisr");
        both(19, "dar");
        both(22, "dec");
        both(25, "sdr1");
        both(26, "srr0");
        both(27, "srr1");
        both(48, "pid");
        both(58, "csrr0");
        both(59, "csrr1");
        both(61, "dear");
        both(62, "esr");
        both(63, "ivpr");
        both(256, "usprg0");
        both(282, "ear");
        both(304, "dbsr");
        both(308, "dbcr0");
        both(309, "dbcr1");
        both(310, "dbcr2");
        both(312, "iac1");
        both(313, "iac2");
        both(314, "iac3");
        both(315, "iac4");
        both(316, "dac1");
        both(317, "dac2");
        both(318, "dvc1");
        both(319, "dvc2");
        both(336, "tsr");
        both(340, "tcr");
        for (int i = 0; i < 16; i++) {
            both(400 + i, "ivor" + i);
        }
        both(570, "mcsrr0");
        both(571, "mcsrr1");
        both(572, "mcsr");

        // 601 real-time clock: read at 4/5, written at 20/21.
        mf(4, "rtcu");
        mf(5, "rtcl");
        mt(20, "rtcu");
        mt(21, "rtcl");
        // Write-only / read-only names.
        mt(54, "decar");
        mf(268, "tb");
        mf(269, "tbu");
        mt(284, "tbl");
        mt(285, "tbu");
        mf(286, "pir");
        mf(287, "pvr");
        mf(573, "mcar");

        // SPRG0-7 at 272-279 (both directions); the user-mode read-only
        // aliases of SPRG4-7 at 260-263 are only named when read.
        for (int i = 0; i < 8; i++) {
            indexedBoth(272 + i, "sprg", i);
        }
        for (int i = 4; i < 8; i++) {
            indexed(MF_NAME, MF_KIND, MF_INDEX, 256 + i, "mfsprg", i);
        }
        // BATs: IBATnU/L at 528-535, DBATnU/L at 536-543.
        for (int i = 0; i < 4; i++) {
            indexedBoth(528 + 2 * i, "ibatu", i);
            indexedBoth(529 + 2 * i, "ibatl", i);
            indexedBoth(536 + 2 * i, "dbatu", i);
            indexedBoth(537 + 2 * i, "dbatl", i);
        }
    }

    private SprNames() {
    }

    private static void both(int spr, String name) {
        mf(spr, name);
        mt(spr, name);
    }

    private static void mf(int spr, String name) {
        MF_NAME[spr] = "mf" + name;
        MF_KIND[spr] = PLAIN;
    }

    private static void mt(int spr, String name) {
        MT_NAME[spr] = "mt" + name;
        MT_KIND[spr] = PLAIN;
    }

    private static void indexedBoth(int spr, String name, int index) {
        indexed(MF_NAME, MF_KIND, MF_INDEX, spr, "mf" + name, index);
        indexed(MT_NAME, MT_KIND, MT_INDEX, spr, "mt" + name, index);
    }

    private static void indexed(String[] names, byte[] kinds, byte[] indices, int spr, String name, int index) {
        names[spr] = name;
        kinds[spr] = INDEXED;
        indices[spr] = (byte) index;
    }

    /** Extended mnemonic for {@code mfspr} of this SPR, or {@code null}. */
    public static String mfName(int spr) {
        return MF_NAME[spr & 0x3FF];
    }

    /** Extended mnemonic for {@code mtspr} of this SPR, or {@code null}. */
    public static String mtName(int spr) {
        return MT_NAME[spr & 0x3FF];
    }

    static int mfKind(int spr) {
        return MF_KIND[spr & 0x3FF];
    }

    static int mtKind(int spr) {
        return MT_KIND[spr & 0x3FF];
    }

    static int mfIndex(int spr) {
        return MF_INDEX[spr & 0x3FF];
    }

    static int mtIndex(int spr) {
        return MT_INDEX[spr & 0x3FF];
    }
}
