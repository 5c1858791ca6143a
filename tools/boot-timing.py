#!/usr/bin/env python3
"""Times the reference Linux guest on ppc440vm and, alternating, on qemu-system-ppc -M bamboo (when installed):
wall seconds from process start to 'Linux version', GUEST-INIT-START and GUEST-INIT-DONE, and to process exit.

    tools/boot-timing.py [--runs N] [--images DIR]

A first step toward the benchmark harness of the performance issue; prints one line per run and the medians."""
import argparse, os, shutil, statistics, subprocess, sys, time

MARKS = ["Linux version", "GUEST-INIT-START", "GUEST-INIT-DONE"]
APPEND = "console=ttyS0 rdinit=/init guestexit=reboot"


def run(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    seen = {}
    for raw in p.stdout:
        line = raw.decode("utf-8", "replace")
        for m in MARKS:
            if m not in seen and m in line:
                seen[m] = time.monotonic() - t0
    p.wait(timeout=600)
    return [seen.get(m) for m in MARKS] + [time.monotonic() - t0], p.returncode


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--images", default=os.environ.get("PPC440VM_GUEST_DIR", os.path.join(here, "..", "shared", "guest")))
    a = ap.parse_args()
    k, initrd = os.path.join(a.images, "vmlinux"), os.path.join(a.images, "initramfs.cpio.gz")
    systems = {"ppc440vm": [os.path.join(here, "ppc440vm"), "-M", "bamboo", "-m", "256", "-nographic", "-no-reboot",
                            "-kernel", k, "-initrd", initrd, "-append", APPEND]}
    if shutil.which("qemu-system-ppc"):
        systems["qemu"] = ["qemu-system-ppc", "-M", "bamboo", "-m", "256", "-nographic", "-no-reboot", "-kernel", k,
                           "-initrd", initrd, "-append", APPEND]
    results = {s: [] for s in systems}
    print("%-9s %3s %10s %10s %10s %10s %s" % ("system", "run", "linux", "init-start", "init-done", "exit", "status"))
    for i in range(a.runs):
        for s, cmd in systems.items():
            r, rc = run(cmd)
            results[s].append(r)
            print("%-9s %3d %s %s" % (s, i + 1, " ".join("%10s" % ("-" if v is None else "%.3f" % v) for v in r), rc))
            sys.stdout.flush()
    print("medians:")
    for s, rs in results.items():
        med = [statistics.median([r[j] for r in rs if r[j] is not None] or [float("nan")]) for j in range(4)]
        print("%-9s     %s" % (s, " ".join("%10.3f" % v for v in med)))
    if "qemu" in results:
        q = [statistics.median([r[j] for r in results["qemu"] if r[j]] or [float("nan")]) for j in range(4)]
        o = [statistics.median([r[j] for r in results["ppc440vm"] if r[j]] or [float("nan")]) for j in range(4)]
        print("ratio     %s" % " ".join("%10.2f" % (o[j] / q[j]) for j in range(4)))


if __name__ == "__main__":
    main()
