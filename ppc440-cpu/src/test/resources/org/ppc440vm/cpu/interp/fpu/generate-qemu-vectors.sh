#!/bin/sh
# Regenerates qemu-fpu-vectors.txt.gz: builds qemu_fpu_vectors.c for the 440FP (hard float) and runs it
# under QEMU's 440EP model. Made with powerpc-linux-gnu-gcc 12.2 and qemu-ppc 7.2 (Debian bookworm).
# QemuVectorsTest replays the file against FpuOps and documents which QEMU deviations it masks.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
powerpc-linux-gnu-gcc -static -O1 -mcpu=440fp -o "$work/vectors" "$here/qemu_fpu_vectors.c"
qemu-ppc -cpu 440epb "$work/vectors" | gzip -9n > "$here/qemu-fpu-vectors.txt.gz"
echo "$(gzip -dc "$here/qemu-fpu-vectors.txt.gz" | wc -l) vectors written"
