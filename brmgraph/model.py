"""The domain model of docs/spec.md §2 as pydantic v2 models.

Enumerations accept their English key or their Chinese label (``"强支持"`` and
``"strong_support"`` are the same stance) and always store the English key.

>>> Stance.parse("反对")
<Stance.oppose: 'oppose'>
>>> KeyPerson(id="P1", customer="C1", name="Wang", closeness="支持").closeness
<Stance.support: 'support'>
"""

from __future__ import annotations

from datetime import date as Date
from operator import attrgetter
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FiniteFloat,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .labels import EmployeeStatus, Labelled, ProjectStatus, Stance, Strength, Tri
from .schema import KINDS

# Enumerations are validated natively by pydantic (fast); Chinese labels, case and empty
# values are normalised first, once per record, by ``Record._normalise``.

#: longest id (characters, after trimming); far above any CRM key, well below what a
#: Neo4j index accepts (about 8 KB), the same for both stores
MAX_ID_LENGTH = 200
#: longest free-text field (name, title, department, industry, team, kind, role, stage)
MAX_TEXT_LENGTH = 1000
#: deepest nesting inside a customer's ``attrs`` and its largest size as JSON text
MAX_ATTRS_DEPTH = 32
MAX_ATTRS_CHARS = 65_536


def _id_text(value: Any) -> Any:
    # an id keeps its text: 1.10 would silently become "1.1", so numbers with a fraction
    # or an exponent are refused (whole numbers keep their digits)
    if value.__class__ is str:
        return value
    if isinstance(value, float):
        raise ValueError(f"an id must be text or a whole number, not {value!r}; write it in quotes")
    return value


#: a non-empty id; surrounding spaces are trimmed, whole numbers become strings
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ID_LENGTH), BeforeValidator(_id_text)]
#: an optional reference; empty means none
OptRef = Annotated[
    str | None, StringConstraints(strip_whitespace=True, max_length=MAX_ID_LENGTH), BeforeValidator(_id_text)
]
#: free text; missing or null means ""
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_LENGTH)]


def _date_only(value: Any) -> Any:
    # pydantic would take a number as a Unix time (0 -> 1970-01-01); a date must be a date
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"a date must be written as YYYY-MM-DD, not the number {value!r}")
    return value


DateField = Annotated[Date, BeforeValidator(_date_only)]


#: longest e-mail address (RFC 5321's limit of a path)
MAX_EMAIL_LENGTH = 254
_EMAIL = __import__("re").compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def _email_shape(value: str) -> str:
    # the shape only (name@domain.tld): whether the mailbox exists is not ours to know
    if value and not _EMAIL.fullmatch(value):
        raise ValueError(f"not an e-mail address: {_shown(value)} (expected name@domain.tld, or empty)")
    return value


#: an e-mail address or empty; spaces around it are trimmed
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_EMAIL_LENGTH), AfterValidator(_email_shape)
]


def _left_on_needs_left(cls: Any, value: Date | None, info: ValidationInfo) -> Date | None:
    """``left_on`` only with ``status`` left (docs/spec.md §3.3); ``status`` is checked
    first (it comes first), and when it is wrong it is reported alone."""
    status = info.data.get("status", EmployeeStatus.left)
    if value is not None and status is not EmployeeStatus.left:
        raise ValueError(f"left_on is given but status is {status.value}; write status: left (离职)")
    return value


def _shown(value: Any) -> str:
    from .errors import shown

    return shown(value)


