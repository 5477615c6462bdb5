"""Hostile input (issue 15): every case is one clear line, the documented exit code, fast,
and the store is left exactly as it was.

Each case of :data:`CASES` builds an input in a temporary folder and runs
``brmgraph import`` on it (in-process, through :func:`brmgraph.cli.main`) against a store
that already holds a small valid data set, on the embedded store and on Neo4j. It asserts
the exit code (2: bad input), a location in the message (the file, and a line or a JSON
path where there is one), that the message is no "unexpected" error, that the store is
unchanged, and a time limit. A hypothesis fuzz of the importer then fails on any exit 70.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from brmgraph.cli import main
from brmgraph.dataset import MAX_REPORTS_DEPTH
from brmgraph.model import MAX_ID_LENGTH, MAX_TEXT_LENGTH
from brmgraph.store import open_store

from .test_dataset import BASE


# --------------------------------------------------------------------------- helpers
def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in this process; (exit code, stdout, stderr)."""
    code = 0
    try:
        main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(url: str) -> str:
    st = open_store(url)
    try:
        return st.export().sorted().model_dump_json()
    finally:
        st.close()


def doc_with(**changes: object) -> dict:
    doc = copy.deepcopy(BASE)
    doc.update(changes)
    return doc


def write_json(d: Path, doc: object, name: str = "in.json") -> Path:
    p = d / name
    p.write_text(json.dumps(doc, ensure_ascii=False, allow_nan=True), encoding="utf-8")
    return p


def write_text(d: Path, text: str, name: str) -> Path:
    p = d / name
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    return p


def nested_json(depth: int) -> str:
    return '{"customers": [{"id": "C9", "attrs": {"a": ' + "[" * depth + "]" * depth + "}}]}"


def nested_yaml(depth: int) -> str:
    return "customers:\n- id: C9\n  attrs:\n    a: " + "[" * depth + "]" * depth + "\n"


def alias_bomb() -> str:
    text = "customers:\n- id: C9\n  attrs:\n    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, 10):
        text += f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return text


def csv_folder(d: Path, make: Callable[[Path], None]) -> Path:
    folder = d / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("id,name\nC9,Nine\n", encoding="utf-8")
    make(folder)
    return folder


def chain(depth: int) -> dict:
    kp = [{"id": f"D{i}", "customer": "C1", **({"reports_to": f"D{i - 1}"} if i else {})} for i in range(depth)]
    return {"key_persons": kp}


@dataclass
class Case:
    name: str
    build: Callable[[Path], Path]
    #: a regular expression the single error line must match (after "error: <file>")
    where: str
    code: int = 2
    seconds: float = 5.0


def _fifo(d: Path, name: str = "in.json") -> Path:
    p = d / name
    os.mkfifo(p)
    return p


