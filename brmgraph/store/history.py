"""History shared by both stores (rules: ``docs/spec.md §4.9``).

Layout: the store's ordinary tables / nodes hold the latest state only (reads of the
latest state are exactly as fast as without history). Beside them, one **change set**
per import: id (1, 2, ...), time, source, mode, counts, and the **version rows** of the
versions it ended, packed into compressed values (:func:`pack`; the embedded store packs
them per customer, :func:`pack_by_customer`). A version row is
section, key, the record's field values (or ``None`` for "the record did not exist"),
``valid_from`` (``None``: since the beginning), ``valid_to`` (the time of the change set
that ended it) and that change set's id.

Storage (docs/decisions.md, "History"): a packed row holds the section's name, the key,
what kind of row it is and field values **by name**: nothing for "did not exist", the
whole record when the next version is "deleted", otherwise only the fields that differ
from the *next* version of the record. ``valid_to`` is its change set's id and
``valid_from`` the previous row of the same record, so neither time is stored per row.
:func:`expand` rebuilds full rows from the current state backwards. Because values are
keyed by field name, a field added to a record kind never changes the meaning of a stored
version (a version written before the field existed has the field's default). Rows
written by schema-5 stores (fields by position) and schema-2 stores (full data, one row
each) are upgraded by :func:`upgrade_packed` / :func:`upgrade_data`, once, when the store
is opened (and read as they are in between).

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
from functools import cache
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
    """A record as canonical, compact JSON text: an object of its input-format fields by
    name, in the model's field order."""
    return _data(rec.model_dump(mode="json"))


def fields_of(section: str, data: str) -> dict[str, Any]:
    """The fields of a record stored as :func:`record_data` text, by name (text written
    by a schema-5 store, a list in that schema's field order, is read by name too)."""
    values = json.loads(data)
    if isinstance(values, list):
        return dict(zip(V5_FIELDS[section], values, strict=True))
    return values  # type: ignore[no-any-return]


@cache
def _defaults(section: str) -> dict[str, Any]:
    """Each field of ``section`` with the value it holds when not given, as stored."""
    from ..schema import kind

    return {f.name: getattr(f.empty(), "value", f.empty()) for f in kind(section).fields}


def full_fields_of(section: str, data: str) -> dict[str, Any]:
    """:func:`fields_of`, with every field declared since the version was stored holding
    its default: a version means the same whichever fields existed when it was written."""
    return {**_defaults(section), **fields_of(section, data)}


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


#: kinds of packed row: the record did not exist / its whole fields / the fields that
#: differ from its next version
ABSENT, WHOLE, DELTA = "a", "w", "d"


def pack(ended: list[Ended]) -> bytes:
    """The version rows one change set ends, as one compressed value: per row
    ``[section, key, kind, values]`` where kind is :data:`ABSENT` (values ``null``),
    :data:`WHOLE` (the record was deleted: every field by name) or :data:`DELTA`
    (``{field: old value}`` for the fields that differ from the new version). A whole
    influence or interaction leaves out the fields its key holds."""
    rows: list[list[Any]] = []
    for section, key, old, new in ended:
        if old is None:
            rows.append([section, key, ABSENT, None])
        elif new is None:  # (the fields the key holds are not repeated)
            ident = _IDENTITY.get(section, ())
            rows.append([section, key, WHOLE, {f: v for f, v in json.loads(old).items() if f not in ident}])
        else:
            o, n = json.loads(old), json.loads(new)
            delta = {f: v for f, v in o.items() if f not in n or n[f] != v}
            rows.append([section, key, DELTA, delta])
    return _compress(_data(rows))


#: a preset dictionary for zlib (RFC 1950 FDICT): the strings every packed value
#: repeats, so that a small value (one customer's rows of one change set) compresses as
#: well as a large one. Stored values depend on it: never change it (a value's header
#: names its dictionary by Adler-32, so another one could be added beside it).
ZDICT = (
    b'"website","attrs","industry","tier","team","competitor","amount","close_date","status","stage",'
    b'"decision_chain","competitors","role","decision_maker","technical_evaluator","procurement",'
    b'"open","won","lost","yes","no","unknown","strong_support","support","neutral","oppose","strong_oppose",'
    b'"solution_acceptance","price_acceptance","veto","approver","reports_to","department","title",'
    b'"employee","person","date","kind","visit","meeting","call","source","target","strength","strong","medium","weak",'
    b'["customers","["employees","["competitors","["competitor_staff","["projects","["interactions",'
    b'["influences","["key_persons","id","customer","name",null],"a",null],"w",{"d",{"'
)


