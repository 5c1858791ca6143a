package org.ppc440vm.cpu.interp;

import org.ppc440vm.cpu.interp.fpu.FpuOps;

/**
 * Turns a 440x5 instruction word into an {@link Op} id. Runs once per instruction word per decoded page, so it
 * may take its time; everything it can settle (which SPR, which BO shape, whether an update form is invalid)
 * it settles here so the execute path does not.
 *
 * <p>Choices where the 440 leaves freedom (all documented in the instruction pages as "invalid forms"):
 * <ul>
 * <li>Load with update with rA=0 or rA=rT, store with update with rA=0, FP load/store with update with rA=0:
 * illegal instruction (Program, ESR[PIL]), as QEMU does, rather than the 440's boundedly undefined result.</li>
 * <li>bcctr with BO[2]=0 (decrement CTR and branch to CTR): illegal, as Book E calls it invalid.</li>
 * <li>cmp/cmpl/cmpi/cmpli with L=1 (64-bit compare): illegal on this 32-bit core.</li>
 * <li>isel, mfdcrx/mtdcrx, mfapidi, AltiVec and 64-bit-only opcodes: illegal (the 440EP core has none of them).</li>
 * <li>Reserved bits are otherwise ignored (mfocrf/mtocrf therefore behave as mfcr/mtcrf, which is what they
 * compute anyway for the fields they name; sync with L=1 is msync).</li>
 * </ul>
 */
final class Decoder {
    private Decoder() {
    }

    /** A decoded-page entry: the op id in the high half, the raw word in the low half. */
    static long entry(int word) {
        return ((long) decode(word) << 32) | (word & 0xFFFFFFFFL);
    }

    static int decode(int w) {
        int rt = (w >>> 21) & 31;
        int ra = (w >>> 16) & 31;
        switch (w >>> 26) {
            case 3:
                return Op.TWI;
            case 4:
                return decodeMac(w);
            case 7:
                return Op.MULLI;
            case 8:
                return Op.SUBFIC;
            case 10:
                return (w & 0x00200000) != 0 ? Op.ILLEGAL : Op.CMPLI;
            case 11:
                return (w & 0x00200000) != 0 ? Op.ILLEGAL : Op.CMPI;
            case 12:
                return Op.ADDIC;
            case 13:
                return Op.ADDIC_RC;
            case 14:
                return ra == 0 ? Op.LI : Op.ADDI;
            case 15:
                return ra == 0 ? Op.LIS : Op.ADDIS;
            case 16:
                return decodeBc(rt);
            case 17:
                return (w & 2) != 0 ? Op.SC : Op.ILLEGAL;
            case 18:
                return Op.B;
            case 19:
                return decode19(w, rt);
            case 20:
                return Op.RLWIMI;
            case 21:
                return Op.RLWINM;
            case 23:
                return Op.RLWNM;
            case 24:
                return Op.ORI;
            case 25:
                return Op.ORIS;
            case 26:
                return Op.XORI;
            case 27:
                return Op.XORIS;
            case 28:
                return Op.ANDI_RC;
            case 29:
                return Op.ANDIS_RC;
            case 31:
                return decode31(w, rt, ra);
            case 32:
                return Op.LWZ;
            case 33:
                return loadUpdate(Op.LWZU, rt, ra);
            case 34:
                return Op.LBZ;
            case 35:
                return loadUpdate(Op.LBZU, rt, ra);
            case 36:
                return Op.STW;
            case 37:
                return storeUpdate(Op.STWU, ra);
            case 38:
                return Op.STB;
            case 39:
                return storeUpdate(Op.STBU, ra);
            case 40:
                return Op.LHZ;
            case 41:
                return loadUpdate(Op.LHZU, rt, ra);
            case 42:
                return Op.LHA;
            case 43:
                return loadUpdate(Op.LHAU, rt, ra);
            case 44:
                return Op.STH;
            case 45:
                return storeUpdate(Op.STHU, ra);
            case 46:
                return Op.LMW;
            case 47:
                return Op.STMW;
            case 48:
                return Op.LFS;
            case 49:
                return storeUpdate(Op.LFSU, ra); // an FPR target never collides with rA: only rA=0 is invalid
            case 50:
                return Op.LFD;
            case 51:
                return storeUpdate(Op.LFDU, ra);
            case 52:
                return Op.STFS;
            case 53:
                return storeUpdate(Op.STFSU, ra);
            case 54:
                return Op.STFD;
            case 55:
                return storeUpdate(Op.STFDU, ra);
            case 59:
            case 63:
                return FpuOps.isFpArithmetic(w) ? Op.FP_ARITH : Op.ILLEGAL;
            default:
                return Op.ILLEGAL;
        }
    }

    private static int loadUpdate(int op, int rt, int ra) {
        return ra == 0 || ra == rt ? Op.ILLEGAL : op;
    }

