"""Reading, validating and importing data sets (docs/spec.md §3).

The work is split in three modules: :mod:`.reading` (files to raw records, safely),
:mod:`.validation` (every rule, every problem at once) and :mod:`.merging` (imports that
keep stored fields); this module imports a file into a store and re-exports the public
names.

A data set is a JSON file, a YAML file, or a folder of CSV files (one per top-level key,
``decision_chain.csv`` with ``project,person,role``). Validation reports *every* problem at
once, each with where it is (file and JSON path, or file and line) and why; nothing is
written unless the whole data set is valid together with what the store already holds.

>>> ds, problems = parse_dataset({"customers": [{"id": "C1"}],
...     "key_persons": [{"id": "P1", "customer": "C1", "reports_to": "P1"}]}, "x.json")
>>> [str(p) for p in problems]
['x.json: $.key_persons[0].reports_to: P1 reports to itself (self-loop)']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..errors import EmptyReplace, InvalidData, Problem
from ..model import Dataset
from ..store.base import IdIndex, ImportSummary, Store
from .merging import ImportReport, import_mapped, import_patch, merge_owned
from .reading import (
    DEFAULT_MAX_BYTES,
    KIND_OF,
    MAX_NESTING,
    MODELS,
    RawDataset,
    parse_document,
    parse_size,
    read_path,
)
from .validation import (
    MAX_REPORTS_DEPTH,
    Parsed,
    _gc_paused,
    _normalised,
    check_references,
    parse_records,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "KIND_OF",
    "MAX_NESTING",
    "MAX_REPORTS_DEPTH",
    "MODELS",
    "ImportReport",
    "Parsed",
    "RawDataset",
    "check_references",
    "import_mapped",
    "import_patch",
    "import_path",
    "input_schema",
    "load_dataset",
    "merge_owned",
    "parse_dataset",
    "parse_document",
    "parse_records",
    "parse_size",
    "problems_of",
    "read_path",
]


def input_schema() -> dict[str, Any]:
    """JSON Schema of the input format (``brmgraph schema``)."""
    schema = Dataset.model_json_schema()
    schema["title"] = "brmgraph data set"
    schema["description"] = (
        "One data set (docs/spec.md §3). Stance, tri and strength values accept the English key or "
        "the Chinese label (强支持 支持 中立 反对 强反对 未知; 是 否 未知; 强 中 弱)."
    )
    return schema


def parse_dataset(doc: Any, source: str = "<data>") -> tuple[Dataset, list[Problem]]:
    """Parse a document already loaded from JSON/YAML; return it and every problem
    that does not depend on the store."""
    parsed, problems = parse_records(parse_document(doc, source))
    problems += check_references(parsed)
    return _normalised(parsed.ds), problems


def load_dataset(path: Path | str, existing: IdIndex | None = None, *, max_bytes: int | None = None) -> Dataset:
    """Read and validate a data set; raise :class:`InvalidData` with every problem."""
    raw = read_path(path, max_bytes)
    parsed, problems = parse_records(raw)
    problems += check_references(parsed, existing)
    if problems:
        raise InvalidData(problems, raw.source)
    return _normalised(parsed.ds)


def import_path(
    store: Store,
    path: Path | str,
    *,
    replace: bool = False,
    allow_empty: bool = False,
    effective: str | None = None,
    max_bytes: int | None = None,
    phase: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Validate ``path`` against the store's content and import it, all or nothing.

    A replace by a data set without records is refused (:class:`BadArgument`, the store
    unchanged) unless ``allow_empty``: an empty file is far more often a failed export
    than a wish to empty the store. ``effective`` (a date or ISO time, see
    :mod:`brmgraph.store.history`) stamps the import's change set. ``max_bytes`` bounds
    the input read (see :func:`read_path`). ``phase(text)`` is told each step as it
    starts (reading, checking, writing), for a progress display."""
    with _gc_paused():
        return _import_path(
            store, path, replace=replace, allow_empty=allow_empty, effective=effective, max_bytes=max_bytes,
            phase=phase or _quiet,
        )


def _quiet(text: str) -> None:
    pass


def _import_path(
    store: Store, path: Path | str, *, replace: bool, allow_empty: bool, effective: str | None, max_bytes: int | None,
    phase: Callable[[str], None],
) -> ImportSummary:
    phase(f"reading {path}")
    raw = read_path(path, max_bytes)
    parsed, problems = parse_records(raw)
    source = str(path)
    phase(f"checking {parsed.ds.record_count():,} records")
    if replace:
        problems += check_references(parsed)
        if problems:
            raise InvalidData(problems, raw.source)
        if parsed.ds.record_count() == 0 and not allow_empty:
            raise EmptyReplace(f"{raw.source} holds no records; refusing to replace the store {store.url} with nothing")
        phase(f"writing into {store.url}")
        return store.import_dataset(_normalised(parsed.ds), replace=True, source=source, effective=effective)
    if problems:
        # report everything at once: field problems and references against the store
        problems += check_references(parsed, store.id_index())
        raise InvalidData(problems, raw.source)

    def check(existing: IdIndex) -> None:
        # runs inside the store's write transaction
        more = check_references(parsed, existing)
        if more:
            raise InvalidData(more, raw.source)

    phase(f"writing into {store.url}")
    return store.import_dataset(_normalised(parsed.ds), replace=False, check=check, source=source, effective=effective)


def problems_of(problems: Iterable[Problem]) -> list[str]:
    return [str(p) for p in problems]
