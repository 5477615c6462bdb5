"""Relationship maps (brmgraph.maps, `brmgraph map`) without a browser.

The browser half (offline load, drawn counts, screenshots) is tests/test_maps_browser.py.
Expected numbers here are worked out by hand beside each small graph.
"""

from __future__ import annotations

import json
import random
import re
import time
from datetime import date
from pathlib import Path

import pytest

from brmgraph import maps
from brmgraph.errors import BadArgument, NotFound
from brmgraph.graph import COMPANY, CustomerGraph, Perspective
from brmgraph.model import Dataset
from brmgraph.service.scope import parse_perspective
from tests.builders import run_process
from tests.conftest import in_process

TODAY = date(2026, 11, 1)

# A small customer, drawn by hand:
#
#   E1 ==strong==> P2 (CIO, support)        S1 (K1) --weak--> P1
#   E2 --medium--> P3                        P3 ..internal medium..> P1
#   P1 (CEO, veto, unknown) <-reports- P2 <-reports- P3 (oppose)
#   P4 (approver, strong_support) reports to P1, nobody reaches P4 except via P1
#   E3 has no edge into C1 (only into C2)
#
# company best paths: P2 = E1>P2 (1); P1 = E1>P2>P1 (1+2 = 3, referral upward);
#   P3 = E1>P2>P3 (1+1 = 2) beats E2>P3 (2) on hops? no: E2>P3 costs 2 in 1 hop, and
#   E1>P2>P3 costs 2 in 2 hops -> E2>P3 wins (fewer arcs);
#   P4 = E1>P2>P1>P4 (3+1 = 4).
# Decision makers of C1: J1's chain (P1, P3) plus veto/approver yes (P1, P4) = P1, P3, P4.
SMALL = {
    "customers": [{"id": "C1", "name": "Huaxin Bank"}, {"id": "C2", "name": "Other Co"}],
    "key_persons": [
        {"id": "P1", "customer": "C1", "name": "Wang", "title": "CEO", "veto": "yes"},
        {"id": "P2", "customer": "C1", "name": "Li", "title": "CIO", "closeness": "support", "reports_to": "P1"},
        {"id": "P3", "customer": "C1", "name": "Zhao", "closeness": "oppose", "reports_to": "P2"},
        {"id": "P4", "customer": "C1", "name": "Sun", "closeness": "strong_support", "approver": "yes", "reports_to": "P1"},
        {"id": "Q1", "customer": "C2", "name": "Qian", "veto": "yes"},
    ],
    "employees": [
        {"id": "E1", "name": "Lei", "team": "East"},
        {"id": "E2", "name": "Mei", "team": "West"},
        {"id": "E3", "name": "Hao", "team": "West"},
    ],
    "competitors": [{"id": "K1", "name": "RivalSoft"}, {"id": "K2", "name": "Nobody Inc"}],
    "competitor_staff": [{"id": "S1", "name": "Zhang", "competitor": "K1"}, {"id": "S2", "name": "Idle", "competitor": "K1"}],
    "influences": [
        {"source": "E1", "target": "P2", "strength": "strong"},
        {"source": "E2", "target": "P3", "strength": "medium"},
        {"source": "S1", "target": "P1", "strength": "weak"},
        {"source": "P3", "target": "P1", "strength": "medium"},
        {"source": "E3", "target": "Q1", "strength": "strong"},
    ],
    "projects": [
        {"id": "J1", "customer": "C1", "name": "Core upgrade", "decision_chain": [
            {"person": "P1", "role": "decision_maker"}, {"person": "P3", "role": "evaluator"}], "competitors": ["K1"]},
    ],
    "interactions": [
        {"employee": "E1", "person": "P2", "date": "2026-10-01", "kind": "business consultation"},
        {"employee": "E1", "person": "P2", "date": "2024-10-01", "kind": "meeting"},
    ],
}


@pytest.fixture
def small() -> Dataset:
    return Dataset.model_validate(SMALL)


@pytest.fixture
def c1(small: Dataset) -> CustomerGraph:
    return CustomerGraph.from_dataset(small, "C1")


def node(m: maps.RelationshipMap, nid: str) -> dict:
    return next(n for n in m.nodes if n["id"] == nid)


def path_edges(m: maps.RelationshipMap) -> set[str]:
    return {e["id"] for e in m.edges if e.get("on_path")}


# ----------------------------------------------------------------------------- customer
def test_customer_map_counts_and_kinds(c1: CustomerGraph) -> None:
    m = maps.customer_map(c1, today=TODAY)
    # 4 key persons + E1, E2 + S1 (E3 and S2 have no edge into C1)
    assert sorted(n["id"] for n in m.nodes) == ["E1", "E2", "P1", "P2", "P3", "P4", "S1"]
    # 3 reporting lines + 4 influence edges into C1
    assert m.count_by_kind() == {
        "competitor_staff": 1,
        "employee": 2,
        "influences_external": 3,
        "influences_internal": 1,
        "key_person": 4,
        "reports_to": 3,
    }
    assert m.counts() == {"nodes": 7, "edges": 7}
    assert "Huaxin Bank" in m.title and "C1" in m.title
    # an org chart with three levels, laid out in advance: superiors above subordinates
    assert m.computed and m.options()["physics"]["enabled"] is False
    y = {n["id"]: n["y"] for n in m.nodes}
    for p in c1.persons.values():
        if p.reports_to:
            assert y[p.reports_to] < y[p.id], p.id
    assert max(y[x] for x in ("E1", "E2", "S1")) < min(y[x] for x in c1.persons)


