#!/usr/bin/env python
"""Scale-out on one Neo4j server: import at L, then ``brmgraph flags`` in one process, with
``--workers N``, and as ``--shard i/n`` processes run side by side.

    .venv/bin/python bench/neo4j_scale.py                       # starts its own Neo4j (~10 min at L)
    .venv/bin/python bench/neo4j_scale.py --url bolt://HOST:PORT --server-pid PID --skip-import

What runs, each as its own process started cold (as a scheduler would start it):

* the data set of ``bench/run.py --scale L`` (cached in ``--work``);
* a local Neo4j started the way ``bench/run.py`` starts one (``brmgraph neo4j start``,
  heap and page cache of the size), unless ``--url`` names a running one;
* ``python bench/tasks.py import`` of the file into the empty server (records/s);
* ``--repeats`` rounds, interleaved: ``brmgraph flags``; ``flags --workers N`` for each N of
  ``--workers``; and ``--shards`` processes ``flags --shard i/n`` started together (the
  wall time is until the last one ends). Every output must equal the one-process output
  (the shards' joined and sorted).

For each run: wall time, CPU seconds of the client processes (user + system of every
child, from ``getrusage``) and of the Neo4j server process (from ``/proc/PID/stat``; the
server's pid is known when this script started it, or given with ``--server-pid``).
The machine is shared: compare CPU and ratios measured in the same run.

Writes the raw figures as JSON (``--json``) and the section between the
``<!-- neo4j-scale:begin -->`` / ``<!-- neo4j-scale:end -->`` markers of ``--out``
(default ``docs/deploy.md``).
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
import run as benchrun  # bench/run.py: sizes, data cache, local Neo4j, machine  # noqa: E402

PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
BEGIN, END = "<!-- neo4j-scale:begin -->", "<!-- neo4j-scale:end -->"


def log(msg: str) -> None:
    benchrun.log(msg)


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds (user + system, its reaped children too) of the server process so far."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def run_together(cmds: list[list[str]], pid: int | None, timeout: float = 3600) -> dict[str, Any]:
    """Start every command at once; wall until the last ends, client and server CPU."""
    c0, s0, t0 = _children_cpu(), server_cpu(pid), time.perf_counter()
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT)
             for c in cmds]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=timeout)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(p.args[:6])}... failed: {err.strip()[-1500:]}")  # type: ignore[index]
        outs.append(out)
    wall = time.perf_counter() - t0
    s1 = server_cpu(pid)
    return {"wall_s": wall, "client_cpu_s": _children_cpu() - c0,
            "server_cpu_s": None if s0 is None or s1 is None else s1 - s0, "outputs": outs}


def brm(*args: str) -> list[str]:
    return [PY, "-m", "brmgraph", *args]


def _sorted_lines(outs: list[str]) -> list[str]:
    rows = [json.loads(line) for out in outs for line in out.splitlines()]
    rows.sort(key=lambda d: (d["project"], d["person"], d["customer"]))
    return [json.dumps(d, sort_keys=True) for d in rows]


def measure(url: str, pid: int | None, workers: list[int], shards: int, repeats: int) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {}
    kinds: list[tuple[str, list[list[str]]]] = [("1 process", [brm("flags", "--recompute", "--store", url)])]
    kinds += [(f"--workers {n}", [brm("flags", "--recompute", "--workers", str(n), "--store", url)]) for n in workers]
    kinds.append((f"{shards} --shard processes side by side",
                  [brm("flags", "--recompute", "--shard", f"{i}/{shards}", "--store", url) for i in range(1, shards + 1)]))
    reference: list[str] | None = None
    same = True
    for r in range(repeats):
        for name, cmds in kinds:
            got = run_together(cmds, pid)
            lines = _sorted_lines(got.pop("outputs"))
            if reference is None:
                reference = lines
            same = same and lines == reference
            runs.setdefault(name, []).append(got)
            log(f"  round {r + 1}: {name}: wall {got['wall_s']:.2f}s, client CPU {got['client_cpu_s']:.2f}s, "
                f"server CPU {got['server_cpu_s'] if got['server_cpu_s'] is None else round(got['server_cpu_s'], 2)}s")
    table = {}
    for name, rs in runs.items():
        med = {k: statistics.median(x[k] for x in rs) if all(x[k] is not None for x in rs) else None
               for k in ("wall_s", "client_cpu_s", "server_cpu_s")}
        table[name] = med | {"walls": [x["wall_s"] for x in rs]}
    return {"flags": table, "same_output": same, "flag_count": len(reference or [])}


def section(r: dict[str, Any]) -> str:
    m = r["machine"]
    imp = r.get("import")
    lines = [
        BEGIN,
        "## Measured on one server",
        "",
        (f"Generated by `bench/neo4j_scale.py{r['argv']}` on {r['started']} (code {m['code']}, {m['cores']} cores "
         f"shared by the client processes and the server, Neo4j {m['neo4j']}; 1-minute load average "
         f"{r['load_start']} at the start and {r['load_end']} at the end). Size {r['size']}: "
         f"{r['records']:,} records, {r['customers']:,} customers. Medians of {r['repeats']} interleaved rounds; "
         "CPU in seconds of user + system time."),
        "",
    ]
    if imp:
        lines += [
            (f"Import into the empty server: {imp['records_per_s']:,.0f} records/s ({imp['wall_s']:.1f} s wall; "
             f"client CPU {imp['client_cpu_s']:.1f} s, server CPU "
             f"{'not measured' if imp['server_cpu_s'] is None else format(imp['server_cpu_s'], '.1f') + ' s'})."),
            "",
        ]
    lines += [
        f"`brmgraph flags` ({r['flag_count']} flags; every run printed the same flags: "
        f"{'yes' if r['same_output'] else 'NO'}):",
        "",
        "| run | wall (s) | client CPU (s) | server CPU (s) | walls of the rounds (s) |",
        "|---|---|---|---|---|",
    ]
    for name, v in r["flags"].items():
        srv = "–" if v["server_cpu_s"] is None else f"{v['server_cpu_s']:.1f}"
        lines.append(f"| {name} | {v['wall_s']:.2f} | {v['client_cpu_s']:.1f} | {srv} | "
                     f"{', '.join(f'{x:.2f}' for x in v['walls'])} |")
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_section(out: Path, text: str) -> None:
    benchrun.write_section(out, text, BEGIN, END)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"), "brmgraph-bench"))
    ap.add_argument("--size", default="L", choices=sorted(benchrun.SIZES))
    ap.add_argument("--url", help="a running Neo4j (empty, unless --skip-import) instead of starting one")
    ap.add_argument("--server-pid", type=int, help="pid of the --url server's process, for its CPU time")
    ap.add_argument("--skip-import", action="store_true", help="the --url server already holds the data set")
    ap.add_argument("--workers", default="2,4", help="worker counts of `flags --workers N` (comma-separated)")
    ap.add_argument("--shards", type=int, default=2, help="`--shard i/n` processes run side by side")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", default="42")
    ap.add_argument("--out", default=str(ROOT / "docs" / "deploy.md"))
    ap.add_argument("--json", help="raw results")
    ap.add_argument("--from-json", help="re-render the section from raw results, no measuring")
    a = ap.parse_args(argv)
    if a.from_json:
        write_section(Path(a.out), section(json.loads(Path(a.from_json).read_text(encoding="utf-8"))))
        return 0
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    data, meta = benchrun.generate_data(a.size, work, a.seed)
    shown = [f"--size {a.size}"] if a.size != "L" else []
    shown += [f"--repeats {a.repeats}"] if a.repeats != 3 else []
    r: dict[str, Any] = {"started": time.strftime("%Y-%m-%d %H:%M"), "load_start": benchrun._loadavg(),
                         "argv": "".join(f" {x}" for x in shown), "size": a.size, "repeats": a.repeats,
                         "records": meta["records"], "customers": benchrun.SIZES[a.size]["customers"]}
    workers = [int(x) for x in a.workers.split(",") if x.strip()]

    def body(url: str, pid: int | None) -> None:
        if not a.skip_import:
            log(f"importing {data.name} into {url}")
            got = run_together([[PY, str(ROOT / "bench" / "tasks.py"), "import", "--store", url, "--data", str(data)]],
                               pid, timeout=7200)
            imp = json.loads(got.pop("outputs")[0].strip().splitlines()[-1])
            r["import"] = got | {"records_per_s": imp["records_per_s"], "seconds": imp["seconds"]}
            log(f"  import: {imp['records_per_s']:,.0f} records/s, server CPU {got['server_cpu_s']}")
        r.update(measure(url, pid, workers, a.shards, a.repeats))

    if a.url:
        body(a.url, a.server_pid)
    else:
        from brmgraph import neo4j_local

        with benchrun.LocalNeo4j(work / f"neo4j-scale-{a.size}", a.size) as server:
            assert server.url is not None
            body(server.url, neo4j_local.status(server.home).pid)
    r["load_end"] = benchrun._loadavg()
    r["machine"] = benchrun.machine()
    write_section(Path(a.out), section(r))
    if a.json:
        Path(a.json).write_text(json.dumps(r, indent=1), encoding="utf-8")
    log(f"wrote {a.out}")
    return 0 if r["same_output"] else 1


if __name__ == "__main__":
    sys.exit(main())
