#!/usr/bin/env python
"""Run every benchmark in ONE go and write ``docs/benchmarks.md``.

    .venv/bin/python bench/run.py --scale L      # L and a tenth of it (M), side by side
    .venv/bin/python bench/run.py --scale M      # M and a tenth of it (S)
    .venv/bin/python bench/run.py --scale tiny   # seconds; what CI runs

For each size: generate the data set (``brmgraph.generate``, cached in the work folder),
then, each in its own process (cold start, own peak memory, see ``bench/tasks.py``):
import into a fresh embedded store and into a fresh local Neo4j; the nightly ``flags``
batch on both; the naive baselines (networkx per pair, Cypher ``shortestPath`` per
target); ``path`` p50/p95 warm on both. Neo4j is a local server started by this script
(``brmgraph neo4j start --port P --home DIR``) with its own home per size; ``--neo4j URL``
uses a running server instead (it must be empty), ``--no-neo4j`` skips it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

SIZES: dict[str, dict[str, int]] = {
    "L": dict(customers=5000, persons_per=50, employees=2000, competitors=5, staff_per=200, projects_per=3),
    "M": dict(customers=500, persons_per=50, employees=200, competitors=5, staff_per=20, projects_per=3),
    "S": dict(customers=50, persons_per=50, employees=20, competitors=5, staff_per=2, projects_per=3),
    "tiny": dict(customers=6, persons_per=12, employees=10, competitors=2, staff_per=3, projects_per=3),
}
#: --scale X runs these sizes, side by side
RUNS = {"L": ["M", "L"], "M": ["S", "M"], "tiny": ["tiny"]}
#: Neo4j heap / page cache per size (the launcher's defaults are for laptops and tests)
NEO4J_MEM = {"L": ("10g", 2048), "M": ("1g", 512), "S": ("768m", 256), "tiny": ("512m", 128)}

# (metric key, label, target, direction) -- checked at L only
TARGETS = [
    ("flags_sqlite_s", "batch flags, embedded (s)", 10.0, "max"),
    ("flags_neo4j_s", "batch flags, Neo4j (s)", 30.0, "max"),
    ("speedup_vs_naive_nx", "flags speed-up vs naive networkx (×)", 20.0, "min"),
    ("path_sqlite_p50_ms", "path p50, embedded (ms)", 5.0, "max"),
    ("path_neo4j_p50_ms", "path p50, Neo4j (ms)", 20.0, "max"),
    ("import_sqlite_rps", "import, embedded (records/s)", 50_000, "min"),
    ("import_neo4j_rps", "import, Neo4j (records/s)", 20_000, "min"),
    ("peak_sqlite_mb", "embedded peak memory (MB)", 1536, "max"),
]


def log(msg: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


def _loadavg() -> str | None:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return None


def run_task(task: str, store: str, *, data: Path | None = None, budget: float = 30.0, queries: int = 200,
             profile: bool = False, flags_budget: float = 0.0, timeout: float | None = None) -> dict[str, Any]:
    """Run one task in its own process; a failure or timeout is recorded, not raised."""
    cmd = [PY, str(ROOT / "bench" / "tasks.py"), task, "--store", store, "--budget", str(budget),
           "--queries", str(queries), "--flags-budget", str(flags_budget)]
    if data is not None:
        cmd += ["--data", str(data)]
    if profile:
        cmd.append("--profile")
    t0 = time.perf_counter()
    load0 = _loadavg()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        wall = time.perf_counter() - t0
        log(f"  {task:13s} {store.split('://')[0]:7s} TIMED OUT after {wall:.0f}s")
        return {"task": task, "error": f"did not finish within {timeout:.0f} s", "timed_out_s": wall}
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        log(f"  {task:13s} {store.split('://')[0]:7s} FAILED: {r.stderr.strip().splitlines()[-1:] }")
        return {"task": task, "error": (r.stderr.strip().splitlines() or ["?"])[-1][:500], "process_wall_s": wall}
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out["process_wall_s"] = wall
    out["loadavg_start"] = load0
    log(f"  {task:13s} {store.split('://')[0]:7s} {_short(out)}")
    return out


def _short(d: dict[str, Any]) -> str:
    keys = ("records_per_s", "seconds", "flags", "p50_ms", "p95_ms", "per_pair_ms", "per_target_ms", "maxrss_mb")
    return ", ".join(f"{k}={d[k]:.4g}" if isinstance(d[k], float) else f"{k}={d[k]}" for k in keys if k in d)


def generate_data(size: str, work: Path, seed: str) -> tuple[Path, dict[str, Any]]:
    from brmgraph.generate import generate

    params = SIZES[size]
    tag = "-".join(f"{v}" for v in params.values())
    path = work / f"data-{size}-{tag}-s{seed}.json"
    meta_path = path.with_suffix(".meta.json")
    if path.exists() and meta_path.exists():
        log(f"{size}: using cached {path.name}")
        return path, json.loads(meta_path.read_text())
    log(f"{size}: generating {params}")
    s = generate(path, seed=seed, **params)
    meta = s.as_dict()
    meta_path.write_text(json.dumps(meta))
    return path, meta


# --------------------------------------------------------------------------- neo4j
class LocalNeo4j:
    """A Neo4j server started for one size with ``brmgraph neo4j start``."""

    def __init__(self, home: Path, size: str, heap: str | None = None) -> None:
        self.heap = heap
        self.home = home
        self.size = size
        self.url: str | None = None

    def __enter__(self) -> LocalNeo4j:
        from brmgraph.neo4j_local import free_port

        if self.home.exists():
            shutil.rmtree(self.home)
        self.home.mkdir(parents=True)
        port = free_port()
        heap, pagecache = NEO4J_MEM[self.size]
        heap = self.heap or heap
        env = {**os.environ, "BRM_NEO4J_HEAP": heap, "BRM_NEO4J_PAGECACHE_MB": str(pagecache)}
        log(f"{self.size}: starting Neo4j (heap {heap}, page cache {pagecache} MB) on port {port}")
        r = subprocess.run([PY, "-m", "brmgraph", "neo4j", "start", "--port", str(port), "--home", str(self.home), "--json"],
                           capture_output=True, text=True, env=env, timeout=900)
        if r.returncode != 0:
            raise RuntimeError(f"cannot start Neo4j: {r.stderr.strip()[-2000:]}")
        self.url = json.loads(r.stdout.strip().splitlines()[-1])["url"]
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run([PY, "-m", "brmgraph", "neo4j", "stop", "--home", str(self.home)], capture_output=True, timeout=300)
        shutil.rmtree(self.home, ignore_errors=True)


def neo4j_version() -> str:
    try:
        from brmgraph.neo4j_local import neo4j_version as v

        return v()
    except Exception:  # pragma: no cover
        return "?"


# --------------------------------------------------------------------------- one size
def bench_size(size: str, a: argparse.Namespace, work: Path) -> dict[str, Any]:
    data, meta = generate_data(size, work, a.seed)
    res: dict[str, Any] = {"size": size, "params": SIZES[size], "data": meta}
    db = work / f"bench-{size}.db"
    for f in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        f.unlink(missing_ok=True)
    sq = f"sqlite:///{db}"
    budget = a.budget
    if not a.only_neo4j:
        res["import_sqlite"] = run_task("import", sq, data=data, profile=a.profile)
        res["flags_sqlite"] = run_task("flags", sq, profile=a.profile)
        res["flags_sqlite_workers"] = run_task("flags-par", sq)
        res["path_sqlite"] = run_task("path", sq, queries=a.queries)
        res["naive_nx"] = run_task("naive-nx", sq, budget=budget)
        res["naive_nx_cust"] = run_task("naive-nx-cust", sq, budget=budget)
    if a.neo4j != "skip":
        def neo(url: str) -> None:
            res["neo4j_url"] = url
            res["import_neo4j"] = run_task("import", url, data=data, profile=a.profile, timeout=a.neo4j_import_timeout)
            if "error" in res["import_neo4j"]:
                return
            res["flags_neo4j"] = run_task("flags", url, profile=a.profile, flags_budget=a.neo4j_flags_budget)
            res["path_neo4j"] = run_task("path", url, queries=a.queries)
            res["naive_cypher"] = run_task("naive-cypher", url, budget=budget)

        if a.neo4j == "local":
            with LocalNeo4j(work / f"neo4j-{size}", size, a.neo4j_heap) as server:
                neo(server.url)  # type: ignore[arg-type]
        else:
            neo(a.neo4j)
    if not a.keep:
        for f in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
            f.unlink(missing_ok=True)
    return derive(res)


def derive(r: dict[str, Any]) -> dict[str, Any]:
    m: dict[str, Any] = {}
    g = lambda *ks: _get(r, *ks)  # noqa: E731
    m["records"] = g("import_sqlite", "records")
    m["import_sqlite_rps"] = g("import_sqlite", "records_per_s")
    m["import_neo4j_rps"] = g("import_neo4j", "records_per_s")
    m["flags_sqlite_s"] = g("flags_sqlite", "seconds")
    m["flags_neo4j_s"] = g("flags_neo4j", "seconds")
    m["flags_sqlite_workers_s"] = g("flags_sqlite_workers", "seconds")
    m["import_neo4j_timeout_s"] = g("import_neo4j", "timed_out_s")
    if m["import_neo4j_rps"] is None and m["import_neo4j_timeout_s"] and r.get("data"):
        m["import_neo4j_rps_below"] = r["data"]["records"] / m["import_neo4j_timeout_s"]
    m["naive_nx_s"] = g("naive_nx", "seconds")
    m["naive_nx_cust_s"] = g("naive_nx_cust", "seconds")
    m["naive_cypher_s"] = g("naive_cypher", "seconds")
    m["speedup_vs_naive_nx"] = _ratio(m["naive_nx_s"], m["flags_sqlite_s"])
    m["speedup_vs_naive_nx_cust"] = _ratio(m["naive_nx_cust_s"], m["flags_sqlite_s"])
    m["speedup_neo4j_vs_naive_cypher"] = _ratio(m["naive_cypher_s"], m["flags_neo4j_s"])
    m["path_sqlite_p50_ms"] = g("path_sqlite", "p50_ms")
    m["path_sqlite_p95_ms"] = g("path_sqlite", "p95_ms")
    m["path_neo4j_p50_ms"] = g("path_neo4j", "p50_ms")
    m["path_neo4j_p95_ms"] = g("path_neo4j", "p95_ms")
    peaks = [g(k, "maxrss_mb") for k in ("import_sqlite", "flags_sqlite", "path_sqlite")]
    m["peak_sqlite_mb"] = max((p for p in peaks if p is not None), default=None)
    m["peak_neo4j_client_mb"] = max((p for p in (g(k, "maxrss_mb") for k in ("import_neo4j", "flags_neo4j", "path_neo4j"))
                                     if p is not None), default=None)
    f1, f2, f3 = g("flags_sqlite", "digest"), g("flags_neo4j", "digest"), g("flags_sqlite_workers", "digest")
    m["flags_agree"] = None if f2 is None else f1 == f2
    m["flags_workers_agree"] = None if f3 is None else f1 == f3
    r["metrics"] = m
    return r


def _get(r: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if not isinstance(r, dict) or k not in r:
            return None
        r = r[k]
    return r


def _ratio(a: Any, b: Any) -> float | None:
    return a / b if a and b else None


# --------------------------------------------------------------------------- report
def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return {
        "cpu": cpu, "cores": str(os.cpu_count()), "memory": mem,
        "code": _git_state(),
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "neo4j": neo4j_version(),
    }


def _git_state() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "brmgraph"],
                               capture_output=True, text=True, timeout=10).stdout.split("\n")
        files = sorted(line[3:] for line in dirty if line.strip())
        return head + (f" (uncommitted: {', '.join(files)})" if files else "")
    except (OSError, subprocess.SubprocessError):
        return "?"


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        if v >= 1000:
            return f"{v:,.0f}{unit}"
        if v >= 100:
            return f"{v:.0f}{unit}"
        if v >= 10:
            return f"{v:.1f}{unit}"
        return f"{v:.2f}{unit}"
    if isinstance(v, int):
        return f"{v:,}{unit}"
    return f"{v}{unit}"


def report(results: list[dict[str, Any]], a: argparse.Namespace, started: str, total_s: float,
           mach: dict[str, str] | None = None) -> str:
    mach = mach or machine()
    sizes = [r["size"] for r in results]
    L = results[-1]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `bench/run.py --scale {a.scale}` on {started} (total {total_s / 60:.1f} min). "
        "Re-run with the same command; see `bench/README.md` for what each figure measures.",
        "",
        "## Machine",
        "",
        "| | |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in mach.items()],
        "",
        "The machine was shared with other jobs while this ran; treat differences under ~20 % as noise.",
        "",
        "## Data sets (`brmgraph generate`)",
        "",
        "| | " + " | ".join(sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    def row(label: str, vals: list[Any], unit: str = "") -> str:
        return f"| {label} | " + " | ".join(_fmt(v, unit) for v in vals) + " |"

    for k in ("customers", "persons_per", "employees", "competitors", "staff_per", "projects_per"):
        lines.append(row(k.replace("_", " "), [r["params"][k] for r in results]))
    for k in ("key_persons", "influences", "interactions", "projects"):
        lines.append(row(k.replace("_", " "), [r["data"]["counts"][k] for r in results]))
    lines.append(row("open projects", [r["data"]["open_projects"] for r in results]))
    lines.append(row("arcs (SPEC §4.2)", [r["data"]["arcs"] for r in results]))
    lines.append(row("records", [r["data"]["records"] for r in results]))
    lines += ["", "## Results", "", "| metric | " + " | ".join(sizes) + " |", "|---|" + "---|" * len(sizes)]
    M = [r["metrics"] for r in results]
    spec = [
        ("import, embedded (records/s)", "import_sqlite_rps", ""),
        ("import, Neo4j (records/s)", "import_neo4j_rps", ""),
        ("batch flags, embedded (s)", "flags_sqlite_s", ""),
        ("batch flags, embedded, `--workers 2` (s)", "flags_sqlite_workers_s", ""),
        ("batch flags, Neo4j (s)", "flags_neo4j_s", ""),
        ("naive networkx, whole graph, per (employee, target) pair (s)", "naive_nx_s", ""),
        ("naive networkx, per customer, per (source, target) pair (s)", "naive_nx_cust_s", ""),
        ("naive Cypher shortestPath per target (s)", "naive_cypher_s", ""),
        ("speed-up: flags embedded vs naive networkx (whole graph)", "speedup_vs_naive_nx", "×"),
        ("speed-up: flags embedded vs naive networkx (per customer)", "speedup_vs_naive_nx_cust", "×"),
        ("speed-up: flags Neo4j vs naive Cypher", "speedup_neo4j_vs_naive_cypher", "×"),
        ("path p50 warm, embedded (ms)", "path_sqlite_p50_ms", ""),
        ("path p95 warm, embedded (ms)", "path_sqlite_p95_ms", ""),
        ("path p50 warm, Neo4j (ms)", "path_neo4j_p50_ms", ""),
        ("path p95 warm, Neo4j (ms)", "path_neo4j_p95_ms", ""),
        ("peak memory, embedded (max of import/flags/path processes, MB)", "peak_sqlite_mb", ""),
        ("peak memory, Neo4j client processes (MB; server not included)", "peak_neo4j_client_mb", ""),
        ("same flags from both stores", "flags_agree", ""),
        ("same flags with `--workers 2`", "flags_workers_agree", ""),
    ]
    for label, key, unit in spec:
        lines.append(row(label, [m.get(key) for m in M], unit))
    lines.append(row("flags found", [_get(r, "flags_sqlite", "flags") for r in results]))
    lines += ["", "Ratios between sizes (time at the larger / time at the smaller size):", ""]
    if len(results) == 2:
        small, large = results
        grow = large["data"]["records"] / small["data"]["records"]
        for label, key in (("import embedded", "import_sqlite"), ("import Neo4j", "import_neo4j"),
                           ("flags embedded", "flags_sqlite"), ("flags Neo4j", "flags_neo4j")):
            t1, t2 = _get(small, key, "seconds"), _get(large, key, "seconds")
            if t1 and t2:
                lines.append(f"- {label}: {t2 / t1:.1f}× the time for {grow:.1f}× the records")
    lines += ["", f"## Targets (at {L['size']})", "", "| target | measured | goal | met |", "|---|---|---|---|"]
    for key, label, goal, way in TARGETS:
        v = L["metrics"].get(key)
        met = None if v is None else (v <= goal if way == "max" else v >= goal)
        lines.append(f"| {label} | {_fmt(v)} | {'≤' if way == 'max' else '≥'} {_fmt(float(goal))} | {_fmt(met) if met is not None else 'not measured'} |")
    lines += ["", "## Breakdown", ""]
    for r in results:
        for k, v in r.items():
            if isinstance(v, dict) and v.get("error"):
                lines.append(f"- {r['size']}: **{k} did not complete**: {v['error']}")
        if r["metrics"].get("import_neo4j_rps_below"):
            lines.append(f"- {r['size']}: Neo4j import therefore below {_fmt(r['metrics']['import_neo4j_rps_below'])} records/s")
        for k in ("flags_neo4j", "flags_sqlite"):
            v = r.get(k) or {}
            if v.get("extrapolated"):
                lines.append(f"- {r['size']}: {k} stopped after {v['customers_measured']} of {v['customers']} customers "
                             "and was extrapolated linearly")
        f = r.get("flags_sqlite", {})
        loads = sorted({v.get("loadavg_start") for v in r.values() if isinstance(v, dict) and v.get("loadavg_start")})
        if loads:
            lines.append(f"- {r['size']}: 1-minute load average at task starts: {', '.join(loads)} (2 cores)")
        lines.append(f"- {r['size']}: embedded flags = store reads and graphs from the compact rows {_fmt(f.get('read_s'))} s"
                     f" + analysis {_fmt(f.get('analysis_s'))} s")
        fn = r.get("flags_neo4j")
        if fn:
            lines.append(f"- {r['size']}: Neo4j flags = store reads and graphs from their rows {_fmt(fn.get('read_s'))} s"
                         f" + analysis {_fmt(fn.get('analysis_s'))} s")
        nn = r.get("naive_nx", {})
        lines.append(f"- {r['size']}: naive networkx = setup {_fmt(nn.get('setup_s'))} s + {_fmt(nn.get('pairs'))} pairs × "
                     f"{_fmt(nn.get('per_pair_ms'))} ms (measured {_fmt(nn.get('pairs_measured'))}"
                     f"{', extrapolated' if nn.get('extrapolated') else ''})")
        nc = r.get("naive_cypher")
        if nc:
            lines.append(f"- {r['size']}: naive Cypher = {_fmt(nc.get('targets'))} targets × {_fmt(nc.get('per_target_ms'))} ms "
                         f"(measured {_fmt(nc.get('targets_measured'))}{', extrapolated' if nc.get('extrapolated') else ''})")
    if a.notes and Path(a.notes).exists():
        lines += ["", Path(a.notes).read_text().strip()]
    lines += ["", "<details><summary>raw results (JSON)</summary>", "", "```json",
              json.dumps([{k: v for k, v in r.items()} for r in _strip_profiles(results)], indent=1, default=str),
              "```", "</details>", ""]
    return "\n".join(lines)


def write_section(out: Path, text: str, begin: str, end: str, before: str | None = None) -> None:
    """Put ``text`` (a section from ``begin`` to ``end``) into the file ``out``: in place
    of the section when the file has it, else before the first ``before`` (when given and
    found), else at the end. For the scripts that keep a section of a doc
    (``bench/compare.py``, ``bench/neo4j_scale.py``)."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + text.rstrip("\n") + rest.split(end, 1)[1]
    elif before is not None and before in old:
        new = old.replace(before, "\n" + text + before, 1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    out.write_text(new, encoding="utf-8")


def _write_report(out: Path, text: str) -> None:
    """Write the report, keeping the section ``bench/compare.py`` maintains (issue 14 targets)."""
    begin, end = "<!-- issue14:begin -->", "<!-- issue14:end -->"
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if begin in old and end in old:
        block = begin + old.split(begin, 1)[1].split(end, 1)[0] + end + "\n"
        marker = "\n## Results"
        text = text.replace(marker, "\n" + block + marker, 1) if marker in text else text + "\n" + block
    out.write_text(text, encoding="utf-8")


def _strip_profiles(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in results:
        out.append({k: ({kk: vv for kk, vv in v.items() if kk != "profile"} if isinstance(v, dict) else v)
                    for k, v in r.items()})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", choices=sorted(RUNS), default="tiny")
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"), help="Markdown report (default docs/benchmarks.md)")
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "brmgraph-bench"),
                    help="folder for data sets (cached), stores and Neo4j homes")
    ap.add_argument("--neo4j", default="local", help="'local' (start one per size), 'skip', or the URL of an EMPTY server")
    ap.add_argument("--no-neo4j", dest="neo4j", action="store_const", const="skip")
    ap.add_argument("--seed", default="42")
    ap.add_argument("--budget", type=float, default=30.0, help="seconds per sampled baseline")
    ap.add_argument("--queries", type=int, default=200, help="path queries per store")
    ap.add_argument("--profile", action="store_true", help="cProfile import and flags; summaries go to the JSON")
    ap.add_argument("--keep", action="store_true", help="keep the embedded stores")
    ap.add_argument("--neo4j-import-timeout", type=float, default=1800.0, help="seconds before the Neo4j import is abandoned")
    ap.add_argument("--neo4j-flags-budget", type=float, default=0.0,
                    help="seconds after which the Neo4j flags batch stops and is extrapolated (0: run it all)")
    ap.add_argument("--notes", help="a Markdown file appended to the report (analysis of the run)")
    ap.add_argument("--only-neo4j", action="store_true", help="measure the Neo4j figures only")
    ap.add_argument("--neo4j-heap", help="heap of the local Neo4j server (default per size, e.g. 3g at L)")
    ap.add_argument("--sizes", help="comma-separated sizes to run instead of those of --scale (e.g. M,L)")
    ap.add_argument("--from-json", nargs="+",
                    help="re-render the report from raw results written by --json (several files: their sizes merged, "
                         "the later file wins), no measuring")
    ap.add_argument("--started", help=argparse.SUPPRESS)
    ap.add_argument("--total-s", type=float, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.from_json:
        by_size: dict[str, dict[str, Any]] = {}
        starts, total = [], 0.0
        for f in a.from_json:
            raw = json.loads(Path(f).read_text(encoding="utf-8"))
            if isinstance(raw, list):  # older format: the results only
                raw = {"results": raw, "started": a.started or "?", "total_s": a.total_s or 0.0}
            for r in raw["results"]:
                by_size.setdefault(r["size"], {}).update({k: v for k, v in r.items() if k != "metrics"})
            starts.append(raw["started"])
            total += raw["total_s"]
            a.scale = raw.get("scale", a.scale)
        order = list(SIZES)[::-1]  # tiny, S, M, L
        results = sorted(by_size.values(), key=lambda r: order.index(r["size"]))
        started = " and ".join(dict.fromkeys(starts))
        _write_report(Path(a.out), report([derive(r) for r in results], a, started, total, raw.get("machine")))
        log(f"wrote {a.out} from {a.from_json}")
        return 0
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    t0 = time.perf_counter()
    results = []
    for size in (a.sizes.split(",") if a.sizes else RUNS[a.scale]):
        log(f"=== size {size}")
        results.append(bench_size(size, a, work))
    total = time.perf_counter() - t0
    mach = machine()
    text = report(results, a, started, total, mach)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    _write_report(Path(a.out), text)
    if a.json:
        Path(a.json).write_text(json.dumps({"scale": a.scale, "started": started, "total_s": total, "machine": mach,
                                            "results": results},
                                           indent=1, default=str), encoding="utf-8")
    log(f"wrote {a.out} in {total:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