def test_customer_map_highlights_best_paths_to_decision_makers(c1: CustomerGraph) -> None:
    m = maps.customer_map(c1, today=TODAY)
    # P1: E1>P2>P1 (reporting line P1->P2 used upward); P3: E2>P3; P4: E1>P2>P1>P4
    assert path_edges(m) == {"x:E1>P2", "r:P1>P2", "x:E2>P3", "r:P1>P4"}
    assert node(m, "P4")["path_nodes"] == ["E1", "P2", "P1", "P4"]
    assert node(m, "P4")["path_edges"] == ["x:E1>P2", "r:P1>P2", "r:P1>P4"]
    # highlighted edges are wider than their base width
    for e in m.edges:
        assert (e["width"] > e["base_width"]) == bool(e.get("on_path"))


def test_individual_perspective_changes_highlight(c1: CustomerGraph) -> None:
    m = maps.customer_map(c1, parse_perspective("individual:E2"), today=TODAY)
    # E2 reaches P3 directly; P3 opposes, so it relays nothing: P1 and P4 unreached
    assert path_edges(m) == {"x:E2>P3"}
    assert node(m, "P1")["reached"] is False and node(m, "P1")["coverage"] == "none"
    assert node(m, "P3")["coverage"] == "direct"
    assert m.perspective == "individual:E2"


def test_visual_grammar(c1: CustomerGraph) -> None:
    m = maps.customer_map(c1, today=TODAY)
    p1, p2, p3, p4 = (node(m, x) for x in ("P1", "P2", "P3", "P4"))
    assert p1["shape"] == "diamond" and p1["color"]["border"] == maps.VETO_BORDER  # veto
    assert p4["shape"] == "star" and p4["color"]["border"] == maps.APPROVER_BORDER  # approver
    assert p2["shape"] == p3["shape"] == "dot"
    # closeness on a diverging scale, grey for unknown
    assert p1["color"]["background"] == maps.CLOSENESS_COLOURS["unknown"] == "#bdbdbd"
    assert p2["color"]["background"] == maps.CLOSENESS_COLOURS["support"]
    assert p3["color"]["background"] == maps.CLOSENESS_COLOURS["oppose"]
    assert len(set(maps.CLOSENESS_COLOURS.values())) == 6
    # our employees vs competitor staff: different shape and colour
    e1, s1 = node(m, "E1"), node(m, "S1")
    assert e1["shape"] != s1["shape"]
    assert e1["color"]["background"] != s1["color"]["background"]
    # edge kinds are distinguishable; width follows strength
    by_id = {e["id"]: e for e in m.edges}
    styles = {(e["kind"], e["color"]["color"] if not e.get("on_path") else None, str(e["dashes"])) for e in m.edges}
    assert by_id["i:P3>P1"]["dashes"] and not by_id["r:P1>P2"]["dashes"]
    assert by_id["x:S1>P1"]["color"]["color"] != by_id["r:P1>P3" if "r:P1>P3" in by_id else "r:P2>P3"]["color"]["color"]
    assert by_id["x:S1>P1"]["base_width"] < by_id["x:E2>P3"]["base_width"] < by_id["x:E1>P2"]["base_width"]  # weak < medium < strong
    assert styles


def test_hover_card_has_features_strategy_and_degrees(c1: CustomerGraph) -> None:
    m = maps.customer_map(c1, today=TODAY)
    card = node(m, "P2")["card"]
    text = json.dumps(card, ensure_ascii=False)
    for label in ("关系紧密度", "方案认可度", "价格接受度", "一票否决人", "一票批准人", "汇报给", "影响力关系"):
        assert label in text
    assert "activate" in text and "激活" in text  # support -> activate
    assert "depth 3" in text and "1×/90d" in text  # one interaction in the window, business consultation
    assert "Best path" in text
    # cooling: nobody talked to P1 in 90 days
    assert "COOLING" in json.dumps(node(m, "P1")["card"])


# ----------------------------------------------------------------------------- project
def test_project_map(c1: CustomerGraph) -> None:
    m = maps.project_map(c1, "J1", today=TODAY)
    # members P1, P3; influencers of them: S1 (P1), P3 (P1), E2 (P3), P2 (reports: not an
    # influence) -> not included via influence; best paths: P1 = E1>P2>P1, P3 = E2>P3
    assert sorted(n["id"] for n in m.nodes) == ["E1", "E2", "P1", "P2", "P3", "S1"]
    # among them: reports P1>P2, P2>P3; influences E1>P2, E2>P3, S1>P1, P3>P1
    assert sorted(e["id"] for e in m.edges) == ["i:P3>P1", "r:P1>P2", "r:P2>P3", "x:E1>P2", "x:E2>P3", "x:S1>P1"]
    assert path_edges(m) == {"x:E1>P2", "r:P1>P2", "x:E2>P3"}
    assert "evaluator" in node(m, "P3")["label"]
    assert "Core upgrade" in m.title and "J1" in m.title
    with pytest.raises(NotFound):
        maps.project_map(c1, "J9", today=TODAY)


