"""Hover cards: the facts about one node, as rows the page renders with ``textContent``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..graph import CustomerGraph
from ..model import CompetitorStaff, Employee, Stance
from ..service.format import pct as format_pct
from .facts import Facts
from .style import FEATURE_ROWS, bi, enum_text


# --------------------------------------------------------------------------- cards
def _stance(s: Stance, lang: str | None = None) -> str:
    return enum_text(s, lang)


def _finish(card: dict[str, Any], lang: str | None, *, sub_is_label: bool = False) -> dict[str, Any]:
    """Row names (always our own words) in the map's language."""
    card["rows"] = [[bi(str(r[0]), lang), r[1]] for r in card["rows"]]
    if sub_is_label:
        card["sub"] = bi(card["sub"], lang)
    return card


def _path_text(names: dict[str, str], cg: CustomerGraph, path: list[str], cost: int | None, lang: str | None = None) -> str:
    if not path:
        return bi("none 无路径", lang)
    label = lambda x: (cg.persons[x].name if x in cg.persons else cg.employees[x].name if x in cg.employees else cg.staff[x].name if x in cg.staff else "") or x  # noqa: E731
    return " → ".join(label(x) for x in path) + f"  (cost {cost}, {len(path) - 1} hop{'s' if len(path) != 2 else ''})"


def name_of(cg: CustomerGraph, x: str) -> str:
    for d in (cg.persons, cg.employees, cg.staff):
        if x in d:
            return d[x].name or x
    return x


def _analysis_rows(facts: Facts, pid: str, *, unassessed: bool) -> list[list[Any]]:
    """What the analyses say of one person, as card rows: best path, coverage, chain roles,
    exposure (and, when ``unassessed``, a veto not yet assessed)."""
    cg, lang = facts.cg, facts.lang
    rows: list[list[Any]] = []
    best = facts.paths.get(pid)
    if best is not None:
        rows.append([f"Best path ({facts.perspective})", _path_text({}, cg, best.path, best.cost, lang)])
    m = facts.members.get(pid)
    if m is not None:
        rows.append(["Coverage 覆盖", f"{m.status} (max cost {facts.coverage.max_cost})"])
    if facts.roles.get(pid):
        rows.append(["Decision chain 决策链", ", ".join(facts.roles[pid])])
    if pid in facts.exposed:
        rows.append(["Exposure 风险", ", ".join(facts.exposed[pid])])
    elif unassessed and pid in facts.unassessed:
        rows.append(["Exposure 风险", bi("veto not yet assessed 未评估", lang)])
    return rows


def person_card(facts: Facts, pid: str) -> dict[str, Any]:
    from ..analysis.degrees import DEPTH_LABELS

    cg = facts.cg
    lang = facts.lang
    p = cg.persons[pid]
    rows: list[list[Any]] = []
    for fieldname, label in FEATURE_ROWS:
        v = getattr(p, fieldname)
        rows.append([label, enum_text(v, lang)])
    rows.append(["Reports to 汇报给", f"{name_of(cg, p.reports_to)} ({p.reports_to})" if p.reports_to else "—"])
    internal = sorted(i.source for i in cg.influences if i.target == pid and i.source in cg.persons)
    ours = sorted(i.source for i in cg.influences if i.target == pid and i.source in cg.employees)
    theirs = sorted(i.source for i in cg.influences if i.target == pid and i.source in cg.staff)
    strength = {(i.source, i.target): i.strength.value for i in cg.influences}
    observed = facts.observed

    def fmt(xs: list[str]) -> str:
        def one(x: str) -> str:
            declared = strength[(x, pid)]
            seen = observed.get((x, pid))
            if seen is not None and seen.value != declared:
                return f"{name_of(cg, x)} ({declared}; observed {seen.value})"
            return f"{name_of(cg, x)} ({declared})"

        return ", ".join(one(x) for x in xs) or "—"

    rows.append(["Influenced by 影响力关系", [f"internal: {fmt(internal)}", f"ours: {fmt(ours)}", f"competitors': {fmt(theirs)}"]])
    influences_out = sorted(i.target for i in cg.influences if i.source == pid)
    if influences_out:
        rows.append(["Influences 影响", ", ".join(f"{name_of(cg, x)}" for x in influences_out)])
    adv = facts.advice.get(pid)
    if adv is not None:
        tactics = [f"· {t.name}" + (f" {t.name_zh}" if t.name_zh else "") for t in adv.tactics[:4]]
        if lang == "en":
            tactics = [f"· {t.name}" for t in adv.tactics[:4]]
        rows.append(["Strategy 关系策略", [adv.label if lang == "en" else f"{adv.label} {adv.label_zh}", *tactics]])
    rows.extend(_analysis_rows(facts, pid, unassessed=True))
    degs = sorted(facts.by_person.get(pid, []), key=lambda d: d.employee)
    if degs:
        lines = [
            f"{name_of(cg, d.employee)}: {d.frequency}×/90d, {d.length_years:g} y, depth {d.depth} {bi(DEPTH_LABELS.get(d.depth, ('', ''))[0], lang)}"
            for d in degs
        ]
    else:
        lines = ["no interactions recorded"]
    if pid in facts.cooling:
        lines.append(bi("COOLING: nobody in touch for 90 days 关系降温", lang))
    rows.append(["Degrees 频度/长度/深度", lines])
    sub = " · ".join(x for x in (p.title, p.department, cg.customer.name or cg.id) if x)
    return _finish({"h": f"{p.name or pid} ({pid})", "sub": sub, "rows": rows}, lang)


