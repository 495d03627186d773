"""Benchmark: `targetbook consolidate` against the naive pandas script and the calamine floor.

    python3 benchmarks/bench_consolidate.py            # N=1000 returns
    python3 benchmarks/bench_consolidate.py -n 200     # a quicker look
    python3 benchmarks/bench_consolidate.py --repeat 3 # fastest of 3 runs each (busy machine)
    python3 benchmarks/bench_consolidate.py -n 100 -n 1000 -n 5000 -n 10000 --skip-naive
                                                       # the scaling table, side by side
    python3 benchmarks/bench_consolidate.py -n 1000 --baseline ../main  # before/after

Generates N returns (XlsxWriter, shared strings, like Excel saves them), each with a
目标计划 sheet and a 指标进度 sheet of 20 rows, into benchmarks/_work/ (reused when
present), then times IN ONE RUN, each as a child process (interpreter start and imports
count, as they do for a user):

- targetbook:  `python -m targetbook consolidate DIR --registry R --out X --json`
- (a) naive:   pandas.read_excel(engine="openpyxl") per file + concat + to_excel
- (b) floor:   a bare python-calamine loop into one pandas frame per sheet

CPU seconds (user + system of the child and of all its descendants: this script makes
itself their subreaper, so even one its parent did not wait for is counted) are shown
beside wall time: on a busy machine they move less. Peak memory is the largest sum of RSS over the
child's process tree (sampled every 50 ms, so reader workers count), and ru_maxrss of the
largest single process (wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import xlsxwriter

from targetbook import labels
from targetbook.demo.seed import UNITS

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
ROWS = 20
DATA_VERSION = 2  # bump when the generated returns change: old ones are regenerated
TARGET = {"vs_a": 10.0, "vs_b": 3.0, "peak_mb": 500.0}  # issue 2's target at N=1000
# issue 15's targets: N=5000 within 2.5× the floor and 400 MB, N=10000 under 700 MB
TARGET_SCALE = {"ratio_5000": 2.5, "peak_5000": 400.0, "peak_10000": 700.0}

NAIVE = """
import sys
from pathlib import Path
import pandas as pd
files = sorted(Path(sys.argv[1]).glob("*.xlsx"))
plans, progress = [], []
for f in files:
    sheets = pd.read_excel(f, sheet_name=None, engine="openpyxl", header=1)
    plans.append(sheets["目标计划"])
    progress.append(sheets["指标进度"])
with pd.ExcelWriter(sys.argv[2]) as xw:
    pd.concat(plans).to_excel(xw, sheet_name="目标计划", index=False)
    pd.concat(progress).to_excel(xw, sheet_name="指标进度", index=False)
