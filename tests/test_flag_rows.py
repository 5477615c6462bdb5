"""The batch read path of the embedded store (``Store.iter_flag_graphs`` → the flag rows,
``store.compact.flag_graph``) gives the same graphs (what ``flags`` reads of them), and so the same flags,
as the model path (``iter_customer_graphs`` → ``CustomerGraph.from_dataset``); see also
``tests/test_compact_rows.py``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from brmgraph.analysis.exposure import flags, sort_flags
from brmgraph.analysis.observed import StrengthFrom, strength_from
from brmgraph.batch import collect_flags
from brmgraph.graph import COMPANY, CustomerGraph, Perspective
from brmgraph.store import open_store

from .test_perf_competent import _thinned

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, "-m", "brmgraph", *args], check=False, capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    if ok:
        assert r.returncode == 0, r.stderr[-3000:]
    return r


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    tmp = tmp_path_factory.mktemp("rows")
    urls = []
    for seed in (4, 5, 6):
        data = _thinned(tmp, seed)
        url = f"sqlite:///{tmp / f's{seed}.db'}"
        _cli("import", str(data), "--store", url)
        urls.append(url)
    return urls


def _model_flags(url: str, max_cost: int, observed_on: date | None = None) -> list[dict]:
    st = open_store(url, create=False)
    try:
        out = []
        for ds in st.iter_customer_graphs(interactions=observed_on is not None):
            if observed_on is not None:
                ds = strength_from(ds, StrengthFrom.interactions, observed_on)
            out.extend(flags(CustomerGraph.from_dataset(ds, ds.customers[0].id), max_cost=max_cost))
        return [f.model_dump(mode="json") for f in sort_flags(out)]
    finally:
        st.close()


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_graphs_from_rows_equal_graphs_from_data_sets(stores: list[str]) -> None:
    """What ``flags`` reads of a graph made from a flag row equals the data-set path's."""
    from brmgraph.store.compact import FlagGraph

    for url in stores:
        st = open_store(url, create=False)
        try:
            model = [CustomerGraph.from_dataset(ds, ds.customers[0].id) for ds in st.iter_customer_graphs(interactions=False)]
            rows = list(st.iter_flag_graphs())
            assert [g.id for g in rows] == [g.id for g in model] and len(rows) == 25
            for a, b in zip(rows, model):
                assert isinstance(a, FlagGraph)  # really the row path
                assert a.succ == b.succ and a.kinds == b.kinds
                assert a.blocked_relays(COMPANY) == b.blocked_relays(COMPANY)
                assert a.blocked_relays(Perspective("competitor", "*")) == set()
                assert a.customer.name == b.customer.name
                assert a.employees == b.employees and a.staff == b.staff and a.competitors == b.competitors
                assert a.open_project_ids() == b.open_project_ids()
                for j in a.open_project_ids():
                    assert a.project_decision_makers(j) == b.project_decision_makers(j)
                    x, y = a.projects[j], b.projects[j]
                    assert (x.name, x.stage, x.amount, x.competitors) == (y.name, y.stage, y.amount, y.competitors)
                for pid, p in a.persons.items():
                    assert b.holds_veto(pid)
                    assert (p.name, p.title, p.closeness) == (b.persons[pid].name, b.persons[pid].title, b.persons[pid].closeness)
        finally:
            st.close()


@pytest.mark.parametrize("max_cost", [2, 4, 6])
def test_flags_of_the_row_path_equal_the_model_path(stores: list[str], max_cost: int) -> None:
    total = 0
    for url in stores:
        st = open_store(url, create=False)
        try:
            fast = [f.model_dump(mode="json") for f in collect_flags(st, max_cost=max_cost)]
        finally:
            st.close()
        model = _model_flags(url, max_cost)
        assert fast == model
        total += len(model)
    assert total > 10


def test_cli_flags_workers_shards_max_cost_and_interactions(stores: list[str]) -> None:
    url = stores[0]
    model = _model_flags(url, 4)
    assert _lines(_cli("flags", "--store", url).stdout) == model
    assert _lines(_cli("flags", "--workers", "2", "--store", url).stdout) == model
    shards = _lines(_cli("flags", "--shard", "1/2", "--store", url).stdout)
    shards += _lines(_cli("flags", "--shard", "2/2", "--store", url).stdout)
    assert sorted(shards, key=lambda d: (d["project"], d["person"], d["customer"])) == model
    assert _lines(_cli("flags", "--max-cost", "3", "--workers", "2", "--store", url).stdout) == _model_flags(url, 3)
    assert _lines(_cli("flags", "--max-cost", "6", "--store", url).stdout) == _model_flags(url, 6)
    # strengths from interactions: the model path, with interactions (and other flags)
    got = _lines(_cli("flags", "--strength-from", "interactions", "--workers", "2", "--store", url).stdout)
    observed = _model_flags(url, 4, observed_on=date.today())
    assert got == observed and observed != model
    # a past state (--as-of) is not an embedded store: the default path of Store
    assert _lines(_cli("flags", "--as-of", "2100-01-01", "--store", url).stdout) == model


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE key_persons SET closeness = 'bogus' WHERE id = (SELECT MIN(id) FROM key_persons)",
        "UPDATE influences SET strength = 'bogus' WHERE rowid = (SELECT MIN(rowid) FROM influences)",
    ],
)
def test_a_damaged_value_is_a_one_line_error(tmp_path: Path, stores: list[str], sql: str) -> None:
    src = stores[1][len("sqlite:///") :]
    db = tmp_path / "damaged.db"
    with sqlite3.connect(src) as a, sqlite3.connect(db) as b:
        a.backup(b)
    with sqlite3.connect(db) as c:
        c.execute(sql)
    # the data-set path reads the tables (the compact rows were written before the damage,
    # by another tool; tests/test_compact_rows.py damages those)
    r = _cli("flags", "--strength-from", "interactions", "--store", f"sqlite:///{db}", ok=False)
    assert r.returncode != 0 and r.stdout == ""
    assert "bogus" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