# ----------------------------------------------------------------------------- company / competitor
def test_company_map(small: Dataset) -> None:
    cgs = [CustomerGraph.from_dataset(small, c.id) for c in small.customers]
    m = maps.company_map(cgs, employees=small.employees, today=TODAY)
    ids = sorted(n["id"] for n in m.nodes)
    # employees E1-E3; C1: direct P2, P3, reached DMs P1 (3), P3 (direct), P4 (4), on paths P2;
    # C2: direct Q1 (also a DM)
    assert ids == ["E1", "E2", "E3", "P1", "P2", "P3", "P4", "Q1", "customer:C1", "customer:C2"]
    kinds = m.count_by_kind()
    assert kinds["works_at"] == 5
    assert kinds["influences_external"] == 3  # E1>P2, E2>P3, E3>Q1 (S1 is not ours)
    assert kinds["influences_internal"] == 1 and kinds["reports_to"] == 3
    assert "competitor_staff" not in kinds
    # team perspective: only West (E2, E3)
    west = maps.company_map(cgs, parse_perspective("team:West"), employees=small.employees, today=TODAY)
    assert {n["id"] for n in west.nodes if n["kind"] == "employee"} == {"E2", "E3"}
    with pytest.raises(BadArgument):
        maps.company_map(cgs, parse_perspective("competitor:K1"), today=TODAY)


def test_competitor_map(small: Dataset) -> None:
    cgs = [CustomerGraph.from_dataset(small, c.id) for c in small.customers]
    m = maps.competitor_map(cgs, "K1", staff=small.competitor_staff, today=TODAY)
    # K1 hub, staff S1 and S2 (idle), C1 hub, P1 (direct, DM, weak = cost 3) and, via
    # competitor paths without relay rule: S1>P1>P2 (3+1=4)... only decision makers and
    # their path relays are added: P3 (S1>P1>P2>P3 = 5 > 4: none) and P4 (S1>P1>P4 = 4).
    ids = sorted(n["id"] for n in m.nodes)
    assert ids == ["P1", "P4", "S1", "S2", "competitor:K1", "customer:C1"]
    assert m.count_by_kind()["works_for"] == 2
    assert path_edges(m) == {"x:S1>P1", "r:P1>P4"}
    assert m.perspective == "competitor:K1"
    assert "RivalSoft" in m.title


# ----------------------------------------------------------------------------- HTML
EXTERNAL = re.compile(
    r"""(?:<script[^>]*\bsrc\s*=|<link[^>]*\bhref\s*=\s*["']?https?:|@import|url\(\s*["']?(?:https?:)?//|<img[^>]*\bsrc\s*=\s*["']?https?:|<iframe)""",
    re.I,
)


