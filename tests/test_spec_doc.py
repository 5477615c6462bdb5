"""docs/spec.md stays the contract the code and the documents cite.

* every section number cited as ``§x.y`` (or ``SPEC x.y``) anywhere in ``brmgraph/``,
  ``docs/``, ``cypher/``, ``bench/`` and ``README.md`` is a heading of docs/spec.md;
* the section numbers of the original specification are kept, each with its title;
* every JSON key of the original ``--json`` shapes (its §5) appears as a key in §5 of
  docs/spec.md, as do the keys added since;
* every command of the typer app (sub-commands of groups such as ``neo4j`` included)
  appears in §5 of docs/spec.md as ``brmgraph <command>``;
* the definitions once kept in ``docs/spec-*.md`` live in docs/spec.md (§3.5, §4.8, §4.9)
  and nothing links to those files any more.

The original specification lives outside the repository (``../shared/SPEC.md`` next to
the main checkout). Its section numbers and §5 keys are frozen below, so the test runs
anywhere; when the original file is present (or ``BRM_ORIGINAL_SPEC`` names it), the
frozen lists are also checked against it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC_DOC = ROOT / "docs" / "spec.md"

#: section number -> title, as in the original specification
ORIGINAL_SECTIONS = {
    "1": "Who uses it",
    "2": "Domain model",
    "3": "Input",
    "4": "Analyses",
    "4.1": "Perspectives",
    "4.2": "Influence paths",
    "4.3": "Decision-chain coverage",
    "4.4": "Veto and approver exposure",
    "4.5": "Relationship strategy",
    "4.6": "The four lines",
    "4.7": "Relationship degrees from interactions",
    "5": "Command line",
}

#: every key of the machine-readable shapes in the original §5
ORIGINAL_JSON_KEYS = sorted(
    """approver betweenness cost coverage customer decision_chain exposed hops influence
    key_person lines max_cost members out_degree path person persons perspective project
    reach reasons scope status target unassessed veto weighted_coverage""".split()
)

#: keys added since (issue 9: ``path --json`` steps)
ADDED_JSON_KEYS = ["steps", "from", "to", "kind"]

#: keys added by issues 10, 11 and 13, shown in §5 (quoted, with or without a value)
LATER_JSON_KEYS = {
    "flags records (issue 10)": ["customer_name", "project_name", "person_name", "title", "stage", "amount"],
    "flags --since / whatif": ["change"],
    "import summary (issues 10, 11)": [
        "changeset", "time", "changes", "mode", "created", "updated", "skipped", "stubbed", "kept",
    ],
    "coverage health (issue 13)": ["health"],
    "plan": ["strength", "before", "employee", "gain", "newly_covered"],
    "whatif": ["after", "delta", "newly_uncovered", "newly_exposed", "resolved", "op", "field", "value"],
    "risk": ["employees", "count", "flags"],
    "history": ["changesets", "section", "key", "action", "fields", "source", "counts"],
    "brm-map": ["nodes", "paths", "decision_maker", "within_budget"],
    "serve API": ["error", "exposed", "key_persons", "decision_makers"],
}

#: the CSV columns of ``flags`` in their order (issue 10: added after ``reasons``)
FLAGS_CSV = "project,customer,person,reasons,customer_name,project_name,person_name,title,stage,amount"

#: folders and files whose section references must resolve
CITING = ["brmgraph", "docs", "cypher", "bench", "README.md"]

HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s+(.*)$", re.M)
CITATION = re.compile(r"(?:§\s*|\bSPEC\s+)(\d+(?:\.\d+)*)")
JSON_KEY = re.compile(r'"([A-Za-z_]+)"\s*:')


def headings(text: str) -> dict[str, str]:
    """``{"4.2": "Influence paths (影响路径)", ...}`` for every numbered heading."""
    return {num: title.strip() for num, title in HEADING.findall(text)}


def section(text: str, number: str) -> str:
    """The text of section ``number`` up to the next heading of the same or a higher level."""
    lines = text.splitlines()
    start = level = None
    for i, line in enumerate(lines):
        m = re.match(r"^(#{1,6})\s+(\d+(?:\.\d+)*)\.?\s", line)
        if not m:
            continue
        if start is None and m.group(2) == number:
            start, level = i, len(m.group(1))
        elif start is not None and len(m.group(1)) <= level:  # type: ignore[operator]
            return "\n".join(lines[start:i])
    assert start is not None, f"no section {number} in {SPEC_DOC}"
    return "\n".join(lines[start:])


def citations() -> dict[str, set[str]]:
    """``{"4.2": {"brmgraph/graph.py", ...}}``: every cited section number and who cites it."""
    out: dict[str, set[str]] = {}
    files: list[Path] = []
    for name in CITING:
        p = ROOT / name
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            for folder, dirs, names in os.walk(p, followlinks=True):
                dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
                files.extend(Path(folder) / n for n in names)
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files cite nothing
        for num in CITATION.findall(text):
            out.setdefault(num, set()).add(str(f.relative_to(ROOT)))
    return out


def original_spec() -> str | None:
    env = os.environ.get("BRM_ORIGINAL_SPEC")
    for p in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "SPEC.md"]:
        if p.is_file():
            return p.read_text(encoding="utf-8")
    return None


@pytest.fixture(scope="module")
def spec() -> str:
    return SPEC_DOC.read_text(encoding="utf-8")


def test_frozen_lists_match_the_original_when_present() -> None:
    text = original_spec()
    if text is None:
        return  # outside the main checkout: the frozen lists above are the reference
    assert {n: t for n, t in headings(text).items()}.keys() == ORIGINAL_SECTIONS.keys()
    for num, title in headings(text).items():
        assert title.startswith(ORIGINAL_SECTIONS[num]), (num, title)
    shapes = section(text, "5").split("```")[1]
    assert sorted(set(JSON_KEY.findall(shapes))) == ORIGINAL_JSON_KEYS


def test_original_section_numbers_are_kept(spec: str) -> None:
    found = headings(spec)
    for num, title in ORIGINAL_SECTIONS.items():
        assert num in found, f"docs/spec.md lost section {num} ({title})"
        assert found[num].startswith(title), f"docs/spec.md §{num} is {found[num]!r}, expected {title!r}"


def test_every_cited_section_exists(spec: str) -> None:
    cited = citations()
    # the scan itself works: the spec cites §4.2 from §4.3, and the code cites it too
    assert "4.2" in cited and len(cited) >= 5, cited
    found = headings(spec)
    missing = {num: sorted(who) for num, who in cited.items() if num not in found}
    assert not missing, f"sections cited but not headings of docs/spec.md: {missing}"


@pytest.mark.parametrize("key", ORIGINAL_JSON_KEYS + ADDED_JSON_KEYS)
def test_json_key_is_in_the_spec(spec: str, key: str) -> None:
    assert f'"{key}":' in section(spec, "5"), f'JSON key "{key}" missing from docs/spec.md §5'


def test_arc_kinds_are_defined(spec: str) -> None:
    paths = section(spec, "4.2")
    order = ["reports_down", "reports_up", "influences_internal", "influences_external"]
    for kind in order:
        assert f"`{kind}`" in paths
    # the tie-break order is stated once, in this order
    assert ", ".join(f"`{k}`" for k in order) in paths


@pytest.mark.parametrize(
    "key", sorted({k for keys in LATER_JSON_KEYS.values() for k in keys})
)
def test_later_json_key_is_in_the_spec(spec: str, key: str) -> None:
    assert f'"{key}"' in section(spec, "5"), f'JSON key "{key}" missing from docs/spec.md §5'


def test_flags_csv_columns_are_stated_in_order(spec: str) -> None:
    assert f"`{FLAGS_CSV}`" in section(spec, "5"), "flags CSV header missing or out of order in §5"


def leaf_commands() -> list[str]:
    """``["import", ..., "neo4j start", ...]``: every visible leaf command of the app."""
    import typer.main

    from brmgraph.cli import app

    out: list[str] = []

    def walk(cmd, path: list[str]) -> None:  # type: ignore[no-untyped-def]
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                if not getattr(sub, "hidden", False):
                    walk(sub, path + [name])
            return
        out.append(" ".join(path))

    walk(typer.main.get_command(app), [])
    return sorted(out)


def test_there_are_commands_to_check() -> None:
    cmds = leaf_commands()
    assert {"import", "flags", "plan", "history", "neo4j start"} <= set(cmds), cmds


@pytest.mark.parametrize("command", leaf_commands())
def test_every_command_is_in_section_5(spec: str, command: str) -> None:
    """``brmgraph X`` in §5; a group's sub-command may be listed as ``brmgraph neo4j start|stop``."""
    head, *rest = command.split()
    body = section(spec, "5")
    pattern = r"`brmgraph " + re.escape(head) + r"\b"
    if rest:
        pattern += r"[^`\n]*?\b" + re.escape(rest[0]) + r"\b"
    assert re.search(pattern, body), f"command `brmgraph {command}` is not in docs/spec.md §5"


