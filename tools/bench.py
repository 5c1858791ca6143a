#!/usr/bin/env python3
"""End-to-end benchmark of ppc440vm against QEMU (issue 9): boots the shared reference guest N times on our runtime
and, alternating, on `qemu-system-ppc -M bamboo` when it is installed, then prints one table of medians.

    tools/bench.py [--runs N] [--out DIR] [--images DIR] [--no-qemu] [--no-build] [--java-opts OPTS]
    ./ppc440vm bench [same arguments]

Measured per run, all from host clocks (time.monotonic from process start, JVM start included):
  - wall seconds to the console lines "Linux version", GUEST-INIT-START, GUEST-INIT-DONE and to process exit;
  - per-workload seconds, from the arrival times of the guest's console lines around each workload (the guest's own
    TIME lines are kept too, as guest_* columns: they use the guest clock, which an emulator may get wrong);
  - peak RSS of the process (os.wait4 ru_maxrss), for both systems;
  - for ours only (run with -stats): guest instructions, and exits by reason, turned into exits per second.

Writes DIR/runs.csv (every run), DIR/summary.csv (medians, ratio to QEMU, target verdicts), DIR/exits.csv and
DIR/chart.png (drawn by tools/Chart.java: no Python plotting library is needed). DIR defaults to target/bench/.

Targets checked (issue 9): boot to GUEST-INIT-DONE <= 3x QEMU; guest workload crc32+sha256+int64+qsort <= 4x QEMU;
peak RSS <= guest RAM + 256 MiB. The fourth target (no allocation in the interpreter's steady state) is shown by
tools/jfr-alloc.py.
"""
import argparse, csv, os, re, select, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APPEND = "console=ttyS0 rdinit=/init guestexit=reboot"
RAM_MIB = 256

# Console markers: (key, substring). The first occurrence of each is timestamped.
MARKS = [
    ("linux", "Linux version"),
    ("init_start", "GUEST-INIT-START"),
    ("wl_begin", "== CPU workload =="),
    ("t_gen", "TIME gen4MiB"),
    ("r_crc32", "RESULT crc32"),
    ("t_crc32", "TIME crc32"),
    ("r_sha256", "RESULT sha256"),
    ("t_sha256", "TIME sha256"),
    ("r_int64", "RESULT int64loop"),
    ("t_int64", "TIME int64loop"),
    ("r_qsort", "RESULT qsort100k"),
    ("t_qsort", "TIME qsort100k"),
    ("r_fp", "RESULT fp sum"),
    ("t_fp", "TIME fp20k"),
    ("t_workload", "TIME workload"),
    ("init_done", "GUEST-INIT-DONE"),
]
# Host-timed workloads: (name, start marker, end marker). Each workload starts right after the guest printed the
# previous line and ends when it prints its TIME line (init.c prints TIME then RESULT).
WORKLOADS = [
    ("gen4MiB", "wl_begin", "t_gen"),
    ("crc32", "t_gen", "t_crc32"),
    ("sha256", "r_crc32", "t_sha256"),
    ("int64", "r_sha256", "t_int64"),
    ("qsort", "r_int64", "t_qsort"),
    ("fp20k", "r_qsort", "t_fp"),
    ("workload", "wl_begin", "t_workload"),
]
CPU4 = ["crc32", "sha256", "int64", "qsort"]
GUEST_TIME = re.compile(r"TIME (\S+)\s+([0-9.]+) s")
STATS_HEAD = re.compile(r"([0-9,]+) guest instructions in ([0-9.]+) s")
STATS_ROW = re.compile(r"^([A-Z_]+)\s+([0-9,]+)\s+([0-9.]+)")


def run_once(cmd, env, timeout):
    """Runs one boot; returns a dict of measurements (seconds from process start)."""
    err = tempfile.TemporaryFile()
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, env=env, bufsize=0)
    fd = p.stdout.fileno()
    seen, guest, buf, console = {}, {}, b"", []
    deadline = t0 + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            p.kill()
            break
        r, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not r:
            continue
        chunk = os.read(fd, 65536)
        now = time.monotonic() - t0
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace")
            console.append(line)
            for key, sub in MARKS:
                if key not in seen and sub in line:
                    seen[key] = now
            m = GUEST_TIME.search(line)
            if m:
                guest["guest_" + m.group(1)] = float(m.group(2))
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    res = {"exit": time.monotonic() - t0, "rc": p.returncode, "rss_mib": ru.ru_maxrss / 1024.0,
           "cpu_s": ru.ru_utime + ru.ru_stime}
    for key in ("linux", "init_start", "init_done"):
        res[key] = seen.get(key)
    for name, a, b in WORKLOADS:
        res["w_" + name] = seen[b] - seen[a] if a in seen and b in seen else None
    parts = [res["w_" + n] for n in CPU4]
    res["w_cpu4"] = sum(parts) if None not in parts else None
    res.update(guest)
    err.seek(0)
    res["_stderr"] = err.read().decode("utf-8", "replace")
    res["_console"] = console
    res.update(parse_stats(res["_stderr"]))
    return res