"""

FLOOR = """
import sys
from pathlib import Path
import pandas as pd
from python_calamine import CalamineWorkbook
rows = {}
for f in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        rows.setdefault(name, []).extend(wb.get_sheet_by_name(name).to_python()[2:])
frames = {name: pd.DataFrame(r) for name, r in rows.items()}
"""

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# (指标, 计量单位, how a figure is typed): every row gets its own figures, typed as units
# type them (万元/亿 suffixes, %, full-width digits).
INDICATORS = [
    ("税收收入", "万元", lambda x: f"{x:.2f}万元"),
    ("规上工业产值", "亿元", lambda x: f"{x / 1000:.2f}亿"),
    ("居民医保参保率", "%", lambda x: f"{x / 50:.1f}%"),
    ("新增市场主体", "户", lambda x: str(int(x) % 90 + 10).translate(_FULL_WIDTH)),
    ("村集体经济收入", "万元", lambda x: f"{x / 40:.1f}万元"),
]
# Plan texts are drawn item by item from seed 000's plans, so nearly every row differs.
PLAN_ITEMS = [
    item
    for *_, plan in UNITS
    for part in re.split(r"[。；\n]", plan)
    if (item := re.sub(r"^\s*\d+[.、．]\s*", "", part).strip())
]
TEXTS = ["按序时推进", "已完成年度目标的一半", "受天气影响略有滞后", "正在组织验收", "无"]


def progress_row(rnd: random.Random, name: str) -> list[str]:
    """One 指标进度 row with its own figures."""
    indicator, measure, typed = rnd.choice(INDICATORS)
    goal = rnd.uniform(100, 5000)
    actual = goal * rnd.uniform(0.3, 1.2)
    rate = f"{actual / goal * 100:.2f}%"
    return [name, indicator, measure, typed(goal), typed(actual), rate,
            rnd.choice(TEXTS), rnd.choice(TEXTS), "加快进度", labels.EXAMPLE_DATA]  # fmt: skip


def plan_texts(rnd: random.Random) -> tuple[str, str]:
    """(创先争优目标, 亮点工作计划): a seed target, and 2–4 numbered plan items."""
    target = rnd.choice([t for _, _, t, _ in UNITS if t])
    items = rnd.sample(PLAN_ITEMS, rnd.randint(2, 4))
    return target, "\n".join(f"{i}. {item}。" for i, item in enumerate(items, 1))


def unit_name(f: int, k: int) -> tuple[str, str]:
    """(name, category) of the k-th unit of return f: 20 distinct units per return."""
    category = labels.CATEGORIES[k % 3]
    suffix = {labels.DEPARTMENT: "办", labels.VILLAGE: "村", labels.COMMUNITY: "社区"}[category]
    return f"样本{f:04d}{k:02d}{suffix}", category


def generate(folder: Path, n: int) -> Path:
    """Write n returns and the registry of their 20·n units; reuse them when already there."""
    stamp = folder / "done.json"
    if stamp.exists() and json.loads(stamp.read_text()) == {"n": n, "data": DATA_VERSION}:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    returns = folder / "returns"
    returns.mkdir(parents=True)
    rnd = random.Random(20220628)
    reg = xlsxwriter.Workbook(str(folder / "registry.xlsx"))
    rs = reg.add_worksheet(labels.SHEET_REGISTRY)
    rs.write_row(0, 0, labels.REGISTRY_COLUMNS)
    for f in range(n):
        wb = xlsxwriter.Workbook(str(returns / f"return_{f:04d}.xlsx"))
        plan = wb.add_worksheet("目标计划")
        plan.write_string(0, 0, labels.annex_title(labels.VILLAGE, 2022))
        plan.write_row(1, 0, labels.KIND_COLUMNS[labels.PLAN_KIND])
        progress = wb.add_worksheet("指标进度")
        progress.write_string(0, 0, f"{labels.SHEET_PROGRESS}（{labels.EXAMPLE_DATA}）")
        progress.write_row(1, 0, labels.KIND_COLUMNS[labels.PROGRESS_KIND])
        for k in range(ROWS):
            name, category = unit_name(f, k)
            rs.write_row(f * ROWS + k + 1, 0, (name, category, "", ""))
            target, text = plan_texts(rnd)
            plan.write_number(k + 2, 0, k + 1)
            for col, value in enumerate((name, target, text), start=1):
                plan.write_string(k + 2, col, value)
            for col, value in enumerate(progress_row(rnd, name)):
                progress.write_string(k + 2, col, value)
        wb.close()
    reg.close()
    stamp.write_text(json.dumps({"n": n, "data": DATA_VERSION}))
    return folder


def _children(pid: int) -> list[int]:
    """Child pids from /proc/PID/task/*/children (cheap: no scan of every process)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out += [int(c) for c in task.read_text().split()]
        except OSError:
            pass
    return out


def _tree_rss(root: int) -> int:
    """Sum of RSS (bytes) of `root` and its descendants, from /proc."""
    total, stack, page = 0, [root], os.sysconf("SC_PAGE_SIZE")
    while stack:
        pid = stack.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except (OSError, IndexError):
            continue
        stack.extend(_children(pid))
    return total


def _become_subreaper() -> None:
    """Orphaned descendants of a contender become our children (Linux), so their CPU time
    can be collected with wait4 instead of going to init."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap_orphans(deadline: float = 10.0) -> float:
    """Wait for descendants left behind by the last contender; their CPU seconds."""
    cpu, until = 0.0, time.monotonic() + deadline
    while time.monotonic() < until:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            cpu += usage.ru_utime + usage.ru_stime
        else:
            time.sleep(0.01)
    return cpu


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> dict:
    """Run cmd; wall seconds, peak tree RSS and largest single-process ru_maxrss (MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd
    )
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    cpu += _reap_orphans()  # descendants the child did not wait for
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    if proc.returncode not in (0, 1):  # consolidate exits 1 when the data has errors
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}):\n{err[-2000:]}")
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": peak / 2**20,
        "maxrss_mb": usage.ru_maxrss / 1024,
    }


BASELINE = "baseline consolidate"


def contenders(folder: Path, naive: bool, baseline: bool = False) -> dict[str, list[str]]:
    """The command line of each contender on the returns in `folder`."""
    returns = folder / "returns"
    py = sys.executable
    runs = {
        "targetbook consolidate": [
            py,
            "-m",
            "targetbook",
            "consolidate",
            str(returns),
            "--registry",
            str(folder / "registry.xlsx"),
            "--out",
            str(folder / "汇总.xlsx"),
            "--json",
        ],
        "(b) calamine floor": [py, "-c", FLOOR, str(returns)],
    }
    if baseline:
        runs[BASELINE] = runs["targetbook consolidate"]
    if naive:
        runs["(a) naive pandas+openpyxl"] = [py, "-c", NAIVE, str(returns), str(folder / "a.xlsx")]
    return runs


def warm(folder: Path) -> None:
    """Read every return once, so that no contender pays for the disk."""
    for f in (folder / "returns").iterdir():
        f.read_bytes()


def print_one(n: int, results: dict) -> None:
    """The table of one N: every contender against (a) and (b)."""
    a = results.get("(a) naive pandas+openpyxl", {}).get("seconds")
    b = results["(b) calamine floor"]["seconds"]
    print(
        f"N={n} returns × 2 sheets × {ROWS} rows ({2 * ROWS * n} rows), "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    print(
        f"{'approach':28} {'seconds':>8} {'(a)/t':>7} {'t/(b)':>7} {'CPU s':>7} "
        f"{'peak MB':>8} {'maxrss':>7}"
    )
    for name, r in results.items():
        vs_a = f"{a / r['seconds']:.1f}×" if a else "-"
        print(
            f"{name:28} {r['seconds']:8.2f} {vs_a:>7} {r['seconds'] / b:6.2f}× "
            f"{r['cpu_seconds']:7.2f} {r['peak_mb']:8.0f} {r['maxrss_mb']:7.0f}"
        )


def _verdicts(checks: dict[str, bool]) -> str:
    return "; ".join(f"{k} {'OK' if ok else 'MISSED'}" for k, ok in checks.items())


def print_scaling(by_n: dict[int, dict]) -> None:
    """One line per N: targetbook against the floor (issue 15's table), and its targets."""
    print(
        f"{'N':>6} {'rows':>7} {'targetbook s':>12} {'floor s':>8} {'ratio':>6} "
        f"{'CPU s':>6} {'peak MB':>8} {'floor MB':>8}"
    )
    ratio = {}
    for n, results in by_n.items():
        t, b = results["targetbook consolidate"], results["(b) calamine floor"]
        ratio[n] = t["seconds"] / b["seconds"]
        line = (
            f"{n:6d} {2 * ROWS * n:7d} {t['seconds']:12.2f} {b['seconds']:8.2f} "
            f"{ratio[n]:5.2f}× {t['cpu_seconds']:6.2f} {t['peak_mb']:8.0f} {b['peak_mb']:8.0f}"
        )
        if BASELINE in results:
            base = results[BASELINE]
            line += f"   baseline {base['seconds'] / b['seconds']:.2f}× {base['peak_mb']:.0f} MB"
        print(line)
    checks = {}
    if 5000 in by_n:
        peak = by_n[5000]["targetbook consolidate"]["peak_mb"]
        checks["N=5000 ≤2.5× floor"] = ratio[5000] <= TARGET_SCALE["ratio_5000"]
        checks["N=5000 peak ≤400 MB"] = peak <= TARGET_SCALE["peak_5000"]
    if 10000 in by_n:
        peak = by_n[10000]["targetbook consolidate"]["peak_mb"]
        if 5000 in by_n:
            checks["N=10000 ratio ≤ N=5000's"] = ratio[10000] <= ratio[5000]
        checks["N=10000 peak <700 MB"] = peak < TARGET_SCALE["peak_10000"]
    if checks:
        print(
            "issue 15: " + "; ".join(f"{k} {'OK' if ok else 'MISSED'}" for k, ok in checks.items())
        )


def main() -> None:
    """Generate, time the contenders at each N side by side, print the tables and targets."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "-n", type=int, action="append", help="number of returns (repeatable; default 1000)"
    )
    ap.add_argument("--skip-naive", action="store_true", help="skip (a), the slow one")
    ap.add_argument("--repeat", type=int, default=1, help="runs per contender; the fastest counts")
    ap.add_argument(
        "--baseline",
        metavar="DIR",
        help="also run the targetbook found in DIR (e.g. another checkout), side by side",
    )
    args = ap.parse_args()
    base_env = None
    if args.baseline:
        base_env = {**os.environ, "PYTHONPATH": str(Path(args.baseline).resolve())}
    sizes = sorted(set(args.n or [1000]))
    _become_subreaper()
    folders = {n: generate(WORK / f"n{n}", n) for n in sizes}
    load_before = os.getloadavg()
    tries: dict[int, dict[str, list[dict]]] = {n: {} for n in sizes}
    # Side by side: each round runs every contender at every N, so a busy spell of the
    # machine hits them alike; the fastest of the rounds counts (other load only adds time).
    for _ in range(args.repeat):
        for n in sizes:
            warm(folders[n])
            runs = contenders(folders[n], not args.skip_naive, base_env is not None)
            for name, cmd in runs.items():
                # `python -m` puts the working directory first on sys.path: the baseline
                # runs in its own checkout, or it would import this one.
                env, cwd = (base_env, args.baseline) if name == BASELINE else (None, None)
                try:
                    tries[n].setdefault(name, []).append(measure(cmd, env, cwd))
                except SystemExit as exc:
                    if name != BASELINE:
                        raise
                    print(f"baseline failed at N={n}: {exc}", file=sys.stderr)
    by_n = {
        n: {name: min(runs, key=lambda r: r["seconds"]) for name, runs in tries[n].items() if runs}
        for n in sizes
    }
    load_after = os.getloadavg()
    for n in sizes:
        print_one(n, by_n[n])
        tb, b = by_n[n]["targetbook consolidate"], by_n[n]["(b) calamine floor"]
        a = by_n[n].get("(a) naive pandas+openpyxl", {}).get("seconds")
        if n == 1000:
            checks = {
                f"≥{TARGET['vs_a']:.0f}× faster than (a)": a is None
                or a / tb["seconds"] >= TARGET["vs_a"],
                f"≤{TARGET['vs_b']:.0f}× (b)": tb["seconds"] / b["seconds"] <= TARGET["vs_b"],
                f"peak < {TARGET['peak_mb']:.0f} MB": tb["peak_mb"] < TARGET["peak_mb"],
            }
            print(
                "issue 2: "
                + "; ".join(f"{k} {'OK' if ok else 'MISSED'}" for k, ok in checks.items())
            )
        print()
        (WORK / f"results_n{n}.json").write_text(json.dumps(by_n[n], indent=1))
    if len(sizes) > 1:
        print_scaling(by_n)
    print(
        "load average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )


if __name__ == "__main__":
    main()
