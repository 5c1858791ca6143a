package org.ppc440vm.cpu.interp;

/**
 * A tiny PowerPC encoder for tests: one method per form, named after the assembler mnemonics, operands in
 * assembler order. Written from the architecture's instruction formats (I, B, D, X, XO, XL, XFX, M).
 */
final class Asm {
    private Asm() {
    }

    // ---- forms ----
    static int dForm(int opcd, int rt, int ra, int d) {
        return opcd << 26 | rt << 21 | ra << 16 | (d & 0xFFFF);
    }

    static int xForm(int rt, int ra, int rb, int xo, boolean rc) {
        return 31 << 26 | rt << 21 | ra << 16 | rb << 11 | xo << 1 | (rc ? 1 : 0);
    }

    static int xoForm(int rt, int ra, int rb, boolean oe, int xo, boolean rc) {
        return 31 << 26 | rt << 21 | ra << 16 | rb << 11 | (oe ? 1 << 10 : 0) | xo << 1 | (rc ? 1 : 0);
    }

    /** Opcode-4 (440 MAC family) XO-form. */
    static int mac(int xo, int rt, int ra, int rb, boolean oe, boolean rc) {
        return 4 << 26 | rt << 21 | ra << 16 | rb << 11 | (oe ? 1 << 10 : 0) | xo << 1 | (rc ? 1 : 0);
    }

    // ---- integer immediate ----
    static int addi(int rt, int ra, int si) {
        return dForm(14, rt, ra, si);
    }

    static int li(int rt, int si) {
        return addi(rt, 0, si);
    }

    static int addis(int rt, int ra, int si) {
        return dForm(15, rt, ra, si);
    }

    static int lis(int rt, int si) {
        return addis(rt, 0, si);
    }

    static int addic(int rt, int ra, int si) {
        return dForm(12, rt, ra, si);
    }

    static int addicDot(int rt, int ra, int si) {
        return dForm(13, rt, ra, si);
    }

    static int subfic(int rt, int ra, int si) {
        return dForm(8, rt, ra, si);
    }

    static int mulli(int rt, int ra, int si) {
        return dForm(7, rt, ra, si);
    }

    static int cmpwi(int bf, int ra, int si) {
        return dForm(11, bf << 2, ra, si);
    }

    static int cmplwi(int bf, int ra, int ui) {
        return dForm(10, bf << 2, ra, ui);
    }

    static int ori(int ra, int rs, int ui) {
        return dForm(24, rs, ra, ui);
    }

    static int oris(int ra, int rs, int ui) {
        return dForm(25, rs, ra, ui);
    }

    static int xori(int ra, int rs, int ui) {
        return dForm(26, rs, ra, ui);
    }

    static int xoris(int ra, int rs, int ui) {
        return dForm(27, rs, ra, ui);
    }

    static int andiDot(int ra, int rs, int ui) {
        return dForm(28, rs, ra, ui);
    }

    static int andisDot(int ra, int rs, int ui) {
        return dForm(29, rs, ra, ui);
    }

    static int twi(int to, int ra, int si) {
        return dForm(3, to, ra, si);
    }

    // ---- rotates ----
    static int rlwinm(int ra, int rs, int sh, int mb, int me, boolean rc) {
        return 21 << 26 | rs << 21 | ra << 16 | sh << 11 | mb << 6 | me << 1 | (rc ? 1 : 0);
    }

    static int rlwnm(int ra, int rs, int rb, int mb, int me, boolean rc) {
        return 23 << 26 | rs << 21 | ra << 16 | rb << 11 | mb << 6 | me << 1 | (rc ? 1 : 0);
    }

    static int rlwimi(int ra, int rs, int sh, int mb, int me, boolean rc) {
        return 20 << 26 | rs << 21 | ra << 16 | sh << 11 | mb << 6 | me << 1 | (rc ? 1 : 0);
    }

    // ---- X-form logical/shift: operands ra, rs, rb ----
    static int logical(int xo, int ra, int rs, int rb, boolean rc) {
        return xForm(rs, ra, rb, xo, rc);
    }

    static int or(int ra, int rs, int rb) {
        return logical(444, ra, rs, rb, false);
    }

    static int mr(int ra, int rs) {
        return or(ra, rs, rs);
    }

    static int srawi(int ra, int rs, int sh, boolean rc) {
        return xForm(rs, ra, sh, 824, rc);
    }

    static int cmpw(int bf, int ra, int rb) {
        return xForm(bf << 2, ra, rb, 0, false);
    }

    static int cmplw(int bf, int ra, int rb) {
        return xForm(bf << 2, ra, rb, 32, false);
    }

    static int tw(int to, int ra, int rb) {
        return xForm(to, ra, rb, 4, false);
    }

    // ---- branches ----
    static int b(int displacement) {
        return 18 << 26 | (displacement & 0x03FFFFFC);
    }

    static int bForm(int li, boolean aa, boolean lk) {
        return 18 << 26 | (li & 0x03FFFFFC) | (aa ? 2 : 0) | (lk ? 1 : 0);
    }

    static int bc(int bo, int bi, int bd, boolean aa, boolean lk) {
        return 16 << 26 | bo << 21 | bi << 16 | (bd & 0xFFFC) | (aa ? 2 : 0) | (lk ? 1 : 0);
    }

    static int bclr(int bo, int bi, boolean lk) {
        return 19 << 26 | bo << 21 | bi << 16 | 16 << 1 | (lk ? 1 : 0);
    }