def short_person_card(facts: Facts, pid: str) -> dict[str, Any]:
    """The few rows an aggregated map carries per person: stance, path, coverage, exposure."""
    cg = facts.cg
    p = cg.persons[pid]
    lang = facts.lang
    rows: list[list[Any]] = [["Closeness 关系紧密度", _stance(p.closeness, lang)]]
    rows.extend(_analysis_rows(facts, pid, unassessed=False))
    rows.append(["", f"full card: the customer map of {cg.id}"])
    sub = " · ".join(x for x in (p.title, p.department, cg.customer.name or cg.id) if x)
    return _finish({"h": f"{p.name or pid} ({pid})", "sub": sub, "rows": rows}, lang)


def employee_card(e: Employee, facts_list: Sequence[Facts], *, compact: bool = False, lang: str | None = None) -> dict[str, Any]:
    rows: list[list[Any]] = [["Team 团队", e.team or "—"], ["Title 职务", e.title or "—"]]
    if compact:
        n = sum(1 for f in facts_list for i in f.cg.influences if i.source == e.id)
        rows.append(["Influences directly 直接影响", f"{n} key persons; click to show their customers"])
        return _finish({"h": f"{e.name or e.id} ({e.id})", "sub": "our employee 我司员工", "rows": rows}, lang, sub_is_label=True)
    direct: list[str] = []
    degs: list[str] = []
    for f in facts_list:
        cg = f.cg
        for i in sorted(cg.influences, key=lambda i: i.target):
            if i.source == e.id:
                direct.append(f"{name_of(cg, i.target)} @ {cg.customer.name or cg.id} ({i.strength.value})")
        for d in f.by_employee.get(e.id, []):
            degs.append(f"{name_of(cg, d.person)}: {d.frequency}×/90d, {d.length_years:g} y, depth {d.depth}")
    rows.append([f"Influences directly ({len(direct)}) 直接影响", direct[:12] + (["…"] if len(direct) > 12 else []) or ["—"]])
    if degs:
        rows.append(["Degrees 频度/长度/深度", degs[:10] + (["…"] if len(degs) > 10 else [])])
    return _finish({"h": f"{e.name or e.id} ({e.id})", "sub": "our employee 我司员工", "rows": rows}, lang, sub_is_label=True)


def staff_card(
    s: CompetitorStaff, competitor_name: str, facts_list: Sequence[Facts], *, compact: bool = False, lang: str | None = None
) -> dict[str, Any]:
    if compact:
        n = sum(1 for f in facts_list for i in f.cg.influences if i.source == s.id)
        rows0 = [["Competitor 友商", competitor_name], ["Influences directly 直接影响", f"{n} key persons; click to show their customers"]]
        return _finish({"h": f"{s.name or s.id} ({s.id})", "sub": "competitor staff 友商员工", "rows": rows0}, lang, sub_is_label=True)
    direct: list[str] = []
    for f in facts_list:
        cg = f.cg
        for i in sorted(cg.influences, key=lambda i: i.target):
            if i.source == s.id:
                direct.append(f"{name_of(cg, i.target)} @ {cg.customer.name or cg.id} ({i.strength.value})")
    rows = [["Competitor 友商", competitor_name], [f"Influences directly ({len(direct)}) 直接影响", direct[:12] or ["—"]]]
    return _finish({"h": f"{s.name or s.id} ({s.id})", "sub": "competitor staff 友商员工", "rows": rows}, lang, sub_is_label=True)


pct = format_pct  # the one way a share reads, as in the terminal and the web pages
