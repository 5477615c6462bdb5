"""Reading what a user asks about: a perspective, a project-or-customer scope, a maximum
cost, a day. The one place these spellings are parsed and checked, for the CLI, the web
and the maps alike (docs/spec.md §4.1).

>>> parse_perspective("team:East")
Perspective(kind=<PerspectiveKind.team: 'team'>, value='East')
>>> str(parse_perspective(None)), str(parse_perspective("competitor:*"))
('company', 'competitor:*')
>>> parse_max_cost(None), parse_max_cost("3")
(4, 3)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from ..analysis.rules import DEFAULT_MAX_COST
from ..errors import BadArgument, NotFound
from ..graph import Perspective, PerspectiveKind

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "DEFAULT_MAX_COST",
    "check_perspective",
    "parse_day",
    "parse_max_cost",
    "parse_perspective",
    "perspective_in",
    "scope_in",
]

_EXPECTED = {"individual": "employee id", "team": "team", "competitor": "competitor id or *"}


def parse_perspective(text: str | Perspective | None) -> Perspective:
    """A :class:`~brmgraph.graph.Perspective` from its spelling: ``individual:E``,
    ``team:T``, ``company`` (also empty or ``None``), ``competitor:K`` or ``competitor:*``.

    Raises
    ------
    BadArgument
        For any other spelling.

    Examples
    --------
    >>> str(parse_perspective(" Individual : E1 "))
    'individual:E1'
    >>> parse_perspective("boss:E1")
    Traceback (most recent call last):
    ...
    brmgraph.errors.BadArgument: unknown perspective 'boss:E1'; use individual:<employee>, team:<team>, company, competitor:<id> or competitor:*
    """
    if isinstance(text, Perspective):
        return text
    if text is None or text.strip() == "":
        return Perspective("company")
    text = text.strip()
    kind, sep, value = text.partition(":")
    kind = kind.strip().lower()
    value = value.strip()
    if kind == "company":
        if sep and value:
            raise BadArgument(f"perspective {text!r}: 'company' takes no value")
        return Perspective("company")
    if kind in _EXPECTED:
        if not value:
            raise BadArgument(f"perspective {text!r}: expected {kind}:<{_EXPECTED[kind]}>")
        if value == "*" and kind != "competitor":
            raise BadArgument(f"perspective {text!r}: '*' is only allowed as competitor:*")
        return Perspective(kind, value)
    raise BadArgument(
        f"unknown perspective {text!r}; use individual:<employee>, team:<team>, company, competitor:<id> or competitor:*"
    )


def check_perspective(
    perspective: Perspective | str | None,
    employees: Iterable[object],
    competitors: Iterable[object],
) -> Perspective:
    """Parse ``perspective`` and check its value exists among all ``employees`` /
    ``competitors`` (model objects or ids).

    Raises
    ------
    NotFound
        For an unknown employee, team or competitor.
    BadArgument
        For a malformed spelling.

    Examples
    --------
    >>> str(check_perspective("team:East", [], []))
    Traceback (most recent call last):
    ...
    brmgraph.errors.NotFound: unknown team 'East' in perspective 'team:East' (no employee has that team)
    """
    p = parse_perspective(perspective)
    if p.kind is PerspectiveKind.individual:
        ids = {getattr(e, "id", e) for e in employees}
        if p.value not in ids:
            raise NotFound(f"unknown employee {p.value!r} in perspective {str(p)!r}")
    elif p.kind is PerspectiveKind.team:
        teams = {getattr(e, "team", None) for e in employees}
        if p.value not in teams:
            raise NotFound(f"unknown team {p.value!r} in perspective {str(p)!r} (no employee has that team)")
    elif p.kind is PerspectiveKind.competitor and p.value != "*":
        ids = {getattr(k, "id", k) for k in competitors}
        if p.value not in ids:
            raise NotFound(f"unknown competitor {p.value!r} in perspective {str(p)!r}")
    return p


def perspective_in(st: Store, text: str | Perspective | None) -> Perspective:
    """Parse a perspective and check its employee / team / competitor is in the store."""
    p = parse_perspective(text)
    if p.kind in (PerspectiveKind.individual, PerspectiveKind.team):
        return check_perspective(p, st.employees(), [])
    if p.kind is PerspectiveKind.competitor and p.value != "*":
        return check_perspective(p, [], st.competitors())
    return p


def scope_in(
    st: Store, project: str | None, customer: str | None, *, required: bool = True
) -> tuple[str | None, str | None]:
    """``(customer id, project id or None)`` for exactly one of ``project`` / ``customer``
    (at most one when not ``required``: ``(None, None)`` for neither). Unknown ids raise
    NotFound."""
    project, customer = project or None, customer or None
    if project is not None and customer is not None:
        raise BadArgument("give exactly one of --project J or --customer C" if required
                          else "give at most one of --project J and --customer C")
    if project is None and customer is None:
        if required:
            raise BadArgument("give exactly one of --project J or --customer C")
        return None, None
    if project is not None:
        return st.project(project).customer, project
    assert customer is not None
    if customer not in st.customer_ids():
        raise NotFound(f"unknown customer {customer!r}")
    return customer, None


def parse_max_cost(value: int | str | None, what: str = "max_cost") -> int:
    """The highest path cost that counts as covered: :data:`DEFAULT_MAX_COST` when not
    given; a whole number ``>= 0``, else BadArgument."""
    if value is None or value == "":
        return DEFAULT_MAX_COST
    if isinstance(value, int):
        n = value
    else:
        try:
            n = int(value)
        except ValueError:
            raise BadArgument(f"{what} must be a whole number, not {value!r}") from None
    if n < 0:
        raise BadArgument(f"{what} must be >= 0, not {n}")
    return n


def parse_day(text: str | date | None, what: str = "--today") -> date | None:
    """A day ``YYYY-MM-DD`` (``None`` when not given), else BadArgument naming ``what``."""
    if text is None or text == "":
        return None
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArgument(f"{what} must be a date YYYY-MM-DD, not {text!r}") from None
