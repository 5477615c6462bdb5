"""The competent baseline of issue 14 (``bench/competent.py``) prints exactly the records of
``brmgraph flags``, so the benchmark compares equal work."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str]) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, *args], check=False, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


def _thinned(tmp_path: Path, seed: int) -> Path:
    """A generated set with most of our ties removed and stances shuffled, so that many veto
    holders are flagged, with every reason."""
    from brmgraph.generate import generate

    raw = tmp_path / f"raw{seed}.json"
    generate(raw, customers=25, persons_per=14, employees=6, competitors=3, staff_per=3, seed=seed)
    data = json.loads(raw.read_text(encoding="utf-8"))
    rnd = random.Random(seed)
    employees = {e["id"] for e in data["employees"]}
    data["influences"] = [i for i in data["influences"] if i["source"] not in employees or rnd.random() < 0.35]
    for p in data["key_persons"]:
        p["closeness"] = rnd.choice(["support", "neutral", "oppose", "strong_oppose", "unknown", "strong_support"])
        if rnd.random() < 0.5:
            p["veto"] = "yes"
    out = tmp_path / f"thin{seed}.json"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return out


def test_competent_script_prints_the_flags_of_brmgraph(tmp_path: Path) -> None:
    seen: set[str] = set()
    total = 0
    for seed in (1, 2, 3):
        data = _thinned(tmp_path, seed)
        url = f"sqlite:///{tmp_path / f's{seed}.db'}"
        _run(["-m", "brmgraph", "import", str(data), "--store", url])
        ours = _run(["-m", "brmgraph", "flags", "--store", url]).stdout
        theirs = _run(["bench/competent.py", str(data)]).stdout
        assert theirs == ours
        recs = [json.loads(line) for line in ours.splitlines()]
        total += len(recs)
        seen |= {r for rec in recs for r in rec["reasons"]}
    assert total > 20
    assert seen == {"UNCOVERED", "OPPOSED", "STANCE_UNKNOWN", "COMPETITOR_CLOSER"}
