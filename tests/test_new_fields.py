"""The fields added through brmgraph/schema.py alone — ``email`` on key persons,
employees and competitor staff; ``status`` (active / left) and ``left_on`` on key persons
and employees — round-trip through import (JSON, YAML, CSV), the embedded store, export
(JSON, CSV), history and ``--as-of``, and are validated (docs/spec.md §3.3)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from brmgraph.dataset import import_path, load_dataset
from brmgraph.dataset.export import dataset_document, write_csv_dir
from brmgraph.errors import InvalidData
from brmgraph.labels import EmployeeStatus
from brmgraph.store import open_store

from .test_cli_core import assert_clean_error, brm


def doc(status: str = "离职", left_on: str | None = "2026-03-31") -> dict[str, Any]:
    gone = {"status": status, **({"left_on": left_on} if left_on else {})}
    return {
        "customers": [{"id": "C1", "name": "Acme"}],
        "key_persons": [
            {"id": "P1", "customer": "C1", "name": "Wang", "email": " wang@acme.cn ", **gone},
            {"id": "P2", "customer": "C1", "name": "Li", "reports_to": "P1"},
        ],
        "employees": [{"id": "E1", "name": "Zhou", "email": "zhou@us.com", **gone}, {"id": "E2", "name": "Qian"}],
        "competitors": [{"id": "K1", "name": "Rival"}],
        "competitor_staff": [{"id": "S1", "name": "Zhao", "competitor": "K1", "email": "zhao@rival.com"}],
        "influences": [{"source": "E1", "target": "P1"}, {"source": "S1", "target": "P2"}],
    }


def fields(d: dict[str, Any]) -> dict[str, Any]:
    """The new fields of every person of an exported document, by id."""
    out = {}
    for section in ("key_persons", "employees", "competitor_staff"):
        for r in d.get(section, []):
            out[r["id"]] = {k: r[k] for k in ("email", "status", "left_on") if k in r}
    return out


WANT = {
    "P1": {"email": "wang@acme.cn", "status": "left", "left_on": "2026-03-31"},
    "P2": {"email": "", "status": "active", "left_on": None},
    "E1": {"email": "zhou@us.com", "status": "left", "left_on": "2026-03-31"},
    "E2": {"email": "", "status": "active", "left_on": None},
    "S1": {"email": "zhao@rival.com"},
}


def test_round_trip_through_every_format_and_the_store(tmp_path: Path) -> None:
    src = tmp_path / "in.yaml"
    src.write_text(yaml.safe_dump(doc(), allow_unicode=True), encoding="utf-8")
    ds = load_dataset(src)
    assert ds.key_persons[0].status is EmployeeStatus.left and ds.key_persons[0].left_on == date(2026, 3, 31)
    assert fields(dataset_document(ds)) == WANT
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as st:
        import_path(st, src)
        stored = st.export()
        assert fields(dataset_document(stored)) == WANT
        assert st.key_person("P1").email == "wang@acme.cn"
        # JSON out and in
        (tmp_path / "out.json").write_text(json.dumps(dataset_document(stored), ensure_ascii=False), encoding="utf-8")
        # CSV out and in
        write_csv_dir(stored, tmp_path / "csv")
    header = (tmp_path / "csv" / "key_persons.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[-3:] == ["email", "status", "left_on"]
    for again in (tmp_path / "out.json", tmp_path / "csv"):
        with open_store(f"sqlite:///{tmp_path / (again.name + '.db')}") as st:
            import_path(st, again)
            assert fields(dataset_document(st.export())) == WANT, again


def test_validation(tmp_path: Path) -> None:
    bad = doc()
    bad["key_persons"][1]["email"] = "li at acme"
    bad["employees"][1]["left_on"] = "2026-01-01"  # with status active (the default)
    bad["employees"][0]["status"] = "retired"
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(InvalidData) as exc:
        load_dataset(tmp_path / "bad.json")
    where = {p.where.split(": ", 1)[1]: p.why for p in exc.value.problems}
    assert "not an e-mail address" in where["$.key_persons[1].email"]
    assert "left_on is given but status is active" in where["$.employees[1].left_on"]
    assert "unknown employeestatus value 'retired'" in where["$.employees[0].status"]
    assert "$.employees[0].left_on" not in where  # a wrong status is reported alone
    r = brm("import", str(tmp_path / "bad.json"), "--store", f"sqlite:///{tmp_path / 'b.db'}")
    assert_clean_error(r, 2)


def test_history_and_as_of(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    before, after = doc(status="active", left_on=None), doc()
    for n, (d, t) in enumerate(((before, "2026-01-01"), (after, "2026-04-01"))):
        (tmp_path / f"v{n}.json").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
        r = brm("import", str(tmp_path / f"v{n}.json"), "--effective", t, "--store", url)
        assert r.returncode == 0, r.stderr
    h = json.loads(brm("history", "--person", "P1", "--json", "--store", url).stdout)
    changed = [c for c in h["changes"] if c["section"] == "key_persons" and c["action"] == "changed"]
    assert len(changed) == 1 and {"field": "status", "before": "active", "after": "left"} in changed[0]["fields"]
    assert {"field": "left_on", "before": None, "after": "2026-03-31"} in changed[0]["fields"]
    then = json.loads(brm("export", "--as-of", "2026-02-01", "--store", url).stdout)
    now = json.loads(brm("export", "--store", url).stdout)
    assert fields(then)["P1"] == {"email": "wang@acme.cn", "status": "active", "left_on": None}
    assert fields(then)["E1"] == {"email": "zhou@us.com", "status": "active", "left_on": None}
    assert fields(now) == WANT


def test_a_store_from_before_the_fields_is_upgraded(tmp_path: Path) -> None:
    """A store of schema 5 (the layout without the new columns) opens, upgrades and reads
    the defaults."""
    path = tmp_path / "old.db"
    old = doc(status="active", left_on=None)
    for section in ("key_persons", "employees", "competitor_staff"):
        for r in old[section]:
            r.pop("email", None)
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    with open_store(f"sqlite:///{path}") as st:
        import_path(st, tmp_path / "old.json")
    conn = sqlite3.connect(path)
    for table, cols in (("key_persons", ("email", "status", "left_on")), ("employees", ("email", "status", "left_on")),
                        ("competitor_staff", ("email",))):
        for c in cols:
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {c}")
    conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with open_store(f"sqlite:///{path}") as st:
        got = fields(dataset_document(st.export()))
    assert got == {"P1": WANT["P2"], "P2": WANT["P2"], "E1": WANT["E2"], "E2": WANT["E2"], "S1": {"email": ""}}


def test_a_crm_owning_status_owns_left_on_too(tmp_path: Path) -> None:
    """A profile that maps ``status`` (and not ``left_on``) of a person who came back
    leaves no leaving day beside ``active``."""
    from brmgraph.dataset import import_mapped, parse_document

    with open_store(f"sqlite:///{tmp_path / 'crm.db'}") as st:
        import_path(st, _write(tmp_path / "v0.json", doc()))
        back = {"employees": [{"id": "E1", "status": "在职"}]}
        import_mapped(st, parse_document(back, "crm"), {"employees": {"status"}})
        e1 = next(e for e in st.employees() if e.id == "E1")
        assert (e1.status, e1.left_on, e1.email) == (EmployeeStatus.active, None, "zhou@us.com")


def _write(path: Path, d: dict[str, Any]) -> Path:
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return path