def _compress(text: str) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, ZDICT)
    return c.compress(text.encode("utf-8")) + c.flush()


def decompress(blob: bytes) -> bytes:
    """A packed value: with the preset dictionary (its header says so), or without
    (values written before it)."""
    if len(blob) > 1 and blob[1] & 0x20:
        d = zlib.decompressobj(15, ZDICT)
        return d.decompress(blob) + d.flush()
    return zlib.decompress(blob)


def pack_by_customer(ended: list[Ended], old: Dataset | None, new: Dataset) -> dict[str, bytes]:
    """The version rows one change set ends, packed (:func:`pack`) per customer they
    belong to: a customer record to itself; a key person or project to its customer
    before and after the change; an influence or interaction to the customer of its
    target person before and after; employees, competitors and staff to ``''``. A row
    belonging to two customers (a record that moved) is in both parts."""
    person: dict[str, dict[str, str]] = {"before": {}, "after": {}}
    project: dict[str, dict[str, str]] = {"before": {}, "after": {}}
    if old is not None:
        person["before"] = {p.id: p.customer for p in old.key_persons}
        project["before"] = {j.id: j.customer for j in old.projects}
    person["after"] = {**person["before"], **{p.id: p.customer for p in new.key_persons}}
    project["after"] = {**project["before"], **{j.id: j.customer for j in new.projects}}
    parts: dict[str, list[Ended]] = {}
    for row in ended:
        section, key = row[0], row[1]
        owners: set[str | None]
        if section == "customers":
            owners = {key}
        elif section in ("key_persons", "projects"):
            maps = person if section == "key_persons" else project
            owners = {maps["before"].get(key), maps["after"].get(key)}
        elif section in ("influences", "interactions"):
            target = json.loads(key)[1]
            owners = {person["before"].get(target), person["after"].get(target)}
        else:
            owners = {""}
        for owner in owners - {None}:
            parts.setdefault(str(owner), []).append(row)
    return {owner: pack(rows) for owner, rows in parts.items()}


def unpack(blob: bytes | None) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    """The rows of :func:`pack`: (section, key, kind, values). A value packed by a
    schema-5 store (fields by position) is read by name (:func:`upgrade_row`)."""
    if not blob:
        return []
    rows = json.loads(decompress(bytes(blob)).decode("utf-8"))
    out: list[tuple[str, str, str, dict[str, Any] | None]] = []
    for r in rows:
        if not isinstance(r[0], str):
            out.append(upgrade_row(r))
        elif r[2] == WHOLE and r[0] in _IDENTITY:
            out.append((r[0], r[1], WHOLE, {**dict(zip(_IDENTITY[r[0]], json.loads(r[1]), strict=True)), **r[3]}))
        else:
            out.append((r[0], r[1], r[2], r[3]))
    return out


#: the fields an influence's or interaction's key holds (:func:`record_key`), in order
_IDENTITY = {"influences": ("source", "target"), "interactions": ("employee", "person", "date", "kind")}


# ---------------------------------------------------------------- upgrade from schema 5
#: the sections and each section's fields in the order schema-5 stores wrote them
#: (history payloads by position); frozen here: they describe stored data, not the model
V5_SECTIONS = (
    "customers", "key_persons", "employees", "competitors", "competitor_staff", "influences", "projects", "interactions",
)
V5_FIELDS: dict[str, tuple[str, ...]] = {
    "customers": ("id", "name", "industry", "tier", "attrs"),
    "key_persons": ("id", "customer", "name", "title", "department", "closeness", "solution_acceptance",
                    "price_acceptance", "veto", "approver", "reports_to"),
    "employees": ("id", "name", "team", "title"),
    "competitors": ("id", "name"),
    "competitor_staff": ("id", "name", "competitor"),
    "influences": ("source", "target", "strength"),
    "projects": ("id", "customer", "name", "status", "stage", "amount", "close_date", "decision_chain", "competitors"),
    "interactions": ("employee", "person", "date", "kind"),
}


def upgrade_row(row: list[Any]) -> tuple[str, str, str, dict[str, Any] | None]:
    """A packed row of a schema-5 store (``[section number, key, payload]``, payload
    ``null``, the whole field list, or ``{field number: old value}``) by name."""
    code, key, payload = row
    section = V5_SECTIONS[code]
    names = V5_FIELDS[section]
    if payload is None:
        return section, key, ABSENT, None
    if isinstance(payload, list):
        return section, key, WHOLE, dict(zip(names, payload, strict=True))
    return section, key, DELTA, {names[int(i)]: v for i, v in payload.items()}


