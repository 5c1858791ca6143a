#!/usr/bin/env python3
"""Independent check of expected/alu_flags.stdout against a Python model of the
PowerPC (Book E / 440) integer instruction definitions.  Used while building
the suite to confirm that the QEMU-generated expected output agrees with the
architecture.  Usage: check_alu_flags.py expected/alu_flags.stdout"""
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
    m = 0
    i = mb
    while True:
        m |= 1 << (31 - i)
        if i == me:
            break
        i = (i + 1) % 32
    return m


def cr0(r, xer):
    v = s32(r)
    f = 8 if v < 0 else 4 if v > 0 else 2
    if xer & SO:
        f |= 1
    return f << 28


def model(name, a, b, xin):
    """returns (result, xer, cr) or None when not modelled"""
    parts = name.split()
    mn = parts[0]
    args = [int(x, 0) for x in parts[1].split(',')] if len(parts) > 1 else []
    rc = mn.endswith('.')
    if rc:
        mn = mn[:-1]
    xer = xin
    ca_in = 1 if xin & CA else 0
    oe = False
    base = mn
    xo_with_oe = ('add', 'addc', 'adde', 'subf', 'subfc', 'subfe', 'mullw', 'divw', 'divwu',
                  'addme', 'addze', 'subfme', 'subfze', 'neg')
    if mn.endswith('o') and mn[:-1] in xo_with_oe:
        oe = True
        base = mn[:-1]
    ov = None  # signed overflow flag (for OE)
    ca = None  # new CA or None = unchanged

    def addc3(x, y, c):
        full = x + y + c
        sfull = s32(x) + s32(y) + c
        return full & M, (full >> 32) & 1, not (-2**31 <= sfull < 2**31)

    if base == 'add':
        r, _, ov = addc3(a, b, 0)
    elif base == 'addc':
        r, ca, ov = addc3(a, b, 0)
    elif base == 'adde':
        r, ca, ov = addc3(a, b, ca_in)
    elif base == 'subf':
        r, _, ov = addc3(~a & M, b, 1)
    elif base == 'subfc':
        r, ca, ov = addc3(~a & M, b, 1)
    elif base == 'subfe':
        r, ca, ov = addc3(~a & M, b, ca_in)
    elif base == 'addme':
        r, ca, ov = addc3(a, M, ca_in)
    elif base == 'addze':
        r, ca, ov = addc3(a, 0, ca_in)
    elif base == 'subfme':
        r, ca, ov = addc3(~a & M, M, ca_in)
    elif base == 'subfze':
        r, ca, ov = addc3(~a & M, 0, ca_in)
    elif base == 'neg':
        r = (-a) & M
        ov = a == 0x80000000
    elif base == 'mullw':
        p = s32(a) * s32(b)
        r = p & M
        ov = not (-2**31 <= p < 2**31)
    elif base == 'mulhw':
        r = ((s32(a) * s32(b)) >> 32) & M
    elif base == 'mulhwu':
        r = ((a * b) >> 32) & M
    elif base == 'divw':
        if b == 0 or (a == 0x80000000 and b == M):
            r, ov = None, True
        else:
            q = abs(s32(a)) // abs(s32(b))
            if (s32(a) < 0) != (s32(b) < 0):
                q = -q
            r, ov = q & M, False
    elif base == 'divwu':
        if b == 0:
            r, ov = None, True
        else:
            r, ov = a // b, False
    elif base == 'and':
        r = a & b
    elif base == 'or':
        r = a | b
    elif base == 'xor':
        r = a ^ b
    elif base == 'nand':
        r = ~(a & b) & M
    elif base == 'nor':
        r = ~(a | b) & M
    elif base == 'eqv':
        r = ~(a ^ b) & M
    elif base == 'andc':
        r = a & ~b & M
    elif base == 'orc':
        r = (a | ~b) & M
    elif base in ('slw', 'srw', 'sraw'):
        n = b & 0x3f
        if base == 'slw':
            r = 0 if n > 31 else (a << n) & M
        elif base == 'srw':
            r = 0 if n > 31 else a >> n
        else:
            if n > 31:
                r = M if a & 0x80000000 else 0
                ca = 1 if a & 0x80000000 else 0
            else:
                r = (s32(a) >> n) & M
                ca = 1 if (a & 0x80000000) and (a & ((1 << n) - 1)) else 0
    elif base == 'srawi':
        n = args[0]
        r = (s32(a) >> n) & M
        ca = 1 if (a & 0x80000000) and (a & ((1 << n) - 1)) else 0
    elif base == 'extsb':
        r = (a & 0xff) | (0xffffff00 if a & 0x80 else 0)
    elif base == 'extsh':
        r = (a & 0xffff) | (0xffff0000 if a & 0x8000 else 0)
    elif base == 'cntlzw':
        r = 32 - a.bit_length()
    elif base == 'rlwinm':
        sh, mb, me = args
        r = rotl(a, sh) & mask(mb, me)
    elif base == 'rlwnm':
        mb, me = args
        r = rotl(a, b & 31) & mask(mb, me)
    elif base == 'rlwimi':
        sh, mb, me = args
        m = mask(mb, me)
        r = (rotl(a, sh) & m) | (b & ~m & M)
    elif base == 'addic':
        r, ca, _ = addc3(a, args[0] & M, 0)
    elif base == 'subfic':
        r, ca, _ = addc3(~a & M, args[0] & M, 1)
    elif base == 'mulli':
        r = (s32(a) * args[0]) & M
    elif base == 'andi':
        r = a & args[0]
    elif base == 'andis':
        r = a & (args[0] << 16)
    else:
        return None
    if ca is not None:
        xer = (xer & ~CA) | (CA if ca else 0)
    if oe:
        xer = (xer & ~OV) | (OV if ov else 0)
        if ov:
            xer |= SO
    cr = 0
    if rc or base in ('andi', 'andis'):      # andi./andis. always record (names passed without '.')
        cr = cr0(r if r is not None else 0, xer)
    if r is None:
        cr &= 0x1fffffff
    return r, xer, cr


def main():
    bad = n = 0
    for line in open(sys.argv[1]):
        if ' : ' not in line or line.startswith('alu_flags:'):
            continue
        left, right = line.split(' : ')
        lt = left.split()
        name = ' '.join(lt[:-3])
        a, b, xin = (int(x, 16) for x in lt[-3:])
        rt = right.split()
        got_r = None if rt[0].startswith('-') else int(rt[0], 16)
        got = (got_r, int(rt[1], 16), int(rt[2], 16))
        # the mnemonic table names 'andi. 0x8000' etc: strip the dot handled in model
        nm = name.replace('andi.', 'andi').replace('andis.', 'andis')
        exp = model(nm, a, b, xin)
        if exp is None:
            print('unmodelled:', line.strip())
            continue
        n += 1
        if exp != got:
            bad += 1
            if bad < 40:
                print('MISMATCH', line.strip(), '  model: %s %08x %08x' % (
                    '--------' if exp[0] is None else '%08x' % exp[0], exp[1], exp[2]))
    print('checked %d lines, %d mismatches' % (n, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
