#!/usr/bin/env python
"""Issue 20's batch-engine targets, side by side in one run, as whole processes.

    .venv/bin/python bench/foundation.py                       # 1,000 customers and L, 3 rounds
    .venv/bin/python bench/foundation.py --before DIR          # and the same commands run by the
                                                               # brmgraph source tree in DIR
                                                               # (``git archive REV | tar -x -C DIR``)
    .venv/bin/python bench/foundation.py --xl                  # and import / flags at XL (once)

Every round makes NEW stores (an import of an unchanged file into a store that holds it
leaves the flag cache valid, so it would not measure ``flags``), interleaving the
commands of every code tree measured:

* 1,000 customers × 40 key persons: ``brmgraph import`` into a fresh store, then
  ``python bench/peer.py DATA`` and ``brmgraph flags`` (the first run on the new store:
  nothing cached); both outputs must be byte for byte the same;
* L: ``python bench/plain_loader.py`` (the same rows by ``executemany``, no checks) and
  ``brmgraph import`` into fresh stores; ``brmgraph flags`` (first run); the peer;
  ``brmgraph path --to P --json``; the unchanged L file imported again; the L file with
  1 % of its customers changed imported (``bench/compare.py``'s ``one_percent``) and
  ``brmgraph flags`` after it.

Wall seconds (median over rounds), CPU seconds of the process, and peak memory of the
imports (``wait4``). The results replace the section between the ``issue20`` markers of
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import compare  # bench/compare.py: data sets, one_percent, whole-process timing  # noqa: E402
import run as benchrun  # noqa: E402

PY = sys.executable
BEGIN, END = "<!-- issue20:begin -->", "<!-- issue20:end -->"


def log(msg: str) -> None:
    benchrun.log(msg)


def timed(cmd: list[str], tree: Path) -> dict[str, Any]:
    """Wall and CPU seconds and peak memory of one whole process (``wait4``)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    import tempfile

    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env, cwd=tree)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
        if p.stderr:
            p.stderr.close()
        if code != 0:
            raise SystemExit(f"{' '.join(cmd[:5])}... failed ({code}): {err.strip()[-1500:]}")
        out.seek(0)
        text = out.read().decode("utf-8")
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_mb": ru.ru_maxrss / 1024, "stdout": text}


def brm(*args: str) -> list[str]:
    return [PY, "-m", "brmgraph", *args]


def one_round(trees: dict[str, Path], work: Path, k1000: Path, big: Path | None, changed: Path | None,
              person: str | None, got: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
    def note(tree: str, key: str, r: dict[str, Any]) -> None:
        got.setdefault(tree, {}).setdefault(key, []).append({k: v for k, v in r.items() if k != "stdout"})

    for name, tree in trees.items():
        url = compare.fresh_db(work / f"k1000-{name}.db")
        timed(brm("import", str(k1000), "--store", url), tree)
        peer = timed([PY, str(ROOT / "bench" / "peer.py"), str(k1000)], tree)
        flags = timed(brm("flags", "--store", url), tree)
        if peer["stdout"] != flags["stdout"] or not flags["stdout"]:
            raise SystemExit(f"{name}: the peer's records differ from brmgraph flags at 1,000 customers")
        note(name, "k1000_peer", peer)
        note(name, "k1000_flags", flags)
        log(f"  {name} 1,000: peer {peer['wall_s']:.2f} s, flags {flags['wall_s']:.2f} s")
    if big is None:
        return
    assert changed is not None and person is not None
    for name, tree in trees.items():
        plain = timed([PY, str(ROOT / "bench" / "plain_loader.py"), str(big), str(work / f"plain-{name}.db")], tree)
        url = compare.fresh_db(work / f"L-{name}.db")
        imp = timed(brm("import", str(big), "--store", url), tree)
        flags = timed(brm("flags", "--store", url), tree)
        peer = timed([PY, str(ROOT / "bench" / "peer.py"), str(big)], tree)
        if peer["stdout"] != flags["stdout"]:
            raise SystemExit(f"{name}: the peer's records differ from brmgraph flags at L")
        path = timed(brm("path", "--to", person, "--json", "--store", url), tree)
        again = timed(brm("import", str(big), "--store", url), tree)
        inc_imp = timed(brm("import", str(changed), "--store", url), tree)
        inc = timed(brm("flags", "--store", url), tree)
        full = timed(brm("flags", "--recompute", "--store", url), tree)
        if inc["stdout"] != full["stdout"]:
            raise SystemExit(f"{name}: flags after the 1 % re-import differ from flags --recompute")
        for key, r in (("L_plain", plain), ("L_import", imp), ("L_flags", flags), ("L_peer", peer), ("L_path", path),
                       ("L_reimport", again), ("L_import_1pct", inc_imp), ("L_flags_1pct", inc)):
            note(name, key, r)
        log(f"  {name} L: plain {plain['wall_s']:.1f} s, import {imp['wall_s']:.1f} s ({imp['maxrss_mb']:.0f} MB), "
            f"flags {flags['wall_s']:.2f} s, peer {peer['wall_s']:.2f} s, path {path['wall_s']:.2f} s, "
            f"re-import {again['wall_s']:.1f} s ({again['maxrss_mb']:.0f} MB), 1 % {inc_imp['wall_s']:.1f} s, "
            f"flags after {inc['wall_s']:.2f} s")


def xl(tree: Path, work: Path) -> dict[str, Any]:
    data, meta = compare.data_set(work, "XL", compare.XL)
    url = compare.fresh_db(work / "XL.db")
    imp = timed(brm("import", str(data), "--store", url, "--max-bytes", "8G"), tree)
    log(f"  XL import {imp['wall_s']:.0f} s, {imp['maxrss_mb']:.0f} MB")
    fl = timed(brm("flags", "--store", url), tree)
    log(f"  XL flags {fl['wall_s']:.1f} s, {fl['maxrss_mb']:.0f} MB")
    return {"records": meta["records"], "import_s": imp["wall_s"], "import_cpu_s": imp["cpu_s"],
            "import_maxrss_mb": imp["maxrss_mb"], "flags_s": fl["wall_s"], "flags_cpu_s": fl["cpu_s"],
            "flags_maxrss_mb": fl["maxrss_mb"]}


def summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "maxrss_mb": max(r["maxrss_mb"] for r in runs),
        "all": [round(r["wall_s"], 3) for r in runs],  # type: ignore[dict-item]
    }


