"""SPEC §3 validation: each rule with a failing example, all problems at once, locations."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from brmgraph.dataset import input_schema, load_dataset, parse_dataset
from brmgraph.errors import InvalidData
from brmgraph.model import Stance, Strength, Tri

BASE = {
    "customers": [{"id": "C1", "name": "Huaxin Bank", "industry": "banking", "tier": "A"},
                  {"id": "C2", "name": "Other"}],
    "key_persons": [
        {"id": "P1", "customer": "C1", "name": "Wang Fang", "veto": "yes", "reports_to": "P2"},
        {"id": "P2", "customer": "C1", "name": "Boss"},
        {"id": "P3", "customer": "C1", "reports_to": "P2"},
        {"id": "Q1", "customer": "C2"},
    ],
    "employees": [{"id": "E1", "name": "Li Lei", "team": "East"}],
    "competitors": [{"id": "K1", "name": "RivalSoft"}],
    "competitor_staff": [{"id": "S1", "competitor": "K1"}],
    "influences": [{"source": "E1", "target": "P1", "strength": "strong"},
                   {"source": "P3", "target": "P1"}],
    "projects": [{"id": "J1", "customer": "C1", "status": "open",
                  "decision_chain": [{"person": "P1", "role": "decision_maker"}], "competitors": ["K1"]}],
    "interactions": [{"employee": "E1", "person": "P1", "date": "2026-10-01", "kind": "meeting"}],
}


def problems(doc: dict) -> list[str]:
    _, probs = parse_dataset(doc, "f.json")
    return [str(p) for p in probs]


def mutate(fn) -> list[str]:
    doc = copy.deepcopy(BASE)
    fn(doc)
    return problems(doc)


def test_base_is_valid():
    assert problems(BASE) == []


def test_unknown_enum_value():
    out = mutate(lambda d: d["key_persons"][0].update(closeness="friendly"))
    assert len(out) == 1 and out[0].startswith("f.json: $.key_persons[0].closeness: unknown stance value 'friendly'")


def test_unknown_tri_and_strength_and_status():
    def f(d):
        d["key_persons"][1]["approver"] = "maybe"
        d["influences"][0]["strength"] = "huge"
        d["projects"][0]["status"] = "pending"
    out = mutate(f)
    assert [o.split(": ")[1] for o in out] == [
        "$.key_persons[1].approver", "$.influences[0].strength", "$.projects[0].status"]


def test_reference_to_missing_id():
    out = mutate(lambda d: d["influences"].append({"source": "E9", "target": "P1"}))
    assert out == ["f.json: $.influences[2].source: reference to a missing id 'E9' "
                   "(expected a key person, employee or competitor staff member)"]


@pytest.mark.parametrize("where,fn", [
    ("$.key_persons[0].customer", lambda d: d["key_persons"][0].update(customer="C9")),
    ("$.key_persons[0].reports_to", lambda d: d["key_persons"][0].update(reports_to="P9")),
    ("$.competitor_staff[0].competitor", lambda d: d["competitor_staff"][0].update(competitor="K9")),
    ("$.influences[0].target", lambda d: d["influences"][0].update(target="S1")),
    ("$.projects[0].customer", lambda d: d["projects"][0].update(customer="C9")),
    ("$.projects[0].decision_chain[0].person", lambda d: d["projects"][0]["decision_chain"][0].update(person="P9")),
    ("$.projects[0].competitors[0]", lambda d: d["projects"][0].update(competitors=["K9"])),
    ("$.interactions[0].employee", lambda d: d["interactions"][0].update(employee="P1")),
    ("$.interactions[0].person", lambda d: d["interactions"][0].update(person="P99")),
])
def test_every_reference_is_checked(where, fn):
    out = mutate(fn)
    assert len(out) == 1 and out[0].startswith(f"f.json: {where}: "), out


def test_duplicate_id_within_and_across_kinds():
    def f(d):
        d["key_persons"].append({"id": "P2", "customer": "C1"})
        d["employees"].append({"id": "K1"})
    out = mutate(f)
    # the later record in file order is the duplicate; no cascade into references
    assert out == [
        "f.json: $.key_persons[4].id: duplicate id 'P2' (already used by a key person at $.key_persons[1].id)",
        "f.json: $.competitors[0].id: duplicate id 'K1' (already used by an employee at $.employees[1].id)",
    ]


def test_reports_to_cycle():
    out = mutate(lambda d: d["key_persons"][1].update(reports_to="P3"))
    assert out == ["f.json: $.key_persons[1].reports_to: reports_to cycle: P2 → P3 → P2"]


def test_long_cycle_reported_once():
    doc = {"customers": [{"id": "C"}], "key_persons": [
        {"id": f"P{i}", "customer": "C", "reports_to": f"P{(i + 1) % 5}"} for i in range(5)]}
    out = problems(doc)
    assert out == ["f.json: $.key_persons[0].reports_to: reports_to cycle: P0 → P1 → P2 → P3 → P4 → P0"]


def test_reporting_to_another_customer():
    out = mutate(lambda d: d["key_persons"][3].update(reports_to="P2"))
    assert len(out) == 1 and "reports to P2 of another customer" in out[0]


def test_cross_customer_internal_influence():
    out = mutate(lambda d: d["influences"].append({"source": "Q1", "target": "P1"}))
    assert out == ["f.json: $.influences[2]: internal influence crosses customers: Q1 (C2) → P1 (C1)"]


def test_external_influence_may_cross_customers():
    assert mutate(lambda d: d["influences"].append({"source": "E1", "target": "Q1"})) == []


def test_self_loops():
    def f(d):
        d["influences"].append({"source": "P1", "target": "P1"})
        d["key_persons"][1]["reports_to"] = "P2"
    out = mutate(f)
    assert "f.json: $.key_persons[1].reports_to: P2 reports to itself (self-loop)" in out
    assert "f.json: $.influences[2]: P1 influences itself (self-loop)" in out
    assert len(out) == 2


def test_duplicate_influence_pair():
    out = mutate(lambda d: d["influences"].append({"source": "E1", "target": "P1", "strength": "weak"}))
    assert out == ["f.json: $.influences[2]: duplicate influence E1 → P1 (first at $.influences[0])"]


def test_chain_member_of_another_customer():
    out = mutate(lambda d: d["projects"][0]["decision_chain"].append({"person": "Q1"}))
    assert out == ["f.json: $.projects[0].decision_chain[1].person: "
                   "decision-chain member Q1 belongs to customer C2, not C1"]


def test_missing_required_and_unknown_fields():
    def f(d):
        del d["key_persons"][0]["customer"]
        d["employees"][0]["salary"] = 3
        d["bogus"] = []
    out = mutate(f)
    assert "f.json: $.key_persons[0].customer: required field is missing" in out
    assert "f.json: $.employees[0].salary: unknown field 'salary'" in out
    assert any(o.startswith("f.json: $.bogus: unknown section") for o in out)


def test_all_problems_reported_at_once():
    def f(d):
        d["key_persons"][0]["closeness"] = "x"
        d["influences"].append({"source": "P1", "target": "P1"})
        d["projects"][0]["customer"] = "nope"
        d["interactions"][0]["date"] = "yesterday"
    assert len(mutate(f)) == 4


def test_bad_field_does_not_cascade():
    # P1 has a bad enum: its id still exists, so references to it are not "missing"
    out = mutate(lambda d: d["key_persons"][0].update(veto="perhaps"))
    assert len(out) == 1


def test_non_object_records_and_sections():
    assert problems({"customers": "C1"}) == ["f.json: $.customers: must be a list of records"]
    assert problems({"customers": ["C1"]}) == ["f.json: $.customers[0]: must be an object (a record with fields)"]
    assert problems([1, 2]) == ["f.json: $: the top level must be an object with keys customers, key_persons, "
                                "employees, competitors, competitor_staff, influences, projects, interactions"]


def test_chinese_aliases():
    doc = copy.deepcopy(BASE)
    doc["key_persons"][0].update(closeness="强支持", solution_acceptance="反对", price_acceptance="未知",
                                 veto="是", approver="否")
    doc["influences"][0]["strength"] = "弱"
    ds, probs = parse_dataset(doc, "f.json")
    assert probs == []
    p = ds.key_persons[0]
    assert (p.closeness, p.solution_acceptance, p.price_acceptance) == (Stance.strong_support, Stance.oppose, Stance.unknown)
    assert (p.veto, p.approver) == (Tri.yes, Tri.no)
    assert ds.influences[0].strength == Strength.weak


def test_defaults():
    ds, probs = parse_dataset({"customers": [{"id": "C"}], "key_persons": [{"id": "P", "customer": "C"}],
                               "employees": [{"id": "E"}], "influences": [{"source": "E", "target": "P"}]}, "f")
    assert probs == []
    assert ds.key_persons[0].closeness == Stance.unknown and ds.key_persons[0].veto == Tri.unknown
    assert ds.influences[0].strength == Strength.medium


def test_numeric_ids_become_strings():
    ds, probs = parse_dataset({"customers": [{"id": 1}], "key_persons": [{"id": 2, "customer": 1}]}, "f")
    assert probs == [] and ds.key_persons[0].customer == "1"


# ------------------------------------------------------------------------ files
def test_json_yaml_and_csv_read_the_same(tmp_path: Path):
    j = tmp_path / "d.json"
    j.write_text(json.dumps(BASE), encoding="utf-8")
    y = tmp_path / "d.yaml"
    y.write_text(yaml.safe_dump(BASE, allow_unicode=True), encoding="utf-8")
    d = tmp_path / "csv"
    write_csv_folder(BASE, d)
    a, b, c = load_dataset(j), load_dataset(y), load_dataset(d)
    assert a.sorted() == b.sorted() == c.sorted()


def write_csv_folder(doc: dict, d: Path) -> None:
    import csv

    d.mkdir()
    for section, rows in doc.items():
        rows = copy.deepcopy(rows)
        if section == "projects":
            with open(d / "decision_chain.csv", "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(["project", "person", "role"])
                for r in rows:
                    for m in r.pop("decision_chain", []):
                        w.writerow([r["id"], m["person"], m.get("role", "")])
                    r["competitors"] = ";".join(r.get("competitors", []))
        fields = sorted({k for r in rows for k in r})
        with open(d / f"{section}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            for r in rows:
                w.writerow(r)


def test_csv_problems_name_file_and_line(tmp_path: Path):
    doc = copy.deepcopy(BASE)
    doc["key_persons"][2]["closeness"] = "meh"
    doc["projects"][0]["decision_chain"].append({"person": "Q1", "role": "user"})
    d = tmp_path / "csv"
    write_csv_folder(doc, d)
    with pytest.raises(InvalidData) as ei:
        load_dataset(d)
    msgs = [str(p) for p in ei.value.problems]
    assert f"{d / 'key_persons.csv'}: line 4, column closeness: " in msgs[0] or any(
        m.startswith(f"{d / 'key_persons.csv'}: line 4, column closeness") for m in msgs)
    assert any(m.startswith(f"{d / 'decision_chain.csv'}: line 3, column person: decision-chain member Q1") for m in msgs)


def test_broken_json_and_yaml(tmp_path: Path):
    j = tmp_path / "b.json"
    j.write_text('{"customers": [', encoding="utf-8")
    with pytest.raises(InvalidData) as ei:
        load_dataset(j)
    assert str(ei.value.problems[0]).startswith(f"{j}: line 1 column 16: invalid JSON")
    y = tmp_path / "b.yaml"
    y.write_text("customers: [\n  - id: C1\n", encoding="utf-8")
    with pytest.raises(InvalidData) as ei:
        load_dataset(y)
    assert "invalid YAML" in str(ei.value.problems[0])


def test_unreadable_and_missing_and_binary(tmp_path: Path):
    with pytest.raises(InvalidData, match="no such file"):
        load_dataset(tmp_path / "nope.json")
    b = tmp_path / "bin.json"
    b.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InvalidData, match="not UTF-8"):
        load_dataset(b)


def test_schema_mentions_every_section():
    s = input_schema()
    assert set(s["properties"]) == {"customers", "key_persons", "employees", "competitors",
                                    "competitor_staff", "influences", "projects", "interactions"}


def test_yaml_ids_keep_their_text(tmp_path: Path):
    """YAML 1.1 would turn 010 into 8, 1:30 into 90, 0x1F into 31 and yes into true."""
    f = tmp_path / "d.yaml"
    f.write_text(
        "customers:\n- id: 010\n- id: 1:30\n- id: 0x1F\n- id: 1_000\n- id: 42\n- id: -7\n"
        "key_persons:\n- {id: P1, customer: 010, veto: yes, approver: no}\n"
        "employees:\n- {id: on}\n"
        "interactions:\n- {employee: on, person: P1, date: 2026-01-02}\n"
    )
    ds = load_dataset(f)
    assert [c.id for c in ds.customers] == ["010", "1:30", "0x1F", "1_000", "42", "-7"]
    assert ds.key_persons[0].customer == "010"
    assert (ds.key_persons[0].veto, ds.key_persons[0].approver) == (Tri.yes, Tri.no)
    assert ds.employees[0].id == "on"
    assert ds.interactions[0].date.isoformat() == "2026-01-02"


@pytest.mark.parametrize("text,needle", [
    ("customers:\n- id: 1.10\n", "$.customers[0].id: an id must be text or a whole number, not 1.1"),
    ("customers:\n- &a {id: C1}\n- *a\n", "line 3 column 3: invalid YAML (aliases (*name) are not allowed in data files)"),
    ("customers:\n- id: !!int 010\n", "line 2 column 7: invalid YAML (tags (!!type) are not allowed in data files)"),
    ("interactions:\n- {employee: E1, person: P1, date: 2024-02-30}\n", "$.interactions[0].date:"),
])
def test_yaml_refusals_name_the_place(tmp_path: Path, text: str, needle: str):
    f = tmp_path / "d.yaml"
    f.write_text(text)
    with pytest.raises(InvalidData) as ei:
        load_dataset(f)
    assert any(needle in str(p) for p in ei.value.problems), [str(p) for p in ei.value.problems]


def test_yaml_str_tag_is_allowed(tmp_path: Path):
    f = tmp_path / "d.yaml"
    f.write_text("customers:\n- id: !!str 1.10\n")
    assert load_dataset(f).customers[0].id == "1.10"


def test_limits_on_lengths_dates_and_numbers():
    from brmgraph.model import MAX_ID_LENGTH, MAX_TEXT_LENGTH

    ok = mutate(lambda d: d["customers"].append({"id": "X" * MAX_ID_LENGTH, "name": "n" * MAX_TEXT_LENGTH}))
    assert ok == []
    assert mutate(lambda d: d["customers"].append({"id": "X" * (MAX_ID_LENGTH + 1)})) == [
        f"f.json: $.customers[2].id: too long ({MAX_ID_LENGTH + 1} characters); at most {MAX_ID_LENGTH} are allowed"
    ]
    assert mutate(lambda d: d["interactions"][0].update(date=0)) == [
        "f.json: $.interactions[0].date: a date must be written as YYYY-MM-DD, not the number 0"
    ]
    assert mutate(lambda d: d["projects"][0].update(amount=float("inf"))) == [
        "f.json: $.projects[0].amount: must be a finite number (not NaN or Infinity)"
    ]


def test_reports_to_depth_limit():
    from brmgraph.dataset import MAX_REPORTS_DEPTH

    def chain(n: int):
        def fn(d):
            d["key_persons"] += [{"id": f"D{i}", "customer": "C1", **({"reports_to": f"D{i - 1}"} if i else {})}
                                 for i in range(n)]
        return fn

    assert mutate(chain(MAX_REPORTS_DEPTH)) == []
    assert mutate(chain(MAX_REPORTS_DEPTH + 5)) == [
        f"f.json: $.key_persons[{4 + MAX_REPORTS_DEPTH}].reports_to: the reports_to chain above 'D{MAX_REPORTS_DEPTH}' "
        f"is more than {MAX_REPORTS_DEPTH:,} levels deep (level {MAX_REPORTS_DEPTH + 1:,}); break the chain"
    ]
