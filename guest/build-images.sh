#!/usr/bin/env bash
# guest/build-images.sh: rebuild the reference Linux guest from Debian's packages, as MANIFEST.md of the shared
# images describes: a 44x kernel (linux-source-6.1, bamboo + virtio-mmio), a static busybox initramfs with our test
# /init (guest/init.c), a small ext2 disk, and the device tree for our board (guest/ppc440-virt.dts).
#
#   guest/build-images.sh [--out DIR] [--jobs N]
#
# Output (default: $PPC440VM_GUEST_CACHE, else ~/.cache/ppc440vm/guest): vmlinux, System.map, kernel.config,
# initramfs.cpio.gz, disk.ext2.gz, ppc440-virt.dtb, init. Each step is skipped when its output exists, so a second run
# only redoes what is missing (delete a file to rebuild it). Needs root for apt-get (or the packages installed).
# The kernel takes about 16 minutes on 2 cores; the whole run about 20.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${PPC440VM_GUEST_CACHE:-$HOME/.cache/ppc440vm/guest}"
jobs="$(nproc 2>/dev/null || echo 2)"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build-images: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$out/work"
mkdir -p "$work"
step() { printf '\n[build-images] %s\n' "$*" >&2; }
CROSS=powerpc-linux-gnu-
FAKE_TIME=1700000000

# ---- 1. tools ----
need_pkgs=(gcc-powerpc-linux-gnu binutils-powerpc-linux-gnu libc6-dev-powerpc-cross linux-source-6.1
           device-tree-compiler u-boot-tools cpio e2fsprogs bc bison flex libssl-dev libelf-dev make gcc dpkg-dev xz-utils)
missing=()
for p in "${need_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then echo "build-images: need root to install: ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# ---- 2. kernel ----
K="$work/linux"
if [ ! -f "$out/vmlinux" ]; then
  if [ ! -d "$K" ]; then
    step "unpacking linux-source-6.1"
    tarball=$(ls /usr/src/linux-source-6.1*.tar.xz | head -n 1)
    mkdir -p "$work/ksrc" && tar -xf "$tarball" -C "$work/ksrc"
    mv "$work/ksrc"/linux-source-6.1* "$K" && rmdir "$work/ksrc"
  fi
  kmake() { make -C "$K" ARCH=powerpc CROSS_COMPILE=$CROSS "$@"; }
  step "configuring the kernel (ppc44x_defconfig, bamboo + virtio-mmio)"
  kmake -s ppc44x_defconfig
  for o in BLUESTONE SAM440EP SEQUOIA TAISHAN KATMAI RAINIER WARP ARCHES CANYONLANDS GLACIER REDWOOD EIGER YOSEMITE EBONY \
           PPC4xx_GPIO GPIOLIB MODULES MTD JFFS2_FS CRAMFS NFS_FS ROOT_NFS IP_PNP BLK_DEV_RAM IBM_EMAC USB_SUPPORT I2C FB \
           KALLSYMS_ALL VIRTUALIZATION SCSI SQUASHFS UBIFS_FS TUN BRIDGE WIRELESS WLAN HW_RANDOM SOUND DRM INPUT SERIO VT; do
    "$K/scripts/config" --file "$K/.config" -d "$o"
  done
  for o in VIRTIO_MENU VIRTIO VIRTIO_MMIO VIRTIO_MMIO_CMDLINE_DEVICES VIRTIO_PCI VIRTIO_BLK VIRTIO_NET VIRTIO_CONSOLE \
           NETDEVICES NET_CORE BLK_DEV MATH_EMULATION MATH_EMULATION_FULL SERIAL_8250 SERIAL_8250_CONSOLE \
           SERIAL_OF_PLATFORM BLK_DEV_INITRD RD_GZIP EXT2_FS DEVTMPFS DEVTMPFS_MOUNT PRINTK_TIME BAMBOO KALLSYMS; do
    "$K/scripts/config" --file "$K/.config" -e "$o"
  done
  kmake -s olddefconfig
  step "building vmlinux with $jobs jobs (about 16 minutes on 2 cores)"
  kmake -j"$jobs" KBUILD_BUILD_TIMESTAMP="@$FAKE_TIME" KBUILD_BUILD_USER=ppc440vm KBUILD_BUILD_HOST=build vmlinux
  ${CROSS}strip -o "$out/vmlinux.tmp" "$K/vmlinux"
  cp "$K/System.map" "$out/System.map"
  cp "$K/.config" "$out/kernel.config"
  mv "$out/vmlinux.tmp" "$out/vmlinux"
fi

# ---- 3. /init ----
if [ ! -f "$out/init" ]; then
  step "building /init from guest/init.c"
  ${CROSS}gcc -static -O2 -mcpu=440fp -o "$out/init" "$here/init.c"
fi

