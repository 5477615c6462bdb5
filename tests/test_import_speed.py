"""The fast paths of the embedded import (issue 14) give the same results as the plain
ones: the JSON reader, the change plan of a re-import, the customer indexes rebuilt
after a bulk fill, and the row building of ``_write``."""

from __future__ import annotations

import copy
import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

from brmgraph.dataset import import_path, parse_dataset, read_path
from brmgraph.errors import InvalidData, StoreUnavailable
from brmgraph.model import Dataset
from brmgraph.store import history as H
from brmgraph.store import open_store

from .builders import canon

DEMO = Path(__file__).resolve().parent.parent / "brmgraph" / "data" / "demo.yaml"


def demo_doc() -> dict[str, Any]:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def parsed(doc: dict[str, Any]) -> Dataset:
    ds, problems = parse_dataset(doc, "x.json")
    assert not problems, [str(p) for p in problems]
    return ds


# ------------------------------------------------------------------ JSON reader


def test_fast_json_reader_reads_what_json_reads(tmp_path: Path) -> None:
    doc = demo_doc()
    doc["customers"][0]["attrs"] = {"n": 1, "x": 1.0, "big": 12345678901234567890123, "e": "é😀", "nested": [{"a": None}]}
    text = json.dumps(doc, ensure_ascii=False, default=str)
    for name, data in (("plain.json", text.encode()), ("bom.json", b"\xef\xbb\xbf" + text.encode()),
                       ("escaped.json", json.dumps(doc, ensure_ascii=True, default=str).encode())):
        p = tmp_path / name
        p.write_bytes(data)
        raw = read_path(p)
        assert raw.sections == {k: v for k, v in json.loads(text).items()}, name
        assert not raw.problems


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"customers": [{"id": "C1",}]}', "invalid JSON"),  # json's message, not the fast reader's
        ('{"customers": [{"id": "\\ud800"}]}', "lone UTF-16 surrogate"),
        ('{"customers": [{"id": "C1", "attrs": {"n": ' + "1" * 5000 + "}}]}", "digits is too long"),
    ],
)
def test_fast_json_reader_leaves_errors_to_json(tmp_path: Path, text: str, why: str) -> None:
    p = tmp_path / "bad.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidData) as e:
        read_path(p)
    assert why in str(e.value)
    assert "\n" not in str(e.value.problems[0])


def test_invalid_utf8_is_still_reported_with_its_byte(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_bytes(b'{"customers": [{"id": "C\xff"}]}')
    with pytest.raises(InvalidData, match=r"not UTF-8 text \(byte 24\)"):
        read_path(p)


def test_an_id_of_spaces_is_refused_and_a_trimmed_id_counts_its_length_after_trimming() -> None:
    doc = {"customers": [{"id": "   "}, {"id": " " + "C" * 200 + " "}]}
    _ds, problems = parse_dataset(doc, "x.json")
    assert [str(p) for p in problems] == ["x.json: $.customers[0].id: String should have at least 1 character"]


# ------------------------------------------------------------------ change plan


def reference_plan(current: Dataset, new: Dataset, *, replace: bool, first: bool) -> tuple[list[H.Ended], dict[str, int]]:
    """The plan as it was first written: every record as JSON text, compared as text."""
    old, fresh = H.by_key(current), H.by_key(new)
    ended: list[H.Ended] = []
    counts = {"created": 0, "changed": 0, "deleted": 0, "unchanged": 0}
    for sk, data in fresh.items():
        before = old.get(sk)
        if before is None:
            counts["created"] += 1
            if not first:
                ended.append((sk[0], sk[1], None, data))
        elif before != data:
            counts["changed"] += 1
            ended.append((sk[0], sk[1], before, data))
        else:
            counts["unchanged"] += 1
    if replace:
        for sk, data in old.items():
            if sk not in fresh:
                counts["deleted"] += 1
                ended.append((sk[0], sk[1], data, None))
    ended.sort()
    return ended, counts


def mutated(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    d = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 8)):
        what = rng.randrange(7)
        if what == 0 and d["key_persons"]:
            p = rng.choice(d["key_persons"])
            p["closeness"] = rng.choice(["support", "oppose", "强支持", None, ""])
        elif what == 1 and d["influences"]:
            d["influences"].pop(rng.randrange(len(d["influences"])))
        elif what == 2 and d["customers"]:
            # equal in Python, different as JSON: must count as a change
            c = rng.choice(d["customers"])
            c["attrs"] = rng.choice([{"n": 1}, {"n": 1.0}, {"n": True}, {}])
        elif what == 3 and d["projects"]:
            j = rng.choice(d["projects"])
            j["amount"] = rng.choice([1, 1.0, 2.5, None])
        elif what == 4 and d["influences"]:
            rng.choice(d["influences"])["strength"] = rng.choice(["strong", "weak", "中"])
        elif what == 5 and d.get("interactions"):
            d["interactions"].pop(rng.randrange(len(d["interactions"])))
        elif what == 6 and d["projects"]:
            j = rng.choice(d["projects"])
            j["decision_chain"] = list(reversed(j.get("decision_chain") or []))
    return d


