"""``bench/neo4j_scale.py`` on the tiny size against the test server: it imports, runs
flags in one process, with workers and as shard processes, checks they agree, and writes
its section of the deploy page between the markers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.neo4j
def test_neo4j_scale_bench_tiny(tmp_path: Path, neo4j_store, neo4j_url: str) -> None:
    out = tmp_path / "deploy.md"
    out.write_text("# Deploy\n\n<!-- neo4j-scale:begin -->\nold\n<!-- neo4j-scale:end -->\n\nafter\n", encoding="utf-8")
    raw = tmp_path / "raw.json"
    r = subprocess.run(
        [sys.executable, "bench/neo4j_scale.py", "--size", "tiny", "--url", neo4j_url,
         "--repeats", "1", "--workers", "2", "--work", str(tmp_path / "work"), "--out", str(out), "--json", str(raw)],
        check=False, capture_output=True, text=True, timeout=600, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads(raw.read_text())
    assert res["same_output"] is True and res["flag_count"] >= 0
    assert res["import"]["records_per_s"] > 0
    assert set(res["flags"]) == {"1 process", "--workers 2", "2 --shard processes side by side"}
    text = out.read_text(encoding="utf-8")
    assert "old" not in text and text.startswith("# Deploy") and text.rstrip().endswith("after")
    assert "| --workers 2 |" in text and "records/s" in text
    from brmgraph.model import Dataset

    neo4j_store.import_dataset(Dataset(), replace=True)  # leave the shared server empty
