#!/usr/bin/env python3
"""Independent check of the random_alu_NN expected outputs: re-executes the
instruction sequences of src/random_alu_NN.S with a small Python model of the
PowerPC integer instructions and compares the final state with the printed
one.  Usage: check_random_alu.py src/random_alu_NN.S expected/random_alu_NN.stdout"""
import re
import sys

M = 0xffffffff
SO, OV, CA = 0x80000000, 0x40000000, 0x20000000


def s32(x):
    x &= M
    return x - (1 << 32) if x & 0x80000000 else x


def rotl(x, n):
    n &= 31
    return ((x << n) | (x >> (32 - n))) & M if n else x


def mask(mb, me):
    m, i = 0, mb
    while True:
        m |= 1 << (31 - i)
        if i == me:
            return m
        i = (i + 1) % 32


class State:
    def __init__(self, seeds):
        self.r = list(seeds[:32])
        self.cr, self.xer, self.ctr, self.lr = seeds[32:36]

    def setfield(self, f, v):
        sh = 28 - 4 * f
        self.cr = (self.cr & ~(0xf << sh) & M) | ((v & 0xf) << sh)

    def field(self, f):
        return (self.cr >> (28 - 4 * f)) & 0xf

    def bit(self, b):
        return (self.cr >> (31 - b)) & 1

    def setbit(self, b, v):
        self.cr = (self.cr & ~(1 << (31 - b)) & M) | ((v & 1) << (31 - b))

    def cr0(self, res):
        v = s32(res)
        self.setfield(0, (8 if v < 0 else 4 if v > 0 else 2) | (1 if self.xer & SO else 0))

    def setca(self, c):
        self.xer = (self.xer & ~CA & M) | (CA if c else 0)

    def setov(self, o):
        self.xer = (self.xer & ~OV & M) | (OV if o else 0)
        if o:
            self.xer |= SO


def addc3(x, y, c):
    full = x + y + c
    return full & M, (full >> 32) & 1, not (-2**31 <= s32(x) + s32(y) + c < 2**31)


