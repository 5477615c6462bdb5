"""Analysis commands (SPEC §5): ``path``, ``coverage``, ``exposure``, ``flags``, ``report``,
``tactics``; and :func:`tour`, the guided tour ``brmgraph demo`` prints.

Presentation only: each command opens the store, reads the customer sub-graph, calls one
function of :mod:`brmgraph.analysis` and prints rich tables, or with ``--json`` exactly the
SPEC §5 shape. Ids are checked against the whole store (unknown person, project,
customer, or employee / team / competitor in ``--perspective``) and reported as one line
with a non-zero exit (NotFound 4, BadArgument 2).

``flags`` reads customers one at a time (``Store.iter_customer_graphs``), collects the
few flag records, and prints them sorted by (project, person) once all customers are
done: JSON lines by default, or CSV with the header ``project,customer,person,reasons``
and the reasons joined by ``;``. A progress bar goes to stderr only when stderr is a
terminal. ``--workers N`` spreads customers over N processes, each opening its own
store (same output). ``--shard i/n`` (1-based) takes every n-th customer in id order starting at
the i-th, so n machines can split a nightly run; ``--fail-on-flags`` exits 3 when any
flag was printed.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import BadArgument, StoreUnavailable
from ..graph import COMPANY, CustomerGraph, Perspective
from ..store import Store
from . import app
from .common import (
    AsOfOpt,
    JsonOpt,
    LangOpt,
    PerspectiveOpt,
    StoreOpt,
    check_lang,
    console,
    err_console,
    print_json,
    store_from,
)

# ------------------------------------------------------------------ labels
_L: dict[str, tuple[str, str]] = {
    "step": ("step", "步"),
    "id": ("id", "编号"),
    "name": ("name", "姓名"),
    "title": ("title", "职务"),
    "department": ("department", "部门"),
    "arc": ("arc", "关系"),
    "cost": ("cost", "代价"),
    "hops": ("hops", "跳数"),
    "person": ("person", "关键人"),
    "status": ("status", "覆盖"),
    "path": ("path", "路径"),
    "veto": ("veto", "一票否决"),
    "approver": ("approver", "一票批准"),
    "reasons": ("reasons", "风险"),
    "closeness": ("closeness", "关系紧密度"),
    "solution": ("solution", "方案认可度"),
    "price": ("price", "价格接受度"),
    "reports_to": ("reports to", "汇报给"),
    "strategy": ("strategy", "关系策略"),
    "tactics": ("tactics", "战术"),
    "project": ("project", "项目"),
    "customer": ("customer", "客户"),
    "role": ("role", "角色"),
    "coverage": ("coverage", "覆盖率"),
    "weighted": ("weighted", "加权覆盖率"),
    "ours": ("ours", "我司"),
    "competitor": ("competitor", "友商"),
    "closer": ("closer", "更近"),
    "out_degree": ("out-degree", "出度"),
    "betweenness": ("betweenness", "中介中心度"),
    "reach": ("reach", "可达决策人"),
    "on_paths": ("on best paths", "最佳路径经过"),
    "employee": ("employee", "员工"),
    "team": ("team", "团队"),
    "direct": ("direct", "直接"),
    "frequency": ("frequency (90 d)", "频度(90天)"),
    "length": ("length (years)", "长度(年)"),
    "depth": ("depth", "深度"),
    "influenced_by": ("influenced by", "受谁影响"),
    "interactions": ("interactions", "互动"),
    "unassessed": ("not yet assessed (veto unknown)", "尚未评估(一票否决未知)"),
    "no_path": ("no path", "无路径"),
    "no_exposed": ("no exposed veto holder or approver", "无风险否决人/批准人"),
    "line_customer": ("Customer line", "客户线"),
    "line_chain": ("Decision-chain line", "决策链"),
    "line_person": ("Key-person line", "关键人"),
    "line_influence": ("Influence line", "影响力"),
    "breadth": ("breadth", "广"),
    "depth_line": ("depth", "深"),
    "transparency": ("transparency", "透"),
    "cooling": ("cooling", "关系降温"),
    "stance_mix": ("stance mix", "态度分布"),
    "decision_makers": ("decision makers", "决策人"),
    "exposure": ("exposure", "风险"),
    "flags": ("flags", "告警"),
    "none": ("none", "无"),
}
_STATUS_ZH = {"direct": "直接", "indirect": "间接", "none": "未覆盖"}
_REASON_ZH = {"UNCOVERED": "未覆盖", "OPPOSED": "反对", "STANCE_UNKNOWN": "态度未知", "COMPETITOR_CLOSER": "友商更近"}
_STANCE_ZH = {"strong_support": "强支持", "support": "支持", "neutral": "中立", "oppose": "反对",
              "strong_oppose": "强反对", "unknown": "未知"}
_TRI_ZH = {"yes": "是", "no": "否", "unknown": "未知"}
_STRENGTH_ZH = {"strong": "强", "medium": "中", "weak": "弱"}
_CLOSER_ZH = {"ours": "我司", "competitor": "友商", "equal": "持平", "neither": "均无"}
_STANCE_STYLE = {"strong_support": "bold green", "support": "green", "neutral": "yellow", "oppose": "red",
                 "strong_oppose": "bold red", "unknown": "dim"}


def t(key: str, lang: str) -> str:
    en, zh = _L[key]
    return zh if lang == "zh" else en


def _v(value: Any, table: dict[str, str], lang: str) -> str:
    s = "" if value is None else str(value)
    return table.get(s, s) if lang == "zh" else s


def _stance(value: str, lang: str) -> str:
    return f"[{_STANCE_STYLE.get(value, '')}]{escape(_v(value, _STANCE_ZH, lang))}[/]"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def _num(x: float | None, nd: int = 2) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def _who(cg: CustomerGraph, node: str) -> str:
    if node in cg.persons:
        p = cg.persons[node]
        return p.name or node
    if node in cg.employees:
        return cg.employees[node].name or node
    if node in cg.staff:
        s = cg.staff[node]
        return f"{s.name or node} ({s.competitor})"
    return node


def _path_text(cg: CustomerGraph, path: list[str], lang: str) -> str:
    if not path:
        return f"[dim]{t('no_path', lang)}[/]"
    return " → ".join(escape(f"{n} {_who(cg, n)}") if _who(cg, n) != n else escape(n) for n in path)


# ------------------------------------------------------------------ store helpers
def customer_graph(st: Store, customer_id: str) -> CustomerGraph:
    """The CustomerGraph of one stored customer (NotFound when unknown)."""
    return CustomerGraph.from_dataset(st.customer_graph(customer_id), customer_id)


def perspective_of(st: Store, text: str | None) -> Perspective:
    """Parse ``--perspective`` and check its employee / team / competitor exists in the store."""
    from ..analysis.paths import check_perspective

    p = Perspective.parse(text)
    if p.kind in ("individual", "team"):
        return check_perspective(p, st.employees(), [])
    if p.kind == "competitor":
        return check_perspective(p, [], st.competitors())
    return p


def _scope(st: Store, project: str | None, customer: str | None) -> tuple[str, str | None]:
    if (project is None) == (customer is None):
        raise BadArgument("give exactly one of --project J or --customer C")
    if project is not None:
        return st.project(project).customer, project
    assert customer is not None
    return customer, None


def _max_cost(n: int) -> int:
    if n < 0:
        raise BadArgument(f"--max-cost must be >= 0, not {n}")
    return n


def _today(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArgument(f"--today must be a date YYYY-MM-DD, not {text!r}") from None


MaxCostOpt = Annotated[int, typer.Option("--max-cost", help="Highest path cost that still counts as covered.")]
ProjectOpt = Annotated[str | None, typer.Option("--project", help="Project id.")]
CustomerOpt = Annotated[str | None, typer.Option("--customer", help="Customer id.")]
TemplateOpt = Annotated[Path | None, typer.Option("--template", help="Company tactics template (YAML or JSON).")]
EmpTemplateOpt = Annotated[
    Path | None, typer.Option("--employee-template", help="Per-employee tactics template, laid over the company one.")
]


# ------------------------------------------------------------------ renderers
def render_path(out: Console, cg: CustomerGraph, res: Any, lang: str = "en") -> None:
    head = f"{t('path', lang)} → {escape(res.target)} {escape(_who(cg, res.target))} · {escape(res.perspective)}"
    if res.cost is None:
        out.print(f"{head}: [red]{t('no_path', lang)}[/]")
        return
    tab = Table(title=f"{head} · {t('cost', lang)} {res.cost}, {t('hops', lang)} {res.hops}")
    for k in ("step", "id", "name", "title", "arc", "cost"):
        tab.add_column(t(k, lang), justify="right" if k in ("step", "cost") else "left")
    prev = None
    for i, n in enumerate(res.path):
        arc = cost = ""
        if prev is not None:
            d = cg.g.edges[prev, n]
            kinds = d["kinds"]
            if any(k.startswith("influences") for k in kinds):
                st = next(
                    (x.strength.value for x in cg.influences if x.source == prev and x.target == n), ""
                )
                arc = ("影响·" + _STRENGTH_ZH.get(st, st)) if lang == "zh" else f"influences ({st})"
            if "reports_down" in kinds:
                arc = arc or ("上级→下级" if lang == "zh" else "superior of")
            if "reports_up" in kinds:
                arc = arc or ("向上引荐" if lang == "zh" else "reports to (referral up)")
            cost = str(d["cost"])
        title = cg.persons[n].title if n in cg.persons else (cg.employees[n].title if n in cg.employees else "")
        tab.add_row(str(i), escape(n), escape(_who(cg, n)), escape(title), arc, cost)
        prev = n
    out.print(tab)


def render_coverage(out: Console, cg: CustomerGraph, res: Any, lang: str = "en") -> None:
    scope = ", ".join(f"{k} {v}" for k, v in res.scope.items())
    tab = Table(
        title=f"{t('coverage', lang)} · {escape(scope)} · {escape(res.perspective)} · max cost {res.max_cost}",
        caption=f"{t('coverage', lang)} {_pct(res.coverage)} · {t('weighted', lang)} {_pct(res.weighted_coverage)}",
    )
    for k in ("person", "name", "veto", "approver", "status", "cost", "path"):
        tab.add_column(t(k, lang), justify="right" if k == "cost" else "left")
    style = {"direct": "green", "indirect": "yellow", "none": "bold red"}
    for m in res.members:
        p = cg.persons[m.person]
        tab.add_row(
            escape(m.person),
            escape(p.name),
            _v(p.veto.value, _TRI_ZH, lang),
            _v(p.approver.value, _TRI_ZH, lang),
            f"[{style[m.status]}]{_v(m.status, _STATUS_ZH, lang)}[/]",
            "—" if m.cost is None else str(m.cost),
            _path_text(cg, m.path, lang),
        )
    if not res.members:
        out.print(f"{tab.title}: {t('decision_makers', lang)}: {t('none', lang)}")
        return
    out.print(tab)


def render_exposure(out: Console, cg: CustomerGraph, res: Any, lang: str = "en") -> None:
    scope = ", ".join(f"{k} {v}" for k, v in res.scope.items())
    title = f"{t('exposure', lang)} · {escape(scope)}"
    if res.exposed:
        tab = Table(title=title)
        for k in ("person", "name", "title", "veto", "approver", "reasons"):
            tab.add_column(t(k, lang))
        for e in res.exposed:
            p = cg.persons[e.person]
            tab.add_row(
                escape(e.person),
                escape(p.name),
                escape(p.title),
                _v(e.veto, _TRI_ZH, lang),
                _v(e.approver, _TRI_ZH, lang),
                "[red]" + ", ".join(_v(r, _REASON_ZH, lang) for r in e.reasons) + "[/]",
            )
        out.print(tab)
    else:
        out.print(f"{title}: [green]{t('no_exposed', lang)}[/]")
    if res.unassessed:
        names = ", ".join(escape(f"{u} {cg.persons[u].name}".strip()) for u in res.unassessed)
        out.print(f"{t('unassessed', lang)}: {names}")


def render_flags(out: Console, records: list[Any], lang: str = "en") -> None:
    if not records:
        out.print(f"{t('flags', lang)}: [green]{t('none', lang)}[/]")
        return
    tab = Table(title=f"{t('flags', lang)} ({len(records)})")
    for k in ("project", "customer", "person", "reasons"):
        tab.add_column(t(k, lang))
    for f in records:
        tab.add_row(escape(f.project), escape(f.customer), escape(f.person),
                    ", ".join(_v(r, _REASON_ZH, lang) for r in f.reasons))
    out.print(tab)


def render_advice(out: Console, cg_person: Any, adv: Any, lang: str = "en") -> None:
    label = adv.label_zh if lang == "zh" else f"{adv.label} ({adv.label_zh})"
    summary = (adv.summary_zh or adv.summary) if lang == "zh" else adv.summary
    out.print(
        f"[bold]{escape(adv.person)} {escape(cg_person.name)}[/] · {t('closeness', lang)} "
        f"{_stance(adv.closeness, lang)} → {t('strategy', lang)} [bold]{escape(label)}[/]"
    )
    if summary:
        out.print(f"  {escape(summary)}")
    tab = Table(show_header=True)
    tab.add_column(t("tactics", lang))
    tab.add_column("", overflow="fold")
    tab.add_column("source" if lang == "en" else "来源", style="dim")
    for x in adv.tactics:
        name = f"{x.name_zh or x.name}" if lang == "zh" else f"{x.name} ({x.name_zh})" if x.name_zh else x.name
        tab.add_row(escape(name), escape(x.body(lang)), x.source)
    out.print(tab)


def render_report(out: Console, cg: CustomerGraph, rep: Any, lang: str = "en") -> None:
    L = rep.lines
    c = L.customer
    out.rule(f"[bold]{escape(rep.customer)} {escape(c.name)}[/] · {escape(rep.perspective)} · {rep.today}")
    # customer line
    tab = Table(title=t("line_customer", lang), show_header=False)
    tab.add_column("")
    tab.add_column("")
    mix = ", ".join(f"{_stance(k, lang)} {n}" for k, n in c.stance_mix.items() if n)
    tab.add_row(t("customer", lang), escape(f"{c.customer} {c.name} · {c.industry} · tier {c.tier or '—'}"))
    tab.add_row(t("stance_mix", lang), f"{c.key_persons} · {mix}")
    tab.add_row(t("breadth", lang), f"{_pct(c.breadth)} ({len(c.covered_departments)}/{len(c.departments)})")
    tab.add_row(t("depth_line", lang), _num(c.depth))
    tab.add_row(t("transparency", lang), _pct(c.transparency))
    tab.add_row(t("coverage", lang), f"{_pct(c.coverage.coverage)} · {t('weighted', lang)} {_pct(c.coverage.weighted_coverage)}")
    tab.add_row(t("decision_makers", lang), escape(", ".join(c.decision_makers)) or "—")
    tab.add_row(t("cooling", lang), escape(", ".join(c.cooling)) or "—")
    out.print(tab)
    render_exposure(out, cg, c.exposure, lang)
    # decision-chain line
    out.rule(t("line_chain", lang))
    for j in L.decision_chain:
        status = _v(j.status, {"open": "进行中", "won": "赢单", "lost": "丢单"}, lang)
        out.print(
            f"[bold]{escape(j.project)} {escape(j.name)}[/] · {status} · {escape(j.stage)}"
            + (f" · {j.amount:,.0f}" if j.amount is not None else "")
            + (f" · {t('competitor', lang)} {escape(', '.join(j.competitors))}" if j.competitors else "")
        )
        tab = Table()
        for k in ("person", "name", "role", "status", "cost", "ours", "competitor", "closer"):
            tab.add_column(t(k, lang))
        status_by = {m.person: m for m in j.coverage.members}
        comp_by = {x.person: x for x in j.comparison}
        for m in j.members:
            mc = status_by.get(m.person)
            cmp_ = comp_by.get(m.person)
            tab.add_row(
                escape(m.person),
                escape(cg.persons[m.person].name) if m.person in cg.persons else "",
                escape(m.role),
                _v(mc.status, _STATUS_ZH, lang) if mc else "",
                "—" if not mc or mc.cost is None else str(mc.cost),
                "—" if not cmp_ or cmp_.ours_cost is None else str(cmp_.ours_cost),
                "—" if not cmp_ or cmp_.competitor_cost is None else str(cmp_.competitor_cost),
                _v(cmp_.closer, _CLOSER_ZH, lang) if cmp_ else "",
            )
        tab.caption = (
            f"{t('coverage', lang)} {_pct(j.coverage.coverage)} · {t('weighted', lang)} {_pct(j.coverage.weighted_coverage)}"
            + "".join(f" · {escape(k.competitor)} {_pct(k.coverage)}" for k in j.competitor_coverage)
        )
        out.print(tab)
        if j.exposure.exposed or j.exposure.unassessed:
            render_exposure(out, cg, j.exposure, lang)
    # key-person line
    out.rule(t("line_person", lang))
    tab = Table()
    for k in ("person", "name", "closeness", "solution", "price", "veto", "approver", "strategy", "cost"):
        tab.add_column(t(k, lang), no_wrap=k == "person", justify="right" if k == "cost" else "left")
    for kp in L.key_person:
        bp = kp.paths[rep.perspective]
        pid = escape(kp.person) + (" [blue]*[/]" if kp.cooling else "")
        tab.add_row(
            f"[bold]{pid}[/]" if kp.decision_maker else pid,
            escape(kp.name),
            _stance(kp.closeness, lang),
            _stance(kp.solution_acceptance, lang),
            _stance(kp.price_acceptance, lang),
            _v(kp.veto, _TRI_ZH, lang),
            _v(kp.approver, _TRI_ZH, lang),
            kp.strategy.label_zh if lang == "zh" else kp.strategy.strategy,
            "—" if bp.cost is None else str(bp.cost),
        )
    tab.caption = ("粗体 = 决策人, * = 关系降温" if lang == "zh" else "bold = decision maker, * = cooling")
    out.print(tab)
    degs = [d for kp in L.key_person for d in kp.degrees]
    if degs:
        tab = Table(title=f"{t('frequency', lang)} / {t('length', lang)} / {t('depth', lang)}")
        for k in ("employee", "person", "frequency", "length", "depth"):
            tab.add_column(t(k, lang), justify="left" if k in ("employee", "person") else "right")
        for d in sorted(degs, key=lambda d: (d.employee, d.person)):
            tab.add_row(escape(d.employee), escape(d.person), str(d.frequency), f"{d.length_years:.2f}", str(d.depth))
        out.print(tab)
    # influence line
    out.rule(t("line_influence", lang))
    tab = Table()
    for k in ("person", "name", "out_degree", "betweenness", "reach", "on_paths"):
        tab.add_column(t(k, lang), justify="left" if k in ("person", "name") else "right")
    for ip in sorted(L.influence.persons, key=lambda x: (-x.reach, -x.betweenness, x.person)):
        tab.add_row(escape(ip.person), escape(cg.persons[ip.person].name), str(ip.out_degree),
                    f"{ip.betweenness:.3f}", str(ip.reach), str(ip.on_best_paths))
    out.print(tab)
    if L.influence.employees or L.influence.competitors:
        tab = Table()
        for k in ("employee", "name", "team", "reach", "direct"):
            tab.add_column(t(k, lang))
        for e in L.influence.employees:
            tab.add_row(escape(e.employee), escape(e.name), escape(e.team), str(e.reach), str(e.direct))
        for k in L.influence.competitors:
            tab.add_row(escape(k.competitor), escape(k.name), t("competitor", lang), str(k.reach), str(k.direct))
        out.print(tab)


# ------------------------------------------------------------------ commands
@app.command("path")
def path_cmd(
    to: Annotated[str, typer.Option("--to", help="Target key person id.")],
    perspective: PerspectiveOpt = "company",
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """Best influence path to a key person (SPEC 4.2): least cost, fewest arcs, smallest ids."""
    from ..analysis.paths import best_path

    check_lang(lang)
    with store_from(store, as_of=as_of) as st:
        persp = perspective_of(st, perspective)
        person = st.key_person(to)
        cg = customer_graph(st, person.customer)
    res = best_path(cg, to, persp)
    if as_json:
        print_json(res)
    else:
        render_path(console, cg, res, lang)


@app.command("coverage")
def coverage_cmd(
    project: ProjectOpt = None,
    customer: CustomerOpt = None,
    perspective: PerspectiveOpt = "company",
    max_cost: MaxCostOpt = 4,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """Decision-chain coverage of a project or customer (SPEC 4.3)."""
    from ..analysis.coverage import coverage

    check_lang(lang)
    _max_cost(max_cost)
    with store_from(store, as_of=as_of) as st:
        cid, pid = _scope(st, project, customer)
        persp = perspective_of(st, perspective)
        cg = customer_graph(st, cid)
    res = coverage(cg, persp, project=pid, max_cost=max_cost)
    if as_json:
        print_json(res)
    else:
        render_coverage(console, cg, res, lang)


@app.command("exposure")
def exposure_cmd(
    project: ProjectOpt = None,
    customer: CustomerOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """Exposed veto holders and sole approvers of a project or customer (SPEC 4.4)."""
    from ..analysis.exposure import exposure

    check_lang(lang)
    with store_from(store, as_of=as_of) as st:
        cid, pid = _scope(st, project, customer)
        cg = customer_graph(st, cid)
    res = exposure(cg, project=pid)
    if as_json:
        print_json(res)
    else:
        render_exposure(console, cg, res, lang)


def shard_of(customer_id: str, n: int) -> int:
    """Stable shard (0..n-1) of a customer: a hash of its id, the same on every machine and
    run (unlike Python's salted ``hash``), and independent of which other customers exist."""
    import hashlib

    digest = hashlib.blake2b(customer_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % n


def _parse_shard(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise BadArgument(f"--shard must look like i/n (e.g. 1/4), not {text!r}") from None
    if n < 1 or not 1 <= i <= n:
        raise BadArgument(f"--shard {text!r}: need 1 <= i <= n")
    return i, n


def collect_flags(st: Store, customer_ids: list[str] | None = None, progress: bool = False) -> list[Any]:
    """Flags of the given (default all) customers, read one customer at a time, sorted."""
    from ..analysis.exposure import flags, sort_flags

    ids = customer_ids if customer_ids is not None else [c.id for c in st.customers()]
    records: list[Any] = []

    def run(tick: Any = None) -> None:
        for ds in st.iter_customer_graphs(ids, interactions=False):  # flags never use them
            cid = ds.customers[0].id
            records.extend(flags(CustomerGraph.from_dataset(ds, cid)))
            if tick:
                tick()

    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("flags"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err_console, transient=True,
        ) as bar:
            task = bar.add_task("customers", total=len(ids))
            run(lambda: bar.advance(task))
    else:
        run()
    return sort_flags(records)


def _flags_chunk(store_url: str, customer_ids: list[str]) -> list[dict]:
    """Worker process: open its own store, compute the flags of some customers."""
    from ..store import open_store

    st = open_store(store_url)
    try:
        return [f.model_dump(mode="json") for f in collect_flags(st, customer_ids)]
    finally:
        st.close()


def collect_flags_parallel(store_url: str, customer_ids: list[str], workers: int, progress: bool = False) -> list[Any]:
    """Flags computed by ``workers`` processes, each opening its own store; sorted."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from ..analysis.exposure import Flag, sort_flags

    size = max(1, min(200, len(customer_ids) // (workers * 4) or 1))
    chunks = [customer_ids[i : i + size] for i in range(0, len(customer_ids), size)]
    records: list[Any] = []
    bar = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("flags"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=err_console, transient=True)
        bar.start()
        task = bar.add_task("customers", total=len(customer_ids))
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_flags_chunk, store_url, c): len(c) for c in chunks}
            for fut in as_completed(futures):
                records.extend(Flag(**d) for d in fut.result())
                if bar is not None:
                    bar.advance(task, futures[fut])
    finally:
        if bar is not None:
            bar.stop()
    return sort_flags(records)


#: flag columns after the first four (CSV)
_FLAG_EXTRA = ("customer_name", "project_name", "person_name", "title", "stage", "amount")


def _flag_extra(d: dict[str, Any]) -> list[Any]:
    return ["" if d.get(k) is None else d[k] for k in _FLAG_EXTRA]


@app.command("flags")
def flags_cmd(
    fmt: Annotated[str, typer.Option("--format", help="jsonl (default) or csv.")] = "jsonl",
    fail_on_flags: Annotated[bool, typer.Option("--fail-on-flags", help="Exit 3 when any flag is printed.")] = False,
    shard: Annotated[
        str | None, typer.Option("--shard", help="i/n (1-based): only the customers whose stable id hash falls in shard i of n.")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes, each with its own store connection.")] = 1,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="T", help='Only flags new since T ("change": "new") or resolved since T ("change": "resolved").'),
    ] = None,
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """Veto holders in open projects' decision chains that we do not reach (UNCOVERED), one
    record per (project, person). For nightly jobs."""
    if fmt not in ("jsonl", "csv"):
        raise BadArgument(f"--format must be jsonl or csv, not {fmt!r}")
    sh = _parse_shard(shard)
    if workers < 1:
        raise BadArgument(f"--workers must be >= 1, not {workers}")
    if as_of is not None or since is not None:
        workers = 1  # the state at a past time lives in this process only
    then: list[Any] | None = None
    if since is not None:
        with store_from(store, as_of=since) as past:
            then = collect_flags(past, None)
    with store_from(store, as_of=as_of) as st:
        ids = [c.id for c in st.customers()]
        if not ids and then is None:
            raise StoreUnavailable(f"store {st.url} holds no customers")
        if sh:
            i, n = sh
            ids = [c for c in ids if shard_of(c, n) == i - 1]
        if workers == 1 or len(ids) < 2:
            records = collect_flags(st, ids, progress=sys.stderr.isatty())
        else:
            url = st.url
    if workers > 1 and len(ids) >= 2:
        records = collect_flags_parallel(url, ids, workers, progress=sys.stderr.isatty())
    out = sys.stdout
    if then is not None:
        from .history import flags_since

        changed = flags_since(records, then)
        if fmt == "csv":
            w = csv.writer(out, lineterminator="\n")
            w.writerow(["project", "customer", "person", "reasons", *_FLAG_EXTRA, "change"])
            for d in changed:
                w.writerow([d["project"], d["customer"], d["person"], ";".join(d["reasons"]),
                            *_flag_extra(d), d["change"]])
        else:
            for d in changed:
                out.write(json.dumps(d, ensure_ascii=False) + "\n")
        out.flush()
        if fail_on_flags and any(d["change"] == "new" for d in changed):
            raise typer.Exit(3)
        return
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["project", "customer", "person", "reasons", *_FLAG_EXTRA])
        for f in records:
            w.writerow([f.project, f.customer, f.person, ";".join(f.reasons), *_flag_extra(f.model_dump())])
    else:
        for f in records:
            out.write(json.dumps(f.model_dump(mode="json"), ensure_ascii=False) + "\n")
    out.flush()
    if fail_on_flags and records:
        raise typer.Exit(3)


@app.command("report")
def report_cmd(
    customer: Annotated[str, typer.Option("--customer", help="Customer id.")],
    perspective: PerspectiveOpt = "company",
    max_cost: MaxCostOpt = 4,
    today: Annotated[str | None, typer.Option("--today", help="Reference date YYYY-MM-DD for interaction figures.")] = None,
    template: TemplateOpt = None,
    employee_template: EmpTemplateOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
    as_of: AsOfOpt = None,
    store: StoreOpt = None,
) -> None:
    """The four lines (customer, decision chain, key person, influence) of a customer."""
    from ..analysis.lines import report
    from ..analysis.strategy import load_template

    check_lang(lang)
    _max_cost(max_cost)
    day = _today(today)
    tpl = load_template(template, employee_template)
    with store_from(store, as_of=as_of) as st:
        persp = perspective_of(st, perspective)
        cg = customer_graph(st, customer)
    rep = report(cg, persp, max_cost=max_cost, today=day, template=tpl)
    if as_json:
        print_json(rep)
    else:
        render_report(console, cg, rep, lang)


@app.command("tactics")
def tactics_cmd(
    person: Annotated[str, typer.Option("--person", help="Key person id.")],
    template: TemplateOpt = None,
    employee_template: EmpTemplateOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = "en",
    store: StoreOpt = None,
) -> None:
    """The relationship strategy for a key person (from closeness) and its tactics (SPEC 4.5)."""
    from ..analysis.strategy import advice, load_template

    check_lang(lang)
    tpl = load_template(template, employee_template)
    with store_from(store) as st:
        kp = st.key_person(person)
    adv = advice(kp, tpl)
    if as_json:
        print_json(adv)
    else:
        render_advice(console, kp, adv, lang)


# ------------------------------------------------------------------ the demo tour
def _pick_customer(st: Store) -> str | None:
    best = None
    for c in st.customers():
        n = sum(1 for j in st.projects(c.id) if j.status.value == "open")
        if best is None or n > best[0]:
            best = (n, c.id)
    return best[1] if best else None


def tour(store_url: str, console: Console, lang: str = "en") -> None:
    """Print the full tour on the store at ``store_url``: the report of the customer with
    the most open projects, the best path to one of its decision makers (preferring a veto
    holder reached through intermediaries), exposure, the nightly flags over all customers,
    and the strategies per key person."""
    from ..analysis.exposure import exposure
    from ..analysis.lines import report
    from ..analysis.paths import best_paths
    from ..analysis.strategy import advice
    from ..store import open_store

    st = open_store(store_url)
    try:
        cid = _pick_customer(st)
        if cid is None:
            console.print("the store holds no customer")
            return
        cg = customer_graph(st, cid)
        records = collect_flags(st)
    finally:
        st.close()
    today = max((x.date for x in cg.interactions), default=date.today())
    console.rule(f"[bold]1. Report: the four lines of {escape(cid)} (company perspective)")
    rep = report(cg, COMPANY, today=today)
    render_report(console, cg, rep, lang)

    console.rule("[bold]2. A path to a decision maker")
    paths = best_paths(cg, COMPANY)
    dms = cg.decision_makers()

    def rank(d: str) -> tuple:
        p = paths[d]
        return (p.cost is None, not is_veto(d), -(p.hops or 0), d)

    def is_veto(d: str) -> bool:
        return cg.persons[d].veto.value == "yes"

    if dms:
        target = min(dms, key=rank)
        console.print(f"$ brmgraph path --to {target}")
        render_path(console, cg, paths[target], lang)
        comp = [k for k in sorted(cg.competitors) if any(s.competitor == k for s in cg.staff.values())]
        if comp:
            persp = Perspective("competitor", "*")
            console.print(f"$ brmgraph path --to {target} --perspective {persp}")
            render_path(console, cg, best_paths(cg, persp)[target], lang)

    console.rule("[bold]3. Exposure: veto holders and approvers at risk")
    console.print(f"$ brmgraph exposure --customer {cid}")
    render_exposure(console, cg, exposure(cg), lang)

    console.rule("[bold]4. Nightly flags over every customer")
    console.print("$ brmgraph flags   (JSON lines; shown as a table here)")
    render_flags(console, records, lang)

    console.rule("[bold]5. Strategies per key person")
    tab = Table()
    for k in ("person", "name", "closeness", "strategy", "tactics"):
        tab.add_column(t(k, lang))
    for pid in sorted(cg.persons):
        adv = advice(cg.persons[pid])
        tab.add_row(
            escape(pid), escape(cg.persons[pid].name), _stance(adv.closeness, lang),
            f"{adv.strategy} {adv.label_zh}", escape(", ".join(x.name for x in adv.tactics)),
        )
    console.print(tab)
    someone = next((p for p in dms if cg.persons[p].closeness.opposing), dms[0] if dms else None)
    if someone:
        console.print(f"$ brmgraph tactics --person {someone}")
        render_advice(console, cg.persons[someone], advice(cg.persons[someone]), lang)

