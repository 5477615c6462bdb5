"""Writing a data set back in the input format: the JSON / YAML document and the CSV
folder that ``brmgraph import`` reads (``brmgraph export``, docs/spec.md §4.9.4)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..model import Dataset
from ..schema import CHAIN_MEMBER, KINDS, Field

__all__ = ["dataset_document", "write_csv_dir"]


def dataset_document(ds: Dataset) -> dict[str, list[dict[str, Any]]]:
    """A data set in the input format (JSON / YAML document)."""
    return {section: [r.model_dump(mode="json") for r in getattr(ds, section)] for section in ds.SECTIONS}


def _cell(f: Field, v: Any) -> Any:
    """A field's value as a CSV cell (as ``model_dump(mode="json")`` gives it)."""
    if v is None:
        return ""
    if f.type == "list":
        return ";".join(v)
    if f.type == "json":
        return json.dumps(v, ensure_ascii=False, sort_keys=True) if v else ""
    return v


def write_csv_dir(ds: Dataset, folder: Path) -> None:
    """A data set as the input format's CSV folder: one file per section, decision
    chains in ``decision_chain.csv``, lists of ids joined by ``;``, JSON fields as JSON
    text; the columns are the fields of each kind's declaration (brmgraph/schema.py)."""
    from ..fsutil import atomic_file, cannot_write

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(folder, exc) from None
    for section, k in KINDS.items():
        fields = [f for f in k.fields if f.items != "chain"]
        with atomic_file(folder / f"{section}.csv", "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([f.name for f in fields])
            for r in getattr(ds, section):
                row = r.model_dump(mode="json")
                w.writerow([_cell(f, row[f.name]) for f in fields])
    with atomic_file(folder / "decision_chain.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["project", *(f.name for f in CHAIN_MEMBER)])
        for j in ds.projects:
            for m in j.decision_chain:
                w.writerow([j.id, *(getattr(m, f.name) for f in CHAIN_MEMBER)])
