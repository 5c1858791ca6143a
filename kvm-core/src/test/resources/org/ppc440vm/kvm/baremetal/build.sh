#!/bin/sh
# Builds the bare-metal test programs and, with --expected, regenerates their expected console output from QEMU.
#
#   ./build.sh              compile src/*.c and src/*.S into <name>.elf (committed: the tests need no toolchain)
#   ./build.sh --expected   also run each ELF on qemu-system-ppc -M bamboo: its console output goes to <name>.qemu,
#                           and is copied to <name>.expected unless <name>.qemu-differs says where QEMU is wrong
#                           (then <name>.expected is the hand-corrected output, and the tests check that it differs
#                           from <name>.qemu on exactly the lines listed there)
#
# The programs print on the 16550 UART at 0xEF600300 and end with a DBCR0[RST] system reset, which makes QEMU
# (-no-reboot) exit. Reference: QEMU 7.2 (Debian 1:7.2+dfsg-7+deb12u18), gcc-powerpc-linux-gnu 12.2.
set -eu
cd "$(dirname "$0")"
CC=${CC:-powerpc-linux-gnu-gcc}
CFLAGS="-mcpu=440 -msoft-float -O2 -ffreestanding -fno-builtin -nostdlib -no-pie -fno-pic -mno-sdata -Wall -Werror"
LDFLAGS="-T src/link.ld -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -Wl,-z,max-page-size=4096 -static"
COMMON="src/crt0.S src/console.c"

for main in src/syscall.S src/program.c src/privuser.c src/decrementer.c src/tlbmiss.c; do
    name=$(basename "$main" | sed 's/\.[cS]$//')
    $CC $CFLAGS $LDFLAGS -o "$name.elf" $COMMON "$main" -lgcc
    echo "built $name.elf"
done

if [ "${1:-}" = "--expected" ]; then
    for elf in *.elf; do
        name=${elf%.elf}
        timeout 20 qemu-system-ppc -M bamboo -m 256 -nographic -no-reboot -monitor none -serial stdio \
            -kernel "$elf" </dev/null | tr -d '\r' > "$name.qemu" || true
        if [ -f "$name.qemu-differs" ]; then
            echo "$name.qemu: QEMU is wrong here (see $name.qemu-differs); $name.expected is kept as edited"
        else
            cp "$name.qemu" "$name.expected"
        fi
        echo "$name.qemu: $(wc -l < "$name.qemu") lines"
    done
fi
