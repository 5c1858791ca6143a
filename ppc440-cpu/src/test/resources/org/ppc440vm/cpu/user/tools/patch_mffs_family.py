#!/usr/bin/env python3
"""Verification helper (not used for expected outputs): copy an ELF and
rewrite every ISA 3.0 "mffs family" encoding (mffsce, mffscdrn, mffscdrni,
mffscrn, mffscrni, mffsl: primary opcode 63, XO 583 with a non-zero field in
bits 11-20) into a plain mffs of the same target register.  Pre-ISA-3.0
processors execute these encodings as mffs (glibc relies on this and sets
the rounding mode separately); qemu-ppc 7.2 instead raises SIGILL for the
440.  The patched copy can then be run under qemu-ppc to confirm that the
host-derived expected output of libm_transcendental matches what the
PowerPC build prints.
Usage: patch_mffs_family.py IN.elf OUT.elf"""
import struct
import sys


def main():
    data = bytearray(open(sys.argv[1], 'rb').read())
    n = 0
    for off in range(0, len(data) - 3, 4):
        w = struct.unpack('>I', data[off:off + 4])[0]
        if (w >> 26) == 63 and ((w >> 1) & 0x3ff) == 583 and (w & 0x001ff800):
            data[off:off + 4] = struct.pack('>I', w & ~0x001ff800)
            n += 1
    with open(sys.argv[2], 'wb') as f:
        f.write(data)
    print('patched %d instruction(s)' % n, file=sys.stderr)


if __name__ == '__main__':
    main()
