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
import errno
import gc
import io
import json
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pydantic import BaseModel, ValidationError

from .errors import InvalidData, Problem, capped, escaped, shown
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
    trusted,
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
            path += f"[{part}]" if isinstance(part, int) else f".{escaped(str(part), 60)}"
        return f"{self.file}: {path}"

    def sub(self, *prefix: Any) -> "JsonLoc":
        return JsonLoc(self.file, self.section, self.index, self.prefix + prefix)


class CsvLoc:
    """Where a record is in a CSV file: the file and its line; a field path names the column."""

    __slots__ = ("file", "line")

    def __init__(self, file: str, line: int) -> None:
        self.file, self.line = file, line

    def __call__(self, loc: tuple = ()) -> str:
        col = f", column {escaped(str(loc[0]), 60)}" if loc else ""
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


#: largest input read by default (one file, or all CSV files of a folder together): far
#: above any real CRM export, small enough that reading it cannot exhaust memory
DEFAULT_MAX_BYTES = 1 << 30
#: deepest nesting of lists/objects accepted in a JSON or YAML document
MAX_NESTING = 64


def parse_size(text: str, where: str = "--max-bytes") -> int:
    """``"1048576"``, ``"512K"``, ``"200M"`` or ``"2G"`` as a number of bytes."""
    t = str(text).strip().upper().removesuffix("B")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(t[-1:], 1)
    digits = t[:-1] if mult != 1 else t
    if not digits.isdigit() or len(digits) > 15 or int(digits) <= 0:
        from .errors import BadArgument, shown

        raise BadArgument(f"{where}: expected a positive number of bytes (for example 500M or 2G), not {shown(text)}")
    return int(digits) * mult


def max_bytes_default() -> int:
    env = os.environ.get("BRM_MAX_BYTES")
    return parse_size(env, "BRM_MAX_BYTES") if env else DEFAULT_MAX_BYTES


