"""CRM profiles: declarative YAML that says how a CRM's export files become records.

A profile (see ``docs/crm.md``) has a ``name``, an id rule (``ids``: ``salesforce``,
``guid`` or ``text``), an optional ``word_map`` (interaction kinds) and a list of
``entities``; each entity reads one kind of export file (``file``: file-name patterns,
case-insensitive) into one target (``into``). The profile is checked when loaded and
every problem is reported with where it is in the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import BadArgument, InvalidData, Problem
from ..schema import CHAIN_MEMBER, KINDS
from .ids import ID_RULES


def _target(section: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields a CRM profile may map into ``section`` (brmgraph/schema.py's
    ``crm_owned``): the required key fields first, then the others."""
    k = KINDS[section]
    fields = [f for f in k.fields if f.crm_owned and f.items != "chain"]
    required = tuple(f.name for f in fields if f.required and f.name in k.key)
    return required, tuple(f.name for f in fields if f.name not in required)


#: target → the fields an entity may map (the first ones listed are required)
TARGETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    **{s: _target(s) for s in ("customers", "key_persons", "employees", "projects", "interactions", "influences")},
    "decision_chain": (("project", "person"), tuple(f.name for f in CHAIN_MEMBER if not f.required)),
    # fields set on records another entity of the profile defines (associations)
    "update_key_persons": (("id",), ("customer", "reports_to")),
    "update_projects": (("id",), ("customer",)),
}
#: fields that hold ids (the profile's id rule applies)
ID_FIELDS = frozenset({f.name for k in KINDS.values() for f in k.fields if f.type == "id" and f.crm_owned} | {"project"})
#: fields role rules may set (softly: only while the person's value is unknown): a key
#: person's assessments
SOFT_FIELDS = frozenset(KINDS["key_persons"].assessments())
RULE_KEYS = frozenset({"column", "map", "default", "json", "bool", "date", "number", "template", "first",
                       "const", "cases", "else", "words", "split"})


@dataclass
class Entity:
    files: list[str]
    into: str
    fields: dict[str, Any]
    optional: bool = False
    when: list[dict[str, Any]] = field(default_factory=list)
    skip: list[dict[str, Any]] = field(default_factory=list)
    owner: dict[str, Any] | None = None
    roles: Any = None
    role_rules: dict[str, dict[str, str]] = field(default_factory=dict)
    require: list[str] = field(default_factory=list)
    where: str = ""


@dataclass
class Profile:
    name: str
    ids: str
    entities: list[Entity]
    word_map: dict[str, list[str]] = field(default_factory=dict)
    default_kind: str = "other"
    source: str = ""

    def id_rule(self) -> Any:
        return ID_RULES[self.ids]


BUNDLED = ("salesforce", "dynamics365", "hubspot")


def bundled_path(name: str) -> Any:
    return resources.files("brmgraph.crm").joinpath("profiles", f"{name}.yaml")


def load_profile(name_or_path: str) -> Profile:
    """A bundled profile by name, or a profile YAML file."""
    if name_or_path in BUNDLED:
        text = bundled_path(name_or_path).read_text(encoding="utf-8")
        src = f"profile {name_or_path}"
    else:
        p = Path(name_or_path)
        if not p.is_file():
            raise BadArgument(
                f"profile {name_or_path!r}: neither a bundled profile ({', '.join(BUNDLED)}) nor a YAML file"
            )
        try:
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise BadArgument(f"profile {name_or_path}: cannot read it ({exc})") from None
        src = str(p)
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        raise InvalidData([Problem(src, f"{at}invalid YAML ({getattr(exc, 'problem', None) or exc})")], src) from None
    return parse_profile(doc, src)