def upgrade_packed(blob: bytes | None) -> bytes | None:
    """A change set's packed rows in today's format (unchanged when they already are)."""
    if not blob:
        return blob
    return _compress(_data([list(r) for r in unpack(blob)]))


def upgrade_data(section: str, data: str | None) -> str | None:
    """A whole version row's data (schema-2 ``versions`` rows) in today's format."""
    return None if data is None else _data(fields_of(section, data))


def _data(values: Any) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


#: one packed row read back: (time of its change set, change set id, kind, values)
Packed = tuple[str, int, str, "dict[str, Any] | None"]


def rebuild(
    section: str, key: str, rows: list[Packed], current: dict[str, Any] | None, first_from: str | None = None
) -> list[Version]:
    """One record's full version rows from its packed rows (sorted by time, change set)
    and its current fields (None: it does not exist now): from the newest back, each
    delta applied to the version after it. ``first_from``: the ``valid_from`` of the
    oldest row (the end of an older, schema-2 row)."""
    nxt = current
    out: list[Version] = []
    for i in range(len(rows) - 1, -1, -1):
        at, cs, kind, values = rows[i]
        if kind == ABSENT:
            full = None
        elif kind == WHOLE:
            full = values
        else:
            if nxt is None:  # cannot happen in a store written by pack()
                raise ValueError(f"history of {(section, key)} is broken: a change without a later version")
            full = {**nxt, **(values or {})}
        out.append(Version(section, key, None if full is None else _data(full), rows[i - 1][0] if i else first_from, at, cs))
        nxt = full
    out.reverse()
    return out


def group(packed: Iterable[tuple[int, str, bytes | None]]) -> dict[tuple[str, str], list[Packed]]:
    """The packed rows of change sets ``(id, time, blob)`` per (section, key), sorted;
    a change set may come in several parts (a row stored in two parts counts once)."""
    raw: dict[tuple[str, str], list[Packed]] = {}
    seen: set[tuple[int, str, str]] = set()
    for cs, at, blob in packed:
        for section, key, kind, values in unpack(blob):
            if (cs, section, key) in seen:
                continue
            seen.add((cs, section, key))
            raw.setdefault((section, key), []).append((at, cs, kind, values))
    for rows in raw.values():
        rows.sort(key=lambda r: (r[0], r[1]))
    return raw


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
    version backwards (:func:`rebuild`). ``legacy``: rows stored whole by schema-2
    stores (older than every packed row). ``after`` / ``keys`` filter as
    :meth:`Store.versions` does."""
    raw = group(packed)
    old: dict[tuple[str, str], list[Version]] = {}
    for v in legacy:
        old.setdefault((v.section, v.key), []).append(v)
    wanted = None if keys is None else set(keys)
    out: list[Version] = []
    for sk in raw.keys() | old.keys():
        if wanted is not None and sk not in wanted:
            continue
        rows = raw.get(sk, [])
        before = [Version(v.section, v.key, upgrade_data(v.section, v.data), v.valid_from, v.valid_to, v.changeset)
                  for v in old.get(sk, [])]
        before.sort(key=lambda v: (v.valid_to, v.changeset))
        now = json.loads(current[sk]) if sk in current else None
        rebuilt = before + rebuild(sk[0], sk[1], rows, now, before[-1].valid_to if before else None)
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
        before_d = full_fields_of(section, v.data) if v.data is not None else None
        after_d = full_fields_of(section, after) if after is not None else None
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


# ---------------------------------------------------------------- one customer at T
#: sections whose records belong to one customer (by their ``customer`` field, or
#: themselves) and sections whose records are aimed at one key person (key[1])
_OWNED = ("customers", "key_persons", "projects")
_AIMED = ("influences", "interactions")


def customer_state_at(st: Store, customer: str, at: str) -> Dataset:
    """One customer's sub-graph (as :meth:`Store.customer_graph` gives it) as it stood at
    ``at`` (canonical time text); an empty Dataset when the customer did not exist then.

    Reads only what the answer needs: the customer's current records, the version rows
    of the change sets after ``at`` that touched the customer or the shared records
    (:meth:`Store.history_blobs`), and the current versions of the shared records and
    of the customer's past records by key (:meth:`Store.records_by`) — never the whole
    store. When a key person or project of the customer belonged to another customer
    since ``at`` (its rows are then partly in change sets that did not touch this
    customer), every change set after ``at`` is read. The answer equals the
    customer's sub-graph of :meth:`Store.state_at` (tests/test_history_customer.py)."""
    sets = st.changesets()
    if not sets or at < sets[0].time:
        return Dataset()
    if at >= sets[-1].time:
        return _current_graph(st, customer)
    if st.has_legacy_history():  # rows of a schema-2 store: from the whole state, as before
        return _sub_graph(st.state_at(at), customer)
    now = _current_graph(st, customer)
    past = _Past(st, customer, at, now, _rows_of(st.history_blobs(customer, at), customer, now))
    if past.moved():
        past = _Past(st, customer, at, now, _rows_of(st.history_blobs(None, at), customer, now))
    return past.graph()


