"""Output for people never cuts a value short: at 80 columns, piped or on a terminal,
every id and name of the data appears whole; ``report --format markdown`` too."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .test_cli_core import brm

C = "CUST-ACME-INTERNATIONAL-HOLDINGS-0001"
CFO, CTO, PROC = "PERSON-MAXIMILIANE-VONDERHEYDEN-CFO", "PERSON-JONATHAN-ABERCROMBIE-CTO", "PERSON-UNREACHED-PROCUREMENT-LEAD"
EMP, STAFF, K, J = ("EMP-ALEXANDRA-KOWALCZYK-SALES-EAST", "STAFF-BARTHOLOMEW-FITZGERALD", "COMPETITOR-MEGACORP-SOLUTIONS",
                    "PROJECT-GLOBAL-ERP-REPLACEMENT-2024")
NAMES = {
    C: "Acme International Holdings Worldwide Limited Partnership",
    CFO: "Maximiliane von der Heyden-Schwarzenberg",
    CTO: "Jonathan Abercrombie-Fitzwilliam",
    PROC: "Priyanka Ramaswamy-Venkataraman",
    EMP: "Alexandra Kowalczyk-Montgomery",
    STAFF: "Bartholomew Fitzgerald-Whitaker",
    K: "MegaCorp Solutions Incorporated",
    J: "Global ERP Replacement Programme Phase Two",
}


def wide() -> dict[str, Any]:
    """One customer whose ids, names and titles are all longer than a table cell at 80 columns."""
    return {
        "customers": [{"id": C, "name": NAMES[C]}],
        "employees": [{"id": EMP, "name": NAMES[EMP], "team": "Enterprise Sales East Region",
                       "title": "Senior Strategic Account Executive"}],
        "competitors": [{"id": K, "name": NAMES[K]}],
        "competitor_staff": [{"id": STAFF, "name": NAMES[STAFF], "competitor": K}],
        "key_persons": [
            {"id": CFO, "customer": C, "name": NAMES[CFO], "title": "Chief Financial Officer and Executive Vice President",
             "veto": "yes", "closeness": "neutral"},
            {"id": CTO, "customer": C, "name": NAMES[CTO], "title": "Chief Technology Officer", "approver": "yes",
             "closeness": "support"},
            {"id": PROC, "customer": C, "name": NAMES[PROC], "title": "Head of Global Procurement", "veto": "yes"},
        ],
        "influences": [
            {"source": EMP, "target": CTO, "strength": "strong"},
            {"source": CTO, "target": CFO, "strength": "medium"},
            {"source": STAFF, "target": CFO, "strength": "strong"},
        ],
        "projects": [{"id": J, "customer": C, "name": NAMES[J], "status": "open", "stage": "Negotiation and review",
                      "amount": 1250000, "competitors": [K],
                      "decision_chain": [{"person": CFO, "role": "economic buyer"}, {"person": CTO, "role": "technical buyer"},
                                         {"person": PROC, "role": "procurement"}]}],
        "interactions": [{"employee": EMP, "person": CTO, "date": "2024-04-01", "kind": "business consultation"}],
    }


#: what a report shows (competitor staff appear only as their competitor)
REPORTED = [v for k, n in NAMES.items() if k != STAFF for v in (k, n)]

#: each command and the ids and names it must show whole
COMMANDS: list[tuple[list[str], list[str]]] = [
    (["path", "--to", CFO], [EMP, CTO, CFO, NAMES[EMP], NAMES[CTO], NAMES[CFO]]),
    (["coverage", "--customer", C], [C, CFO, CTO, PROC, NAMES[CFO], NAMES[CTO], NAMES[PROC], EMP]),
    (["coverage", "--project", J], [J, CFO, CTO, PROC, NAMES[PROC]]),
    (["exposure", "--customer", C], [C, CFO, PROC, NAMES[CFO], NAMES[PROC]]),
    (["report", "--customer", C, "--today", "2024-05-01"], REPORTED),
    (["report", "--customer", C, "--today", "2024-05-01", "--format", "markdown"], REPORTED),
    (["tactics", "--person", CFO], [CFO, NAMES[CFO]]),
    (["history"], [C, CFO, CTO, PROC, EMP, STAFF, K, J]),
    (["history", "--person", CFO], [CFO]),
    (["risk"], [EMP, NAMES[EMP], J, CFO]),
    (["plan", "--project", J], [J, PROC, NAMES[PROC], EMP]),
    (["whatif", "--without", EMP], [J, CFO]),
    (["info"], ["customers", "key persons", "competitor staff"]),
]

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("wide")
    f = tmp / "wide.json"
    f.write_text(json.dumps(wide()), encoding="utf-8")
    url = f"sqlite:///{tmp / 'w.db'}"
    assert brm("import", str(f), "--store", url).returncode == 0
    return url


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("cmd,values", COMMANDS, ids=[" ".join(c[:1] + c[-2:]) for c, _ in COMMANDS])
def test_values_appear_whole_at_80_columns(store: str, cmd: list[str], values: list[str], terminal: bool) -> None:
    env = {"COLUMNS": "80", "LINES": "40"}
    if terminal:
        env["FORCE_COLOR"] = "1"  # rich then writes as to a terminal
    r = brm(*cmd, "--store", store, env=env)
    assert r.returncode == 0, r.stderr
    out = ANSI.sub("", r.stdout)
    missing = [v for v in values if v not in out]
    assert not missing, f"{cmd}: not whole in the output: {missing}\n{out}"
    assert "…" not in out


def test_tables_stay_when_they_fit(tmp_path: Path) -> None:
    """Short values keep the table layout at 80 columns."""
    doc = {"customers": [{"id": "C1", "name": "Acme"}], "employees": [{"id": "E1", "name": "Eve"}],
           "key_persons": [{"id": "P1", "customer": "C1", "name": "Pat", "veto": "yes"}],
           "influences": [{"source": "E1", "target": "P1", "strength": "strong"}]}
    f = tmp_path / "d.json"
    f.write_text(json.dumps(doc))
    url = f"sqlite:///{tmp_path / 'd.db'}"
    assert brm("import", str(f), "--store", url).returncode == 0
    r = brm("coverage", "--customer", "C1", "--store", url, env={"COLUMNS": "80"})
    assert "┃ person" in r.stdout and "P1" in r.stdout and "Pat" in r.stdout


def test_report_markdown_is_markdown(store: str) -> None:
    r = brm("report", "--customer", C, "--today", "2024-05-01", "--format", "markdown", "--store", store)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[1].startswith("## " + C)
    assert "| person | name | role | status | cost | ours | competitor | closer |" in lines
    assert not any(ch in r.stdout for ch in "┃│━─")
    r = brm("report", "--customer", C, "--format", "xml", "--store", store)
    assert r.returncode == 2 and r.stderr.startswith("error: ")
