#!/bin/sh
# Builds the board's built-in guest (what ./ppc440vm boots with no -kernel) into the bundle's resources.
# Needs Debian's gcc-powerpc-linux-gnu. The ELF is committed, so the Maven build never needs the cross compiler.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/main/resources/org/ppc440vm/board/guest/defaultguest.elf"
cc="${CROSS_COMPILE:-powerpc-linux-gnu-}gcc"
mkdir -p "$(dirname "$out")"
"$cc" -mcpu=440 -msoft-float -ffreestanding -fno-builtin -fno-stack-protector -fno-pic -msdata=none -nostdlib \
    -no-pie -static -O2 -g0 -Wall -Wextra -Wl,--build-id=none -Wl,-n -Wl,--no-warn-rwx-segments -Wl,-T,"$here/guest.ld" \
    -o "$out" "$here/start.S" "$here/guest.c"
echo "built $out ($(wc -c < "$out") bytes)"
