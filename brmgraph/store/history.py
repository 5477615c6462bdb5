"""History shared by both stores (rules: ``docs/spec.md §4.9``).

Layout: the store's ordinary tables / nodes hold the latest state only (reads of the
latest state are exactly as fast as without history). Beside them, one **change set**
per import: id (1, 2, ...), time, source, mode, counts, and the **version rows** of the
versions it ended, packed into one compressed value (:func:`pack`). A version row is
section, key, the record's field values (or ``None`` for "the record did not exist"),
``valid_from`` (``None``: since the beginning), ``valid_to`` (the time of the change set
that ended it) and that change set's id.

Storage (docs/spec.md §4.9.7): a packed row holds the section as a
number, the key, and only the fields that differ from the *next* version of the record
(the whole record when the next version is "deleted", nothing for "did not exist");
``valid_to`` is its change set's id and ``valid_from`` the previous row of the same
record, so neither time is stored per row. :func:`expand` rebuilds full rows from the
current state backwards. Rows written by schema-2 stores (full data, one row each) are
still read as they are.

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
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import BadArgument, NotFound
from ..model import Dataset, Influence, Interaction

if TYPE_CHECKING:
    from .base import Store

SECTIONS = Dataset.SECTIONS


def parse_time(text: str) -> str:
    """A date (``2024-05-01``: midnight UTC starting that day) or an ISO timestamp
    (without a zone: UTC) as the canonical stored text ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.

    >>> parse_time("0001-01-01")
    '0001-01-01T00:00:00.000000Z'
    """
    raw = text.strip()
    try:
        if len(raw) == 10:
            dt = datetime.combine(date.fromisoformat(raw), time(0), tzinfo=UTC)
        else:
            dt = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
        return stamp(dt)
    except (ValueError, OverflowError):  # OverflowError: a zone moves it out of the years 1-9999
        from ..errors import shown

        raise BadArgument(
            f"expected a date (2024-05-01) or an ISO time (2024-05-01T02:00:00Z) in the years 1 to 9999 (UTC), "
            f"not {shown(text)}"
        ) from None


def stamp(dt: datetime) -> str:
    """Canonical time text: fixed width (a four-digit year, even in year 1), UTC, so text
    order is time order."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds").removesuffix("+00:00") + "Z"


def now() -> str:
    return stamp(datetime.now(UTC))


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


#: a version an import ends: (section, key, old data or None, new data or None)
Ended = tuple[str, str, "str | None", "str | None"]


def by_key(ds: Dataset) -> dict[tuple[str, str], str]:
    """(section, key) -> canonical data of every record (a later duplicate wins)."""
    out: dict[tuple[str, str], str] = {}
    for section in SECTIONS:
        for rec in getattr(ds, section):
            out[(section, record_key(rec))] = record_data(rec)
    return out


def identity(section: str, rec: Any) -> Any:
    """What :func:`record_key` identifies a record by, as a plain value: equal exactly
    when the keys are equal, and much cheaper than the JSON text."""
    if section == "influences":
        return (rec.source, rec.target)
    if section == "interactions":
        return (rec.employee, rec.person, rec.date, rec.kind)
    return rec.id


def same_record(section: str, a: BaseModel, b: BaseModel) -> bool:
    """Whether two records have the same :func:`record_data`. Field values that are
    equal give equal JSON in every section but customers (whose ``attrs`` may hold
    ``1`` and ``1.0``, equal in Python, different in JSON), so most pairs are compared
    without writing any JSON."""
    if section != "customers" and a.__dict__ == b.__dict__:
        return True
    return record_data(a) == record_data(b)


def plan(
    current: Dataset, new: Dataset, *, replace: bool, first: bool, write: dict[str, list[Any]] | None = None
) -> tuple[list[Ended], dict[str, int]]:
    """What an import of ``new`` changes in a store holding ``current``: the versions it
    ends, as (section, key, old data or None for "did not exist", new data or None for
    "deleted"), and the counts
    ``created``, ``changed``, ``deleted``, ``unchanged``. ``first``: the first change set
    (no "absent" rows: before it the store was empty). Records are matched by
    :func:`identity` and compared by :func:`same_record`; the JSON of :func:`record_key`
    and :func:`record_data` is made only for the versions an import ends. ``write``,
    when given, receives per section the records of ``new`` that are created or changed
    (the ones a store must write; the others equal what it holds), one per identity."""
    ended: list[Ended] = []
    counts = {"created": 0, "changed": 0, "deleted": 0, "unchanged": 0}
    for section in SECTIONS:
        old = {identity(section, r): r for r in getattr(current, section)}
        fresh = {identity(section, r): r for r in getattr(new, section)}  # a later duplicate wins
        out: list[Any] = [] if write is None else write.setdefault(section, [])
        for ident, rec in fresh.items():
            before = old.get(ident)
            if before is None:
                counts["created"] += 1
                out.append(rec)
                if not first:
                    ended.append((section, record_key(rec), None, record_data(rec)))
            elif not same_record(section, before, rec):
                counts["changed"] += 1
                out.append(rec)
                ended.append((section, record_key(rec), record_data(before), record_data(rec)))
            else:
                counts["unchanged"] += 1
        if replace:
            for ident, rec in old.items():
                if ident not in fresh:
                    counts["deleted"] += 1
                    ended.append((section, record_key(rec), record_data(rec), None))
    ended.sort()
    return ended, counts


