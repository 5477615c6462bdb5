#!/usr/bin/env python
"""Issue 14 side by side: ``brmgraph`` against the competent script, as whole processes.

    .venv/bin/python bench/compare.py                 # 1,000 customers and CLI start (~1 min)
    .venv/bin/python bench/compare.py --large         # and flags / import at L, embedded, and
                                                      # flags after a re-import changing 1% of L
    .venv/bin/python bench/compare.py --neo4j         # and flags on a local Neo4j (1,000 customers)
    .venv/bin/python bench/compare.py --xl            # and import / flags at XL, embedded (~10 M records)
    .venv/bin/python bench/compare.py --neo4j-large   # and import / flags at L on a local Neo4j
                                                      # (--repeats 6: the median of 3 imports,
                                                      # each into a freshly started server)

What runs, each as its own process, started cold, as a user or a scheduler would start it:

* the data set: ``brmgraph generate`` with 1,000 customers × 40 key persons (400
  employees, 5 competitors × 40 staff, 3 projects each, seed 42), cached in ``--work``;
* ``brmgraph import`` into a fresh embedded store;
* ``python bench/competent.py DATA`` and ``brmgraph flags --recompute --store URL`` (and
  ``flags --workers 2 --recompute``: full runs, as right after an import, not served from
  the flag cache), interleaved, ``--repeats`` times each; the median wall time
  counts, and both outputs must be byte for byte the same;
* CLI start: ``brmgraph --version`` and ``brmgraph path --to P`` on a small store
  (the ``tiny`` size of ``bench/run.py``), ``--repeats`` × 3 times each, median; and
  ``python -c pass`` as the floor no command can go below.

The results replace the section between the ``issue14`` markers of ``docs/benchmarks.md``
(``bench/run.py`` keeps that section when it rewrites the file): one row per target of
issue 14, "not measured" where this run did not measure it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import run as benchrun  # bench/run.py: sizes, data cache, local Neo4j, machine  # noqa: E402 - after the sys.path line above

PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
BEGIN, END = "<!-- issue14:begin -->", "<!-- issue14:end -->"
K1000 = {"customers": 1000, "persons_per": 40, "employees": 400, "competitors": 5, "staff_per": 40, "projects_per": 3}
#: XL: ten times L (50,000 customers × 50 key persons, ~10 M records, ~9.5 M arcs)
XL = {"customers": 50000, "persons_per": 50, "employees": 20000, "competitors": 5, "staff_per": 2000, "projects_per": 3}


def log(msg: str) -> None:
    benchrun.log(msg)


#: CPU seconds (user + system) of the last process :func:`timed` ran: on a shared machine
#: it varies much less than the wall time
LAST_CPU = [0.0]


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed(cmd: list[str], *, timeout: float = 1800) -> tuple[float, str]:
    """Wall time of one whole process and its stdout (a failure stops the benchmark)."""
    c0 = _children_cpu()
    t0 = time.perf_counter()
    r = subprocess.run(cmd, check=False, capture_output=True, text=True, env=ENV, timeout=timeout, cwd=ROOT)
    wall = time.perf_counter() - t0
    LAST_CPU[0] = _children_cpu() - c0
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed: {r.stderr.strip()[-1500:]}")
    return wall, r.stdout


def brm(*args: str) -> list[str]:
    return [PY, "-m", "brmgraph", *args]


def fresh_db(path: Path) -> str:
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        f.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def data_set(work: Path, name: str, params: dict[str, int], seed: str = "42") -> tuple[Path, dict[str, Any]]:
    from brmgraph.generate import generate

    tag = "-".join(str(v) for v in params.values())
    path = work / f"data-{name}-{tag}-s{seed}.json"
    meta = path.with_suffix(".meta.json")
    if path.exists() and meta.exists():
        return path, json.loads(meta.read_text())
    log(f"generating {name}: {params}")
    s = generate(path, seed=seed, **params)
    meta.write_text(json.dumps(s.as_dict()))
    return path, s.as_dict()


def side_by_side(data: Path, url: str, repeats: int, workers: bool = True) -> dict[str, Any]:
    """competent script vs ``brmgraph flags`` on ``url``, interleaved; medians."""
    comp: list[float] = []
    ours: list[float] = []
    par: list[float] = []
    comp_cpu: list[float] = []
    ours_cpu: list[float] = []
    same = True
    for i in range(repeats):
        t, out_c = timed([PY, str(ROOT / "bench" / "competent.py"), str(data)])
        comp.append(t)
        comp_cpu.append(LAST_CPU[0])
        t, out_b = timed(brm("flags", "--recompute", "--store", url))  # a full run, as right after import
        ours.append(t)
        ours_cpu.append(LAST_CPU[0])
        same = same and out_c == out_b
        if workers:
            t, out_p = timed(brm("flags", "--workers", "2", "--recompute", "--store", url))
            par.append(t)
            same = same and out_p == out_b
        log(f"  round {i + 1}: competent {comp[-1]:.2f}s, flags {ours[-1]:.2f}s"
            + (f", flags --workers 2 {par[-1]:.2f}s" if workers else ""))
    res = {
        "competent_s": statistics.median(comp), "flags_s": statistics.median(ours),
        "competent_all": comp, "flags_all": ours, "flags": len(out_b.splitlines()), "same_output": same,
        "competent_cpu_s": statistics.median(comp_cpu), "flags_cpu_s": statistics.median(ours_cpu),
    }
    res["ratio"] = res["competent_s"] / res["flags_s"]
    if workers:
        res["flags_workers2_s"] = statistics.median(par)
        res["flags_workers2_all"] = par
        res["ratio_workers2"] = res["competent_s"] / res["flags_workers2_s"]
    return res


def cli_start(work: Path, repeats: int) -> dict[str, Any]:
    data, _ = data_set(work, "tiny", benchrun.SIZES["tiny"])
    url = fresh_db(work / "cli-start.db")
    timed(brm("import", str(data), "--store", url))
    person = json.loads(data.read_text(encoding="utf-8"))["key_persons"][0]["id"]
    runs = {"python": [PY, "-c", "pass"], "version": brm("--version"), "path": brm("path", "--to", person, "--store", url),
            "help": brm("--help")}
    times: dict[str, list[float]] = {k: [] for k in runs}
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(repeats * 3):
        for k, cmd in runs.items():
            times[k].append(timed(cmd)[0])
            cpu[k].append(LAST_CPU[0])
    return (
        {f"{k}_ms": 1000 * statistics.median(v) for k, v in times.items()}
        | {f"{k}_min_ms": 1000 * min(v) for k, v in times.items()}
        | {f"{k}_cpu_ms": 1000 * statistics.median(v) for k, v in cpu.items()}
    )


def large(work: Path, repeats: int) -> dict[str, Any]:
    data, meta = data_set(work, "L", benchrun.SIZES["L"])
    url = fresh_db(work / "compare-L.db")
    import_wall, out = timed([PY, str(ROOT / "bench" / "tasks.py"), "import", "--store", url, "--data", str(data)])
    import_cpu = LAST_CPU[0]
    imp = json.loads(out.strip().splitlines()[-1])
    log(f"  L import: {imp['records_per_s']:,.0f} records/s")
    flags = [timed(brm("flags", "--recompute", "--store", url))[0] for _ in range(repeats)]  # full runs
    log(f"  L flags: {', '.join(f'{x:.2f}' for x in flags)} s")
    return {"records": meta["records"], "import_rps": imp["records_per_s"], "import_maxrss_mb": imp["maxrss_mb"],
            "flags_s": statistics.median(flags), "flags_all": flags,
            # the whole import process, start to exit: wall and CPU seconds
            "import_process_s": import_wall, "import_cpu_s": import_cpu}


def measured(cmd: list[str], *, timeout: float = 7200) -> dict[str, Any]:
    """One whole process: wall and CPU seconds, and its own peak memory (``wait4`` gives
    the resource use of that child alone); its stdout is kept in a file, not a pipe."""
    import tempfile

    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=ENV, cwd=ROOT)
        try:
            _, status, ru = os.wait4(p.pid, 0)
        except BaseException:
            p.kill()
            raise
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:4])}... failed: {err.strip()[-1500:]}")
        out.seek(0)
        text = out.read().decode("utf-8")
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_mb": ru.ru_maxrss / 1024, "stdout": text}


def xl(work: Path) -> dict[str, Any]:
    """XL, embedded: ``brmgraph import`` of the XL file into a fresh store, then
    ``brmgraph flags`` on it; each a whole process with its wall and CPU time and peak
    memory. The file is above the default input limit, hence ``--max-bytes``."""
    data, meta = data_set(work, "XL", XL)
    db = work / "compare-XL.db"
    url = fresh_db(db)
    log(f"XL: {meta['records']:,} records, {data.stat().st_size / 2**20:,.0f} MB; importing")
    imp = measured(brm("import", str(data), "--store", url, "--max-bytes", "8G"))
    log(f"  XL import: {imp['wall_s']:.1f} s wall, {imp['cpu_s']:.1f} s CPU, peak {imp['maxrss_mb']:,.0f} MB")
    fl = measured(brm("flags", "--store", url))
    log(f"  XL flags: {fl['wall_s']:.1f} s wall, {fl['cpu_s']:.1f} s CPU, peak {fl['maxrss_mb']:,.0f} MB")
    return {
        "params": XL, "records": meta["records"], "arcs": meta["arcs"], "counts": meta["counts"],
        "file_mb": data.stat().st_size / 2**20, "store_mb": db.stat().st_size / 2**20,
        "import_s": imp["wall_s"], "import_cpu_s": imp["cpu_s"], "import_maxrss_mb": imp["maxrss_mb"],
        "import_rps": meta["records"] / imp["wall_s"],
        "flags_s": fl["wall_s"], "flags_cpu_s": fl["cpu_s"], "flags_maxrss_mb": fl["maxrss_mb"],
        "flags": len(fl["stdout"].splitlines()),
    }


def one_percent(data: Path, work: Path, share: float = 0.01, seed: int = 14) -> Path:
    """The L file with ``share`` of its customers changed: in each of them, one key
    person's closeness moves one step and one of our influences into it is added (or, when
    there is none to add, its strength changes). Cached in ``work``."""
    import random

    out = work / f"{data.stem}-changed-{int(share * 100)}pct-s{seed}.json"
    if out.exists():
        return out
    doc = json.loads(data.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    customers = sorted(c["id"] for c in doc["customers"])
    chosen = set(rng.sample(customers, max(1, round(len(customers) * share))))
    persons: dict[str, list[dict[str, Any]]] = {}
    for p in doc["key_persons"]:
        if p["customer"] in chosen:
            persons.setdefault(p["customer"], []).append(p)
    steps = ["strong_support", "support", "neutral", "oppose", "strong_oppose"]
    have = {(i["source"], i["target"]) for i in doc["influences"]}
    employees = [e["id"] for e in doc["employees"]]
    for cid in sorted(chosen):
        p = rng.choice(persons[cid])
        now = steps.index(p["closeness"]) if p["closeness"] in steps else 2
        p["closeness"] = steps[now + 1] if now + 1 < len(steps) else steps[now - 1]
        target = rng.choice(persons[cid])["id"]
        source = rng.choice(employees)
        if (source, target) not in have:
            doc["influences"].append({"source": source, "target": target, "strength": "strong"})
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


def incremental(work: Path, repeats: int) -> dict[str, Any]:
    """The nightly run after a re-import changing 1% of customers, at L: warm the cache
    with one ``flags``, re-import the whole L file with 50 customers changed (upsert),
    time ``flags`` (whole process; it computes only the changed customers), and check
    that its output equals ``flags --recompute``. Each round re-imports the other file
    (changed, then the original again: the same 50 customers change back)."""
    data, meta = data_set(work, "L", benchrun.SIZES["L"])
    changed = one_percent(data, work)
    url = fresh_db(work / "compare-L-incremental.db")
    t_imp, _ = timed(brm("import", str(data), "--store", url))
    warm, _ = timed(brm("flags", "--store", url))
    log(f"  L incremental: import {t_imp:.1f} s, first flags {warm:.2f} s")
    inc: list[float] = []
    inc_cpu: list[float] = []
    full: list[float] = []
    full_cpu: list[float] = []
    reimport: list[float] = []
    reimport_cpu: list[float] = []
    same = True
    for i in range(repeats):
        t, _ = timed(brm("import", str(changed if i % 2 == 0 else data), "--store", url))
        reimport.append(t)
        reimport_cpu.append(LAST_CPU[0])
        t, out_inc = timed(brm("flags", "--store", url))
        inc.append(t)
        inc_cpu.append(LAST_CPU[0])
        t, out_full = timed(brm("flags", "--recompute", "--store", url))
        full.append(t)
        full_cpu.append(LAST_CPU[0])
        same = same and out_inc == out_full
        log(f"  round {i + 1}: re-import {reimport[-1]:.1f} s, flags {inc[-1]:.2f} s, flags --recompute {full[-1]:.2f} s,"
            f" same output {out_inc == out_full}")
    return {"records": meta["records"], "customers_changed": round(meta.get("customers", 5000) * 0.01),
            "flags_s": statistics.median(inc), "flags_all": inc, "flags_cpu_s": statistics.median(inc_cpu),
            "recompute_s": statistics.median(full), "recompute_all": full, "recompute_cpu_s": statistics.median(full_cpu),
            "reimport_s": statistics.median(reimport), "same_output": same, "first_flags_s": warm,
            # the whole `brmgraph import` processes of the re-imports (1% of customers changed)
            "reimport_all": reimport, "reimport_cpu_s": statistics.median(reimport_cpu)}


def neo4j_large(work: Path, repeats: int) -> dict[str, Any]:
    """Import at L into a freshly started local Neo4j (``bench/tasks.py import``), ``repeats``
    times, each on a new server (the first import after a start: the server's JIT is cold,
    the hardest case); then ``brmgraph flags`` on the last one ``repeats`` times: whole
    processes, wall and CPU of the client."""
    data, meta = data_set(work, "L", benchrun.SIZES["L"])
    rates: list[float] = []
    for i in range(repeats):
        with benchrun.LocalNeo4j(work / "neo4j-compare-L", "L") as server:
            url = str(server.url)
            _, out = timed([PY, str(ROOT / "bench" / "tasks.py"), "import", "--store", url, "--data", str(data)], timeout=7200)
            rates.append(json.loads(out.strip().splitlines()[-1])["records_per_s"])
            log(f"  L import into a fresh Neo4j ({i + 1}/{repeats}): {rates[-1]:,.0f} records/s")
            if i < repeats - 1:
                continue
            flags, cpu = [], []
            for _ in range(repeats):
                flags.append(timed(brm("flags", "--recompute", "--store", url))[0])  # full runs, not the cache
                cpu.append(LAST_CPU[0])
            log(f"  L flags on Neo4j: {', '.join(f'{x:.2f}' for x in flags)} s")
    return {"records": meta["records"], "import_rps": statistics.median(rates), "import_all": rates,
            "flags_s": statistics.median(flags), "flags_all": flags, "flags_cpu_s": statistics.median(cpu)}


# --------------------------------------------------------------------------- report
def _f(v: float | None, fmt: str) -> str:
    return "not measured" if v is None else format(v, fmt)


def _runs(part: dict[str, Any]) -> str:
    """What the import rate of ``part`` is the median of: "3: 30,1xx / …" (older results: 1)."""
    rates = part.get("import_all") or [part["import_rps"]]
    return f"{len(rates)}: " + " / ".join(f"{x:,.0f}" for x in rates)


def _when(part: dict[str, Any], r: dict[str, Any]) -> str:
    """" (run …)" for a part measured in another run of this script than the rest
    (merged with ``--merge-json``)."""
    if "code" not in part or part["code"] == r["machine"]["code"]:
        return ""
    return f" (run of {part['started']}, code {part['code']}, load {part['load']})"


def section(r: dict[str, Any]) -> str:
    k, cli, lg, neo = r["k1000"], r["cli"], r.get("large"), r.get("neo4j")
    inc = r.get("incremental")
    x = r.get("xl")
    nl = r.get("neo4j_large")
    rk = r.get("risk")

    def met(ok: bool | None) -> str:
        return "–" if ok is None else ("yes" if ok else "NO")

    cpu_ratio = (f"; CPU time {k['competent_cpu_s'] / k['flags_cpu_s']:.2f}×"
                 if k.get("flags_cpu_s") and k.get("competent_cpu_s") else "")
    rows = [
        ("`flags` right after import vs the competent script, whole processes, 1,000 customers", "≥ 3× faster",
         f"{k['ratio']:.2f}× ({k['competent_s']:.2f} s vs {k['flags_s']:.2f} s wall{cpu_ratio})",
         met(k["ratio"] >= 3)),
        ("`flags` at L, embedded, one process", "≤ 3 s", _f(lg and lg["flags_s"], ".2f") + (" s" if lg else ""),
         met(lg and lg["flags_s"] <= 3)),
        ("`flags` at L after a re-import changing 1% of customers", "≤ 1 s, identical output",
         "not measured" if not inc else
         (f"{inc['flags_s']:.2f} s (CPU {inc['flags_cpu_s']:.2f} s; `flags --recompute` {inc['recompute_s']:.2f} s), "
          f"same output: {'yes' if inc['same_output'] else 'NO'}"),
         met(inc and inc["flags_s"] <= 1 and inc["same_output"])),
        ("`flags` at L, Neo4j", "≤ 15 s",
         f"{nl['flags_s']:.2f} s (client CPU {nl['flags_cpu_s']:.2f} s){_when(nl, r)}" if nl else "not measured",
         met(nl and nl["flags_s"] <= 15)),
        ("CLI start: `brmgraph --version`", "≤ 150 ms", f"{cli['version_ms']:.0f} ms", met(cli["version_ms"] <= 150)),
        ("CLI start: `path` on a small store", "≤ 250 ms", f"{cli['path_ms']:.0f} ms", met(cli["path_ms"] <= 250)),
        ("import at L, embedded", "≥ 100k records/s",
         _f(lg and lg["import_rps"], ",.0f") + (" records/s" if lg else ""), met(lg and lg["import_rps"] >= 100_000)),
        ("import at L, Neo4j", "≥ 30k records/s",
         f"{nl['import_rps']:,.0f} records/s (median of {_runs(nl)} first imports, each into a freshly started server)"
         f"{_when(nl, r)}" if nl else "not measured",
         met(nl and nl["import_rps"] >= 30_000)),
        ("XL (50,000 customers): flags, peak memory, embedded", "≤ 60 s, ≤ 2 GB",
         f"{x['flags_s']:.1f} s, peak {x['flags_maxrss_mb'] / 1024:.2f} GB (import: {x['import_s']:.0f} s, "
         f"peak {x['import_maxrss_mb'] / 1024:.1f} GB)" if x else "not measured",
         met(x and x["flags_s"] <= 60 and x["flags_maxrss_mb"] <= 2048)),
        ("`risk` at L vs naive per-employee rerun", "≥ 20×",
         (f"{rk['speedup']:,.0f}× (one pass {rk['one_pass_s']:.1f} s; naive {rk['naive_per_employee_s']:.2f} s per "
          f"employee × {rk['employees']:,}, {rk['naive_sampled']} sampled and extrapolated; "
          f"{rk['mismatches']} mismatches; `bench/risk.py`)") if rk else "not measured (run `bench/risk.py --json F`, "
         "then pass `--risk-json F`)",
         met(rk and rk["speedup"] >= 20 and rk["mismatches"] == 0)),
    ]
    m = r["machine"]
    lines = [
        BEGIN,
        "## Issue 14: against the competent script",
        "",
        (f"Generated by `bench/compare.py{r['argv']}` on {r['started']} (code {m['code']}, {m['cores']} cores, "
         f"1-minute load average {r['load_start']} at the start and {r['load_end']} at the end). "
         "Whole processes, started cold, medians of interleaved repeats; see `bench/compare.py`."),
        "",
        "| figure | target | measured | met |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        (f"1,000 customers × 40 key persons ({k['records']:,} records, {k['flags']} flags, same output from both: "
         f"{'yes' if k['same_output'] else 'NO'}):"),
        "",
        "| process | median wall (s) | median CPU (s) | runs, wall (s) |",
        "|---|---|---|---|",
        (f"| `python bench/competent.py DATA` | {k['competent_s']:.2f} | {_f(k.get('competent_cpu_s'), '.2f')} | "
         f"{', '.join(f'{x:.2f}' for x in k['competent_all'])} |"),
        (f"| `brmgraph flags` (embedded, right after `brmgraph import`) | {k['flags_s']:.2f} | "
         f"{_f(k.get('flags_cpu_s'), '.2f')} | {', '.join(f'{x:.2f}' for x in k['flags_all'])} |"),
    ]
    if "flags_workers2_s" in k:
        lines.append(f"| `brmgraph flags --workers 2` | {k['flags_workers2_s']:.2f} | – | "
                     f"{', '.join(f'{x:.2f}' for x in k['flags_workers2_all'])} |")
    if neo:
        lines.append(f"| `brmgraph flags` (Neo4j, right after `brmgraph import`) | {neo['flags_s']:.2f} | – | "
                     f"{', '.join(f'{x:.2f}' for x in neo['flags_all'])} |")
    lines += [
        "",
        f"`brmgraph import` of that file took {k['import_s']:.1f} s. CLI start, {3 * r.get('repeats', 5)} runs each:",
        "",
        "| command | median wall (ms) | fastest wall (ms) | median CPU (ms) |",
        "|---|---|---|---|",
        *(f"| {label} | {cli[key + '_ms']:.0f} | {cli[key + '_min_ms']:.0f} | {_f(cli.get(key + '_cpu_ms'), '.0f')} |"
          for key, label in (("python", "`python -c pass` (the floor)"), ("version", "`brmgraph --version`"),
                             ("help", "`brmgraph --help`"), ("path", "`brmgraph path` on the tiny store"))),
    ]
    if lg:
        runs = ", ".join(f"{x:.2f}" for x in lg["flags_all"])
        whole = (f"; the whole import process {lg['import_process_s']:.1f} s wall, {lg['import_cpu_s']:.1f} s CPU, "
                 f"{lg['records'] / lg['import_cpu_s']:,.0f} records per CPU second" if "import_cpu_s" in lg else "")
        lines += ["", (f"At L ({lg['records']:,} records): import {lg['import_rps']:,.0f} records/s "
                       f"(peak {lg['import_maxrss_mb']:,.0f} MB{whole}), `brmgraph flags` {runs} s.")]
    if inc:
        lines += ["", (f"After a re-import of the whole L file with 1% of its customers changed (upsert, "
                       f"{inc['reimport_s']:.1f} s, {_f(inc.get('reimport_cpu_s'), '.1f')} s CPU): `brmgraph flags` {', '.join(f'{x:.2f}' for x in inc['flags_all'])} s "
                       f"(it computes only the changed customers; the others come from the cache), "
                       f"`flags --recompute` {', '.join(f'{x:.2f}' for x in inc['recompute_all'])} s.")]
    if x:
        lines += ["", (f"XL ({x['params']['customers']:,} customers × {x['params']['persons_per']} key persons: "
                       f"{x['records']:,} records, {x['arcs']:,} arcs, a {x['file_mb']:,.0f} MB file, a "
                       f"{x['store_mb']:,.0f} MB store), embedded, whole processes:"), "",
                  "| process | wall (s) | CPU (s) | peak memory (MB) |", "|---|---|---|---|",
                  (f"| `brmgraph import` ({x['import_rps']:,.0f} records/s) | {x['import_s']:.1f} | "
                   f"{x['import_cpu_s']:.1f} | {x['import_maxrss_mb']:,.0f} |"),
                  (f"| `brmgraph flags` ({x['flags']:,} flags) | {x['flags_s']:.1f} | {x['flags_cpu_s']:.1f} | "
                   f"{x['flags_maxrss_mb']:,.0f} |")]
    notes = ROOT / "bench" / "compare-notes.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_section(out: Path, text: str) -> None:
    benchrun.write_section(out, text, BEGIN, END, before="\n## Results")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "brmgraph-bench"))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--large", action="store_true", help="also import and flags at L (embedded)")
    ap.add_argument("--neo4j", action="store_true", help="also flags on a local Neo4j at 1,000 customers")
    ap.add_argument("--xl", action="store_true", help="also import and flags at XL (50,000 customers, embedded)")
    ap.add_argument("--neo4j-large", action="store_true", help="also import and flags at L on a local Neo4j")
    ap.add_argument("--merge-json", help="with --from-json: take the Neo4j parts (neo4j, neo4j_large) from this earlier run's raw results")
    ap.add_argument("--risk-json", help="the results of `bench/risk.py --size L --json F` run beside this one")
    ap.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    ap.add_argument("--json", help="raw results")
    ap.add_argument("--from-json", help="re-render the section from raw results, no measuring")
    a = ap.parse_args(argv)
    if a.from_json:
        r = json.loads(Path(a.from_json).read_text(encoding="utf-8"))
        if a.merge_json:
            other = json.loads(Path(a.merge_json).read_text(encoding="utf-8"))
            for key in ("neo4j", "neo4j_large"):
                if key in other:
                    r[key] = other[key] | {"code": other["machine"]["code"], "started": other["started"],
                                           "load": f"{other['load_start']} to {other['load_end']}"}
        write_section(Path(a.out), section(r))
        return 0
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    # measure runs, not compiling: an installed brmgraph has its bytecode, while a checkout
    # run with PYTHONDONTWRITEBYTECODE recompiles every changed module in every process
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "brmgraph")], check=False, env=ENV, capture_output=True)
    shown = [x for x in ("--large", "--neo4j", "--neo4j-large", "--xl") if getattr(a, x[2:].replace("-", "_"))] + (
        [f"--repeats {a.repeats}"] if a.repeats != 5 else [])
    r: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M"), "load_start": benchrun._loadavg(),
                         "argv": "".join(f" {x}" for x in shown), "repeats": a.repeats}
    data, meta = data_set(work, "k1000", K1000)
    url = fresh_db(work / "compare-k1000.db")
    t, _ = timed(brm("import", str(data), "--store", url))
    log(f"1,000 customers: {meta['records']:,} records, brmgraph import {t:.1f}s")
    r["k1000"] = side_by_side(data, url, a.repeats) | {"import_s": t, "records": meta["records"], "params": K1000}
    log(f"  competent {r['k1000']['competent_s']:.2f}s, flags {r['k1000']['flags_s']:.2f}s, "
        f"ratio {r['k1000']['ratio']:.2f}, same output {r['k1000']['same_output']}")
    r["cli"] = cli_start(work, a.repeats)
    log(f"CLI start: {json.dumps({k: round(v) for k, v in r['cli'].items()})}")
    if a.neo4j:
        with benchrun.LocalNeo4j(work / "neo4j-compare", "M") as server:
            timed(brm("import", str(data), "--store", server.url))  # type: ignore[arg-type]
            flags = [timed(brm("flags", "--recompute", "--store", server.url))[0]  # type: ignore[arg-type]
                     for _ in range(a.repeats)]  # type: ignore[arg-type]
            r["neo4j"] = {"flags_s": statistics.median(flags), "flags_all": flags}
    if a.large:
        r["large"] = large(work, max(1, a.repeats // 2))
        r["incremental"] = incremental(work, max(2, a.repeats // 2))
    if a.xl:
        r["xl"] = xl(work)
    if a.neo4j_large:
        r["neo4j_large"] = neo4j_large(work, max(1, a.repeats // 2))
    if a.risk_json:
        r["risk"] = json.loads(Path(a.risk_json).read_text(encoding="utf-8"))
    r["load_end"] = benchrun._loadavg()
    r["machine"] = benchrun.machine()
    write_section(Path(a.out), section(r))
    if a.json:
        Path(a.json).write_text(json.dumps(r, indent=1), encoding="utf-8")
    log(f"wrote {a.out}")
    return 0 if r["k1000"]["same_output"] else 1


if __name__ == "__main__":
    sys.exit(main())
