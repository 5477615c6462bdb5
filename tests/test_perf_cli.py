"""The CLI starts quickly (issue 14): ``brmgraph --version`` and the command modules import
none of the heavy libraries, and ``path`` loads neither networkx nor the map or server stacks.
Each check runs in a fresh interpreter and inspects ``sys.modules``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import in_process

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("networkx", "pyvis", "neo4j", "starlette", "uvicorn", "yaml", "jinja2")


def _modules_after(code: str) -> set[str]:
    r = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"],
        check=False, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return set(json.loads(r.stdout.splitlines()[-1]))


def _heavy(mods: set[str], names: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted(m for m in mods if m.split(".")[0] in names)


def test_version_imports_nothing_heavy() -> None:
    mods = _modules_after(
        "import sys\nsys.argv = ['brmgraph', '--version']\nfrom brmgraph.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert "brmgraph.cli" in mods
    assert _heavy(mods, HEAVY + ("pydantic", "rich")) == []


def test_importing_the_cli_with_every_command_stays_light() -> None:
    mods = _modules_after("from brmgraph.cli import app")
    assert {"brmgraph.cli.analysis", "brmgraph.cli.maps", "brmgraph.cli.serve", "brmgraph.cli.neo4j"} <= mods
    assert _heavy(mods, HEAVY + ("pydantic", "rich")) == []
    assert "brmgraph.analysis" not in mods and "brmgraph.store" not in mods


def test_version_prints_the_same_line_either_way() -> None:
    from brmgraph import __version__

    fast = subprocess.run([sys.executable, "-m", "brmgraph", "--version"], check=False, capture_output=True, text=True, cwd=ROOT)
    assert fast.returncode == 0 and fast.stdout == f"brmgraph {__version__}\n"
    from typer.testing import CliRunner

    from brmgraph.cli import app

    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.stdout == fast.stdout


def test_path_does_not_load_networkx_or_the_web_stack(tmp_path: Path) -> None:
    url, person = _store(tmp_path)
    mods = _run_main(["path", "--to", person, "--json", "--store", url])
    assert "brmgraph.analysis.paths" in mods
    assert _heavy(mods) == []


def test_cli_default_max_cost_is_the_rule() -> None:
    from brmgraph.analysis.rules import DEFAULT_MAX_COST
    from brmgraph.cli.common import DEFAULT_MAX_COST as CLI_DEFAULT

    assert CLI_DEFAULT == DEFAULT_MAX_COST


def _store(tmp_path: Path) -> tuple[str, str]:
    from brmgraph.generate import generate

    data = tmp_path / "d.json"
    generate(data, customers=2, persons_per=6, employees=3, competitors=1, staff_per=2, seed=1)
    url = f"sqlite:///{tmp_path / 's.db'}"
    r = subprocess.run([sys.executable, "-m", "brmgraph", "import", str(data), "--store", url],
                       check=False, capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return url, json.loads(data.read_text(encoding="utf-8"))["key_persons"][0]["id"]


def _store_in_process(tmp_path: Path) -> str:
    from brmgraph.generate import generate

    data = tmp_path / "d.json"
    generate(data, customers=2, persons_per=6, employees=3, competitors=1, staff_per=2, seed=1)
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert in_process("import", str(data), "--store", url).returncode == 0
    return url


def _run_main(args: list[str]) -> set[str]:
    return _modules_after(
        f"import sys\nsys.argv = ['brmgraph', *{args!r}]\n"
        "from brmgraph.cli import main\ntry:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code"
    )


def test_flags_and_path_skip_what_they_do_not_use(tmp_path: Path) -> None:
    """Only the command that runs is built; ``path --json`` loads neither rich nor the
    coverage or flags analyses; ``flags`` loads neither rich (stderr is no terminal) nor
    the interactions analyses."""
    url, person = _store(tmp_path)
    mods = _run_main(["path", "--to", person, "--json", "--store", url])
    assert "brmgraph.analysis.paths" in mods
    lazy = ("brmgraph.analysis.coverage", "brmgraph.analysis.exposure", "brmgraph.store.neo4j")
    assert [m for m in lazy if m in mods] == [] and _heavy(mods, HEAVY + ("rich",)) == []
    mods = _run_main(["flags", "--workers", "1", "--max-cost", "4", "--store", url])
    assert "brmgraph.store.compact" in mods
    assert [m for m in ("brmgraph.analysis.observed", "brmgraph.analysis.lines") if m in mods] == []
    assert _heavy(mods, HEAVY + ("rich",)) == []


def test_option_values_are_coerced_as_typer_would(tmp_path: Path) -> None:
    """Option values are read as typer reads them, with typer's messages on one line."""
    from typer.testing import CliRunner

    from brmgraph.cli import app

    url = _store_in_process(tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        r = in_process(*args)
        return r.returncode, r.stdout, r.stderr

    base = run("flags", "--store", url)
    assert base[0] == 0
    for args in (["--max-cost", "4"], ["--max-cost", "+4"], ["--max-cost", "04"], ["--workers", "2"], ["--format", "jsonl"]):
        assert run("flags", *args, "--store", url)[:2] == base[:2], args
    for args, words in (
        (["--workers", "0"], "greater than or equal to 1"),
        (["--max-cost", "-1"], "greater than or equal to 0"),
        (["--workers", "two"], "valid integer"),
        (["--format", "xml"], "'xml' is not one of"),
    ):
        code, out, err = run("flags", *args, "--store", url)
        assert code != 0 and out == "" and words in err and len(err.strip().splitlines()) == 1, (args, err)
    # the help of a command is the same from the whole command tree and from main()
    whole = CliRunner().invoke(app, ["flags", "--help"], prog_name="brmgraph", terminal_width=100)
    assert whole.exit_code == 0
    assert run("flags", "--help")[1].split() == whole.stdout.split()
