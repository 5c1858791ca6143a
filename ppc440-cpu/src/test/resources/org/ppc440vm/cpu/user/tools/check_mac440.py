#!/usr/bin/env python3
"""Second, bit-level model of the 440 multiply-accumulate instructions that
follows the manual's pseudocode literally (33-bit temporary, temp0/temp1,
the saturation condition (prod0 = RT0) & (RT0 != temp1)), used to
cross-check expected/mac440.stdout produced by src/mac440_model.c.
OV for the "o" forms is temp0 XOR temp1 (signed) / temp0 (unsigned).
Usage: check_mac440.py expected/mac440.stdout"""
import sys

M = 0xffffffff


def sx16(h):
    return h - 0x10000 if h & 0x8000 else h


def main():
    bad = n = 0
    for line in open(sys.argv[1]):
        t = line.split()
        if len(t) < 6 or t[5] != ':':
            continue
        name = t[0]
        rt, ra, rb, xin = (int(x, 16) for x in t[1:5])
        rest = t[6:]
        forms = [tuple(int(x, 16) for x in rest[i * 4 + 1:i * 4 + 4]) for i in range(4)]
        neg = name.startswith('n')
        core = name[1:] if neg else name
        sel, suf = core[3], core[6:]
        sat, uns = 's' in suf, 'u' in suf
        if sel == 'c':
            a, b = ra & 0xffff, rb >> 16
        elif sel == 'h':
            a, b = ra >> 16, rb >> 16
        else:
            a, b = ra & 0xffff, rb & 0xffff
        if uns:
            temp = ((a * b) & M) + rt
            t0 = (temp >> 32) & 1
            res = (M if t0 else temp & M) if sat else temp & M
            ov = t0
        else:
            p = sx16(a) * sx16(b)
            if neg:
                p = -p
            prod = p & M
            se = lambda x: (x | 0x100000000) if x & 0x80000000 else x  # noqa: E731
            temp = (se(prod) + se(rt)) & 0x1ffffffff
            t0, t1 = temp >> 32, (temp >> 31) & 1
            prod0, rt0 = prod >> 31, rt >> 31
            if sat and prod0 == rt0 and rt0 != t1:
                res = 0x80000000 if rt0 else 0x7fffffff
            else:
                res = temp & M
            ov = t0 ^ t1
        for f, got in enumerate(forms):
            ex = xin
            if f >= 2:
                ex = (ex | 0xc0000000) if ov else (ex & ~0x40000000)
            ec = 0
            if f & 1:
                s = res - (1 << 32) if res & 0x80000000 else res
                ec = ((8 if s < 0 else 4 if s > 0 else 2) | (1 if ex >> 31 else 0)) << 28
            n += 1
            if got != (res, ex, ec):
                bad += 1
                print('MISMATCH form %d: %s' % (f, line.strip()))
    print('%s: checked %d results, %d mismatches' % (sys.argv[1], n, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
