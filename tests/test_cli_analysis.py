"""The analysis commands end to end on the embedded store.

Data set (two customers)::

    C1:  E1 (East) -strong-> P1 -medium-> P2 ;  P3 reports to P2 ;  E2 (West) -weak-> P4
         S1 (K1) -strong-> P2 ; P5 opposes, E1 -strong-> P5 -strong-> P6
         P2 veto yes (unknown stance), P6 veto yes, P4 approver yes
         J1 open, chain P2, P6, competitors K1 ; J2 won, chain P4
    C2:  Q1 veto yes, nobody reaches him ; J3 open, chain Q1

    company best paths: P1 [E1,P1] 1 ; P2 [E1,P1,P2] 3 ; P3 [E1,P1,P2,P3] 4 ; P4 [E2,P4] 3 ;
                        P5 [E1,P5] 1 ; P6 none (P5 opposes) ; Q1 none
    flags: J1/P6 (UNCOVERED; K1 has no path to P6), J3/Q1 (UNCOVERED, STANCE_UNKNOWN)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from tests.builders import run_cli

DATA = {
    "customers": [{"id": "C1", "name": "Huaxin"}, {"id": "C2", "name": "Kangren"}],
    "key_persons": [
        {"id": "P1", "customer": "C1", "name": "Wang", "closeness": "support"},
        {"id": "P2", "customer": "C1", "name": "Li", "veto": "yes"},
        {"id": "P3", "customer": "C1", "name": "Zhao", "reports_to": "P2", "closeness": "neutral"},
        {"id": "P4", "customer": "C1", "name": "Sun", "approver": "yes", "veto": "no", "closeness": "strong_support"},
        {"id": "P5", "customer": "C1", "name": "Qian", "closeness": "oppose"},
        {"id": "P6", "customer": "C1", "name": "Zhou", "veto": "yes", "closeness": "neutral"},
        {"id": "Q1", "customer": "C2", "name": "Wu", "veto": "yes"},
    ],
    "employees": [{"id": "E1", "name": "Chen", "team": "East"}, {"id": "E2", "name": "Liu", "team": "West"},
                  {"id": "E3", "name": "Ma", "team": "North"}],
    "competitors": [{"id": "K1", "name": "RivalSoft"}, {"id": "K2", "name": "Other"}],
    "competitor_staff": [{"id": "S1", "name": "Zhang", "competitor": "K1"}],
    "influences": [
        {"source": "E1", "target": "P1", "strength": "strong"},
        {"source": "P1", "target": "P2", "strength": "medium"},
        {"source": "E2", "target": "P4", "strength": "weak"},
        {"source": "S1", "target": "P2", "strength": "strong"},
        {"source": "E1", "target": "P5", "strength": "strong"},
        {"source": "P5", "target": "P6", "strength": "strong"},
    ],
    "projects": [
        {"id": "J1", "customer": "C1", "status": "open", "competitors": ["K1"],
         "decision_chain": [{"person": "P2", "role": "decision_maker"}, {"person": "P6", "role": "user"}]},
        {"id": "J2", "customer": "C1", "status": "won", "decision_chain": [{"person": "P4", "role": "approver"}]},
        {"id": "J3", "customer": "C2", "status": "open", "decision_chain": [{"person": "Q1", "role": "decision_maker"}]},
    ],
    "interactions": [{"employee": "E1", "person": "P1", "date": "2026-09-01", "kind": "meeting"}],
}


@pytest.fixture
def store(tmp_path: Path, sqlite_url: str, capsys) -> str:
    f = tmp_path / "data.json"
    f.write_text(json.dumps(DATA), encoding="utf-8")
    code, _, err = run(capsys, "import", str(f), "--store", sqlite_url)
    assert code == 0, err
    return sqlite_url


def run(capsys, *args: str) -> tuple[int, str, str]:
    r = run_cli(*args)
    return r.code, r.out, r.err


def js(capsys, store: str, *args: str):
    code, out, err = run(capsys, *args, "--store", store)
    assert code == 0, err
    return json.loads(out)


# ---------------------------------------------------------------- path
def test_path_json(store, capsys):
    assert js(capsys, store, "path", "--to", "P3", "--json") == {
        "target": "P3", "perspective": "company", "cost": 4, "hops": 3, "path": ["E1", "P1", "P2", "P3"],
        "steps": [
            {"from": "E1", "to": "P1", "kind": "influences_external", "cost": 1},
            {"from": "P1", "to": "P2", "kind": "influences_internal", "cost": 2},
            {"from": "P2", "to": "P3", "kind": "reports_down", "cost": 1},
        ]}
    assert js(capsys, store, "path", "--to", "P6", "--json") == {
        "target": "P6", "perspective": "company", "cost": None, "hops": None, "path": [], "steps": []}
    # the opposer itself is reachable
    assert js(capsys, store, "path", "--to", "P5", "--json")["path"] == ["E1", "P5"]


@pytest.mark.parametrize(
    "perspective, path",
    [("individual:E1", ["E1", "P1", "P2"]), ("team:East", ["E1", "P1", "P2"]), ("team:West", []),
     ("individual:E3", []), ("company", ["E1", "P1", "P2"]), ("competitor:K1", ["S1", "P2"]),
     ("competitor:K2", []), ("competitor:*", ["S1", "P2"])],
)
def test_path_perspectives(store, capsys, perspective, path):
    res = js(capsys, store, "path", "--to", "P2", "--perspective", perspective, "--json")
    assert res["path"] == path and res["perspective"] == perspective


def test_path_readable(store, capsys):
    code, out, _ = run(capsys, "path", "--to", "P3", "--store", store)
    assert code == 0
    assert "Wang" in out and "Zhao" in out and "cost 4" in out
    code, out, _ = run(capsys, "path", "--to", "P6", "--lang", "zh", "--store", store)
    assert code == 0 and "无路径" in out


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["path", "--to", "P99"], 4, "unknown key person 'P99'"),
        (["path", "--to", "P1", "--perspective", "individual:E99"], 4, "unknown employee 'E99'"),
        (["path", "--to", "P1", "--perspective", "team:South"], 4, "unknown team 'South'"),
        (["path", "--to", "P1", "--perspective", "competitor:K9"], 4, "unknown competitor 'K9'"),
        (["path", "--to", "P1", "--perspective", "boss"], 2, "unknown perspective"),
        (["path", "--to", "P1", "--lang", "fr"], 2, "--lang"),
        (["coverage", "--project", "J9"], 4, "unknown project 'J9'"),
        (["coverage", "--customer", "C9"], 4, "unknown customer 'C9'"),
        (["coverage"], 2, "exactly one of --project"),
        (["coverage", "--project", "J1", "--customer", "C1"], 2, "exactly one of --project"),
        (["coverage", "--customer", "C1", "--max-cost", "-1"], 2, "--max-cost"),
        (["exposure", "--customer", "C9"], 4, "unknown customer 'C9'"),
        (["exposure", "--project", "J9"], 4, "unknown project 'J9'"),
        (["report", "--customer", "C9"], 4, "unknown customer 'C9'"),
        (["report", "--customer", "C1", "--perspective", "individual:E99"], 4, "unknown employee"),
        (["report", "--customer", "C1", "--today", "yesterday"], 2, "--today"),
        (["tactics", "--person", "P99"], 4, "unknown key person 'P99'"),
        (["flags", "--format", "xml"], 2, "--format"),
        (["flags", "--shard", "3/2"], 2, "--shard"),
    ],
)
def test_errors_are_one_line(store, capsys, args, code, message):
    got, out, err = run(capsys, *args, "--store", store)
    assert got == code
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""


# ---------------------------------------------------------------- coverage, exposure
def test_coverage_json(store, capsys):
    res = js(capsys, store, "coverage", "--project", "J1", "--json")
    # P2 indirect at 3, P6 none (the opposer P5 blocks); weights 3 and 3 -> 0.5, 0.5
    assert res == {"scope": {"project": "J1"}, "perspective": "company", "max_cost": 4,
                   "coverage": 0.5, "weighted_coverage": 0.5,
                   "members": [{"person": "P2", "status": "indirect", "cost": 3, "path": ["E1", "P1", "P2"]},
                               {"person": "P6", "status": "none", "cost": None, "path": []}],
                   "health": "red"}  # P6, a veto holder or approver, is UNCOVERED (issue 13)
    res = js(capsys, store, "coverage", "--customer", "C1", "--max-cost", "2", "--json")
    # customer: J1 chain (P2, P6) + veto/approver yes (P2, P4, P6); J2 is won.
    # P2 cost 3 > 2 -> none ; P4 direct (weak edge from E2) ; P6 none -> 1/3, weighted 3/9
    assert [(m["person"], m["status"]) for m in res["members"]] == [("P2", "none"), ("P4", "direct"), ("P6", "none")]
    assert res["coverage"] == pytest.approx(1 / 3) and res["scope"] == {"customer": "C1"}
    res = js(capsys, store, "coverage", "--project", "J1", "--perspective", "competitor:K1", "--json")
    assert [(m["person"], m["status"]) for m in res["members"]] == [("P2", "direct"), ("P6", "none")]


def test_coverage_readable(store, capsys):
    code, out, _ = run(capsys, "coverage", "--project", "J1", "--store", store)
    assert code == 0 and "indirect" in out and "50%" in out


def test_exposure_json(store, capsys):
    assert js(capsys, store, "exposure", "--project", "J1", "--json") == {
        "scope": {"project": "J1"},
        "exposed": [{"person": "P2", "veto": "yes", "approver": "unknown", "reasons": ["STANCE_UNKNOWN", "COMPETITOR_CLOSER"]},
                    {"person": "P6", "veto": "yes", "approver": "unknown", "reasons": ["UNCOVERED"]}],
        "unassessed": [],
    }
    res = js(capsys, store, "exposure", "--customer", "C2", "--json")
    assert res["exposed"] == [{"person": "Q1", "veto": "yes", "approver": "unknown", "reasons": ["UNCOVERED", "STANCE_UNKNOWN"]}]
    code, out, _ = run(capsys, "exposure", "--customer", "C1", "--lang", "zh", "--store", store)
    assert code == 0 and "友商更近" in out


# ---------------------------------------------------------------- flags
FLAGS = [
    {"project": "J1", "customer": "C1", "person": "P6", "reasons": ["UNCOVERED"]},
    {"project": "J3", "customer": "C2", "person": "Q1", "reasons": ["UNCOVERED", "STANCE_UNKNOWN"]},
]
#: keys flag records gained for people reading them (after the four above)
FLAG_EXTRA = ["customer_name", "project_name", "person_name", "title", "stage", "amount"]


def core(records):
    """Flag records cut to their original four keys (checking the added ones exist)."""
    assert all(list(r)[:4] == list(FLAGS[0]) and list(r)[4:4 + len(FLAG_EXTRA)] == FLAG_EXTRA for r in records)
    return [{k: r[k] for k in FLAGS[0]} for r in records]


def test_flags_jsonl_and_exit_codes(store, capsys):
    code, out, err = run(capsys, "flags", "--store", store)
    assert code == 0
    recs = [json.loads(line) for line in out.splitlines()]
    assert core(recs) == FLAGS
    assert recs[0]["customer_name"] == "Huaxin" and recs[0]["person_name"] == "Zhou" and recs[0]["amount"] is None
    assert err == ""  # no progress bar when stderr is not a terminal
    code, out, _ = run(capsys, "flags", "--fail-on-flags", "--store", store)
    assert code == 3 and len(out.splitlines()) == 2


def test_flags_csv(store, capsys):
    code, out, _ = run(capsys, "flags", "--format", "csv", "--store", store)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "project,customer,person,reasons," + ",".join(FLAG_EXTRA)
    assert [",".join(x.split(",")[:4]) for x in lines[1:]] == ["J1,C1,P6,UNCOVERED", "J3,C2,Q1,UNCOVERED;STANCE_UNKNOWN"]
    assert lines[1].split(",")[4:] == ["Huaxin", "", "Zhou", "", "", ""]


def test_flags_shards_split_customers(store, capsys):
    from brmgraph.batch import shard_of

    # customers go to shards by a stable hash of their id: the union of all shards is the
    # whole run, no customer twice
    outs = []
    for i in (1, 2, 3):
        code, out, _ = run(capsys, "flags", "--shard", f"{i}/3", "--store", store)
        assert code == 0
        recs = [json.loads(x) for x in out.splitlines()]
        assert all(shard_of(r["customer"], 3) == i - 1 for r in recs)
        outs.extend(recs)
    assert core(sorted(outs, key=lambda r: (r["project"], r["person"]))) == FLAGS
    assert shard_of("C1", 2) == shard_of("C1", 2) and 0 <= shard_of("anything", 7) < 7


def test_flags_none_and_fail_on_flags_exits_zero(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    f = tmp_path / "d.json"
    f.write_text(json.dumps({"customers": [{"id": "C1"}]}), encoding="utf-8")
    assert run(capsys, "import", str(f), "--store", url)[0] == 0
    code, out, _ = run(capsys, "flags", "--fail-on-flags", "--store", url)
    assert (code, out) == (0, "")


# ---------------------------------------------------------------- report, tactics
def test_report_json_and_readable(store, capsys):
    rep = js(capsys, store, "report", "--customer", "C1", "--json", "--today", "2026-10-01")
    assert rep["customer"] == "C1" and rep["perspective"] == "company"
    assert set(rep["lines"]) == {"customer", "decision_chain", "key_person", "influence"}
    persons = {p["person"]: p for p in rep["lines"]["influence"]["persons"]}
    assert set(persons["P1"]) >= {"person", "out_degree", "betweenness", "reach"}
    assert persons["P5"]["out_degree"] == 1
    assert rep["lines"]["customer"]["cooling"] == ["P2", "P3", "P4", "P5", "P6"]
    for lang, word in (("en", "Influence line"), ("zh", "影响力")):
        code, out, _ = run(capsys, "report", "--customer", "C1", "--lang", lang, "--store", store)
        assert code == 0 and word in out
    rep = js(capsys, store, "report", "--customer", "C1", "--perspective", "team:West", "--json")
    assert rep["perspective"] == "team:West"
    assert [e["employee"] for e in rep["lines"]["influence"]["employees"]] == ["E2"]


def test_tactics(store, capsys, tmp_path):
    res = js(capsys, store, "tactics", "--person", "P5", "--json")
    assert (res["strategy"], res["label_zh"], res["closeness"]) == ("defuse", "化解", "oppose")
    code, out, _ = run(capsys, "tactics", "--person", "P5", "--lang", "zh", "--store", store)
    assert code == 0 and "化解" in out and "对症下药" in out
    tpl = tmp_path / "co.yaml"
    tpl.write_text("strategies: {defuse: {mode: replace, tactics: [{id: x, name: Coffee}]}}", encoding="utf-8")
    res = js(capsys, store, "tactics", "--person", "P5", "--template", str(tpl), "--json")
    assert [t["name"] for t in res["tactics"]] == ["Coffee"]
    code, _, err = run(capsys, "tactics", "--person", "P5", "--template", str(tmp_path / "none.yaml"), "--store", store)
    assert code == 4 and "not found" in err


def test_tour_shows_every_analysis(store):
    from brmgraph.cli.demo import print_tour
    from brmgraph.demo import build_tour

    con = Console(record=True, width=120)
    tour = build_tour(store)
    assert tour is not None and tour.customer == "C1"
    print_tour(tour, con)
    text = con.export_text()
    for part in ("1. Report", "2. A path", "3. Exposure", "4. Nightly flags", "5. Strategies",
                 "Customer line", "Influence line", "brmgraph path --to", "UNCOVERED", "defuse"):
        assert part in text, part


def test_flags_workers_give_the_same_output(store, capsys):
    code, out, _ = run(capsys, "flags", "--workers", "2", "--store", store)
    assert code == 0 and core([json.loads(x) for x in out.splitlines()]) == FLAGS
    assert run(capsys, "flags", "--workers", "0", "--store", store)[0] == 2


# ---------------------------------------------------------------- path steps: table and JSON agree
ARCS = {
    "customers": [{"id": "C1"}],
    "key_persons": [
        {"id": "K03", "customer": "C1", "name": "Boss", "closeness": "support"},
        {"id": "K08", "customer": "C1", "name": "Report", "reports_to": "K03", "closeness": "neutral"},
        {"id": "K09", "customer": "C1", "name": "Aide", "reports_to": "K08", "closeness": "neutral"},
    ],
    "employees": [{"id": "E1", "name": "Chen"}, {"id": "E2", "name": "Liu"}],
    "influences": [
        {"source": "E1", "target": "K03", "strength": "strong"},
        {"source": "K03", "target": "K08", "strength": "weak"},  # the reporting line (cost 1) is cheaper
        {"source": "E2", "target": "K09", "strength": "strong"},
        {"source": "K09", "target": "K08", "strength": "strong"},  # cost 1, cheaper than reporting up (2)
    ],
}


@pytest.fixture
def arcs_store(tmp_path: Path, capsys) -> str:
    url = f"sqlite:///{tmp_path / 'arcs.db'}"
    f = tmp_path / "arcs.json"
    f.write_text(json.dumps(ARCS), encoding="utf-8")
    assert run(capsys, "import", str(f), "--store", url)[0] == 0
    return url


def _rows(out: str) -> dict[str, str]:
    """Table rows of ``path`` by the id in their second column."""
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) >= 6:
            rows[cells[1]] = line
    return rows


def test_path_step_of_a_superior_who_also_influences_is_the_reporting_line(arcs_store, capsys):
    res = js(capsys, arcs_store, "path", "--to", "K08", "--perspective", "individual:E1", "--json")
    assert res["path"] == ["E1", "K03", "K08"] and res["cost"] == 2
    assert res["steps"] == [
        {"from": "E1", "to": "K03", "kind": "influences_external", "cost": 1},
        {"from": "K03", "to": "K08", "kind": "reports_down", "cost": 1},
    ]
    code, out, _ = run(capsys, "path", "--to", "K08", "--perspective", "individual:E1", "--store", arcs_store)
    assert code == 0
    row = _rows(out)["K08"]
    assert "superior of" in row and row.rstrip(" │").endswith("1") and "influences" not in row
    assert "influences (strong)" in _rows(out)["K03"]
    code, out, _ = run(capsys, "path", "--to", "K08", "--perspective", "individual:E1", "--lang", "zh",
                       "--store", arcs_store)
    assert "上级→下级" in _rows(out)["K08"]


def test_path_step_where_the_influence_is_cheaper_than_reporting_up(arcs_store, capsys):
    res = js(capsys, arcs_store, "path", "--to", "K08", "--perspective", "individual:E2", "--json")
    assert res["steps"][-1] == {"from": "K09", "to": "K08", "kind": "influences_internal", "cost": 1}
    code, out, _ = run(capsys, "path", "--to", "K08", "--perspective", "individual:E2", "--store", arcs_store)
    row = _rows(out)["K08"]
    assert "influences (strong)" in row and "reports to" not in row


# ---------------------------------------------------------------- one max cost for every table
def test_max_cost_reaches_exposure_flags_and_report(store, capsys):
    # P2 is reached at cost 3: covered with the default 4, UNCOVERED with --max-cost 2
    assert "UNCOVERED" not in js(capsys, store, "exposure", "--project", "J1", "--json")["exposed"][0]["reasons"]
    low = js(capsys, store, "exposure", "--project", "J1", "--max-cost", "2", "--json")
    assert low["exposed"][0] == {"person": "P2", "veto": "yes", "approver": "unknown",
                                 "reasons": ["UNCOVERED", "STANCE_UNKNOWN", "COMPETITOR_CLOSER"]}
    code, out, _ = run(capsys, "flags", "--max-cost", "2", "--store", store)
    assert code == 0
    assert [(f["project"], f["person"]) for f in map(json.loads, out.splitlines())] == [
        ("J1", "P2"), ("J1", "P6"), ("J3", "Q1")]
    code, out, _ = run(capsys, "flags", "--max-cost", "2", "--workers", "2", "--store", store)
    assert [(f["project"], f["person"]) for f in map(json.loads, out.splitlines())] == [
        ("J1", "P2"), ("J1", "P6"), ("J3", "Q1")]
    # a report never says a person is both reached and UNCOVERED
    rep = js(capsys, store, "report", "--customer", "C1", "--max-cost", "2", "--json")
    j1 = next(j for j in rep["lines"]["decision_chain"] if j["project"] == "J1")
    status = {m["person"]: m["status"] for m in j1["coverage"]["members"]}
    for e in j1["exposure"]["exposed"] + rep["lines"]["customer"]["exposure"]["exposed"]:
        assert ("UNCOVERED" in e["reasons"]) == (status.get(e["person"], "none") == "none")
    assert status["P2"] == "none"
    assert run(capsys, "exposure", "--customer", "C1", "--max-cost", "-1", "--store", store)[0] == 2


def test_flags_since_before_the_first_import_reports_every_flag_as_new(tmp_path):
    # the past state is empty (no change set yet): every current flag is new, not "no data"
    url = f"sqlite:///{tmp_path / 'h.db'}"
    demo = Path(__file__).resolve().parent.parent / "brmgraph" / "data" / "demo.yaml"
    assert run_cli("import", str(demo), "--effective", "2024-01-01", "--store", url).code == 0
    now = [json.loads(x) for x in run_cli("flags", "--store", url).out.splitlines()]
    r = run_cli("flags", "--since", "2020-01-01", "--fail-on-flags", "--store", url)
    assert r.code == 3, r.err
    since = [json.loads(x) for x in r.out.splitlines()]
    assert now and [dict(f, change="new") for f in now] == since


# ---------------------------------------------------------------- --strength-from interactions (docs/spec.md §4.8.5)
def _observed_data() -> tuple[dict, dict]:
    """DATA with interactions dated relative to today (plan, whatif and risk observe on
    today), and the same data with our ties rewritten by hand to their observed strength."""
    from datetime import date, timedelta

    def ago(n: int) -> str:
        return (date.today() - timedelta(days=n)).isoformat()

    data = json.loads(json.dumps(DATA))
    data["interactions"] = [
        {"employee": "E1", "person": "P1", "date": ago(5), "kind": "meeting"},     # strong → medium
        {"employee": "E2", "person": "P4", "date": ago(20), "kind": "career consultation"},  # weak → strong
        {"employee": "E2", "person": "P4", "date": ago(400), "kind": "greeting"},
        {"employee": "E1", "person": "P5", "date": ago(200), "kind": "friend"},    # strong → weak (stale)
        {"employee": "E3", "person": "P6", "date": ago(3), "kind": "mentor"},     # no tie: none made
        {"employee": "E1", "person": "P1", "date": ago(-30), "kind": "friend"},   # after today: ignored
    ]
    rewritten = json.loads(json.dumps(data))
    observed = {("E1", "P1"): "medium", ("E2", "P4"): "strong", ("E1", "P5"): "weak"}
    for i in rewritten["influences"]:
        i["strength"] = observed.get((i["source"], i["target"]), i["strength"])
    return data, rewritten


@pytest.fixture
def observed_stores(tmp_path: Path, capsys) -> tuple[str, str]:
    urls = []
    for name, data in zip(("observed", "rewritten"), _observed_data()):
        f = tmp_path / f"{name}.json"
        f.write_text(json.dumps(data), encoding="utf-8")
        url = f"sqlite:///{tmp_path / name}.db"
        code, _, err = run(capsys, "import", str(f), "--store", url)
        assert code == 0, err
        urls.append(url)
    return urls[0], urls[1]


def _plain(capsys, store: str, *args: str) -> str:
    code, out, err = run(capsys, *args, "--store", store)
    assert code == 0, err
    return out


OBSERVED_COMMANDS = [
    *(["path", "--to", p, "--json"] for p in ("P1", "P2", "P3", "P4", "P5", "P6")),
    ["path", "--to", "P2", "--perspective", "team:West", "--json"],
    *(["coverage", "--project", j, "--json"] for j in ("J1", "J2", "J3")),
    ["coverage", "--customer", "C1", "--json"],
    ["coverage", "--customer", "C1", "--perspective", "individual:E2", "--json"],
    ["exposure", "--customer", "C1", "--json"],
    ["exposure", "--project", "J1", "--json"],
    ["flags"],
    ["flags", "--format", "csv", "--workers", "2"],
    ["plan", "--project", "J1", "--k", "3", "--json"],
    ["plan", "--customer", "C1", "--strength", "weak", "--json"],
    ["whatif", "--project", "J1", "--without", "E1", "--json"],
    ["whatif", "--without", "E2", "--set", "P4.closeness=oppose", "--json"],
    ["risk", "--json"],
    ["risk", "--max-cost", "3", "--json"],
]


@pytest.mark.parametrize("args", OBSERVED_COMMANDS, ids=lambda a: " ".join(a))
def test_strength_from_interactions_equals_a_store_with_rewritten_strengths(observed_stores, capsys, args):
    observed, rewritten = observed_stores
    got = _plain(capsys, observed, *args, "--strength-from", "interactions")
    want = _plain(capsys, rewritten, *args)
    assert got == want
    # the declared strengths stay the default
    assert _plain(capsys, observed, *args) == _plain(capsys, observed, *args, "--strength-from", "declared")


def test_strength_from_changes_answers(observed_stores, capsys):
    observed, _ = observed_stores
    declared = js(capsys, observed, "path", "--to", "P3", "--json")
    assert declared["cost"] == 4
    seen = js(capsys, observed, "path", "--to", "P3", "--strength-from", "interactions", "--json")
    assert seen["cost"] == 5  # E1 → P1 is medium now
    assert js(capsys, observed, "path", "--to", "P4", "--strength-from", "interactions", "--json")["cost"] == 1


def test_report_shows_declared_and_observed_strength(observed_stores, capsys):
    from datetime import date

    observed, rewritten = observed_stores
    day = date.today().isoformat()
    rep = js(capsys, observed, "report", "--customer", "C1", "--today", day, "--strength-from", "interactions", "--json")
    ref = js(capsys, rewritten, "report", "--customer", "C1", "--today", day, "--json")
    assert rep["strength_from"] == "interactions" and ref["strength_from"] == "declared"
    ours = {(o["source"], kp["person"]): (o["strength"], o["observed_strength"])
            for kp in rep["lines"]["key_person"] for o in kp["influenced_by"]["ours"]}
    assert ours == {("E1", "P1"): ("strong", "medium"), ("E1", "P5"): ("strong", "weak"),
                    ("E2", "P4"): ("weak", "strong")}
    # internal and competitor entries keep their shape
    p2 = next(kp for kp in rep["lines"]["key_person"] if kp["person"] == "P2")["influenced_by"]
    assert p2["internal"] == [{"source": "P1", "strength": "medium", "competitor": None}]
    # everything else equals the report on the rewritten store
    for r in (rep, ref):
        r.pop("strength_from")
        for kp in r["lines"]["key_person"]:
            for o in kp["influenced_by"]["ours"]:
                o["strength"] = o["observed_strength"]
    assert rep == ref
    # without the option the analyses use the declared strengths, and the report still observes
    plain = js(capsys, observed, "report", "--customer", "C1", "--today", day, "--json")
    p4 = next(kp for kp in plain["lines"]["key_person"] if kp["person"] == "P4")
    assert p4["influenced_by"]["ours"] == [{"source": "E2", "strength": "weak", "competitor": None,
                                            "observed_strength": "strong"}]
    assert p4["paths"]["company"]["cost"] == 3
    # readable: both strengths where they differ, at 80 columns
    code, out, _ = run(capsys, "report", "--customer", "C1", "--today", day, "--strength-from", "interactions",
                       "--store", observed)
    assert code == 0
    assert "strengths from interactions" in out
    # a table row, or the plain "column: value" line when the table does not fit 80 columns
    row = next(line for line in out.splitlines() if "E2" in line and "P4" in line and "weak" in line)
    assert "strong" in row
    assert "…" not in out  # nothing is cut: a table that does not fit becomes plain lines


def test_strength_from_bad_value_is_one_line(store, capsys):
    code, _, err = run(capsys, "coverage", "--project", "J1", "--strength-from", "crm", "--store", store)
    assert code == 2 and "--strength-from" in err and "Traceback" not in err


# ---------------------------------------------------------------- deal health in readable output (docs/spec.md §4.8.2)
def test_health_in_readable_coverage_and_report(store, capsys):
    out = _plain(capsys, store, "coverage", "--project", "J1")
    assert out.splitlines()[-1].endswith("health red")  # P6, a veto holder, is UNCOVERED
    assert "health" not in _plain(capsys, store, "coverage", "--project", "J2")  # won: no health
    assert "health" not in _plain(capsys, store, "coverage", "--customer", "C1")
    assert "健康度 红" in _plain(capsys, store, "coverage", "--project", "J3", "--lang", "zh")
    heads = [line for line in _plain(capsys, store, "report", "--customer", "C1").splitlines()
             if line.startswith(("J1", "J2"))]
    assert heads[0].endswith("health red") and "health" not in heads[1]
    # the readable health is the JSON's, which comes from analysis/health.py
    rep = js(capsys, store, "report", "--customer", "C1", "--json")
    assert [j["health"] for j in rep["lines"]["decision_chain"]] == ["red", None]
