"""History shared by both stores (rules: ``docs/spec.md §4.9``).

Layout: the store's ordinary tables / nodes hold the latest state only (reads of the
latest state are exactly as fast as without history). Beside them:

* one **change set** per import: id (1, 2, ...), time, source, mode, counts;
* one **version row** per earlier version of a record: section, key, data (the record's
  field values as compact JSON, or ``None`` for "the record did not exist"), ``valid_from``
  (``None``: since the beginning), ``valid_to`` (the time of the change set that ended
  it) and that change set's id.

A record created by a change set other than the first gets an "absent" row (data
``None``) ending at its creation, so a record's rows and its current version cover time
without gaps. The version of a record at time T is the row with the smallest
``valid_to`` greater than T (ties: the lower change set id), else its current version;
before the first change set the store was empty.

Each store only persists and reads rows; every decision (what changed, what a state
at T is) is made here, once, so both stores answer identically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any, Iterable

from pydantic import BaseModel

from ..errors import BadArgument
from ..model import Dataset, Influence, Interaction

SECTIONS = Dataset.SECTIONS


def parse_time(text: str, option: str = "--as-of") -> str:
    """A date (``2024-05-01``: midnight UTC starting that day) or an ISO timestamp
    (without a zone: UTC) as the canonical stored text ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            dt = datetime.combine(date.fromisoformat(raw), time(0), tzinfo=timezone.utc)
        else:
            dt = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=timezone.utc)
    except ValueError:
        raise BadArgument(f"{option} must be a date (2024-05-01) or an ISO time (2024-05-01T02:00:00Z), not {text!r}") from None
    return stamp(dt)


def stamp(dt: datetime) -> str:
    """Canonical time text: fixed width, UTC, so text order is time order."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now() -> str:
    return stamp(datetime.now(timezone.utc))


def record_key(rec: BaseModel) -> str:
    """The identity of a record within its section: the id; an influence's
    ``[source, target]``, an interaction's ``[employee, person, date, kind]`` (as JSON)."""
    if isinstance(rec, Influence):
        return json.dumps([rec.source, rec.target], ensure_ascii=False)
    if isinstance(rec, Interaction):
        return json.dumps([rec.employee, rec.person, rec.date.isoformat(), rec.kind], ensure_ascii=False)
    return str(rec.id)  # type: ignore[attr-defined]


def record_data(rec: BaseModel) -> str:
    """A record as canonical, compact JSON text: the values of its input-format fields,
    in the model's field order (names are not repeated in every stored version)."""
    return json.dumps(list(rec.model_dump(mode="json").values()), ensure_ascii=False, separators=(",", ":"))


def fields_of(section: str, data: str) -> dict[str, Any]:
    """The fields of a record stored as :func:`record_data` text, by name."""
    from ..dataset import MODELS

    return dict(zip(MODELS[section].model_fields, json.loads(data)))


def record_of(section: str, data: str) -> BaseModel:
    from ..dataset import MODELS

    return MODELS[section].model_validate(fields_of(section, data))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Version:
    """An earlier version of a record (one version row)."""

    section: str
    key: str
    data: str | None
    valid_from: str | None
    valid_to: str
    changeset: int


@dataclass(frozen=True)
class ChangeSet:
    id: int
    time: str
    source: str
    mode: str
    counts: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "time": self.time, "source": self.source, "mode": self.mode, "counts": self.counts}


def by_key(ds: Dataset) -> dict[tuple[str, str], str]:
    """(section, key) -> canonical data of every record (a later duplicate wins)."""
    out: dict[tuple[str, str], str] = {}
    for section in SECTIONS:
        for rec in getattr(ds, section):
            out[(section, record_key(rec))] = record_data(rec)
    return out


def plan(
    current: Dataset, new: Dataset, *, replace: bool, first: bool
) -> tuple[list[tuple[str, str, str | None]], dict[str, int]]:
    """What an import of ``new`` changes in a store holding ``current``: the versions it
    ends, as (section, key, old data or None for "did not exist"), and the counts
    ``created``, ``changed``, ``deleted``, ``unchanged``. ``first``: the first change set
    (no "absent" rows: before it the store was empty)."""
    old = by_key(current)
    fresh = by_key(new)
    ended: list[tuple[str, str, str | None]] = []
    counts = {"created": 0, "changed": 0, "deleted": 0, "unchanged": 0}
    for sk, data in fresh.items():
        before = old.get(sk)
        if before is None:
            counts["created"] += 1
            if not first:
                ended.append((sk[0], sk[1], None))
        elif before != data:
            counts["changed"] += 1
            ended.append((sk[0], sk[1], before))
        else:
            counts["unchanged"] += 1
    if replace:
        for sk, data in old.items():
            if sk not in fresh:
                counts["deleted"] += 1
                ended.append((sk[0], sk[1], data))
    ended.sort()
    return ended, counts


def versions(
    ended: list[tuple[str, str, str | None]], last: dict[tuple[str, str], str], at: str, changeset: int
) -> list[Version]:
    """Version rows for ``ended``; ``last``: each key's latest stored ``valid_to`` (the
    start of its current version)."""
    return [Version(s, k, d, last.get((s, k)), at, changeset) for s, k, d in ended]


def state_at(current: Dataset, rows: Iterable[Version], at: str, first_time: str | None) -> Dataset:
    """The data set as it stood at ``at``: ``rows`` must hold (at least) every version
    row with ``valid_to > at``."""
    if first_time is None or at < first_time:
        return Dataset()
    chosen: dict[tuple[str, str], Version] = {}
    for v in sorted((v for v in rows if v.valid_to > at), key=lambda v: (v.valid_to, v.changeset)):
        chosen.setdefault((v.section, v.key), v)
    data: dict[str, list[Any]] = {s: [] for s in SECTIONS}
    for section in SECTIONS:
        for rec in getattr(current, section):
            v = chosen.pop((section, record_key(rec)), None)
            if v is None:
                data[section].append(rec)
            elif v.data is not None:
                data[section].append(record_of(section, v.data))
    for (section, _key), v in chosen.items():  # deleted since
        if v.data is not None:
            data[section].append(record_of(section, v.data))
    return Dataset.model_construct(**data).sorted()


def changes(
    section: str, key: str, versions_of_key: list[Version], current: str | None, sets: dict[int, ChangeSet]
) -> list[dict[str, Any]]:
    """The changes of one record, oldest first: per change set that touched it, the
    action (created / changed / deleted) and each field that changed, from what to what.
    A record with no "absent" row first was created by the first change set."""
    rows = sorted(versions_of_key, key=lambda v: (v.valid_to, v.changeset))
    first = min(sets) if sets else None
    out = []
    if first is not None and (rows[0].data if rows else current) is not None:
        rows.insert(0, Version(section, key, None, None, sets[first].time, first))
    for i, v in enumerate(rows):
        after = rows[i + 1].data if i + 1 < len(rows) else current
        before_d = fields_of(section, v.data) if v.data is not None else None
        after_d = fields_of(section, after) if after is not None else None
        if before_d is None and after_d is None:
            continue
        action = "created" if before_d is None else "deleted" if after_d is None else "changed"
        fields = []
        keys = sorted(set(before_d or {}) | set(after_d or {}))
        for f in keys:
            b = (before_d or {}).get(f)
            a = (after_d or {}).get(f)
            if b != a:
                fields.append({"field": f, "before": b, "after": a})
        cs = sets.get(v.changeset)
        out.append(
            {
                "changeset": v.changeset,
                "time": cs.time if cs else v.valid_to,
                "section": v.section,
                "key": v.key,
                "action": action,
                "fields": fields,
            }
        )
    return out
