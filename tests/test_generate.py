"""``brmgraph generate``: deterministic, valid under SPEC §3, the asked counts, streamed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

import networkx as nx

from brmgraph.generate import SECTIONS, generate

ARGS = dict(customers=12, persons_per=25, employees=30, competitors=3, staff_per=4, projects_per=4)


def _gen(tmp_path: Path, name: str = "g.json", **kw) -> tuple[Path, dict]:
    out = tmp_path / name
    summary = generate(out, **{**ARGS, "seed": 5, **kw})
    return out, summary.as_dict()


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    a, _ = _gen(tmp_path, "a.json")
    b, _ = _gen(tmp_path, "b.json")
    c, _ = _gen(tmp_path, "c.json", seed=6)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_counts(tmp_path: Path) -> None:
    out, s = _gen(tmp_path)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert list(doc) == list(SECTIONS)
    assert {k: len(v) for k, v in doc.items()} == s["counts"]
    n = s["counts"]
    assert n["customers"] == 12 and n["key_persons"] == 12 * 25 and n["employees"] == 30
    assert n["competitors"] == 3 and n["competitor_staff"] == 12 and n["projects"] == 48
    assert n["influences"] > n["key_persons"] and n["interactions"] > n["key_persons"] // 2
    status = Counter(j["status"] for j in doc["projects"])
    assert status["open"] == 12 * 3 == s["open_projects"]  # every third project is closed
    assert status["won"] and status["lost"]
    # arcs of SPEC §4.2: 2 per reports_to, 1 per influence
    arcs = 2 * sum(1 for p in doc["key_persons"] if p.get("reports_to")) + n["influences"]
    assert arcs == s["arcs"]


def test_output_is_valid_and_realistic(tmp_path: Path) -> None:
    from brmgraph.dataset import load_dataset
    from brmgraph.graph import CustomerGraph

    out, _ = _gen(tmp_path)
    ds = load_dataset(out)  # raises InvalidData on any SPEC §3 problem
    assert {p.closeness.value for p in ds.key_persons} == {
        "strong_support", "support", "neutral", "oppose", "strong_oppose", "unknown"}
    assert {p.veto.value for p in ds.key_persons} == {"yes", "no", "unknown"}
    assert len({x.kind for x in ds.interactions}) == 10
    cycles = 0
    for c in ds.customers:
        cg = CustomerGraph.from_dataset(ds, c.id)
        roots = [p for p in cg.persons.values() if not p.reports_to]
        assert len(roots) == 1  # one org tree per customer
        assert len({p.department for p in cg.persons.values()}) >= 3
        internal = nx.DiGraph([(i.source, i.target) for i in cg.influences if i.source in cg.persons])
        cycles += bool(next(nx.simple_cycles(internal), None))
        assert cg.employees and cg.staff  # our people and competitors' people have edges here
        for j in cg.projects.values():
            assert 3 <= len(j.decision_chain) <= 6
            assert "decision_maker" in {m.role for m in j.decision_chain}
    assert cycles == len(ds.customers)


def test_tiny_and_degenerate_sizes(tmp_path: Path) -> None:
    from brmgraph.dataset import load_dataset

    for kw in (dict(customers=3, persons_per=1, employees=1, competitors=0, staff_per=0, projects_per=1),
               dict(customers=2, persons_per=3, employees=0, competitors=1, staff_per=1, projects_per=0),
               dict(customers=0, persons_per=5, employees=2, competitors=1, staff_per=2, projects_per=2)):
        out = tmp_path / "t.json"
        s = generate(out, seed=1, **kw)
        ds = load_dataset(out)
        assert ds.counts() == s.counts


def test_streams_in_constant_memory(tmp_path: Path) -> None:
    """Peak Python memory does not grow with the number of customers."""

    def peak(customers: int) -> tuple[int, int]:
        out = tmp_path / f"m{customers}.json"
        tracemalloc.start()
        try:
            generate(out, customers=customers, persons_per=40, employees=50, competitors=2, staff_per=5, seed=3)
            return tracemalloc.get_traced_memory()[1], out.stat().st_size
        finally:
            tracemalloc.stop()

    small, _ = peak(20)
    large, size = peak(400)
    assert size > 4_000_000
    assert large < small * 1.5 + 200_000, (small, large)
    assert large < size / 5


def test_writes_to_a_stream() -> None:
    buf = io.StringIO()
    s = generate(buf, **{**ARGS, "seed": 1})
    assert json.loads(buf.getvalue())["customers"][0]["id"] == "C01"
    assert s.out == "-"


def test_cli(tmp_path: Path) -> None:
    out = tmp_path / "cli.json"
    r = subprocess.run(
        [sys.executable, "-m", "brmgraph", "generate", "--customers", "3", "--persons-per", "6", "--employees", "4",
         "--competitors", "2", "--staff-per", "2", "--projects-per", "2", "--seed", "9", "--out", str(out), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["counts"]["key_persons"] == 18 and out.exists()
    assert "generating" not in r.stderr  # no progress when stderr is not a terminal
    bad = subprocess.run(
        [sys.executable, "-m", "brmgraph", "generate", "--customers", "-1", "--persons-per", "6", "--employees", "4",
         "--competitors", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
