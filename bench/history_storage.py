"""What history costs on disk: a store re-imported nightly (``import --replace``) with 1%
of its records changing each night, against a store holding only the latest state.

    .venv/bin/python bench/history_storage.py [--customers 50] [--nights 30] [--rate 0.01]

Prints one JSON line per measurement and a Markdown summary. The target (docs/spec.md §4.9.6):
at most 2× the latest state after a year of nightly runs (`--customers 50 --nights 365`). Sizes are SQLite pages in
use (``page_count - freelist_count``) × page size, after a checkpoint, so the WAL and
free pages of deleted rows do not count. Each night changes ``rate`` of the records:
a key person's stance or title, an influence's strength, an interaction's kind (new
key), a project's stage.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from brmgraph.dataset import import_path  # noqa: E402
from brmgraph.generate import generate  # noqa: E402
from brmgraph.store.history import parse_time  # noqa: E402
from brmgraph.store.sqlite import SqliteStore  # noqa: E402

STANCES = ["strong_support", "support", "neutral", "oppose", "strong_oppose", "unknown"]


def used_bytes(db: Path) -> int:
    c = sqlite3.connect(db)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = c.execute("PRAGMA page_count").fetchone()[0] - c.execute("PRAGMA freelist_count").fetchone()[0]
    size = pages * c.execute("PRAGMA page_size").fetchone()[0]
    c.close()
    return int(size)


def mutate(doc: dict, rate: float, rng: random.Random, night: int) -> int:
    """Change ``rate`` of all records in place; returns how many."""
    total = sum(len(v) for v in doc.values() if isinstance(v, list))
    n = max(1, int(total * rate))
    kinds = [k for k in ("key_persons", "influences", "projects", "interactions") if doc.get(k)]
    for _ in range(n):
        k = rng.choice(kinds)
        rec = rng.choice(doc[k])
        if k == "key_persons":
            if rng.random() < 0.5:
                rec["closeness"] = rng.choice(STANCES)
            else:
                rec["title"] = f"{rec.get('title', '')} (n{night})"
        elif k == "influences":
            rec["strength"] = rng.choice(["strong", "medium", "weak"])
        elif k == "projects":
            rec["stage"] = f"stage {night}"
        else:
            rec["kind"] = f"visit-{night}"  # a new key: one deleted, one created
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=50)
    ap.add_argument("--nights", type=int, default=30)
    ap.add_argument("--rate", type=float, default=0.01)
    ap.add_argument("--work", type=Path, default=None)
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="brm-history-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "base.json"
    generate(str(src), customers=a.customers, persons_per=50, employees=max(20, a.customers * 2 // 5),
             competitors=5, staff_per=4, seed=42)
    doc = json.loads(src.read_text(encoding="utf-8"))
    records = sum(len(v) for v in doc.values() if isinstance(v, list))
    db = work / "history.db"
    for p in work.glob("history.db*"):
        p.unlink()
    rng = random.Random(7)
    st = SqliteStore(f"sqlite:///{db}")
    t0 = time.perf_counter()
    import_path(st, src, replace=True, effective=parse_time("2024-01-01"))
    first_s = time.perf_counter() - t0
    results = []
    night_s = []
    for night in range(1, a.nights + 1):
        changed = mutate(doc, a.rate, rng, night)
        f = work / "night.json"
        f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        t0 = time.perf_counter()
        day = (date(2024, 1, 1) + timedelta(days=night)).isoformat()
        s = import_path(st, f, replace=True, effective=parse_time(day))
        night_s.append(time.perf_counter() - t0)
        if night in (1, 7, 30, 90, 180, 365, a.nights):
            st.close()
            hist = used_bytes(db)
            latest_db = work / "latest.db"
            for p in work.glob("latest.db*"):
                p.unlink()
            lt = SqliteStore(f"sqlite:///{latest_db}")
            import_path(lt, f, replace=True)
            lt.close()
            latest = used_bytes(latest_db)
            row = {"night": night, "records": records, "changed_per_night": changed, "changes": s.changes,
                   "history_bytes": hist, "latest_bytes": latest, "ratio": round(hist / latest, 3)}
            results.append(row)
            print(json.dumps(row), flush=True)
            st = SqliteStore(f"sqlite:///{db}")
    st.close()
    print()
    print(f"{records} records, {a.rate:.0%} changed per night; first import {first_s:.1f} s, "
          f"nightly replace {sum(night_s) / len(night_s):.1f} s on average")
    print()
    print("| nights | store with history | latest state only | ratio |")
    print("|---|---|---|---|")
    for r in results:
        print(f"| {r['night']} | {r['history_bytes'] / 1e6:.1f} MB | {r['latest_bytes'] / 1e6:.1f} MB | {r['ratio']:.2f}× |")


if __name__ == "__main__":
    main()
