"""``risk`` in one pass vs the naive per-employee what-if, in the same run.

    .venv/bin/python bench/risk.py --size L [--budget 120] [--work DIR] [--json FILE]

1. the data set of ``bench/run.py`` for that size (``brmgraph generate``, seed 42; cached
   in ``--work``), imported into an embedded store (cached too);
2. **one pass**: ``analysis.risk.risk`` over ``store.iter_customer_graphs()`` — every
   customer read once, only the candidate employees' removals analysed;
3. **naive**: for each employee, ``whatif --without E`` over the whole store
   (``analysis.whatif.flag_changes`` on a fresh ``iter_customer_graphs()`` pass),
   employees in a random order (seed 1) for ``--budget`` seconds, extrapolated to all
   employees; every sampled employee's new flags are checked against the one pass.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="M", help="L, M, S or tiny (as bench/run.py)")
    ap.add_argument("--budget", type=float, default=120.0, help="seconds for the sampled naive run")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "brmgraph-bench"))
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()

    from run import SIZES, generate_data  # bench/run.py

    from brmgraph.analysis.risk import risk
    from brmgraph.analysis.whatif import flag_changes, parse_without
    from brmgraph.dataset import import_path
    from brmgraph.store import open_store

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    data, meta = generate_data(args.size, work, "42")
    db = work / f"risk-{data.stem}.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        t = time.perf_counter()
        with open_store(url) as st:
            import_path(st, data, replace=True)
        print(f"import: {time.perf_counter() - t:.1f} s", file=sys.stderr)

    with open_store(url) as st:
        employees = st.employees()
        n_customers = len(st.customers())
        t = time.perf_counter()
        res = risk(st.iter_customer_graphs(interactions=False), employees)
        one_pass = time.perf_counter() - t
        by_emp = {r.employee: [(f.project, f.person) for f in r.flags] for r in res.employees}
        at_risk = sum(1 for r in res.employees if r.count)
        total = sum(r.count for r in res.employees)
        print(f"one pass: {one_pass:.1f} s, {at_risk} employees with new flags, {total} flags", file=sys.stderr)

        order = [e.id for e in employees]
        random.Random(1).shuffle(order)
        sampled, spent, mismatches = 0, 0.0, 0
        while sampled < len(order) and spent < args.budget:
            e = order[sampled]
            t = time.perf_counter()
            new = [f for f in flag_changes(st.iter_customer_graphs(interactions=False), [parse_without(e)]) if f.change == "new"]
            spent += time.perf_counter() - t
            mismatches += [(f.project, f.person) for f in new] != by_emp[e]
            sampled += 1
            print(f"naive {sampled}: {e} {len(new)} new flags, {spent:.1f} s", file=sys.stderr)
    per_emp = spent / sampled if sampled else float("nan")
    naive_total = per_emp * len(employees)
    out = {
        "size": args.size,
        "params": SIZES[args.size],
        "customers": n_customers,
        "employees": len(employees),
        "one_pass_s": one_pass,
        "employees_at_risk": at_risk,
        "new_flags": total,
        "naive_sampled": sampled,
        "naive_per_employee_s": per_emp,
        "naive_total_s": naive_total,
        "naive_extrapolated": sampled < len(employees),
        "speedup": naive_total / one_pass if one_pass else None,
        "mismatches": mismatches,
        "cpus": os.cpu_count(),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    print("| size | customers | employees | one pass | naive per employee | naive, all employees | speed-up | sampled | mismatches |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.size} | {n_customers:,} | {len(employees):,} | {one_pass:.1f} s | {per_emp:.2f} s | "
          f"{naive_total:,.0f} s{' (extrapolated)' if out['naive_extrapolated'] else ''} | "
          f"{out['speedup']:.0f}× | {sampled} | {mismatches} |")
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