def parse_stats(text):
    """Parses the -stats table (bundles/board StatsReport) from our stderr."""
    out, in_table = {}, False
    for line in text.splitlines():
        m = STATS_HEAD.search(line)
        if m:
            out["instructions"] = int(m.group(1).replace(",", ""))
            out["stats_s"] = float(m.group(2))
            in_table = True
            continue
        if in_table:
            if line.startswith("total") or line.startswith("counter"):
                in_table = False
                continue
            m = STATS_ROW.match(line)
            if m:
                out["exit_" + m.group(1)] = int(m.group(2).replace(",", ""))
    return out


def median(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, spec="%.3f"):
    return "-" if v is None else spec % v


# Summary rows: (label, key, unit, target ratio to QEMU or None, absolute limit or None)
ROWS = [
    ("to 'Linux version'", "linux", "s", None, None),
    ("to GUEST-INIT-START", "init_start", "s", None, None),
    ("to GUEST-INIT-DONE", "init_done", "s", 3.0, None),
    ("process exit", "exit", "s", None, None),
    ("gen4MiB (host)", "w_gen4MiB", "s", None, None),
    ("crc32 (host)", "w_crc32", "s", None, None),
    ("sha256 (host)", "w_sha256", "s", None, None),
    ("int64 (host)", "w_int64", "s", None, None),
    ("qsort (host)", "w_qsort", "s", None, None),
    ("fp20k (host)", "w_fp20k", "s", None, None),
    ("crc32+sha256+int64+qsort", "w_cpu4", "s", 4.0, None),
    ("whole workload (host)", "w_workload", "s", None, None),
    ("peak RSS", "rss_mib", "MiB", None, RAM_MIB + 256),
    ("CPU time (user+sys)", "cpu_s", "s", None, None),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="boots per system (default 3)")
    ap.add_argument("--out", default=os.path.join(HERE, "target", "bench"),
                    help="directory for CSV and PNG (default target/bench, git-ignored)")
    ap.add_argument("--images", default=os.environ.get("PPC440VM_GUEST_DIR", os.path.join(HERE, "..", "shared", "guest")))
    ap.add_argument("--no-qemu", action="store_true", help="time only our runtime")
    ap.add_argument("--no-build", action="store_true",
                    help="do not let ./ppc440vm rebuild the runtime first (benchmark the build already there)")
    ap.add_argument("--java-opts", default=None, help="extra JVM options for our runtime (PPC440VM_JAVA_OPTS)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds before a boot is killed")
    ap.add_argument("--quiet", action="store_true", help="no per-run lines")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    kernel, initrd = os.path.join(a.images, "vmlinux"), os.path.join(a.images, "initramfs.cpio.gz")
    for f in (kernel, initrd):
        if not os.path.isfile(f):
            sys.exit("bench: guest image %s not found (use --images DIR or PPC440VM_GUEST_DIR)" % f)
    os.makedirs(a.out, exist_ok=True)

    launcher = os.path.join(HERE, "ppc440vm")
    env = dict(os.environ)
    if a.java_opts is not None:
        env["PPC440VM_JAVA_OPTS"] = a.java_opts
    if a.no_build:
        env["PPC440VM_NO_BUILD"] = "1"
    # Outside the timed runs: builds the runtime when it is missing or stale (unless --no-build), and makes the
    # class-data archive the ./ppc440vm script keeps per build.
    subprocess.run([launcher, "--version"], env=env, stdout=subprocess.DEVNULL, check=True)
    env["PPC440VM_NO_BUILD"] = "1"
    common = ["-M", "bamboo", "-m", str(RAM_MIB), "-nographic", "-no-reboot", "-kernel", kernel, "-initrd", initrd,
              "-append", APPEND]
    systems = {"ppc440vm": [launcher] + common + ["-stats"]}
    qemu = shutil.which("qemu-system-ppc")
    if qemu and not a.no_qemu:
        systems["qemu"] = [qemu] + common
    elif not a.no_qemu:
        print("bench: qemu-system-ppc not installed: timing ppc440vm alone", file=sys.stderr)

    results = {s: [] for s in systems}
    if not a.quiet:
        print("%-9s %3s %8s %8s %8s %8s %8s %8s %4s" % ("system", "run", "linux", "start", "done", "exit", "cpu4",
                                                         "rssMiB", "rc"))
    for i in range(a.runs):
        for s, cmd in systems.items():
            r = run_once(cmd, env, a.timeout)
            results[s].append(r)
            if r.get("init_done") is None:
                with open(os.path.join(a.out, "failed-%s-%d.log" % (s, i + 1)), "w") as f:
                    f.write("\n".join(r["_console"]) + "\n---- stderr ----\n" + r["_stderr"])
            if not a.quiet:
                print("%-9s %3d %8s %8s %8s %8s %8s %8s %4d" % (
                    s, i + 1, fmt(r["linux"]), fmt(r["init_start"]), fmt(r["init_done"]), fmt(r["exit"]),
                    fmt(r["w_cpu4"]), fmt(r["rss_mib"], "%.0f"), r["rc"]))
                sys.stdout.flush()

    # runs.csv: every measurement of every run
    keys = ["system", "run", "rc", "linux", "init_start", "init_done", "exit"] + ["w_" + w[0] for w in WORKLOADS] + \
           ["w_cpu4", "rss_mib", "cpu_s", "instructions", "stats_s"]
    extra = sorted({k for rs in results.values() for r in rs for k in r
                    if (k.startswith("guest_") or k.startswith("exit_")) and k not in keys})
    keys += extra
    with open(os.path.join(a.out, "runs.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(keys)
        for s, rs in results.items():
            for i, r in enumerate(rs):
                r = dict(r, system=s, run=i + 1)
                w.writerow(["" if r.get(k) is None else (round(r[k], 6) if isinstance(r[k], float) else r[k])
                            for k in keys])

    ours, q = results["ppc440vm"], results.get("qemu")
    summary = []
    print()
    print("medians of %d run(s) each; seconds from process start (JVM start included); host clocks" % a.runs)
    print("%-26s %10s %10s %8s %8s %s" % ("metric", "ppc440vm", "qemu", "ratio", "target", "verdict"))
    for label, key, unit, tratio, limit in ROWS:
        o = median([r.get(key) for r in ours])
        qq = median([r.get(key) for r in q]) if q else None
        ratio = o / qq if o is not None and qq else None
        target, verdict = "", ""
        if tratio is not None:
            target = "<=%.0fx" % tratio
            verdict = "-" if ratio is None else ("PASS" if ratio <= tratio else "FAIL")
        if limit is not None:
            target = "<=%d" % limit
            verdict = "-" if o is None else ("PASS" if o <= limit else "FAIL")
        spec = "%.0f" if unit == "MiB" else "%.3f"
        print("%-26s %10s %10s %8s %8s %s" % (label + " " + unit, fmt(o, spec), fmt(qq, spec),
                                              fmt(ratio, "%.2fx"), target, verdict))
        summary.append([label, unit, o, qq, ratio, target, verdict])
    with open(os.path.join(a.out, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["metric", "unit", "ppc440vm", "qemu", "ratio", "target", "verdict"])
        for row in summary:
            w.writerow(["" if v is None else (round(v, 6) if isinstance(v, float) else v) for v in row])

    # exits per second by reason (ours; QEMU has no such counters)
    reasons = sorted({k[5:] for r in ours for k in r if k.startswith("exit_")},
                     key=lambda k: -(median([r.get("exit_" + k) for r in ours]) or 0))
    secs = median([r.get("stats_s") for r in ours])
    instr = median([r.get("instructions") for r in ours])
    exit_rows = []
    if reasons and secs:
        print()
        print("ppc440vm exits by reason (medians; -stats; %.3f s of guest run, %.1f guest MIPS)" % (
            secs, (instr or 0) / secs / 1e6))
        print("%-24s %12s %12s" % ("reason", "count", "per second"))
        total = 0
        for k in reasons:
            n = median([r.get("exit_" + k, 0) for r in ours])
            total += n
            exit_rows.append([k, n, n / secs])
            print("%-24s %12.0f %12.0f" % (k, n, n / secs))
        print("%-24s %12.0f %12.0f" % ("total", total, total / secs))
        exit_rows.append(["total", total, total / secs])
    with open(os.path.join(a.out, "exits.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["reason", "count", "per_second"])
        for row in exit_rows:
            w.writerow([row[0], round(row[1]), round(row[2], 1)])

    chart = os.path.join(a.out, "chart.png")
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else "java"
    try:
        subprocess.run([java, os.path.join(HERE, "tools", "Chart.java"), os.path.join(a.out, "summary.csv"), chart],
                       check=True, stdout=subprocess.DEVNULL)
        print("\nwrote %s, %s, %s and %s" % (os.path.join(a.out, "runs.csv"), os.path.join(a.out, "summary.csv"),
                                             os.path.join(a.out, "exits.csv"), chart))
    except (OSError, subprocess.CalledProcessError) as e:
        print("bench: could not draw %s: %s" % (chart, e), file=sys.stderr)
    failed = [r for rs in results.values() for r in rs if r.get("init_done") is None]
    if failed:
        print("bench: %d run(s) did not reach GUEST-INIT-DONE; console logs in %s/failed-*.log" % (len(failed), a.out),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