def execute(st, text):
    m = re.match(r'(\S+)\s*(.*)', text)
    mn, args = m.group(1), m.group(2)
    a = [int(x, 0) for x in args.split(',')] if args else []
    r = st.r
    rc = mn.endswith('.') and mn not in ('addic.', 'andi.', 'andis.')
    base = mn[:-1] if rc else mn
    oe = False
    if base.endswith('o') and base[:-1] in ('add', 'addc', 'adde', 'subf', 'subfc', 'subfe', 'mullw',
                                            'addme', 'addze', 'subfme', 'subfze', 'neg'):
        oe, base = True, base[:-1]
    ca_in = 1 if st.xer & CA else 0
    res = None
    ov = False
    if base in ('add', 'addc', 'adde', 'subf', 'subfc', 'subfe', 'mullw', 'mulhw', 'mulhwu'):
        d, x, y = a[0], r[a[1]], r[a[2]]
        if base == 'add':
            res, _, ov = addc3(x, y, 0)
        elif base == 'addc':
            res, c, ov = addc3(x, y, 0); st.setca(c)
        elif base == 'adde':
            res, c, ov = addc3(x, y, ca_in); st.setca(c)
        elif base == 'subf':
            res, _, ov = addc3(~x & M, y, 1)
        elif base == 'subfc':
            res, c, ov = addc3(~x & M, y, 1); st.setca(c)
        elif base == 'subfe':
            res, c, ov = addc3(~x & M, y, ca_in); st.setca(c)
        elif base == 'mullw':
            p = s32(x) * s32(y); res = p & M; ov = not (-2**31 <= p < 2**31)
        elif base == 'mulhw':
            res = ((s32(x) * s32(y)) >> 32) & M
        else:
            res = ((x * y) >> 32) & M
    elif base in ('addme', 'addze', 'subfme', 'subfze', 'neg'):
        d, x = a[0], r[a[1]]
        if base == 'addme':
            res, c, ov = addc3(x, M, ca_in); st.setca(c)
        elif base == 'addze':
            res, c, ov = addc3(x, 0, ca_in); st.setca(c)
        elif base == 'subfme':
            res, c, ov = addc3(~x & M, M, ca_in); st.setca(c)
        elif base == 'subfze':
            res, c, ov = addc3(~x & M, 0, ca_in); st.setca(c)
        else:
            res = (-x) & M; ov = x == 0x80000000
    elif base in ('addi', 'addis', 'addic', 'addic.', 'subfic', 'mulli'):
        d, ra, imm = a
        if base == 'addi':
            res = ((0 if ra == 0 else r[ra]) + imm) & M
        elif base == 'addis':
            res = ((0 if ra == 0 else r[ra]) + (imm << 16)) & M
        elif base in ('addic', 'addic.'):
            res, c, _ = addc3(r[ra], imm & M, 0); st.setca(c)
            if base == 'addic.':
                rc = True
        elif base == 'subfic':
            res, c, _ = addc3(~r[ra] & M, imm & M, 1); st.setca(c)
        else:
            res = (s32(r[ra]) * imm) & M
    elif base in ('andi.', 'andis.', 'ori', 'oris', 'xori', 'xoris'):
        d, s, imm = a   # rA, rS, UIMM
        x = r[s]
        res = {'andi.': x & imm, 'andis.': x & (imm << 16), 'ori': x | imm, 'oris': x | (imm << 16),
               'xori': x ^ imm, 'xoris': x ^ (imm << 16)}[base] & M
        rc = base.startswith('and')
    elif base in ('and', 'or', 'xor', 'nand', 'nor', 'eqv', 'andc', 'orc', 'slw', 'srw', 'sraw'):
        d, x, y = a[0], r[a[1]], r[a[2]]
        if base == 'and': res = x & y
        elif base == 'or': res = x | y
        elif base == 'xor': res = x ^ y
        elif base == 'nand': res = ~(x & y) & M
        elif base == 'nor': res = ~(x | y) & M
        elif base == 'eqv': res = ~(x ^ y) & M
        elif base == 'andc': res = x & ~y & M
        elif base == 'orc': res = (x | ~y) & M
        else:
            n = y & 0x3f
            if base == 'slw':
                res = 0 if n > 31 else (x << n) & M
            elif base == 'srw':
                res = 0 if n > 31 else x >> n
            else:
                if n > 31:
                    res = M if x & 0x80000000 else 0
                    st.setca(1 if x & 0x80000000 else 0)
                else:
                    res = (s32(x) >> n) & M
                    st.setca(1 if (x & 0x80000000) and (x & ((1 << n) - 1)) else 0)
    elif base in ('extsb', 'extsh', 'cntlzw'):
        d, x = a[0], r[a[1]]
        if base == 'extsb': res = (x & 0xff) | (0xffffff00 if x & 0x80 else 0)
        elif base == 'extsh': res = (x & 0xffff) | (0xffff0000 if x & 0x8000 else 0)
        else: res = 32 - x.bit_length()
    elif base == 'srawi':
        d, x, n = a[0], r[a[1]], a[2]
        res = (s32(x) >> n) & M
        st.setca(1 if (x & 0x80000000) and (x & ((1 << n) - 1)) else 0)
    elif base == 'rlwinm':
        d, x, sh, mb, me = a[0], r[a[1]], a[2], a[3], a[4]
        res = rotl(x, sh) & mask(mb, me)
    elif base == 'rlwnm':
        d, x, n, mb, me = a[0], r[a[1]], r[a[2]], a[3], a[4]
        res = rotl(x, n & 31) & mask(mb, me)
    elif base == 'rlwimi':
        d, x, sh, mb, me = a[0], r[a[1]], a[2], a[3], a[4]
        mm = mask(mb, me)
        res = (rotl(x, sh) & mm) | (r[d] & ~mm & M)
    elif base in ('cmpw', 'cmplw', 'cmpwi', 'cmplwi'):
        f, x = a[0], r[a[1]]
        y = r[a[2]] if base in ('cmpw', 'cmplw') else a[2] & M
        if base in ('cmpw', 'cmpwi'):
            x, y = s32(x), s32(y)
        st.setfield(f, (8 if x < y else 4 if x > y else 2) | (1 if st.xer & SO else 0))
        return
    elif base in ('crand', 'cror', 'crxor', 'crnand', 'crnor', 'creqv', 'crandc', 'crorc'):
        bt, x, y = a[0], st.bit(a[1]), st.bit(a[2])
        v = {'crand': x & y, 'cror': x | y, 'crxor': x ^ y, 'crnand': 1 - (x & y), 'crnor': 1 - (x | y),
             'creqv': 1 - (x ^ y), 'crandc': x & (1 - y), 'crorc': x | (1 - y)}[base]
        st.setbit(bt, v)
        return
    elif base == 'mcrf':
        st.setfield(a[0], st.field(a[1]))
        return
    elif base == 'mtcrf':
        fxm, x = a[0], r[a[1]]
        for f in range(8):
            if fxm & (0x80 >> f):
                st.setfield(f, (x >> (28 - 4 * f)) & 0xf)
        return
    elif base == 'mfcr':
        r[a[0]] = st.cr
        return
    elif base == 'mcrxr':
        st.setfield(a[0], (st.xer >> 28) & 0xe)
        st.xer &= ~(SO | OV | CA) & M
        return
    elif base == 'mfxer':
        r[a[0]] = st.xer
        return
    elif base == 'mtctr':
        st.ctr = r[a[0]]; return
    elif base == 'mfctr':
        r[a[0]] = st.ctr; return
    elif base == 'mtlr':
        st.lr = r[a[0]]; return
    elif base == 'mflr':
        r[a[0]] = st.lr; return
    else:
        raise ValueError('unmodelled instruction: ' + text)
    if oe:
        st.setov(ov)
    r[d] = res & M
    if rc:
        st.cr0(res)


