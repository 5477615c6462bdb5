"""The digest: what changed since T, as plain data every channel renders
(docs/spec.md §5.5).

Nothing here decides what a flag or a drift event is: the new and resolved flags are
:func:`brmgraph.analysis.exposure.diff_flags` of two :func:`brmgraph.batch.run_flags`
runs (the rule behind ``flags --since``), the events are
:func:`brmgraph.analysis.alerts.alerts` (the rule behind ``alerts --since``). This module
only joins them with names, amounts, the teams working each customer and links.

Sections yet to come (overdue relationship actions, review-queue counts) and per-user
digests are new keys of :class:`Digest` and a new ``audience`` kind when their features
exist; the JSON only grows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..errors import BadArgument

if TYPE_CHECKING:
    from ..model import Dataset
    from ..store import Store

#: the deal-room page of a project and the page of a customer, under ``--base-url``
DEAL_PATH = "/deals/{id}"
CUSTOMER_PATH = "/customers/{id}"


@dataclass(frozen=True)
class Item:
    """One line of a digest: a flag that is new or resolved, or a drift event."""

    kind: str  # "flag" or "alert"
    change: str  # flags: "new" | "resolved"; alerts: the event (closeness_worse, cooling...)
    customer: str
    customer_name: str
    person: str
    person_name: str
    title: str = ""
    project: str | None = None
    project_name: str = ""
    stage: str = ""
    amount: float | None = None
    reasons: tuple[str, ...] = ()
    before: Any = None
    after: Any = None
    teams: tuple[str, ...] = ()
    url: str | None = None

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["reasons"], d["teams"] = list(self.reasons), list(self.teams)
        if self.kind == "flag":
            del d["before"], d["after"]
        return d


@dataclass(frozen=True)
class Digest:
    """What one channel receives. ``audience`` says for whom: ``{"kind": "team"}`` today;
    per-user digests (``{"kind": "user", "user": ID}``) once users exist."""

    since: str
    today: str
    flags: tuple[Item, ...] = ()
    alerts: tuple[Item, ...] = ()
    base_url: str | None = None
    audience: dict[str, str] = field(default_factory=lambda: {"kind": "team"})

    @property
    def items(self) -> tuple[Item, ...]:
        return self.flags + self.alerts

    def counts(self) -> dict[str, int]:
        return {
            "new": sum(1 for f in self.flags if f.change == "new"),
            "resolved": sum(1 for f in self.flags if f.change == "resolved"),
            "alerts": len(self.alerts),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "today": self.today,
            "audience": dict(self.audience),
            "counts": self.counts(),
            "flags": [f.as_json() for f in self.flags],
            "alerts": [a.as_json() for a in self.alerts],
        }

    def filtered(self, *, customers: list[str] | None = None, teams: list[str] | None = None,
                 min_amount: float | None = None) -> Digest:
        """The items a channel's filters keep (docs/spec.md §5.5): of these customers, of
        customers these teams work (an employee of the team has an influence into one of
        its key persons), about deals of at least ``min_amount`` (items about a customer
        as a whole are kept)."""

        def keep(it: Item) -> bool:
            if customers and it.customer not in customers:
                return False
            if teams and not set(teams) & set(it.teams):
                return False
            if min_amount is not None and it.project is not None and (it.amount is None or it.amount < min_amount):
                return False
            return True

        return replace(self, flags=tuple(filter(keep, self.flags)), alerts=tuple(filter(keep, self.alerts)))


def link(base_url: str | None, path: str, ident: str) -> str | None:
    """``base_url`` + ``path`` with ``ident`` url-quoted (no link without a base URL)."""
    if not base_url:
        return None
    return base_url.rstrip("/") + path.format(id=quote(ident, safe=""))


def check_base_url(base_url: str | None) -> str | None:
    if base_url is None:
        return None
    if not base_url.startswith(("http://", "https://")) or any(c in base_url for c in " \t\r\n<>\"'"):
        raise BadArgument(f"--base-url must be an http:// or https:// address, not {base_url!r}")
    return base_url.rstrip("/")


def _teams_by_customer(ds: Dataset) -> dict[str, tuple[str, ...]]:
    """The teams of the employees with an influence into each customer's key persons."""
    team = {e.id: e.team for e in ds.employees if e.team}
    customer_of = {p.id: p.customer for p in ds.key_persons}
    out: dict[str, set[str]] = {}
    for inf in ds.influences:
        t, c = team.get(inf.source), customer_of.get(inf.target)
        if t and c:
            out.setdefault(c, set()).add(t)
    return {c: tuple(sorted(ts)) for c, ts in out.items()}


def compose(store: Store, *, since: str, today: date, max_cost: int, base_url: str | None = None) -> Digest:
    """The team digest of ``store`` since ``since`` (canonical time text) up to ``today``:
    the flags new and resolved since then and the drift events, with names and links."""
    from ..analysis.alerts import alerts
    from ..analysis.exposure import diff_flags
    from ..batch import run_flags
    from .stores import reading

    start = date.fromisoformat(since[:10])
    if start > today:
        raise BadArgument(f"--since {since[:10]} is after today ({today.isoformat()})")
    now_flags = run_flags(None, max_cost=max_cost, store=store)  # the flag cache serves it
    with store.snapshot():
        now_ds = store.export()
        then_ds = store.state_at(since)
    with reading(store, as_of=since) as past:  # the store as it stood then: the rule of flags --since
        then_flags = run_flags(None, max_cost=max_cost, store=past, require_customers=False, cache=False)
    teams = _teams_by_customer(now_ds)
    projects = {j.id: j for j in now_ds.projects}
    flags = tuple(
        Item(kind="flag", change=f.change, customer=f.customer, customer_name=f.customer_name, person=f.person,
             person_name=f.person_name, title=f.title, project=f.project, project_name=f.project_name, stage=f.stage,
             amount=f.amount, reasons=tuple(f.reasons), teams=teams.get(f.customer, ()),
             url=link(base_url, DEAL_PATH, f.project))
        for f in diff_flags(then_flags, now_flags)
    )
    persons = {p.id: p for p in now_ds.key_persons}
    events = []
    for a in alerts(then_ds, now_ds, since=start, today=today, max_cost=max_cost):
        j = projects.get(a.project) if a.project else None
        p = persons.get(a.person)
        events.append(Item(
            kind="alert", change=a.event, customer=a.customer, customer_name=a.customer_name, person=a.person,
            person_name=a.person_name, title=p.title if p else "", project=a.project,
            project_name=j.name if j else "", stage=j.stage if j else "", amount=j.amount if j else None,
            reasons=tuple(a.after) if a.event == "newly_exposed" else (), before=a.before, after=a.after,
            teams=teams.get(a.customer, ()),
            url=link(base_url, DEAL_PATH, a.project) if a.project else link(base_url, CUSTOMER_PATH, a.customer),
        ))
    return Digest(since=since, today=today.isoformat(), flags=flags, alerts=tuple(events), base_url=base_url)
