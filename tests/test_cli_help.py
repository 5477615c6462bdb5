"""The help speaks to a sales analyst, and the CLI stays a thin layer.

Every command is run through ``brmgraph.cli.main``, the entry point users run, so the
exit codes are the real ones.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from brmgraph import __version__
from brmgraph.errors import EXIT_CODES, BrmError, ExitCode
from tests.builders import run_cli

from .test_docs import command_tree

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "brmgraph"


def run(capsys, *args: str) -> tuple[int, str, str]:
    r = run_cli(*args)
    return r.code, r.out, r.err


def help_of(capsys, command: str) -> str:
    code, out, err = run(capsys, *command.split(), "--help")
    assert code == 0, err
    return out


ALL_HELP = [""] + ["neo4j"] + sorted(command_tree())


def test_bare_brmgraph_prints_help_and_exits_0(capsys):
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert "Usage: brmgraph" in out and "report" in out and "Exit codes" in out


def test_bare_group_prints_help_and_exits_0(capsys):
    code, out, err = run(capsys, "neo4j")
    assert code == 0 and err == "" and "start" in out


def test_version(capsys):
    assert run(capsys, "--version") == (0, f"brmgraph {__version__}\n", "")


@pytest.mark.parametrize("command", ALL_HELP)
def test_every_help_has_one_example_and_no_internal_names(capsys, command):
    text = help_of(capsys, command)
    assert text.count("Example:") == 1, text
    example = text.split("Example:", 1)[1].split("\n", 1)[0]
    assert f"brmgraph {command}".strip() in example
    assert "SPEC" not in text and "§" not in text


@pytest.mark.parametrize("command", ALL_HELP)
def test_options_show_real_metavars(capsys, command):
    text = help_of(capsys, command)
    # no python type names: flags show nothing, values their metavar (N, FILE, URL, ...)
    assert not re.search(r"<(bool|str|int|path|int range|float)>", text), text


def test_exit_code_table_covers_every_error_class():
    import brmgraph.neo4j_local  # noqa: F401  (defines an error class of its own)

    def subclasses(cls: type) -> list[type]:
        return [cls] + [s for sub in cls.__subclasses__() for s in subclasses(sub)]

    codes = {int(c) for c in EXIT_CODES}
    for cls in subclasses(BrmError):
        assert int(cls.exit_code) in codes, f"{cls.__name__}.exit_code {cls.exit_code} is not in EXIT_CODES"
    assert set(EXIT_CODES) == set(ExitCode)
    # one number, one meaning: no code is an alias of another (3 is "flags printed" only)
    assert len({int(c) for c in ExitCode}) == len(ExitCode.__members__), ExitCode.__members__


def test_wrong_enum_values_are_one_line_errors(capsys):
    for args, word in ((["flags", "--format", "xml"], "--format"), (["path", "--to", "P1", "--lang", "fr"], "--lang")):
        code, out, err = run(capsys, *args)
        assert code == ExitCode.BAD_INPUT and out == ""
        assert word in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- layout rules
def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    pkg = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def test_nothing_outside_cli_imports_the_cli():
    for path in PKG.rglob("*.py"):
        if "cli" in path.relative_to(PKG).parts[:1] or path.name == "__main__.py":
            continue
        bad = {n for n in _imports(path) if n == "brmgraph.cli" or n.startswith("brmgraph.cli.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    for path in [*(ROOT / "bench").glob("*.py")]:
        assert "brmgraph.cli" not in path.read_text(encoding="utf-8"), path
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        assert "brmgraph.cli" not in path.read_text(encoding="utf-8"), path


def test_cli_does_no_graph_work():
    for path in (PKG / "cli").glob("*.py"):
        bad = {n for n in _imports(path) if n.split(".")[0] in ("heapq", "networkx")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_no_module_is_huge():
    for path in PKG.rglob("*.py"):
        if "cli" in path.relative_to(PKG).parts[:1] or path.parent == PKG and path.stem in ("batch", "demo"):
            n = len(path.read_text(encoding="utf-8").splitlines())
            assert n <= 600, f"{path.relative_to(ROOT)} has {n} lines"
