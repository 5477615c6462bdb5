"""Drift alerts (docs/spec.md §4.9.6) on hand-built changes: the pure rules, the command,
and both stores giving the same events from their history."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from brmgraph.analysis.alerts import alerts
from brmgraph.dataset import import_path
from brmgraph.model import Dataset
from brmgraph.store import Store, open_store
from brmgraph.store.history import parse_time

from .test_cli_core import assert_clean_error, brm


def before_doc() -> dict[str, Any]:
    return {
        "customers": [{"id": "C1", "name": "Acme"}],
        "employees": [{"id": "E1", "name": "Eve"}, {"id": "E2", "name": "Ed"}],
        "competitors": [{"id": "K1", "name": "Rival"}],
        "competitor_staff": [{"id": "S1", "name": "Sam", "competitor": "K1"}],
        "key_persons": [
            {"id": "P1", "customer": "C1", "name": "Pat", "veto": "yes", "closeness": "support"},
            {"id": "P2", "customer": "C1", "name": "Quinn", "closeness": "neutral"},
            {"id": "P3", "customer": "C1", "name": "Ria", "approver": "yes", "closeness": "support"},
            {"id": "P4", "customer": "C1", "name": "Sol", "closeness": "neutral"},
            {"id": "P5", "customer": "C1", "name": "Tam", "closeness": "unknown"},
            {"id": "P6", "customer": "C1", "name": "Uma", "closeness": "support"},
        ],
        "influences": [
            {"source": "E1", "target": "P1", "strength": "strong"},
            {"source": "E1", "target": "P2", "strength": "medium"},
            {"source": "P2", "target": "P3", "strength": "strong"},
            {"source": "E2", "target": "P4", "strength": "weak"},
            {"source": "E2", "target": "P6", "strength": "strong"},
            {"source": "S1", "target": "P1", "strength": "medium"},
        ],
        "projects": [
            {"id": "J1", "customer": "C1", "name": "Big deal", "status": "open",
             "decision_chain": [{"person": p} for p in ("P1", "P2", "P3", "P4", "P5", "P6")]},
        ],
        "interactions": [
            {"employee": "E2", "person": "P4", "date": "2024-01-10", "kind": "visit"},
            {"employee": "E2", "person": "P6", "date": "2024-04-20", "kind": "visit"},
        ],
    }


def after_doc() -> dict[str, Any]:
    d = copy.deepcopy(before_doc())
    kp = {p["id"]: p for p in d["key_persons"]}
    kp["P2"]["closeness"] = "oppose"  # worse; and P2 no longer relays to P3
    kp["P5"]["closeness"] = "strong_oppose"  # from unknown: off the scale, no event
    kp["P6"]["closeness"] = "strong_support"  # better: no event
    d["influences"][0]["strength"] = "weak"  # E1 -> P1 costs 3 now, the competitor 2
    d["key_persons"].append({"id": "P9", "customer": "C1", "name": "New", "veto": "yes"})  # new: no "before"
    d["projects"][0]["decision_chain"].append({"person": "P9"})
    return d


SINCE, TODAY = "2024-03-01", "2024-05-01"

#: worked out by hand from the rules in docs/spec.md §4.9
EXPECTED = [
    ("path_longer", None, "P1", 1, 3),
    ("newly_exposed", None, "P1", [], ["COMPETITOR_CLOSER"]),
    ("closeness_worse", None, "P2", "neutral", "oppose"),
    ("lost_coverage", None, "P3", "indirect", "none"),
    ("path_longer", None, "P3", 3, None),
    ("newly_exposed", None, "P3", [], ["UNCOVERED"]),
    ("cooling", None, "P4", 51, 112),
    ("newly_exposed", "J1", "P1", [], ["COMPETITOR_CLOSER"]),
    ("newly_exposed", "J1", "P3", [], ["UNCOVERED"]),
]


def brief(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    assert all(e["customer"] == "C1" for e in events)
    return [(e["event"], e["project"], e["person"], e["before"], e["after"]) for e in events]


def test_rules_on_hand_built_changes() -> None:
    a, b = Dataset.model_validate(before_doc()), Dataset.model_validate(after_doc())
    got = alerts(a, b, since=date.fromisoformat(SINCE), today=date.fromisoformat(TODAY))
    assert brief([e.model_dump(mode="json") for e in got]) == EXPECTED
    assert got[0].customer_name == "Acme" and got[0].person_name == "Pat"
    # nothing changed and no time passed: nothing to say
    assert alerts(a, a, since=date.fromisoformat(SINCE), today=date.fromisoformat(SINCE)) == []
    # only time passed: P4's last visit drops out of the 90-day window
    only_time = alerts(a, a, since=date.fromisoformat(SINCE), today=date.fromisoformat(TODAY))
    assert brief([e.model_dump(mode="json") for e in only_time]) == [("cooling", None, "P4", 51, 112)]
    # the reverse change: shorter paths, regained coverage and lost reasons say nothing;
    # only P6 going from strong_support back to support is worse
    back = alerts(b, a, since=date.fromisoformat(SINCE), today=date.fromisoformat(SINCE))
    assert brief([e.model_dump(mode="json") for e in back]) == [("closeness_worse", None, "P6", "strong_support", "support")]


def load_two(st: Store, tmp: Path) -> None:
    for name, doc, t in (("a.json", before_doc(), SINCE), ("b.json", after_doc(), "2024-04-25")):
        f = tmp / name
        f.write_text(json.dumps(doc), encoding="utf-8")
        import_path(st, f, replace=True, effective=parse_time(t))


def test_alerts_command(tmp_path: Path, sqlite_url: str) -> None:
    with open_store(sqlite_url, create=True) as st:
        load_two(st, tmp_path)
    r = brm("alerts", "--since", SINCE, "--today", TODAY, "--store", sqlite_url)
    assert r.returncode == 0, r.stderr
    got = [json.loads(x) for x in r.stdout.splitlines()]
    assert brief(got) == EXPECTED
    assert all(set(e) >= {"event", "customer", "project", "person", "before", "after"} for e in got)
    r = brm("alerts", "--since", SINCE, "--today", TODAY, "--format", "csv", "--store", sqlite_url)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["event"], x["project"], x["person"], x["before"], x["after"]) for x in rows][:2] == [
        ("path_longer", "", "P1", "1", "3"), ("newly_exposed", "", "P1", "", "COMPETITOR_CLOSER")]
    assert len(rows) == len(EXPECTED)
    # since the latest import, on the day of the window's start: nothing
    r = brm("alerts", "--since", "2024-04-26", "--today", "2024-04-26", "--store", sqlite_url)
    assert r.returncode == 0 and r.stdout == ""
    assert_clean_error(brm("alerts", "--since", "2024-06-01", "--today", TODAY, "--store", sqlite_url), 2)
    assert_clean_error(brm("alerts", "--since", "yesterday", "--store", sqlite_url), 2)
    assert_clean_error(brm("alerts", "--since", SINCE, "--format", "xml", "--store", sqlite_url), 2)
    missing = f"sqlite:///{tmp_path / 'none.db'}"
    assert_clean_error(brm("alerts", "--since", SINCE, "--store", missing), 5)
    assert not (tmp_path / "none.db").exists()


def test_both_stores_give_the_same_alerts(tmp_path: Path, sqlite_url: str, neo4j_store: Store) -> None:
    load_two(neo4j_store, tmp_path)
    with open_store(sqlite_url, create=True) as sq:
        load_two(sq, tmp_path)
        for t in (SINCE, "2024-04-01", "2024-04-25"):
            at = parse_time(t)
            kw = {"since": date.fromisoformat(t[:10]), "today": date.fromisoformat(TODAY)}
            want = alerts(sq.state_at(at), sq.export(), **kw)
            assert alerts(neo4j_store.state_at(at), neo4j_store.export(), **kw) == want, t
    assert brief([e.model_dump(mode="json") for e in alerts(
        neo4j_store.state_at(parse_time(SINCE)), neo4j_store.export(),
        since=date.fromisoformat(SINCE), today=date.fromisoformat(TODAY))]) == EXPECTED
