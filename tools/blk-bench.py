#!/usr/bin/env python3
"""Sequential read and write throughput of the guest's dd on its virtio disk, on ppc440vm (virtio-mmio) and, when
installed, on qemu-system-ppc -M bamboo (virtio-blk-pci: bamboo has no virtio-mmio), same images, same machine.

    tools/blk-bench.py [--images DIR] [--mib N]

Boots the reference guest with guestshell=1 and a scratch copy of its disk, types the dd commands into busybox sh
and times them from the host between the command and the next prompt (busybox dd prints no rate)."""
import argparse, gzip, os, select, shutil, subprocess, sys, tempfile, time

APPEND = "console=ttyS0 rdinit=/init guestshell=1"


def session(cmd, mib):
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    buf = b""

    def wait_for(token, timeout):
        nonlocal buf
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([p.stdout], [], [], 0.2)
            if r:
                d = os.read(p.stdout.fileno(), 65536)
                if not d:
                    break
                buf += d
                if token in buf:
                    return True
        return False

    def timed(command, marker):
        nonlocal buf
        buf = b""
        t0 = time.time()
        p.stdin.write((command + "; echo " + marker + "\n").encode())
        p.stdin.flush()
        ok = wait_for(("\n" + marker).encode(), 300)
        return time.time() - t0 if ok else float("nan")

    try:
        if not wait_for(b"job control turned off", 300):
            return None
        time.sleep(0.5)
        n = mib * 16  # 64 KiB blocks
        w = timed("dd if=/dev/zero of=/dev/vda bs=64k count=%d conv=fsync 2>/dev/null" % n, "WDONE")
        timed("echo 3 > /proc/sys/vm/drop_caches", "DROPPED")
        r = timed("dd if=/dev/vda of=/dev/null bs=64k count=%d 2>/dev/null" % n, "RDONE")
        return mib / r, mib / w
    finally:
        p.kill()


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", default=os.environ.get("PPC440VM_GUEST_DIR", os.path.join(here, "..", "shared", "guest")))
    ap.add_argument("--mib", type=int, default=8)
    a = ap.parse_args()
    k, initrd = os.path.join(a.images, "vmlinux"), os.path.join(a.images, "initramfs.cpio.gz")
    tmp = tempfile.mkdtemp()
    disk = os.path.join(tmp, "disk.ext2")
    with gzip.open(os.path.join(a.images, "disk.ext2.gz")) as f, open(disk, "wb") as o:
        shutil.copyfileobj(f, o)
    base = ["-M", "bamboo", "-m", "256", "-nographic", "-no-reboot", "-kernel", k, "-initrd", initrd, "-append", APPEND]
    systems = {"ppc440vm": [os.path.join(here, "ppc440vm")] + base + ["-drive", "file=%s,if=virtio,format=raw" % disk]}
    if shutil.which("qemu-system-ppc"):
        systems["qemu"] = ["qemu-system-ppc"] + base + ["-drive", "file=%s,if=none,id=d0,format=raw" % disk,
                                                        "-device", "virtio-blk-pci,drive=d0"]
    print("%-9s %12s %12s" % ("system", "read MB/s", "write MB/s"))
    for s, cmd in systems.items():
        r = session(cmd, a.mib)
        print("%-9s %12s %12s" % (s, "-" if r is None else "%.1f" % r[0], "-" if r is None else "%.1f" % r[1]))
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
