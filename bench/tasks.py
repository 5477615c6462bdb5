"""One benchmark measurement per process: ``python bench/tasks.py TASK --data FILE --store URL ...``.

Each task prints ONE JSON object on stdout with its figures and ``maxrss_mb`` (the peak
resident memory of this process, from ``getrusage``), so every measurement starts cold
and its peak memory is its own. :mod:`bench.run` runs them side by side and writes
``docs/benchmarks.md``.

Tasks
-----
``import``       import_path(store, data) into an empty store → records/s
``flags``        the nightly batch: every customer graph from the store → exposure.flags
``naive-nx``     baseline: ONE networkx graph of the whole data set and a
                 ``nx.shortest_path_length`` per (employee, veto holder) pair — what the
                 batch looks like without per-customer decomposition and multi-source
                 search (sampled under ``--budget`` seconds, extrapolated to all pairs)
``naive-nx-cust`` a kinder baseline: the same store reads and per-customer graphs as
                 ``flags``, but one networkx Dijkstra per (source, target) pair
``naive-cypher`` baseline on Neo4j: a Cypher ``shortestPath`` per target (sampled,
                 extrapolated)
``flags-par``    the same batch through ``flags --workers N`` (process pool)
``path``         one ``path --to P`` query (store read + graph + best path), warm,
                 p50 / p95 over ``--queries`` random targets
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections.abc import Callable
from typing import Any


def _maxrss_mb() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(r / 1024 if sys.platform != "darwin" else r / 2**20, 1)


def _emit(d: dict[str, Any]) -> None:
    d["maxrss_mb"] = _maxrss_mb()
    try:
        d["loadavg_end"] = open("/proc/loadavg").read().split()[0]
    except OSError:
        pass
    sys.stdout.write(json.dumps(d) + "\n")
    sys.stdout.flush()


def _profiled(fn: Callable[[], dict[str, Any]], profile: bool) -> dict[str, Any]:
    if not profile:
        return fn()
    import cProfile
    import io
    import pstats

    pr = cProfile.Profile()
    pr.enable()
    out = fn()
    pr.disable()
    buf = io.StringIO()
    st = pstats.Stats(pr, stream=buf)
    st.sort_stats("cumulative").print_stats(25)
    st.sort_stats("tottime").print_stats(15)
    out["profile"] = buf.getvalue()
    return out


# --------------------------------------------------------------------------- tasks
def task_import(a: argparse.Namespace) -> dict[str, Any]:
    from brmgraph.dataset import import_path
    from brmgraph.store import open_store

    with open_store(a.store) as st:
        t0 = time.perf_counter()
        summary = import_path(st, a.data, replace=False)
        dt = time.perf_counter() - t0
    return {"task": "import", "store": a.store, "records": summary.records, "seconds": dt,
            "records_per_s": summary.records / dt if dt else None}


def _open_flags_targets(cg: Any) -> list[str]:
    out = set()
    for j in cg.open_projects():
        for d in cg.project_decision_makers(j.id):
            if cg.persons[d].veto.value == "yes":
                out.add(d)
    return sorted(out)


def task_flags(a: argparse.Namespace) -> dict[str, Any]:
    from brmgraph.analysis.exposure import flags, sort_flags
    from brmgraph.store import open_store

    with open_store(a.store) as st:
        t0 = time.perf_counter()
        ids = [c.id for c in st.customers()]
        read = build = analyse = 0.0
        records = []
        done = 0
        deadline = t0 + a.flags_budget if a.flags_budget > 0 else None
        t = time.perf_counter()
        # what `brmgraph flags` reads: Store.iter_flag_graphs (the embedded store's compact
        # rows; Neo4j's lean query), so "read" includes making each graph from its row
        for cg in st.iter_flag_graphs(ids):
            t2 = time.perf_counter()
            read += t2 - t
            records.extend(flags(cg))
            t = time.perf_counter()
            analyse += t - t2
            done += 1
            if deadline is not None and t > deadline:
                break
        records = sort_flags(records)
        dt = time.perf_counter() - t0
    scale = len(ids) / max(done, 1)
    digest = _digest([(f.project, f.person) for f in records]) if done == len(ids) else None
    return {"task": "flags", "store": a.store, "customers": len(ids), "customers_measured": done,
            "extrapolated": done < len(ids), "flags": len(records) if done == len(ids) else None,
            "seconds": dt * scale, "read_s": read * scale, "graph_s": build * scale, "analysis_s": analyse * scale,
            "digest": digest}


def task_flags_par(a: argparse.Namespace) -> dict[str, Any]:
    """``flags --workers N``: the CLI's process pool, each worker with its own store."""
    from brmgraph.batch import collect_flags_parallel
    from brmgraph.store import open_store

    t0 = time.perf_counter()
    with open_store(a.store) as st:
        ids = [c.id for c in st.customers()]
    records = collect_flags_parallel(a.store, ids, a.workers)
    dt = time.perf_counter() - t0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"task": "flags-par", "store": a.store, "workers": a.workers, "customers": len(ids), "flags": len(records),
            "seconds": dt, "children_maxrss_mb": round(kids, 1),
            "digest": _digest([(f.project, f.person) for f in records])}


