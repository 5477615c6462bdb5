"""The domain model of SPEC §2 as pydantic v2 models.

Enumerations accept their English key or their Chinese label (``"强支持"`` and
``"strong_support"`` are the same stance) and always store the English key.

>>> Stance.parse("反对")
<Stance.oppose: 'oppose'>
>>> KeyPerson(id="P1", customer="C1", name="Wang", closeness="支持").closeness
<Stance.support: 'support'>
"""

from __future__ import annotations

from datetime import date as Date
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator, model_validator


class _Labelled(str, Enum):
    """A str enum whose members carry a Chinese label; parse() accepts either."""


    @property
    def zh(self) -> str:
        return type(self)._labels()[self.value]

    @classmethod
    def _labels(cls) -> dict[str, str]:  # pragma: no cover - overridden
        return {}

    def label(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.value

    @classmethod
    def parse(cls, value: Any) -> "_Labelled":
        if isinstance(value, cls):
            return value
        if value is None:
            return cls(cls.default())
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {type(value).__name__}")
        text = value.strip()
        if text == "":
            return cls(cls.default())
        if text in cls._value2member_map_:
            return cls(text)
        lowered = text.lower()
        if lowered in cls._value2member_map_:
            return cls(lowered)
        for key, zh in cls._labels().items():
            if text == zh:
                return cls(key)
        allowed = ", ".join(f"{k} ({z})" for k, z in cls._labels().items())
        raise ValueError(f"unknown {cls.__name__.lower()} value {value!r}; allowed: {allowed}")

    @classmethod
    def default(cls) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    @classmethod
    def lookup(cls, text: str) -> Any:
        """The English key for ``text`` (key in any case, or Chinese label); ``text``
        itself when unknown, so that validation reports it."""
        lowered = text.lower()
        if lowered in cls._value2member_map_:
            return lowered
        for key, zh in cls._labels().items():
            if text == zh:
                return key
        return text

    @classmethod
    def unknown_message(cls, value: Any) -> str:
        allowed = ", ".join(f"{k} ({z})" for k, z in cls._labels().items())
        return f"unknown {cls.__name__.lower()} value {value!r}; allowed: {allowed}"


class Stance(_Labelled):
    """Attitude of a key person (closeness, solution and price acceptance)."""

    strong_support = "strong_support"
    support = "support"
    neutral = "neutral"
    oppose = "oppose"
    strong_oppose = "strong_oppose"
    unknown = "unknown"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "strong_support": "强支持",
            "support": "支持",
            "neutral": "中立",
            "oppose": "反对",
            "strong_oppose": "强反对",
            "unknown": "未知",
        }

    @classmethod
    def default(cls) -> str:
        return "unknown"

    @property
    def opposing(self) -> bool:
        return self in (Stance.oppose, Stance.strong_oppose)


class Tri(_Labelled):
    """Yes / no / unknown (veto holder, sole approver)."""

    yes = "yes"
    no = "no"
    unknown = "unknown"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"yes": "是", "no": "否", "unknown": "未知"}

    @classmethod
    def default(cls) -> str:
        return "unknown"


class Strength(_Labelled):
    """Strength of an influence edge."""

    strong = "strong"
    medium = "medium"
    weak = "weak"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"strong": "强", "medium": "中", "weak": "弱"}

    @classmethod
    def default(cls) -> str:
        return "medium"


class ProjectStatus(_Labelled):
    open = "open"
    won = "won"
    lost = "lost"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"open": "进行中", "won": "赢单", "lost": "丢单"}

    @classmethod
    def default(cls) -> str:
        return "open"


# Enumerations are validated natively by pydantic (fast); Chinese labels, case and empty
# values are normalised first, once per record, by ``Record._normalise``.
StanceField = Stance
TriField = Tri
StrengthField = Strength
StatusField = ProjectStatus

#: a non-empty id; surrounding spaces are trimmed, numbers become strings
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: an optional reference; empty means none
OptRef = Annotated[str | None, StringConstraints(strip_whitespace=True)]
#: free text; missing or null means ""
Text = str


