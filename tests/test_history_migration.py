"""History by field name (docs/spec.md §4.9.7): a store written by schema 5 (payloads by
field *position*, ``tests/fixtures/history_v5.db``, made by
``tests/fixtures/make_history_store.py`` with that code) migrates on first open and
gives exactly the answers that code gave (``history_v5_expected.json``); afterwards a
field added to a record kind does not change what any stored version means."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pydantic import create_model

from brmgraph import dataset
from brmgraph.store import history as H
from brmgraph.store import open_store
from brmgraph.store.sqlite.schema import SCHEMA_VERSION

from .builders import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTED: dict[str, Any] = json.loads((FIXTURES / "history_v5_expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def old_store(tmp_path: Path) -> str:
    """A copy of the schema-5 store (the committed file is never opened itself)."""
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "history_v5.db", db)
    return f"sqlite:///{db}"


def _raw(url: str, sql: str) -> list[Any]:
    conn = sqlite3.connect(url[len("sqlite:///"):])
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def test_the_fixture_is_a_schema_5_store_with_positional_history(old_store: str) -> None:
    assert _raw(old_store, "SELECT value FROM meta WHERE key = 'schema_version'") == [("5",)]
    blobs = [b for (b,) in _raw(old_store, "SELECT versions FROM changesets WHERE versions IS NOT NULL")]
    rows = [r for b in blobs for r in json.loads(H.decompress(b))]
    assert len(blobs) == 7 and all(isinstance(r[0], int) for r in rows)  # section numbers, fields by number
    assert any(isinstance(r[2], dict) and r[2] and all(k.isdigit() for k in r[2]) for r in rows)


#: fields added to the record kinds after the fixture was made (schema 6): a record created
#: or deleted lists them too, with their defaults
NEW_FIELDS = {"key_persons": {"email", "status", "left_on"}, "employees": {"email", "status", "left_on"},
              "competitor_staff": {"email"}}


def same(got: Any, want: Any) -> bool:
    """``got`` answers as ``want`` did: equal, except that objects may have gained keys
    (JSON shapes are a contract: keys may be added, never renamed or dropped) and a
    change's field list the fields added since."""
    if isinstance(want, dict) and isinstance(got, dict) and isinstance(got.get("fields"), list):
        new = NEW_FIELDS.get(got.get("section", ""), set())
        got = {**got, "fields": [f for f in got["fields"] if f.get("field") not in new]}
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and same(got[k], v) for k, v in want.items())
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    return bool(got == want)


