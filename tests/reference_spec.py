"""An independent, brute-force reference implementation of SPEC §4 (paths, coverage,
exposure, flags and the influence line of the report), written from the SPEC alone.

It works on a plain data-set dict (the JSON of SPEC §3, with English enum keys) and
deliberately shares no code with ``brmgraph.analysis`` or ``brmgraph.graph``: best paths
are found by enumerating every simple path (fine for the small graphs of the tests).
It is used by ``tests/test_reference_conformance.py`` to check the CLI's JSON output.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

COST = {"strong": 1, "medium": 2, "weak": 3}
OPPOSING = ("oppose", "strong_oppose")
DEFAULT_MAX_COST = 4


class Ref:
    """The analyses of SPEC §4 over one data set."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.kp = {p["id"]: p for p in data.get("key_persons", [])}
        self.employees = {e["id"]: e for e in data.get("employees", [])}
        self.staff = {s["id"]: s for s in data.get("competitor_staff", [])}
        self.competitors = [k["id"] for k in data.get("competitors", [])]
        self.projects = {j["id"]: j for j in data.get("projects", [])}
        self.customers = [c["id"] for c in data.get("customers", [])]
        # arcs: (u, v) -> least cost; influence edges kept separately for "direct"
        self.arcs: dict[tuple[str, str], int] = {}
        # every edge behind each ordered pair, as (cost, kind)
        self.edges: dict[tuple[str, str], list[tuple[int, str]]] = {}
        self.influence: set[tuple[str, str]] = set()
        for inf in data.get("influences", []):
            u, v = inf["source"], inf["target"]
            kind = "influences_internal" if u in self.kp else "influences_external"
            self._arc(u, v, COST[inf.get("strength", "medium")], kind)
            self.influence.add((u, v))
        for p in self.kp.values():
            boss = p.get("reports_to")
            if boss:
                self._arc(boss, p["id"], 1, "reports_down")  # superior -> subordinate
                self._arc(p["id"], boss, 2, "reports_up")  # referral upward
        self.out: dict[str, list[tuple[str, int]]] = {}
        for (u, v), c in sorted(self.arcs.items()):
            self.out.setdefault(u, []).append((v, c))
        self._cache: dict[tuple[str, str], dict[str, tuple[int, int, list[str]]]] = {}

    def _arc(self, u: str, v: str, cost: int, kind: str) -> None:
        if (u, v) not in self.arcs or cost < self.arcs[(u, v)]:
            self.arcs[(u, v)] = cost
        self.edges.setdefault((u, v), []).append((cost, kind))

    def arc_kind(self, u: str, v: str) -> str:
        """The kind of the cheapest edge on (u, v); equal costs go to the first of
        reports_down, reports_up, influences_internal, influences_external."""
        order = ["reports_down", "reports_up", "influences_internal", "influences_external"]
        return min(self.edges[(u, v)], key=lambda ck: (ck[0], order.index(ck[1])))[1]

    # ------------------------------------------------------------------ 4.1
    def sources(self, perspective: str) -> list[str]:
        if perspective == "company":
            return sorted(self.employees)
        kind, _, arg = perspective.partition(":")
        if kind == "individual":
            return [arg]
        if kind == "team":
            return sorted(e for e, r in self.employees.items() if r.get("team", "") == arg)
        if kind == "competitor":
            if arg == "*":
                return sorted(self.staff)
            return sorted(s for s, r in self.staff.items() if r["competitor"] == arg)
        raise ValueError(perspective)

    def relay_rule(self, perspective: str) -> bool:
        return not perspective.startswith("competitor")

    # ------------------------------------------------------------------ 4.2
    def best_paths(self, perspective: str) -> dict[str, tuple[int, int, list[str]]]:
        """target key person -> (cost, hops, path) of its best path (brute force: every
        simple path from every source is enumerated)."""
        key = ("p", perspective)
        if key in self._cache:
            return self._cache[key]
        relay = self.relay_rule(perspective)
        best: dict[str, tuple[int, int, list[str]]] = {}

        def consider(path: list[str], cost: int) -> None:
            t = path[-1]
            cand = (cost, len(path) - 1, list(path))
            if t not in best or cand < best[t]:
                best[t] = cand

        def dfs(path: list[str], cost: int, seen: set[str]) -> None:
            u = path[-1]
            if len(path) > 1:
                if u not in self.kp:
                    return  # not a key person: never a target or relay
                consider(path, cost)
                if relay and self.kp[u].get("closeness") in OPPOSING:
                    return  # may be a target, never an intermediate
            for v, c in self.out.get(u, ()):
                if v in seen:
                    continue
                seen.add(v)
                path.append(v)
                dfs(path, cost + c, seen)
                path.pop()
                seen.discard(v)

        for s in self.sources(perspective):
            dfs([s], 0, {s})
        self._cache[key] = best
        return best

    def path(self, target: str, perspective: str = "company") -> dict[str, Any]:
        b = self.best_paths(perspective).get(target)
        if b is None:
            return {"target": target, "perspective": perspective, "cost": None, "hops": None, "path": [], "steps": []}
        steps = [
            {"from": u, "to": v, "kind": self.arc_kind(u, v), "cost": self.arcs[(u, v)]} for u, v in zip(b[2], b[2][1:])
        ]
        return {"target": target, "perspective": perspective, "cost": b[0], "hops": b[1], "path": b[2], "steps": steps}

    # ------------------------------------------------------------------ 4.3
    def project_decision_makers(self, project: str) -> list[str]:
        return sorted({m["person"] for m in self.projects[project].get("decision_chain", [])})

    def customer_decision_makers(self, customer: str) -> list[str]:
        out: set[str] = set()
        for j in self.projects.values():
            if j["customer"] == customer and j.get("status", "open") == "open":
                out.update(m["person"] for m in j.get("decision_chain", []))
        for p in self.kp.values():
            if p["customer"] == customer and (p.get("veto") == "yes" or p.get("approver") == "yes"):
                out.add(p["id"])
        return sorted(out)

    def decision_makers(self, scope: dict[str, str]) -> list[str]:
        if "project" in scope:
            return self.project_decision_makers(scope["project"])
        return self.customer_decision_makers(scope["customer"])

    def status(self, person: str, perspective: str, max_cost: int) -> tuple[str, dict[str, Any]]:
        srcs = set(self.sources(perspective))
        p = self.path(person, perspective)
        if any((s, person) in self.influence for s in srcs):
            st = "direct"
        elif p["cost"] is not None and p["cost"] <= max_cost:
            st = "indirect"
        else:
            st = "none"
        return st, p

    def weight(self, person: str) -> int:
        p = self.kp[person]
        return 3 if p.get("veto") == "yes" or p.get("approver") == "yes" else 1

    def coverage(self, scope: dict[str, str], perspective: str = "company", max_cost: int = DEFAULT_MAX_COST) -> dict[str, Any]:
        members = []
        covered = total = wcov = wtotal = 0
        for d in self.decision_makers(scope):
            st, p = self.status(d, perspective, max_cost)
            members.append({"person": d, "status": st, "cost": p["cost"], "path": p["path"]})
            w = self.weight(d)
            total += 1
            wtotal += w
            if st != "none":
                covered += 1
                wcov += w
        return {
            "scope": scope,
            "perspective": perspective,
            "max_cost": max_cost,
            "coverage": covered / total if total else None,
            "weighted_coverage": wcov / wtotal if wtotal else None,
            "members": members,
        }

    # ------------------------------------------------------------------ 4.4
    def competitor_perspectives(self, scope: dict[str, str]) -> list[str]:
        if "project" in scope:
            ks = self.projects[scope["project"]].get("competitors") or []
            if ks:
                return [f"competitor:{k}" for k in ks]
        return ["competitor:*"]

    def reasons(self, person: str, scope: dict[str, str]) -> list[str]:
        p = self.kp[person]
        out = []
        st, ours = self.status(person, "company", DEFAULT_MAX_COST)
        if st == "none":
            out.append("UNCOVERED")
        if p.get("closeness") in OPPOSING:
            out.append("OPPOSED")
        if p.get("closeness", "unknown") == "unknown":
            out.append("STANCE_UNKNOWN")
        theirs = [self.path(person, q)["cost"] for q in self.competitor_perspectives(scope)]
        theirs = [c for c in theirs if c is not None]
        if theirs and (ours["cost"] is None or min(theirs) < ours["cost"]):
            out.append("COMPETITOR_CLOSER")
        return out

    def exposure(self, scope: dict[str, str]) -> dict[str, Any]:
        exposed, unassessed = [], []
        for d in self.decision_makers(scope):
            p = self.kp[d]
            if p.get("veto", "unknown") == "unknown":
                unassessed.append(d)
            if p.get("veto") == "yes" or p.get("approver") == "yes":
                r = self.reasons(d, scope)
                if r:
                    exposed.append(
                        {"person": d, "veto": p.get("veto", "unknown"), "approver": p.get("approver", "unknown"), "reasons": r}
                    )
        return {"scope": scope, "exposed": exposed, "unassessed": unassessed}

    def flags(self, reason_scope: str = "project") -> list[dict[str, Any]]:
        """One record per (project, veto holder in an open project's chain with UNCOVERED),
        sorted by (project, person). ``reason_scope`` chooses the scope of the reasons."""
        out = []
        for jid in sorted(self.projects):
            j = self.projects[jid]
            if j.get("status", "open") != "open":
                continue
            scope = {"project": jid} if reason_scope == "project" else {"customer": j["customer"]}
            for d in self.project_decision_makers(jid):
                if self.kp[d].get("veto") != "yes":
                    continue
                r = self.reasons(d, scope)
                if "UNCOVERED" in r:
                    out.append({"project": jid, "customer": j["customer"], "person": d, "reasons": r})
        return out

    # ------------------------------------------------------------------ influence line
    def customer_persons(self, customer: str) -> list[str]:
        return sorted(p for p, r in self.kp.items() if r["customer"] == customer)

    def out_degree(self, person: str) -> int:
        return len({v for (u, v) in self.influence if u == person and v in self.kp})

    def kp_distances(self, customer: str, source: str, relay: bool = False) -> dict[str, int]:
        """Least cost from ``source`` to each key person of ``customer`` over 4.2 arcs between
        key persons (brute force over simple paths). ``relay``: opposers do not relay."""
        members = set(self.customer_persons(customer))
        dist: dict[str, int] = {}

        def dfs(u: str, cost: int, seen: set[str]) -> None:
            for v, c in self.out.get(u, ()):
                if v not in members or v in seen:
                    continue
                if v not in dist or cost + c < dist[v]:
                    dist[v] = cost + c
                if relay and self.kp[v].get("closeness") in OPPOSING:
                    continue
                seen.add(v)
                dfs(v, cost + c, seen)
                seen.discard(v)

        dfs(source, 0, {source})
        return dist

    def reach(self, customer: str, person: str, max_cost: int = DEFAULT_MAX_COST, *,
              count_self: bool = False, relay: bool = False) -> int:
        dm = set(self.customer_decision_makers(customer))
        dist = self.kp_distances(customer, person, relay)
        n = sum(1 for d in dm if d != person and d in dist and dist[d] <= max_cost)
        if count_self and person in dm:
            n += 1
        return n

    def betweenness(self, customer: str) -> dict[str, float]:
        import networkx as nx

        g = nx.DiGraph()
        members = self.customer_persons(customer)
        g.add_nodes_from(members)
        ms = set(members)
        for (u, v), c in self.arcs.items():
            if u in ms and v in ms:
                g.add_edge(u, v, cost=c)
        return nx.betweenness_centrality(g, weight="cost", normalized=False)

    def influence_persons(self, customer: str, max_cost: int = DEFAULT_MAX_COST) -> list[dict[str, Any]]:
        bc = self.betweenness(customer)
        return [
            {"person": p, "out_degree": self.out_degree(p), "betweenness": bc[p], "reach": self.reach(customer, p, max_cost)}
            for p in self.customer_persons(customer)
        ]


def betweenness_bruteforce(nodes: Iterable[str], arcs: dict[tuple[str, str], int]) -> dict[str, float]:
    """Directed unnormalised betweenness by enumerating all least-cost paths (cross-check of
    networkx on tiny graphs)."""
    nodes = sorted(nodes)
    out: dict[str, list[tuple[str, int]]] = {}
    for (u, v), c in arcs.items():
        out.setdefault(u, []).append((v, c))
    bc = {n: 0.0 for n in nodes}
    for s in nodes:
        paths: dict[str, list[tuple[int, list[str]]]] = {}

        def dfs(path: list[str], cost: int) -> None:
            u = path[-1]
            for v, c in out.get(u, ()):
                if v in path:
                    continue
                paths.setdefault(v, []).append((cost + c, path + [v]))  # noqa: B023 - dfs runs inside this iteration
                dfs(path + [v], cost + c)

        dfs([s], 0)
        for t, ps in paths.items():
            if t == s:
                continue
            m = min(c for c, _ in ps)
            shortest = [p for c, p in ps if c == m]
            for p in shortest:
                for mid in p[1:-1]:
                    bc[mid] += 1 / len(shortest)
    return bc