class _ReadRefused(Exception):
    """A file that is not read (not a regular file, too large, unreadable); ``str`` says why."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "cannot read it: a loop of symbolic links"
    if exc.errno == errno.ENOENT:
        return "no such file or folder (or a broken symbolic link)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot read the file (permission denied)"
    return f"cannot read the file ({exc.strerror or exc})"


def _read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes. Opened
    non-blocking, so a FIFO or a device is refused without waiting on it; the size is
    checked before reading, and at most ``limit + 1`` bytes are ever read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _ReadRefused(_os_reason(exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
            raise _ReadRefused(f"is {kind}, not a regular file; only regular files are read")
        if st.st_size > limit:
            raise _ReadRefused(_too_big(st.st_size, limit))
        os.set_blocking(fd, True)
        chunks = []
        left = limit + 1
        while left > 0:
            b = os.read(fd, min(left, 1 << 24))
            if not b:
                break
            chunks.append(b)
            left -= len(b)
        data = b"".join(chunks)
        if len(data) > limit:
            raise _ReadRefused(_too_big(len(data), limit))
        return data
    except OSError as exc:
        raise _ReadRefused(_os_reason(exc)) from None
    finally:
        os.close(fd)


def _too_big(size: int, limit: int) -> str:
    return (
        f"is {size:,} bytes, above the input limit of {limit:,} bytes "
        "(raise it with --max-bytes or the BRM_MAX_BYTES environment variable)"
    )


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line} column {col}"


def _nesting_at(text: str, limit: int) -> int | None:
    """Offset in JSON ``text`` where lists/objects become nested deeper than ``limit``."""
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return m.start()
        elif c in "]}":
            depth -= 1
    return None


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
#: a JSON/YAML escape that can give a lone UTF-16 surrogate
_SURROGATE_ESCAPE = re.compile(r"\\(?:u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_problems(doc: Any, src: str) -> list[Problem]:
    """Every string (or object key) holding a lone UTF-16 surrogate, with its JSON path."""
    out: list[Problem] = []
    stack: list[tuple[Any, str]] = [(doc, "$")]
    while stack and len(out) < 100:
        value, path = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                out.append(Problem(f"{src}: {path}", "text holds a lone UTF-16 surrogate (an invalid \\ud800-\\udfff escape)"))
        elif isinstance(value, dict):
            for k, v in value.items():
                key = str(k)
                if _SURROGATE.search(key):
                    out.append(Problem(f"{src}: {path}.{shown_key(key)}", "the key holds a lone UTF-16 surrogate (an invalid \\ud800-\\udfff escape)"))
                    continue
                stack.append((v, f"{path}.{shown_key(key)}"))
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
    out.reverse()
    return out


def shown_key(key: str) -> str:
    """An object key as shown in a JSON path: escaped and capped."""
    from .errors import escaped

    return escaped(key, 60)


def _yaml_loader() -> type:
    """A safe YAML loader for data files: YAML 1.2-style plain scalars (``010``, ``1:30``,
    ``yes`` and unquoted dates keep their text), no aliases (no "billion laughs"), no tags
    except ``!!str``, nesting at most :data:`MAX_NESTING` levels."""
    import yaml
    from yaml.composer import ComposerError
    from yaml.events import AliasEvent, CollectionStartEvent

    class DataLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, AliasEvent):
                raise ComposerError(None, None, "aliases (*name) are not allowed in data files", event.start_mark)
            tag = getattr(event, "tag", None)
            if tag not in (None, "!", "tag:yaml.org,2002:str"):
                raise ComposerError(None, None, "tags (!!type) are not allowed in data files", event.start_mark)
            nested = isinstance(event, CollectionStartEvent)
            if nested:
                self.depth += 1
                if self.depth > MAX_NESTING:
                    raise ComposerError(None, None, f"nested deeper than {MAX_NESTING} levels", event.start_mark)
            try:
                return super().compose_node(parent, index)
            finally:
                if nested:
                    self.depth -= 1

    DataLoader.yaml_implicit_resolvers = {}
    DataLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    DataLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]{0,99})$"), list("-0123456789"))
    DataLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+|\.(?:inf|Inf|INF|nan|NaN|NAN))$"),
        list("-+0123456789."),
    )
    DataLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
    return DataLoader


_LOADER: list[type] = []


def _load_yaml(text: str, src: str) -> Any:
    import yaml

    if not _LOADER:
        _LOADER.append(_yaml_loader())
    try:
        return yaml.load(text, Loader=_LOADER[0])  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        why = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidData([Problem(src, f"{at}invalid YAML ({capped(why)})")], src) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise InvalidData([Problem(src, f"invalid YAML value ({capped(str(exc))})")], src) from None


def _load_json(text: str, src: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidData(
            [Problem(src, f"line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg})")], src
        ) from None
    except RecursionError:
        at = _nesting_at(text, MAX_NESTING)
        where = f"{_line_col(text, at)}: " if at is not None else ""
        raise InvalidData([Problem(src, f"{where}nested deeper than {MAX_NESTING} levels")], src) from None
    except ValueError as exc:  # an integer beyond Python's int-string limit
        m = re.search(r"[0-9]{1000,}", text)
        where = f"{_line_col(text, m.start())}: " if m else ""
        raise InvalidData([Problem(src, f"{where}a number with {len(m.group()) if m else 'too many'} digits is too long (an id of digits must be quoted)")], src) from None


def read_path(path: Path | str, max_bytes: int | None = None) -> RawDataset:
    """Read a JSON/YAML file or a CSV folder into raw records (no validation yet).

    Only regular files are read (a FIFO, a device or a symbolic link loop is refused
    without blocking), each at most ``max_bytes`` (default :data:`DEFAULT_MAX_BYTES` or
    ``BRM_MAX_BYTES``; a CSV folder counts all its files together), checked before
    reading."""
    p = Path(path)
    src = str(p)
    limit = max_bytes if max_bytes is not None else max_bytes_default()
    try:
        st = os.stat(p)
    except OSError as exc:
        raise InvalidData([Problem(src, _os_reason(exc))], src) from None
    except ValueError:  # an embedded NUL byte
        raise InvalidData([Problem(escaped(src), "not a valid path")], src) from None
    if stat.S_ISDIR(st.st_mode):
        return _read_csv_dir(p, limit)
    try:
        data = _read_regular(p, limit)
    except _ReadRefused as exc:
        raise InvalidData([Problem(src, str(exc))], src) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidData([Problem(src, f"not UTF-8 text (byte {exc.start})")], src) from None
    del data
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        doc = _load_yaml(text, src)
    else:
        doc = _load_json(text, src)
    if _SURROGATE_ESCAPE.search(text):
        bad = _surrogate_problems(doc, src)
        if bad:
            raise InvalidData(bad, src)
    del text
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


def _read_csv_dir(d: Path, limit: int) -> RawDataset:
    src = str(d)
    raw = RawDataset(src)
    try:
        entries = sorted(f for f in d.iterdir() if f.name.lower().endswith(".csv"))
    except OSError as exc:
        raw.problems.append(Problem(src, _os_reason(exc)))
        return raw
    if not entries:
        raw.problems.append(Problem(src, "folder holds no .csv files"))
        return raw
    chains: list[tuple[dict[str, str], Locator]] = []
    projects: dict[str, int] = {}
    left = limit  # the limit holds for all files of the folder together
    for f in entries:
        section = CSV_FILES.get(f.name)
        fsrc = str(f)
        if section is None:
            raw.problems.append(Problem(fsrc, f"unknown CSV file; expected one of {', '.join(sorted(CSV_FILES))}"))
            continue
        try:
            data = _read_regular(f, left)
        except _ReadRefused as exc:
            why = str(exc)
            if why.startswith("is ") and "bytes, above" in why and left != limit:
                why += " (the limit holds for all CSV files of the folder together)"
            raw.problems.append(Problem(fsrc, why))
            continue
        left -= len(data)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raw.problems.append(Problem(fsrc, f"not UTF-8 text (byte {exc.start})"))
            continue
        del data
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raw.problems.append(Problem(f"{fsrc}: line 1", f"invalid CSV ({exc})"))
            continue
        if not header:
            continue
        header = [h.strip() for h in header]
        seen_cols: set[str] = set()
        twice = sorted({h for h in header if h in seen_cols or seen_cols.add(h)})
        if twice:
            raw.problems.append(
                Problem(f"{fsrc}: line 1", f"column {', '.join(shown(h) for h in twice)} appears more than once in the header")
            )
            continue
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
    problems.extend(_too_deep(ds, W, reports))

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


#: deepest reports_to chain accepted (levels, a person without superior being level 1):
#: far above any real organisation, and it bounds the length of an influence path
#: along the hierarchy (path results grow with the square of the depth)
MAX_REPORTS_DEPTH = 1000


def _too_deep(ds: Dataset, W: _Where, reports: dict[str, str | None]) -> list[Problem]:
    """Key persons of the file whose reports_to chain is deeper than
    :data:`MAX_REPORTS_DEPTH`, reported once per chain (where it crosses the limit).
    Linear: every person's level is computed once; cycles are reported elsewhere."""
    index = {p.id: i for i, p in enumerate(ds.key_persons)}
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
            for n in chain:
                level[n] = 0
            continue
        base = level.get(node, 0) if node is not None else 0
        for n in reversed(chain):
            base += 1
            level[n] = base
    out = []
    for p in ds.key_persons:
        lv = level.get(p.id, 0)
        boss = reports.get(p.id)
        if lv > MAX_REPORTS_DEPTH and not (boss in index and level.get(boss, 0) > MAX_REPORTS_DEPTH):  # type: ignore[operator]
            out.append(
                Problem(
                    W[("key_persons", index[p.id])](("reports_to",)),
                    f"the reports_to chain above {shown(p.id)} is more than {MAX_REPORTS_DEPTH:,} levels deep "
                    f"(level {lv:,}); break the chain",
                )
            )
    return out


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