@pytest.mark.parametrize("seed", range(12))
def test_plan_equals_the_json_text_plan_on_random_changes(seed: int) -> None:
    rng = random.Random(seed)
    base = demo_doc()
    a = mutated(base, rng)
    b = mutated(a, rng)
    cur, new = parsed(a), parsed(b)
    for replace in (False, True):
        for first in (False, True):
            assert H.plan(cur, new, replace=replace, first=first) == reference_plan(cur, new, replace=replace, first=first)


def test_plan_of_a_reimport_through_the_store_counts_as_before(sqlite_url: str, tmp_path: Path) -> None:
    doc = demo_doc()
    doc["customers"][0]["attrs"] = {"n": 1}
    again = copy.deepcopy(doc)
    again["customers"][0]["attrs"] = {"n": 1.0}  # changed as JSON
    again["key_persons"][0]["closeness"] = "strong_oppose"
    paths = []
    for i, d in enumerate((doc, doc, again)):
        p = tmp_path / f"{i}.json"
        p.write_text(json.dumps(d, ensure_ascii=False, default=str), encoding="utf-8")
        paths.append(p)
    with open_store(sqlite_url) as st:
        for p in paths:
            import_path(st, p)
        sets = st.changesets()
        assert [c.counts["changed"] for c in sets] == [0, 0, 2]
        assert sets[1].counts["unchanged"] == sets[0].counts["created"]


# ------------------------------------------------------------------ bulk fill


def indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as c:
        return {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'")}


def test_bulk_fill_rebuilds_the_customer_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from brmgraph.store.sqlite import writing

    monkeypatch.setattr(writing, "BULK_ROWS", 1)  # every table counts as a bulk fill
    plain, bulk = tmp_path / "plain.db", tmp_path / "bulk.db"
    src = tmp_path / "demo.json"
    src.write_text(json.dumps(demo_doc(), ensure_ascii=False, default=str), encoding="utf-8")
    with open_store(f"sqlite:///{bulk}") as st:
        before = indexes(bulk)
        import_path(st, src)
        got = canon(st.export())
    monkeypatch.setattr(writing, "BULK_ROWS", 10**9)
    with open_store(f"sqlite:///{plain}") as st:
        import_path(st, src)
        assert canon(st.export()) == got
    assert indexes(bulk) == before == indexes(plain)
    assert {"key_persons_customer", "influences_customer", "projects_customer", "interactions_customer"} <= before


def test_a_failed_bulk_fill_keeps_the_store_and_its_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from brmgraph.store.sqlite import writing

    monkeypatch.setattr(writing, "BULK_ROWS", 1)
    db = tmp_path / "brm.db"
    src = tmp_path / "demo.json"
    src.write_text(json.dumps(demo_doc(), ensure_ascii=False, default=str), encoding="utf-8")
    drop = writing.SqliteWriting._drop_customer_indexes

    def failing_at_the_end(self: Any, ds: Dataset) -> list[str]:
        # the indexes are dropped and every row is written; then the last statement fails
        return [*drop(self, ds), "CREATE INDEX broken ON no_such_table(x)"]

    monkeypatch.setattr(writing.SqliteWriting, "_drop_customer_indexes", failing_at_the_end)
    with open_store(f"sqlite:///{db}") as st:
        before = indexes(db)
        with pytest.raises(StoreUnavailable):
            import_path(st, src)
        assert st.counts() == {k: 0 for k in Dataset.SECTIONS}
        assert st.changesets() == []
    assert indexes(db) == before


def test_validated_records_know_the_fields_they_were_given() -> None:
    given = [{"id": f"P{i}", "customer": "C1", "name": f"N{i}"} for i in range(50)]
    given[20]["reports_to"] = "P0"  # one record given another set of fields
    given[30]["veto"] = None  # null: not given
    ds = parsed({"customers": [{"id": "C1"}], "key_persons": given})
    persons = ds.key_persons
    for p, g in zip(persons, given, strict=True):
        assert p.model_fields_set == {k for k, v in g.items() if v is not None}


def test_cycles_are_still_found_where_a_chain_runs_into_one() -> None:
    """The cycle search runs only when the level walk met a cycle: a chain leading into
    a cycle is still reported, and a clean tree gives nothing."""
    persons = [
        {"id": "A", "customer": "C1", "reports_to": "B"},
        {"id": "B", "customer": "C1", "reports_to": "C"},
        {"id": "C", "customer": "C1", "reports_to": "B"},
        {"id": "T1", "customer": "C1"},
        {"id": "T2", "customer": "C1", "reports_to": "T1"},
    ]
    _ds, problems = parse_dataset({"customers": [{"id": "C1"}], "key_persons": persons}, "f.json")
    assert [str(p) for p in problems] == ["f.json: $.key_persons[1].reports_to: reports_to cycle: B → C → B"]
    _ds, problems = parse_dataset({"customers": [{"id": "C1"}], "key_persons": persons[3:]}, "f.json")
    assert problems == []


def test_identical_interactions_are_imported_once(sqlite_url: str, tmp_path: Path) -> None:
    doc = demo_doc()
    doc["interactions"] = [
        {"employee": doc["employees"][0]["id"], "person": doc["key_persons"][0]["id"], "date": "2024-05-01", "kind": "visit"},
        {"employee": doc["employees"][0]["id"], "person": doc["key_persons"][0]["id"], "date": "2024-05-01", "kind": "call"},
        {"employee": doc["employees"][0]["id"], "person": doc["key_persons"][0]["id"], "date": "2024-05-01", "kind": "visit"},
    ]
    p = tmp_path / "twice.json"
    p.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    with open_store(sqlite_url) as st:
        summary = import_path(st, p)
        assert summary.counts["interactions"] == 2
        assert [x.kind for x in st.export().interactions] == ["call", "visit"]


# ------------------------------------------------------------------ upserts write what changed


def grown(doc: dict[str, Any], rng: random.Random, n: int) -> dict[str, Any]:
    """``doc`` with a few records changed or added (none removed: an upsert of the
    whole file then leaves the store equal to a fresh import of it): stances, strengths,
    attrs (also equal in Python but not as JSON), amounts, decision chains, a project
    moved to another customer, a new customer with a key person, new
    influences from a new employee, a member of staff moved to another competitor."""
    d = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 6)):
        what = rng.randrange(9)
        if what == 0:
            rng.choice(d["key_persons"])["closeness"] = rng.choice(["support", "oppose", "strong_oppose", "neutral"])
        elif what == 1:
            rng.choice(d["influences"])["strength"] = rng.choice(["strong", "weak", "medium"])
        elif what == 2:
            rng.choice(d["customers"])["attrs"] = rng.choice([{"n": 1}, {"n": 1.0}, {"n": True}, {}])
        elif what == 3:
            rng.choice(d["projects"])["amount"] = rng.choice([1, 1.0, 2.5, None])
        elif what == 4:
            j = rng.choice(d["projects"])
            j["decision_chain"] = list(reversed(j.get("decision_chain") or []))
        elif what == 5:
            j = rng.choice(d["projects"])
            j.update(customer=rng.choice(d["customers"])["id"], decision_chain=[])
        elif what == 6:
            c = f"CN{n}"
            d["customers"].append({"id": c, "name": f"new {n}"})
            d["key_persons"].append({"id": f"PN{n}", "customer": c, "veto": "yes", "closeness": "oppose"})
            d["influences"].append({"source": rng.choice(d["employees"])["id"], "target": f"PN{n}", "strength": "weak"})
        elif what == 7:
            e = f"EN{n}"
            if all(x["id"] != e for x in d["employees"]):
                d["employees"].append({"id": e, "name": "new"})
            for t in rng.sample(d["key_persons"], 3):
                if all((i["source"], i["target"]) != (e, t["id"]) for i in d["influences"]):
                    d["influences"].append({"source": e, "target": t["id"], "strength": "strong"})
        else:
            s = rng.choice(d["competitor_staff"])
            s["competitor"] = rng.choice(d["competitors"])["id"]
        n += 1000
    return d


