#!/usr/bin/env bash
#
# Rebuilds the ppc440vm user-mode oracle suite from scratch:
#   - regenerates src/random_alu_NN.S (tools/gen_random_alu.py, fixed seeds)
#   - builds every program as a static 32-bit PowerPC ELF into bin/NAME.elf
#     (powerpc-linux-gnu-gcc -static -O2 -mcpu=440fp), strips all of them
#     except crc_sha (kept with symbols for the ELF/disassembly tooling)
#   - produces expected/NAME.{stdout,stderr,status} by running each ELF under
#     qemu-ppc -cpu 440epx, twice (the two runs must be identical) and also
#     once unstripped (stripping must not change the output)
#   - EXCEPT mac440 and libm_transcendental, whose expected outputs come from
#     host builds (reference model / host libm), see README.md
#   - runs the independent verification tools in tools/ (SKIP_VERIFY=1 skips)
#   - writes manifest.txt
# The result is deterministic: running this script twice produces
# byte-identical files.
#
set -euo pipefail
export LC_ALL=C
export PYTHONDONTWRITEBYTECODE=1

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

CROSS=powerpc-linux-gnu
CC="$CROSS-gcc"
STRIP="$CROSS-strip"
QEMU=qemu-ppc
QEMU_CPU=440epx
CFLAGS=(-static -O2 -mcpu=440fp -Wall)
HOSTCC=gcc
TIMEOUT=60

