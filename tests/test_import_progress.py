"""A large import takes minutes: on a terminal it says what it is doing, step by step, on
stderr; piped or scripted, it prints nothing there."""

from __future__ import annotations

from pathlib import Path

from tests.builders import run_on_terminal, run_process

ROOT = Path(__file__).resolve().parent.parent

DATA = """\
customers:
  - {id: H1, name: Riverside Hospital, industry: healthcare, tier: A}
key_persons:
  - {id: H-CIO, customer: H1, name: Jonas Berg, title: CIO, closeness: oppose, veto: "yes"}
  - {id: H-ARCH, customer: H1, name: Ravi Menon, title: Architect, closeness: strong_support, reports_to: H-CIO}
employees:
  - {id: E-ANNA, name: Anna Kowalski, team: Health, title: Account manager}
influences:
  - {source: E-ANNA, target: H-ARCH, strength: strong}
projects:
  - {id: P-EHR, customer: H1, name: EHR migration, decision_chain: [{person: H-CIO, role: decision_maker}]}
"""


def test_import_steps_on_a_terminal(tmp_path: Path) -> None:
    data = tmp_path / "night.yaml"
    data.write_text(DATA, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 's.db'}"
    for args in ((), ("--replace",)):
        code, out, err = run_on_terminal("import", str(data), *args, "--store", url, cwd=ROOT, timeout=120)
        assert code == 0, err
        assert "6 records" in out
        steps = [line.split(" (")[0] for line in err.splitlines() if line.startswith("import: ")]
        assert steps == [f"import: reading {data}", "import: checking 6 records", f"import: writing into {url}"], err


def test_no_steps_when_not_on_a_terminal(tmp_path: Path) -> None:
    data = tmp_path / "night.yaml"
    data.write_text(DATA, encoding="utf-8")
    r = run_process("import", str(data), "--store", f"sqlite:///{tmp_path / 's.db'}", cwd=ROOT, timeout=120)
    assert r.returncode == 0 and r.stderr == "" and "imported 6 records" in r.stdout


def test_steps_stop_at_a_bad_file(tmp_path: Path) -> None:
    data = tmp_path / "bad.yaml"
    data.write_text(DATA.replace("closeness: oppose", "closeness: hostile"), encoding="utf-8")
    code, out, err = run_on_terminal("import", str(data), "--store", f"sqlite:///{tmp_path / 's.db'}", cwd=ROOT)
    assert code != 0 and out == ""
    assert "import: reading" in err and "writing" not in err and "closeness" in err and "Traceback" not in err