def test_html_is_self_contained(c1: CustomerGraph, tmp_path: Path) -> None:
    page = maps.customer_map(c1, today=TODAY).write(tmp_path / "m.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert EXTERNAL.search(page) is None, EXTERNAL.search(page)
    assert "cdn" not in page.lower().replace("cdn_resources", "")
    assert "vis.Network" in page and "window.brmReady" in page
    # every script is inline: the vis-network library and our own code, nothing fetched
    assert set(re.findall(r"<script[^>]*>", page)) == {"<script>", '<script type="application/json" id="brm-map">'}
    assert re.findall(r"<link[^>]*>", page) == []


def test_names_cannot_break_out_of_the_page() -> None:
    evil = '</script><script>alert("x")</script><b onmouseover=1>'
    data = json.loads(json.dumps(SMALL))
    data["key_persons"][0]["name"] = evil
    data["customers"][0]["name"] = evil
    cg = CustomerGraph.from_dataset(Dataset.model_validate(data), "C1")
    page = maps.customer_map(cg, today=TODAY).html()
    assert evil not in page
    assert '<script>alert("x")' not in page
    # the name only lives inside the JSON data (shown with textContent) and escaped HTML
    outside = "\n".join(line for line in page.splitlines() if not line.startswith("var BRM = "))
    assert "<b onmouseover" not in outside
    assert "&lt;b onmouseover=1&gt;" in outside


# ----------------------------------------------------------------------------- scale
def synthetic(persons: int = 440, employees: int = 40, staff: int = 20, seed: int = 5) -> Dataset:
    """One customer with ``persons`` key persons (a random org tree), ``employees`` +
    ``staff`` people with three edges each, internal influences, one 8-member project."""
    rnd = random.Random(seed)
    stances = ["strong_support", "support", "neutral", "oppose", "strong_oppose", "unknown"]
    kps = []
    for i in range(persons):
        up = f"P{rnd.randrange(1, i // 3 + 2)}" if i else None
        kps.append({
            "id": f"P{i + 1}", "customer": "C1", "name": f"Person {i + 1}", "title": "Director",
            "department": f"D{i % 9}", "closeness": rnd.choice(stances),
            "veto": "yes" if rnd.random() < 0.05 else "no", "approver": "yes" if rnd.random() < 0.04 else "unknown",
            "reports_to": up,
        })
    pairs: dict[tuple[str, str], str] = {}
    while len(pairs) < persons // 2:
        a, b = rnd.sample(range(1, persons + 1), 2)
        pairs[(f"P{a}", f"P{b}")] = rnd.choice(["strong", "medium", "weak"])
    srcs = [f"E{i + 1}" for i in range(employees)] + [f"S{i + 1}" for i in range(staff)]
    for s in srcs:
        for t in rnd.sample(range(1, persons + 1), 3):
            pairs[(s, f"P{t}")] = rnd.choice(["strong", "medium", "weak"])
    return Dataset.model_validate({
        "customers": [{"id": "C1", "name": "Big Bank"}],
        "key_persons": kps,
        "employees": [{"id": f"E{i + 1}", "name": f"Emp {i + 1}", "team": "East" if i % 2 else "West"} for i in range(employees)],
        "competitors": [{"id": "K1", "name": "RivalSoft"}],
        "competitor_staff": [{"id": f"S{i + 1}", "name": f"Staff {i + 1}", "competitor": "K1"} for i in range(staff)],
        "influences": [{"source": a, "target": b, "strength": s} for (a, b), s in sorted(pairs.items())],
        "projects": [{"id": "J1", "customer": "C1", "name": "Platform", "decision_chain": [
            {"person": f"P{x}", "role": "decision_maker"} for x in rnd.sample(range(1, persons + 1), 8)], "competitors": ["K1"]}],
    })


def test_500_nodes_build_fast_with_computed_positions() -> None:
    ds = synthetic()
    cg = CustomerGraph.from_dataset(ds, "C1")
    t0 = time.perf_counter()
    m = maps.customer_map(cg, today=TODAY)
    page = m.html()
    elapsed = time.perf_counter() - t0
    assert m.counts()["nodes"] == 500
    assert m.counts()["edges"] == sum(1 for p in ds.key_persons if p.reports_to) + len(ds.influences)
    # every node has its place: the browser runs no physics at all
    assert m.computed and all("x" in n and "y" in n for n in m.nodes)
    opts = m.options()
    assert opts["physics"]["enabled"] is False and opts["layout"]["improvedLayout"] is False
    # no two nodes share a place
    assert len({(n["x"], n["y"]) for n in m.nodes}) == 500
    # a big customer opens on its decision makers and the paths to them
    assert m.start_view == "core"
    core = set(m.views["core"]["ids"])
    assert {c["id"] for c in m.contract_nodes if c["decision_maker"]} <= core
    assert all(set(p["path"]) <= core for p in m.contract_paths)
    assert len(core) < 500 and set(m.views["core"]["pos"]) == core
    assert elapsed < 20, elapsed
    assert len(page) < 5_000_000


def test_org_chart_levels_departments_and_screen_shape() -> None:
    from brmgraph.maps.layout import org_chart

    cg = CustomerGraph.from_dataset(synthetic(60, employees=8, staff=4), "C1")
    pos, groups = org_chart(cg, list(cg.persons), (("Our employees", sorted(cg.employees)),))
    assert set(pos) == set(cg.persons) | set(cg.employees)
    for p in cg.persons.values():
        if p.reports_to:
            assert pos[p.reports_to][1] < pos[p.id][1]
    labels = [g["label"] for g in groups]
    assert labels[0] == "Our employees" and {p.department for p in cg.persons.values()} >= set(labels[1:])
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    assert 0.4 < w / h < 4, (w, h)  # roughly screen-shaped, not one endless row
    # nodes keep a label's width apart on a row
    rows: dict = {}
    for x, y in pos.values():
        rows.setdefault(y, []).append(x)
    for xs_row in rows.values():
        xs_row.sort()
        assert all(b - a >= 150 for a, b in zip(xs_row, xs_row[1:]))


# ----------------------------------------------------------------------------- demo + CLI
def demo_store(tmp_path: Path) -> str:
    """A fresh embedded store holding the bundled demo data set; returns its URL."""
    from brmgraph.cli.demo import demo_data_path
    from brmgraph.dataset import import_path
    from brmgraph.store import open_store

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    st = open_store(url)
    try:
        import_path(st, demo_data_path())
    finally:
        st.close()
    return url


def expected_demo_counts(url: str) -> dict[tuple[str, str | None], dict[str, int]]:
    """Node and edge counts of the demo's maps, worked out from the store and the analyses
    independently of brmgraph.maps."""
    from brmgraph.analysis.coverage import coverage
    from brmgraph.store import open_store

    out: dict[tuple[str, str | None], dict[str, int]] = {}
    st = open_store(url)
    try:
        full = st.export()
        cgs = {c.id: CustomerGraph.from_dataset(st.customer_graph(c.id), c.id) for c in st.customers()}
    finally:
        st.close()
    # customer maps: key persons + staff with an edge in; reporting lines + influences
    for cid, cg in cgs.items():
        out[("customer", cid)] = {
            "nodes": len(cg.persons) + len(cg.employees) + len(cg.staff),
            "edges": sum(1 for p in cg.persons.values() if p.reports_to) + len(cg.influences),
        }
    # project maps: members, their influencers, best-path nodes; edges among them
    for j in full.projects:
        cg = cgs[j.customer]
        cov = coverage(cg, COMPANY, project=j.id)
        inc = {m.person for m in cov.members}
        inc |= {i.source for i in cg.influences if i.target in inc}
        for m in cov.members:
            inc |= set(m.path)
        edges = sum(1 for p in cg.persons.values() if p.id in inc and p.reports_to in inc)
        edges += sum(1 for i in cg.influences if i.source in inc and i.target in inc)
        out[("project", j.id)] = {"nodes": len(inc), "edges": edges}

    def reach(sources: set[str], perspective: Perspective, gaps: bool = False) -> tuple[int, int]:
        # gaps (our company map): every decision maker we do not reach is drawn as well
        nodes = edges = 0
        for cg in cgs.values():
            if not gaps and not (set(cg.employees) | set(cg.staff)) & sources:
                continue
            inc = {i.target for i in cg.influences if i.source in sources}
            for m in coverage(cg, perspective).members:
                if m.status != "none":
                    inc |= {m.person} | {x for x in m.path if x in cg.persons}
                elif gaps:
                    inc.add(m.person)
            if not inc:
                continue
            nodes += 1 + len(inc)
            edges += len(inc)  # works at
            edges += sum(1 for p in cg.persons.values() if p.id in inc and p.reports_to in inc)
            edges += sum(1 for i in cg.influences if i.target in inc and (i.source in sources or i.source in inc))
        return nodes, edges

    n, e = reach({x.id for x in full.employees}, COMPANY, gaps=True)
    out[("company", None)] = {"nodes": n + len(full.employees), "edges": e}
    for k in full.competitors:
        staff = {s.id for s in full.competitor_staff if s.competitor == k.id}
        n, e = reach(staff, Perspective("competitor", k.id))
        out[("competitor", k.id)] = {"nodes": n + 1 + len(staff), "edges": e + len(staff)}
    return out


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_store(tmp_path_factory.mktemp("demo"))


def test_demo_maps_have_the_expected_counts(demo_url: str) -> None:
    from brmgraph.store import open_store

    expected = expected_demo_counts(demo_url)
    assert len(expected) >= 4 + 3
    st = open_store(demo_url)
    try:
        for (kind, ident), want in expected.items():
            m = maps.map_from_store(st, kind, ident, today=TODAY)
            assert m.counts() == want, (kind, ident)
            assert m.kind == kind
    finally:
        st.close()


def run_cli(*args: str) -> tuple[int, str, str]:
    p = in_process(*args)
    return p.returncode, p.stdout, p.stderr


def test_cli_map_writes_each_kind(demo_url: str, tmp_path: Path) -> None:
    expected = expected_demo_counts(demo_url)
    for args, key in (
        (["customer", "C1"], ("customer", "C1")),
        (["project", "J1"], ("project", "J1")),
        (["company"], ("company", None)),
        (["competitor", "K1"], ("competitor", "K1")),
    ):
        out = tmp_path / f"{args[0]}.html"
        rc, stdout, stderr = run_cli("map", *args, "--out", str(out), "--store", demo_url, "--json", "--today", "2026-11-01")
        assert rc == 0, stderr
        doc = json.loads(stdout)
        assert doc["map"] == args[0] and doc["out"] == str(out)
        assert {"nodes": doc["nodes"], "edges": doc["edges"]} == expected[key]
        assert out.stat().st_size == doc["bytes"] > 100_000


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["customer", "C404"], 4, "unknown customer"),
        (["project", "J404"], 4, "J404"),
        (["competitor", "K404"], 4, "unknown competitor"),
        (["customer"], 2, "needs an id"),
        (["company", "X"], 2, "takes no id"),
        (["customer", "C1", "-p", "individual:E404"], 4, "E404"),
        (["customer", "C1", "-p", "sideways"], 2, "perspective"),
        (["company", "-p", "competitor:K1"], 2, "competitor"),
        (["competitor", "K1", "-p", "company"], 2, "competitor:K1"),
        (["customer", "C1", "--today", "yesterday"], 2, "--today"),
        (["planet", "X"], 2, ""),
    ],
)
def test_cli_map_errors(demo_url: str, tmp_path: Path, args: list[str], code: int, message: str) -> None:
    out = tmp_path / "x.html"
    rc, stdout, stderr = run_cli("map", *args, "--out", str(out), "--store", demo_url)
    assert rc == code, (stdout, stderr)
    assert stderr.startswith("error:") and message in stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_cli_map_needs_out(demo_url: str) -> None:
    rc, _, stderr = run_cli("map", "customer", "C1", "--store", demo_url)
    assert rc != 0 and "--out" in stderr


