"""Imports that keep stored fields: CRM profile imports (only the fields a profile maps) and
``import --patch`` (only the fields each record gives)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import InvalidData, Problem
from ..model import (
    ChainMember,
    Dataset,
    _competitor_list,
)
from ..schema import KINDS
from ..store.base import IdIndex, ImportSummary, Store
from .reading import KIND_OF, MODELS, RawDataset, read_path
from .validation import (
    Parsed,
    _a,
    _gc_paused,
    _normalised,
    _record_id,
    check_references,
    parse_records,
)

#: sections whose records have an id and are merged field by field with the stored record
#: (those with patchable fields)
MERGEABLE: dict[str, type[BaseModel]] = {s: MODELS[s] for s, k in KINDS.items() if k.patchable()}
#: fields a CRM profile owns together: mapping one of them owns all (a leaving day
#: belongs to the status it explains, docs/spec.md §3.3)
_TOGETHER = (frozenset({"status", "left_on"}),)
#: what a patch file may hold: partial records of MERGEABLE, whole influences and interactions
PATCHABLE = (*MERGEABLE, "influences", "interactions")


@dataclass
class ImportReport:
    """What an import did, record by record: ``created`` and ``updated`` per section
    (records with an id; influences and interactions count as created when new),
    ``skipped`` (rows left out, by reason) and ``stubbed`` (ids made up as placeholders)."""

    summary: ImportSummary
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    stubbed: list[str] = field(default_factory=list)
    #: influences the import left as stored (an analyst's strength kept)
    kept: dict[str, int] = field(default_factory=dict)
    #: records skipped because they cannot be placed, each with where and why
    #: (``where``, ``file``, ``line``, ``reason``)
    notes: list[dict[str, Any]] = field(default_factory=list)


def _values(rec: BaseModel) -> dict[str, Any]:
    return {k: getattr(rec, k) for k in type(rec).model_fields}


def _augment_index(existing: IdIndex, stored: dict[str, list[Any]]) -> None:
    """Stored records reference only stored ids: make their kinds known to validation
    (a store may have looked up only the ids the file mentions)."""
    kinds = existing.kind
    for c in stored.get("customers", []):
        kinds.setdefault(c.id, "customer")
    for e in stored.get("employees", []):
        kinds.setdefault(e.id, "employee")
    for p in stored.get("key_persons", []):
        kinds.setdefault(p.id, "key person")
        kinds.setdefault(p.customer, "customer")
        existing.person_customer.setdefault(p.id, p.customer)
        existing.reports_to.setdefault(p.id, p.reports_to)
    for j in stored.get("projects", []):
        kinds.setdefault(j.id, "project")
        kinds.setdefault(j.customer, "customer")
        for m in j.decision_chain:
            kinds.setdefault(m.person, "key person")
        for k in j.competitors:
            kinds.setdefault(k, "competitor")


def _read_stored(lookup: Any, existing: IdIndex, ids: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """The stored records of the given ids (only those the index knows of that kind)."""
    out: dict[str, dict[str, Any]] = {}
    lists: dict[str, list[Any]] = {}
    for section, wanted in ids.items():
        kind = KIND_OF[section]
        stored_ids = sorted({i for i in wanted if existing.kind.get(i) == kind})
        recs = lookup(section, stored_ids) if stored_ids else []
        lists[section] = recs
        out[section] = {r.id: r for r in recs}
    _augment_index(existing, lists)
    return out


def merge_owned(
    parsed: Parsed,
    existing: IdIndex,
    lookup: Any,
    owned: dict[str, set[str]],
    soft: dict[str, set[str]] | None = None,
    report: ImportReport | None = None,
    stubs: set[str] | frozenset[str] = frozenset(),
) -> Dataset:
    """The data set to write for an import that owns only some fields (a CRM profile):
    a stored record keeps every field not in ``owned[section]``; a field in
    ``soft[section]`` (role rules) takes the file's value only while the stored one is
    ``unknown``; an influence already stored keeps its stored strength. Runs inside the
    store's write transaction (``lookup`` reads there), then validates the merged data
    set against ``existing``; raises InvalidData. An employee in ``stubs`` (a placeholder
    for an owner missing from the export) keeps its stored record entirely."""
    ds = parsed.ds
    soft = soft or {}
    stored = _read_stored(lookup, existing, {s: [r.id for r in getattr(ds, s)] for s in MERGEABLE})
    data: dict[str, Any] = {k: getattr(ds, k) for k in Dataset.SECTIONS}
    for section, model in MERGEABLE.items():
        have = stored[section]
        own, weak = owned.get(section, set()), soft.get(section, set())
        for group in _TOGETHER:
            if own & group and group <= set(KINDS[section].names()):
                own = own | group
        merged = []
        for rec in getattr(ds, section):
            old = have.get(rec.id)
            if old is None:
                merged.append(rec)
                if report is not None:
                    report.created[section] = report.created.get(section, 0) + 1
                continue
            values = _values(old)
            if section == "employees" and rec.id in stubs:
                merged.append(old)
                continue
            for f in own:
                values[f] = getattr(rec, f)
            for f in weak - own:
                new = getattr(rec, f)
                if getattr(values[f], "value", values[f]) == "unknown" and getattr(new, "value", new) != "unknown":
                    values[f] = new
            merged.append(model.model_construct(**values))
            if report is not None:
                report.updated[section] = report.updated.get(section, 0) + 1
        data[section] = merged
    # influences the file proposes (an owner's tie): a stored one keeps its strength
    stored_pairs = {(i.source, i.target) for i in lookup("influences", sorted({i.target for i in ds.influences}))} if ds.influences else set()
    fresh = [i for i in ds.influences if (i.source, i.target) not in stored_pairs]
    if report is not None:
        report.created["influences"] = len(fresh)
        report.kept["influences"] = len(ds.influences) - len(fresh)
    # validate what will be written (a kept superior may close a reports_to cycle); with
    # every influence of the file, so that locations stay those of the file
    check = Parsed(Dataset.model_construct(**data), parsed.raw, parsed.orig, parsed.failed, parsed.ids_in_order)
    problems = check_references(check, existing)
    if problems:
        raise InvalidData(problems, parsed.raw.source)
    data["influences"] = fresh
    return Dataset.model_construct(**data)


def import_mapped(
    store: Store,
    raw: RawDataset,
    owned: dict[str, set[str]],
    soft: dict[str, set[str]] | None = None,
    report: ImportReport | None = None,
    stubs: set[str] | frozenset[str] = frozenset(),
) -> ImportReport:
    """Import records mapped from another system (a CRM profile, ``brmgraph.crm``): all
    or nothing, each stored record keeping the fields the mapping does not own."""
    report = report or ImportReport(ImportSummary(counts={}))
    with _gc_paused():
        parsed, problems = parse_records(raw)
        if problems:
            problems += check_references(parsed, store.id_index())
            raise InvalidData(problems, raw.source)
        parsed.ds = _normalised(parsed.ds)

        def check(existing: IdIndex) -> None:
            more = check_references(parsed, existing)
            if more:
                raise InvalidData(more, raw.source)

        def merge(existing: IdIndex, lookup: Any) -> Dataset:
            return merge_owned(parsed, existing, lookup, owned, soft, report, stubs)

        report.summary = store.import_dataset(parsed.ds, check=check, merge=merge, source=f"profile:{raw.source}")
    if not report.created and not report.updated:  # staged bulk load into an empty store: all new
        report.created = {k: n for k, n in parsed.ds.counts().items() if n}
    return report


def _ref_sketch(section: str, data: dict) -> Any:
    """A stand-in record holding only the ids a partial record mentions (for the store to
    look up the right stored ids); never written."""

    def s(key: str) -> str:
        v = data.get(key)
        return str(v).strip() if isinstance(v, (str, int)) and not isinstance(v, bool) else ""

    values: dict[str, Any] = {}
    for f in KINDS[section].fields:
        if f.type == "id":
            values[f.name] = s(f.name) or (None if f.ref == section else "")  # (an empty superior is none)
        elif f.items == "chain":
            chain = data.get(f.name)
            values[f.name] = [
                ChainMember.model_construct(person=str(m.get("person", "")), role="")
                for m in (chain if isinstance(chain, list) else [])
                if isinstance(m, dict)
            ]
        elif f.items == "id":
            values[f.name] = [str(c).strip() for c in _competitor_list(data.get(f.name)) or []]
    return MODELS[section].model_construct(**values)


def import_patch(store: Store, path: Path | str) -> ImportReport:
    """Apply a patch file (``brmgraph import FILE --patch``): customers, key persons,
    employees and projects give an id and only the fields to change, applied to the stored
    record of that id (every other field keeps its stored value; an id not stored is an
    error); influences and interactions are whole records, upserted. Read and write in
    one store write transaction; all or nothing."""
    with _gc_paused():
        raw = read_path(path)
        problems = list(raw.problems)
        if problems:
            raise InvalidData(problems, raw.source)
        given: dict[str, list[Any]] = {}
        for section, items in raw.sections.items():
            if section not in PATCHABLE:
                problems.append(Problem(f"{raw.source}: {section}", f"a patch cannot hold {section}; it holds {', '.join(PATCHABLE)}"))
                continue
            given[section] = items
            for i, rec in enumerate(items):
                if not isinstance(rec, dict):
                    problems.append(Problem(raw.loc(section, i)(), "must be an object (a record with fields)"))
                elif section in MERGEABLE and _record_id(rec) is None:
                    problems.append(Problem(raw.loc(section, i)(("id",)), "required field is missing (a patch names the record to change)"))
        if problems:
            raise InvalidData(problems, raw.source)
        sketch = Dataset.model_construct(
            None, **{k: [_ref_sketch(k, r) for r in given.get(k, [])] for k in Dataset.SECTIONS}
        )
        report = ImportReport(ImportSummary(counts={}))

        def unknown_ids(existing: IdIndex) -> list[Problem]:
            out = []
            for section in MERGEABLE:
                for i, rec in enumerate(given.get(section, [])):
                    rid = _record_id(rec) or ""  # every record here has an id (checked above)
                    if existing.kind.get(rid) != KIND_OF[section]:
                        have = existing.kind.get(rid)
                        why = f"{rid!r} is {_a(have)}, not {_a(KIND_OF[section])}" if have else f"unknown {KIND_OF[section]} {rid!r}"
                        out.append(Problem(raw.loc(section, i)(("id",)), f"{why}; a patch only changes stored records"))
            return out

        def check(existing: IdIndex) -> None:
            bad = unknown_ids(existing)
            if bad:
                raise InvalidData(bad, raw.source)

        def merge(existing: IdIndex, lookup: Any) -> Dataset:
            stored = _read_stored(
                lookup, existing, {s: [_record_id(r) or "" for r in given.get(s, [])] for s in MERGEABLE}
            )
            full = RawDataset(raw.source, {}, raw.locs, raw.chain_locs)
            for section, items in given.items():
                if section not in MERGEABLE:
                    full.sections[section] = list(items)
                    continue
                merged = []
                for rec in items:
                    old = stored[section][_record_id(rec) or ""]
                    values = old.model_dump()
                    values.update(rec)
                    merged.append(values)
                    report.updated[section] = report.updated.get(section, 0) + 1
                full.sections[section] = merged
            parsed, problems = parse_records(full)
            problems += check_references(parsed, existing)
            if problems:
                raise InvalidData(problems, raw.source)
            out = _normalised(parsed.ds)
            report.updated["influences"] = len(out.influences)
            report.updated["interactions"] = len(out.interactions)
            return out

        report.summary = store.import_dataset(sketch, check=check, merge=merge, source=f"patch:{raw.source}")
    return report
