"""Stores that fail safely (issue 15, the store side): a store that is not what it should
be, a read-only store, a full disk, output files that cannot be written, secrets, and
racing imports on Neo4j. Each case is one line on stderr with the documented exit code
(5 store, 2 output path) saying what to do, and the store is left exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from brmgraph.model import Dataset
from brmgraph.store import open_store
from brmgraph.store.base import redact_url
from brmgraph.store.sqlite import SCHEMA_VERSION, SqliteStore
from tests.conftest import need

from .test_dataset import BASE
from .test_hostile import run, snapshot, write_json

ROOT = Path(__file__).resolve().parent.parent
READ_COMMANDS = (["info"], ["report", "--customer", "C1"], ["flags"])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err[:2000]
    assert "unexpected" not in err and "Traceback" not in err, err[:2000]
    return lines[0]


@pytest.fixture
def stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """(store file holding BASE, the data file)."""
    data = write_json(tmp_path, BASE, "base.json")
    db = tmp_path / "brm.db"
    assert run(["import", str(data), "--store", f"sqlite:///{db}"], capsys)[0] == 0
    return db, data


def _sql(db: Path, *statements: str) -> None:
    c = sqlite3.connect(db)
    for s in statements:
        c.execute(s)
    c.commit()
    c.close()


# --------------------------------------------------------------------------- what the file is
def test_foreign_sqlite_database_is_refused_and_never_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "other.db"
    _sql(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)", "INSERT INTO invoices VALUES (1, 9.5)")
    before = digest(db)
    data = write_json(tmp_path, BASE, "base.json")
    for args in (["info"], ["flags"], ["import", str(data)], ["import", str(data), "--replace"]):
        code, _, err = run([*args, "--store", f"sqlite:///{db}"], capsys)
        line = one_error_line(err)
        assert code == 5 and "is not a brmgraph store" in line and "invoices" in line, line
        assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.json", "other.db"]  # no -wal / -shm


def test_store_of_a_newer_brmgraph_is_refused(stored: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db, data = stored
    _sql(db, f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    before = snapshot_raw(db)
    for args in (["info"], ["import", str(data)]):
        code, _, err = run([*args, "--store", f"sqlite:///{db}"], capsys)
        line = one_error_line(err)
        assert code == 5 and "made by a newer brmgraph" in line and "upgrade brmgraph" in line, line
    assert snapshot_raw(db) == before


def snapshot_raw(db: Path) -> list[tuple]:
    c = sqlite3.connect(db)
    try:
        return [tuple(r) for t in ("meta", "customers", "key_persons", "changesets") for r in c.execute(f"SELECT * FROM {t} ORDER BY 1")]
    finally:
        c.close()


def test_schema_1_store_is_migrated_explicitly(stored: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """A store of schema 1 (no history tables, no format mark) is upgraded on open, in one
    transaction, keeping its data; history works afterwards."""
    db, data = stored
    url = f"sqlite:///{db}"
    before = snapshot(url)
    _sql(db, "DROP TABLE versions", "DROP TABLE changesets", "DELETE FROM meta WHERE key = 'format'",
         "UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    st = SqliteStore(url)
    try:
        assert dict(st.conn.execute("SELECT key, value FROM meta")) == {"format": "brmgraph", "schema_version": str(SCHEMA_VERSION)}
        assert st.changesets() == []
        assert st.export().sorted().model_dump_json() == before
    finally:
        st.close()
    assert run(["import", str(data), "--store", url], capsys)[0] == 0
    assert [c.id for c in open_store(url).changesets()] == [1]


def test_damaged_store_is_named_for_every_command(stored: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db, data = stored
    url = f"sqlite:///{db}"
    pristine = tmp_copy(db)
    damages = {
        "closeness 'maybe'": ("UPDATE key_persons SET closeness = 'maybe' WHERE id = 'P1'",),
        "table influences is missing": ("DROP TABLE influences",),
        "strength 'huge'": ("UPDATE influences SET strength = 'huge'",),
    }
    # flags reads the flag rows written at import (a value damaged later in the tables
    # shows on the data-set path); a damaged flag row is derived data, built again from
    # the tables: not a damaged store (tests/test_compact_rows.py)
    flags_reads = {"closeness 'maybe'": ["flags", "--strength-from", "interactions"],
                   "strength 'huge'": ["flags", "--strength-from", "interactions"]}
    code, want, _ = run(["flags", "--store", url], capsys)
    _sql(db, "UPDATE customer_compact SET data = x'00' WHERE customer = 'C1'")
    assert run(["flags", "--store", url], capsys)[:2] == (code, want)
    for what, statements in damages.items():
        shutil.copy(pristine, db)
        _sql(db, *statements)
        before = digest(db)
        commands = [flags_reads.get(what, a) if a == ["flags"] else a for a in READ_COMMANDS]
        commands.append(["import", str(data)])
        for args in commands:
            code, _, err = run([*args, "--store", url], capsys)
            line = one_error_line(err)
            assert code == 5 and "is damaged" in line and what in line and "backup" in line, (args, line)
        assert digest(db) == before


def tmp_copy(db: Path) -> Path:
    copy = db.with_suffix(".pristine")
    shutil.copy(db, copy)
    return copy


# --------------------------------------------------------------------------- read-only and full disk
def _readonly_run(target: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run brmgraph with ``target`` (a file or folder) mounted read-only, in a private
    mount namespace (works as root, where permission bits would not stop a write)."""
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && exec "$@"'
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(target), sys.executable, "-m", "brmgraph", *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _can_mount_readonly(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    try:
        r = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount --bind {probe} {probe} && mount -o remount,bind,ro {probe} {probe} && ! touch {probe}/x"],
                           capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return r.returncode == 0


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_store_reads_and_refuses_imports(what: str, stored: tuple[Path, Path], tmp_path: Path) -> None:
    # root ignores permission bits, so a read-only store needs a read-only bind mount
    need(_can_mount_readonly(tmp_path), "cannot mount read-only here (no user namespaces)")
    db, data = stored
    url = f"sqlite:///{db}"
    target = db if what == "file" else db.parent
    before = digest(db)
    for args in (["info", "--json"], ["flags"], ["report", "--customer", "C1"], ["export"]):
        r = _readonly_run(target, [*args, "--store", url])
        assert r.returncode in (0, 3) and r.stderr == "", (args, r.stderr)
    r = _readonly_run(target, ["import", str(data), "--store", url])
    line = one_error_line(r.stderr)
    assert r.returncode == 5 and f"store {url} is read-only" in line and "nothing was imported" in line, line
    assert digest(db) == before
    if what == "folder":
        r = _readonly_run(target, ["import", str(data), "--store", f"sqlite:///{db.parent / 'new.db'}"])
        assert r.returncode == 5 and "is read-only" in one_error_line(r.stderr)
        assert not (db.parent / "new.db").exists()


def _limited(args: list[str], limit: int) -> subprocess.CompletedProcess[str]:
    """brmgraph with files limited to ``limit`` bytes (a nearly full disk)."""
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from brmgraph.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_full_disk_during_import_leaves_the_store_unchanged(stored: tuple[Path, Path], tmp_path: Path) -> None:
    db, _data = stored
    url = f"sqlite:///{db}"
    before = snapshot(url)
    big = tmp_path / "big.json"
    from brmgraph.generate import generate

    generate(str(big), customers=60, persons_per=15, employees=30, competitors=3)
    r = _limited(["import", str(big), "--store", url], db.stat().st_size + 20_000)
    line = one_error_line(r.stderr)
    assert r.returncode == 5 and "the disk is full" in line and "store is unchanged" in line, line
    assert snapshot(url) == before


# --------------------------------------------------------------------------- output files
def test_map_and_export_write_whole_files_or_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from brmgraph.generate import generate

    generate(str(tmp_path / "big.json"), customers=100, persons_per=10, employees=30, competitors=3)
    db = tmp_path / "brm.db"
    url = f"sqlite:///{db}"
    assert run(["import", str(tmp_path / "big.json"), "--store", url], capsys)[0] == 0
    limit = 300_000  # the store opens (reading writes no file that large); the outputs (> 500 KB) do not fit
    out = tmp_path / "out"
    out.mkdir()
    for args, name in ((["map", "customer", "C001"], "m.html"), (["export", "--format", "json"], "e.json"),
                       (["export", "--format", "yaml"], "e.yaml")):
        r = _limited([*args, "--store", url, "--out", str(out / name)], limit)
        line = one_error_line(r.stderr)
        assert r.returncode == 2 and line.startswith(f"error: cannot write {out / name}: ") and "nothing was written" in line, line
        assert list(out.iterdir()) == [], list(out.iterdir())
    # an older file of the same name survives a failed write intact
    (out / "m.html").write_text("old")
    r = _limited(["map", "customer", "C001", "--store", url, "--out", str(out / "m.html")], limit)
    assert r.returncode == 2 and (out / "m.html").read_text() == "old" and len(list(out.iterdir())) == 1


def test_map_of_a_person_named_like_markup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {**BASE, "key_persons": [{**p, "name": "x [/] y"} for p in BASE["key_persons"]]}
    url = f"sqlite:///{tmp_path / 'brm.db'}"
    assert run(["import", str(write_json(tmp_path, doc)), "--store", url], capsys)[0] == 0
    code, out, err = run(["map", "customer", "C1", "--store", url, "--out", str(tmp_path / "m.html")], capsys)
    assert code == 0, err
    assert "x [/] y" in (tmp_path / "m.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- secrets
def test_redact_url() -> None:
    assert redact_url("bolt://alice:S3cr3t@host:7687") == "bolt://alice:***@host:7687"
    assert redact_url("neo4j+s://alice:p%40ss@db.example.com") == "neo4j+s://alice:***@db.example.com"
    assert redact_url("bolt://alice@host") == "bolt://alice@host"
    assert redact_url("sqlite:///a@b.db") == "sqlite:///a@b.db"
    assert redact_url("postgres://u:p@ss@host/db") == "postgres://u:***@host/db"


@pytest.mark.parametrize("url", ["postgres://alice:S3cr3t@host/db", "mysql+x://alice:S3@cr3t@host", "sqlite://alice:S3cr3t@host/db"])
@pytest.mark.parametrize("args", [["info"], ["flags"], ["report", "--customer", "C1"], ["import", "-"], ["export"]])
def test_password_in_an_unknown_store_url_is_never_printed(url: str, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([*args, "--store", url], capsys)
    line = one_error_line(err)
    assert code == 2 and "S3" not in err + out and "cr3t" not in err + out, line
    assert url.split("//")[0] + "//alice:***@" in line, line


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_password_in_a_store_url_is_never_printed(scheme: str) -> None:
    url = f"{scheme}://alice:S3cr3t@127.0.0.1:1"
    r = subprocess.run([sys.executable, "-m", "brmgraph", "info", "--store", url], capture_output=True, text=True,
                       timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = one_error_line(r.stderr)  # and no driver log lines above it
    assert r.returncode == 5 and "S3cr3t" not in r.stderr + r.stdout
    assert f"{scheme}://alice:***@127.0.0.1:1 does not answer" in line, line


# --------------------------------------------------------------------------- Neo4j
def test_neo4j_store_of_a_newer_brmgraph_is_refused(neo4j_store, neo4j_url: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    neo4j_store.import_dataset(Dataset.model_validate(BASE))
    try:
        with neo4j_store.driver.session() as s:
            s.run("MATCH (l:BrmLock {name: 'store'}) SET l.schema_version = 99").consume()
        code, _, err = run(["info", "--store", neo4j_url], capsys)
        line = one_error_line(err)
        assert code == 5 and "made by a newer brmgraph" in line
    finally:
        with neo4j_store.driver.session() as s:
            s.run("MATCH (l:BrmLock {name: 'store'}) SET l.schema_version = 1").consume()


def test_neo4j_damaged_value_is_named(neo4j_store, neo4j_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    neo4j_store.import_dataset(Dataset.model_validate(BASE))
    with neo4j_store.driver.session() as s:
        s.run("MATCH (p:KeyPerson {id: 'P1'}) SET p.closeness = 'maybe'").consume()
    try:
        for args in READ_COMMANDS:
            code, _, err = run([*args, "--store", neo4j_url], capsys)
            line = one_error_line(err)
            assert code == 5 and "is damaged" in line and "closeness 'maybe'" in line, (args, line)
    finally:  # the next test's fixture replaces the content, which reads it first
        with neo4j_store.driver.session() as s:
            s.run("MATCH (p:KeyPerson {id: 'P1'}) SET p.closeness = 'unknown'").consume()


def test_neo4j_racing_imports_never_store_a_reports_to_cycle(neo4j_store, neo4j_url: str, tmp_path: Path) -> None:
    """Two imports, each adding half of a two-person cycle, race 10 rounds: the lock node
    serialises them, so in each round exactly one is refused and the store never holds a
    cycle (issue 15: 2 of 20 rounds stored one before)."""
    from brmgraph.dataset import import_path, parse_dataset
    from brmgraph.errors import InvalidData
    from brmgraph.store.neo4j import Neo4jStore

    base = {"customers": [{"id": "YC"}], "key_persons": [{"id": "YA", "customer": "YC"}, {"id": "YB", "customer": "YC"}]}
    halves = [
        write_json(tmp_path, {"key_persons": [{"id": "YA", "customer": "YC", "reports_to": "YB"}]}, "a.json"),
        write_json(tmp_path, {"key_persons": [{"id": "YB", "customer": "YC", "reports_to": "YA"}]}, "b.json"),
    ]
    stores = [Neo4jStore(neo4j_url), Neo4jStore(neo4j_url)]
    try:
        for round_ in range(10):
            neo4j_store.import_dataset(parse_dataset(base)[0], replace=True)
            outcomes: list[str] = []
            barrier = threading.Barrier(2)

            def one(st: Neo4jStore, path: Path, barrier: threading.Barrier = barrier, outcomes: list[str] = outcomes) -> None:
                barrier.wait()
                try:
                    import_path(st, path)
                    outcomes.append("ok")
                except InvalidData as exc:
                    assert "cycle" in str(exc), str(exc)
                    outcomes.append("refused")

            threads = [threading.Thread(target=one, args=(st, p)) for st, p in zip(stores, halves)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            assert sorted(outcomes) == ["ok", "refused"], (round_, outcomes)
            persons = {p.id: p.reports_to for p in neo4j_store.export().key_persons}
            assert not (persons["YA"] == "YB" and persons["YB"] == "YA"), round_
    finally:
        for st in stores:
            st.close()


# --------------------------------------------------------------------------- SQLite error classes
def _real_error(*statements: str) -> sqlite3.Error:
    """The error SQLite itself raises for the last of ``statements`` (an in-memory database)."""
    c = sqlite3.connect(":memory:")
    try:
        for s in statements:
            c.execute(s)
    except sqlite3.Error as exc:
        return exc
    finally:
        c.close()
    raise AssertionError("no error")


def test_sqlite_errors_are_classified_by_their_code_not_their_words(stored: tuple[Path, Path]) -> None:
    db, _data = stored
    st = SqliteStore(f"sqlite:///{db}", create=False)
    try:
        full = _real_error("PRAGMA max_page_count=2", "CREATE TABLE t(x)", "CREATE TABLE u(x)",
                           "INSERT INTO t SELECT zeroblob(100000)")
        assert full.sqlite_errorname == "SQLITE_FULL"
        # a full disk while opening or reading: no import was rolled back
        for doing in ("open", "read"):
            text = str(st._translate(full, doing))
            assert "the disk is full" in text and "import" not in text, text
        assert "the import was rolled back" in str(st._translate(full, "import"))
        # a message that quotes a name from the file is not read as the store's state
        missing = _real_error('SELECT * FROM "read-only busy table"')
        assert missing.sqlite_errorname == "SQLITE_ERROR"
        text = str(st._translate(missing, "read"))
        assert "is damaged" in text and "is read-only" not in text and "busy:" not in text, text
        # other errors that merely mention such words are passed on as they are
        other = _real_error("SELECT json('disk is full, database is locked')")
        assert str(st._translate(other, "read")).startswith(f"store sqlite:///{db} failed (read): ")
    finally:
        st.close()
