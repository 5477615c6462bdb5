"""Readable output: the rich tables and lines each analysis command prints.

Every function takes the console to print on, so the demo tour and tests can record it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..labels import ArcKind, Closer, Line, Reason, Status, Term, label
from ..model import KeyPerson, ProjectStatus, Stance, Strength, Tri
from ..service.format import pct

if TYPE_CHECKING:  # only named in annotations: rendering a path does not import the report analyses
    from ..analysis.coverage import CoverageResult
    from ..analysis.exposure import ExposureResult, Flag
    from ..analysis.lines import Report
    from ..analysis.paths import PathResult
    from ..analysis.strategy import StrategyAdvice
    from ..graph import CustomerGraph, Step

# ------------------------------------------------------------------ labels
# colours of the closeness values (presentation only; the words come from Stance.label)
_STANCE_STYLE = {"strong_support": "bold green", "support": "green", "neutral": "yellow", "oppose": "red",
                 "strong_oppose": "bold red", "unknown": "dim"}
_STATUS_STYLE = {"direct": "green", "indirect": "yellow", "none": "bold red"}
_HEALTH_STYLE = {"red": "bold red", "amber": "yellow", "green": "green"}


def t(key: str, lang: str) -> str:
    """A word of the tables (column head, caption) in ``lang``."""
    return Term(key).label(lang)


def stance(value: str, lang: str) -> str:
    return f"[{_STANCE_STYLE.get(value, '')}]{escape(label(Stance, value, lang))}[/]"


def health(value: str | None, lang: str) -> str:
    """`` · health red`` (coloured) for an open project's deal health, empty otherwise."""
    if value is None:
        return ""
    return f" · {t('health', lang)} [{_HEALTH_STYLE.get(value, '')}]{t(value, lang)}[/]"


_pct = pct  # the one way a share reads (brmgraph.service.format)


def _num(x: float | None, nd: int = 2) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def _coverage_text(cov: CoverageResult, lang: str) -> str:
    return f"{_pct(cov.coverage)} · {t('weighted', lang)} {_pct(cov.weighted_coverage)}"


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


# ------------------------------------------------------------------ layout
# Output for people never cuts a value short: a table is printed only when every cell
# fits on its line at the console's width (80 when stdout is not a terminal, or
# $COLUMNS); otherwise the same rows are printed as plain lines, one per row, that are
# never broken. Markdown output (report --format markdown) prints tables as Markdown.


def _plain(obj: Any) -> str:
    if isinstance(obj, Text):
        return obj.plain
    if isinstance(obj, str):
        return Text.from_markup(obj).plain
    return "" if obj is None else str(obj)


def _cells(tab: Table) -> list[list[Any]]:
    cols = [list(c.cells) for c in tab.columns]
    return [list(row) for row in zip(*cols)] if cols else []


def _one_line(cell: Any) -> Any:
    """A cell's markup on one line (a value never spans lines in the plain layout)."""
    return " ".join(cell.split("\n")) if isinstance(cell, str) else _plain(cell).replace("\n", " ")


def fits(out: Console, tab: Table, prose: Iterable[int] = ()) -> bool:
    """True when ``tab`` prints at ``out``'s width without wrapping or cutting any cell
    (the ``prose`` columns may wrap at words, at most 40 characters wide)."""
    for i in prose:
        tab.columns[i].max_width = 40
        tab.columns[i].overflow = "fold"
    wide = Measurement.get(out, out.options.update(max_width=10**6), tab).maximum
    heads = [len(_plain(x)) for x in (tab.title, tab.caption) if x]
    longest_word = max((len(w) for i in prose for c in tab.columns[i].cells for w in _plain(c).split()), default=0)
    return wide <= out.width and max(heads, default=0) <= out.width and longest_word <= 40


