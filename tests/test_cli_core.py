"""CLI: import/schema/info/demo exit codes, one-line errors, no traceback, store selection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import run_process
from tests.conftest import Ran, in_process

from .test_dataset import BASE

ROOT = Path(__file__).resolve().parent.parent


def brm(*args: str, cwd: Path | None = None, env: dict | None = None) -> Ran:
    """``brmgraph ARGS`` run in this process (:func:`tests.conftest.in_process`)."""
    return in_process(*args, cwd=cwd, env=env)


def brm_process(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``brmgraph ARGS`` as a process of its own, for the tests about the process itself."""
    e = dict(os.environ)
    e.pop("BRM_STORE", None)
    e.update(env or {})
    return run_process(*args, cwd=cwd, env=e, timeout=120)


def assert_clean_error(r: Ran | subprocess.CompletedProcess, code: int | None = None) -> None:
    assert r.returncode != 0
    if code is not None:
        assert r.returncode == code, r.stderr
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    assert r.stderr.startswith("error: ")


def test_import_and_info_default_store(tmp_path):
    f = tmp_path / "d.json"
    f.write_text(json.dumps(BASE))
    r = brm_process("import", str(f), "--json", cwd=tmp_path)  # one whole import and info as processes
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["records"] == 13 and out["store"] == "sqlite:///brm.db"
    assert (tmp_path / "brm.db").exists()
    r = brm_process("info", "--json", cwd=tmp_path)
    assert json.loads(r.stdout)["counts"]["key_persons"] == 4


def test_store_from_env_and_option(tmp_path):
    f = tmp_path / "d.json"
    f.write_text(json.dumps(BASE))
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert brm("import", str(f), env={"BRM_STORE": url}, cwd=tmp_path).returncode == 0
    assert (tmp_path / "x.db").exists() and not (tmp_path / "brm.db").exists()
    r = brm("info", "--json", "--store", url, cwd=tmp_path)
    assert json.loads(r.stdout)["counts"]["customers"] == 2


@pytest.mark.parametrize("mutation,needle", [
    (lambda d: d["key_persons"][0].update(closeness="friendly"), "$.key_persons[0].closeness"),
    (lambda d: d["key_persons"][1].update(reports_to="P1"), "reports_to cycle"),
    (lambda d: d["influences"].append({"source": "E1", "target": "NOPE"}), "missing id 'NOPE'"),
    (lambda d: d["employees"].append({"id": "P2"}), "duplicate id 'P2'"),
    (lambda d: d["influences"].append({"source": "Q1", "target": "P2"}), "crosses customers"),
    (lambda d: d["influences"].append({"source": "P2", "target": "P2"}), "self-loop"),
])
def test_rejected_import_exits_nonzero_one_line_store_unchanged(tmp_path, mutation, needle):
    import copy

    good = tmp_path / "good.json"
    good.write_text(json.dumps(BASE))
    assert brm("import", str(good), cwd=tmp_path).returncode == 0
    before = brm("info", "--json", cwd=tmp_path).stdout
    db_before = (tmp_path / "brm.db").read_bytes()
    doc = copy.deepcopy(BASE)
    mutation(doc)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    r = brm("import", str(bad), cwd=tmp_path)
    assert_clean_error(r, 2)
    assert needle in r.stderr and str(bad) in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert brm("info", "--json", cwd=tmp_path).stdout == before
    r = brm("import", str(bad), "--replace", cwd=tmp_path)
    assert_clean_error(r, 2)
    assert brm("info", "--json", cwd=tmp_path).stdout == before
    del db_before


def test_broken_json_unreadable_and_missing(tmp_path):
    b = tmp_path / "broken.json"
    b.write_text('{"customers": [{"id": "C1"},')
    r = brm("import", str(b), cwd=tmp_path)
    assert_clean_error(r, 2)
    assert "invalid JSON" in r.stderr and "line 1" in r.stderr
    r = brm("import", str(tmp_path / "missing.json"), cwd=tmp_path)
    assert_clean_error(r, 2)
    u = tmp_path / "locked.json"
    u.write_text("{}")
    u.chmod(0)
    if os.geteuid() != 0:  # root can read anything
        assert_clean_error(brm("import", str(u), cwd=tmp_path), 2)
    n = tmp_path / "notjson.json"
    n.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert_clean_error(brm("import", str(n), cwd=tmp_path), 2)


def test_many_problems_listed_each_on_a_line(tmp_path):
    import copy

    doc = copy.deepcopy(BASE)
    doc["key_persons"][0]["closeness"] = "x"
    doc["influences"].append({"source": "P1", "target": "P1"})
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    r = brm("import", str(f), cwd=tmp_path)
    assert_clean_error(r, 2)
    lines = r.stderr.strip().splitlines()
    assert lines[0] == f"error: 2 problems in {f}; nothing was imported:"
    assert len(lines) == 3


def test_bad_store_url_and_unreachable_store(tmp_path):
    assert_clean_error(brm("info", "--store", "postgres://x", cwd=tmp_path))
    assert_clean_error(brm("info", "--store", f"sqlite:///{tmp_path}/nope/x.db", cwd=tmp_path))
    r = brm("info", "--store", "bolt://127.0.0.1:1", cwd=tmp_path)
    assert_clean_error(r)


def test_schema_prints_json_schema():
    r = brm("schema")
    assert r.returncode == 0
    s = json.loads(r.stdout)
    assert "key_persons" in s["properties"] and "强支持" in s["description"]


def test_unknown_command_and_help():
    r = brm("frobnicate")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    r = brm("--help")
    assert r.returncode == 0 and "import" in r.stdout


def test_python_dash_m_and_console_script_agree():
    exe = Path(sys.executable).parent / "brmgraph"
    assert exe.exists(), "the brmgraph console script is not installed next to this interpreter"
    r = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "import" in r.stdout


def test_demo_in_empty_folder(tmp_path):
    r = brm("demo", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    db = tmp_path / "brmgraph-demo" / "brm.db"
    assert db.exists()
    r = brm("info", "--json", "--store", f"sqlite:///{db}", cwd=tmp_path)
    counts = json.loads(r.stdout)["counts"]
    assert counts["customers"] >= 3 and counts["key_persons"] >= 40 and counts["employees"] >= 10
    # a second run makes a new folder and leaves the first alone
    assert brm("demo", cwd=tmp_path).returncode == 0
    assert (tmp_path / "brmgraph-demo-2" / "brm.db").exists()


def test_output_cut_short_by_its_reader_is_a_success(tmp_path):
    """`brmgraph flags | head -1` exits 0 (spec §5.4): the reader of stdout is gone before
    brmgraph writes (a broken pipe on the first write), and nothing lands on stderr."""
    from brmgraph.generate import generate

    data = tmp_path / "d.json"
    generate(data, customers=30, persons_per=10, employees=20, competitors=2, staff_per=2, seed=3)
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert brm("import", str(data), "--store", url).returncode == 0
    env = {k: v for k, v in os.environ.items() if k != "BRM_STORE"}
    for args in (["flags"], ["flags", "--format", "csv"], ["report", "--customer", "C01"], ["export"]):
        p = subprocess.Popen([sys.executable, "-m", "brmgraph", *args, "--store", url], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env)
        p.stdout.close()  # the reader goes away at once: every write of brmgraph's meets a broken pipe
        err = p.stderr.read().decode()
        assert p.wait(timeout=120) == 0 and err == "", (args, err)