    private static int storeUpdate(int op, int ra) {
        return ra == 0 ? Op.ILLEGAL : op;
    }

    private static int decodeBc(int bo) {
        boolean testsCtr = (bo & 0x04) == 0;
        boolean testsCr = (bo & 0x10) == 0;
        if (testsCr && !testsCtr) {
            return Op.BC_COND;
        }
        if (testsCtr && !testsCr) {
            return Op.BC_CTR;
        }
        return Op.BC;
    }

    private static int decode19(int w, int bo) {
        switch ((w >>> 1) & 0x3FF) {
            case 0:
                return Op.MCRF;
            case 16:
                return (bo & 0x14) == 0x14 ? Op.BLR : (bo & 0x14) == 0x04 ? Op.BCLR_COND : Op.BCLR;
            case 33: // crnor
            case 129: // crandc
            case 193: // crxor
            case 225: // crnand
            case 257: // crand
            case 289: // creqv
            case 417: // crorc
            case 449: // cror
                return Op.CRLOGIC;
            case 38: // rfmci
            case 50: // rfi
            case 51: // rfci
                return Op.PRIVILEGED;
            case 150: // isync: nothing is prefetched or reordered here
                return Op.NOP;
            case 528:
                if ((bo & 0x04) == 0) {
                    return Op.ILLEGAL; // "decrement CTR and branch to CTR" is an invalid form
                }
                return (bo & 0x14) == 0x14 ? Op.BCTR : Op.BCCTR;
            default:
                return Op.ILLEGAL;
        }
    }

    /** The 440's allocated opcode 4: multiply-accumulate and halfword multiplies. */
    private static int decodeMac(int w) {
        int xo = (w >>> 1) & 0x1FF;
        switch (xo) {
            case 8: // mulhhwu
            case 40: // mulhhw
            case 136: // mulchwu
            case 168: // mulchw
            case 392: // mullhwu
            case 424: // mullhw
                return (w & 0x400) != 0 ? Op.ILLEGAL : Op.MULHALF; // no OE form
            case 12: // machhwu
            case 44: // machhw
            case 46: // nmachhw
            case 76: // machhwsu
            case 108: // machhws
            case 110: // nmachhws
            case 140: // macchwu
            case 172: // macchw
            case 174: // nmacchw
            case 204: // macchwsu
            case 236: // macchws
            case 238: // nmacchws
            case 396: // maclhwu
            case 428: // maclhw
            case 430: // nmaclhw
            case 460: // maclhwsu
            case 492: // maclhws
            case 494: // nmaclhws
                return Op.MAC;
            default:
                return Op.ILLEGAL;
        }
    }

