#!/usr/bin/env python3
"""TCP throughput host -> guest through the user-mode network (-netdev user,hostfwd=...), on ppc440vm and, when
installed, on qemu-system-ppc -M bamboo (virtio-net-pci), same guest: a static sink of ours
(distribution/src/test/resources/org/ppc440vm/launcher/guest-tools) reads the connection to its end.

    tools/net-bench.py [--images DIR] [--mib N]"""
import argparse, gzip, os, select, shutil, socket, subprocess, tempfile, time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(HERE, "distribution/src/test/resources/org/ppc440vm/launcher/guest-tools/tools.ext2.gz")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def session(cmd, port, mib):
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

    try:
        if not wait_for(b"job control turned off", 300):
            return None
        time.sleep(0.5)
        p.stdin.write(b"mount -t ext2 /dev/vda /mnt && /mnt/listener 7777 1 sink &\n")
        p.stdin.flush()
        if not wait_for(b"listening on port 7777", 60):
            return None
        chunk = b"x" * 65536
        t0 = time.time()
        s = socket.create_connection(("127.0.0.1", port), timeout=120)
        for _ in range(mib * 16):
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)
        reply = s.makefile().readline()
        dt = time.time() - t0
        s.close()
        return mib / dt if reply.startswith("guest got %d bytes" % (mib << 20)) else None
    finally:
        p.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", default=os.environ.get("PPC440VM_GUEST_DIR", os.path.join(HERE, "..", "shared", "guest")))
    ap.add_argument("--mib", type=int, default=16)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    disk = os.path.join(tmp, "tools.ext2")
    with gzip.open(TOOLS) as f, open(disk, "wb") as o:
        shutil.copyfileobj(f, o)
    k, initrd = os.path.join(a.images, "vmlinux"), os.path.join(a.images, "initramfs.cpio.gz")
    base = ["-M", "bamboo", "-m", "256", "-nographic", "-no-reboot", "-kernel", k, "-initrd", initrd,
            "-append", "console=ttyS0 rdinit=/init guestshell=1"]
    print("%-9s %14s" % ("system", "host->guest MB/s"))
    port = free_port()
    fwd = "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:7777" % port
    r = session([os.path.join(HERE, "ppc440vm")] + base + ["-drive", "file=%s,if=virtio,format=raw" % disk,
               "-netdev", fwd, "-device", "virtio-net,netdev=n0"], port, a.mib)
    print("%-9s %14s" % ("ppc440vm", "-" if r is None else "%.1f" % r))
    if shutil.which("qemu-system-ppc"):
        port = free_port()
        fwd = "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:7777" % port
        r = session(["qemu-system-ppc"] + base + ["-drive", "file=%s,if=none,id=d0,format=raw" % disk, "-device",
                    "virtio-blk-pci,drive=d0", "-netdev", fwd, "-device", "virtio-net-pci,netdev=n0"], port, a.mib)
        print("%-9s %14s" % ("qemu", "-" if r is None else "%.1f" % r))
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
