"""Reading and validating data sets (SPEC §3).

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

import csv
import gc
import io
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pydantic import BaseModel, ValidationError

from .errors import BadArgument, InvalidData, Problem
from .model import (
    ChainMember,
    Competitor,
    CompetitorStaff,
    Customer,
    Dataset,
    Employee,
    Influence,
    Interaction,
    KeyPerson,
    Project,
)
from .store.base import IdIndex, ImportSummary, Store

MODELS: dict[str, type[BaseModel]] = {
    "customers": Customer,
    "key_persons": KeyPerson,
    "employees": Employee,
    "competitors": Competitor,
    "competitor_staff": CompetitorStaff,
    "influences": Influence,
    "projects": Project,
    "interactions": Interaction,
}

#: the kind of record an id section holds (for messages)
KIND_OF = {
    "customers": "customer",
    "key_persons": "key person",
    "employees": "employee",
    "competitors": "competitor",
    "competitor_staff": "competitor staff member",
    "projects": "project",
}

Locator = Callable[[tuple], str]


def input_schema() -> dict[str, Any]:
    """JSON Schema of the input format (``brmgraph schema``)."""
    schema = Dataset.model_json_schema()
    schema["title"] = "brmgraph data set"
    schema["description"] = (
        "One data set (SPEC §3). Stance, tri and strength values accept the English key or "
        "the Chinese label (强支持 支持 中立 反对 强反对 未知; 是 否 未知; 强 中 弱)."
    )
    return schema


# --------------------------------------------------------------------------- reading
class JsonLoc:
    """Where a record is in a JSON/YAML file; called with a field path, gives the text."""

    __slots__ = ("file", "section", "index", "prefix")

    def __init__(self, file: str, section: str, index: int, prefix: tuple = ()) -> None:
        self.file, self.section, self.index, self.prefix = file, section, index, prefix

    def __call__(self, loc: tuple = ()) -> str:
        path = f"$.{self.section}[{self.index}]"
        for part in self.prefix + tuple(loc):
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        return f"{self.file}: {path}"

    def sub(self, *prefix: Any) -> "JsonLoc":
        return JsonLoc(self.file, self.section, self.index, self.prefix + prefix)


class CsvLoc:
    """Where a record is in a CSV file: the file and its line; a field path names the column."""

    __slots__ = ("file", "line")

    def __init__(self, file: str, line: int) -> None:
        self.file, self.line = file, line

    def __call__(self, loc: tuple = ()) -> str:
        col = f", column {loc[0]}" if loc else ""
        return f"{self.file}: line {self.line}{col}"


def _short(where: str) -> str:
    """A location without its file name (for "first at ..." in messages)."""
    return where.split(": ", 1)[-1]


@dataclass
class RawDataset:
    """Raw records per section, in file order. Locations are made only when a message
    needs one: for JSON/YAML from (section, index); for CSV from the stored lines."""

    source: str
    sections: dict[str, list[Any]] = field(default_factory=dict)
    #: CSV only: the location of each record of a section
    locs: dict[str, list[Locator]] = field(default_factory=dict)
    #: CSV only: where each decision-chain member came from, by (project index, member index)
    chain_locs: dict[tuple[int, int], Locator] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def loc(self, section: str, index: int) -> Locator:
        locs = self.locs.get(section)
        return locs[index] if locs is not None else JsonLoc(self.source, section, index)

    def chain_loc(self, project_index: int, member: int) -> Locator:
        loc = self.chain_locs.get((project_index, member))
        if loc is not None:
            return loc
        base = self.loc("projects", project_index)
        return base.sub("decision_chain", member) if isinstance(base, JsonLoc) else base


def read_path(path: Path | str) -> RawDataset:
    """Read a JSON/YAML file or a CSV folder into raw records (no validation yet)."""
    p = Path(path)
    src = str(p)
    if not p.exists():
        raise InvalidData([Problem(src, "no such file or folder")], src)
    if p.is_dir():
        return _read_csv_dir(p)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except PermissionError:
        raise InvalidData([Problem(src, "cannot read the file (permission denied)")], src) from None
    except UnicodeDecodeError as exc:
        raise InvalidData([Problem(src, f"not UTF-8 text (byte {exc.start})")], src) from None
    except OSError as exc:
        raise InvalidData([Problem(src, f"cannot read the file ({exc.strerror or exc})")], src) from None
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
            why = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise InvalidData([Problem(src, f"{at}invalid YAML ({why})")], src) from None
    else:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidData(
                [Problem(src, f"line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})")], src
            ) from None
    return parse_document(doc, src)


def parse_document(doc: Any, src: str) -> RawDataset:
    raw = RawDataset(src)
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raw.problems.append(Problem(f"{src}: $", f"the top level must be an object with keys {', '.join(MODELS)}"))
        return raw
    for key, value in doc.items():
        if key not in MODELS:
            raw.problems.append(Problem(f"{src}: $.{key}", f"unknown section {key!r}; expected one of {', '.join(MODELS)}"))
            continue
        if value is None:
            continue
        if not isinstance(value, list):
            raw.problems.append(Problem(f"{src}: $.{key}", "must be a list of records"))
            continue
        raw.sections.setdefault(key, []).extend(value)
    return raw


CSV_FILES = {f"{k}.csv": k for k in MODELS} | {"decision_chain.csv": "decision_chain"}


def _read_csv_dir(d: Path) -> RawDataset:
    src = str(d)
    raw = RawDataset(src)
    files = sorted(f for f in d.iterdir() if f.is_file() and f.suffix.lower() == ".csv")
    if not files:
        raw.problems.append(Problem(src, "folder holds no .csv files"))
        return raw
    chains: list[tuple[dict[str, str], Locator]] = []
    projects: dict[str, int] = {}
    for f in files:
        section = CSV_FILES.get(f.name)
        fsrc = str(f)
        if section is None:
            raw.problems.append(Problem(fsrc, f"unknown CSV file; expected one of {', '.join(sorted(CSV_FILES))}"))
            continue
        try:
            text = f.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raw.problems.append(Problem(fsrc, f"not UTF-8 text (byte {exc.start})"))
            continue
        except OSError as exc:
            raw.problems.append(Problem(fsrc, f"cannot read the file ({exc.strerror or exc})"))
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raw.problems.append(Problem(f"{fsrc}: line 1", f"invalid CSV ({exc})"))
            continue
        if not header:
            continue
        header = [h.strip() for h in header]
        try:
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue

                where = CsvLoc(fsrc, line)
                if len(row) != len(header):
                    raw.problems.append(Problem(where(), f"has {len(row)} cells but the header has {len(header)}"))
                    continue
                rec: dict[str, Any] = {h: cell for h, cell in zip(header, row) if cell.strip() != ""}
                if section == "decision_chain":
                    chains.append((rec, where))
                    continue
                if section == "customers" and "attrs" in rec:
                    try:
                        rec["attrs"] = json.loads(rec["attrs"])
                    except json.JSONDecodeError:
                        raw.problems.append(Problem(where(("attrs",)), "attrs must be a JSON object"))
                        continue
                items = raw.sections.setdefault(section, [])
                if section == "projects" and isinstance(rec.get("id"), str):
                    projects.setdefault(rec["id"].strip(), len(items))
                items.append(rec)
                raw.locs.setdefault(section, []).append(where)
        except csv.Error as exc:
            raw.problems.append(Problem(f"{fsrc}: line {reader.line_num}", f"invalid CSV ({exc})"))
    for rec, where in chains:
        pid = str(rec.get("project", "")).strip()
        if not pid:
            raw.problems.append(Problem(where(("project",)), "decision-chain row without a project"))
            continue
        index = projects.get(pid)
        if index is None:
            raw.problems.append(Problem(where(("project",)), f"project {pid!r} is not in projects.csv"))
            continue
        member = {k: v for k, v in rec.items() if k != "project"}
        chain = raw.sections["projects"][index].setdefault("decision_chain", [])
        raw.chain_locs[(index, len(chain))] = where  # where each member came from, for messages
        chain.append(member)
    return raw


# --------------------------------------------------------------------------- validation
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
            msg = f"unknown field {loc[-1]!r}"
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
        _ADAPTERS[section] = TypeAdapter(list[MODELS[section]])  # type: ignore[valid-type]
    return _ADAPTERS[section]


def _record_id(data: dict) -> str | None:
    rid = data.get("id")
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
    ds = Dataset.model_construct(**lists)
    return Parsed(ds, raw, orig, failed, ids_in_order), problems


def check_references(parsed: Parsed, existing: IdIndex | None = None) -> list[Problem]:
    """Cross-record rules of SPEC §3, on the file together with ``existing`` (the store's ids;
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
    for section, rid, _w, data in parsed.failed:
        if section == "key_persons":
            kp_customer.pop(rid, None)  # unknown now: skip customer comparisons for it
            reports.pop(rid, None)
    for p in ds.key_persons:
        kp_customer[p.id] = p.customer
        reports[p.id] = p.reports_to
    for p in ds.key_persons:
        if not has(p.customer, "customer"):
            kp_customer.pop(p.id, None)  # its customer is unknown: no cross-customer checks on it
    for i, p in enumerate(ds.key_persons):
        w = W[("key_persons", i)]
        moved_from = existing.person_customer.get(p.id)
        if moved_from is not None and moved_from != p.customer:
            problems.append(
                Problem(
                    w(("customer",)),
                    f"{p.id} belongs to customer {moved_from} in the store; moving a key person to another "
                    "customer is only possible with --replace",
                )
            )
        if not has(p.customer, "customer"):
            problems.append(Problem(w(("customer",)), _missing(p.customer, "customer", kind(p.customer))))
        if p.reports_to is not None:
            if p.reports_to == p.id:
                problems.append(Problem(w(("reports_to",)), f"{p.id} reports to itself (self-loop)"))
            elif not has(p.reports_to, "key person"):
                problems.append(Problem(w(("reports_to",)), _missing(p.reports_to, "key person", kind(p.reports_to))))
            elif p.id in kp_customer and p.reports_to in kp_customer and kp_customer[p.reports_to] != p.customer:
                problems.append(
                    Problem(
                        w(("reports_to",)),
                        f"{p.id} (customer {p.customer}) reports to {p.reports_to} of another customer ({kp_customer.get(p.reports_to)})",
                    )
                )
    problems.extend(_cycles(ds, W, reports))

    for i, s in enumerate(ds.competitor_staff):
        if not has(s.competitor, "competitor"):
            problems.append(Problem(W[("competitor_staff", i)](("competitor",)), _missing(s.competitor, "competitor", kind(s.competitor))))

    seen_pairs: dict[tuple[str, str], int] = {}
    for i, inf in enumerate(ds.influences):
        w = W[("influences", i)]
        sk, tk = kind(inf.source), kind(inf.target)
        bad = False
        if inf.source == inf.target:
            problems.append(Problem(w(), f"{inf.source} influences itself (self-loop)"))
            continue
        if not any(has(inf.source, k) for k in ("key person", "employee", "competitor staff member")):
            problems.append(Problem(w(("source",)), _missing(inf.source, "key person, employee or competitor staff member", sk)))
            bad = True
        if not has(inf.target, "key person"):
            problems.append(Problem(w(("target",)), _missing(inf.target, "key person", tk)))
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
                    w(),
                    f"internal influence crosses customers: {inf.source} ({kp_customer.get(inf.source)}) → {inf.target} ({kp_customer.get(inf.target)})",
                )
            )
        pair = (inf.source, inf.target)
        if pair in seen_pairs:
            problems.append(
                Problem(w(), f"duplicate influence {inf.source} → {inf.target} (first at {_short(W[('influences', seen_pairs[pair])]())})")
            )
        else:
            seen_pairs[pair] = i

    for i, j in enumerate(ds.projects):
        w = W[("projects", i)]
        customer_ok = has(j.customer, "customer")
        if not customer_ok:
            problems.append(Problem(w(("customer",)), _missing(j.customer, "customer", kind(j.customer))))
        members: set[str] = set()
        for m, member in enumerate(j.decision_chain):
            mw = parsed.chain_where(i, m)
            if member.person in members:
                problems.append(Problem(mw(("person",)), f"{member.person} is twice in the decision chain of {j.id}"))
            members.add(member.person)
            if not has(member.person, "key person"):
                problems.append(Problem(mw(("person",)), _missing(member.person, "key person", kind(member.person))))
            elif customer_ok and member.person in kp_customer and kp_customer[member.person] != j.customer:
                problems.append(
                    Problem(
                        mw(("person",)),
                        f"decision-chain member {member.person} belongs to customer {kp_customer.get(member.person)}, not {j.customer}",
                    )
                )
        for c, k in enumerate(j.competitors):
            if not has(k, "competitor"):
                problems.append(Problem(w(("competitors", c)), _missing(k, "competitor", kind(k))))

    for i, x in enumerate(ds.interactions):
        w = W[("interactions", i)]
        if not has(x.employee, "employee"):
            problems.append(Problem(w(("employee",)), _missing(x.employee, "employee", kind(x.employee))))
        if not has(x.person, "key person"):
            problems.append(Problem(w(("person",)), _missing(x.person, "key person", kind(x.person))))
    return problems


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _missing(ref: str, wanted: str, actual: str | None) -> str:
    if actual is None:
        return f"reference to a missing id {ref!r} (expected {_a(wanted)})"
    return f"{ref!r} is {_a(actual)}, expected {_a(wanted)}"