def _check_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """``attrs`` must be plain JSON: at most :data:`MAX_ATTRS_DEPTH` levels, finite
    numbers, text without lone surrogates, at most :data:`MAX_ATTRS_CHARS` as JSON."""
    if not attrs:
        return attrs
    import json
    import math

    stack: list[tuple[Any, int, str]] = [(attrs, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_ATTRS_DEPTH:
                raise ValueError(f"nested deeper than {MAX_ATTRS_DEPTH} levels{_at(path)}")
            for k, v in value.items():
                if not isinstance(k, str):
                    raise ValueError(f"keys must be text{_at(path)}")
                _check_text(k, path)
                stack.append((v, depth + 1, f"{path}.{k}"))
        elif isinstance(value, list):
            if depth > MAX_ATTRS_DEPTH:
                raise ValueError(f"nested deeper than {MAX_ATTRS_DEPTH} levels{_at(path)}")
            stack.extend((v, depth + 1, f"{path}[{i}]") for i, v in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"numbers must be finite, not {value!r}{_at(path)}")
        elif value is not None and not isinstance(value, (bool, int, float)):
            raise ValueError(f"values must be JSON (text, numbers, true/false, null, lists, objects){_at(path)}")
    size = len(json.dumps(attrs, ensure_ascii=False))
    if size > MAX_ATTRS_CHARS:
        raise ValueError(f"attrs is {size:,} characters as JSON, above the limit of {MAX_ATTRS_CHARS:,}")
    return attrs


def _at(path: str) -> str:
    from .errors import escaped

    return f" (at attrs{escaped(path, 120)})" if path else ""


_LONE_SURROGATE = __import__("re").compile("[\ud800-\udfff]")


def _check_text(text: str, path: str) -> None:
    if _LONE_SURROGATE.search(text):
        raise ValueError(f"text holds a lone UTF-16 surrogate{_at(path)}")


_DROP = object()
#: fields where "" means "not given" (besides enums): optional references, numbers, dates,
#: lists and JSON
_EMPTY_IS_NONE = frozenset(
    f.name for k in KINDS.values() for f in k.fields if not f.required and f.type not in ("str", "enum")
)


class Record(BaseModel):
    """Base of all input records: unknown fields are errors, ids are trimmed strings,
    ``null`` or an empty value means "not given" (the default applies)."""

    # ``defer_build``: the validators are built on first use, not at import, so commands
    # that only read trusted records back from a store never pay for them
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, defer_build=True)

    #: enum fields of the class and their enum (filled in per subclass)
    _enum_fields: ClassVar[dict[str, type[Labelled]]] = {}
    #: fields of the class where "" means "not given"
    _empty_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._enum_fields = {
            name: f.annotation
            for name, f in cls.model_fields.items()
            if isinstance(f.annotation, type) and issubclass(f.annotation, Labelled)
        }
        cls._empty_keys = tuple(k for k in cls.model_fields if k in _EMPTY_IS_NONE)

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        enums = cls._enum_fields
        # fast path (almost every record): nothing to translate or drop
        clean = None not in data.values()
        if clean:
            for key, enum in enums.items():
                v = data.get(key)
                if v is not None and (v.__class__ is not str or v not in enum._value2member_map_):
                    clean = False
                    break
        if clean:
            for key in cls._empty_keys:
                if data.get(key) == "":
                    clean = False
                    break
        if clean:
            return data
        out: dict[str, Any] | None = None
        for key, value in data.items():
            new = value
            if value is None:
                new = _DROP
            elif key in enums:
                if isinstance(value, str) and value not in enums[key]._value2member_map_:
                    text = value.strip()
                    new = _DROP if text == "" else enums[key].lookup(text)
            elif value == "" and key in _EMPTY_IS_NONE:
                new = _DROP
            if new is not value:
                if out is None:
                    out = dict(data)
                if new is _DROP:
                    del out[key]
                else:
                    out[key] = new
        return data if out is None else out


class Customer(Record):
    id: Id
    name: Text = ""
    industry: Text = ""
    tier: Literal["A", "B", "C", "D", ""] = ""
    attrs: Annotated[dict[str, Any], AfterValidator(_check_attrs)] = Field(default_factory=dict)

    @field_validator("tier", mode="before")
    @classmethod
    def _tier_upper(cls, v: Any) -> Any:
        return v.strip().upper() if isinstance(v, str) else v


class KeyPerson(Record):
    id: Id
    customer: Id
    name: Text = ""
    title: Text = ""
    department: Text = ""
    closeness: Stance = Stance.unknown
    solution_acceptance: Stance = Stance.unknown
    price_acceptance: Stance = Stance.unknown
    veto: Tri = Tri.unknown
    approver: Tri = Tri.unknown
    reports_to: OptRef = None
    email: Email = ""
    status: EmployeeStatus = EmployeeStatus.active
    left_on: DateField | None = None

    _left = field_validator("left_on")(_left_on_needs_left)


class Employee(Record):
    id: Id
    name: Text = ""
    team: Text = ""
    title: Text = ""
    email: Email = ""
    status: EmployeeStatus = EmployeeStatus.active
    left_on: DateField | None = None

    _left = field_validator("left_on")(_left_on_needs_left)


class Competitor(Record):
    id: Id
    name: Text = ""


class CompetitorStaff(Record):
    id: Id
    name: Text = ""
    competitor: Id
    email: Email = ""


class Influence(Record):
    """An influence edge. Internal when the source is a key person, external otherwise."""

    source: Id
    target: Id
    strength: Strength = Strength.medium


class ChainMember(Record):
    person: Id
    role: Text = ""


def _competitor_list(value: Any) -> Any:
    if value is None or value == "":
        return []
    if isinstance(value, str):  # CSV cell: "K1;K2" or "K1,K2" or "K1 K2"
        parts = value.replace(";", ",").replace("|", ",").split(",")
        return [p.strip() for p in parts if p.strip()]
    return value


class Project(Record):
    id: Id
    customer: Id
    name: Text = ""
    status: ProjectStatus = ProjectStatus.open
    stage: Text = ""
    amount: FiniteFloat | None = None
    close_date: DateField | None = None
    decision_chain: list[ChainMember] = Field(default_factory=list)
    competitors: Annotated[list[Id], BeforeValidator(_competitor_list)] = Field(default_factory=list)



class Interaction(Record):
    employee: Id
    person: Id
    date: DateField
    kind: Text = ""


class Dataset(BaseModel):
    """One data set (docs/spec.md §3). Every list defaults to empty."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    customers: list[Customer] = Field(default_factory=list)
    key_persons: list[KeyPerson] = Field(default_factory=list)
    employees: list[Employee] = Field(default_factory=list)
    competitors: list[Competitor] = Field(default_factory=list)
    competitor_staff: list[CompetitorStaff] = Field(default_factory=list)
    influences: list[Influence] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    interactions: list[Interaction] = Field(default_factory=list)

    SECTIONS: ClassVar[tuple[str, ...]] = tuple(KINDS)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.SECTIONS}

    def record_count(self) -> int:
        return sum(self.counts().values())

    def sorted(self) -> Dataset:
        """A copy with every list in a canonical order (for comparing two stores)."""
        data = {name: sorted(getattr(self, name), key=attrgetter(*KINDS[name].key)) for name in self.SECTIONS}
        return Dataset(**data)


#: the record class of each section, in the input format's order
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