def load_dataset(path: Path | str, existing: IdIndex | None = None, *, max_bytes: int | None = None) -> Dataset:
    """Read and validate a data set; raise :class:`InvalidData` with every problem."""
    raw = read_path(path, max_bytes)
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


def import_path(store: Store, path: Path | str, *, replace: bool = False, max_bytes: int | None = None) -> ImportSummary:
    """Validate ``path`` against the store's content and import it, all or nothing.
    ``max_bytes`` bounds the input read (see :func:`read_path`)."""
    with _gc_paused():
        return _import_path(store, path, replace=replace, max_bytes=max_bytes)


def _import_path(store: Store, path: Path | str, *, replace: bool, max_bytes: int | None) -> ImportSummary:
    raw = read_path(path, max_bytes)
    parsed, problems = parse_records(raw)
    if replace:
        problems += check_references(parsed)
        if problems:
            raise InvalidData(problems, raw.source)
        return store.import_dataset(_normalised(parsed.ds), replace=True)
    if problems:
        # report everything at once: field problems and references against the store
        problems += check_references(parsed, store.id_index())
        raise InvalidData(problems, raw.source)

    def check(existing: IdIndex) -> None:
        # runs inside the store's write transaction
        more = check_references(parsed, existing)
        if more:
            raise InvalidData(more, raw.source)

    return store.import_dataset(_normalised(parsed.ds), replace=False, check=check)


