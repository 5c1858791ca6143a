package org.ppc440vm.kvm.vcpu;

/** Encodes the PowerPC instructions the tests' guest programs use (Book E encodings, checked against objdump). */
final class Asm {
    private Asm() {
    }

    static final int NOP = 0x6000_0000;
    static final int SC = 0x4400_0002;
    static final int RFI = (19 << 26) | (50 << 1);
    static final int RFCI = (19 << 26) | (51 << 1);
    static final int RFMCI = (19 << 26) | (38 << 1);
    static final int TLBSYNC = (31 << 26) | (566 << 1);
    static final int BRANCH_TO_SELF = 0x4800_0000;

    private static int x(int rt, int ra, int rb, int xo) {
        return (31 << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (xo << 1);
    }

    private static int d(int op, int rt, int ra, int imm) {
        return (op << 26) | (rt << 21) | (ra << 16) | (imm & 0xFFFF);
    }

    /** The 10-bit SPR/DCR field with its halves swapped, as mfspr/mtspr/mfdcr/mtdcr encode it. */
    private static int splitField(int n) {
        return ((n & 0x1F) << 16) | (((n >>> 5) & 0x1F) << 11);
    }

    static int li(int rt, int imm) {
        return d(14, rt, 0, imm);
    }

    static int addi(int rt, int ra, int imm) {
        return d(14, rt, ra, imm);
    }

    static int lis(int rt, int imm) {
        return d(15, rt, 0, imm);
    }

    static int ori(int ra, int rs, int imm) {
        return d(24, rs, ra, imm);
    }

    static int mr(int ra, int rs) {
        return x(rs, ra, rs, 444);
    }

    static int mfspr(int rt, int spr) {
        return (31 << 26) | (rt << 21) | splitField(spr) | (339 << 1);
    }

    static int mtspr(int spr, int rs) {
        return (31 << 26) | (rs << 21) | splitField(spr) | (467 << 1);
    }

    static int mfdcr(int rt, int dcr) {
        return (31 << 26) | (rt << 21) | splitField(dcr) | (323 << 1);
    }

    static int mtdcr(int dcr, int rs) {
        return (31 << 26) | (rs << 21) | splitField(dcr) | (451 << 1);
    }

    static int mftb(int rt) {
        return (31 << 26) | (rt << 21) | splitField(268) | (371 << 1);
    }

    static int mfmsr(int rt) {
        return x(rt, 0, 0, 83);
    }

    static int mtmsr(int rs) {
        return x(rs, 0, 0, 146);
    }

    static int wrtee(int rs) {
        return x(rs, 0, 0, 131);
    }

    static int wrteei(int e) {
        return x(0, 0, 0, 163) | (e << 15);
    }

    static int tlbwe(int rs, int ra, int ws) {
        return x(rs, ra, ws, 978);
    }

    static int tlbre(int rt, int ra, int ws) {
        return x(rt, ra, ws, 946);
    }

    static int tlbsx(int rt, int ra, int rb, boolean rc) {
        return x(rt, ra, rb, 914) | (rc ? 1 : 0);
    }

    static int iccci(int ra, int rb) {
        return x(0, ra, rb, 966);
    }

    static int dccci(int ra, int rb) {
        return x(0, ra, rb, 454);
    }

    static int dcbi(int ra, int rb) {
        return x(0, ra, rb, 470);
    }

    static int dcbz(int ra, int rb) {
        return x(0, ra, rb, 1014);
    }

    static int mfdcrx(int rt, int ra) {
        return x(rt, ra, 0, 259);
    }

    static int twi(int to, int ra, int imm) {
        return d(3, to, ra, imm);
    }

    /** b to {@code offset} bytes from this instruction. */
    static int b(int offset) {
        return (18 << 26) | (offset & 0x03FF_FFFC);
    }

    /** ba: branch to the absolute address {@code target} (within the first or last 32 MiB). */
    static int ba(int target) {
        return (18 << 26) | (target & 0x03FF_FFFC) | 2;
    }

    /** bdnz to {@code offset} bytes from this instruction. */
    static int bdnz(int offset) {
        return (16 << 26) | (16 << 21) | (offset & 0xFFFC);
    }

    /** bne cr0 to {@code offset} bytes from this instruction. */
    static int bne(int offset) {
        return (16 << 26) | (4 << 21) | (2 << 16) | (offset & 0xFFFC);
    }

    /** beq cr0 to {@code offset} bytes from this instruction. */
    static int beq(int offset) {
        return (16 << 26) | (12 << 21) | (2 << 16) | (offset & 0xFFFC);
    }

    static int cmpwi(int ra, int imm) {
        return d(11, 0, ra, imm);
    }

    static int mtctr(int rs) {
        return mtspr(9, rs);
    }

    static int lwz(int rt, int disp, int ra) {
        return d(32, rt, ra, disp);
    }

    static int lwzu(int rt, int disp, int ra) {
        return d(33, rt, ra, disp);
    }

    static int lbz(int rt, int disp, int ra) {
        return d(34, rt, ra, disp);
    }

    static int stw(int rs, int disp, int ra) {
        return d(36, rs, ra, disp);
    }

    static int stwu(int rs, int disp, int ra) {
        return d(37, rs, ra, disp);
    }

    static int stb(int rs, int disp, int ra) {
        return d(38, rs, ra, disp);
    }

    static int lhz(int rt, int disp, int ra) {
        return d(40, rt, ra, disp);
    }

    static int lha(int rt, int disp, int ra) {
        return d(42, rt, ra, disp);
    }

    static int sth(int rs, int disp, int ra) {
        return d(44, rs, ra, disp);
    }

    static int lmw(int rt, int disp, int ra) {
        return d(46, rt, ra, disp);
    }

    static int lfs(int frt, int disp, int ra) {
        return d(48, frt, ra, disp);
    }

    static int lfd(int frt, int disp, int ra) {
        return d(50, frt, ra, disp);
    }

    static int stfs(int frs, int disp, int ra) {
        return d(52, frs, ra, disp);
    }

    static int stfd(int frs, int disp, int ra) {
        return d(54, frs, ra, disp);
    }

    static int lwzx(int rt, int ra, int rb) {
        return x(rt, ra, rb, 23);
    }

    static int lwbrx(int rt, int ra, int rb) {
        return x(rt, ra, rb, 534);
    }

    static int stwbrx(int rs, int ra, int rb) {
        return x(rs, ra, rb, 662);
    }

    static int lhbrx(int rt, int ra, int rb) {
        return x(rt, ra, rb, 790);
    }

    static int sthbrx(int rs, int ra, int rb) {
        return x(rs, ra, rb, 918);
    }

    static int lhaux(int rt, int ra, int rb) {
        return x(rt, ra, rb, 375);
    }

    static int stbux(int rs, int ra, int rb) {
        return x(rs, ra, rb, 247);
    }

    static int lwarx(int rt, int ra, int rb) {
        return x(rt, ra, rb, 20);
    }

    static int dcbf(int ra, int rb) {
        return x(0, ra, rb, 86);
    }
}