CASES: list[Case] = [
    # nesting: refused at a line/column (JSON) or line/column (YAML), never RecursionError
    Case("json nested 5,000", lambda d: write_text(d, nested_json(5_000), "in.json"), r"line 1 column \d+: nested deeper than"),
    Case("json nested 100,000", lambda d: write_text(d, nested_json(100_000), "in.json"), r"line 1 column \d+: nested deeper than"),
    Case("yaml nested 5,000", lambda d: write_text(d, nested_yaml(5_000), "in.yaml"), r"line 4 column \d+: .*nested deeper than"),
    Case("yaml nested 100,000", lambda d: write_text(d, nested_yaml(100_000), "in.yaml"), r"line 4 column \d+: .*nested deeper than", seconds=10),
    Case("json nested 60 in attrs", lambda d: write_text(d, nested_json(60), "in.json"), r"\$\.customers\[0\]\.attrs: nested deeper than 32"),
    # huge numbers
    Case("json 5,000-digit integer", lambda d: write_text(d, '{"customers": [{"id": ' + "9" * 5000 + "}]}", "in.json"), r"line 1 column 23: a number with 5000 digits"),
    Case("yaml 5,000-digit integer", lambda d: write_text(d, "customers:\n- id: " + "9" * 5000 + "\n", "in.yaml"), r"\$\.customers\[0\]\.id: too long \(5,000 characters\)"),
    Case("json 5,000-digit amount", lambda d: write_text(d, '{"customers": [{"id": "C9"}], "projects": [{"id": "J9", "customer": "C9", "amount": ' + "9" * 5000 + "}]}", "in.json"), r"line 1 column \d+: a number with 5000 digits"),
    # lone surrogates, wherever they are
    Case("surrogate in a name", lambda d: write_text(d, '{"customers": [{"id": "C9", "name": "a\\ud800b"}]}', "in.json"), r"\$\.customers\[0\]\.name: text holds a lone UTF-16 surrogate"),
    Case("surrogate in a kind", lambda d: write_text(d, '{"interactions": [{"employee": "E1", "person": "P1", "date": "2026-01-02", "kind": "\\udfff"}]}', "in.json"), r"\$\.interactions\[0\]\.kind: text holds a lone"),
    Case("surrogate in an attrs key", lambda d: write_text(d, '{"customers": [{"id": "C9", "attrs": {"\\ud800": 1}}]}', "in.json"), r"\$\.customers\[0\]\.attrs\.\\ud800: the key holds a lone"),
    Case("surrogate in an id", lambda d: write_text(d, '{"customers": [{"id": "\\ud800"}]}', "in.json"), r"\$\.customers\[0\]\.id: text holds a lone"),
    Case("surrogate in YAML", lambda d: write_text(d, 'customers:\n- id: C9\n  name: "\\ud800"\n', "in.yaml"), r"\$\.customers\[0\]\.name: text holds a lone"),
    Case("surrogate in CSV attrs", lambda d: csv_folder(d, lambda f: (f / "customers.csv").write_text('id,attrs\nC9,"{""\\ud800"": 1}"\n')), r"customers\.csv: line 2, column attrs: text holds a lone"),
    # YAML specials
    Case("yaml alias bomb", lambda d: write_text(d, alias_bomb(), "in.yaml"), r"line 5 column \d+: invalid YAML \(aliases \(\*name\) are not allowed", seconds=1),
    Case("yaml tag", lambda d: write_text(d, "customers:\n- id: !!binary aGk=\n", "in.yaml"), r"line 2 column \d+: invalid YAML \(tags"),
    Case("yaml invalid date", lambda d: write_text(d, "interactions:\n- {employee: E1, person: P1, date: 2024-02-30}\n", "in.yaml"), r"\$\.interactions\[0\]\.date: .*day value is outside"),
    Case("json date as integer", lambda d: write_json(d, {"interactions": [{"employee": "E1", "person": "P1", "date": 86400}]}), r"\$\.interactions\[0\]\.date: a date must be written as YYYY-MM-DD"),
    Case("yaml date as integer", lambda d: write_text(d, "projects:\n- {id: J9, customer: C1, close_date: 0}\n", "in.yaml"), r"\$\.projects\[0\]\.close_date: a date must be written"),
    Case("yaml 1.10 as an id", lambda d: write_text(d, "customers:\n- id: 1.10\n", "in.yaml"), r"\$\.customers\[0\]\.id: an id must be text or a whole number"),
    Case("json float id", lambda d: write_text(d, '{"customers": [{"id": 1.10}]}', "in.json"), r"\$\.customers\[0\]\.id: an id must be text"),
    Case("NaN amount", lambda d: write_text(d, '{"projects": [{"id": "J9", "customer": "C1", "amount": NaN}]}', "in.json"), r"\$\.projects\[0\]\.amount: must be a finite number"),
    Case("Infinity amount", lambda d: write_text(d, '{"projects": [{"id": "J9", "customer": "C1", "amount": -Infinity}]}', "in.json"), r"\$\.projects\[0\]\.amount: must be a finite number"),
    Case("yaml .inf amount", lambda d: write_text(d, "projects:\n- {id: J9, customer: C1, amount: .inf}\n", "in.yaml"), r"\$\.projects\[0\]\.amount: must be a finite number"),
    Case("NaN in attrs", lambda d: write_text(d, '{"customers": [{"id": "C9", "attrs": {"x": NaN}}]}', "in.json"), r"\$\.customers\[0\]\.attrs: numbers must be finite"),
    # things that are not regular files, and sizes
    Case("dev/zero", lambda d: Path("/dev/zero"), r"is a character device, not a regular file"),
    Case("FIFO", _fifo, r"is a named pipe \(FIFO\), not a regular file"),
    Case("symlink loop", lambda d: (os.symlink(d / "loop.json", d / "loop.json"), d / "loop.json")[1], r"a loop of symbolic links"),
    Case("csv: link to /dev/zero", lambda d: csv_folder(d, lambda f: os.symlink("/dev/zero", f / "projects.csv")), r"projects\.csv: is a character device"),
    Case("csv: FIFO", lambda d: csv_folder(d, lambda f: os.mkfifo(f / "employees.csv")), r"employees\.csv: is a named pipe"),
    Case("csv: symlink loop", lambda d: csv_folder(d, lambda f: os.symlink(f / "influences.csv", f / "influences.csv")), r"influences\.csv: cannot read it: a loop of symbolic links"),
    Case("csv: header id,id", lambda d: csv_folder(d, lambda f: (f / "customers.csv").write_text("id,name,id\nC9,x,C8\n")), r"customers\.csv: line 1: column 'id' appears more than once"),
    # lengths
    Case("id of 10,000 characters", lambda d: write_json(d, {"customers": [{"id": "C" * 10_000}]}), rf"\$\.customers\[0\]\.id: too long \(10,000 characters\); at most {MAX_ID_LENGTH}"),
    Case("reference of 10,000 characters", lambda d: write_json(d, {"key_persons": [{"id": "P9", "customer": "C1", "reports_to": "P" * 10_000}]}), r"\$\.key_persons\[0\]\.reports_to: too long"),
    Case("name of 100 KB", lambda d: write_json(d, {"customers": [{"id": "C9", "name": "n" * 100_000}]}), rf"\$\.customers\[0\]\.name: too long \(100,000 characters\); at most {MAX_TEXT_LENGTH:,}"),
    Case("unknown enum of 1 MB (echo capped)", lambda d: write_json(d, {"key_persons": [{"id": "P9", "customer": "C1", "veto": "v" * 1_000_000}]}), r"\$\.key_persons\[0\]\.veto: unknown tri value 'v{80}…'"),
    Case("unknown field of 100 KB (echo capped)", lambda d: write_json(d, {"customers": [{"id": "C9", "f" * 100_000: 1}]}), r"\$\.customers\[0\]\.f{60}…: unknown field 'f{80}…'"),
    Case("attrs of 100 KB", lambda d: write_json(d, {"customers": [{"id": "C9", "attrs": {"x": "y" * 100_000}}]}), r"\$\.customers\[0\]\.attrs: attrs is 100,009 characters as JSON, above the limit"),
    Case("reports_to chain of 100,000", lambda d: write_json(d, chain(100_000)), rf"\$\.key_persons\[{MAX_REPORTS_DEPTH}\]\.reports_to: the reports_to chain above 'D{MAX_REPORTS_DEPTH}' is more than", seconds=20),
    # markup-like and control characters in user text are shown as written, escaped
    Case("markup in an id", lambda d: write_json(d, {"key_persons": [{"id": "x [/] y", "customer": "[bold]nope[/b]"}]}), r"\$\.key_persons\[0\]\.customer: reference to a missing id '\[bold\]nope\[/b\]'"),
    Case("csv attrs nested 30,000", lambda d: csv_folder(d, lambda f: (f / "customers.csv").write_text('id,attrs\nC9,"' + "[" * 30_000 + "]" * 30_000 + '"\n')), r"customers\.csv: line 2, column attrs: nested deeper than 64 levels"),
    Case("csv attrs 5,000-digit number", lambda d: csv_folder(d, lambda f: (f / "customers.csv").write_text('id,attrs\nC9,"{""a"": ' + "9" * 5000 + '}"\n')), r"customers\.csv: line 2, column attrs: attrs must be a JSON object"),
    Case("terminal escape in an id", lambda d: write_json(d, {"key_persons": [{"id": "P9", "customer": "\x1b[2J"}]}), r"reference to a missing id '\\x1b\[2J'"),
]


