"""A real organisation: Krackhardt's high-tech managers' advice network (21 managers).

Loaded as one customer's internal influence: a row ``source,target`` of
``edges_advice.csv`` means source asks target for advice, so the influence runs
target -> source (advisor -> asker); every edge has the same strength and there is no
reports_to. The influence line must reproduce the published figures
(``../shared/data/sna/README.md``): directed unnormalised betweenness of manager 18 =
88.917 and manager 21 = 60.127, and manager 2 advises 18 colleagues (most of all).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from brmgraph.analysis.lines import report
from brmgraph.graph import COMPANY, CustomerGraph
from brmgraph.model import Dataset


def krackhardt_data(shared: Path) -> dict:
    d = shared / "data" / "sna" / "krackhardt_hightech"
    with open(d / "nodes.csv", newline="") as f:
        nodes = [r["id"] for r in csv.DictReader(f)]
    with open(d / "edges_advice.csv", newline="") as f:
        edges = [(r["source"], r["target"]) for r in csv.DictReader(f)]
    assert len(nodes) == 21 and len(edges) == 190
    return {
        "customers": [{"id": "KHT", "name": "Krackhardt high-tech"}],
        "key_persons": [{"id": f"M{n}", "customer": "KHT", "name": f"manager {n}"} for n in nodes],
        "influences": [{"source": f"M{t}", "target": f"M{s}", "strength": "medium"} for s, t in edges],
    }


def check(persons: list[dict]) -> None:
    by = {p["person"]: p for p in persons}
    assert len(by) == 21
    assert round(by["M18"]["betweenness"], 3) == 88.917
    assert round(by["M21"]["betweenness"], 3) == 60.127
    assert by["M2"]["out_degree"] == 18
    top = max(persons, key=lambda p: p["out_degree"])
    assert top["person"] == "M2"
    assert sorted(p["out_degree"] for p in persons)[-2] < 18  # the only one at the top
    # the README's table: betweenness is the same in both directions of every tie
    assert round(by["M7"]["betweenness"], 3) == 27.625 and by["M6"]["betweenness"] == 0.0


def test_krackhardt_report(shared_dir: Path):
    ds = Dataset.model_validate(krackhardt_data(shared_dir))
    rep = report(CustomerGraph.from_dataset(ds, "KHT"), COMPANY).model_dump(mode="json")
    check(rep["lines"]["influence"]["persons"])


def test_krackhardt_report_json_cli(shared_dir: Path, tmp_path: Path, sqlite_url: str, capsys):
    from tests.builders import run_cli

    f = tmp_path / "krackhardt.json"
    f.write_text(json.dumps(krackhardt_data(shared_dir)), encoding="utf-8")
    imported = run_cli("import", str(f), "--store", sqlite_url)
    assert imported.code == 0, imported.err
    rep = run_cli("report", "--customer", "KHT", "--json", "--store", sqlite_url).json()
    assert rep["customer"] == "KHT" and rep["perspective"] == "company"
    check(rep["lines"]["influence"]["persons"])