def parse_source(path):
    text = open(path).read()
    seeds = {}
    for m in re.finditer(r'random_seeds_(\d+):\n((?:\t\.long .*\n){9})', text):
        vals = [int(v, 16) for v in re.findall(r'0x([0-9a-f]+)', m.group(2))]
        seeds[int(m.group(1))] = vals
    seqs = {}
    for m in re.finditer(r'random_seq_(\d+):\n(.*?)\t/\* dump state \*/', text, re.S):
        body = m.group(2).split('random instructions */\n', 1)[1]
        seqs[int(m.group(1))] = [ln.strip() for ln in body.splitlines() if ln.strip()]
    return seeds, seqs


def parse_output(path):
    res = {}
    cur = None
    part = None
    for line in open(path):
        m = re.match(r'sequence (\d+)', line)
        if m:
            cur = int(m.group(1)); res[cur] = {}
            continue
        if line.strip() in ('initial:', 'final:'):
            part = line.strip()[:-1]; res[cur][part] = {}
            continue
        for k, v in re.findall(r'(r\d+|cr|xer|ctr|lr) *=([0-9a-f-]{8})', line):
            if not v.startswith('-'):
                res[cur][part][k] = int(v, 16)
    return res


def main():
    seeds, seqs = parse_source(sys.argv[1])
    out = parse_output(sys.argv[2])
    bad = 0
    for k in sorted(seqs):
        st = State(seeds[k])
        for ins in seqs[k]:
            execute(st, ins)
        exp = {'r%d' % i: st.r[i] for i in range(32) if i not in (1, 2, 13)}
        exp.update({'cr': st.cr, 'xer': st.xer, 'ctr': st.ctr, 'lr': st.lr})
        got = out[k]['final']
        for name, v in exp.items():
            if got.get(name) != v:
                bad += 1
                print('sequence %d: %s model=%08x output=%s' % (k, name, v,
                      '%08x' % got[name] if name in got else 'missing'))
    print('%s: %d sequences, %d mismatches' % (sys.argv[2], len(seqs), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