def _check(case: Case, url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_json(tmp_path, BASE, "good.json")
    assert run(["import", str(good), "--store", url], capsys)[0] == 0
    before = snapshot(url)
    work = tmp_path / "case"
    work.mkdir()
    path = case.build(work)
    started = time.perf_counter()
    code, out, err = run(["import", str(path), "--store", url], capsys)
    took = time.perf_counter() - started
    lines = err.splitlines()
    assert code == case.code, err[:2000]
    assert "unexpected" not in err and "Traceback" not in err, err[:2000]
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), err[:2000]
    assert len(lines[0]) < 1000, lines[0][:300]
    assert re.search(case.where, lines[0]), lines[0][:2000]
    assert took < case.seconds, f"{case.name}: {took:.1f}s"
    assert out == ""
    assert snapshot(url) == before


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_sqlite(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _check(case, f"sqlite:///{tmp_path / 'brm.db'}", tmp_path, capsys)


#: the cases that reach the store (the others are refused before it is opened for writing)
STORE_CASES = [c for c in CASES if c.name in {
    "surrogate in a name", "yaml invalid date", "id of 10,000 characters", "name of 100 KB",
    "reports_to chain of 100,000", "markup in an id", "NaN amount", "csv: header id,id", "FIFO",
}]


@pytest.mark.parametrize("case", STORE_CASES, ids=[c.name for c in STORE_CASES])
def test_hostile_neo4j(case: Case, neo4j_store, neo4j_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _check(case, neo4j_url, tmp_path, capsys)


# --------------------------------------------------------------------------- output, bugs, generate
def test_store_path_with_markup_imports_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a[").mkdir()
    url = f"sqlite:///{tmp_path}/a[/b].db"
    code, out, err = run(["import", str(write_json(tmp_path, BASE)), "--store", url], capsys)
    assert (code, err) == (0, "")
    assert f"into {url}" in out
    code, out, err = run(["info", "--store", url], capsys)
    assert code == 0 and "a[/b].db" in out


def test_a_real_bug_is_exit_70_with_location_and_debug_hint(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import brmgraph.cli.core as core

    def broken(url: object, **_kw: object) -> object:
        raise KeyError("k" * 5000)

    monkeypatch.setattr(core, "store_from", broken)
    code, _, err = run(["info"], capsys)
    assert code == 70
    [line] = err.splitlines()
    assert line.startswith("error: unexpected KeyError: ")
    assert "this is a bug in brmgraph: please report it" in line
    assert re.search(r"at tests/test_hostile\.py:\d+ in broken, called from brmgraph/cli/core\.py:\d+ in info_cmd", line)
    assert "--debug" in line and len(line) < 1000
    code, _, err = run(["--debug", "info"], capsys)
    assert code == 70 and "Traceback (most recent call last)" in err and "--debug for" not in err
    code, _, err = run(["info", "--debug"], capsys)
    assert code == 70 and "Traceback (most recent call last)" in err


def test_max_bytes_option_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'brm.db'}"
    f = write_json(tmp_path, doc_with(customers=BASE["customers"] + [{"id": f"X{i}", "name": "padding"} for i in range(50)]))
    size = f.stat().st_size
    assert size > 1024
    code, _, err = run(["import", str(f), "--store", url, "--max-bytes", str(size - 1)], capsys)
    assert code == 2 and f"is {size:,} bytes, above the input limit of {size - 1:,} bytes" in err
    assert run(["import", str(f), "--store", url, "--max-bytes", str(size)], capsys)[0] == 0
    monkeypatch.setenv("BRM_MAX_BYTES", "1K")
    code, _, err = run(["import", str(f), "--store", url], capsys)
    assert code == 2 and "above the input limit of 1,024 bytes" in err
    monkeypatch.setenv("BRM_MAX_BYTES", "lots")
    code, _, err = run(["import", str(f), "--store", url], capsys)
    assert code == 2 and err.startswith("error: --max-bytes (or BRM_MAX_BYTES): expected a positive number of bytes")
    # a CSV folder counts its files together
    monkeypatch.delenv("BRM_MAX_BYTES")
    d = tmp_path / "csv"
    d.mkdir()
    (d / "customers.csv").write_text("id\n" + "C1\n" * 30)
    (d / "competitors.csv").write_text("id\n" + "K1\n" * 30)
    code, _, err = run(["import", str(d), "--store", url, "--max-bytes", "100"], capsys)
    assert code == 2 and "customers.csv: is 93 bytes" in err and "all CSV files of the folder together" in err


def test_generate_on_a_full_disk_is_a_clean_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import resource, signal\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))\n"
        "from brmgraph.cli import main\n"
        f"main(['generate', '--customers', '20', '--persons-per', '10', '--employees', '5', '--competitors', '2', '--out', {str(tmp_path / 'g.json')!r}])\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"error: cannot write {tmp_path / 'g.json'}: ") and "nothing was written" in r.stderr
    assert "unexpected" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_deep_chain_at_the_limit_is_analysed_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'brm.db'}"
    doc = doc_with(**chain(MAX_REPORTS_DEPTH))
    doc["key_persons"] = BASE["key_persons"] + doc["key_persons"]
    doc["influences"] = BASE["influences"] + [{"source": "E1", "target": "D0"}]
    assert run(["import", str(write_json(tmp_path, doc)), "--store", url], capsys)[0] == 0
    started = time.process_time()  # CPU seconds of this process: a busy machine does not fail it
    code, out, err = run(["path", "--to", f"D{MAX_REPORTS_DEPTH - 1}", "--store", url, "--json"], capsys)
    assert code == 0, err
    res = json.loads(out)
    assert res["hops"] == MAX_REPORTS_DEPTH and res["path"][:3] == ["E1", "D0", "D1"]
    assert run(["flags", "--store", url], capsys)[0] == 0
    assert time.process_time() - started < 20


