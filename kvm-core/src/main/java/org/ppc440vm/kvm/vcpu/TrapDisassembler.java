package org.ppc440vm.kvm.vcpu;

/**
 * Disassembles the instructions that reach the hypervisor: privileged instructions, loads and stores (MMIO), system
 * calls, traps and branches, in the GNU objdump style ({@code mnemonic operands}, registers as {@code rN}), and any
 * other word as {@code .long 0x...}. The CPU bundle's full disassembler lives in its private packages, so kvm-core
 * keeps this small one for its exit descriptions and hot-trap lists.
 */
final class TrapDisassembler {
    private TrapDisassembler() {
    }

    private static final String[] D_FORM = new String[64];
    private static final String[] X_FORM = new String[1024];

    static {
        String[] d = {"lwz", "lwzu", "lbz", "lbzu", "stw", "stwu", "stb", "stbu", "lhz", "lhzu", "lha", "lhau", "sth",
            "sthu", "lmw", "stmw", "lfs", "lfsu", "lfd", "lfdu", "stfs", "stfsu", "stfd", "stfdu"};
        for (int i = 0; i < d.length; i++) {
            D_FORM[32 + i] = d[i];
        }
        x(23, "lwzx"); x(55, "lwzux"); x(87, "lbzx"); x(119, "lbzux"); x(151, "stwx"); x(183, "stwux");
        x(215, "stbx"); x(247, "stbux"); x(279, "lhzx"); x(311, "lhzux"); x(343, "lhax"); x(375, "lhaux");
        x(407, "sthx"); x(439, "sthux"); x(534, "lwbrx"); x(662, "stwbrx"); x(790, "lhbrx"); x(918, "sthbrx");
        x(20, "lwarx"); x(535, "lfsx"); x(567, "lfsux"); x(599, "lfdx"); x(631, "lfdux"); x(663, "stfsx");
        x(695, "stfsux"); x(727, "stfdx"); x(759, "stfdux"); x(983, "stfiwx"); x(533, "lswx"); x(661, "stswx");
        x(54, "dcbst"); x(86, "dcbf"); x(246, "dcbtst"); x(278, "dcbt"); x(758, "dcba"); x(982, "icbi");
        x(1014, "dcbz"); x(470, "dcbi"); x(454, "dccci"); x(966, "iccci"); x(22, "icbt");
    }

    private static void x(int xo, String name) {
        X_FORM[xo] = name;
    }

    static String disassemble(int w, int pc) {
        int op = w >>> 26;
        int rt = (w >>> 21) & 31;
        int ra = (w >>> 16) & 31;
        int rb = (w >>> 11) & 31;
        if (D_FORM[op] != null) {
            String reg = op >= 48 ? "f" : "r";
            return D_FORM[op] + " " + reg + rt + "," + (short) w + "(r" + ra + ")";
        }
        switch (op) {
            case 3:
                return "twi " + rt + ",r" + ra + "," + (short) w;
            case 17:
                return (w & 2) != 0 ? "sc" : word(w);
            case 18: {
                int offset = (w << 6) >> 6 & ~3;
                int target = (w & 2) != 0 ? offset : pc + offset;
                return ((w & 1) != 0 ? "bl" : "b") + ((w & 2) != 0 ? "a" : "") + String.format(" 0x%x", target);
            }
            case 19:
                switch ((w >>> 1) & 0x3FF) {
                    case 50: return "rfi";
                    case 51: return "rfci";
                    case 38: return "rfmci";
                    case 150: return "isync";
                    default: return word(w);
                }
            case 31:
                return indexed(w, rt, ra, rb);
            default:
                return word(w);
        }
    }

    private static String indexed(int w, int rt, int ra, int rb) {
        int xo = (w >>> 1) & 0x3FF;
        switch (xo) {
            case 83: return "mfmsr r" + rt;
            case 146: return "mtmsr r" + rt;
            case 131: return "wrtee r" + rt;
            case 163: return "wrteei " + ((w >>> 15) & 1);
            case 339: return "mfspr r" + rt + "," + Spr.name(Spr.field(w));
            case 467: return "mtspr " + Spr.name(Spr.field(w)) + ",r" + rt;
            case 371: return "mftb r" + rt + "," + Spr.field(w);
            case 323: return "mfdcr r" + rt + "," + String.format("0x%x", Spr.field(w));
            case 451: return "mtdcr " + String.format("0x%x", Spr.field(w)) + ",r" + rt;
            case 978: return "tlbwe r" + rt + ",r" + ra + "," + rb;
            case 946: return "tlbre r" + rt + ",r" + ra + "," + rb;
            case 914: return "tlbsx" + ((w & 1) != 0 ? "." : "") + " r" + rt + ",r" + ra + ",r" + rb;
            case 566: return "tlbsync";
            case 486: return "dcread r" + rt + ",r" + ra + ",r" + rb;
            case 998: return "icread r" + ra + ",r" + rb;
            case 4: return "tw " + rt + ",r" + ra + ",r" + rb;
            case 150: return "stwcx. r" + rt + ",r" + ra + ",r" + rb;
            case 597: return "lswi r" + rt + ",r" + ra + "," + rb;
            case 725: return "stswi r" + rt + ",r" + ra + "," + rb;
            default:
                break;
        }
        String name = X_FORM[xo];
        if (name == null) {
            return word(w);
        }
        if (name.startsWith("dc") || name.startsWith("ic")) {
            return name + " r" + ra + ",r" + rb;
        }
        String reg = name.charAt(1) == 'f' || name.startsWith("stf") ? "f" : "r";
        return name + " " + reg + rt + ",r" + ra + ",r" + rb;
    }

    private static String word(int w) {
        return String.format(".long 0x%08x", w);
    }
}
