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

from datetime import date, timedelta

from ..graph import CustomerGraph
from ..model import Dataset, Strength
from .degrees import WINDOW_DAYS, degrees

__all__ = ["STALE_DAYS", "observed_strength", "observed_strengths", "with_observed_strength"]

#: no interaction for this many days makes a tie weak
STALE_DAYS = 180


def observed_strength(frequency: int, depth: int, last: date, today: date) -> Strength:
    """The rule of the module docstring for one pair's degrees."""
    recent = last >= today - timedelta(days=WINDOW_DAYS)
    if recent and (depth >= 4 or (depth == 3 and frequency >= 3)):
        return Strength.strong
    if last < today - timedelta(days=STALE_DAYS) or (depth <= 1 and frequency <= 1):
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


def with_observed_strength(ds: Dataset, customer: str, today: date) -> Dataset:
    """A copy of one customer's data set whose employee ties carry their observed strength."""
    obs = observed_strengths(CustomerGraph.from_dataset(ds, customer), today)
    influences = [
        i.model_copy(update={"strength": obs[(i.source, i.target)]}) if (i.source, i.target) in obs else i
        for i in ds.influences
    ]
    return ds.model_copy(update={"influences": influences})