def section(res: dict[str, Any]) -> str:
    trees = list(res["trees"])
    s = {t: {k: summary(v) for k, v in res["runs"][t].items()} for t in trees}
    rec_l = res["records_L"]

    def cell(t: str, key: str, what: str = "wall_s", fmt: str = "{:.2f}") -> str:
        got = s[t].get(key)
        return "not measured" if got is None else fmt.format(got[what])

    def ratio(t: str, a: str, b: str, what: str = "wall_s") -> float | None:
        if a not in s[t] or b not in s[t]:
            return None
        return s[t][a][what] / s[t][b][what]

    rows = []
    for t in trees:
        r_k = ratio(t, "k1000_peer", "k1000_flags")
        r_l = ratio(t, "L_peer", "L_flags")
        r_kc = ratio(t, "k1000_peer", "k1000_flags", "cpu_s")
        r_lc = ratio(t, "L_peer", "L_flags", "cpu_s")
        imp = ratio(t, "L_plain", "L_import")
        impc = ratio(t, "L_plain", "L_import", "cpu_s")

        def f(x: float | None, fmt: str = "{:.2f}×") -> str:
            return "not measured" if x is None else fmt.format(x)

        def met(x: Any, ok: bool) -> str:
            return "" if x is None else (" ✅" if ok else " ❌")

        rows += [
            f"| {t} | peer ÷ flags, 1,000 customers (≥ 1.5×) | {f(r_k)}{met(r_k, (r_k or 0) >= 1.5)} | {f(r_kc)} |",
            f"| {t} | peer ÷ flags, L (≥ 3×) | {f(r_l)}{met(r_l, (r_l or 0) >= 3)} | {f(r_lc)} |",
            f"| {t} | `flags` at L, first run on a new store (≤ 0.75 s) | {cell(t, 'L_flags')} s"
            f"{met(s[t].get('L_flags'), s[t].get('L_flags', {}).get('wall_s', 9e9) <= 0.75)} | {cell(t, 'L_flags', 'cpu_s')} s |",
            f"| {t} | `flags` after a 1 % re-import (≤ 0.3 s) | {cell(t, 'L_flags_1pct')} s"
            f"{met(s[t].get('L_flags_1pct'), s[t].get('L_flags_1pct', {}).get('wall_s', 9e9) <= 0.3)} | {cell(t, 'L_flags_1pct', 'cpu_s')} s |",
            f"| {t} | import at L ÷ plain `executemany` loader (≥ 60 %) | {f(imp, '{:.0%}')}{met(imp, (imp or 0) >= 0.6)}"
            f" ({cell(t, 'L_import', 'wall_s', '{:.1f}')} s against {cell(t, 'L_plain', 'wall_s', '{:.1f}')} s;"
            f" {rec_l / s[t]['L_import']['wall_s']:,.0f} against {rec_l / s[t]['L_plain']['wall_s']:,.0f} records/s)"
            f" | {f(impc, '{:.0%}')} |" if "L_import" in s[t] else f"| {t} | import at L ÷ plain loader | not measured | |",
            f"| {t} | re-import of the unchanged L file (≤ 10 s, ≤ 1 GB) | {cell(t, 'L_reimport', 'wall_s', '{:.1f}')} s,"
            f" {cell(t, 'L_reimport', 'maxrss_mb', '{:,.0f}')} MB | {cell(t, 'L_reimport', 'cpu_s', '{:.1f}')} s |",
            f"| {t} | first import at L: peak memory | {cell(t, 'L_import', 'maxrss_mb', '{:,.0f}')} MB | |",
            f"| {t} | `path --to P --json` on the L store (≤ 150 ms) | {cell(t, 'L_path', 'wall_s', '{:.3f}')} s"
            f"{met(s[t].get('L_path'), s[t].get('L_path', {}).get('wall_s', 9e9) <= 0.15)} | {cell(t, 'L_path', 'cpu_s', '{:.3f}')} s |",
        ]
    x = res.get("xl")
    xl_rows = []
    if x:
        xl_rows = [
            f"| {trees[0]} | XL import ({x['records']:,} records): peak ≤ 3 GB | {x['import_s']:.0f} s, "
            f"{x['import_maxrss_mb']:,.0f} MB{' ✅' if x['import_maxrss_mb'] <= 3072 else ' ❌'} | {x['import_cpu_s']:.0f} s |",
            f"| {trees[0]} | XL `flags` (≤ 30 s, ≤ 2 GB) | {x['flags_s']:.1f} s, {x['flags_maxrss_mb']:,.0f} MB"
            f"{' ✅' if x['flags_s'] <= 30 and x['flags_maxrss_mb'] <= 2048 else ' ❌'} | {x['flags_cpu_s']:.1f} s |",
        ]
    detail = "\n".join(
        f"- {t}: " + "; ".join(f"{k} {v['all']}" for k, v in s[t].items()) for t in trees
    )
    return "\n".join([
        BEGIN,
        "### Issue 20: the batch engine, side by side (`bench/foundation.py`)",
        "",
        f"Measured {res['when']} on {res['machine']}, load average at the start {res['load']}; "
        f"{res['rounds']} rounds, each on new stores, the trees interleaved; the median wall time counts "
        "(CPU seconds beside it: on this shared machine they vary much less). Trees: "
        + ", ".join(f"`{t}` = {d}" for t, d in res["trees"].items()) + ".",
        "",
        "| tree | target | wall (median) | CPU |",
        "|---|---|---|---|",
        *rows,
        *xl_rows,
        "",
        "Every round, by tree (wall seconds):",
        "",
        detail,
        END,
    ])


