"""The plain loader of issue 20: the same rows as ``brmgraph import`` into the same kind of
SQLite file, with nothing else: read the JSON file, one ``executemany`` per table in one
transaction, the same tables with their primary keys and customer indexes, no checks, no
history, no flag rows. The yardstick for the import's speed (import with every check
≥ 60 % of this, measured in the same run).

    python bench/plain_loader.py data.json out.db      # prints one JSON line
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import time
from pathlib import Path

DDL = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, industry TEXT, tier TEXT, attrs TEXT);
CREATE TABLE key_persons (id TEXT PRIMARY KEY, customer TEXT, name TEXT, title TEXT, department TEXT,
    closeness TEXT, solution_acceptance TEXT, price_acceptance TEXT, veto TEXT, approver TEXT, reports_to TEXT);
CREATE TABLE employees (id TEXT PRIMARY KEY, name TEXT, team TEXT, title TEXT);
CREATE TABLE competitors (id TEXT PRIMARY KEY, name TEXT);
CREATE TABLE competitor_staff (id TEXT PRIMARY KEY, name TEXT, competitor TEXT);
CREATE TABLE influences (source TEXT, target TEXT, strength TEXT, customer TEXT, PRIMARY KEY (source, target));
CREATE TABLE projects (id TEXT PRIMARY KEY, customer TEXT, name TEXT, status TEXT, stage TEXT, amount REAL,
    close_date TEXT, decision_chain TEXT, competitors TEXT);
CREATE TABLE interactions (employee TEXT, person TEXT, date TEXT, kind TEXT, customer TEXT);
"""
INDEXES = """
CREATE INDEX key_persons_customer ON key_persons(customer);
CREATE INDEX influences_customer ON influences(customer);
CREATE INDEX projects_customer ON projects(customer);
CREATE INDEX interactions_customer ON interactions(customer);
"""


def main(src: str, db: str) -> dict[str, float]:
    t0 = time.perf_counter()
    with open(src, encoding="utf-8") as fh:
        d = json.load(fh)
    for f in (Path(db), Path(db + "-wal"), Path(db + "-shm")):
        f.unlink(missing_ok=True)
    c = sqlite3.connect(db, isolation_level=None)
    c.executescript(DDL)
    c.execute("BEGIN")
    g = dict.get
    c.executemany("INSERT INTO customers VALUES (?,?,?,?,?)", (
        (r["id"], g(r, "name", ""), g(r, "industry", ""), g(r, "tier", ""), json.dumps(g(r, "attrs", {})))
        for r in d.get("customers", [])))
    c.executemany("INSERT INTO key_persons VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
        (r["id"], r["customer"], g(r, "name", ""), g(r, "title", ""), g(r, "department", ""),
         g(r, "closeness", "unknown"), g(r, "solution_acceptance", "unknown"), g(r, "price_acceptance", "unknown"),
         g(r, "veto", "unknown"), g(r, "approver", "unknown"), g(r, "reports_to"))
        for r in d.get("key_persons", [])))
    customer = {r["id"]: r["customer"] for r in d.get("key_persons", [])}
    c.executemany("INSERT INTO employees VALUES (?,?,?,?)", (
        (r["id"], g(r, "name", ""), g(r, "team", ""), g(r, "title", "")) for r in d.get("employees", [])))
    c.executemany("INSERT INTO competitors VALUES (?,?)", ((r["id"], g(r, "name", "")) for r in d.get("competitors", [])))
    c.executemany("INSERT INTO competitor_staff VALUES (?,?,?)", (
        (r["id"], g(r, "name", ""), g(r, "competitor", "")) for r in d.get("competitor_staff", [])))
    c.executemany("INSERT INTO influences VALUES (?,?,?,?)", (
        (r["source"], r["target"], g(r, "strength", "medium"), customer.get(r["target"], "")) for r in d.get("influences", [])))
    c.executemany("INSERT INTO projects VALUES (?,?,?,?,?,?,?,?,?)", (
        (r["id"], r["customer"], g(r, "name", ""), g(r, "status", "open"), g(r, "stage", ""), g(r, "amount"),
         g(r, "close_date"), json.dumps(g(r, "decision_chain", [])), json.dumps(g(r, "competitors", [])))
        for r in d.get("projects", [])))
    c.executemany("INSERT INTO interactions VALUES (?,?,?,?,?)", (
        (r["employee"], r["person"], r["date"], g(r, "kind", ""), customer.get(r["person"], ""))
        for r in d.get("interactions", [])))
    for stmt in INDEXES.strip().splitlines():
        c.execute(stmt)
    c.execute("COMMIT")
    c.close()
    records = sum(len(v) for v in d.values() if isinstance(v, list))
    wall = time.perf_counter() - t0
    return {"records": records, "seconds": wall, "records_per_s": records / wall,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: plain_loader.py DATA.json OUT.db")
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
