"""Observed strength (docs/spec.md §4.8.5): the strength of our employee → key
person ties read from interactions instead of the declared ``strength``.

Per existing influence edge from an employee to a key person, from the §4.7 degrees of
that pair relative to ``today``:

* ``strong`` — an interaction within the last 90 days, and depth ≥ 4 (family or career
  consultation, friend or mentor), or depth 3 with a frequency of at least 3;
* ``weak`` — no interaction within the last 180 days, or depth ≤ 1 (greetings and likes
  only) with a frequency of at most 1;
* ``medium`` — otherwise.

A pair without any interaction (up to ``today``) keeps its declared strength: there is
nothing to observe. Interactions never create a tie that was not declared, and internal
influences and competitor staff ties are left as declared.

>>> from brmgraph.model import Dataset
>>> from datetime import date
>>> ds = Dataset.model_validate({
...     "customers": [{"id": "C1"}], "key_persons": [{"id": "P1", "customer": "C1"}],
...     "employees": [{"id": "E1"}], "influences": [{"source": "E1", "target": "P1", "strength": "weak"}],
...     "interactions": [{"employee": "E1", "person": "P1", "date": "2026-05-01", "kind": "career consultation"}]})
>>> [(i.source, i.target, i.strength.value) for i in with_observed_strength(ds, "C1", date(2026, 6, 1)).influences]
[('E1', 'P1', 'strong')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from types import SimpleNamespace

from ..graph import CustomerGraph
from ..labels import StrengthFrom
from ..model import Dataset, Strength
from .degrees import WINDOW_DAYS, days_before, degrees

__all__ = [
    "STALE_DAYS",
    "StrengthFrom",
    "observed_in",
    "observed_strength",
    "observed_strengths",
    "strength_from",
    "strengths_from",
    "with_observed_strength",
]

#: no interaction for this many days makes a tie weak
STALE_DAYS = 180


def observed_strength(frequency: int, depth: int, last: date, today: date) -> Strength:
    """The rule of the module docstring for one pair's degrees."""
    recent = last >= days_before(today, WINDOW_DAYS)
    if recent and (depth >= 4 or (depth == 3 and frequency >= 3)):
        return Strength.strong
    if last < days_before(today, STALE_DAYS) or (depth <= 1 and frequency <= 1):
        return Strength.weak
    return Strength.medium


def observed_strengths(cg: CustomerGraph, today: date) -> dict[tuple[str, str], Strength]:
    """Observed strength of every employee → key person influence with interactions."""
    ties = {(i.source, i.target) for i in cg.influences if i.source in cg.employees}
    return {
        (d.employee, d.person): observed_strength(d.frequency, d.depth, d.last, today)
        for d in degrees(cg, today)
        if (d.employee, d.person) in ties
    }


def observed_in(ds: Dataset, today: date, customer: str | None = None) -> dict[tuple[str, str], Strength]:
    """:func:`observed_strengths` straight on a data set (every customer in it, or only
    ``customer``'s key persons), without building a graph per customer."""
    employees = {e.id for e in ds.employees}
    persons = {p.id for p in ds.key_persons if customer is None or p.customer == customer}
    ties = {(i.source, i.target) for i in ds.influences if i.source in employees and i.target in persons}
    # degrees() reads only .interactions and .persons of the graph it is given
    view = SimpleNamespace(interactions=[x for x in ds.interactions if (x.employee, x.person) in ties], persons=persons)
    return {
        (d.employee, d.person): observed_strength(d.frequency, d.depth, d.last, today)
        for d in degrees(view, today)  # type: ignore[arg-type]
    }


def with_observed_strength(ds: Dataset, customer: str | None, today: date) -> Dataset:
    """A copy of the data set whose employee ties (of ``customer``'s key persons, or of
    every customer when ``None``) carry their observed strength."""
    obs = observed_in(ds, today, customer)
    if not obs:
        return ds
    influences = [
        i.model_copy(update={"strength": obs[(i.source, i.target)]}) if (i.source, i.target) in obs else i
        for i in ds.influences
    ]
    return ds.model_copy(update={"influences": influences})


def strength_from(ds: Dataset, source: StrengthFrom | str, today: date) -> Dataset:
    """The data set the analyses run on: ``ds`` itself for ``declared``, the
    observed-strength copy for ``interactions``. Every command applies this one
    transform before it builds a :class:`CustomerGraph`, so all analyses agree."""
    if StrengthFrom(source) is StrengthFrom.declared:
        return ds
    return with_observed_strength(ds, None, today)


def strengths_from(datasets: Iterable[Dataset], source: StrengthFrom | str, today: date) -> Iterator[Dataset]:
    """:func:`strength_from` over a stream of customer sub-graphs (batch commands)."""
    for ds in datasets:
        yield strength_from(ds, source, today)
