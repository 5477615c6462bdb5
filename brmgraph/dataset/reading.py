"""Reading data-set files: JSON, YAML and CSV folders, safely (regular files only, size and
nesting limits, no YAML aliases or silent conversions) into raw records with their places."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import InvalidData, Problem, capped, escaped, shown
from ..model import MODELS
from ..schema import KINDS

#: the kind of record an id section holds (for messages)
KIND_OF = {s: k.noun for s, k in KINDS.items() if k.key == ("id",)}


class Locator(Protocol):
    """Where a record came from: called with a field path (or nothing), gives the text."""

    def __call__(self, loc: tuple = ..., /) -> str: ...


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

    def sub(self, *prefix: Any) -> JsonLoc:
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


def parse_size(text: str, where: str = "") -> int:
    """``"1048576"``, ``"512K"``, ``"200M"`` or ``"2G"`` as a number of bytes."""
    t = str(text).strip().upper().removesuffix("B")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(t[-1:], 1)
    digits = t[:-1] if mult != 1 else t
    if not digits.isdigit() or len(digits) > 15 or int(digits) <= 0:
        from ..errors import BadArgument, shown

        raise BadArgument(f"{where}{': ' if where else ''}expected a positive number of bytes (for example 500M or 2G), not {shown(text)}")
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
    from ..errors import escaped

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
                # the stubs type an event's mark as the C or the Python Mark, but the error only as the latter
                raise ComposerError(
                    None, None, "aliases (*name) are not allowed in data files", event.start_mark  # type: ignore[arg-type]
                )
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
    except ValueError:  # an integer beyond Python's int-string limit
        m = re.search(r"[0-9]{1000,}", text)
        where = f"{_line_col(text, m.start())}: " if m else ""
        raise InvalidData([Problem(src, f"{where}a number with {len(m.group()) if m else 'too many'} digits is too long (an id of digits must be quoted)")], src) from None


_FAILED = object()


def _fast_json(data: bytes) -> Any:
    """``data`` parsed by pydantic-core's JSON reader (about 2x faster than ``json.loads``,
    and it shares repeated strings, so the parsed records take less memory), or
    :data:`_FAILED`. That reader is stricter than ``json`` and never accepts what
    ``json.loads`` refuses: invalid UTF-8, lone surrogate escapes, numbers of more than
    4,300 digits and nesting beyond 200 levels are errors there. So on any error the
    caller parses again with ``json``, which gives the one message a user sees; when it
    succeeds the result is the same as ``json.loads`` of the decoded text."""
    from pydantic_core import from_json

    try:
        return from_json(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
    except (ValueError, RecursionError):
        return _FAILED


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
    suffix = p.suffix.lower()
    if suffix not in (".yaml", ".yml"):
        doc = _fast_json(data)
        if doc is not _FAILED:
            del data
            return parse_document(doc, src)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidData([Problem(src, f"not UTF-8 text (byte {exc.start})")], src) from None
    del data
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
#: the CSV cells that hold JSON text (a customer's attrs)
_JSON_CELLS = {s: tuple(f.name for f in k.fields if f.type == "json") for s, k in KINDS.items()} | {"decision_chain": ()}


def _json_cell(rec: dict[str, Any], name: str) -> str | None:
    """Parse the JSON text of ``rec[name]`` in place; what is wrong with it, if anything."""
    try:
        rec[name] = json.loads(rec[name])
    except RecursionError:
        return f"nested deeper than {MAX_NESTING} levels"
    except ValueError:  # not JSON, or a number beyond Python's int-string limit
        return f"{name} must be a JSON object"
    return None


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
        twice = sorted(h for h, n in Counter(header).items() if n > 1)
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

                where: Locator = CsvLoc(fsrc, line)
                if len(row) != len(header):
                    raw.problems.append(Problem(where(), f"has {len(row)} cells but the header has {len(header)}"))
                    continue
                rec: dict[str, Any] = {h: cell for h, cell in zip(header, row) if cell.strip() != ""}
                if section == "decision_chain":
                    chains.append((rec, where))
                    continue
                bad = next(((n, fault) for n in _JSON_CELLS[section] if n in rec and (fault := _json_cell(rec, n))), None)
                if bad is not None:
                    raw.problems.append(Problem(where((bad[0],)), bad[1]))
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
