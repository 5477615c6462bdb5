"""Validating raw records: every field and cross-record rule (docs/spec.md §3.3), every
problem at once with its place."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, shown
from ..model import (
    Dataset,
)
from ..store.base import IdIndex
from .reading import (
    KIND_OF,
    MODELS,
    Locator,
    RawDataset,
    _short,
)


def _pydantic_problems(
    exc: ValidationError, where: Locator, chain_where: Callable[[int], Locator] | None, model: Any = None
) -> list[Problem]:
    out = []
    enums = getattr(model, "_enum_fields", {}) if model is not None else {}
    for err in exc.errors():
        loc = tuple(err["loc"])
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if err["type"] == "enum" and loc and loc[-1] in enums:
            msg = enums[loc[-1]].unknown_message(err.get("input"))
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = f"unknown field {shown(loc[-1])}"
        elif err["type"] in ("too_long", "string_too_long"):
            ctx = err.get("ctx") or {}
            n = ctx.get("actual_length") or (len(err["input"]) if isinstance(err.get("input"), str) else None)
            msg = f"too long ({n:,} characters); at most {ctx.get('max_length'):,} are allowed" if n else msg
        elif err["type"] == "finite_number":
            msg = "must be a finite number (not NaN or Infinity)"
        if chain_where is not None and len(loc) >= 2 and loc[0] == "decision_chain" and isinstance(loc[1], int):
            out.append(Problem(chain_where(loc[1])(loc[2:]), msg))
        else:
            out.append(Problem(where(loc), msg))
    return out


class _Where:
    """``W[(section, k)]``: where the k-th VALID record of a section came from."""

    def __init__(self, raw: RawDataset, orig: dict[str, list[int] | None]) -> None:
        self.raw, self.orig = raw, orig

    def __getitem__(self, key: tuple[str, int]) -> Locator:
        section, k = key
        orig = self.orig.get(section)
        return self.raw.loc(section, k if orig is None else orig[k])


@dataclass
class Parsed:
    """A parsed data set with the location of each record, for cross-record checks."""

    ds: Dataset
    raw: RawDataset
    #: per section, the file index of each valid record (None: all records were valid)
    orig: dict[str, list[int] | None]
    #: records that failed field validation: (section, id, where, raw data) — their ids
    #: still count, so one bad field does not cascade into "missing id" reports
    failed: list[tuple[str, str, Locator, dict]] = field(default_factory=list)
    #: (section, id, file index) of every record with an id, valid or not, in file order
    ids_in_order: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def where(self) -> _Where:
        return _Where(self.raw, self.orig)

    def chain_where(self, project: int, member: int) -> Locator:
        orig = self.orig.get("projects")
        return self.raw.chain_loc(project if orig is None else orig[project], member)


_ADAPTERS: dict[str, Any] = {}


def _adapter(section: str) -> Any:
    from pydantic import TypeAdapter

    if section not in _ADAPTERS:
        # the record class is looked up at run time, which a static type cannot express
        _ADAPTERS[section] = TypeAdapter(list[MODELS[section]])  # type: ignore[valid-type]
    return _ADAPTERS[section]


def _record_id(data: dict) -> str | None:
    rid = data.get("id")
    if rid.__class__ is str:  # (the common case first)
        return rid.strip() or None
    if isinstance(rid, (str, int)) and not isinstance(rid, bool) and str(rid).strip():
        return str(rid).strip()
    return None


#: records validated per call of pydantic (bounds the memory of a section in flight)
CHUNK = 20_000


def parse_records(raw: RawDataset) -> tuple[Parsed, list[Problem]]:
    """Field validation of every record (pydantic), keeping where each valid one came from.
    Each section's raw records are released once validated, so a large file is not held
    twice in memory."""
    problems = list(raw.problems)
    lists: dict[str, list[Any]] = {k: [] for k in MODELS}
    orig: dict[str, list[int] | None] = {}
    failed: list[tuple[str, str, Locator, dict]] = []
    ids_in_order: list[tuple[str, str, int]] = []
    for section, items in raw.sections.items():
        good: list[int] = []
        for i, data in enumerate(items):
            if not isinstance(data, dict):
                problems.append(Problem(raw.loc(section, i)(), "must be an object (a record with fields)"))
                continue
            good.append(i)
            if section in KIND_OF:
                rid = _record_id(data)
                if rid is not None:
                    ids_in_order.append((section, rid, i))
        out = lists[section]
        kept: list[int] = []
        for start in range(0, len(good), CHUNK):
            chunk = good[start : start + CHUNK]
            try:
                out.extend(_adapter(section).validate_python([items[i] for i in chunk]))
                kept.extend(chunk)
            except ValidationError:
                for i in chunk:
                    try:
                        out.append(MODELS[section].model_validate(items[i]))
                        kept.append(i)
                    except ValidationError as exc:
                        chain = (lambda m, _i=i: raw.chain_loc(_i, m)) if section == "projects" else None
                        problems.extend(_pydantic_problems(exc, raw.loc(section, i), chain, MODELS[section]))
                        rid = _record_id(items[i])
                        if rid is not None:
                            failed.append((section, rid, raw.loc(section, i), items[i]))
        orig[section] = None if len(kept) == len(items) else kept
        raw.sections[section] = []  # release the raw records of this section
    ds = Dataset.model_construct(None, **lists)
    return Parsed(ds, raw, orig, failed, ids_in_order), problems


def check_references(parsed: Parsed, existing: IdIndex | None = None) -> list[Problem]:
    """Cross-record rules of docs/spec.md §3, on the file together with ``existing`` (the store's ids;
    records of the file replace stored records of the same id)."""
    ds = parsed.ds
    W = parsed.where
    problems: list[Problem] = []
    existing = existing or IdIndex()

    # ids: unique across the whole data set, never shared between kinds (file order)
    kind_of: dict[str, str] = {}
    #: ids defined more than once, with every kind they were given (rare)
    dup_kinds: dict[str, set[str]] = {}
    first_at: dict[str, tuple[str, int]] = {}
    for section, rid, index in parsed.ids_in_order:
        kind_here = KIND_OF[section]
        if rid in kind_of:
            dup_kinds.setdefault(rid, {kind_of[rid]}).add(kind_here)
            first = parsed.raw.loc(*first_at[rid])(("id",))
            problems.append(
                Problem(
                    parsed.raw.loc(section, index)(("id",)),
                    f"duplicate id {rid!r} (already used by {_a(kind_of[rid])} at {_short(first)})",
                )
            )
            continue
        kind_of[rid] = kind_here
        first_at[rid] = (section, index)
        stored = existing.kind.get(rid)
        if stored is not None and stored != kind_here:
            problems.append(Problem(parsed.raw.loc(section, index)(("id",)), f"id {rid!r} is already {_a(stored)} in the store"))

    def kind(i: str) -> str | None:
        return kind_of.get(i) or existing.kind.get(i)

    def has(i: str, wanted: str) -> bool:
        k = kind_of.get(i)
        if k is None:
            return existing.kind.get(i) == wanted
        return k == wanted or (i in dup_kinds and wanted in dup_kinds[i])

    # key persons: customer, reports_to (same customer, no self-loop, no cycle)
    kp_customer = dict(existing.person_customer)
    reports = dict(existing.reports_to)
    for section, rid, _w, _data in parsed.failed:
        if section == "key_persons":
            kp_customer.pop(rid, None)  # unknown now: skip customer comparisons for it
            reports.pop(rid, None)
    for p in ds.key_persons:
        kp_customer[p.id] = p.customer
        reports[p.id] = p.reports_to
    # (fast paths: an id of the file of the wanted kind needs no call of has())
    for p in ds.key_persons:
        if kind_of.get(p.customer) != "customer" and not has(p.customer, "customer"):
            kp_customer.pop(p.id, None)  # its customer is unknown: no cross-customer checks on it
    stored_customer = existing.person_customer
    for i, p in enumerate(ds.key_persons):
        moved_from = stored_customer.get(p.id) if stored_customer else None
        if moved_from is not None and moved_from != p.customer:
            problems.append(
                Problem(
                    W[("key_persons", i)](("customer",)),
                    f"{p.id} belongs to customer {moved_from} in the store; moving a key person to another "
                    "customer is only possible by replacing the whole store",
                )
            )
        if kind_of.get(p.customer) != "customer" and not has(p.customer, "customer"):
            problems.append(Problem(W[("key_persons", i)](("customer",)), _missing(p.customer, "customer", kind(p.customer))))
        if p.reports_to is not None:
            if p.reports_to == p.id:
                problems.append(Problem(W[("key_persons", i)](("reports_to",)), f"{p.id} reports to itself (self-loop)"))
            elif kind_of.get(p.reports_to) != "key person" and not has(p.reports_to, "key person"):
                problems.append(Problem(W[("key_persons", i)](("reports_to",)), _missing(p.reports_to, "key person", kind(p.reports_to))))
            elif p.id in kp_customer and p.reports_to in kp_customer and kp_customer[p.reports_to] != p.customer:
                problems.append(
                    Problem(
                        W[("key_persons", i)](("reports_to",)),
                        f"{p.id} (customer {p.customer}) reports to {p.reports_to} of another customer ({kp_customer.get(p.reports_to)})",
                    )
                )
    level, cyclic = _levels(ds, reports)
    if cyclic:  # (no walk met a cycle: _cycles would find none)
        problems.extend(_cycles(ds, W, reports))
    problems.extend(_too_deep(ds, W, reports, level))

    for i, s in enumerate(ds.competitor_staff):
        if not has(s.competitor, "competitor"):
            problems.append(Problem(W[("competitor_staff", i)](("competitor",)), _missing(s.competitor, "competitor", kind(s.competitor))))

    seen_pairs: dict[tuple[str, str], int] = {}
    source_kinds = ("key person", "employee", "competitor staff member")
    for i, inf in enumerate(ds.influences):
        bad = False
        if inf.source == inf.target:
            problems.append(Problem(W[("influences", i)](), f"{inf.source} influences itself (self-loop)"))
            continue
        # fast paths first (the ids of the file, of the wanted kind): has() only when not
        sk = kind(inf.source)
        if sk not in source_kinds and not any(has(inf.source, k) for k in source_kinds):
            problems.append(Problem(W[("influences", i)](("source",)), _missing(inf.source, "key person, employee or competitor staff member", sk)))
            bad = True
        if kind_of.get(inf.target) != "key person" and not has(inf.target, "key person"):
            problems.append(Problem(W[("influences", i)](("target",)), _missing(inf.target, "key person", kind(inf.target))))
            bad = True
        if (
            not bad
            and sk == "key person"
            and inf.source in kp_customer
            and inf.target in kp_customer
            and kp_customer[inf.source] != kp_customer[inf.target]
        ):
            problems.append(
                Problem(
                    W[("influences", i)](),
                    f"internal influence crosses customers: {inf.source} ({kp_customer.get(inf.source)}) → {inf.target} ({kp_customer.get(inf.target)})",
                )
            )
        pair = (inf.source, inf.target)
        if pair in seen_pairs:
            problems.append(
                Problem(W[("influences", i)](), f"duplicate influence {inf.source} → {inf.target} (first at {_short(W[('influences', seen_pairs[pair])]())})")
            )
        else:
            seen_pairs[pair] = i

    for i, j in enumerate(ds.projects):
        customer_ok = has(j.customer, "customer")
        if not customer_ok:
            problems.append(Problem(W[("projects", i)](("customer",)), _missing(j.customer, "customer", kind(j.customer))))
        members: set[str] = set()
        for m, member in enumerate(j.decision_chain):
            if member.person in members:
                problems.append(Problem(parsed.chain_where(i, m)(("person",)), f"{member.person} is twice in the decision chain of {j.id}"))
            members.add(member.person)
            if not has(member.person, "key person"):
                problems.append(Problem(parsed.chain_where(i, m)(("person",)), _missing(member.person, "key person", kind(member.person))))
            elif customer_ok and member.person in kp_customer and kp_customer[member.person] != j.customer:
                problems.append(
                    Problem(
                        parsed.chain_where(i, m)(("person",)),
                        f"decision-chain member {member.person} belongs to customer {kp_customer.get(member.person)}, not {j.customer}",
                    )
                )
        for c, k in enumerate(j.competitors):
            if not has(k, "competitor"):
                problems.append(Problem(W[("projects", i)](("competitors", c)), _missing(k, "competitor", kind(k))))

    for i, x in enumerate(ds.interactions):
        if kind_of.get(x.employee) != "employee" and not has(x.employee, "employee"):
            problems.append(Problem(W[("interactions", i)](("employee",)), _missing(x.employee, "employee", kind(x.employee))))
        if kind_of.get(x.person) != "key person" and not has(x.person, "key person"):
            problems.append(Problem(W[("interactions", i)](("person",)), _missing(x.person, "key person", kind(x.person))))
    return problems


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _missing(ref: str, wanted: str, actual: str | None) -> str:
    if actual is None:
        return f"reference to a missing id {ref!r} (expected {_a(wanted)})"
    return f"{ref!r} is {_a(actual)}, expected {_a(wanted)}"


def _cycles(ds: Dataset, W: _Where, reports: dict[str, str | None]) -> list[Problem]:
    """Every reports_to cycle touching a key person of the file, reported once."""
    problems = []
    index: dict[str, int] = {}  # file index of each key person, made at the first cycle
    state: dict[str, int] = {}  # 1 = on current walk, 2 = done
    for start in ds.key_persons:
        if state.get(start.id):
            continue
        walk: list[str] = []
        node: str | None = start.id
        while node is not None and node in reports and not state.get(node):
            state[node] = 1
            walk.append(node)
            nxt = reports.get(node)
            node = nxt if nxt != node else None  # self-loops are reported separately
        if node is not None and state.get(node) == 1:
            cycle = walk[walk.index(node) :]
            index = index or {p.id: i for i, p in enumerate(ds.key_persons)}
            anchor = min((n for n in cycle if n in index), key=lambda n: index[n], default=None)
            if anchor is not None:
                w = W[("key_persons", index[anchor])]
                rot = cycle.index(anchor)
                ring = cycle[rot:] + cycle[:rot] + [anchor]
                problems.append(Problem(w(("reports_to",)), f"reports_to cycle: {' → '.join(ring)}"))
        for n in walk:
            state[n] = 2
    return problems


#: deepest reports_to chain accepted (levels, a person without superior being level 1):
#: far above any real organisation, and it bounds the length of an influence path
#: along the hierarchy (path results grow with the square of the depth)
MAX_REPORTS_DEPTH = 1000


def _levels(ds: Dataset, reports: dict[str, str | None]) -> tuple[dict[str, int], bool]:
    """The level of every key person on a reports_to chain from the file (0 on a chain
    into a cycle), and whether any walk met a cycle. Linear: each person once."""
    cyclic = False
    level: dict[str, int] = {}
    for p in ds.key_persons:
        if p.id in level:
            continue
        chain: list[str] = []
        on_chain: set[str] = set()
        node: str | None = p.id
        while node is not None and node not in level and node in reports and node not in on_chain:
            on_chain.add(node)
            chain.append(node)
            nxt = reports.get(node)
            node = nxt if nxt != node else None
        if node is not None and node in on_chain:  # a cycle: no level for this chain
            cyclic = True
            for n in chain:
                level[n] = 0
            continue
        base = level.get(node, 0) if node is not None else 0
        for n in reversed(chain):
            base += 1
            level[n] = base
    return level, cyclic


def _too_deep(ds: Dataset, W: _Where, reports: dict[str, str | None], level: dict[str, int]) -> list[Problem]:
    """Key persons of the file whose reports_to chain is deeper than
    :data:`MAX_REPORTS_DEPTH` (``level``: :func:`_levels`), reported once per chain
    (where it crosses the limit); cycles are reported elsewhere."""
    out: list[Problem] = []
    if max(level.values(), default=0) <= MAX_REPORTS_DEPTH:
        return out
    index = {p.id: i for i, p in enumerate(ds.key_persons)}
    for p in ds.key_persons:
        lv = level.get(p.id, 0)
        boss = reports.get(p.id)
        if lv > MAX_REPORTS_DEPTH and not (boss in index and level.get(boss, 0) > MAX_REPORTS_DEPTH):
            out.append(
                Problem(
                    W[("key_persons", index[p.id])](("reports_to",)),
                    f"the reports_to chain above {shown(p.id)} is more than {MAX_REPORTS_DEPTH:,} levels deep "
                    f"(level {lv:,}); break the chain",
                )
            )
    return out


def _normalised(ds: Dataset) -> Dataset:
    # de-duplicate identical interactions (they are identified by all their fields)
    inter = ds.interactions
    keys = [*zip(*(map(attrgetter(f), inter) for f in ("employee", "person", "date", "kind")))]
    if len(set(keys)) != len(keys):  # (rare: a loop only then)
        seen: set[tuple] = set()
        inter = []
        for key, x in zip(keys, ds.interactions):
            if key not in seen:
                seen.add(key)
                inter.append(x)
    data = {k: getattr(ds, k) for k in Dataset.SECTIONS}
    data["interactions"] = inter
    return Dataset.model_construct(**data)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while millions of small acyclic objects
    (raw records, models) are made: otherwise every few thousand allocations trigger a
    collection that walks all of them (measured: validation 2.2x slower at scale L)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
