"""Data-set fixtures shared by several test modules (loaded as a pytest plugin)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import thinned_generated_doc


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated data set (5 customers, some veto holders uncovered) as a JSON file."""
    out = tmp_path_factory.mktemp("gen") / "generated.json"
    out.write_text(json.dumps(thinned_generated_doc(), ensure_ascii=False), encoding="utf-8")
    return out