# --------------------------------------------------------------------------- fuzz
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["C1", "P1", "P2", "E1", "K1", "J1", "S1", "2026-02-30", "1.10", "010", "strong", "支持", "", " "]),
)
_json_values = st.recursive(_scalars, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3), max_leaves=8)
_fields = st.sampled_from(["id", "customer", "name", "reports_to", "closeness", "veto", "source", "target", "strength",
                           "employee", "person", "date", "kind", "amount", "close_date", "decision_chain",
                           "competitors", "attrs", "tier", "status", "competitor", "team", "role"])


@st.composite
def mutated_documents(draw: st.DrawFn) -> object:
    """A valid data set with a few random changes: fields set to random JSON values,
    records dropped or replaced, sections replaced, or (rarely) a non-object document."""
    if draw(st.integers(0, 20)) == 0:
        return draw(_json_values)
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        section = draw(st.sampled_from(sorted(doc)))
        what = draw(st.integers(0, 9))
        if what == 0:
            doc[section] = draw(_json_values)
        elif not isinstance(doc[section], list) or not doc[section]:
            continue
        else:
            i = draw(st.integers(0, len(doc[section]) - 1))
            if what == 1:
                del doc[section][i]
            elif what == 2 or not isinstance(doc[section][i], dict):
                doc[section][i] = draw(_json_values)
            else:
                doc[section][i][draw(_fields)] = draw(_json_values)
    return doc