# ----------------------------------------------------------------------------- gaps first
def test_gaps_are_marked_and_over_budget_paths_dashed(c1: CustomerGraph) -> None:
    # max cost 3: P4's best path E1>P2>P1>P4 costs 4 -> not reached, drawn dashed grey
    m = maps.customer_map(c1, today=TODAY, max_cost=3)
    p1, p4 = node(m, "P1"), node(m, "P4")
    assert p4["badge"] == "NOT REACHED" and p4["coverage"] == "none"
    assert p4["badge"] != p4["color"]["border"]  # the marker is not the approver frame
    assert p1["badge"].startswith("EXPOSED") and "STANCE UNKNOWN" in p1["badge"]  # reached, but stance unknown
    assert "badge" not in node(m, "P3")
    by_id = {e["id"]: e for e in m.edges}
    last = by_id["r:P1>P4"]
    assert last.get("over_budget") and not last.get("on_path")
    assert last["dashes"] and last["color"]["color"] == maps.style.OVER_BUDGET_COLOUR and last["label"] == "cost 4"
    # shared edges of a reached path stay solid orange
    assert by_id["x:E1>P2"]["on_path"] and by_id["x:E1>P2"]["dashes"] is False
    assert by_id["x:E1>P2"]["color"]["color"] == maps.PATH_COLOUR
    # at max cost 4 the same path is reached and solid
    m4 = maps.customer_map(c1, today=TODAY, max_cost=4)
    assert {e["id"] for e in m4.edges if e.get("over_budget")} == set()
    assert "badge" not in node(m4, "P4")


