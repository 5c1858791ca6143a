package org.ppc440vm.kvm.vcpu;

import org.ppc440vm.api.memory.Endian;
import org.ppc440vm.cpu.spi.CpuState;

/**
 * Decodes the load or store that trapped on a guest-physical address that is not RAM into an MMIO exit (size,
 * byte order, direction, the value stored), and finishes it once the device has answered: the loaded value into
 * its register (lha sign-extended, lfs converted from single), the update form's base register, the PC.
 *
 * <p>The CPU changed nothing when it trapped, so the effective address of an update form is recomputed here from
 * the registers. Load/store multiple and string instructions touch several words and are refused as an internal
 * error, as are lwarx/stwcx. (a reservation on a device makes no sense). Cache-block operations on a device page do
 * nothing, except {@code dcbz}, which is an Alignment interrupt on the 440 for caching-inhibited storage.
 */
final class MmioAccess {
    private MmioAccess() {
    }

    /** What {@link #decode} found. */
    static final int DECODED = 0;
    /** A cache-block operation on device memory: nothing to do but step over it. */
    static final int NO_OP = 1;
    /** dcbz on device memory: an Alignment interrupt for the guest. */
    static final int ALIGNMENT = 2;
    /** Not an access we can forward: the record is now an INTERNAL_ERROR. */
    static final int REFUSED = 3;

    /**
     * Fills the MMIO fields of {@code exit} (its reason, pc and instruction already set) from the instruction word
     * and the registers in {@code s}; {@code physical} is the guest-physical address the CPU trapped on.
     */
    static int decode(ExitRecord exit, CpuState s, long physical) {
        int w = exit.instruction;
        int rt = (w >>> 21) & 31;
        int ra = (w >>> 16) & 31;
        int rb = (w >>> 11) & 31;
        int base = ra == 0 ? 0 : s.gpr[ra];
        int dForm = base + (short) w;
        int xForm = base + s.gpr[rb];
        exit.address = physical;
        exit.targetRegister = rt;
        exit.effectiveAddress = (w >>> 26) == 31 ? xForm : dForm;
        switch (w >>> 26) {
            case 32: return load(exit, 4, Endian.BIG, ExitRecord.FINISH_LOAD);                    // lwz
            case 33: return update(load(exit, 4, Endian.BIG, ExitRecord.FINISH_LOAD), exit, ra, dForm); // lwzu
            case 34: return load(exit, 1, Endian.BIG, ExitRecord.FINISH_LOAD);                    // lbz
            case 35: return update(load(exit, 1, Endian.BIG, ExitRecord.FINISH_LOAD), exit, ra, dForm);
            case 36: return store(exit, 4, Endian.BIG, s.gpr[rt] & 0xFFFF_FFFFL);                 // stw
            case 37: return update(store(exit, 4, Endian.BIG, s.gpr[rt] & 0xFFFF_FFFFL), exit, ra, dForm);
            case 38: return store(exit, 1, Endian.BIG, s.gpr[rt] & 0xFFL);                        // stb
            case 39: return update(store(exit, 1, Endian.BIG, s.gpr[rt] & 0xFFL), exit, ra, dForm);
            case 40: return load(exit, 2, Endian.BIG, ExitRecord.FINISH_LOAD);                    // lhz
            case 41: return update(load(exit, 2, Endian.BIG, ExitRecord.FINISH_LOAD), exit, ra, dForm);
            case 42: return load(exit, 2, Endian.BIG, ExitRecord.FINISH_LOAD_SIGNED);             // lha
            case 43: return update(load(exit, 2, Endian.BIG, ExitRecord.FINISH_LOAD_SIGNED), exit, ra, dForm);
            case 44: return store(exit, 2, Endian.BIG, s.gpr[rt] & 0xFFFFL);                      // sth
            case 45: return update(store(exit, 2, Endian.BIG, s.gpr[rt] & 0xFFFFL), exit, ra, dForm);
            case 46: return refuse(exit, "lmw to device memory is not supported (it would be several MMIO accesses)");
            case 47: return refuse(exit, "stmw to device memory is not supported (it would be several MMIO accesses)");
            case 48: return load(exit, 4, Endian.BIG, ExitRecord.FINISH_LOAD_SINGLE);             // lfs
            case 49: return update(load(exit, 4, Endian.BIG, ExitRecord.FINISH_LOAD_SINGLE), exit, ra, dForm);
            case 50: return load(exit, 8, Endian.BIG, ExitRecord.FINISH_LOAD_DOUBLE);             // lfd
            case 51: return update(load(exit, 8, Endian.BIG, ExitRecord.FINISH_LOAD_DOUBLE), exit, ra, dForm);
            case 52: return store(exit, 4, Endian.BIG, FloatFormat.toSingle(s.fpr[rt]) & 0xFFFF_FFFFL); // stfs
            case 53: return update(store(exit, 4, Endian.BIG, FloatFormat.toSingle(s.fpr[rt]) & 0xFFFF_FFFFL),
                    exit, ra, dForm);
            case 54: return store(exit, 8, Endian.BIG, s.fpr[rt]);                                 // stfd
            case 55: return update(store(exit, 8, Endian.BIG, s.fpr[rt]), exit, ra, dForm);
            case 31: return decodeIndexed(exit, s, w, rt, ra, xForm);
            default: return refuse(exit, "the instruction that touched device memory is not a load or store");
        }
    }

