"""The embedded store: upsert, idempotence, all-or-nothing, --replace, concurrency, kill."""

from __future__ import annotations

import copy
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from brmgraph.dataset import import_path
from brmgraph.errors import InvalidData, NotFound, StoreUnavailable
from brmgraph.store import open_store
from brmgraph.store.sqlite import SqliteStore, path_of
from tests.builders import run_process

from .test_dataset import BASE


def write(tmp_path: Path, name: str, doc: dict) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return p


def test_url_spelling():
    assert path_of("sqlite:///rel/brm.db") == Path("rel/brm.db")
    assert path_of("sqlite:////abs/brm.db") == Path("/abs/brm.db")


def test_round_trip_and_idempotent(tmp_path, sqlite_url):
    f = write(tmp_path, "d.json", BASE)
    with open_store(sqlite_url) as st:
        import_path(st, f)
        first = st.export()
        import_path(st, f)
        assert st.export() == first
        assert st.counts() == {"customers": 2, "key_persons": 4, "employees": 1, "competitors": 1,
                               "competitor_staff": 1, "influences": 2, "projects": 1, "interactions": 1}
        assert st.key_person("P1").veto.value == "yes"
        assert [j.id for j in st.projects("C1")] == ["J1"]
        assert st.project("J1").decision_chain[0].role == "decision_maker"
        with pytest.raises(NotFound):
            st.key_person("nobody")
        with pytest.raises(NotFound):
            st.customer_graph("C404")


def test_upsert_updates_strength_and_fields(tmp_path, sqlite_url):
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", BASE))
        upd = {"influences": [{"source": "E1", "target": "P1", "strength": "weak"}],
               "key_persons": [{"id": "P3", "customer": "C1", "closeness": "反对"}]}
        import_path(st, write(tmp_path, "b.json", upd))
        ds = st.export()
        assert {(i.source, i.target): i.strength.value for i in ds.influences}[("E1", "P1")] == "weak"
        assert len(ds.influences) == 2
        p3 = st.key_person("P3")
        assert p3.closeness.value == "oppose" and p3.reports_to is None


def test_partial_file_may_reference_stored_ids(tmp_path, sqlite_url):
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", BASE))
        more = {"key_persons": [{"id": "P9", "customer": "C1", "reports_to": "P2"}],
                "influences": [{"source": "S1", "target": "P9", "strength": "strong"}]}
        import_path(st, write(tmp_path, "b.json", more))
        g = st.customer_graph("C1")
        assert "P9" in [p.id for p in g.key_persons] and [s.id for s in g.competitor_staff] == ["S1"]


def test_rejected_against_store_leaves_store_unchanged(tmp_path, sqlite_url):
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", BASE))
        before = st.export()
        # valid alone, but closes a reports_to cycle with what is stored (P2 → P1 → P2)
        bad = {"key_persons": [{"id": "P2", "customer": "C1", "reports_to": "P1"}],
               "employees": [{"id": "E2"}]}
        with pytest.raises(InvalidData) as ei:
            import_path(st, write(tmp_path, "b.json", bad))
        assert "reports_to cycle" in str(ei.value.problems[0])
        # an id already of another kind in the store
        with pytest.raises(InvalidData, match="already a key person in the store"):
            import_path(st, write(tmp_path, "c.json", {"employees": [{"id": "P1"}]}))
        assert st.export() == before


def test_invalid_file_writes_nothing(tmp_path, sqlite_url):
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", BASE))
        before = st.export()
        doc = copy.deepcopy(BASE)
        doc["customers"].append({"id": "C3"})
        doc["influences"].append({"source": "E1", "target": "P1"})  # duplicate pair
        with pytest.raises(InvalidData):
            import_path(st, write(tmp_path, "b.json", doc))
        assert st.export() == before


def test_replace(tmp_path, sqlite_url):
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", BASE))
        small = {"customers": [{"id": "X"}], "key_persons": [{"id": "XP", "customer": "X"}]}
        import_path(st, write(tmp_path, "b.json", small), replace=True)
        ds = st.export()
        assert [c.id for c in ds.customers] == ["X"] and [p.id for p in ds.key_persons] == ["XP"]
        assert ds.influences == [] and ds.projects == [] and ds.employees == []


def test_customer_graph_is_the_customer_subgraph(tmp_path, sqlite_url):
    doc = copy.deepcopy(BASE)
    doc["employees"].append({"id": "E2", "team": "West"})
    doc["influences"].append({"source": "E2", "target": "Q1"})
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", doc))
        g = st.customer_graph("C1")
        assert [c.id for c in g.customers] == ["C1"]
        assert [p.id for p in g.key_persons] == ["P1", "P2", "P3"]
        assert [e.id for e in g.employees] == ["E1"]
        assert [(i.source, i.target) for i in g.influences] == [("E1", "P1"), ("P3", "P1")]
        assert [k.id for k in g.competitors] == ["K1"]
        assert len(g.interactions) == 1
        g2 = st.customer_graph("C2")
        assert [e.id for e in g2.employees] == ["E2"] and g2.competitors == []


