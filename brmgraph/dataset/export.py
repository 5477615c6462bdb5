"""Writing a data set back in the input format: the JSON / YAML document and the CSV
folder that ``brmgraph import`` reads (``brmgraph export``, docs/spec.md §4.9.4)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ..model import Dataset

__all__ = ["dataset_document", "write_csv_dir"]


def dataset_document(ds: Dataset) -> dict[str, list[dict[str, Any]]]:
    """A data set in the input format (JSON / YAML document)."""
    return {section: [r.model_dump(mode="json") for r in getattr(ds, section)] for section in ds.SECTIONS}


def write_csv_dir(ds: Dataset, folder: Path) -> None:
    """A data set as the input format's CSV folder: one file per section, decision
    chains in ``decision_chain.csv``, competitors joined by ``;``, attrs as JSON."""
    from ..fsutil import atomic_file, cannot_write
    from .reading import MODELS

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(folder, exc) from None
    for section in ds.SECTIONS:
        fields = [f for f in MODELS[section].model_fields if f != "decision_chain"]
        with atomic_file(folder / f"{section}.csv", "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(fields)
            for r in getattr(ds, section):
                row = r.model_dump(mode="json")
                cells = []
                for f in fields:
                    v = row[f]
                    if f == "competitors":
                        v = ";".join(v)
                    elif f == "attrs":
                        v = json.dumps(v, ensure_ascii=False, sort_keys=True) if v else ""
                    cells.append("" if v is None else v)
                w.writerow(cells)
    with atomic_file(folder / "decision_chain.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["project", "person", "role"])
        for j in ds.projects:
            for m in j.decision_chain:
                w.writerow([j.id, m.person, m.role])
