"""The benchmark scripts keep working: ``bench/run.py --scale tiny`` end to end (no timing
assertions; CI runs the benchmarks only at this size)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_bench_tiny_embedded(tmp_path: Path) -> None:
    out, raw = tmp_path / "benchmarks.md", tmp_path / "raw.json"
    r = _run(["bench/run.py", "--scale", "tiny", "--no-neo4j", "--out", str(out), "--json", str(raw),
              "--work", str(tmp_path / "work"), "--budget", "1", "--queries", "10"])
    assert r.returncode == 0, r.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    for heading in ("## Machine", "## Data sets", "## Results", "## Targets", "## Breakdown"):
        assert heading in text
    assert "import, embedded (records/s)" in text and "path p50 warm, embedded" in text
    doc = json.loads(raw.read_text())
    assert doc["scale"] == "tiny" and doc["total_s"] > 0
    [res] = doc["results"]
    m = res["metrics"]
    assert res["size"] == "tiny"
    assert m["records"] == res["data"]["records"] > 0
    for key in ("import_sqlite_rps", "flags_sqlite_s", "naive_nx_s", "naive_nx_cust_s", "path_sqlite_p50_ms",
                "peak_sqlite_mb", "speedup_vs_naive_nx"):
        assert m[key] is not None and m[key] > 0, key
    assert res["flags_sqlite"]["customers"] == 6
    assert res["path_sqlite"]["queries"] == 6  # one per customer, at most --queries
    assert m["flags_workers_agree"] is True
    # the report can be re-rendered from the raw results alone
    again = tmp_path / "again.md"
    r = _run(["bench/run.py", "--from-json", str(raw), "--out", str(again)])
    assert r.returncode == 0, r.stderr
    assert again.read_text(encoding="utf-8").split("## Machine")[1] == text.split("## Machine")[1]


def test_bench_task_reports_one_json_line(tmp_path: Path) -> None:
    from brmgraph.generate import generate

    data = tmp_path / "d.json"
    generate(data, customers=3, persons_per=8, employees=4, competitors=1, staff_per=2, seed=1)
    url = f"sqlite:///{tmp_path / 'b.db'}"
    r = _run(["bench/tasks.py", "import", "--store", url, "--data", str(data)])
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["task"] == "import" and d["records"] > 0 and d["maxrss_mb"] > 0
    r = _run(["bench/tasks.py", "flags", "--store", url, "--profile"])
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["customers"] == 3 and "cumulative" in d["profile"]


@pytest.mark.neo4j
def test_bench_tiny_with_neo4j(tmp_path: Path, neo4j_store, neo4j_url: str) -> None:
    """The Neo4j half of the bench against the test server (emptied by ``neo4j_store``)."""
    raw = tmp_path / "raw.json"
    r = _run(["bench/run.py", "--scale", "tiny", "--neo4j", neo4j_url, "--only-neo4j", "--out", str(tmp_path / "b.md"),
              "--json", str(raw), "--work", str(tmp_path / "work"), "--budget", "2", "--queries", "10"], timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    [res] = json.loads(raw.read_text())["results"]
    assert "error" not in res["import_neo4j"], res["import_neo4j"]
    assert res["import_neo4j"]["records"] == res["data"]["records"]
    assert res["flags_neo4j"]["customers"] == 6
    assert res["path_neo4j"]["queries"] == 6
    assert res["naive_cypher"]["targets_measured"] >= 1 or res["naive_cypher"]["targets"] == 0
    from brmgraph.model import Dataset

    neo4j_store.import_dataset(Dataset(), replace=True)  # leave the shared server empty


@pytest.mark.parametrize("seed", ["3", "9"])
def test_the_peer_prints_the_records_of_flags(tmp_path: Path, seed: str) -> None:
    """bench/peer.py (issue 20's strongest peer: orjson and one scipy multi-source
    Dijkstra over all customers) prints ``brmgraph flags``'s records byte for byte, so
    the benchmark compares the same work."""
    from brmgraph.generate import generate

    data = tmp_path / "d.json"
    generate(data, customers=40, persons_per=20, employees=30, competitors=3, staff_per=6, seed=seed)
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert _run(["-m", "brmgraph", "import", str(data), "--store", url]).returncode == 0
    ours = _run(["-m", "brmgraph", "flags", "--store", url])
    peer = _run(["bench/peer.py", str(data)])
    assert ours.returncode == 0 and peer.returncode == 0, peer.stderr[-2000:]
    assert ours.stdout.strip() and peer.stdout == ours.stdout


def test_the_plain_loader_loads_every_record(tmp_path: Path) -> None:
    from brmgraph.generate import generate

    data = tmp_path / "d.json"
    s = generate(data, customers=5, persons_per=8, employees=4, competitors=1, staff_per=2, seed=2)
    r = _run(["bench/plain_loader.py", str(data), str(tmp_path / "plain.db")])
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["records"] == s.as_dict()["records"]