def test_steps_are_drawn_in_the_direction_of_travel(c1: CustomerGraph) -> None:
    m = maps.customer_map(c1, today=TODAY)
    by_id = {e["id"]: e for e in m.edges}
    # E1>P2>P1 refers UP the reporting line P1>P2: the arrow points at the superior P1
    assert by_id["r:P1>P2"]["from"] == "P1" and by_id["r:P1>P2"]["arrows"] == "from"
    # P1>P4 goes down the line: the arrow points at P4
    assert by_id["r:P1>P4"]["arrows"] == "to"
    # edges not on a path keep the drawn direction
    assert by_id["r:P2>P3"]["arrows"] == "to"


def test_hover_colour_is_not_the_path_colour(c1: CustomerGraph) -> None:
    m = maps.customer_map(c1, today=TODAY)
    for e in m.edges:
        assert e["color"]["hover"] == e["color"]["highlight"] != maps.PATH_COLOUR
    for n in m.nodes:
        if "highlight" in n["color"]:
            assert n["color"]["highlight"]["border"] != maps.PATH_COLOUR


def test_company_map_always_shows_uncovered_decision_makers() -> None:
    data = json.loads(json.dumps(SMALL))
    # C3: a customer none of our employees touches, with a veto holder
    data["customers"].append({"id": "C3", "name": "Far Away"})
    data["key_persons"].append({"id": "R1", "customer": "C3", "name": "Ren", "veto": "yes"})
    ds = Dataset.model_validate(data)
    cgs = [CustomerGraph.from_dataset(ds, c.id) for c in ds.customers]
    m = maps.company_map(cgs, employees=ds.employees, today=TODAY)
    assert node(m, "R1")["badge"] == "NOT REACHED" and "customer:C3" in {n["id"] for n in m.nodes}
    assert any("NOT REACHED (1)" in s and "Ren (R1)" in s for s in m.summary)
    legend = maps.style.legend_html()
    for entry in ("NOT REACHED", "customer", "competitor 友商 (hexagon)", "over the cost limit", "hovered"):
        assert entry in legend


def test_map_contract_is_embedded(c1: CustomerGraph) -> None:
    m = maps.customer_map(c1, today=TODAY, max_cost=3)
    page = m.html()
    found = re.search(r'<script type="application/json" id="brm-map">(.*?)</script>', page, re.S)
    assert found
    doc = json.loads(found.group(1))
    assert doc == json.loads(json.dumps(m.contract()))
    assert set(doc) == {"kind", "scope", "perspective", "max_cost", "nodes", "paths"}
    assert doc["scope"] == {"customer": "C1"} and doc["max_cost"] == 3
    assert [n["id"] for n in doc["nodes"]] == [n["id"] for n in m.nodes]
    p4 = next(n for n in doc["nodes"] if n["id"] == "P4")
    assert p4 == {"id": "P4", "kind": "key_person", "decision_maker": True, "status": "none", "cost": 4, "reasons": ["UNCOVERED"]}
    assert {"target": "P4", "path": ["E1", "P2", "P1", "P4"], "cost": 4, "within_budget": False} in doc["paths"]


def _contract_agrees(m: maps.RelationshipMap, cg: CustomerGraph, project: str | None, max_cost: int) -> int:
    """Compare a map's contract with coverage --json and exposure --json; returns DMs checked."""
    from brmgraph.analysis.coverage import coverage
    from brmgraph.analysis.exposure import exposure

    cov = coverage(cg, parse_perspective(m.perspective), project=project, max_cost=max_cost).model_dump(mode="json")
    exp = exposure(cg, project=project, max_cost=max_cost).model_dump(mode="json")
    doc = m.contract()
    nodes = {n["id"]: n for n in doc["nodes"] if n["kind"] == "key_person"}
    members = {x["person"]: x for x in cov["members"]}
    assert {k for k, n in nodes.items() if n["decision_maker"]} == set(members) & set(nodes)
    for pid, x in members.items():
        if pid in nodes:
            assert (nodes[pid]["status"], nodes[pid]["cost"]) == (x["status"], x["cost"]), pid
    exposed = {x["person"]: x["reasons"] for x in exp["exposed"]}
    for pid, n in nodes.items():
        assert n["reasons"] == exposed.get(pid, []), pid
        if not n["decision_maker"]:
            assert n["status"] is None
    for p in doc["paths"]:
        x = members[p["target"]]
        assert p["path"] == x["path"] and p["cost"] == x["cost"]
        assert p["within_budget"] == (x["cost"] <= max_cost)
    return len(members)


