"""The local Neo4j launcher and `brmgraph neo4j start|stop|status`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from brmgraph import neo4j_local
from brmgraph.errors import ExitCode, SetupError


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 400) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "brmgraph", *args], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_missing_java_or_maven_is_one_clear_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    with pytest.raises(SetupError) as err:
        neo4j_local.check_prerequisites()
    assert "java" in str(err.value) and "install" in str(err.value) and "\n" not in str(err.value)
    monkeypatch.setenv("BRM_NEO4J_CACHE", str(tmp_path / "cache"))
    with pytest.raises(SetupError):
        neo4j_local.ensure_distribution()


def test_cli_missing_java_exit_code(tmp_path: Path) -> None:
    py = Path(sys.executable)
    proc = subprocess.run(
        [str(py), "-m", "brmgraph", "neo4j", "start", "--home", str(tmp_path / "h"), "--port", str(neo4j_local.free_port())],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PATH": str(tmp_path), "BRM_NEO4J_CACHE": str(tmp_path / "cache")},
    )
    assert proc.returncode == SetupError.exit_code
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr


def test_status_of_a_never_started_home(tmp_path: Path) -> None:
    st = neo4j_local.status(tmp_path / "none")
    assert not st.running and st.state == "stopped"
    proc = cli("neo4j", "status", "--home", str(tmp_path / "none"))
    assert proc.returncode == ExitCode.SERVER_STOPPED == 9 and proc.stdout.startswith("stopped")
    proc = cli("neo4j", "stop", "--home", str(tmp_path / "none"))
    assert proc.returncode == 0 and "not running" in proc.stdout


def test_bolt_probe_on_a_closed_port() -> None:
    assert not neo4j_local.bolt_answers(neo4j_local.free_port())


@pytest.mark.neo4j
def test_start_status_stop_start_keeps_data(tmp_path: Path) -> None:
    from tests.conftest import need

    try:
        neo4j_local.check_prerequisites()
    except SetupError as exc:
        need(False, str(exc))
    home = tmp_path / "home"
    port = neo4j_local.free_port()
    proc = cli("neo4j", "start", "--home", str(home), "--port", str(port), "--json")
    need(proc.returncode == 0, f"brmgraph neo4j start failed: {proc.stderr.strip()}")
    try:
        st = json.loads(proc.stdout)
        assert st["state"] == "running" and st["url"] == f"bolt://127.0.0.1:{port}"
        assert neo4j_local.bolt_answers(port)
        assert (home / "logs" / "console.log").is_file() and (home / "logs" / "debug.log").is_file()
        # idempotent
        again = cli("neo4j", "start", "--home", str(home), "--port", str(port))
        assert again.returncode == 0 and "already running" in again.stdout
        assert json.loads(cli("neo4j", "status", "--home", str(home), "--json").stdout)["pid"] == st["pid"]
        # a different port for the same home is refused
        other = cli("neo4j", "start", "--home", str(home), "--port", str(neo4j_local.free_port()))
        assert other.returncode != 0 and "already runs" in other.stderr
        # data survive a clean stop/start
        url = st["url"]
        imp = cli("import", str(Path(__file__).resolve().parent.parent / "brmgraph" / "data" / "demo.yaml"), "--store", url)
        if imp.returncode != 0:  # the demo file may be named differently; use a tiny data set
            tiny = tmp_path / "tiny.json"
            tiny.write_text(json.dumps({"customers": [{"id": "C1", "name": "Huaxin"}]}))
            imp = cli("import", str(tiny), "--store", url)
        assert imp.returncode == 0, imp.stderr
        before = cli("info", "--store", url, "--json")
        assert before.returncode == 0
        stop = cli("neo4j", "stop", "--home", str(home))
        assert stop.returncode == 0 and "stopped" in stop.stdout
        assert not neo4j_local.bolt_answers(port)
        assert cli("neo4j", "status", "--home", str(home)).returncode == ExitCode.SERVER_STOPPED
        assert "BRMNEO4J STOPPED" in (home / "logs" / "console.log").read_text()
        again = cli("neo4j", "start", "--home", str(home), "--port", str(port))
        assert again.returncode == 0, again.stderr
        after = cli("info", "--store", url, "--json")
        assert json.loads(after.stdout)["counts"] == json.loads(before.stdout)["counts"]
        assert sum(json.loads(after.stdout)["counts"].values()) > 0
    finally:
        neo4j_local.stop(home)