@pytest.mark.parametrize(
    "number", ["3.4", "3.5", "4.8", "4.8.1", "4.8.2", "4.8.3", "4.8.4", "4.8.5", "4.9", "4.9.1", "4.9.5", "4.9.6"]
)
def test_folded_sections_exist(spec: str, number: str) -> None:
    assert number in headings(spec), f"docs/spec.md has no section {number}"


def test_import_modes_are_side_by_side(spec: str) -> None:
    body = section(spec, "3.4")
    table = [line for line in body.splitlines() if line.startswith("| ")][0]
    for mode in ("upsert", "--patch", "--replace", "--profile"):
        assert mode in table, f"§3.4's table has no column for {mode}"
    assert "--allow-empty" in body and "crm.md" in body


def test_alerts_are_defined(spec: str) -> None:
    body = section(spec, "4.9.6")
    assert "alerts --since T" in body
    for event in ("closeness_worse", "lost_coverage", "path_longer", "newly_exposed", "cooling"):
        assert f"`{event}`" in body


def test_no_separate_spec_files_remain() -> None:
    assert not list((ROOT / "docs").glob("spec-*.md")), "fold docs/spec-*.md into docs/spec.md"
    stale = []
    for name in CITING + ["tests"]:
        p = ROOT / name
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
        for f in files:
            try:
                text = f.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if re.search(r"spec-(limits|history|decisions)\.md", text) and f != Path(__file__):
                stale.append(str(f.relative_to(ROOT)))
    assert not stale, f"links to the removed docs/spec-*.md files: {stale}"