    private static int decodeIndexed(ExitRecord exit, CpuState s, int w, int rt, int ra, int ea) {
        long rs = s.gpr[rt] & 0xFFFF_FFFFL;
        switch ((w >>> 1) & 0x3FF) {
            case 23: return load(exit, 4, Endian.BIG, ExitRecord.FINISH_LOAD);                    // lwzx
            case 55: return update(load(exit, 4, Endian.BIG, ExitRecord.FINISH_LOAD), exit, ra, ea);
            case 87: return load(exit, 1, Endian.BIG, ExitRecord.FINISH_LOAD);                    // lbzx
            case 119: return update(load(exit, 1, Endian.BIG, ExitRecord.FINISH_LOAD), exit, ra, ea);
            case 151: return store(exit, 4, Endian.BIG, rs);                                       // stwx
            case 183: return update(store(exit, 4, Endian.BIG, rs), exit, ra, ea);
            case 215: return store(exit, 1, Endian.BIG, rs & 0xFF);                                // stbx
            case 247: return update(store(exit, 1, Endian.BIG, rs & 0xFF), exit, ra, ea);
            case 279: return load(exit, 2, Endian.BIG, ExitRecord.FINISH_LOAD);                   // lhzx
            case 311: return update(load(exit, 2, Endian.BIG, ExitRecord.FINISH_LOAD), exit, ra, ea);
            case 343: return load(exit, 2, Endian.BIG, ExitRecord.FINISH_LOAD_SIGNED);            // lhax
            case 375: return update(load(exit, 2, Endian.BIG, ExitRecord.FINISH_LOAD_SIGNED), exit, ra, ea);
            case 407: return store(exit, 2, Endian.BIG, rs & 0xFFFF);                              // sthx
            case 439: return update(store(exit, 2, Endian.BIG, rs & 0xFFFF), exit, ra, ea);
            case 534: return load(exit, 4, Endian.LITTLE, ExitRecord.FINISH_LOAD);                // lwbrx
            case 662: return store(exit, 4, Endian.LITTLE, rs);                                   // stwbrx
            case 790: return load(exit, 2, Endian.LITTLE, ExitRecord.FINISH_LOAD);                // lhbrx
            case 918: return store(exit, 2, Endian.LITTLE, rs & 0xFFFF);                          // sthbrx
            case 535: return load(exit, 4, Endian.BIG, ExitRecord.FINISH_LOAD_SINGLE);            // lfsx
            case 567: return update(load(exit, 4, Endian.BIG, ExitRecord.FINISH_LOAD_SINGLE), exit, ra, ea);
            case 599: return load(exit, 8, Endian.BIG, ExitRecord.FINISH_LOAD_DOUBLE);            // lfdx
            case 631: return update(load(exit, 8, Endian.BIG, ExitRecord.FINISH_LOAD_DOUBLE), exit, ra, ea);
            case 663: return store(exit, 4, Endian.BIG, FloatFormat.toSingle(s.fpr[rt]) & 0xFFFF_FFFFL); // stfsx
            case 695: return update(store(exit, 4, Endian.BIG, FloatFormat.toSingle(s.fpr[rt]) & 0xFFFF_FFFFL),
                    exit, ra, ea);
            case 727: return store(exit, 8, Endian.BIG, s.fpr[rt]);                                // stfdx
            case 759: return update(store(exit, 8, Endian.BIG, s.fpr[rt]), exit, ra, ea);
            case 983: return store(exit, 4, Endian.BIG, s.fpr[rt] & 0xFFFF_FFFFL);                // stfiwx
            case 20: return refuse(exit, "lwarx to device memory is not supported");
            case 150: return refuse(exit, "stwcx. to device memory is not supported");
            case 533: case 597: case 661: case 725:
                return refuse(exit, "string load/store (lswi/lswx/stswi/stswx) to device memory is not supported");
            case 1014: // dcbz: the 440 raises Alignment for caching-inhibited storage (Linux emulates it)
                return ALIGNMENT;
            case 54: case 86: case 246: case 278: case 758: case 982: case 22:
                return NO_OP; // dcbst, dcbf, dcbtst, dcbt, dcba, icbi, icbt: no cache in front of a device
            default:
                return refuse(exit, "the instruction that touched device memory is not a load or store");
        }
    }