def test_map_contract_equals_coverage_and_exposure_on_generated_data() -> None:
    import io

    from brmgraph.generate import generate

    buf = io.StringIO()
    generate(buf, customers=8, persons_per=30, employees=40, competitors=3, staff_per=4, seed=11)
    ds = Dataset.model_validate(json.loads(buf.getvalue()))
    checked = 0
    for c in ds.customers[:12]:
        cg = CustomerGraph.from_dataset(ds, c.id)
        for max_cost in (2, 4):
            checked += _contract_agrees(maps.customer_map(cg, today=TODAY, max_cost=max_cost), cg, None, max_cost)
        for j in sorted(cg.projects)[:2]:
            checked += _contract_agrees(maps.project_map(cg, j, today=TODAY), cg, j, 4)
    assert checked > 20


@pytest.mark.parametrize(
    "strength, up, want_edge, want_kind",
    [
        ("weak", False, "r:K03>K08", "reports_down"),  # reporting line 1 < influence 3
        ("strong", False, "r:K03>K08", "reports_down"),  # equal cost 1: reports_down comes first
        ("strong", True, "i:K08>K03", "influences_internal"),  # influence 1 < referral up 2
        ("medium", True, "r:K03>K08", "reports_up"),  # equal cost 2: reports_up comes first
        ("weak", True, "r:K03>K08", "reports_up"),  # referral up 2 < influence 3
    ],
)
def test_map_highlights_the_edge_the_steps_name(strength: str, up: bool, want_edge: str, want_kind: str) -> None:
    # K03 is K08's superior; an influence on the same pair, in either direction
    src, dst = ("K08", "K03") if up else ("K03", "K08")
    ds = Dataset.model_validate({
        "customers": [{"id": "C1"}],
        "key_persons": [
            {"id": "K03", "customer": "C1", "closeness": "support", "veto": "yes" if up else "no"},
            {"id": "K08", "customer": "C1", "closeness": "support", "reports_to": "K03", "veto": "no" if up else "yes"},
        ],
        "employees": [{"id": "E1"}],
        "influences": [{"source": "E1", "target": src, "strength": "strong"}, {"source": src, "target": dst, "strength": strength}],
    })
    cg = CustomerGraph.from_dataset(ds, "C1")
    m = maps.customer_map(cg, today=TODAY)
    steps = cg.steps([src, dst])
    assert [s.kind for s in steps] == [want_kind]
    assert path_edges(m) == {f"x:E1>{src}", want_edge}
    assert node(m, dst)["path_edges"] == [f"x:E1>{src}", want_edge]
    edge = next(e for e in m.edges if e["id"] == want_edge)
    # the arrow points where the path travels: from src to dst
    assert (edge["from"], edge["to"]) == (src, dst) and edge["arrows"] == "to" or (
        (edge["from"], edge["to"]) == (dst, src) and edge["arrows"] == "from"
    )


def test_focus_modes(c1: CustomerGraph) -> None:
    m = maps.customer_map(c1, today=TODAY, focus="project:J1")
    # J1's chain P1, P3; one hop around them (P2, P4, S1, E2 and P3's/P1's neighbours); best paths E1>P2>P1, E2>P3
    assert {"P1", "P3", "E1", "E2", "P2"} <= {n["id"] for n in m.nodes}
    assert {n["id"] for n in m.contract()["nodes"]} == {n["id"] for n in m.nodes}
    one = maps.customer_map(c1, today=TODAY, focus="person:P3:1")
    # P3's neighbours: P2 (its superior), E2 and P1 (influence edges); plus its best path E2>P3
    assert sorted(n["id"] for n in one.nodes) == ["E2", "P1", "P2", "P3"]
    assert all(e["from"] in {"E2", "P1", "P2", "P3"} and e["to"] in {"E2", "P1", "P2", "P3"} for e in one.edges)
    with pytest.raises(NotFound):
        maps.customer_map(c1, today=TODAY, focus="person:P404")
    with pytest.raises(BadArgument):
        maps.customer_map(c1, today=TODAY, focus="everything")


# ----------------------------------------------------------------------------- aggregated maps
def test_aggregated_company_map_one_node_per_customer(small: Dataset) -> None:
    """Aggregated: our employees and one node per customer carrying its coverage and the
    decision makers we do not reach; a click opens each customer's decision makers and
    the best paths to them (all of them, reached or not)."""
    from brmgraph.analysis.context import AnalysisContext
    from brmgraph.analysis.coverage import coverage

    cgs = [CustomerGraph.from_dataset(small, c.id) for c in small.customers]
    m = maps.company_map(cgs, employees=small.employees, today=TODAY, aggregate=True)
    assert sorted(n["id"] for n in m.nodes) == ["E1", "E2", "E3", "customer:C1", "customer:C2"]
    assert m.computed and set(m.expand) == {"customer:C1", "customer:C2"}
    contract = {c["id"]: c for c in m.contract()["nodes"]}
    for cg in cgs:
        cov = coverage(AnalysisContext(cg, 4), COMPANY, max_cost=4)
        hub = contract[f"customer:{cg.id}"]
        assert hub["coverage"] == cov.coverage
        assert hub["not_reached"] == [x.person for x in cov.members if x.status == "none"]
        opened = m.expand[f"customer:{cg.id}"]
        assert {x.person for x in cov.members} <= set(opened["ids"]) == set(opened["pos"])
        for x in cov.members:
            if x.status != "none":
                assert set(x.path) <= set(opened["ids"])
        node = next(n for n in m.nodes if n["id"] == f"customer:{cg.id}")
        if hub["not_reached"]:
            assert node["badge"] == f"{len(hub['not_reached'])} NOT REACHED"
    # one hidden "reaches" edge per employee and customer it influences directly
    pairs = sorted((e["from"], e["to"]) for e in m.edges if e["kind"] == "reaches")
    assert pairs == [("E1", "customer:C1"), ("E2", "customer:C1"), ("E3", "customer:C2")]
    assert all(e["hidden"] for e in m.edges if e["kind"] == "reaches")
    # detailed by default for a few customers
    assert not maps.company_map(cgs, employees=small.employees, today=TODAY).expand