def parse_profile(doc: Any, src: str) -> Profile:
    problems: list[Problem] = []

    def bad(where: str, why: str) -> None:
        problems.append(Problem(f"{src}: {where}", why))

    if not isinstance(doc, dict):
        raise InvalidData([Problem(src, "a profile is a mapping with name, ids and entities")], src)
    known = {"name", "description", "ids", "entities", "word_map", "default_kind"}
    for k in doc:
        if k not in known:
            bad(k, f"unknown key {k!r}; expected one of {', '.join(sorted(known))}")
    ids = str(doc.get("ids", "text"))
    if ids not in ID_RULES:
        bad("ids", f"unknown id rule {ids!r}; expected one of {', '.join(ID_RULES)}")
    word_map = doc.get("word_map") or {}
    if not isinstance(word_map, dict) or not all(isinstance(v, list) for v in word_map.values()):
        bad("word_map", "must map each interaction kind to a list of words")
        word_map = {}
    entities: list[Entity] = []
    raw_entities = doc.get("entities")
    if not isinstance(raw_entities, list) or not raw_entities:
        bad("entities", "must be a non-empty list")
        raw_entities = []
    ekeys = {"file", "into", "fields", "optional", "when", "skip", "owner", "roles", "role_rules", "require"}
    for i, e in enumerate(raw_entities):
        at = f"entities[{i}]"
        if not isinstance(e, dict):
            bad(at, "must be a mapping")
            continue
        for k in e:
            if k not in ekeys:
                bad(f"{at}.{k}", f"unknown key {k!r}; expected one of {', '.join(sorted(ekeys))}")
        files = e.get("file")
        files = [files] if isinstance(files, str) else files
        if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
            bad(f"{at}.file", "must be a file-name pattern or a list of them")
            files = []
        into = e.get("into")
        if into not in TARGETS:
            bad(f"{at}.into", f"unknown target {into!r}; expected one of {', '.join(TARGETS)}")
            continue
        fields = e.get("fields")
        if not isinstance(fields, dict):
            bad(f"{at}.fields", "must map target fields to columns")
            continue
        required, optional = TARGETS[into]
        for f in required:
            if f not in fields:
                bad(f"{at}.fields", f"{into} needs field {f!r}")
        for f, spec in fields.items():
            if f not in required and f not in optional:
                bad(f"{at}.fields.{f}", f"{into} has no field {f!r}; expected one of {', '.join(required + optional)}")
            _check_spec(spec, f"{at}.fields.{f}", bad)
        rules = e.get("role_rules") or {}
        if not isinstance(rules, dict):
            bad(f"{at}.role_rules", "must map role values to field settings")
            rules = {}
        for role, sets in rules.items():
            if not isinstance(sets, dict) or not all(k in SOFT_FIELDS for k in sets):
                bad(f"{at}.role_rules.{role}", f"must set some of {', '.join(sorted(SOFT_FIELDS))}")
        owner = e.get("owner")
        if owner is not None and (not isinstance(owner, dict) or "column" not in owner):
            bad(f"{at}.owner", "must give the owner's column (and a strength)")
        entities.append(
            Entity(
                files=files,
                into=into,
                fields=fields,
                optional=bool(e.get("optional", False)),
                when=_conds(e.get("when")),
                skip=_conds(e.get("skip")),
                owner=owner,
                roles=e.get("roles"),
                role_rules={str(k).strip().lower(): {f: _yaml_text(v) for f, v in (s or {}).items()} for k, s in rules.items()},
                require=list(e.get("require") or []),
                where=at,
            )
        )
    if problems:
        raise InvalidData(problems, src)
    return Profile(
        name=str(doc.get("name", src)),
        ids=ids,
        entities=entities,
        word_map={str(k): [str(w).lower() for w in v] for k, v in word_map.items()},
        default_kind=str(doc.get("default_kind", "other")),
        source=src,
    )


def _yaml_text(v: Any) -> str:
    """YAML 1.1 reads an unquoted yes/no as a boolean; a profile means the word."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def _conds(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _check_spec(spec: Any, where: str, bad: Any) -> None:
    if isinstance(spec, (str, int, float, bool)) or spec is None:
        return
    if isinstance(spec, dict):
        if all(isinstance(v, dict) for v in spec.values()) and not (set(spec) & RULE_KEYS):
            for k, v in spec.items():  # attrs: name -> spec
                _check_spec(v, f"{where}.{k}", bad)
            return
        for k in spec:
            if k not in RULE_KEYS:
                bad(where, f"unknown value rule {k!r}; expected one of {', '.join(sorted(RULE_KEYS))}")
        for sub in spec.get("first", []) or []:
            _check_spec(sub, where, bad)
        return
    bad(where, "must be a column name or a value rule (a mapping)")
