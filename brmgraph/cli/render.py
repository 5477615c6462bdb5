"""Readable output: the rich tables and lines each analysis command prints.

Every function takes the console to print on, so the demo tour and tests can record it.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..graph import CustomerGraph

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


def stance(value: str, lang: str) -> str:
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
        f"{stance(adv.closeness, lang)} → {t('strategy', lang)} [bold]{escape(label)}[/]"
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
    mix = ", ".join(f"{stance(k, lang)} {n}" for k, n in c.stance_mix.items() if n)
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
            stance(kp.closeness, lang),
            stance(kp.solution_acceptance, lang),
            stance(kp.price_acceptance, lang),
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