def _digest(items: list[Any]) -> str:
    import hashlib

    return hashlib.sha1(json.dumps(items).encode()).hexdigest()[:12]


def task_naive_nx(a: argparse.Namespace) -> dict[str, Any]:
    """Whole-graph networkx, one shortest path per (employee, target) pair."""
    import networkx as nx

    from brmgraph.graph import REPORTS_DOWN_COST, REPORTS_UP_COST, STRENGTH_COST
    from brmgraph.store import open_store

    t0 = time.perf_counter()
    with open_store(a.store) as st:
        ds = st.export()
    g = nx.DiGraph()
    for p in ds.key_persons:
        g.add_node(p.id)
        if p.reports_to:
            g.add_edge(p.reports_to, p.id, cost=REPORTS_DOWN_COST)
            g.add_edge(p.id, p.reports_to, cost=REPORTS_UP_COST)
    for i in ds.influences:
        c = STRENGTH_COST[i.strength]
        if not g.has_edge(i.source, i.target) or g.edges[i.source, i.target]["cost"] > c:
            g.add_edge(i.source, i.target, cost=c)
    blocked = {p.id for p in ds.key_persons if p.closeness.opposing}
    view = nx.subgraph_view(g, filter_edge=lambda u, v: u not in blocked)
    persons = {p.id: p for p in ds.key_persons}
    targets = sorted({m.person for j in ds.projects if j.status.value == "open" for m in j.decision_chain
                      if persons[m.person].veto.value == "yes"})
    employees = sorted(e.id for e in ds.employees)
    setup = time.perf_counter() - t0
    pairs = [(s, t) for t in targets for s in employees]
    rng = random.Random(1)
    rng.shuffle(pairs)
    done = 0
    t1 = time.perf_counter()
    deadline = t1 + a.budget
    for s, t in pairs:
        try:
            nx.shortest_path_length(view, s, t, weight="cost")
        except nx.NetworkXNoPath:
            pass
        done += 1
        if time.perf_counter() > deadline:
            break
    spent = time.perf_counter() - t1
    per_pair = spent / done if done else 0.0
    total = setup + per_pair * len(pairs)
    return {"task": "naive-nx", "pairs": len(pairs), "pairs_measured": done, "setup_s": setup,
            "per_pair_ms": per_pair * 1000, "seconds": total, "extrapolated": done < len(pairs)}


def task_naive_nx_cust(a: argparse.Namespace) -> dict[str, Any]:
    """Per-customer graphs (as the batch), but one Dijkstra per (source, target) pair."""
    import networkx as nx

    from brmgraph.graph import COMPANY, CustomerGraph
    from brmgraph.store import open_store

    pairs = 0
    with open_store(a.store) as st:
        t0 = time.perf_counter()
        deadline = t0 + a.budget
        ids = [c.id for c in st.customers()]
        done_customers = 0
        for ds in st.iter_customer_graphs(ids):
            cg = CustomerGraph.from_dataset(ds, ds.customers[0].id)
            blocked = cg.blocked_relays(COMPANY)
            view = nx.subgraph_view(cg.g, filter_edge=lambda u, v, b=blocked: u not in b)
            for t in _open_flags_targets(cg):
                for s in sorted(cg.sources(COMPANY)):
                    pairs += 1
                    try:
                        nx.dijkstra_path_length(view, s, t, weight="cost")
                    except nx.NetworkXNoPath:
                        pass
            done_customers += 1
            if time.perf_counter() > deadline:
                break
        spent = time.perf_counter() - t0
    total = spent * len(ids) / max(done_customers, 1)
    return {"task": "naive-nx-cust", "customers": len(ids), "customers_measured": done_customers, "pairs_measured": pairs,
            "seconds": total, "extrapolated": done_customers < len(ids)}