    static int bcctr(int bo, int bi, boolean lk) {
        return 19 << 26 | bo << 21 | bi << 16 | 528 << 1 | (lk ? 1 : 0);
    }

    static final int BLR = 0x4E800020;
    static final int SC = 0x44000002;
    static final int NOP = 0x60000000;
    static final int ISYNC = 0x4C00012C;
    static final int MSYNC = 0x7C0004AC;
    static final int MBAR = 0x7C0006AC;

    static int crOp(int xo, int bt, int ba, int bb) {
        return 19 << 26 | bt << 21 | ba << 16 | bb << 11 | xo << 1;
    }

    static int mcrf(int bf, int bfa) {
        return 19 << 26 | bf << 23 | bfa << 18;
    }

    // ---- SPR / CR moves ----
    static int mfspr(int rt, int spr) {
        return 31 << 26 | rt << 21 | (spr & 0x1F) << 16 | (spr >>> 5) << 11 | 339 << 1;
    }

    static int mtspr(int spr, int rs) {
        return 31 << 26 | rs << 21 | (spr & 0x1F) << 16 | (spr >>> 5) << 11 | 467 << 1;
    }

    static int mftb(int rt, int tbr) {
        return 31 << 26 | rt << 21 | (tbr & 0x1F) << 16 | (tbr >>> 5) << 11 | 371 << 1;
    }

    static int mfcr(int rt) {
        return xForm(rt, 0, 0, 19, false);
    }

    static int mtcrf(int fxm, int rs) {
        return 31 << 26 | rs << 21 | fxm << 12 | 144 << 1;
    }

    static int mcrxr(int bf) {
        return xForm(bf << 2, 0, 0, 512, false);
    }

    static int mflr(int rt) {
        return mfspr(rt, 8);
    }

    static int mtlr(int rs) {
        return mtspr(8, rs);
    }

    static int mtctr(int rs) {
        return mtspr(9, rs);
    }

    static int mtxer(int rs) {
        return mtspr(1, rs);
    }

    static int mfxer(int rt) {
        return mfspr(rt, 1);
    }

    // ---- loads and stores ----
    static int lwz(int rt, int d, int ra) {
        return dForm(32, rt, ra, d);
    }

    static int lwzu(int rt, int d, int ra) {
        return dForm(33, rt, ra, d);
    }

    static int lbz(int rt, int d, int ra) {
        return dForm(34, rt, ra, d);
    }

    static int lbzu(int rt, int d, int ra) {
        return dForm(35, rt, ra, d);
    }

    static int stw(int rs, int d, int ra) {
        return dForm(36, rs, ra, d);
    }

    static int stwu(int rs, int d, int ra) {
        return dForm(37, rs, ra, d);
    }

    static int stb(int rs, int d, int ra) {
        return dForm(38, rs, ra, d);
    }

    static int stbu(int rs, int d, int ra) {
        return dForm(39, rs, ra, d);
    }

    static int lhz(int rt, int d, int ra) {
        return dForm(40, rt, ra, d);
    }

    static int lhzu(int rt, int d, int ra) {
        return dForm(41, rt, ra, d);
    }

    static int lha(int rt, int d, int ra) {
        return dForm(42, rt, ra, d);
    }

    static int lhau(int rt, int d, int ra) {
        return dForm(43, rt, ra, d);
    }

    static int sth(int rs, int d, int ra) {
        return dForm(44, rs, ra, d);
    }

    static int sthu(int rs, int d, int ra) {
        return dForm(45, rs, ra, d);
    }

    static int lmw(int rt, int d, int ra) {
        return dForm(46, rt, ra, d);
    }

    static int stmw(int rs, int d, int ra) {
        return dForm(47, rs, ra, d);
    }

    static int lfs(int frt, int d, int ra) {
        return dForm(48, frt, ra, d);
    }

    static int lfsu(int frt, int d, int ra) {
        return dForm(49, frt, ra, d);
    }

    static int lfd(int frt, int d, int ra) {
        return dForm(50, frt, ra, d);
    }

    static int lfdu(int frt, int d, int ra) {
        return dForm(51, frt, ra, d);
    }

    static int stfs(int frs, int d, int ra) {
        return dForm(52, frs, ra, d);
    }

    static int stfsu(int frs, int d, int ra) {
        return dForm(53, frs, ra, d);
    }

    static int stfd(int frs, int d, int ra) {
        return dForm(54, frs, ra, d);
    }

    static int stfdu(int frs, int d, int ra) {
        return dForm(55, frs, ra, d);
    }

    /** Any X-form load/store/cache op: operands rt/rs, ra, rb. */
    static int x(int xo, int rt, int ra, int rb) {
        return xForm(rt, ra, rb, xo, false);
    }

    static int lwarx(int rt, int ra, int rb) {
        return x(20, rt, ra, rb);
    }

    static int stwcxDot(int rs, int ra, int rb) {
        return xForm(rs, ra, rb, 150, true);
    }

    static int lswi(int rt, int ra, int nb) {
        return x(597, rt, ra, nb);
    }

    static int stswi(int rs, int ra, int nb) {
        return x(725, rs, ra, nb);
    }

    static int dcbz(int ra, int rb) {
        return x(1014, 0, ra, rb);
    }

    static int icbi(int ra, int rb) {
        return x(982, 0, ra, rb);
    }
}
