#!/usr/bin/env bash
# Rebuilds tools.ext2.gz: a small ext2 disk holding /listener (src/listener.c, static for the guest), used by the
# hostfwd integration test. Needs powerpc-linux-gnu-gcc and e2fsprogs (mke2fs -d); deterministic (fixed times, UUID).
set -euo pipefail
cd "$(dirname "$0")"
command -v powerpc-linux-gnu-gcc >/dev/null || { echo "build.sh: needs gcc-powerpc-linux-gnu" >&2; exit 1; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
mkdir "$t/root"
powerpc-linux-gnu-gcc -static -O2 -mcpu=440fp -o "$t/root/listener" src/listener.c
powerpc-linux-gnu-strip "$t/root/listener"
touch -d @1700000000 "$t/root/listener"
E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -t ext2 -b 1024 -L ppc440tools -U 0f0e0d0c-0b0a-4908-8706-0504030201ff \
  -E hash_seed=01234567-89ab-4def-8123-4567890000ff,root_owner=0:0 -d "$t/root" "$t/tools.ext2" 2M
gzip -9 -n -c "$t/tools.ext2" > tools.ext2.gz
ls -l tools.ext2.gz