def _rows_of(packed: Iterable[tuple[int, str, bytes | None]], customer: str, now: Dataset) -> dict[tuple[str, str], list[Packed]]:
    """:func:`group` of only the rows one customer's past can need: its customer record;
    its key persons and projects (those it holds now, and those a row names it in:
    a record that left it since has one, the row that moved or deleted it); the
    influences and interactions aimed at those key persons; every shared record."""
    flat: list[tuple[str, int, str, str, str, Any]] = []
    for cs, at, blob in packed:
        flat.extend((at, cs, section, key, kind, values) for section, key, kind, values in unpack(blob))
    owned = {("key_persons", p.id) for p in now.key_persons} | {("projects", j.id) for j in now.projects}
    owned.update(
        (section, key) for _a, _c, section, key, _k, values in flat
        if section in ("key_persons", "projects") and values is not None and values.get("customer") == customer
    )
    persons = {k for s, k in owned if s == "key_persons"}
    out: dict[tuple[str, str], list[Packed]] = {}
    for at, cs, section, key, kind, values in flat:
        if section in _AIMED:
            if json.loads(key)[1] not in persons:
                continue
        elif section == "customers":
            if key != customer:
                continue
        elif section in ("key_persons", "projects") and (section, key) not in owned:
            continue
        out.setdefault((section, key), []).append((at, cs, kind, values))
    for rows in out.values():
        rows.sort(key=lambda r: (r[0], r[1]))
    return out


def _current_graph(st: Store, customer: str) -> Dataset:
    try:
        return st.customer_graph(customer)
    except NotFound:
        return Dataset()