def _cycles(ds: Dataset, W: dict[tuple[str, int], Locator], reports: dict[str, str | None]) -> list[Problem]:
    """Every reports_to cycle touching a key person of the file, reported once."""
    problems = []
    index = {p.id: i for i, p in enumerate(ds.key_persons)}
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
            anchor = min((n for n in cycle if n in index), key=lambda n: index[n], default=None)
            if anchor is not None:
                w = W[("key_persons", index[anchor])]
                rot = cycle.index(anchor)
                ring = cycle[rot:] + cycle[:rot] + [anchor]
                problems.append(Problem(w(("reports_to",)), f"reports_to cycle: {' → '.join(ring)}"))
        for n in walk:
            state[n] = 2
    return problems


def parse_dataset(doc: Any, source: str = "<data>") -> tuple[Dataset, list[Problem]]:
    """Parse a document already loaded from JSON/YAML; return it and every problem
    that does not depend on the store."""
    parsed, problems = parse_records(parse_document(doc, source))
    problems += check_references(parsed)
    return _normalised(parsed.ds), problems


def _normalised(ds: Dataset) -> Dataset:
    # de-duplicate identical interactions (they are identified by all their fields)
    seen: set[tuple] = set()
    inter = []
    for x in ds.interactions:
        key = (x.employee, x.person, x.date, x.kind)
        if key not in seen:
            seen.add(key)
            inter.append(x)
    data = {k: getattr(ds, k) for k in Dataset.SECTIONS}
    data["interactions"] = inter
    return Dataset.model_construct(**data)


