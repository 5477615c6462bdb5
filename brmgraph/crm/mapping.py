"""The mapping engine: a profile and a folder of CRM export files → raw records with
where each came from (file, line, CRM column), ready for the usual validation."""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timezone
from pathlib import Path
from typing import Any

from ..dataset import RawDataset
from ..errors import InvalidData, Problem
from ..schema import KINDS
from .profile import ID_FIELDS, RULE_KEYS, Entity, Profile

TRUE = {"1", "true", "yes", "y", "t"}
FALSE = {"0", "false", "no", "n", "f", ""}


class MappedLoc:
    """Where a mapped record came from: file and line; a field path names the CRM column
    the field was read from (or the field itself)."""

    __slots__ = ("file", "line", "cols")

    def __init__(self, file: str, line: int, cols: dict[str, str]) -> None:
        self.file, self.line, self.cols = file, line, cols

    def __call__(self, loc: tuple = ()) -> str:
        if not loc:
            return f"{self.file}: line {self.line}"
        col = self.cols.get(str(loc[0]), str(loc[0]))
        return f"{self.file}: line {self.line}, column {col}"


@dataclass(frozen=True)
class Note:
    """A record the import could not place and skipped: where (file and CSV line) and why."""

    file: str
    line: int
    reason: str

    @property
    def where(self) -> str:
        return f"{self.file}: line {self.line}"

    def as_dict(self) -> dict[str, Any]:
        return {"where": self.where, "file": self.file, "line": self.line, "reason": self.reason}


class _Bad(Exception):
    def __init__(self, column: str, why: str) -> None:
        self.column, self.why = column, why


@dataclass
class Mapped:
    """The result of mapping a folder with a profile."""

    raw: RawDataset
    #: per section, the fields the profile maps (an import owns only those)
    owned: dict[str, set[str]]
    #: per section, fields set by role rules (applied while the stored value is unknown)
    soft: dict[str, set[str]]
    skipped: dict[str, int] = field(default_factory=dict)
    #: owners missing from the export, stubbed as employees named by their id
    stubbed: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: records skipped because brmgraph cannot place them (an orphan, a link to a record
    #: outside the export), each with where and why; counted in ``skipped`` too
    notes: list[Note] = field(default_factory=list)


def _as_bool(text: str, column: str) -> bool:
    t = text.strip().lower()
    if t in TRUE:
        return True
    if t in FALSE:
        return False
    raise _Bad(column, f"not a boolean {text!r} (expected 1/0, true/false or empty)")


_DT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+.*)?$")


def _as_date(text: str, column: str) -> str | None:
    """ISO day of a date or datetime cell: ``2017-08-04``, ``2017-08-04T09:09:50.000+0000``
    (the day in UTC), ``8/4/2017 9:09 AM`` (US, as Dynamics/Excel), or epoch milliseconds
    (HubSpot)."""
    t = text.strip()
    if not t:
        return None
    m = _DT.match(t)
    if m:
        y, mo, d, hh, mm, ss, tz = m.groups()
        try:
            if hh is None or tz is None:
                return date(int(y), int(mo), int(d)).isoformat()
            sign = 1 if tz == "Z" or tz[0] == "+" else -1
            digits = "0000" if tz == "Z" else tz[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
            from datetime import timedelta

            dt = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0), tzinfo=timezone(timedelta(minutes=offset)))
            return dt.astimezone(UTC).date().isoformat()
        except ValueError as exc:
            raise _Bad(column, f"not a valid date {text!r} ({exc})") from None
    m = _US.match(t)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2))).isoformat()
        except ValueError as exc:
            raise _Bad(column, f"not a valid date {text!r} ({exc})") from None
    if t.isdigit() and len(t) >= 11:
        return datetime.fromtimestamp(int(t) / 1000, tz=UTC).date().isoformat()
    raise _Bad(column, f"not a date {text!r} (expected 2017-08-04, 2017-08-04T09:09:50.000+0000 or 8/4/2017)")


def _as_number(text: str, column: str) -> float | None:
    t = text.strip().replace(",", "").replace(" ", "")
    t = t.lstrip("$€£¥")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        raise _Bad(column, f"not a number {text!r}") from None