die() { echo "build.sh: ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
missing=()
for t in "$CC" "$STRIP" "$QEMU" python3 "$HOSTCC" timeout cmp; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
if ((${#missing[@]})); then
    die "required tool(s) not found: ${missing[*]}
  needed: $CC and $STRIP (Debian package gcc-powerpc-linux-gnu, hard-float glibc),
          $QEMU (package qemu-user), python3, host $HOSTCC, coreutils timeout/cmp.
  Refusing to build: the expected outputs must come from these exact tools."
fi
cpus="$("$QEMU" -cpu help 2>/dev/null || true)"
grep -qi "PowerPC $QEMU_CPU " <<< "$cpus" || die "$QEMU does not know CPU model $QEMU_CPU"
echo "using: $("$CC" --version | head -n1)"
echo "using: $("$QEMU" --version | head -n1)"
echo "using: host $("$HOSTCC" --version | head -n1), $(ldd --version 2>/dev/null | head -n1 || echo 'host libc ?')"

# ---------------------------------------------------------------- programs
NRANDOM=10
# NAME:sources (space separated, relative to this directory)
PROGRAMS=(
    "alu_flags:src/alu_flags.c"
    "shift_rotate:src/shift_rotate.c"
    "string_multiple:src/string_multiple.c src/string_ops.S"
    "reservation:src/reservation.c"
    "byte_reverse:src/byte_reverse.c"
    "dlmzb_mul440:src/dlmzb_mul440.c"
    "mac440:src/mac440.c"
    "setjmp_longjmp:src/setjmp_longjmp.c"
    "crc_sha:src/crc_sha.c"
    "qsort_bignum:src/qsort_bignum.c"
    "int64_libgcc:src/int64_libgcc.c"
    "fp_printf:src/fp_printf.c"
    "fp_arith:src/fp_arith.c"
    "fp_fused:src/fp_fused.c"
    "fp_fpscr:src/fp_fpscr.c"
    "libm_transcendental:src/libm_transcendental.c"
    "runtime_args:src/runtime_args.c"
    "runtime_exit:src/runtime_exit.c"
    "malloc_stress:src/malloc_stress.c"
    "syscalls_misc:src/syscalls_misc.c"
)
for ((i = 0; i < NRANDOM; i++)); do
    n=$(printf '%02d' "$i")
    PROGRAMS+=("random_alu_$n:src/random_alu_main.c src/random_alu_$n.S")
done
KEEP_SYMBOLS="crc_sha"
HOST_EXPECTED="mac440 libm_transcendental"   # expected output not from QEMU

is_in() { local x="$1"; shift; for y in "$@"; do [[ "$x" == "$y" ]] && return 0; done; return 1; }

# ---------------------------------------------------------------- clean
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
rm -f bin/*.elf expected/*.stdout expected/*.stderr expected/*.status src/random_alu_[0-9][0-9].S manifest.txt
mkdir -p bin expected

# args / env inputs are source files kept in expected/ (one item per line)
printf '%s\n' 'first arg' '' 'ünï' '--flag=value' 'a\b' "'quoted' \"double\"" 'last' > expected/runtime_args.args
printf '%s\n' 'PPCTEST_GREETING=hello' 'PPCTEST_A=1' 'PPCTEST_Z=last=value' > expected/runtime_args.env

# ---------------------------------------------------------------- generate
python3 tools/gen_random_alu.py src "$NRANDOM" 3 250

# run_one NAME ELF OUTPREFIX: run under qemu with the program's args/env
run_qemu() {
    local name="$1" elf="$2" out="$3"
    local -a args=() envs=()
    if [[ -f "expected/$name.args" ]]; then mapfile -t args < "expected/$name.args"; fi
    if [[ -f "expected/$name.env" ]]; then mapfile -t envs < "expected/$name.env"; fi
    local rc=0
    (cd "$WORK" && env -i "${envs[@]}" timeout "$TIMEOUT" "$QEMU" -cpu "$QEMU_CPU" "$elf" "${args[@]}" \
        > "$out.stdout" 2> "$out.stderr") || rc=$?
    echo "$rc" > "$out.status"
}

run_host() {
    local name="$1" exe="$2" out="$3"
    local -a args=() envs=()
    if [[ -f "expected/$name.args" ]]; then mapfile -t args < "expected/$name.args"; fi
    if [[ -f "expected/$name.env" ]]; then mapfile -t envs < "expected/$name.env"; fi
    local rc=0
    (cd "$WORK" && env -i "${envs[@]}" timeout "$TIMEOUT" "$exe" "${args[@]}" > "$out.stdout" 2> "$out.stderr") || rc=$?
    echo "$rc" > "$out.status"
}

same3() {   # same3 A B: A.{stdout,stderr,status} == B.*
    cmp -s "$1.stdout" "$2.stdout" && cmp -s "$1.stderr" "$2.stderr" && cmp -s "$1.status" "$2.status"
}

# ---------------------------------------------------------------- build + run
for entry in "${PROGRAMS[@]}"; do
    name="${entry%%:*}"
    read -r -a srcs <<< "${entry#*:}"
    extra=()
    [[ "$name" == libm_transcendental ]] && extra=(-lm)
    "$CC" "${CFLAGS[@]}" "${srcs[@]}" -o "bin/$name.elf" "${extra[@]}" \
        || die "cross compilation of $name failed"
    cp "bin/$name.elf" "$WORK/$name.unstripped.elf"
    if ! is_in "$name" $KEEP_SYMBOLS; then
        "$STRIP" "bin/$name.elf"
    fi

    if [[ "$name" == mac440 ]]; then
        # expected output from the host reference model (see README.md)
        "$HOSTCC" -O2 -Wall -DMAC440_HOST_MODEL src/mac440.c src/mac440_model.c -o "$WORK/mac440.host" \
            || die "host build of the mac440 model failed"
        run_host "$name" "$WORK/mac440.host" "$WORK/$name.a"
        run_host "$name" "$WORK/mac440.host" "$WORK/$name.b"
    elif [[ "$name" == libm_transcendental ]]; then
        # expected output from the same source built for the host (see README.md)
        "$HOSTCC" -O2 -Wall src/libm_transcendental.c -o "$WORK/libm.host" -lm \
            || die "host build of libm_transcendental failed"
        run_host "$name" "$WORK/libm.host" "$WORK/$name.a"
        run_host "$name" "$WORK/libm.host" "$WORK/$name.b"
    else
        run_qemu "$name" "$HERE/bin/$name.elf" "$WORK/$name.a"
        run_qemu "$name" "$HERE/bin/$name.elf" "$WORK/$name.b"
        run_qemu "$name" "$WORK/$name.unstripped.elf" "$WORK/$name.u"
        same3 "$WORK/$name.a" "$WORK/$name.u" || die "$name: output of the stripped and unstripped ELF differ"
    fi
    same3 "$WORK/$name.a" "$WORK/$name.b" || die "$name: two runs produced different output (not deterministic)"
    for s in stdout stderr status; do cp "$WORK/$name.a.$s" "expected/$name.$s"; done
    printf '%-22s status=%s stdout=%7s bytes  stderr=%5s bytes  elf=%8s bytes\n' "$name" \
        "$(cat "expected/$name.status")" "$(wc -c < "expected/$name.stdout")" \
        "$(wc -c < "expected/$name.stderr")" "$(wc -c < "bin/$name.elf")"
    echo "$name" >> manifest.txt
done

# ---------------------------------------------------------------- sanity
for entry in "${PROGRAMS[@]}"; do
    name="${entry%%:*}"
    st="$(cat "expected/$name.status")"
    want=0
    [[ "$name" == runtime_exit ]] && want=3
    [[ "$st" == "$want" ]] || die "$name: exit status $st, expected $want"
    tail -n1 "expected/$name.stdout" | grep -qx 'done' || [[ "$name" == runtime_exit ]] \
        || die "$name: stdout does not end with 'done'"
done

# ---------------------------------------------------------------- verify
if [[ "${SKIP_VERIFY:-0}" != 1 ]]; then
    echo "== verification (independent models / host builds) =="
    python3 tools/check_alu_flags.py expected/alu_flags.stdout
    python3 tools/check_int_misc.py expected
    python3 tools/check_mac440.py expected/mac440.stdout
    for ((i = 0; i < NRANDOM; i++)); do
        n=$(printf '%02d' "$i")
        python3 tools/check_random_alu.py "src/random_alu_$n.S" "expected/random_alu_$n.stdout"
    done
    "$HOSTCC" -O0 -frounding-math tools/check_fp_fused.c -o "$WORK/check_fp_fused" -lm
    "$WORK/check_fp_fused" expected/fp_fused.stdout expected/fp_fpscr.stdout
    # portable programs: the host build must print exactly the same
    for name in crc_sha qsort_bignum int64_libgcc fp_printf; do
        "$HOSTCC" -O2 "src/$name.c" -o "$WORK/$name.host" 2>/dev/null
        run_host "$name" "$WORK/$name.host" "$WORK/$name.h"
        same3 "$WORK/$name.h" "expected/$name" || die "$name: host build output differs from qemu output"
        echo "$name: host build output identical"
    done
    # libm: the PowerPC build, with the ISA 3.0 mffs-family encodings rewritten
    # to mffs, must print what the host build printed
    python3 tools/patch_mffs_family.py bin/libm_transcendental.elf "$WORK/libm_patched.elf"
    chmod +x "$WORK/libm_patched.elf"
    run_qemu libm_transcendental "$WORK/libm_patched.elf" "$WORK/libm.p"
    same3 "$WORK/libm.p" expected/libm_transcendental \
        || die "libm_transcendental: patched PowerPC run differs from the host-derived expected output"
    echo "libm_transcendental: patched PowerPC build under qemu matches the host-derived expected output"
    # mac440: report how far QEMU is from the reference (informational)
    run_qemu mac440 "$HERE/bin/mac440.elf" "$WORK/mac440.q"
    echo "mac440: qemu-ppc 7.2 output differs from the reference model on" \
        "$(diff "$WORK/mac440.q.stdout" expected/mac440.stdout | grep -c '^<' || true) of" \
        "$(wc -l < expected/mac440.stdout) lines (expected: QEMU's MAC emulation is wrong)"
fi

echo "manifest: $(wc -l < manifest.txt) programs"
echo "total size: $(du -sh . | cut -f1)"