def _tables(db: Path) -> dict[str, Any]:
    """Every record table and the compact rows (decoded, typed), as sorted rows."""
    from brmgraph.store.sqlite.schema import TABLES

    from .test_compact_rows import _plain

    c = sqlite3.connect(db)
    try:
        out: dict[str, Any] = {t: sorted(c.execute(f"SELECT * FROM {t}")) for t in TABLES}
        out["customer_compact"] = {cid: _plain(data) for cid, data in c.execute("SELECT customer, data FROM customer_compact")}
    finally:
        c.close()
    return out


@pytest.mark.parametrize("seed", range(4))
def test_an_upsert_writes_only_what_changed_and_the_store_equals_a_fresh_import(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    doc = demo_doc()
    db = tmp_path / "up.db"
    with open_store(f"sqlite:///{db}") as st:
        for n in range(5):
            if n:
                doc = grown(doc, rng, n)
            src = tmp_path / f"{n}.json"
            src.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
            conn = st.conn  # type: ignore[attr-defined]
            before = conn.total_changes
            summary = import_path(st, src)
            written = conn.total_changes - before
            if n:
                c = summary.changes
                # the records created or changed, plus a few rows aimed at a moved person,
                # the compact rows, the change set and the stamps: never the whole file
                assert written <= 2 * (c["created"] + c["changed"]) + 2 * len(doc["customers"]) + 12, (written, c)
                assert c["unchanged"] > 0
            fresh = tmp_path / f"fresh{n}.db"
            with open_store(f"sqlite:///{fresh}") as other:
                import_path(other, src)
            assert _tables(db) == _tables(fresh)
        # the same file again: nothing but the change set is written
        before = st.conn.total_changes  # type: ignore[attr-defined]
        summary = import_path(st, src)
        assert summary.changes["changed"] == summary.changes["created"] == 0
        assert st.conn.total_changes - before == 1  # type: ignore[attr-defined]
