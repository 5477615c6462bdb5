"""``report --customer C --as-of T`` against ``report --customer C``, whole processes,
interleaved (A B A B ...), on a store with nightly history.

    .venv/bin/python bench/history_asof.py --scale M [--nights 7] [--rate 0.01] [--runs 7]

Builds (once, under --work) a store of size M or L (bench/run.py's sizes), imported at
2024-01-01, then ``--nights`` nightly upserts each changing ``--rate`` of the records
(bench/history_storage.py's changes: stances, titles, strengths, stages, interactions);
T is noon of the first day, so every night's change set lies after T (the most an
as-of read has to go through). Prints one JSON line per size: the medians, the ratio
of the medians, and the median of the pairwise ratios. Target (issue 20): ratio ≤ 1.5
at M and at L.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from history_storage import mutate  # noqa: E402
from run import SIZES  # noqa: E402

from brmgraph.dataset import import_path  # noqa: E402
from brmgraph.generate import generate  # noqa: E402
from brmgraph.store.history import parse_time  # noqa: E402
from brmgraph.store.sqlite import SqliteStore  # noqa: E402

BRM = str(Path(sys.executable).parent / "brmgraph")
T = "2024-01-01T12:00:00Z"


def build(work: Path, size: str, nights: int, rate: float) -> str:
    db = work / f"asof-{size}-{nights}.db"
    url = f"sqlite:///{db}"
    if db.exists():
        return url
    src = work / f"asof-{size}.json"
    generate(str(src), seed=42, **SIZES[size])
    doc = json.loads(src.read_text(encoding="utf-8"))
    part = db.with_suffix(".part")
    for p in work.glob(part.name + "*"):
        p.unlink()
    st = SqliteStore(f"sqlite:///{part}")
    t0 = time.perf_counter()
    import_path(st, src, replace=True, effective=parse_time("2024-01-01"))
    rng = random.Random(7)
    for night in range(1, nights + 1):
        before = json.dumps(doc, sort_keys=True)
        mutate(doc, rate, rng, night)
        # an upsert of the records that changed (a CRM's nightly delta)
        old = json.loads(before)
        delta = {k: [r for r, o in zip(v, old[k], strict=True) if r != o] for k, v in doc.items() if isinstance(v, list)}
        f = work / "night.json"
        f.write_text(json.dumps(delta, ensure_ascii=False), encoding="utf-8")
        import_path(st, f, replace=False, effective=parse_time((date(2024, 1, 1) + timedelta(days=night)).isoformat()))
    st.close()
    for p in work.glob(part.name + "*"):
        p.rename(work / p.name.replace(part.name, db.name))
    print(f"built {db.name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return url


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {r.stderr.decode()[-500:]}")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", choices=("M", "L", "S", "tiny"), nargs="+", default=["M"])
    ap.add_argument("--nights", type=int, default=7)
    ap.add_argument("--rate", type=float, default=0.01)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    for size in a.scale:
        url = build(a.work, size, a.nights, a.rate)
        with SqliteStore(url) as st:
            customer = st.customer_ids()[len(st.customer_ids()) // 2]
        base = [BRM, "report", "--customer", customer, "--json", "--store", url]
        past = base[:-2] + ["--as-of", T] + base[-2:]
        # the same answer shape, and the past one really differs from now
        now_doc = json.loads(subprocess.run(base, capture_output=True, check=True).stdout)
        then_doc = json.loads(subprocess.run(past, capture_output=True, check=True).stdout)
        timed(base), timed(past)  # warm the page cache
        a_s, b_s = [], []
        for _ in range(a.runs):
            a_s.append(timed(past))
            b_s.append(timed(base))
        pairs = [x / y for x, y in zip(a_s, b_s, strict=True)]
        print(json.dumps({
            "size": size, "customer": customer, "nights_after_T": a.nights, "rate": a.rate, "runs": a.runs,
            "as_of_s": round(statistics.median(a_s), 3), "now_s": round(statistics.median(b_s), 3),
            "ratio": round(statistics.median(a_s) / statistics.median(b_s), 2),
            "pairwise_ratio": round(statistics.median(pairs), 2), "answers_differ": now_doc != then_doc,
        }), flush=True)


if __name__ == "__main__":
    main()