def test_the_old_store_migrates_on_first_open_and_answers_as_before(old_store: str) -> None:
    run = lambda *a: run_cli(*a, "--store", old_store).json()  # noqa: E731
    assert same(run("history", "--json"), EXPECTED["history"]["all"])
    assert _raw(old_store, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    blobs = [b for (b,) in _raw(old_store, "SELECT versions FROM changesets WHERE versions IS NOT NULL")]
    assert all(isinstance(r[0], str) and isinstance(r[3], (dict, type(None))) for b in blobs
               for r in json.loads(H.decompress(b)))
    for what, want in EXPECTED["history"].items():
        if what != "all":
            flag, ident = what.split()
            assert same(run("history", flag, ident, "--json"), want), what
    for t, want in EXPECTED["export"].items():
        assert same(run("export", "--as-of", t, "--format", "json"), want), t
    for what, want in EXPECTED["report"].items():
        customer, t = what.split()
        assert same(run("report", "--customer", customer, "--as-of", t, "--today", "2024-09-01", "--json"), want), what


def test_a_failed_migration_leaves_the_store_as_it_was(old_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _raw(old_store, "SELECT id, versions FROM changesets ORDER BY id")
    calls = []

    def broken(blob: bytes | None) -> bytes | None:  # fails on the fourth change set
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("disk on fire")
        return _original_upgrade(blob)

    monkeypatch.setattr(H, "upgrade_packed", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        open_store(old_store)
    assert _raw(old_store, "SELECT value FROM meta WHERE key = 'schema_version'") == [("5",)]
    assert _raw(old_store, "SELECT id, versions FROM changesets ORDER BY id") == before
    assert _raw(old_store, "SELECT name FROM sqlite_master WHERE name = 'history_parts'") == []


_original_upgrade = H.upgrade_packed


def _with_field_first(section: str) -> type:
    """The section's model with a new optional field inserted before every other one."""
    model = dataset.MODELS[section]
    fields: dict[str, Any] = {"nickname": (str | None, None)}
    for name, info in model.model_fields.items():
        fields[name] = (info.annotation, info)
    return create_model(f"{model.__name__}WithNickname", __base__=None, **fields)  # type: ignore[call-overload,no-any-return]


def test_a_new_field_does_not_change_stored_versions(old_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(old_store) as st:  # migrates
        versions = st.versions()
        states = {t: st.state_at(H.parse_time(t)) for t in EXPECTED["as_of"]}
    meaning = [(v.section, v.key, v.valid_to, None if v.data is None else H.record_of(v.section, v.data).model_dump(mode="json"))
               for v in versions]
    assert any(s == "key_persons" for s, *_ in meaning) and any(s == "projects" for s, *_ in meaning)
    for section in ("key_persons", "projects", "customers"):
        monkeypatch.setitem(dataset.MODELS, section, _with_field_first(section))
        assert next(iter(dataset.MODELS[section].model_fields)) == "nickname"
    with open_store(old_store) as st:
        again = st.versions()
    assert [(v.section, v.key, v.valid_to) for v in again] == [m[:3] for m in meaning]
    for v, (_s, _k, _t, want) in zip(again, meaning, strict=True):
        if v.data is None:
            assert want is None
            continue
        got = H.record_of(v.section, v.data).model_dump(mode="json")
        if v.section in ("key_persons", "projects", "customers"):
            assert got.pop("nickname") is None
        assert got == want, (v.section, v.key)
    # every state at T reads the same records (names and values) as before
    monkeypatch.undo()
    with open_store(old_store) as st:
        for t, state in states.items():
            assert st.state_at(H.parse_time(t)) == state, t
    # the positional reading this replaced would have shifted every field by one
    v = next(v for v in versions if v.section == "key_persons" and v.data is not None)
    values = list(json.loads(v.data).values())
    shifted = dict(zip(("nickname", *dataset.MODELS["key_persons"].model_fields), values, strict=False))
    assert shifted["id"] != json.loads(v.data)["id"]


def _meaning(row: list[Any]) -> str:
    """A packed row without the fields added since schema 5 where they hold their
    defaults (a row written before a field existed reads with its default)."""
    section, key, kind, values = row
    if isinstance(values, dict):
        new = NEW_FIELDS.get(section, set())
        values = {k: v for k, v in values.items() if not (k in new and v in ("", "active", None))}
    return json.dumps([section, key, kind, values], sort_keys=True)


def test_neo4j_history_by_position_is_upgraded_on_open(tmp_path: Path, sqlite_url: str, old_store: str, neo4j_store: Any) -> None:
    """The same history on Neo4j, its change sets given the positional payloads the
    schema-5 fixture holds (the same versions): opening the store upgrades them once,
    and both stores then answer alike."""
    from brmgraph.store.neo4j import Neo4jStore

    from .test_history_customer import replay

    with open_store(sqlite_url) as sq:
        replay(sq, tmp_path)
        replay(neo4j_store, tmp_path)
        old = dict(_raw(old_store, "SELECT id, versions FROM changesets WHERE versions IS NOT NULL"))
        new: dict[int, set[str]] = {}
        for i, _t, b in sq.history_rows()[0]:  # (the embedded store packs them per customer)
            new.setdefault(i, set()).update(json.dumps(r, sort_keys=True) for r in H.unpack(b))
        for cs, blob in old.items():  # the fixture's rows mean what today's code wrote
            assert {_meaning(r) for r in H.unpack(blob)} == {_meaning(json.loads(r)) for r in new[cs]}, cs
        with neo4j_store.driver.session() as s:
            s.run("UNWIND $rows AS r MATCH (c:BrmChangeSet {id: r.id}) SET c.versions = r.versions REMOVE c.format",
                  rows=[{"id": i, "versions": b} for i, b in old.items()]).consume()
        reopened = Neo4jStore(neo4j_store.url)
        try:
            with reopened.driver.session() as s:
                formats = [r["f"] for r in s.run("MATCH (c:BrmChangeSet) WHERE c.versions IS NOT NULL RETURN c.format AS f")]
                raw = [bytes(r["v"]) for r in s.run("MATCH (c:BrmChangeSet) WHERE c.versions IS NOT NULL RETURN c.versions AS v")]
            assert formats == [2] * len(old)
            assert all(isinstance(r[0], str) for b in raw for r in json.loads(H.decompress(b)))
            # (the patch is stamped when it runs: compare without times)
            # (what each version means: a record written before a field existed reads with its default)
            plain = lambda vs: sorted((v.section, v.key, v.changeset, None if v.data is None else json.dumps(  # noqa: E731
                H.record_of(v.section, v.data).model_dump(mode="json"), sort_keys=True)) for v in vs)
            assert plain(reopened.versions()) == plain(sq.versions())
            untimed = lambda st: [{**c, "time": None} for c in H.history_of(st)["changes"]]  # noqa: E731
            assert untimed(reopened) == untimed(sq)
        finally:
            reopened.close()