def problems_of(problems: Iterable[Problem]) -> list[str]:
    return [str(p) for p in problems]


# --------------------------------------------------------------------------- merge and patch
#: sections whose records have an id and are merged field by field with the stored record
MERGEABLE: dict[str, type[BaseModel]] = {
    "customers": Customer,
    "key_persons": KeyPerson,
    "employees": Employee,
    "projects": Project,
}
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
            merged.append(trusted(model, values))
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

        report.summary = store.import_dataset(parsed.ds, check=check, merge=merge)
    if not report.created and not report.updated:  # staged bulk load into an empty store: all new
        report.created = {k: n for k, n in parsed.ds.counts().items() if n}
    return report


def _ref_sketch(section: str, data: dict) -> Any:
    """A stand-in record holding only the ids a partial record mentions (for the store to
    look up the right stored ids); never written."""

    def s(key: str) -> str:
        v = data.get(key)
        return str(v).strip() if isinstance(v, (str, int)) and not isinstance(v, bool) else ""

    if section == "key_persons":
        return KeyPerson.model_construct(id=s("id"), customer=s("customer"), reports_to=s("reports_to") or None)
    if section == "projects":
        chain = data.get("decision_chain")
        members = [
            ChainMember.model_construct(person=str(m.get("person", "")), role="")
            for m in (chain if isinstance(chain, list) else [])
            if isinstance(m, dict)
        ]
        comps = data.get("competitors")
        comps = comps if isinstance(comps, list) else [c for c in str(comps or "").replace(";", ",").split(",") if c.strip()]
        return Project.model_construct(id=s("id"), customer=s("customer"), decision_chain=members, competitors=[str(c).strip() for c in comps])
    if section == "influences":
        return Influence.model_construct(source=s("source"), target=s("target"))
    if section == "interactions":
        return Interaction.model_construct(employee=s("employee"), person=s("person"))
    return MODELS[section].model_construct(id=s("id"))


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
            **{k: [_ref_sketch(k, r) for r in given.get(k, [])] for k in Dataset.SECTIONS}
        )
        report = ImportReport(ImportSummary(counts={}))

        def unknown_ids(existing: IdIndex) -> list[Problem]:
            out = []
            for section in MERGEABLE:
                for i, rec in enumerate(given.get(section, [])):
                    rid = _record_id(rec)
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
                    old = stored[section][_record_id(rec)]
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

        report.summary = store.import_dataset(sketch, check=check, merge=merge)
    return report
