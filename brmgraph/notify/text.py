"""The words of a digest in English and Chinese: headings, one line per item, the
"and N more" tail. Reason and term labels come from :mod:`brmgraph.labels`; only the
phrases a digest needs beyond them live here."""

from __future__ import annotations

from dataclasses import dataclass

from ..labels import Reason, Term, label
from ..service.digest import Digest, Item

LANGS = ("en", "zh")

#: a reason in words (zh: the labels of brmgraph.labels)
_REASON_EN = {
    "UNCOVERED": "we reach nobody close to them",
    "OPPOSED": "opposes us",
    "STANCE_UNKNOWN": "stance unknown",
    "COMPETITOR_CLOSER": "a competitor is closer",
}

#: what a flag change or a drift event is called
_CHANGE = {
    "new": ("New flag", "新增风险"),
    "resolved": ("Resolved", "已解除"),
    "closeness_worse": ("Closeness worse", "关系紧密度变差"),
    "lost_coverage": ("Coverage lost", "失去覆盖"),
    "path_longer": ("Path longer", "路径变长"),
    "newly_exposed": ("Newly exposed", "新增暴露"),
    "cooling": ("Cooling", "关系降温"),
}


def reason_text(code: str, lang: str) -> str:
    return label(Reason, code, "zh") if lang == "zh" else _REASON_EN.get(code, code)


def change_text(change: str, lang: str) -> str:
    en, zh = _CHANGE.get(change, (change, change))
    return zh if lang == "zh" else en


def more_text(n: int, lang: str) -> str:
    """The tail of a cut list: "and 12 more" / "另有 12 项"."""
    return f"另有 {n} 项" if lang == "zh" else f"and {n} more"


def amount_text(amount: float | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"


def title_text(d: Digest, lang: str) -> str:
    """``brmgraph digest 2026-12-07: 3 new flags, 1 resolved, 2 alerts`` (zh alike);
    also the e-mail subject."""
    c = d.counts()
    if lang == "zh":
        return f"brmgraph 关系日报 {d.today}:新增风险 {c['new']} 项,已解除 {c['resolved']} 项,变化提醒 {c['alerts']} 项"
    return (f"brmgraph digest {d.today}: {_n(c['new'], 'new flag')}, {c['resolved']} resolved, "
            f"{_n(c['alerts'], 'alert')}")


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def since_text(d: Digest, lang: str) -> str:
    return f"自 {d.since[:16].replace('T', ' ')} (UTC) 以来" if lang == "zh" else f"since {d.since[:16].replace('T', ' ')} UTC"


def empty_text(lang: str) -> str:
    return "没有新的变化。" if lang == "zh" else "Nothing changed."


@dataclass(frozen=True)
class Line:
    """One item in words, in parts a channel marks up: ``head`` (what happened),
    ``who`` (the person, linked to ``url``), ``where`` (customer, deal, amount),
    ``why`` (reasons or before → after)."""

    head: str
    who: str
    where: str
    why: str
    url: str | None

    def plain(self) -> str:
        parts = [f"{self.head}: {self.who}", self.where, self.why]
        text = " · ".join(p for p in parts if p)
        return f"{text} {self.url}" if self.url else text


def _value(v: object, lang: str) -> str:
    if v is None:
        return label(Term, "none", lang)
    if isinstance(v, list):
        return "、".join(reason_text(x, lang) for x in v) if lang == "zh" else ", ".join(reason_text(x, lang) for x in v)
    return str(v)


#: longest name, title or deal name in a line (the rest is cut with "…"), so every line
#: fits in the smallest message (WeCom: 4,096 bytes)
FIELD_LIMIT = 160


def _cut(text: str) -> str:
    return text if len(text) <= FIELD_LIMIT else text[:FIELD_LIMIT] + "…"


def line(it: Item, lang: str) -> Line:
    sep = "、" if lang == "zh" else ", "
    who = _cut(it.person_name or it.person)
    if it.title:
        who += f"({_cut(it.title)})" if lang == "zh" else f" ({_cut(it.title)})"
    where = [_cut(it.customer_name or it.customer)]
    if it.project is not None:
        where.append(_cut(it.project_name or it.project))
    if it.amount is not None:
        where.append(amount_text(it.amount))
    if it.kind == "flag":
        why = sep.join(reason_text(r, lang) for r in it.reasons)
    elif it.change == "newly_exposed":
        why = sep.join(reason_text(r, lang) for r in it.reasons if r not in (it.before or []))
    elif it.change == "cooling":  # days since the last interaction, then and now (docs/spec.md §4.9.6)
        days = "天未联系" if lang == "zh" else " days since the last contact"
        why = f"{_value(it.before, lang)} → {_value(it.after, lang)}{days}"
    else:
        why = f"{_value(it.before, lang)} → {_value(it.after, lang)}"
    return Line(head=change_text(it.change, lang), who=who, where=" — ".join(where), why=why, url=it.url)