def show(out: Console, tab: Table, prose: Iterable[int] = ()) -> None:
    """Print ``tab`` as a table when it fits (see :func:`fits`), else as plain lines."""
    prose = tuple(prose)
    if isinstance(out, MarkdownConsole):
        out.print(tab)
        return
    if fits(out, tab, prose):
        widths = [len(_plain(x)) for x in (tab.title, tab.caption) if x]
        tab.min_width = max(widths, default=0) or None  # a title never wraps
        out.print(tab)
        return
    if tab.title:
        out.print(f"[bold]{tab.title}[/]" if isinstance(tab.title, str) else tab.title)
    heads = [_plain(c.header) for c in tab.columns]
    for row in _cells(tab):
        parts = []
        for h, cell in zip(heads, row):
            text = _one_line(cell)
            if not _plain(text).strip():
                continue
            parts.append(f"{escape(h)}: {text}" if h else text)
        out.print("  " + " · ".join(parts))
    if tab.caption:
        out.print(tab.caption)


def rule(out: Console, title: str) -> None:
    """A section heading: a rule when its title fits on it, else the title on its own line."""
    if isinstance(out, MarkdownConsole) or len(_plain(title)) + 6 <= out.width:
        out.rule(title)
    else:
        out.print(f"── {title}")


class MarkdownConsole(Console):
    """A console that writes Markdown: tables as Markdown tables, rules as headings,
    everything else as plain paragraphs (``report --format markdown``)."""

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for obj in objects:
            text = _markdown_table(obj) if isinstance(obj, Table) else _md_text(_plain(obj)) + "\n"
            super().print(text, markup=False, highlight=False, soft_wrap=True, emoji=False)

    def rule(self, title: Any = "", **kwargs: Any) -> None:  # type: ignore[override]
        super().print(f"\n## {_md_text(_plain(title))}\n", markup=False, highlight=False, soft_wrap=True, emoji=False)


def _md_text(text: str) -> str:
    """Text safe in Markdown: ``*`` escaped (ids keep their ``_``, which Markdown leaves
    alone inside words)."""
    return text.replace("*", "\\*")


def _md_cell(obj: Any) -> str:
    return _md_text(_plain(obj)).replace("|", "\\|").replace("\n", "<br>")


def _markdown_table(tab: Table) -> str:
    lines = []
    if tab.title:
        lines.append(f"**{_md_text(_plain(tab.title))}**\n")
    heads = [_md_cell(c.header) if tab.show_header else "" for c in tab.columns]
    lines.append("| " + " | ".join(heads) + " |")
    lines.append("|" + "|".join("---:" if c.justify == "right" else "---" for c in tab.columns) + "|")
    for row in _cells(tab):
        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    if tab.caption:
        lines.append(f"\n{_md_text(_plain(tab.caption))}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ renderers
def render_path(out: Console, cg: CustomerGraph, res: PathResult, lang: str = "en") -> None:
    head = f"{t('path', lang)} → {escape(res.target)} {escape(_who(cg, res.target))} · {escape(res.perspective)}"
    if res.cost is None:
        out.print(f"{head}: [red]{t('no_path', lang)}[/]")
        return
    tab = Table(title=f"{head} · {t('cost', lang)} {res.cost}, {t('hops', lang)} {res.hops}")
    for k in ("step", "id", "name", "title", "arc", "cost"):
        tab.add_column(t(k, lang), justify="right" if k in ("step", "cost") else "left")
    for i, n in enumerate(res.path):
        step = res.steps[i - 1] if i else None  # the arc that arrives at n
        title = cg.persons[n].title if n in cg.persons else (cg.employees[n].title if n in cg.employees else "")
        tab.add_row(str(i), escape(n), escape(_who(cg, n)), escape(title),
                    _arc_text(cg, step, lang) if step else "", str(step.cost) if step else "")
    show(out, tab)


def _arc_text(cg: CustomerGraph, step: Step, lang: str) -> str:
    """The kind of the step's arc, with the strength when it is an influence."""
    kind = ArcKind(step.kind)
    text = kind.label(lang)
    if kind in (ArcKind.influences_internal, ArcKind.influences_external):
        strength = next((x.strength for x in cg.influences if x.source == step.from_ and x.target == step.to), None)
        if strength is not None:
            text += f"·{strength.label(lang)}" if lang == "zh" else f" ({strength.label(lang)})"
    return escape(text)


def render_coverage(out: Console, cg: CustomerGraph, res: CoverageResult, lang: str = "en") -> None:
    scope = ", ".join(f"{k} {v}" for k, v in res.scope.items())
    tab = Table(
        title=f"{t('coverage', lang)} · {escape(scope)} · {escape(res.perspective)} · "
        f"{t('max_cost', lang)} {res.max_cost}",
        caption=f"{t('coverage', lang)} {_pct(res.coverage)} · {t('weighted', lang)} {_pct(res.weighted_coverage)}"
        + health(res.health, lang),
    )
    for k in ("person", "name", "veto", "approver", "status", "cost", "path"):
        tab.add_column(t(k, lang), justify="right" if k == "cost" else "left")
    for m in res.members:
        p = cg.persons[m.person]
        tab.add_row(
            escape(m.person),
            escape(p.name),
            label(Tri, p.veto, lang),
            label(Tri, p.approver, lang),
            f"[{_STATUS_STYLE[m.status]}]{label(Status, m.status, lang)}[/]",
            "—" if m.cost is None else str(m.cost),
            _path_text(cg, m.path, lang),
        )
    if not res.members:
        out.print(f"{tab.title}: {t('decision_makers', lang)}: {t('none', lang)}{health(res.health, lang)}")
        return
    show(out, tab)


def render_exposure(out: Console, cg: CustomerGraph, res: ExposureResult, lang: str = "en") -> None:
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
                label(Tri, e.veto, lang),
                label(Tri, e.approver, lang),
                "[red]" + ", ".join(label(Reason, r, lang) for r in e.reasons) + "[/]",
            )
        show(out, tab)
    else:
        out.print(f"{title}: [green]{t('no_exposed', lang)}[/]")
    if res.unassessed:
        names = ", ".join(escape(f"{u} {cg.persons[u].name}".strip()) for u in res.unassessed)
        out.print(f"{t('unassessed', lang)}: {names}")


