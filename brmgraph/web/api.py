"""The JSON bodies of ``brmgraph serve``'s API: each equals the CLI's ``--json`` output
for the same arguments, because both call the same :mod:`brmgraph.service` function and
dump its result the same way.

Each function takes an open store and the request's query parameters (text, as given);
:class:`~brmgraph.errors.NotFound` and :class:`~brmgraph.errors.BadArgument` propagate
(the app turns them into 404 / 400).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..errors import BadArgument
from ..service import questions as ask
from ..service.stores import Store


def jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, list):
        return [jsonable(o) for o in obj]
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    return obj


def path(st: Store, to: str | None, perspective: str | None = None) -> Any:
    if not to:
        raise BadArgument("give the target key person: to=P")
    return jsonable(ask.path(st, to, perspective=perspective).result)


def _one_scope(project: str | None, customer: str | None) -> None:
    if bool(project) == bool(customer):
        raise BadArgument("give exactly one of project=J or customer=C")


def coverage(st: Store, project: str | None, customer: str | None, perspective: str | None = None,
             max_cost: str | None = None) -> Any:
    _one_scope(project, customer)
    return jsonable(ask.coverage(st, project=project, customer=customer, perspective=perspective,
                                 max_cost=max_cost).result)


def exposure(st: Store, project: str | None, customer: str | None, max_cost: str | None = None) -> Any:
    _one_scope(project, customer)
    return jsonable(ask.exposure(st, project=project, customer=customer, max_cost=max_cost).result)


def report(st: Store, customer: str | None, perspective: str | None = None, max_cost: str | None = None,
           today: str | None = None) -> Any:
    if not customer:
        raise BadArgument("give the customer: customer=C")
    return jsonable(ask.report(st, customer, perspective=perspective, max_cost=max_cost, today=today).result)


def flags(st: Store) -> ask.FlagRun:
    """The run of ``brmgraph flags`` (same engine and flag cache); its ``rows`` are the
    records of ``--format jsonl``."""
    return ask.flags(st)


def customers(st: Store) -> list[dict[str, Any]]:
    """One object per customer (see :func:`brmgraph.service.questions.customer_summaries`)."""
    return ask.customer_summaries(st)