def test_unicode_and_hostile_names_verbatim(tmp_path, sqlite_url):
    hostile = '"}) DETACH DELETE n //'
    doc = {"customers": [{"id": "C'1`", "name": hostile, "attrs": {"备注": "华信", "q": "it's"}}],
           "key_persons": [{"id": "王芳", "customer": "C'1`", "name": "Robert'); DROP TABLE key_persons;--"}]}
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", doc))
        c = st.customers()[0]
        assert (c.id, c.name, c.attrs) == ("C'1`", hostile, {"备注": "华信", "q": "it's"})
        assert st.key_person("王芳").name == "Robert'); DROP TABLE key_persons;--"


def test_store_survives_between_opens(tmp_path, sqlite_url):
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", BASE))
    with open_store(sqlite_url) as st:
        assert len(st.export().key_persons) == 4


def test_unopenable_store(tmp_path):
    with pytest.raises(StoreUnavailable, match="does not exist"):
        SqliteStore(f"sqlite:///{tmp_path}/no/such/dir/brm.db")
    bad = tmp_path / "junk.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailable):
        SqliteStore(f"sqlite:///{bad}")


def big_doc(prefix: str, n_customers: int, per: int) -> dict:
    doc: dict = {"customers": [], "key_persons": [], "employees": [{"id": f"{prefix}E{i}"} for i in range(20)],
                 "influences": []}
    for c in range(n_customers):
        cid = f"{prefix}C{c}"
        doc["customers"].append({"id": cid, "name": prefix})
        for k in range(per):
            pid = f"{cid}P{k}"
            doc["key_persons"].append({"id": pid, "customer": cid, "name": prefix,
                                       "reports_to": f"{cid}P{(k - 1) // 2}" if k else None})
            doc["influences"].append({"source": f"{prefix}E{k % 20}", "target": pid})
    return doc


def run_import(url: str, path: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "brmgraph", "import", str(path), "--store", url, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_concurrent_imports_in_separate_processes(tmp_path, sqlite_url):
    a = write(tmp_path, "a.json", big_doc("A", 40, 50))
    b = write(tmp_path, "b.json", big_doc("B", 40, 50))
    pa, pb = run_import(sqlite_url, a), run_import(sqlite_url, b)
    outs = [pa.communicate(timeout=120), pb.communicate(timeout=120)]
    assert pa.returncode == 0 and pb.returncode == 0, outs
    with open_store(sqlite_url) as st:
        counts = st.counts()
        assert counts["customers"] == 80 and counts["key_persons"] == 4000 and counts["influences"] == 4000
        with st.conn:
            assert st.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_concurrent_replace_and_upsert_leave_one_consistent_state(tmp_path, sqlite_url):
    a = write(tmp_path, "a.json", big_doc("A", 30, 40))
    b = write(tmp_path, "b.json", big_doc("B", 30, 40))
    pa, pb = run_import(sqlite_url, a, "--replace"), run_import(sqlite_url, b, "--replace")
    pa.communicate(timeout=120), pb.communicate(timeout=120)
    assert pa.returncode == 0 and pb.returncode == 0
    with open_store(sqlite_url) as st:
        names = {c.name for c in st.customers()}
        assert names in ({"A"}, {"B"})  # exactly one of the two data sets, never a mix
        assert st.counts()["key_persons"] == 1200


def test_killed_import_leaves_previous_state(tmp_path, sqlite_url):
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", BASE))
        before = st.export()
    big = write(tmp_path, "big.json", big_doc("Z", 400, 100))
    for delay in (0.8, 1.5, 2.5):
        p = run_import(sqlite_url, big, "--replace")
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.communicate()
        with open_store(sqlite_url) as st:
            after = st.export()
        assert after == before or (len(after.key_persons) == 40000 and len(after.customers) == 400)
        if after != before:
            break


def test_moving_a_key_person_to_another_customer_needs_replace(tmp_path, sqlite_url):
    with open_store(sqlite_url) as st:
        import_path(st, write(tmp_path, "a.json", BASE))
        before = st.export()
        with pytest.raises(InvalidData, match="belongs to customer C1 in the store"):
            import_path(st, write(tmp_path, "b.json", {"key_persons": [{"id": "P3", "customer": "C2"}]}))
        assert st.export() == before


def test_batched_stream_equals_one_by_one(tmp_path, sqlite_url):
    out = tmp_path / "g.json"
    r = run_process("generate", "--customers", "23", "--persons-per", "9",
                        "--employees", "15", "--competitors", "2", "--seed", "3", "--out", str(out))
    assert r.returncode == 0, r.stderr
    with open_store(sqlite_url) as st:
        import_path(st, out)
        ids = [c.id for c in st.customers()]
        st.BATCH = 5  # several rounds, the last one partial
        streamed = list(st.iter_customer_graphs(ids))
        assert [d.model_dump() for d in streamed] == [st.customer_graph(i).model_dump() for i in ids]
        with pytest.raises(NotFound):
            list(st.iter_customer_graphs(["nope"]))