class _Past:
    """The versions at ``at`` of the records one customer's sub-graph needs."""

    def __init__(self, st: Store, customer: str, at: str, now: Dataset, rows: dict[tuple[str, str], list[Packed]]):
        self.st, self.customer, self.at, self.rows = st, customer, at, rows
        self.current: dict[tuple[str, str], dict[str, Any] | None] = {}
        # the current sub-graph holds every influence and interaction aimed at its persons
        self._fetched: dict[str, set[str]] = {s: {p.id for p in now.key_persons} for s in _AIMED}
        self._learn(now)

    def _learn(self, ds: Dataset) -> None:
        for section in SECTIONS:
            for rec in getattr(ds, section):
                self.current[(section, record_key(rec))] = rec.model_dump(mode="json")

    def _fetch(self, section: str, ids: set[str]) -> None:
        """Learn the current records of ``section`` with these ids (aimed sections: at
        these key persons) that are not known yet."""
        if section in _AIMED:
            missing = sorted(ids - self._fetched.setdefault(section, set()))
        else:
            missing = sorted(i for i in ids if (section, i) not in self.current)
        if missing:
            self._fetched.setdefault(section, set()).update(missing)
            for rec in self.st.records_by(section, missing):
                self.current[(section, record_key(rec))] = rec.model_dump(mode="json")
        if section not in _AIMED:
            for i in missing:
                self.current.setdefault((section, i), None)

    def version(self, section: str, key: str) -> dict[str, Any] | None:
        """The fields of the record at ``at`` (None: it did not exist)."""
        now = self.current.get((section, key))
        rows = self.rows.get((section, key))
        if not rows:
            return now
        for v in rebuild(section, key, rows, now):
            if v.valid_to > self.at:
                return None if v.data is None else json.loads(v.data)  # type: ignore[no-any-return]
        return now  # pragma: no cover - every row read ends after ``at``

    def _owned_keys(self, section: str) -> list[str]:
        """The keys of ``section`` that belong to the customer now or in a row read
        (the rows of other customers' records read beside them are left out: a record
        that belonged to the customer since ``at`` but does not now has a row naming
        it, the one that moved or deleted it)."""
        if section == "customers":
            return sorted({k for (s, k) in [*self.current, *self.rows] if s == section} & {self.customer})
        keys = {k for (s, k), now in self.current.items() if s == section and now is not None and now["customer"] == self.customer}
        keys.update(
            k for (s, k), rows in self.rows.items()
            if s == section and any(values is not None and values.get("customer") == self.customer for *_x, values in rows)
        )
        self._fetch(section, keys)
        return sorted(keys)

    def moved(self) -> bool:
        """Whether a key person or project of the customer belonged to another customer
        at some time after ``at`` (now included), as far as the rows read show; a
        record whose rows cannot be rebuilt from them counts as moved."""
        for section in ("key_persons", "projects"):
            for key in self._owned_keys(section):
                now = self.current.get((section, key))
                try:
                    versions = rebuild(section, key, self.rows.get((section, key), []), now)
                except ValueError:
                    return True
                seen = [now] + [json.loads(v.data) for v in versions if v.data is not None]
                if any(d is not None and d["customer"] != self.customer for d in seen):
                    return True
        return False

    def graph(self) -> Dataset:
        data: dict[str, list[Any]] = {s: [] for s in SECTIONS}

        def keep(section: str, key: str) -> dict[str, Any] | None:
            v = self.version(section, key)
            if v is not None:
                data[section].append(v)
            return v

        for key in self._owned_keys("customers"):
            keep("customers", key)
        if not data["customers"]:
            return Dataset()
        persons: set[str] = set()
        for section in ("key_persons", "projects"):
            for key in self._owned_keys(section):
                v = self.version(section, key)
                if v is not None and v["customer"] == self.customer:
                    data[section].append(v)
                    if section == "key_persons":
                        persons.add(key)
        sources: set[str] = set()
        for section in _AIMED:
            self._fetch(section, persons)
            keys = {k for (s, k) in self.current if s == section} | {k for (s, k) in self.rows if s == section}
            for key in sorted(keys):
                if json.loads(key)[1] in persons and (v := keep(section, key)) is not None and section == "influences":
                    sources.add(v["source"])
        self._fetch("employees", sources)
        self._fetch("competitor_staff", sources)
        for key in sorted(sources):
            keep("employees", key)
        bidders = {c for j in data["projects"] for c in j.get("competitors", [])}
        for key in sorted(sources):
            if (v := keep("competitor_staff", key)) is not None:
                bidders.add(v["competitor"])
        self._fetch("competitors", bidders)
        for key in sorted(bidders):
            keep("competitors", key)
        from ..dataset import MODELS

        records: dict[str, Any] = {s: [MODELS[s].model_validate(v) for v in data[s]] for s in SECTIONS}
        return Dataset.model_construct(None, **records).sorted()


def _sub_graph(ds: Dataset, customer: str) -> Dataset:
    """One customer's sub-graph of a whole data set (as :meth:`Store.customer_graph`)."""
    from .sqlite import SqliteStore

    mem = SqliteStore("sqlite:///:memory:")
    try:
        mem.import_dataset(ds, replace=True)
        return _current_graph(mem, customer)
    finally:
        mem.close()


def shared_state_at(st: Store, at: str) -> Dataset:
    """Every employee, competitor and competitor staff member as they stood at ``at``
    (what perspectives are checked against), from the current ones and the change sets
    after ``at`` that changed such records."""
    sets = st.changesets()
    if not sets or at < sets[0].time:
        return Dataset()
    now = Dataset.model_construct(
        None, employees=st.employees(), competitors=st.competitors(), competitor_staff=st.competitor_staff()
    )
    if at >= sets[-1].time:
        return now
    if st.has_legacy_history():
        whole = st.state_at(at)
        return Dataset.model_construct(
            None, employees=whole.employees, competitors=whole.competitors, competitor_staff=whole.competitor_staff
        )
    past = _Past(st, "", at, now, group(st.history_blobs("", at)))
    data: dict[str, Any] = {}
    from ..dataset import MODELS

    for section in ("employees", "competitors", "competitor_staff"):
        keys = sorted({k for (s, k) in past.current if s == section} | {k for (s, k) in past.rows if s == section})
        past._fetch(section, set(keys))
        data[section] = [MODELS[section].model_validate(v) for k in keys if (v := past.version(section, k)) is not None]
    return Dataset.model_construct(None, **data).sorted()
