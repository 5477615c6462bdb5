"""Opening stores for a question: the one place (outside :mod:`brmgraph.store`) that
opens a store, reads a past state (``--as-of``) and names a store's generation.

A service function takes ``store`` as a URL (``None``: ``$BRM_STORE``, else
``sqlite:///brm.db``) or an already open :class:`~brmgraph.store.Store`, which it uses
as it is and never closes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from ..store import Store, open_store
from ..store.base import StoreDamaged
from ..store.history import parse_time

if TYPE_CHECKING:
    from ..model import Dataset

#: what every service function accepts as its store
StoreLike = Store | str | None

__all__ = [
    "Store", "StoreDamaged", "StoreLike", "as_of_state", "connect", "generation", "observed_day", "opened",
    "parse_time", "reading",
]


def connect(url: str | None, *, create: bool = False) -> Store:
    """An open store at ``url``, for a caller that keeps it open (a web worker thread)
    and closes it itself."""
    return open_store(url, create=create)


@contextmanager
def opened(store: StoreLike, *, create: bool = False) -> Iterator[Store]:
    """The store to work on: ``store`` itself when it is open, else the store at that
    URL, closed afterwards. Only writers pass ``create``: reading a store that does not
    exist is an error (:class:`~brmgraph.errors.StoreUnavailable`, exit 5)."""
    if isinstance(store, Store):
        yield store
        return
    st = connect(store, create=create)
    try:
        yield st
    finally:
        st.close()


def as_of_state(st: Store, at: str, customer: str | None = None) -> Dataset:
    """The data set as it stood at ``at`` (an ISO time from :func:`parse_time`); with
    ``customer``, only what a question about that customer reads: its sub-graph and the
    employees, competitors and staff (:func:`brmgraph.store.history.customer_state_at`,
    which reads only that customer's history). Every ``--as-of`` read goes through here."""
    if customer is None:
        return st.state_at(at)
    from ..store.history import customer_state_at, shared_state_at

    ds = customer_state_at(st, customer, at)
    shared = shared_state_at(st, at)
    return ds.model_copy(update={s: getattr(shared, s) for s in ("employees", "competitors", "competitor_staff")})


@contextmanager
def reading(
    store: StoreLike, *, as_of: str | None = None, one: bool = False, customer: str | None = None
) -> Iterator[Store]:
    """A store to read from in one consistent snapshot (:meth:`Store.snapshot`), even
    while another process imports; ``one``: the few reads of one customer's question, in
    an optimistic snapshot that takes no lock (:meth:`Store.optimistic_snapshot`). With
    ``as_of`` (a date or an ISO time): an in-memory store holding the data as they stood
    then (its ``url`` is the real store's); with ``customer`` too, only that customer's
    part (:func:`as_of_state`)."""
    if as_of is not None:
        from ..store.sqlite import SqliteStore

        at = parse_time(as_of)
        with reading(store) as real:
            ds = as_of_state(real, at, customer)
            where = real.url
        past = SqliteStore("sqlite:///:memory:")
        try:
            past.import_dataset(ds, replace=True)
            past.url = where
            yield past
        finally:
            past.close()
        return
    with opened(store) as st, (st.optimistic_snapshot() if one else st.snapshot()):
        yield st


def generation(st: Store) -> tuple[int, str] | None:
    """The latest change set ``(id, time)`` of a store (``None`` when empty): it moves with
    every import, so it keys every cached answer."""
    sets = st.changesets()
    return (sets[-1].id, sets[-1].time) if sets else None


def observed_day(as_of: str | None, today: date | None = None) -> date:
    """The reference day of tie strengths read from interactions: ``today`` when given,
    else the day of ``as_of``, else today."""
    if today is not None:
        return today
    if as_of is not None:
        return date.fromisoformat(parse_time(as_of)[:10])
    return date.today()