NAIVE_CYPHER = """
MATCH (t:KeyPerson {id: $id})
OPTIONAL MATCH p = shortestPath((e:Employee)-[:INFLUENCES_EXTERNAL|INFLUENCES_INTERNAL|REPORTS_TO*..4]-(t))
WHERE none(n IN nodes(p)[1..-1] WHERE n.closeness IN ['oppose', 'strong_oppose'])
RETURN min(length(p)) AS hops
"""


VETO_TARGETS = """
MATCH (p:KeyPerson {veto: 'yes'})-[:IN_CHAIN]->(:Project {status: 'open'})
RETURN DISTINCT p.id AS id
"""


def task_naive_cypher(a: argparse.Namespace) -> dict[str, Any]:
    """A Cypher shortestPath per target (hop count; the query people write first)."""
    from brmgraph.store import open_store

    with open_store(a.store) as st:
        t0 = time.perf_counter()
        driver = st.driver  # type: ignore[attr-defined]
        with driver.session(database=getattr(st, "database", None)) as s:
            vetoes = sorted(r["id"] for r in s.run(VETO_TARGETS))
        setup = time.perf_counter() - t0
        rng = random.Random(2)
        rng.shuffle(vetoes)
        done = 0
        t1 = time.perf_counter()
        deadline = t1 + a.budget
        from neo4j import Query
        from neo4j.exceptions import Neo4jError

        timed_out = 0
        with driver.session(database=getattr(st, "database", None)) as s:
            for t in vetoes:
                left = max(1.0, deadline - time.perf_counter())
                try:
                    s.run(Query(NAIVE_CYPHER, timeout=left), id=t).consume()
                except Neo4jError:  # the server's transaction timeout: counts as spent time
                    timed_out += 1
                done += 1
                if time.perf_counter() > deadline:
                    break
        spent = time.perf_counter() - t1
    per = spent / done if done else 0.0
    return {"task": "naive-cypher", "targets": len(vetoes), "targets_measured": done, "timed_out": timed_out,
            "setup_s": setup,
            "per_target_ms": per * 1000, "seconds": setup + per * len(vetoes), "extrapolated": done < len(vetoes)}


def task_path(a: argparse.Namespace) -> dict[str, Any]:
    """``path --to P``: find the person's customer, read its sub-graph, best path."""
    from brmgraph.analysis.paths import best_path
    from brmgraph.graph import COMPANY, CustomerGraph
    from brmgraph.store import open_store

    with open_store(a.store) as st:
        customers = [c.id for c in st.customers()]
        rng = random.Random(3)
        picks = rng.sample(customers, min(len(customers), a.queries))
        targets = []
        for cid in picks:
            ds = st.customer_graph(cid)
            targets.append(rng.choice(ds.key_persons).id if ds.key_persons else None)
        targets = [t for t in targets if t]

        def one(pid: str) -> Any:
            kp = st.key_person(pid)
            cg = CustomerGraph.from_dataset(st.customer_graph(kp.customer), kp.customer)
            return best_path(cg, pid, COMPANY)

        for t in targets[: min(20, len(targets))]:  # warm up (connections, caches, imports)
            one(t)
        times = []
        for t in targets:
            t0 = time.perf_counter()
            one(t)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()

    def pct(q: float) -> float:
        return times[min(len(times) - 1, int(round(q * (len(times) - 1))))] if times else 0.0

    return {"task": "path", "store": a.store, "queries": len(times), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
            "max_ms": times[-1] if times else 0.0}


TASKS = {
    "import": task_import,
    "flags": task_flags,
    "flags-par": task_flags_par,
    "naive-nx": task_naive_nx,
    "naive-nx-cust": task_naive_nx_cust,
    "naive-cypher": task_naive_cypher,
    "path": task_path,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task", choices=sorted(TASKS))
    ap.add_argument("--store", required=True)
    ap.add_argument("--data")
    ap.add_argument("--budget", type=float, default=30.0, help="seconds for sampled baselines")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--flags-budget", type=float, default=0.0,
                    help="stop the flags batch after this many seconds and extrapolate (0: run it all)")
    ap.add_argument("--profile", action="store_true", help="add a cProfile summary to the result")
    a = ap.parse_args(argv)
    _emit(_profiled(lambda: TASKS[a.task](a), a.profile))
    return 0


if __name__ == "__main__":
    sys.exit(main())
