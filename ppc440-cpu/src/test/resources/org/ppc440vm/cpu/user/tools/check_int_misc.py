#!/usr/bin/env python3
"""Independent checks (Python models of the instruction definitions) for
expected/string_multiple.stdout, expected/shift_rotate.stdout and
expected/dlmzb_mul440.stdout.
Usage: check_int_misc.py EXPECTED_DIR"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_alu_flags import model, rotl, mask, cr0  # noqa: E402


def check_shift_rotate(path):
    bad = n = 0
    for line in open(path):
        t = line.split()
        if not t:
            continue
        exp = got = None
        if t[0] in ('slw', 'srw', 'sraw', 'slw.', 'srw.', 'sraw.'):
            got = tuple(int(x, 16) for x in t[4:7])
            exp = model(t[0], int(t[1], 16), int(t[2], 16), 0)
        elif t[0] == 'srawi.':
            got = tuple(int(x, 16) for x in t[4:7])
            exp = model('srawi. %d' % int(t[2]), int(t[1], 16), 0, 0)
        elif t[0].startswith('mb='):
            mb = int(line[3:5])
            got = tuple(int(x, 16) for x in line.split(':')[1].split())
            exp = tuple(mask(mb, me) for me in range(32))
        elif t[0] == 'rlwinm.':
            a = int(t[1], 16)
            sh = int(line.split('sh=')[1].split()[0])
            got = (int(t[-2], 16), int(t[-1], 16))
            exp = (rotl(a, sh), cr0(rotl(a, sh), 0))
        elif t[0] == 'rlwinm':
            a = int(t[1], 16)
            sh = int(line.split('sh=')[1].split()[0])
            got = int(t[-1], 16)
            exp = rotl(a, sh) & (mask((sh + 7) & 31, sh) if 'mb=(sh' in line else mask(sh, 31))
        elif t[0] in ('rlwnm', 'rlwnm.'):
            m = re.match(r'(\S+) (\S+) n=(\S+) +(\d+), *(\d+) : (\S+) (\S+)', line)
            a, nn, mb, me = int(m[2], 16), int(m[3], 16), int(m[4]), int(m[5])
            e = rotl(a, nn & 31) & mask(mb, me)
            got = (int(m[6], 16), int(m[7], 16))
            exp = (e, cr0(e, 0) if m[1].endswith('.') else 0)
        elif t[0] == 'rlwimi.':
            m = re.match(r'rlwimi\. (\S+) into (\S+) sh= *(\d+) mb= *(\d+) me= *(\d+) : (\S+) (\S+)', line)
            v, tt, sh, mb, me = int(m[1], 16), int(m[2], 16), int(m[3]), int(m[4]), int(m[5])
            mm = mask(mb, me)
            e = (rotl(v, sh) & mm) | (tt & ~mm & 0xffffffff)
            got = (int(m[6], 16), int(m[7], 16))
            exp = (e, cr0(e, 0))
        else:
            continue
        n += 1
        if exp != got:
            bad += 1
            print('MISMATCH', line.strip(), exp)
    print('%s: checked %d lines, %d mismatches' % (path, n, bad))
    return bad


def check_dlmzb_mul(path):
    bad = n = 0

    def h16(x, hi):
        return (x >> 16) & 0xffff if hi else x & 0xffff

    def sx(h):
        return h - 0x10000 if h & 0x8000 else h

    for line in open(path):
        t = line.split()
        if not t or t[0].startswith('=') or t[0] == 'done':
            continue
        if t[0].startswith('dlmzb'):
            rs, rb, xin = int(t[1][3:], 16), int(t[2][3:], 16), int(t[3][4:], 16)
            got = (int(t[5][3:]), int(t[6][4:], 16), int(t[7][3:], 16))
            d = rs.to_bytes(4, 'big') + rb.to_bytes(4, 'big')
            x, found = 8, False
            for i in range(8):
                if d[i] == 0:
                    x, found = i + 1, True
                    break
            ec = 0
            if t[0] == 'dlmzb.':
                f = (0b010 if x < 5 else 0b100) if found else 0b001
                ec = ((f << 1) | (1 if xin & 0x80000000 else 0)) << 28
            exp = (x, (xin & ~0x7f) | x, ec)
        else:
            mn = t[0]
            a, b, xin = int(t[1], 16), int(t[2], 16), int(t[3][4:], 16)
            got = tuple(int(z, 16) for z in t[5:8])
            base = mn.rstrip('.')
            u = base.endswith('u')
            base = base.rstrip('u')
            ha, hb = {'mulchw': (0, 1), 'mulhhw': (1, 1), 'mullhw': (0, 0)}[base]
            x1, x2 = h16(a, ha), h16(b, hb)
            p = (x1 * x2) if u else sx(x1) * sx(x2)
            er = p & 0xffffffff
            exp = (er, xin, cr0(er, xin) if mn.endswith('.') else 0)
        n += 1
        if exp != got:
            bad += 1
            print('MISMATCH', line.strip(), exp)
    print('%s: checked %d lines, %d mismatches' % (path, n, bad))
    return bad


def check_string_multiple(path):
    """Loads: registers filled big-endian from srcbuf[i] = i*7+0x11 starting at
    the effective address, the last register zero-padded, all other GPRs
    unchanged.  Stores: bytes of in[n] = 0x10203040*(n+1) ^ 0x01010101*n
    written from the effective address into a buffer pre-filled with 0xee."""
    src = bytes(((i * 7 + 0x11) & 0xff) for i in range(256))
    regin = [((0x10203040 * (n + 1)) ^ (0x01010101 * n)) & 0xffffffff for n in range(32)]
    # RB values passed by string_multiple.c for lswx (offset added to RA, or RA=0 and RB=srcbuf+5)
    lswx_rb = {'5,3,4': 1, '5,0,4': 5, '20,3,4': 2, '31,9,10': -1}
    bad = n = 0
    for line in open(path):
        m = re.match(r'(lswi|lswx|lmw) (\S+) +off=(\d+) +n=(\d+) +xer=(\S+) :(.*)\| xer=(\S+) cr=(\S+) (\S+)', line)
        if m:
            insn, ops, off, nb, xer = m[1], m[2], int(m[3]), int(m[4]), int(m[5], 16)
            rt = int(ops.split(',')[0])
            if insn == 'lswi':
                ea = off
            elif insn == 'lmw':
                ea = off + int(ops.split(',')[1].split('(')[0])
            else:
                rb = 3 if (ops == '5,3,4' and xer & 0x80000000) else lswx_rb[ops]
                ea = off + rb
                if (xer & 0x7f) != nb:
                    print('MISMATCH (byte count)', line.strip())
                    bad += 1
            data = src[ea:ea + nb]
            exp = {}
            for i in range((nb + 3) // 4):
                chunk = data[4 * i:4 * i + 4]
                exp[(rt + i) % 32] = int.from_bytes(chunk + bytes(4 - len(chunk)), 'big')
            regs = dict((int(k), int(v, 16)) for k, v in re.findall(r'r(\d+)=([0-9a-f]{8})', m[6]))
            n += 1
            if not (regs == exp and m[9] == 'others-unchanged' and int(m[7], 16) == xer and int(m[8], 16) == 0):
                bad += 1
                print('MISMATCH', line.strip(), exp)
            continue
        m = re.match(r'(stswi|stswx|stmw) (\S+) +off=(\d+) +xer=(\S+) rb=(\S+) +:(.*)', line)
        if m:
            off, xer = int(m[3]), int(m[4], 16)
            ops = re.split(r'[,(]', m[2].rstrip(')'))
            rs = int(ops[0])
            if m[1] == 'stswi':
                nb = int(ops[2]) or 32
                ea = off
            elif m[1] == 'stswx':
                nb = xer & 0x7f
                ea = off + (3 if m[2] == '5,3,4' else 1)
            else:
                nb = 4 * (32 - rs)
                ea = off + int(ops[1])
            buf = bytearray([0xee] * 128)
            for i in range(nb):
                reg = regin[(rs + i // 4) % 32]
                buf[ea + i] = (reg >> (24 - 8 * (i % 4))) & 0xff
            last = 127
            while last > 0 and buf[last] == 0xee:
                last -= 1
            exp = ''.join((' ' if i % 4 == 0 else '') + '%02x' % buf[i] for i in range(last + 1))
            n += 1
            if exp != m[6]:
                bad += 1
                print('MISMATCH', line.strip(), exp)
    print('%s: checked %d lines, %d mismatches' % (path, n, bad))
    return bad


def main():
    d = sys.argv[1]
    bad = check_string_multiple(os.path.join(d, 'string_multiple.stdout'))
    bad += check_shift_rotate(os.path.join(d, 'shift_rotate.stdout'))
    bad += check_dlmzb_mul(os.path.join(d, 'dlmzb_mul440.stdout'))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