    private static int decode31(int w, int rt, int ra) {
        int xo = (w >>> 1) & 0x3FF;
        boolean oe = (w & 0x400) != 0;
        // XO-form arithmetic: 9-bit extended opcode plus OE
        switch (xo & 0x1FF) {
            case 8:
                return oe ? Op.ARITH : Op.SUBFC;
            case 10:
                return oe ? Op.ARITH : Op.ADDC;
            case 40:
                return oe ? Op.ARITH : Op.SUBF;
            case 104:
                return oe ? Op.ARITH : Op.NEG;
            case 136:
                return oe ? Op.ARITH : Op.SUBFE;
            case 138:
                return oe ? Op.ARITH : Op.ADDE;
            case 200:
                return oe ? Op.ARITH : Op.SUBFZE;
            case 202:
                return oe ? Op.ARITH : Op.ADDZE;
            case 232:
                return oe ? Op.ARITH : Op.SUBFME;
            case 234:
                return oe ? Op.ARITH : Op.ADDME;
            case 235:
                return oe ? Op.ARITH : Op.MULLW;
            case 266:
                return oe ? Op.ARITH : Op.ADD;
            case 459:
                return oe ? Op.ARITH : Op.DIVWU;
            case 491:
                return oe ? Op.ARITH : Op.DIVW;
            case 11:
                return oe ? Op.ILLEGAL : Op.MULHWU;
            case 75:
                return oe ? Op.ILLEGAL : Op.MULHW;
            default:
                break;
        }
        switch (xo) {
            case 0:
                return (w & 0x00200000) != 0 ? Op.ILLEGAL : Op.CMP;
            case 32:
                return (w & 0x00200000) != 0 ? Op.ILLEGAL : Op.CMPL;
            case 4:
                return Op.TW;
            case 19:
                return Op.MFCR;
            case 144:
                return Op.MTCRF;
            case 512:
                return Op.MCRXR;
            case 20:
                return Op.LWARX;
            case 150:
                return (w & 1) != 0 ? Op.STWCX : Op.ILLEGAL;
            case 23:
                return Op.LWZX;
            case 55:
                return loadUpdate(Op.LWZUX, rt, ra);
            case 87:
                return Op.LBZX;
            case 119:
                return loadUpdate(Op.LBZUX, rt, ra);
            case 279:
                return Op.LHZX;
            case 311:
                return loadUpdate(Op.LHZUX, rt, ra);
            case 343:
                return Op.LHAX;
            case 375:
                return loadUpdate(Op.LHAUX, rt, ra);
            case 151:
                return Op.STWX;
            case 183:
                return storeUpdate(Op.STWUX, ra);
            case 215:
                return Op.STBX;
            case 247:
                return storeUpdate(Op.STBUX, ra);
            case 407:
                return Op.STHX;
            case 439:
                return storeUpdate(Op.STHUX, ra);
            case 534:
                return Op.LWBRX;
            case 790:
                return Op.LHBRX;
            case 662:
                return Op.STWBRX;
            case 918:
                return Op.STHBRX;
            case 533:
                return Op.LSWX;
            case 597:
                return Op.LSWI;
            case 661:
                return Op.STSWX;
            case 725:
                return Op.STSWI;
            case 24:
                return Op.SLW;
            case 536:
                return Op.SRW;
            case 792:
                return Op.SRAW;
            case 824:
                return Op.SRAWI;
            case 26:
                return Op.CNTLZW;
            case 922:
                return Op.EXTSH;
            case 954:
                return Op.EXTSB;
            case 28:
                return Op.AND;
            case 60:
                return Op.ANDC;
            case 124:
                return Op.NOR;
            case 284:
                return Op.EQV;
            case 316:
                return Op.XOR;
            case 412:
                return Op.ORC;
            case 444:
                return Op.OR;
            case 476:
                return Op.NAND;
            case 78:
                return Op.DLMZB;
            case 1014:
                return Op.DCBZ;
            case 54: // dcbst
            case 86: // dcbf
                return Op.DCB_CHECKED;
            case 982:
                return Op.ICBI;
            case 22: // icbt
            case 246: // dcbtst
            case 278: // dcbt
            case 758: // dcba
            case 598: // msync (sync)
            case 854: // mbar (eieio)
                return Op.NOP;
            case 83: // mfmsr
            case 146: // mtmsr
            case 131: // wrtee
            case 163: // wrteei
            case 323: // mfdcr
            case 451: // mtdcr
            case 454: // dccci
            case 470: // dcbi
            case 486: // dcread
            case 566: // tlbsync
            case 914: // tlbsx
            case 946: // tlbre
            case 966: // iccci
            case 978: // tlbwe
            case 998: // icread
                return Op.PRIVILEGED;
            case 339:
                return decodeMfspr(spr(w));
            case 467:
                return decodeMtspr(spr(w));
            case 371: { // mftb
                int tbr = spr(w);
                return tbr == 268 ? Op.MFTBL : tbr == 269 ? Op.MFTBU : Op.ILLEGAL;
            }
            case 535:
                return Op.LFSX;
            case 567:
                return storeUpdate(Op.LFSUX, ra);
            case 599:
                return Op.LFDX;
            case 631:
                return storeUpdate(Op.LFDUX, ra);
            case 663:
                return Op.STFSX;
            case 695:
                return storeUpdate(Op.STFSUX, ra);
            case 727:
                return Op.STFDX;
            case 759:
                return storeUpdate(Op.STFDUX, ra);
            case 983:
                return Op.STFIWX;
            default:
                return Op.ILLEGAL;
        }
    }

    /** The SPR (or TBR) number: its two 5-bit halves are swapped in the instruction. */
    static int spr(int w) {
        return ((w >>> 16) & 0x1F) | ((w >>> 6) & 0x3E0);
    }

    private static int decodeMfspr(int spr) {
        switch (spr) {
            case 1:
                return Op.MFXER;
            case 8:
                return Op.MFLR;
            case 9:
                return Op.MFCTR;
            case 256:
                return Op.MFUSPRG0;
            case 260:
            case 261:
            case 262:
            case 263:
                return Op.MFSPRG4_7;
            case 268:
                return Op.MFTBL;
            case 269:
                return Op.MFTBU;
            default:
                // every other SPR is the hypervisor's (it also decides which are undefined)
                return Op.PRIVILEGED;
        }
    }

    private static int decodeMtspr(int spr) {
        switch (spr) {
            case 1:
                return Op.MTXER;
            case 8:
                return Op.MTLR;
            case 9:
                return Op.MTCTR;
            case 256:
                return Op.MTUSPRG0;
            default:
                return Op.PRIVILEGED;
        }
    }

    /** True for the instructions that need MSR[FP] (FP loads, stores and arithmetic). */
    static boolean isFloatingPoint(int op) {
        return op >= Op.LFS && op <= Op.FP_ARITH;
    }
}