def test_aggregated_maps_scale_with_customers() -> None:
    """60 generated customers: aggregated automatically, a small page."""
    import tempfile

    from brmgraph.dataset import import_path
    from brmgraph.generate import generate
    from brmgraph.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "d.json"
        generate(str(data), customers=60, persons_per=20, employees=40, competitors=2, seed=3)
        url = f"sqlite:///{Path(tmp) / 's.db'}"
        st = open_store(url)
        try:
            import_path(st, data)
            m = maps.map_from_store(st, "company", today=TODAY)
            k = maps.map_from_store(st, "competitor", st.competitors()[0].id, today=TODAY)
        finally:
            st.close()
    assert m.expand and m.count_by_kind()["customer"] == 60 and "key_person" not in m.count_by_kind()
    assert k.expand and "key_person" not in k.count_by_kind()
    assert len(m.html()) < 1_500_000


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


@pytest.mark.parametrize("kind, ident", [("customer", "C1"), ("project", "J1"), ("company", None), ("competitor", "K1")])
def test_lang_en_maps_have_english_labels_only(demo_url: str, kind: str, ident: str | None) -> None:
    """--lang en: no Chinese in any word of ours (legend, titles, cards, edge titles);
    Chinese is left only where the data has it (names, titles, departments)."""
    from brmgraph.maps.page import render
    from brmgraph.store import open_store

    st = open_store(demo_url)
    try:
        data_words = set()
        full = st.export()
        for rec in (*full.key_persons, *full.employees, *full.competitor_staff, *full.customers, *full.competitors, *full.projects):
            for f in ("name", "title", "department", "team", "industry"):
                v = getattr(rec, f, None)
                if isinstance(v, str):
                    data_words.add(v)
        for agg in (False, True) if kind in ("company", "competitor") else (None,):
            m = maps.map_from_store(st, kind, ident, today=TODAY, lang="en", aggregate=agg)
            page = render(m, vis_src="/static/vis.js")  # the vis library itself has a Chinese locale
            assert CJK.search(render(maps.map_from_store(st, kind, ident, today=TODAY, aggregate=agg), vis_src="/v.js"))
            text = page
            for w in sorted(data_words, key=len, reverse=True):
                text = text.replace(json.dumps(w, ensure_ascii=False)[1:-1], "").replace(w, "")
            expand = json.dumps(m.expand, ensure_ascii=False)
            for w in sorted(data_words, key=len, reverse=True):
                expand = expand.replace(json.dumps(w, ensure_ascii=False)[1:-1], "")
            left = CJK.findall(text) + CJK.findall(expand)
            assert not left, (kind, agg, "".join(left)[:80])
    finally:
        st.close()


def test_demo_writes_its_maps_and_points_at_serve(tmp_path: Path) -> None:
    """`brmgraph demo` leaves the customer and project maps of its story in the demo folder,
    prints their paths and how to serve the demo store."""

    folder = tmp_path / "demo"
    r = run_process("demo", "--dir", str(folder), timeout=300,
                       env={**__import__("os").environ, "COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    written = sorted(folder.glob("map-*.html"))
    assert [p.name for p in written if p.name.startswith("map-customer-")], written
    assert [p.name for p in written if p.name.startswith("map-project-")], written
    for p in written:
        assert str(p.resolve()) in r.stdout
        page = p.read_text(encoding="utf-8")
        contract = json.loads(re.search(r'<script type="application/json" id="brm-map">(.*?)</script>', page, re.S).group(1))
        assert contract["kind"] in ("customer", "project") and contract["nodes"]
    assert f"brmgraph serve --store sqlite:///{(folder / 'brm.db').resolve()}" in r.stdout


def test_project_map_states_deal_health_from_the_analysis(c1: CustomerGraph) -> None:
    from brmgraph.analysis.health import health

    m = maps.project_map(c1, "J1", today=TODAY)
    want = health(c1, "J1")
    assert want in ("red", "amber", "green")
    assert any(s.endswith(f"· health {want}") for s in m.summary)


def test_person_card_shows_observed_strength_where_it_differs(c1: CustomerGraph) -> None:
    from brmgraph.analysis.observed import observed_strengths

    observed = observed_strengths(c1, TODAY)
    declared = {(i.source, i.target): i.strength.value for i in c1.influences}
    differs = [k for k, v in observed.items() if v.value != declared[k]]
    assert differs, "the SMALL data set has a tie whose observed strength differs"
    emp, pid = differs[0]
    text = json.dumps(node(maps.customer_map(c1, today=TODAY), pid)["card"], ensure_ascii=False)
    assert f"({declared[(emp, pid)]}; observed {observed[(emp, pid)].value})" in text
