"""The bundled sample company and the guided tour ``brmgraph demo`` prints.

:func:`load_demo` imports the sample data set into a brand-new embedded store;
:func:`build_tour` computes everything the tour shows (the CLI only prints it): the report
of the customer with the most open projects, the best path to one of its decision makers
(preferring a veto holder reached through intermediaries), exposure, the nightly flags
over all customers, and the strategy for each key person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from .analysis.context import AnalysisContext
from .analysis.exposure import ExposureResult, Flag, exposure
from .analysis.lines import Report, report
from .analysis.paths import PathResult
from .analysis.strategy import StrategyAdvice, advice
from .batch import collect_flags
from .errors import BadArgument
from .graph import ALL_COMPETITORS, COMPANY, CustomerGraph
from .store import Store, open_store

DEMO_FILE = "demo.yaml"
DEMO_FOLDER = Path("brmgraph-demo")


def demo_data_path() -> Path:
    """Path of the bundled demo data set."""
    return Path(str(resources.files("brmgraph") / "data" / DEMO_FILE))


def new_folder(base: Path = DEMO_FOLDER) -> Path:
    """``base`` when it does not exist yet, else the first free ``base-2``, ``base-3``..."""
    if not base.exists():
        return base
    for n in range(2, 1000):
        cand = base.with_name(f"{base.name}-{n}")
        if not cand.exists():
            return cand
    raise BadArgument(f"cannot find a free folder name next to {base}")


@dataclass
class DemoStore:
    url: str
    records: int
    counts: dict[str, int]


def load_demo(folder: Path) -> DemoStore:
    """Create ``folder`` and import the sample company into an embedded store ``brm.db`` in it."""
    from .dataset import import_path
    from .store.sqlite import SqliteStore

    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{(folder / 'brm.db').resolve()}"
    store = SqliteStore(url)
    try:
        summary = import_path(store, demo_data_path())
        counts = store.counts()
    finally:
        store.close()
    return DemoStore(url, summary.records, counts)


@dataclass
class Tour:
    """What the tour shows, in the order it shows it."""

    customer: str
    cg: CustomerGraph
    report: Report
    target: str | None  # the decision maker whose path is shown
    path: PathResult | None
    competitor_path: PathResult | None  # to the same target, from every competitor
    exposure: ExposureResult
    flags: list[Flag]
    advice: dict[str, StrategyAdvice]  # every key person, by id
    focus: str | None  # the key person whose tactics are shown in full


def pick_customer(st: Store) -> str | None:
    """The customer with the most open projects (the first by id on a tie)."""
    best: tuple[int, str] | None = None
    for c in st.customers():
        n = sum(1 for j in st.projects(c.id) if j.status.value == "open")
        if best is None or n > best[0]:
            best = (n, c.id)
    return best[1] if best else None


def build_tour(store_url: str) -> Tour | None:
    """The tour of the store at ``store_url``; ``None`` when it holds no customer."""
    st = open_store(store_url)
    try:
        cid = pick_customer(st)
        if cid is None:
            return None
        cg = CustomerGraph.from_dataset(st.customer_graph(cid), cid)
        records = collect_flags(st)
    finally:
        st.close()
    today = max((x.date for x in cg.interactions), default=date.today())
    ctx = AnalysisContext(cg)  # one search per perspective, shared by every step
    paths = ctx.paths(COMPANY)
    dms = cg.decision_makers()

    def rank(d: str) -> tuple:
        p = paths[d]
        return (p.cost is None, cg.persons[d].veto.value != "yes", -(p.hops or 0), d)

    target = min(dms, key=rank) if dms else None
    path = competitor_path = None
    if target is not None:
        path = paths[target]
        if any(s.competitor in cg.competitors for s in cg.staff.values()):
            competitor_path = ctx.paths(ALL_COMPETITORS)[target]
    adv = {pid: advice(cg.persons[pid]) for pid in sorted(cg.persons)}
    focus = next((p for p in dms if cg.persons[p].closeness.opposing), dms[0] if dms else None)
    return Tour(
        customer=cid,
        cg=cg,
        report=report(ctx, COMPANY, today=today),
        target=target,
        path=path,
        competitor_path=competitor_path,
        exposure=exposure(ctx),
        flags=records,
        advice=adv,
        focus=focus,
    )


def write_demo_maps(store_url: str, folder: Path, tour: Tour) -> list[Path]:
    """The maps of the tour's story, written into ``folder``: the customer map of the
    tour's customer and the project map of each of its open projects (the project of the
    decision maker the tour follows first). Returns their paths."""
    from .maps import map_from_store

    today = max((x.date for x in tour.cg.interactions), default=date.today())
    cid = tour.customer
    projects = sorted(j.id for j in tour.cg.open_projects())
    if tour.target is not None:
        projects.sort(key=lambda jid: all(m.person != tour.target for m in tour.cg.projects[jid].decision_chain))
    out: list[Path] = []
    st = open_store(store_url)
    try:
        m = map_from_store(st, "customer", cid, today=today)
        out.append(m.write(folder / f"map-customer-{cid}.html"))
        for jid in projects:
            m = map_from_store(st, "project", jid, today=today)
            out.append(m.write(folder / f"map-project-{jid}.html"))
    finally:
        st.close()
    return out