# ---- 4. busybox ----
B="$work/busybox"
if [ ! -f "$B/busybox" ]; then
  step "fetching the busybox source package"
  if ! ls "$work"/busybox_*.orig.tar.* >/dev/null 2>&1; then
    if ! apt-get source --print-uris busybox >/dev/null 2>&1; then
      # apt-get source needs deb-src entries: mirror the machine's own deb entries (deb822 or one-line format).
      for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && grep -q '^Types: *deb$' "$f" && sed 's/^Types: *deb$/Types: deb-src/' "$f" \
          > "/etc/apt/sources.list.d/ppc440vm-src-$(basename "$f")"
      done
      if [ -f /etc/apt/sources.list ]; then
        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > /etc/apt/sources.list.d/ppc440vm-src.list
      fi
      apt-get update -qq
    fi
    (cd "$work" && apt-get source --download-only busybox >&2)
  fi
  rm -rf "$B" && mkdir -p "$B"
  tar -xf "$(ls "$work"/busybox_*.orig.tar.* | head -n 1)" -C "$B" --strip-components=1
  step "configuring busybox (static, ash and about 90 applets)"
  make -C "$B" -s allnoconfig >&2
  for o in STATIC ASH ASH_JOB_CONTROL ASH_ECHO ASH_PRINTF ASH_TEST ASH_BASH_COMPAT SH_IS_ASH BASH_IS_NONE \
           FEATURE_SH_STANDALONE FEATURE_EDITING FEATURE_TAB_COMPLETION \
           LS FEATURE_LS_FILETYPES FEATURE_LS_FOLLOWLINKS FEATURE_LS_RECURSIVE FEATURE_LS_SORTFILES FEATURE_LS_TIMESTAMPS \
           FEATURE_LS_USERNAME CAT CP MV RM LN MKDIR HEAD TAIL WC GREP SED DD HEXDUMP OD XXD SORT FIND XARGS VI ECHO PRINTF \
           TEST TEST1 TEST2 TRUE FALSE PWD SLEEP TOUCH UNAME \
           MOUNT UMOUNT DMESG PS TOP FREE UPTIME DF SYNC KILL MKNOD CHMOD STTY CHROOT POWEROFF REBOOT HALT INIT \
           FEATURE_MOUNT_FLAGS FEATURE_MOUNT_LOOP FEATURE_DF_FANCY \
           IFCONFIG FEATURE_IFCONFIG_STATUS IP FEATURE_IP_ADDRESS FEATURE_IP_LINK FEATURE_IP_ROUTE PING \
           MD5SUM SHA256SUM DATE ENV EXPR SEQ TIME FEATURE_FIND_PRINT0 FEATURE_FIND_NAME FEATURE_FIND_TYPE; do
    sed -i "s/^# CONFIG_${o} is not set\$/CONFIG_${o}=y/" "$B/.config"
  done
  (yes '' || true) | make -C "$B" -s oldconfig >/dev/null 2>&1
  step "building busybox"
  make -C "$B" -s -j"$jobs" CROSS_COMPILE=$CROSS EXTRA_CFLAGS=-mcpu=440fp >&2
  make -C "$B" -s busybox.links >&2
fi

# ---- 5. initramfs ----
if [ ! -f "$out/initramfs.cpio.gz" ]; then
  step "packing the initramfs"
  gic="$work/gen_init_cpio"
  [ -x "$gic" ] || gcc -O2 -o "$gic" "$K/usr/gen_init_cpio.c" 2>/dev/null || {
    # the kernel tree may be gone (vmlinux came from the cache): unpack just that file
    tarball=$(ls /usr/src/linux-source-6.1*.tar.xz | head -n 1)
    tar -xf "$tarball" -C "$work" --wildcards '*/usr/gen_init_cpio.c'
    gcc -O2 -o "$gic" "$(ls "$work"/linux-source-6.1*/usr/gen_init_cpio.c | head -n 1)"
  }
  list="$work/initramfs.list"
  {
    echo "dir /dev 0755 0 0"
    echo "nod /dev/console 0600 0 0 c 5 1"
    echo "nod /dev/null 0666 0 0 c 1 3"
    echo "nod /dev/ttyS0 0600 0 0 c 4 64"
    for d in /bin /sbin /usr /usr/bin /usr/sbin /proc /sys /mnt /tmp; do echo "dir $d 0755 0 0"; done
    echo "file /init $out/init 0755 0 0"
    echo "file /bin/busybox $B/busybox 0755 0 0"
    while read -r link; do
      [ "$link" = /bin/busybox ] || echo "slink $link /bin/busybox 0777 0 0"
    done < "$B/busybox.links"
  } > "$list"
  "$gic" -t "$FAKE_TIME" "$list" > "$work/initramfs.cpio"
  gzip -9 -n -c "$work/initramfs.cpio" > "$out/initramfs.cpio.gz"
fi

# ---- 6. disk ----
if [ ! -f "$out/disk.ext2.gz" ]; then
  step "making the ext2 disk"
  d="$work/disk"
  rm -rf "$d" && mkdir -p "$d"
  echo "Hello from the PPC440 virtio-blk test disk (ext2)." > "$d/hello.txt"
  cp "$out/init" "$d/guest-test"
  touch -d "@$FAKE_TIME" "$d/hello.txt" "$d/guest-test"
  rm -f "$work/disk.ext2"
  E2FSPROGS_FAKE_TIME=$FAKE_TIME mke2fs -q -t ext2 -b 1024 -L ppc440test -U 0f0e0d0c-0b0a-4908-8706-050403020100 \
    -E hash_seed=01234567-89ab-4def-8123-456789abcdef,root_owner=0:0 -d "$d" "$work/disk.ext2" 16M
  gzip -9 -n -c "$work/disk.ext2" > "$out/disk.ext2.gz"
fi

# ---- 7. device tree ----
if [ ! -f "$out/ppc440-virt.dtb" ]; then
  step "compiling the device tree"
  size=$(gzip -l "$out/initramfs.cpio.gz" >/dev/null && stat -c %s "$out/initramfs.cpio.gz")
  end=$(printf '0x%08x' $((0x01900000 + size)))
  sed "s/linux,initrd-end = <0x[0-9a-fA-F]*>/linux,initrd-end = <$end>/" "$here/ppc440-virt.dts" > "$work/ppc440-virt.dts"
  dtc -q -I dts -O dtb -o "$out/ppc440-virt.dtb" "$work/ppc440-virt.dts"
fi

step "done: images in $out"
ls -l "$out" >&2