class Row:
    """One CSV row: cells by lower-cased header."""

    __slots__ = ("cells",)

    def __init__(self, cells: dict[str, str]) -> None:
        self.cells = cells

    def get(self, column: str) -> str:
        return self.cells.get(column.strip().lower(), "")

    def has(self, column: str) -> bool:
        return column.strip().lower() in self.cells


def _first_column(spec: Any) -> str | None:
    """The CRM column a value rule reads first (for locations)."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict):
        if "column" in spec:
            return str(spec["column"])
        for sub in spec.get("first", []) or []:
            c = _first_column(sub)
            if c:
                return c
        if "words" in spec:
            return str(spec["words"][0])
    return None


class Evaluator:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.id_rule = profile.id_rule()

    def cond(self, row: Row, cond: dict[str, Any]) -> bool:
        for col, want in cond.items():
            if col in ("reason",):
                continue
            cell = row.get(col)
            if isinstance(want, bool):
                if _as_bool(cell, col) != want:
                    return False
            elif want is None:
                if cell.strip():
                    return False
            elif isinstance(want, dict):  # {prefix: "003"} / {not_prefix: "00Q"}
                if "prefix" in want and not cell.strip().startswith(str(want["prefix"])):
                    return False
                if "not_prefix" in want and cell.strip().startswith(str(want["not_prefix"])):
                    return False
            elif isinstance(want, list):
                if cell.strip().lower() not in {str(w).lower() for w in want}:
                    return False
            elif cell.strip().lower() != str(want).lower():
                return False
        return True

    def value(self, row: Row, spec: Any, fname: str) -> Any:
        if spec is None or isinstance(spec, (int, float, bool)):
            return spec
        if isinstance(spec, str):
            v: Any = row.get(spec).strip()
            column = spec
        elif not (set(spec) & RULE_KEYS):  # attrs: name -> value rule
            out = {k: self.value(row, sub, k) for k, sub in spec.items()}
            return {k: v for k, v in out.items() if v not in (None, "")}
        elif "const" in spec:
            return spec["const"]
        elif "first" in spec:
            for sub in spec["first"]:
                got = self.value(row, sub, fname)
                if got not in (None, "", []):
                    return got
            return "" if spec.get("default") is None else spec["default"]
        elif "template" in spec:
            text = re.sub(r"\{([^}]+)\}", lambda m: row.get(m.group(1)).strip(), str(spec["template"]))
            return " ".join(text.split())
        elif "cases" in spec:
            for case in spec["cases"]:
                if self.cond(row, case.get("when") or {}):
                    return case.get("value")
            return spec.get("else")
        elif "words" in spec:
            text = " ".join(row.get(c) for c in spec["words"]).lower()
            for kind, words in self.profile.word_map.items():
                if any(re.search(rf"\b{re.escape(w)}", text) for w in words):
                    return kind
            return self.profile.default_kind
        else:
            column = str(spec.get("column", ""))
            v = row.get(column).strip()
            if "json" in spec:
                if not v:
                    return spec.get("default")
                try:
                    doc = json.loads(v)
                except json.JSONDecodeError:
                    raise _Bad(column, f"not JSON ({v[:40]!r})") from None
                v = doc.get(spec["json"]) if isinstance(doc, dict) else None
                return "" if v is None else v
            if spec.get("split"):
                parts = [p.strip() for p in v.split(str(spec["split"])) if p.strip()]
                if "map" in spec:
                    m = {str(k).lower(): val for k, val in spec["map"].items()}
                    parts = [m.get(p.lower(), p) for p in parts]
                return parts
            if spec.get("bool"):
                return _as_bool(v, column)
            if spec.get("date"):
                return _as_date(v, column)
            if spec.get("number"):
                return _as_number(v, column)
            if "map" in spec:
                m = {str(k).lower(): val for k, val in spec["map"].items()}
                if v.lower() in m:
                    v = m[v.lower()]
                elif "default" in spec:
                    v = spec["default"]
                return v
            if not v and "default" in spec:
                return spec["default"]
        if fname in ID_FIELDS and isinstance(v, str) and v:
            try:
                return self.id_rule(v)
            except ValueError as exc:
                raise _Bad(column, str(exc)) from None
        return v


def _find_files(folder: Path, patterns: list[str]) -> list[Path]:
    names = sorted(p for p in folder.iterdir() if p.is_file())
    out: list[Path] = []
    for pat in patterns:
        for p in names:
            if fnmatch.fnmatch(p.name.lower(), pat.lower()) and p not in out:
                out.append(p)
    return out


def _rows(path: Path, problems: list[Problem], progress: Callable[[int], None] | None) -> Iterator[tuple[int, Row]]:
    src = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(src, f"not UTF-8 text (byte {exc.start}); export as UTF-8 CSV"))
        return
    except OSError as exc:
        problems.append(Problem(src, f"cannot read the file ({exc.strerror or exc})"))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            return
        header = [h.strip().lower() for h in header]
        done = 0
        for row in reader:
            if progress is not None:
                n = sum(len(c) + 1 for c in row)
                done += n
                progress(n)
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                problems.append(Problem(f"{src}: line {reader.line_num}", f"has {len(row)} cells but the header has {len(header)}"))
                continue
            yield reader.line_num, Row(dict(zip(header, row)))
    except csv.Error as exc:
        problems.append(Problem(f"{src}: line {reader.line_num}", f"invalid CSV ({exc})"))


#: entity target → data-set section it fills
SECTION = {
    "customers": "customers",
    "key_persons": "key_persons",
    "employees": "employees",
    "projects": "projects",
    "interactions": "interactions",
    "influences": "influences",
}


def files_of(profile: Profile, folder: Path) -> list[tuple[Entity, list[Path]]]:
    return [(e, _find_files(folder, e.files)) for e in profile.entities]


def map_folder(
    profile: Profile,
    folder: Path | str,
    progress: Callable[[int], None] | None = None,
    stored: Callable[[], dict[str, str]] | None = None,
) -> Mapped:
    """Read every export file the profile names in ``folder`` and map it; raise
    InvalidData with every problem (file, line, column). A record brmgraph cannot place
    (a contact without an account, a link to a record neither in the export nor in the
    store, whose ids and kinds ``stored`` gives, read only when needed) is skipped with a
    located note and counted, never an error."""
    folder = Path(folder)
    src = str(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise InvalidData([Problem(src, "not a folder (a CRM import reads a folder of export files)")], src)
    ev = Evaluator(profile)
    raw = RawDataset(src)
    owned: dict[str, set[str]] = {}
    soft: dict[str, set[str]] = {}
    skipped: dict[str, int] = {}
    # records by id per section, to apply updates / chains / role rules
    index: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SECTION.values()}
    chains: list[tuple[str, str, str, MappedLoc]] = []
    updates: list[tuple[str, dict[str, Any], MappedLoc]] = []
    roles: list[tuple[str, list[str], Entity]] = []
    owners: list[tuple[str, str, str, MappedLoc]] = []
    skipped_ids: set[str] = set()
    used: list[str] = []

    notes: list[Note] = []

    def skip(reason: str, where: object = None) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1
        if isinstance(where, MappedLoc):
            notes.append(Note(where.file, where.line, reason))

    stored_kinds: dict[str, str] | None = None

    def placed(rid: str, section: str) -> bool:
        """``rid`` is a record of ``section`` in this export, or stored."""
        nonlocal stored_kinds
        if rid in index[section]:
            return True
        if rid in skipped_ids:
            return False
        if stored_kinds is None:
            stored_kinds = stored() if stored is not None else {}
        return stored_kinds.get(rid) == KINDS[section].noun

    for entity, paths in files_of(profile, folder):
        if not paths:
            if not entity.optional:
                problems.append(Problem(src, f"no file matching {' or '.join(entity.files)} ({entity.into}; the profile requires it)"))
            continue
        section = SECTION.get(entity.into) or entity.into
        if entity.into in SECTION:
            owned.setdefault(section, set()).update(entity.fields)
        elif entity.into == "decision_chain":
            owned.setdefault("projects", set()).add("decision_chain")
        else:
            target = entity.into.removeprefix("update_")
            owned.setdefault(target, set()).update(f for f in entity.fields if f != "id")
        if entity.role_rules:
            soft.setdefault("key_persons", set()).update(f for r in entity.role_rules.values() for f in r)
        cols = {f: c for f, spec in entity.fields.items() if (c := _first_column(spec))}
        for path in paths:
            fsrc = str(path)
            used.append(fsrc)
            for line, row in _rows(path, problems, progress):
                where = MappedLoc(fsrc, line, cols)
                try:
                    if entity.when and not any(ev.cond(row, c) for c in entity.when):
                        continue
                    hit = next((c for c in entity.skip if ev.cond(row, c)), None)
                    if hit is not None:
                        skip(str(hit.get("reason", "skipped")))
                        if "id" in entity.fields:
                            rid = ev.value(row, entity.fields["id"], "id")
                            if rid:
                                skipped_ids.add(rid)
                        continue
                    rec = {}
                    bad_cells: list[_Bad] = []
                    for f, spec in entity.fields.items():  # every bad cell of the row, not only the first
                        try:
                            rec[f] = ev.value(row, spec, f)
                        except _Bad as exc:
                            bad_cells.append(exc)
                    if bad_cells:
                        for bad in bad_cells:
                            problems.append(Problem(f"{fsrc}: line {line}, column {bad.column}", bad.why))
                        continue
                    role_values: list[str] = []
                    if entity.roles is not None:
                        got = ev.value(row, entity.roles, "roles")
                        role_values = got if isinstance(got, list) else [got] if got not in (None, "") else []
                    owner = None
                    if entity.owner is not None:
                        owner = ev.value(row, entity.owner["column"], "employee")
                except _Bad as exc:
                    problems.append(Problem(f"{fsrc}: line {line}, column {exc.column}", exc.why))
                    continue
                rec = {k: v for k, v in rec.items() if v is not None and v != ""}
                if entity.into == "decision_chain":
                    chains.append((str(rec.get("project", "")), str(rec.get("person", "")), str(rec.get("role", "")), where))
                    if rec.get("person") and entity.role_rules:
                        roles.append((str(rec["person"]), [str(rec.get("role", ""))], entity))
                    continue
                if entity.into.startswith("update_"):
                    updates.append((entity.into.removeprefix("update_"), rec, where))
                    continue
                if "attrs" in rec and isinstance(rec["attrs"], dict):
                    rec["attrs"] = {k: v for k, v in rec["attrs"].items() if v not in (None, "")}
                raw.sections.setdefault(section, []).append(rec)
                raw.locs.setdefault(section, []).append(where)
                if "id" in rec:
                    index[section].setdefault(str(rec["id"]), rec)
                if role_values and entity.role_rules:
                    roles.append((str(rec.get("id", "")), role_values, entity))
                if owner and entity.owner is not None and "id" in rec:  # an owner is only read when mapped
                    owners.append((str(owner), str(rec["id"]), str(entity.owner.get("strength", "weak")), where))
    if problems:
        raise InvalidData(problems, src)

    # associations: fields set on records defined by another entity
    reports_at: dict[str, MappedLoc] = {}  # where a reporting line set by an association was read
    for target, rec, at in updates:
        rid = str(rec.get("id", ""))
        found = index.get(target, {}).get(rid)
        if found is None:
            skip("association to a record not in the export", at)
            continue
        for k, v in rec.items():
            if k != "id":
                found[k] = v
        if "reports_to" in rec:
            reports_at[rid] = at
    # records without what they need (a contact with no company): skipped, and so is
    # everything referring to them
    for entity in profile.entities:
        if not entity.require or entity.into not in SECTION:
            continue
        section = SECTION[entity.into]
        keep_recs, keep_locs = [], []
        for rec, loc in zip(raw.sections.get(section, []), raw.locs.get(section, [])):
            if all(rec.get(f) for f in entity.require):
                keep_recs.append(rec)
                keep_locs.append(loc)
            else:
                skip(f"{entity.into.replace('_', ' ')} without {' or '.join(entity.require)}", loc)
                skipped_ids.add(str(rec.get("id", "")))
                index[section].pop(str(rec.get("id", "")), None)
        if section in raw.sections:
            raw.sections[section], raw.locs[section] = keep_recs, keep_locs

    # what a CRM naturally holds but brmgraph cannot place: a key person or a project
    # without a customer, or whose customer is neither in the export nor stored, is
    # skipped (and so is everything referring to it); a reporting line to a key person
    # outside the export is left out (the person is kept)
    for section in ("key_persons", "projects"):
        noun = KINDS[section].noun
        keep_recs, keep_locs = [], []
        for rec, loc in zip(raw.sections.get(section, []), raw.locs.get(section, [])):
            cust = str(rec.get("customer", "") or "")
            if cust and placed(cust, "customers"):
                keep_recs.append(rec)
                keep_locs.append(loc)
                continue
            why = f"{noun} whose customer {cust} is not in the export" if cust else f"{noun} without a customer"
            skip(why, loc)
            rid = str(rec.get("id", ""))
            skipped_ids.add(rid)
            index[section].pop(rid, None)
        if section in raw.sections:
            raw.sections[section], raw.locs[section] = keep_recs, keep_locs
    for rec, loc in zip(raw.sections.get("key_persons", []), raw.locs.get("key_persons", [])):
        boss = rec.get("reports_to")
        if boss and not placed(str(boss), "key_persons"):
            del rec["reports_to"]
            skip(f"reporting line to key person {boss}, not in the export", reports_at.get(str(rec.get("id")), loc))

    # role rules: set while the person's mapped value is unknown (merge keeps a stored
    # assessment other than unknown)
    for pid, values, entity in roles:
        kp = index["key_persons"].get(pid)
        if kp is None:
            continue
        for v in values:
            for f, setting in entity.role_rules.get(str(v).strip().lower(), {}).items():
                if str(kp.get(f, "unknown")).lower() in ("unknown", ""):
                    kp[f] = setting

    # decision chains: one member per (project, person), roles joined
    members: dict[tuple[str, str], int] = {}
    projects = {str(r.get("id")): i for i, r in enumerate(raw.sections.get("projects", []))}
    for pid, person, role, where in chains:
        if pid in skipped_ids or person in skipped_ids:
            skip("decision-chain row of a skipped record", where)
            continue
        if pid not in projects:
            skip("decision-chain row of a project not in the export", where)
            continue
        if not person or not placed(person, "key_persons"):
            skip("decision-chain row of a key person not in the export", where)
            continue
        project = raw.sections["projects"][projects[pid]]
        chain = project.setdefault("decision_chain", [])
        key = (pid, person)
        if key in members:
            m = chain[members[key]]
            if role and role not in m["role"].split("; "):
                m["role"] = f"{m['role']}; {role}" if m["role"] else role
            continue
        members[key] = len(chain)
        raw.chain_locs[(projects[pid], len(chain))] = where
        chain.append({"person": person, "role": role})

    # owner ties, and owners missing from the export stubbed as employees
    employees = index["employees"]
    stubbed: list[str] = []
    for emp, pid, strength, where in owners:
        if pid in skipped_ids:
            continue
        if emp not in employees:
            stub = {"id": emp, "name": emp}
            employees[emp] = stub
            raw.sections.setdefault("employees", []).append(stub)
            raw.locs.setdefault("employees", []).append(where)
            stubbed.append(emp)
        raw.sections.setdefault("influences", []).append({"source": emp, "target": pid, "strength": strength})
        raw.locs.setdefault("influences", []).append(where)
    if owners:
        owned.setdefault("influences", set()).add("strength")
    for rec, seen_at in zip(raw.sections.get("interactions", []), raw.locs.get("interactions", [])):
        emp = rec.get("employee")
        if emp and emp not in employees and placed(str(rec.get("person", "")), "key_persons"):
            stub = {"id": emp, "name": emp}
            employees[emp] = stub
            raw.sections.setdefault("employees", []).append(stub)
            raw.locs.setdefault("employees", []).append(seen_at)
            stubbed.append(emp)

    # interactions of skipped contacts (deleted, or leads rather than contacts) are left out
    if "interactions" in raw.sections:
        keep_recs, keep_locs = [], []
        for rec, loc in zip(raw.sections["interactions"], raw.locs["interactions"]):
            if rec.get("person") in skipped_ids:
                skip("interaction with a skipped record", loc)
            elif not placed(str(rec.get("person", "")), "key_persons"):
                skip("interaction with a key person not in the export", loc)
            else:
                keep_recs.append(rec)
                keep_locs.append(loc)
        raw.sections["interactions"], raw.locs["interactions"] = keep_recs, keep_locs
    if problems:
        raise InvalidData(problems, src)
    return Mapped(raw, owned, soft, skipped, stubbed, used, notes)
