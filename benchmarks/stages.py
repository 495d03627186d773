"""Where `targetbook consolidate` spends its time, stage by stage, on the benchmark's returns.

    python3 benchmarks/bench_consolidate.py -n 1000 --skip-naive   # generates the returns
    python3 benchmarks/stages.py -n 1000 [--profile write|read|consolidate|registry]

Runs the CLI's steps in this process (imports, registry, read_returns, consolidate,
write_consolidation) one after the other, with the cyclic GC off as the CLI runs them, and
prints wall and CPU seconds per stage (the CLI itself loads the registry and imports while
its workers read, and validates each chunk of returns as they arrive: here `consolidate`
shows that work after `read`); `--profile STAGE` adds the top functions of that stage by own time
(cProfile; read_returns' workers are not profiled: use `--profile read` with `--workers 0`,
which reads in this process).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / "_work"


def _rss_mb() -> float:
    """Resident memory of this process now (Linux), MB."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError):
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    """Time each stage once; optionally profile one."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--profile", choices=["registry", "read", "consolidate", "write"])
    ap.add_argument("--workers", type=int, default=None, help="0: read in this process")
    args = ap.parse_args()
    folder = WORK / f"n{args.n}"
    if not (folder / "done.json").exists():
        raise SystemExit(f"run bench_consolidate.py -n {args.n} first")
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    profiles: dict[str, str] = {}
    rss: dict[str, float] = {}  # this process's resident MB after each stage
    if not os.environ.get("GC"):
        gc.disable()  # as `targetbook validate/consolidate` do (GC=1 keeps it on)

    def stage(name, fn, *a, **kw):
        prof = cProfile.Profile() if args.profile == name else None
        start, start_cpu = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        result = fn(*a, **kw)
        cpu[name] = time.process_time() - start_cpu
        if prof:
            prof.disable()
            out = io.StringIO()
            stats = pstats.Stats(prof, stream=out).sort_stats(os.environ.get("SORT", "tottime"))
            stats.print_stats(os.environ.get("FILT", ""), 30)  # FILT=targetbook: ours only
            profiles[name] = out.getvalue()
        times[name] = time.perf_counter() - start
        rss[name] = _rss_mb()
        return result

    start, start_cpu = time.perf_counter(), time.process_time()
    from targetbook.consolidate import consolidate
    from targetbook.read import find_returns, read_return, read_returns
    from targetbook.write.consolidation import write_consolidation
    from targetbook.write.registry import load_registry

    times["imports"] = time.perf_counter() - start
    cpu["imports"] = time.process_time() - start_cpu
    registry, _ = stage("registry", load_registry, folder / "registry.xlsx")
    returns = [folder / "returns"]
    if args.workers == 0:
        sources = stage("read", lambda: [read_return(p, d) for p, d in find_returns(returns)])
    else:
        sources = stage("read", read_returns, returns, workers=args.workers)
    cons = stage("consolidate", consolidate, sources, registry)
    stage("write", write_consolidation, cons, folder / "stages.xlsx", year=cons.year)
    total = sum(times.values())
    for name, seconds in times.items():
        mine = f"CPU {cpu[name]:5.2f} s" + (" (+ workers)" if name == "read" else "")
        if name in rss:
            mine += f"  RSS after {rss[name]:5.0f} MB"
        print(f"{name:12} {seconds:6.2f} s  {seconds / total:5.1%}  {mine}")
    print(f"{'total':12} {total:6.2f} s  ({cons.rows} rows, {len(cons.issues)} issues)")
    for text in profiles.values():
        print(text)


if __name__ == "__main__":
    main()