def render_flags(out: Console, records: list[Flag], lang: str = "en") -> None:
    if not records:
        out.print(f"{t('flags', lang)}: [green]{t('none', lang)}[/]")
        return
    tab = Table(title=f"{t('flags', lang)} ({len(records)})")
    for k in ("project", "customer", "person", "reasons"):
        tab.add_column(t(k, lang))
    for f in records:
        tab.add_row(escape(f.project), escape(f.customer), escape(f.person),
                    ", ".join(label(Reason, r, lang) for r in f.reasons))
    show(out, tab)


def render_advice(out: Console, cg_person: KeyPerson, adv: StrategyAdvice, lang: str = "en") -> None:
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
    tab.add_column(t("source", lang), style="dim")
    for x in adv.tactics:
        name = f"{x.name_zh or x.name}" if lang == "zh" else f"{x.name} ({x.name_zh})" if x.name_zh else x.name
        tab.add_row(escape(name), escape(x.body(lang)), x.source)
    show(out, tab, prose=(1,))


def _render_ties(out: Console, rep: Report, lang: str) -> None:
    """Our employees' ties and interactions per (employee, person): the declared and the
    observed strength (docs/spec.md §4.8.5, highlighted where they differ), frequency, length, depth."""
    degs = {(d.employee, d.person): d for kp in rep.lines.key_person for d in kp.degrees}
    ties = {(o.source, kp.person): o for kp in rep.lines.key_person for o in kp.influenced_by.ours}
    if not degs and not ties:
        return
    tab = Table(title=f"{t('our_ties', lang)} · {t('frequency', lang)} / {t('length', lang)} / {t('depth', lang)}")
    for k in ("employee", "person", "declared", "observed", "frequency", "length", "depth"):
        tab.add_column(t(k, lang), justify="left" if k in ("employee", "person", "declared", "observed") else "right")
    for key in sorted(degs.keys() | ties.keys()):
        d, o = degs.get(key), ties.get(key)
        declared = label(Strength, o.strength, lang) if o else "—"
        seen = "—"
        if o and o.observed_strength:
            seen = label(Strength, o.observed_strength, lang)
            if o.observed_strength != o.strength:
                seen = f"[bold]{seen}[/]"
        tab.add_row(escape(key[0]), escape(key[1]), declared, seen,
                    *((str(d.frequency), f"{d.length_years:.2f}", str(d.depth)) if d else ("—", "—", "—")))
    show(out, tab)