_GOOD: list[tuple[Path, str]] = []


def _good_store(factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """A store file holding BASE (closed: a plain copy of it is the same store), and its snapshot."""
    if not _GOOD:
        d = factory.mktemp("fuzz-good")
        url = f"sqlite:///{d / 'brm.db'}"
        assert run(["import", str(write_json(d, BASE, "good.json")), "--store", url], capsys)[0] == 0
        _GOOD.append((d / "brm.db", snapshot(url)))
    return _GOOD[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=mutated_documents(), fmt=st.sampled_from(["json", "yaml"]), replace=st.booleans())
def test_fuzz_importer_never_exits_70(doc: object, fmt: str, replace: bool, tmp_path_factory: pytest.TempPathFactory,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    d = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{d / 'brm.db'}"
    good_db, before = _good_store(tmp_path_factory, capsys)
    shutil.copyfile(good_db, d / "brm.db")  # the store holding BASE, made once
    if fmt == "json":
        path = write_json(d, doc)
    else:
        path = d / "in.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8", errors="surrogatepass")
    code, _, err = run(["import", str(path), "--store", url] + (["--replace"] if replace else []), capsys)
    assert code in (0, 2), err[:2000]
    assert "unexpected" not in err
    if code == 2:
        assert err.startswith(f"error: {path}") or err.startswith("error: ") and str(path) in err
        assert snapshot(url) == before
    else:
        # accepted: every analysis runs on it without a crash
        for args in (["info"], ["flags"], ["report", "--customer", "C1"]):
            c, _, e = run(args + ["--store", url], capsys)
            assert c in (0, 4), (args, e[:2000])


# --------------------------------------------------------------------------- edges of dates and paths
@pytest.mark.parametrize("args", [
    ["flags", "--as-of", "0001-01-01"], ["flags", "--since", "0001-01-01"], ["info", "--as-of", "0001-01-01"],
    ["alerts", "--since", "0001-01-01"], ["alerts", "--since", "0001-01-01", "--today", "0001-01-01"],
    ["report", "--customer", "C1", "--today", "0001-01-01"], ["report", "--customer", "C1", "--as-of", "0001-01-01"],
    ["report", "--customer", "C1", "--today", "0001-01-01", "--strength-from", "interactions"],
    ["report", "--customer", "C1", "--as-of", "0001-01-01T00:00:00", "--strength-from", "interactions"],
    ["map", "customer", "C1", "--today", "0001-01-01"], ["flags", "--as-of", "9999-12-31T23:59:59-05:00"],
    ["alerts", "--since", "0001-01-01T00:00:00+05:00"], ["coverage", "--customer", "C1", "--as-of", "0001-01-01"],
])
def test_dates_in_year_1_and_9999_answer_or_say_why(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'brm.db'}"
    assert run(["import", str(write_json(tmp_path, BASE)), "--store", url], capsys)[0] == 0
    if args[0] == "map":
        args = [*args, "--out", str(tmp_path / "m.html")]
    code, out, err = run([*args, "--store", url], capsys)
    assert code in (0, 2, 4, 5) and "unexpected" not in err, err[:2000]
    if code:
        assert len(err.splitlines()) == 1 and out == "", err
    if code == 2:  # a time a zone moves out of the years 1-9999
        assert re.match(r"error: --(as-of|since): expected a date .* in the years 1 to 9999 \(UTC\), not '", err), err


def test_history_times_of_year_1_keep_their_order() -> None:
    from brmgraph.store.history import parse_time

    times = [parse_time(t) for t in ("0001-01-01", "0999-12-31T23:00:00Z", "2024-05-01", "9999-12-31")]
    assert times == sorted(times) and {len(t) for t in times} == {27}, times


def test_store_path_of_5000_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / ('a' * 5000)}.db"
    for args in (["import", str(write_json(tmp_path, BASE))], ["info"], ["flags"], ["report", "--customer", "C1"]):
        code, out, err = run([*args, "--store", url], capsys)
        assert code == 5 and out == "" and "unexpected" not in err, err[:300]
        line = err.splitlines()[0]
        assert len(err.splitlines()) == 1 and len(line) < 500 and line.endswith(": the file name is too long"), line