def pack(ended: list[Ended]) -> bytes:
    """The version rows one change set ends, as one compressed value: per row
    ``[section number, key, payload]`` where the payload is ``null`` ("did not exist"),
    the whole field list (the record was deleted), or ``{field number: old value}`` for
    the fields that differ from the new version."""
    rows: list[list[Any]] = []
    code = {s: i for i, s in enumerate(SECTIONS)}
    for section, key, old, new in ended:
        payload: Any
        if old is None:
            payload = None
        elif new is None:
            payload = json.loads(old)
        else:
            o, n = json.loads(old), json.loads(new)
            payload = {str(i): v for i, (v, w) in enumerate(zip(o, n)) if v != w}
        rows.append([code[section], key, payload])
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9)


def unpack(blob: bytes | None) -> list[tuple[str, str, Any]]:
    if not blob:
        return []
    return [(SECTIONS[c], k, p) for c, k, p in json.loads(zlib.decompress(bytes(blob)).decode("utf-8"))]


def _data(values: list[Any]) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def expand(
    current: dict[tuple[str, str], str],
    packed: Iterable[tuple[int, str, bytes | None]],
    legacy: Iterable[Version] = (),
    *,
    after: str | None = None,
    keys: Iterable[tuple[str, str]] | None = None,
) -> list[Version]:
    """Full version rows from the packed rows of each change set ``(id, time, blob)``
    and the current state (``by_key``): each record's rows are rebuilt from its current
    version backwards, every delta applied to the version after it. ``legacy``: rows
    stored whole by schema-2 stores (older than every packed row). ``after`` / ``keys``
    filter as :meth:`Store.versions` does."""
    raw: dict[tuple[str, str], list[tuple[str, int, Any, bool]]] = {}
    for v in legacy:
        raw.setdefault((v.section, v.key), []).append((v.valid_to, v.changeset, v, True))
    for cs, at, blob in packed:
        for section, key, payload in unpack(blob):
            raw.setdefault((section, key), []).append((at, cs, payload, False))
    wanted = None if keys is None else set(keys)
    out: list[Version] = []
    for sk, rows in raw.items():
        if wanted is not None and sk not in wanted:
            continue
        rows.sort(key=lambda r: (r[0], r[1]))
        nxt: list[Any] | None = json.loads(current[sk]) if sk in current else None
        rebuilt: list[Version] = []
        for i in range(len(rows) - 1, -1, -1):
            at, cs, payload, is_legacy = rows[i]
            if is_legacy:
                v = payload
                nxt = json.loads(v.data) if v.data is not None else None
            else:
                if payload is None:
                    values = None
                elif isinstance(payload, list):
                    values = payload
                else:
                    if nxt is None:  # cannot happen in a store written by pack()
                        raise ValueError(f"history of {sk} is broken: a change without a later version")
                    values = list(nxt)
                    for f, val in payload.items():
                        values[int(f)] = val
                v = Version(sk[0], sk[1], None if values is None else _data(values), rows[i - 1][0] if i else None, at, cs)
                nxt = values
            rebuilt.append(v)
        out.extend(v for v in rebuilt if after is None or v.valid_to > after)
    out.sort(key=lambda v: (v.section, v.key, v.valid_to, v.changeset))
    return out


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
            older = chosen.pop((section, record_key(rec)), None)
            if older is None:
                data[section].append(rec)
            elif older.data is not None:
                data[section].append(record_of(section, older.data))
    for (section, _key), v in chosen.items():  # deleted since
        if v.data is not None:
            data[section].append(record_of(section, v.data))
    return Dataset.model_construct(None, **data).sorted()


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


def history_of(st: Store, *, person: str | None = None, customer: str | None = None, project: str | None = None) -> dict[str, Any]:
    """The change sets and, per record changed by one, the fields it changed (only the
    records of the person / customer / project when given)."""
    sets = st.changesets()
    by_id = {c.id: c for c in sets}
    if person or customer or project:
        rows = st.versions()
        current = by_key(st.export())
        keys = {(v.section, v.key) for v in rows} | set(current)
        wanted = set()
        for sk in keys:
            texts = [v.data for v in rows if (v.section, v.key) == sk and v.data] + ([current[sk]] if sk in current else [])
            if any(_mentions(sk[0], fields_of(sk[0], t), person, customer, project) for t in texts):
                wanted.add(sk)
        if not wanted:
            what = f"person {person!r}" if person else f"customer {customer!r}" if customer else f"project {project!r}"
            raise NotFound(f"no record of {what} in the store or its history")
    else:
        rows = st.versions()
        current = by_key(st.export())
        wanted = {(v.section, v.key) for v in rows} | set(current)
    grouped: dict[tuple[str, str], list[Any]] = {}
    for v in rows:
        grouped.setdefault((v.section, v.key), []).append(v)
    out: list[dict[str, Any]] = []
    for sk in sorted(wanted):
        out.extend(changes(sk[0], sk[1], grouped.get(sk, []), current.get(sk), by_id))
    out.sort(key=lambda c: (c["changeset"], c["section"], c["key"]))
    return {"changesets": [c.as_json() for c in sets], "changes": out}


def _mentions(section: str, rec: dict[str, Any], person: str | None, customer: str | None, project: str | None) -> bool:
    if person:
        return (section == "key_persons" and rec.get("id") == person) or (
            section in ("influences", "interactions") and person in (rec.get("target"), rec.get("person"))
        )
    if customer:
        return (section == "customers" and rec.get("id") == customer) or (
            section in ("key_persons", "projects") and rec.get("customer") == customer
        )
    if project:
        return section == "projects" and rec.get("id") == project
    return False
