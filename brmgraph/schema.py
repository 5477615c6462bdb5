"""One declaration per record kind (docs/spec.md §2): its fields with their types,
enumerations, defaults, key, owning customer and which fields are analysts'
assessments, which a CRM sync writes and which a patch may change.

Everything that lists the fields of a record derives from :data:`KINDS`: the input
models (:mod:`brmgraph.model`), the stores' decoders and column lists
(:mod:`brmgraph.store.records`), the SQLite table layout, CSV headers and export, CRM
profile targets and patches.

>>> kind("key_persons").label, kind("key_persons").key, kind("key_persons").customer
('KeyPerson', ('id',), 'customer')
>>> kind("influences").names()
('source', 'target', 'strength')
>>> [f.name for f in kind("key_persons").fields if f.assessment]
['closeness', 'solution_acceptance', 'price_acceptance', 'veto', 'approver']
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

from .labels import EmployeeStatus, Labelled, ProjectStatus, Stance, Strength, Tri

__all__ = ["Field", "Kind", "KINDS", "SECTIONS", "kind", "TYPES"]

#: the field types: ``id`` is a trimmed non-empty identifier (or a reference to one when
#: ``ref`` is set), ``str`` free text, ``enum`` a member of ``Field.enum``, ``json`` a JSON
#: object, ``list`` a list (of ids, or of chain members for a project's decision chain)
TYPES = ("id", "str", "int", "float", "date", "bool", "enum", "json", "list")


@dataclass(frozen=True)
class Field:
    """One field of a record kind."""

    name: str
    type: str
    #: the labelled enum type (:class:`brmgraph.labels.Labelled`) of an ``enum`` field
    enum: builtins.type[Labelled] | None = None
    required: bool = False
    #: the value when not given (``None`` for optional references, numbers and dates)
    default: Any = None
    #: an analyst's judgement (stances, veto, approver, an influence's strength): a CRM
    #: re-sync does not overwrite a stored judgement with "unknown"
    assessment: bool = False
    #: a CRM profile may write it (brmgraph/crm/profile.py's targets)
    crm_owned: bool = False
    #: ``import --patch`` may change it on a stored record
    patchable: bool = False
    doc: str = ""
    #: the section whose id an ``id`` field references (``None``: the record's own id)
    ref: str | None = None
    #: the allowed values of a ``str`` field with a fixed set (a customer's tier)
    choices: tuple[str, ...] = ()
    #: for a ``list``: ``"id"`` (ids of ``ref``) or ``"chain"`` (decision-chain members)
    items: str | None = None

    def empty(self) -> Any:
        """The stored value when the field is not given (a fresh list / dict for json and list)."""
        if self.type == "json":
            return {}
        if self.type == "list":
            return []
        return self.default


@dataclass(frozen=True)
class Kind:
    """One record kind: its input-format section, Neo4j label, key and fields."""

    section: str
    label: str
    key: tuple[str, ...]
    customer: str | None
    fields: tuple[Field, ...]
    #: the singular words for messages ("key person")
    noun: str = ""

    def names(self) -> tuple[str, ...]:
        """The field names, in declaration (column) order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.section} has no field {name!r}")

    def enums(self) -> dict[str, builtins.type[Labelled]]:
        """``{field name: enum type}`` of the ``enum`` fields."""
        return {f.name: f.enum for f in self.fields if f.enum is not None}

    def assessments(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.assessment)

    def crm_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.crm_owned)

    def patchable(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.patchable)

    def properties(self) -> tuple[str, ...]:
        """The fields a graph store keeps as properties of the node (or relationship):
        all but the references to other records, which are relationships there.

        >>> kind("key_persons").properties()[:3], kind("influences").properties()
        (('id', 'name', 'title'), ('strength',))
        """
        return tuple(f.name for f in self.fields if f.ref is None and (f.type != "id" or f.name == "id"))


def _id(name: str = "id", ref: str | None = None, *, crm: bool = False, patch: bool = False, doc: str = "") -> Field:
    return Field(name, "id", required=True, ref=ref, crm_owned=crm, patchable=patch, doc=doc)


def _text(name: str, *, crm: bool = True, patch: bool = True, doc: str = "") -> Field:
    return Field(name, "str", default="", crm_owned=crm, patchable=patch, doc=doc)


def _email(*, crm: bool = True, patch: bool = True) -> Field:
    return Field("email", "str", default="", crm_owned=crm, patchable=patch,
                 doc="an e-mail address (name@domain.tld) or empty")