def load_dataset(path: Path | str, existing: IdIndex | None = None) -> Dataset:
    """Read and validate a data set; raise :class:`InvalidData` with every problem."""
    raw = read_path(path)
    parsed, problems = parse_records(raw)
    problems += check_references(parsed, existing)
    if problems:
        raise InvalidData(problems, raw.source)
    return _normalised(parsed.ds)


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


def import_path(
    store: Store, path: Path | str, *, replace: bool = False, allow_empty: bool = False, effective: str | None = None
) -> ImportSummary:
    """Validate ``path`` against the store's content and import it, all or nothing.

    A replace by a data set without records is refused (:class:`BadArgument`, the store
    unchanged) unless ``allow_empty``: an empty file is far more often a failed export
    than a wish to empty the store. ``effective`` (a date or ISO time, see
    :mod:`brmgraph.store.history`) stamps the import's change set."""
    with _gc_paused():
        return _import_path(store, path, replace=replace, allow_empty=allow_empty, effective=effective)


def _import_path(store: Store, path: Path | str, *, replace: bool, allow_empty: bool, effective: str | None) -> ImportSummary:
    raw = read_path(path)
    parsed, problems = parse_records(raw)
    source = str(path)
    if replace:
        problems += check_references(parsed)
        if problems:
            raise InvalidData(problems, raw.source)
        if parsed.ds.record_count() == 0 and not allow_empty:
            raise BadArgument(
                f"{raw.source} holds no records; refusing to replace the store {store.url} with nothing "
                "(give --allow-empty to empty it on purpose)"
            )
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

    return store.import_dataset(_normalised(parsed.ds), replace=False, check=check, source=source, effective=effective)


def problems_of(problems: Iterable[Problem]) -> list[str]:
    return [str(p) for p in problems]
