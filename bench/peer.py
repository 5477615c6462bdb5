"""The strongest peer of issue 20: what a capable engineer writes for the nightly flags
with the fastest well-kept libraries, instead of using brmgraph.

Read the JSON export with orjson; number every node (key persons, employees, competitor
staff); build the arcs of docs/spec.md §4.2 as numpy arrays (the cheapest edge per
ordered pair); then ONE multi-source Dijkstra over all customers at once
(``scipy.sparse.csgraph.dijkstra``, ``min_only``) from our employees, with the out-arcs
of opposing key persons removed (an opponent never relays). Paths never cross
customers: employees and staff only have out-arcs, into key persons, and key persons
only have arcs to key persons of their own customer. The competitor searches (reason
``COMPETITOR_CLOSER``) run once per competitor, on the arcs into the customers that
have a flag only, and a project's competitor cost is the minimum over its competitors
(every competitor when it lists none). Prints the flag records of ``brmgraph flags``,
byte for byte (JSON lines sorted by project, person, customer).

Assumes the export's canonical English values (as ``brmgraph generate`` and ``brmgraph
export`` write them); validates nothing.

    python bench/peer.py data.json > flags.jsonl
"""

from __future__ import annotations

import json
import sys

import numpy as np
import orjson
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

MAX_COST = 4
STRENGTH = {"strong": 1, "medium": 2, "weak": 3}
OPPOSING = {"oppose", "strong_oppose"}
DOWN, UP = 1, 2  # a superior to its report, a report to its superior


def _csr(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int) -> csr_matrix:
    return csr_matrix((w.astype(np.float64), (u, v)), shape=(n, n))


def main(path: str) -> None:
    with open(path, "rb") as fh:
        data = orjson.loads(fh.read())
    persons = data.get("key_persons", [])
    employees = data.get("employees", [])
    staff = data.get("competitor_staff", [])
    n_p, n_e = len(persons), len(employees)
    node = {p["id"]: i for i, p in enumerate(persons)}
    node.update((e["id"], n_p + k) for k, e in enumerate(employees))
    node.update((s["id"], n_p + n_e + k) for k, s in enumerate(staff))
    n = len(node)
    pcust = [p["customer"] for p in persons]
    us: list[int] = []
    vs: list[int] = []
    ws: list[int] = []
    for i, p in enumerate(persons):
        b = node.get(p.get("reports_to") or "")
        if b is not None and b < n_p and pcust[b] == pcust[i]:
            us += (b, i)
            vs += (i, b)
            ws += (DOWN, UP)
    for x in data.get("influences", []):
        s, t = node.get(x["source"]), node.get(x["target"])
        if s is None or t is None or t >= n_p or (s < n_p and pcust[s] != pcust[t]):
            continue
        us.append(s)
        vs.append(t)
        ws.append(STRENGTH[x.get("strength") or "medium"])
    u, v, w = np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64), np.array(ws, dtype=np.int64)
    # the cheapest edge per ordered pair (a sparse matrix would sum duplicates)
    key = u * n + v
    order = np.lexsort((w, key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    sel = order[first]
    u, v, w = u[sel], v[sel], w[sel]
    opposing = np.array([p.get("closeness", "unknown") in OPPOSING for p in persons] + [False] * (n - n_p))
    ours = ~opposing[u]
    from_us = (u >= n_p) & (u < n_p + n_e)
    sources = np.unique(u[from_us])
    cost = (
        dijkstra(_csr(u[ours], v[ours], w[ours], n), indices=sources, min_only=True)
        if len(sources) else np.full(n, np.inf)
    )
    direct = np.zeros(n, dtype=bool)
    direct[v[from_us]] = True

    # the veto holders of open projects' chains we do not reach
    found = []
    for j in data.get("projects", []):
        if j.get("status", "open") != "open":
            continue
        cid = j["customer"]
        chain = sorted({m["person"] for m in j.get("decision_chain", [])})
        for d in chain:
            i = node.get(d)
            if i is None or i >= n_p or pcust[i] != cid or persons[i].get("veto") != "yes":
                continue
            if direct[i] or cost[i] <= MAX_COST:
                continue
            found.append((j, d, i))
    if not found:
        return
    # competitor costs, on the arcs into the customers with a flag
    flagged = {pcust[i] for _j, _d, i in found}
    into = np.array([c in flagged for c in pcust] + [False] * (n - n_p))[v]
    full = _csr(u[into], v[into], w[into], n)
    comp_of = np.full(n, -1, dtype=np.int64)
    comps = sorted({s.get("competitor", "") for s in staff})
    cindex = {k: c for c, k in enumerate(comps)}
    for k, s in enumerate(staff):
        comp_of[n_p + n_e + k] = cindex[s.get("competitor", "")]
    starts = u[into & (u >= n_p + n_e)]
    theirs = {}
    for k, c in cindex.items():
        src = np.unique(starts[comp_of[starts] == c])
        theirs[k] = dijkstra(full, indices=src, min_only=True) if len(src) else np.full(n, np.inf)
    names = {c["id"]: c.get("name", "") for c in data.get("customers", [])}
    out = []
    for j, d, i in found:
        p = persons[i]
        reasons = ["UNCOVERED"]
        stance = p.get("closeness", "unknown")
        if stance in OPPOSING:
            reasons.append("OPPOSED")
        if stance == "unknown":
            reasons.append("STANCE_UNKNOWN")
        ks = set(j.get("competitors") or ()) or set(comps)
        t = min((theirs[k][i] for k in ks if k in theirs), default=np.inf)
        if t < cost[i]:
            reasons.append("COMPETITOR_CLOSER")
        amount = j.get("amount")
        record = {
            "project": j["id"], "customer": j["customer"], "person": d, "reasons": reasons,
            "customer_name": names.get(j["customer"], ""), "project_name": j.get("name", ""),
            "person_name": p.get("name", ""), "title": p.get("title", ""), "stage": j.get("stage", ""),
            "amount": None if amount is None else float(amount),
        }
        out.append(((j["id"], d, j["customer"]), record))
    out.sort(key=lambda r: r[0])
    sys.stdout.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for _k, r in out))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: peer.py EXPORT.json")
    main(sys.argv[1])
