"""The documentation keeps up with the code.

* docs/cli.md is exactly what ``python -m brmgraph.cli.docgen`` writes from the app;
* every command of ``brmgraph.cli.app`` (walking sub-groups such as ``neo4j``) has a
  section ``## `brmgraph <command>``` in docs/cli.md, and every long option of it is
  mentioned in that section;
* docs/cli.md documents no command that does not exist;
* the user guide covers the topics the product promises, and its relative links resolve.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from brmgraph.cli import app

ROOT = Path(__file__).resolve().parent.parent
CLI_MD = ROOT / "docs" / "cli.md"
GUIDE_MD = ROOT / "docs" / "guide.md"


def command_tree() -> dict[str, list[str]]:
    """``{"neo4j start": ["--port", "--home", "--json"], ...}`` for every leaf command."""
    out: dict[str, list[str]] = {}

    def walk(cmd, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                if not getattr(sub, "hidden", False):
                    walk(sub, path + [name])
            return
        opts = []
        for p in cmd.params:
            if getattr(p, "param_type_name", "") != "option" or p.name == "help":
                continue
            longs = [o for o in p.opts if o.startswith("--")]
            opts.append(longs[0] if longs else p.opts[0])
        out[" ".join(path)] = opts

    walk(typer.main.get_command(app), [])
    return out


def sections(text: str) -> dict[str, str]:
    """``## `brmgraph X` `` headings → the text up to the next ``## `` heading."""
    parts = re.split(r"^## ", text, flags=re.M)
    out = {}
    for part in parts[1:]:
        head, _, body = part.partition("\n")
        m = re.fullmatch(r"`brmgraph ([a-z0-9 -]+)`\s*", head)
        if m:
            out[m.group(1).strip()] = body
    return out


def test_cli_reference_is_generated_and_current() -> None:
    from brmgraph.cli import docgen

    assert docgen.DOC == CLI_MD
    assert CLI_MD.read_text(encoding="utf-8") == docgen.render(), (
        "docs/cli.md is stale: run `python -m brmgraph.cli.docgen` (or `make docs`) and commit it"
    )


def test_cli_reference_shows_every_exit_code_and_example() -> None:
    from brmgraph.errors import EXIT_CODES

    text = CLI_MD.read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES.items():
        assert f"| {int(code)} | {meaning} |" in text
    for command, body in sections(text).items():
        assert "Example:" in body and f"brmgraph {command}" in body.split("Example:", 1)[1], command


def test_there_are_commands_to_check() -> None:
    tree = command_tree()
    assert {"import", "map", "neo4j start"} <= set(tree)


@pytest.mark.parametrize("command", sorted(command_tree()))
def test_every_command_is_documented(command: str) -> None:
    secs = sections(CLI_MD.read_text(encoding="utf-8"))
    assert command in secs, f"docs/cli.md has no section '## `brmgraph {command}`'"
    body = secs[command]
    missing = [o for o in command_tree()[command] if o not in body]
    assert not missing, f"docs/cli.md, `brmgraph {command}`: options not documented: {missing}"


def test_no_documented_command_is_missing_from_the_cli() -> None:
    documented = set(sections(CLI_MD.read_text(encoding="utf-8")))
    assert documented - set(command_tree()) == set()


def test_spec_json_shapes_are_shown() -> None:
    text = CLI_MD.read_text(encoding="utf-8")
    for key in ('"target"', '"weighted_coverage"', '"unassessed"', '"reasons"', '"betweenness"', '"on_best_paths"'):
        assert key in text


def test_guide_covers_the_promised_topics() -> None:
    text = GUIDE_MD.read_text(encoding="utf-8").lower()
    for topic in (
        "data format",
        "perspective",
        "best path",
        "coverage",
        "weighted_coverage",
        "exposure",
        "strategy",
        "breadth",
        "depth",
        "transparency",
        "betweenness",
        "frequency",
        "cooling",
        "docker compose",
        "brmgraph neo4j start",
        "cypher",
        ":influences_external",
        ":reports_to",
        ":in_chain",
        "relationship map",
        "notebook",
    ):
        assert topic in text, f"docs/guide.md does not mention {topic!r}"
    for label in ("Customer", "KeyPerson", "Employee", "Competitor", "CompetitorStaff", "Project"):
        assert f":{label}" in GUIDE_MD.read_text(encoding="utf-8")


@pytest.mark.parametrize("doc", sorted(p.name for p in (ROOT / "docs").glob("*.md")))
def test_relative_links_resolve(doc: str) -> None:
    path = ROOT / "docs" / doc
    text = path.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        assert (path.parent / target).exists(), f"{doc}: broken link {target}"