_DROP = object()
#: fields where "" means "not given" (besides enums): optional references, numbers, dates
_EMPTY_IS_NONE = frozenset({"reports_to", "amount", "close_date", "tier", "competitors", "decision_chain", "attrs"})


_ALL_FIELDS: dict[type, set[str]] = {}


def _all_fields(cls: type[BaseModel]) -> set[str]:
    # one shared "fields set" per class: every field of a trusted record is set, and
    # pydantic only ever adds names to it, which are then already there
    _ALL_FIELDS[cls] = set(cls.model_fields)
    return _ALL_FIELDS[cls]


def trusted(cls: type[BaseModel], values: dict[str, Any]) -> Any:
    """Build a model from values already known to be valid and complete (read back from a
    store that only ever received validated records) without any validation: about 3x
    cheaper than ``model_construct``. ``values`` must hold every field."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", _ALL_FIELDS.get(cls) or _all_fields(cls))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class Record(BaseModel):
    """Base of all input records: unknown fields are errors, ids are trimmed strings,
    ``null`` or an empty value means "not given" (the default applies)."""

    # ``defer_build``: the validators are built on first use, not at import, so commands
    # that only read trusted records back from a store never pay for them
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, defer_build=True)

    #: enum fields of the class and their enum (filled in per subclass)
    _enum_fields: ClassVar[dict[str, type[_Labelled]]] = {}
    #: fields of the class where "" means "not given"
    _empty_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._enum_fields = {
            name: f.annotation
            for name, f in cls.model_fields.items()
            if isinstance(f.annotation, type) and issubclass(f.annotation, _Labelled)
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
    attrs: dict[str, Any] = Field(default_factory=dict)

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
    closeness: StanceField = Stance.unknown
    solution_acceptance: StanceField = Stance.unknown
    price_acceptance: StanceField = Stance.unknown
    veto: TriField = Tri.unknown
    approver: TriField = Tri.unknown
    reports_to: OptRef = None


class Employee(Record):
    id: Id
    name: Text = ""
    team: Text = ""
    title: Text = ""


class Competitor(Record):
    id: Id
    name: Text = ""


class CompetitorStaff(Record):
    id: Id
    name: Text = ""
    competitor: Id


class Influence(Record):
    """An influence edge. Internal when the source is a key person, external otherwise."""

    source: Id
    target: Id
    strength: StrengthField = Strength.medium


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
    status: StatusField = ProjectStatus.open
    stage: Text = ""
    amount: float | None = None
    close_date: Date | None = None
    decision_chain: list[ChainMember] = Field(default_factory=list)
    competitors: Annotated[list[Id], BeforeValidator(_competitor_list)] = Field(default_factory=list)



class Interaction(Record):
    employee: Id
    person: Id
    date: Date
    kind: Text = ""


class Dataset(BaseModel):
    """One data set (SPEC §3). Every list defaults to empty."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    customers: list[Customer] = Field(default_factory=list)
    key_persons: list[KeyPerson] = Field(default_factory=list)
    employees: list[Employee] = Field(default_factory=list)
    competitors: list[Competitor] = Field(default_factory=list)
    competitor_staff: list[CompetitorStaff] = Field(default_factory=list)
    influences: list[Influence] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    interactions: list[Interaction] = Field(default_factory=list)

    SECTIONS: ClassVar[tuple[str, ...]] = (
        "customers",
        "key_persons",
        "employees",
        "competitors",
        "competitor_staff",
        "influences",
        "projects",
        "interactions",
    )

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.SECTIONS}

    def record_count(self) -> int:
        return sum(self.counts().values())

    def sorted(self) -> "Dataset":
        """A copy with every list in a canonical order (for comparing two stores)."""

        def key(r: BaseModel) -> tuple:
            if isinstance(r, Influence):
                return (r.source, r.target)
            if isinstance(r, Interaction):
                return (r.employee, r.person, r.date.isoformat(), r.kind)
            return (getattr(r, "id"),)

        data = {name: sorted(getattr(self, name), key=key) for name in self.SECTIONS}
        return Dataset(**data)