    private static int load(ExitRecord exit, int size, Endian endian, int finish) {
        exit.size = size;
        exit.endian = endian;
        exit.write = false;
        exit.data = 0;
        exit.finish = finish;
        return DECODED;
    }

    private static int store(ExitRecord exit, int size, Endian endian, long value) {
        exit.size = size;
        exit.endian = endian;
        exit.write = true;
        exit.data = value;
        exit.finish = ExitRecord.FINISH_STORE;
        return DECODED;
    }

    private static int update(int result, ExitRecord exit, int ra, int ea) {
        exit.updateRegister = ra;
        exit.updateAddress = ea;
        return result;
    }

    private static int refuse(ExitRecord exit, String why) {
        exit.internalError(why);
        return REFUSED;
    }

    /**
     * Finishes the access decoded into {@code exit}: the loaded {@code exit.data} into its register, the update
     * form's base register, and the PC past the instruction. Also finishes DCR reads and writes.
     */
    static void finish(ExitRecord exit, CpuState s) {
        long v = exit.data;
        switch (exit.finish) {
            case ExitRecord.FINISH_LOAD:
                s.gpr[exit.targetRegister] = (int) (exit.size == 4 ? v : v & ((1L << (8 * exit.size)) - 1));
                break;
            case ExitRecord.FINISH_LOAD_SIGNED:
                s.gpr[exit.targetRegister] = (short) v;
                break;
            case ExitRecord.FINISH_LOAD_SINGLE:
                s.fpr[exit.targetRegister] = FloatFormat.fromSingle((int) v);
                break;
            case ExitRecord.FINISH_LOAD_DOUBLE:
                s.fpr[exit.targetRegister] = v;
                break;
            case ExitRecord.FINISH_DCR_READ:
                s.gpr[exit.targetRegister] = (int) v;
                break;
            case ExitRecord.FINISH_STORE:
            case ExitRecord.FINISH_DCR_WRITE:
                break;
            default:
                return; // nothing was pending
        }
        if (exit.updateRegister >= 0) {
            s.gpr[exit.updateRegister] = exit.updateAddress;
        }
        exit.finish = ExitRecord.FINISH_NONE;
        s.pc = exit.pc + 4;
        s.instructions++;
    }
}
