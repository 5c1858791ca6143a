#!/usr/bin/env python3
"""Allocation profile of one boot of the reference guest (issue 9: "no allocation in the interpreter's steady state").

    tools/jfr-alloc.py [--images DIR] [--top N] [--jfr FILE] [--keep] [--no-build]

Boots the guest once on ppc440vm with Java Flight Recorder (settings=profile, which samples allocations with
jdk.ObjectAllocationSample), then prints the sampled allocation weight aggregated
  1. by thread,
  2. by top frame (the allocating method and line), for all threads, and
  3. by top frame for the vCPU thread(s) during the guest workload only (between the console lines
     "== CPU workload ==" and "TIME workload"): the interpreter's steady state, which should allocate nothing.
With --jfr FILE an existing recording is analysed instead of booting.
"""
import argparse, collections, json, os, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def boot(images, jfr, no_build):
    g = lambda n: os.path.join(images, n)
    # ThreadAllocationStatistics every second: exact bytes allocated per thread, to bracket the workload.
    opts = ("-XX:StartFlightRecording=settings=profile,jdk.ThreadAllocationStatistics#period=1s,"
            "filename=%s,dumponexit=true" % jfr)
    env = dict(os.environ, PPC440VM_JAVA_OPTS=(os.environ.get("PPC440VM_JAVA_OPTS", "") + " " + opts).strip())
    if no_build:
        env["PPC440VM_NO_BUILD"] = "1"
    cmd = [os.path.join(HERE, "ppc440vm"), "-M", "bamboo", "-m", "256", "-nographic", "-no-reboot", "-kernel",
           g("vmlinux"), "-initrd", g("initramfs.cpio.gz"), "-append", "console=ttyS0 rdinit=/init guestexit=reboot"]
    window = {}
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    for raw in p.stdout:
        line = raw.decode("utf-8", "replace")
        for key, sub in (("begin", "== CPU workload =="), ("end", "TIME workload")):
            if key not in window and sub in line:
                window[key] = time.time()  # wall clock: JFR event times are wall-clock instants
    p.wait()
    if p.returncode != 0 or "end" not in window:
        sys.exit("jfr-alloc: the boot failed (status %s) before the workload ended" % p.returncode)
    return window


def parse_instant(s):
    # JFR JSON instants look like "2026-11-25T04:10:11.123456789Z"
    from datetime import datetime, timezone
    main, _, frac = s.rstrip("Z").partition(".")
    t = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return t + (float("0." + frac) if frac else 0.0)


def frame_name(f):
    m = f.get("method", {})
    t = m.get("type", {}).get("name", "?")
    return "%s.%s line %s" % (t, m.get("name", "?"), f.get("lineNumber", "?"))


def mib(x):
    return x / (1024.0 * 1024.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", default=os.environ.get("PPC440VM_GUEST_DIR", os.path.join(HERE, "..", "shared", "guest")))
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--jfr", help="analyse this recording instead of booting")
    ap.add_argument("--keep", action="store_true", help="keep the recording (its path is printed)")
    ap.add_argument("--no-build", action="store_true", help="do not let ./ppc440vm rebuild the runtime first")
    a = ap.parse_args()
    window = None
    if a.jfr:
        jfr = a.jfr
    else:
        jfr = os.path.join(tempfile.mkdtemp(prefix="ppc440vm-jfr-"), "boot.jfr")
        window = boot(a.images, jfr, a.no_build)
    jfrtool = os.path.join(os.environ["JAVA_HOME"], "bin", "jfr") if os.environ.get("JAVA_HOME") else "jfr"
    out = subprocess.run([jfrtool, "print", "--json", "--stack-depth", "3", "--events", "jdk.ObjectAllocationSample",
                          jfr], stdout=subprocess.PIPE, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    stats = subprocess.run([jfrtool, "print", "--json", "--events", "jdk.ThreadAllocationStatistics", jfr],
                           stdout=subprocess.PIPE, check=True).stdout
    stats = json.loads(stats)["recording"]["events"]

    by_thread, by_site, steady, steady_threads, vcpu_sites = (collections.Counter() for _ in range(5))
    steady_total = 0
    for e in events:
        v = e["values"]
        w = v.get("weight", 0)
        th = (v.get("eventThread") or {}).get("javaName") or "?"
        frames = (v.get("stackTrace") or {}).get("frames") or []
        site = frame_name(frames[0]) if frames else "(no stack)"
        cls = (v.get("objectClass") or {}).get("name", "?")
        by_thread[th] += w
        by_site[(site, cls)] += w
        if "vcpu" in th.lower():
            vcpu_sites[(site, cls)] += w
        if window and "vcpu" in th.lower() and window["begin"] <= parse_instant(v["startTime"]) <= window["end"]:
            steady[(site, cls)] += w
            steady_total += w
            steady_threads[th] += w
    total = sum(by_thread.values())
    print("recording: %s (%d allocation samples, %.1f MiB sampled weight)" % (jfr, len(events), mib(total)))
    print("\nby thread (MiB):")
    for th, w in by_thread.most_common(a.top):
        print("  %10.2f  %s" % (mib(w), th))
    print("\ntop allocation sites, all threads (MiB, top frame, class):")
    for (site, cls), w in by_site.most_common(a.top):
        print("  %10.2f  %s  [%s]" % (mib(w), site, cls))
    print("\ntop allocation sites of the vCPU thread(s), whole run (MiB, top frame, class):")
    for (site, cls), w in vcpu_sites.most_common(a.top):
        print("  %10.2f  %s  [%s]" % (mib(w), site, cls))
    if window:
        # Exact: the vCPU thread's allocated-bytes counter, sampled every second, bracketing the workload.
        per = collections.defaultdict(list)
        for e in stats:
            v = e["values"]
            th = (v.get("thread") or {}).get("javaName") or "?"
            if "vcpu" in th.lower():
                per[th].append((parse_instant(v["startTime"]), v["allocated"]))
        for th, samples in sorted(per.items()):
            samples.sort()
            before = [x for x in samples if x[0] <= window["begin"]]
            after = [x for x in samples if x[0] >= window["end"]]
            inside = [x for x in samples if window["begin"] <= x[0] <= window["end"]]
            if len(inside) >= 2:
                (t0, a0), (t1, a1) = inside[0], inside[-1]
                print("\n%s: allocated %d bytes in %.2f s inside the guest workload (exact counter, %d samples)"
                      % (th, a1 - a0, t1 - t0, len(inside)))
            if before and after:
                (t0, a0), (t1, a1) = before[-1], after[0]
                print("%s: allocated %d bytes from %.2f s before to %.2f s after the workload"
                      % (th, a1 - a0, window["begin"] - t0, t1 - window["end"]))
        secs = window["end"] - window["begin"]
        print("\nvCPU thread(s) during the guest workload (%.2f s, steady state): %.3f MiB sampled (%.3f MiB/s)"
              % (secs, mib(steady_total), mib(steady_total) / secs if secs > 0 else 0))
        for (site, cls), w in steady.most_common(a.top):
            print("  %10.3f  %s  [%s]" % (mib(w), site, cls))
        if not steady:
            print("  (no allocation sampled on the vCPU thread: the interpreter's steady state allocates nothing)")
    if not a.jfr and not a.keep:
        os.remove(jfr)
        os.rmdir(os.path.dirname(jfr))


if __name__ == "__main__":
    main()