def test_library_messages_name_no_command_line_option() -> None:
    """What a library function says about a value names the value, not the option that
    gave it (the web and notebooks have no options); the CLI adds the option."""
    from brmgraph.analysis.whatif import parse_set, parse_without
    from brmgraph.dataset import parse_size
    from brmgraph.errors import BadArgument
    from brmgraph.generate import generate
    from brmgraph.store.history import parse_time

    for call in (lambda: parse_time("yesterday"), lambda: parse_size("lots"), lambda: parse_set("P1.mood=x"),
                 lambda: parse_set("P1.closeness="), lambda: parse_without(" "),
                 lambda: generate("-", customers=-1, persons_per=1, employees=1, competitors=1)):
        with pytest.raises(BadArgument) as exc:
            call()
        assert not re.search(r"(^|\W)--[a-z]", str(exc.value)), str(exc.value)


def test_cli_names_the_option_of_a_bad_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'brm.db'}"
    assert run(["import", str(write_json(tmp_path, BASE)), "--store", url], capsys)[0] == 0
    for args, start in ((["flags", "--as-of", "soon"], "error: --as-of: expected a date"),
                        (["alerts", "--since", "soon"], "error: --since: expected a date"),
                        (["import", str(tmp_path / "in.json"), "--effective", "soon"], "error: --effective: expected a date")):
        code, out, err = run([*args, "--store", url], capsys)
        assert code == 2 and err.startswith(start) and "'soon'" in err, err