def render_report(out: Console, cg: CustomerGraph, rep: Report, lang: str = "en") -> None:
    L = rep.lines
    c = L.customer
    observed = rep.strength_from == "interactions"
    rule(out, f"[bold]{escape(rep.customer)} {escape(c.name)}[/] · {escape(rep.perspective)} · {rep.today}"
         + (f" · {t('strength_from_interactions', lang)}" if observed else ""))
    # customer line
    tab = Table(title=Line.customer.label(lang), show_header=False)
    tab.add_column("")
    tab.add_column("")
    mix = ", ".join(f"{stance(k, lang)} {n}" for k, n in c.stance_mix.items() if n)
    tab.add_row(t("customer", lang), escape(f"{c.customer} {c.name} · {c.industry} · tier {c.tier or '—'}"))
    tab.add_row(t("stance_mix", lang), f"{c.key_persons} · {mix}")
    tab.add_row(t("breadth", lang), f"{_pct(c.breadth)} ({len(c.covered_departments)}/{len(c.departments)})")
    tab.add_row(t("depth_line", lang), _num(c.depth))
    tab.add_row(t("transparency", lang), _pct(c.transparency))
    tab.add_row(t("coverage", lang), _coverage_text(c.coverage, lang))
    tab.add_row(t("decision_makers", lang), escape(", ".join(c.decision_makers)) or "—")
    tab.add_row(t("cooling", lang), escape(", ".join(c.cooling)) or "—")
    show(out, tab)
    render_exposure(out, cg, c.exposure, lang)
    # decision-chain line
    rule(out, Line.decision_chain.label(lang))
    for j in L.decision_chain:
        status = label(ProjectStatus, j.status, lang)
        out.print(
            f"[bold]{escape(j.project)} {escape(j.name)}[/] · {status} · {escape(j.stage)}"
            + (f" · {j.amount:,.0f}" if j.amount is not None else "")
            + (f" · {t('competitor', lang)} {escape(', '.join(j.competitors))}" if j.competitors else "")
            + health(j.health, lang)
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
                label(Status, mc.status, lang) if mc else "",
                "—" if not mc or mc.cost is None else str(mc.cost),
                "—" if not cmp_ or cmp_.ours_cost is None else str(cmp_.ours_cost),
                "—" if not cmp_ or cmp_.competitor_cost is None else str(cmp_.competitor_cost),
                label(Closer, cmp_.closer, lang) if cmp_ else "",
            )
        tab.caption = (
            f"{t('coverage', lang)} {_coverage_text(j.coverage, lang)}"
            + "".join(f" · {escape(k.competitor)} {_pct(k.coverage)}" for k in j.competitor_coverage)
        )
        show(out, tab)
        if j.exposure.exposed or j.exposure.unassessed:
            render_exposure(out, cg, j.exposure, lang)
    # key-person line
    rule(out, Line.key_person.label(lang))
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
            label(Tri, kp.veto, lang),
            label(Tri, kp.approver, lang),
            kp.strategy.label_zh if lang == "zh" else kp.strategy.strategy,
            "—" if bp.cost is None else str(bp.cost),
        )
    tab.caption = t("key_person_legend", lang)
    show(out, tab)
    _render_ties(out, rep, lang)
    # influence line
    rule(out, Line.influence.label(lang))
    tab = Table()
    for k in ("person", "name", "out_degree", "betweenness", "reach", "on_paths"):
        tab.add_column(t(k, lang), justify="left" if k in ("person", "name") else "right")
    for ip in sorted(L.influence.persons, key=lambda x: (-x.reach, -x.betweenness, x.person)):
        tab.add_row(escape(ip.person), escape(cg.persons[ip.person].name), str(ip.out_degree),
                    f"{ip.betweenness:.3f}", str(ip.reach), str(ip.on_best_paths))
    show(out, tab)
    if L.influence.employees or L.influence.competitors:
        tab = Table()
        for k in ("employee", "name", "team", "reach", "direct"):
            tab.add_column(t(k, lang))
        for e in L.influence.employees:
            tab.add_row(escape(e.employee), escape(e.name), escape(e.team), str(e.reach), str(e.direct))
        for cr in L.influence.competitors:
            tab.add_row(escape(cr.competitor), escape(cr.name), t("competitor", lang), str(cr.reach), str(cr.direct))
        show(out, tab)