def write_section(out: Path, text: str) -> None:
    doc = out.read_text(encoding="utf-8") if out.exists() else ""
    if BEGIN in doc and END in doc:
        doc = doc[: doc.index(BEGIN)] + text + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip() + "\n\n" + text + "\n"
    out.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=ROOT / ".bench-work")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--before", type=Path, help="a brmgraph source tree to measure beside this one")
    ap.add_argument("--after", type=Path, default=ROOT, help="the tree measured as 'after' (default: this one)")
    ap.add_argument("--no-large", action="store_true", help="only the 1,000-customer comparison")
    ap.add_argument("--xl", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    trees = {"after": a.after.resolve()}
    names = {"after": f"this tree ({rev})" if a.after.resolve() == ROOT else f"{a.after} ({rev})"}
    if a.before is not None:
        trees["before"] = a.before.resolve()
        names["before"] = str(a.before)
    k1000, _ = compare.data_set(a.work, "K1000", compare.K1000)
    big = changed = person = None
    records_l = 0
    if not a.no_large:
        big, meta = compare.data_set(a.work, "L", benchrun.SIZES["L"])
        records_l = meta["records"]
        changed = compare.one_percent(big, a.work)
        doc = json.loads(big.read_text(encoding="utf-8"))
        person = doc["key_persons"][len(doc["key_persons"]) // 2]["id"]
        del doc
    res: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": ", ".join(f"{k} {v}" for k, v in benchrun.machine().items()),
        "load": benchrun._loadavg(), "rounds": a.rounds, "trees": names, "records_L": records_l, "runs": {},
    }
    for i in range(a.rounds):
        log(f"round {i + 1} of {a.rounds}")
        one_round(trees, a.work, k1000, big, changed, person, res["runs"])
    if a.xl:
        res["xl"] = xl(trees["after"], a.work)
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, default=str))
    text = section(res)
    write_section(a.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
