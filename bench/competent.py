"""The competent baseline of issue 14: what a capable analyst writes instead of using brmgraph.

Read the JSON export, build each customer's networkx graph (arc costs of docs/spec.md
§4.2, opposers' out-arcs removed so they cannot relay), one multi-source Dijkstra from
our employees per customer, and print the flag records of ``brmgraph flags`` (JSON lines,
sorted by project, person). The competitor search (for the ``COMPETITOR_CLOSER`` reason)
runs only for customers with a flag, once per distinct set of bidding competitors.

One deviation from the issue's sketch: our search runs without ``cutoff=4``. A cutoff
would lose the cost of paths above 4, and ``COMPETITOR_CLOSER`` compares our cost with the
competitors' (a competitor at 5 is closer than us at 6), so the records would differ.

The script assumes the export's canonical English values (as ``brmgraph generate``
writes them); it does not validate anything.

    python bench/competent.py data.json > flags.jsonl
"""

from __future__ import annotations

import json
import sys

import networkx as nx

MAX_COST = 4
STRENGTH = {"strong": 1, "medium": 2, "weak": 3}
OPPOSING = {"oppose", "strong_oppose"}


def add_arc(g: nx.DiGraph, u: str, v: str, cost: int) -> None:
    old = g.get_edge_data(u, v)
    if old is None or cost < old["w"]:
        g.add_edge(u, v, w=cost)


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    persons: dict[str, dict] = {}
    by_customer: dict[str, list[dict]] = {}
    for p in data.get("key_persons", []):
        persons[p["id"]] = p
        by_customer.setdefault(p["customer"], []).append(p)
    employees = {e["id"] for e in data.get("employees", [])}
    customer_name = {c["id"]: c.get("name", "") for c in data.get("customers", [])}
    staff = {s["id"]: s.get("competitor") for s in data.get("competitor_staff", [])}
    infl_by_customer: dict[str, list[dict]] = {}
    for i in data.get("influences", []):
        t = persons.get(i["target"])
        if t is not None:
            infl_by_customer.setdefault(t["customer"], []).append(i)
    projects: dict[str, list[dict]] = {}
    for j in data.get("projects", []):
        if j.get("status", "open") == "open":
            projects.setdefault(j["customer"], []).append(j)

    out = []
    for cid in sorted(projects):
        members = {p["id"]: p for p in by_customer.get(cid, [])}
        infl = infl_by_customer.get(cid, [])
        full = nx.DiGraph()  # every arc: what competitors may use
        for p in members.values():
            b = p.get("reports_to")
            if b and b in members:
                add_arc(full, b, p["id"], 1)
                add_arc(full, p["id"], b, 2)
        for i in infl:
            s = i["source"]
            if s in members or s in employees or s in staff:
                add_arc(full, s, i["target"], STRENGTH[i.get("strength", "medium")])
        ours = full.copy()
        ours.remove_edges_from(
            [(u, v) for u, v in full.edges if u in members and members[u].get("closeness") in OPPOSING]
        )
        srcs = {i["source"] for i in infl if i["source"] in employees}
        cost = nx.multi_source_dijkstra_path_length(ours, srcs, weight="w") if srcs else {}
        theirs: dict[tuple[str, ...], dict[str, int]] = {}
        for j in sorted(projects[cid], key=lambda j: j["id"]):
            chain = sorted({m["person"] for m in j.get("decision_chain", []) if m["person"] in members})
            for d in chain:
                p = members[d]
                c = cost.get(d)
                if p.get("veto") != "yes" or (c is not None and c <= MAX_COST):
                    continue  # a direct arc costs at most 3, so "direct" is covered too
                reasons = ["UNCOVERED"]
                stance = p.get("closeness", "unknown")
                if stance in OPPOSING:
                    reasons.append("OPPOSED")
                if stance == "unknown":
                    reasons.append("STANCE_UNKNOWN")
                comps = tuple(sorted(set(j.get("competitors") or ())))
                if comps not in theirs:
                    cs = {s for s in full if s in staff and (not comps or staff[s] in comps)}
                    theirs[comps] = nx.multi_source_dijkstra_path_length(full, cs, weight="w") if cs else {}
                t = theirs[comps].get(d)
                if t is not None and (c is None or t < c):
                    reasons.append("COMPETITOR_CLOSER")
                names = {
                    "customer_name": customer_name.get(cid, ""), "project_name": j.get("name", ""),
                    "person_name": p.get("name", ""), "title": p.get("title", ""), "stage": j.get("stage", ""),
                    "amount": None if j.get("amount") is None else float(j["amount"]),
                }
                out.append((j["id"], d, cid, reasons, names))
    out.sort(key=lambda r: r[:3])
    w = sys.stdout.write
    for project, person, customer, reasons, names in out:
        record = {"project": project, "customer": customer, "person": person, "reasons": reasons, **names}
        w(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: competent.py EXPORT.json")
    main(sys.argv[1])