#: whether a person still holds the job, and since when not (key persons and employees)
_EMPLOYMENT: tuple[Field, ...] = (
    Field("status", "enum", EmployeeStatus, default=EmployeeStatus.active, crm_owned=True, patchable=True,
          doc="active or left"),
    Field("left_on", "date", crm_owned=True, patchable=True, doc="the day the person left; only with status left"),
)


def _stance(name: str, doc: str) -> Field:
    return Field(name, "enum", Stance, default=Stance.unknown, assessment=True, crm_owned=True, patchable=True, doc=doc)


def _tri(name: str, doc: str) -> Field:
    return Field(name, "enum", Tri, default=Tri.unknown, assessment=True, crm_owned=True, patchable=True, doc=doc)


_CUSTOMER = Kind("customers", "Customer", ("id",), None, (
    _id(crm=True),
    _text("name"),
    _text("industry"),
    Field("tier", "str", default="", crm_owned=True, patchable=True, choices=("A", "B", "C", "D", ""),
          doc="A-D (any case) or empty"),
    Field("attrs", "json", crm_owned=True, patchable=True, doc="free JSON object"),
), "customer")

_KEY_PERSON = Kind("key_persons", "KeyPerson", ("id",), "customer", (
    _id(crm=True),
    _id("customer", "customers", crm=True, patch=True, doc="the customer the person works at"),
    _text("name"),
    _text("title"),
    _text("department"),
    _stance("closeness", "how close the person is to us"),
    _stance("solution_acceptance", "acceptance of our solution"),
    _stance("price_acceptance", "acceptance of our price"),
    _tri("veto", "holds a veto"),
    _tri("approver", "sole approver"),
    Field("reports_to", "id", ref="key_persons", crm_owned=True, patchable=True,
          doc="the superior, a key person of the same customer"),
    _email(),
    *_EMPLOYMENT,
), "key person")

_EMPLOYEE = Kind("employees", "Employee", ("id",), None, (
    _id(crm=True),
    _text("name"),
    _text("team"),
    _text("title"),
    _email(),
    *_EMPLOYMENT,
), "employee")

_COMPETITOR = Kind("competitors", "Competitor", ("id",), None, (
    _id(),
    _text("name", crm=False, patch=False),
), "competitor")

_STAFF = Kind("competitor_staff", "CompetitorStaff", ("id",), None, (
    _id(),
    _text("name", crm=False, patch=False),
    _id("competitor", "competitors", doc="the competitor the person works for"),
    _email(crm=False, patch=False),
), "competitor staff member")

_INFLUENCE = Kind("influences", "Influence", ("source", "target"), None, (
    _id("source", crm=True, doc="an employee, key person or competitor staff"),
    _id("target", "key_persons", crm=True, doc="a key person"),
    Field("strength", "enum", Strength, default=Strength.medium, assessment=True, crm_owned=True,
          doc="kept as stored when a CRM re-sync proposes an existing tie"),
), "influence")

_PROJECT = Kind("projects", "Project", ("id",), "customer", (
    _id(crm=True),
    _id("customer", "customers", crm=True, patch=True),
    _text("name"),
    Field("status", "enum", ProjectStatus, default=ProjectStatus.open, crm_owned=True, patchable=True),
    _text("stage"),
    Field("amount", "float", crm_owned=True, patchable=True, doc="finite number"),
    Field("close_date", "date", crm_owned=True, patchable=True),
    Field("decision_chain", "list", crm_owned=True, patchable=True, ref="key_persons", items="chain",
          doc="[{person, role}]: key persons of the project's customer"),
    Field("competitors", "list", patchable=True, ref="competitors", items="id",
          doc="competitor ids (a CSV cell: separated by ; , or |)"),
), "project")

_INTERACTION = Kind("interactions", "Interaction", ("employee", "person", "date", "kind"), None, (
    _id("employee", "employees", crm=True),
    _id("person", "key_persons", crm=True),
    Field("date", "date", required=True, crm_owned=True),
    _text("kind", patch=False),
), "interaction")

#: every record kind by section, in the input format's section order
KINDS: dict[str, Kind] = {
    k.section: k
    for k in (_CUSTOMER, _KEY_PERSON, _EMPLOYEE, _COMPETITOR, _STAFF, _INFLUENCE, _PROJECT, _INTERACTION)
}
#: the sections, in the input format's order
SECTIONS: tuple[str, ...] = tuple(KINDS)

#: a decision chain member (part of a project, not a record kind of its own)
CHAIN_MEMBER: tuple[Field, ...] = (
    _id("person", "key_persons", crm=True),
    _text("role"),
)


def kind(section: str) -> Kind:
    """The declaration of ``section`` (``"key_persons"``); KeyError for an unknown one."""
    return KINDS[section]
