"""Relationship degrees from interactions (docs/spec.md §4.7): frequency, length, depth; cooling.

Per (employee, key person) pair with at least one interaction:

* ``frequency`` — interactions dated within the window of the last 90 days:
  ``today - 90 days <= date <= today`` (both ends included);
* ``length_years`` — years since the first interaction: ``(today - first).days / 365.25``,
  rounded to 2 decimals;
* ``depth`` — the deepest kind seen, 1..5, 0 when no kind is recognised:

  ===  =====================================  =====================================
  5    friend, mentor                          朋友, 导师
  4    family or career consultation          家庭, 职业 (咨询)
  3    business or technical consultation     业务, 技术, 咨询
  2    visit, meeting                          拜访, 会面, 见面, 会议
  1    greeting, like                          问候, 点赞
  ===  =====================================  =====================================

  Kinds are free text, matched case-insensitively on words (English: ``friend``,
  ``mentor``; ``family``, ``career``; ``business``, ``technical``, ``consultation``,
  ``consulting``; ``visit``, ``meeting``; ``greeting``, ``like``, ``greet``) or on the
  Chinese words above as substrings; the deepest match wins ("career consultation" is 4).

Interactions dated after ``today`` are ignored. A key person with no interaction from
anyone in the window is *cooling* (so is a key person with no interaction at all).

>>> depth_of("Technical consultation"), depth_of("朋友圈点赞"), depth_of("lunch")
(3, 1, 0)
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel

from ..graph import CustomerGraph

__all__ = ["WINDOW_DAYS", "DEPTH_LABELS", "Degree", "cooling", "days_before", "degrees", "depth_of"]

WINDOW_DAYS = 90

DEPTH_LABELS = {
    0: ("unclassified", "未分类"),
    1: ("greeting or like", "问候/点赞"),
    2: ("visit or meeting", "拜访/会面"),
    3: ("business or technical consultation", "业务/技术咨询"),
    4: ("family or career consultation", "家庭/职业咨询"),
    5: ("friend or mentor", "朋友/导师"),
}

_EN = [
    (5, {"friend", "friends", "mentor", "mentoring"}),
    (4, {"family", "career"}),
    (3, {"business", "technical", "tech", "consultation", "consulting", "consult"}),
    (2, {"visit", "visits", "meeting", "meetings", "meet"}),
    (1, {"greeting", "greetings", "greet", "like", "likes"}),
]
_ZH = [
    (5, ("朋友", "导师")),
    (4, ("家庭", "职业")),
    (3, ("业务", "技术", "咨询")),
    (2, ("拜访", "会面", "见面", "会议")),
    (1, ("问候", "点赞")),
]


class Degree(BaseModel):
    employee: str
    person: str
    frequency: int
    length_years: float
    depth: int
    interactions: int
    first: date
    last: date


def depth_of(kind: str) -> int:
    """Depth 1..5 of an interaction kind, 0 when not recognised."""
    text = (kind or "").strip().lower()
    words = set(re.split(r"[^a-z]+", text)) - {""}
    best = 0
    for level, keys in _EN:
        if words & keys:
            best = max(best, level)
            break
    zh = text.replace("朋友圈", "")  # 朋友圈点赞 (a like on WeChat Moments) is not friendship
    for level, zh_keys in _ZH:
        if any(k in zh for k in zh_keys):
            best = max(best, level)
            break
    return best


def days_before(today: date, days: int) -> date:
    """``today`` minus ``days``, never before the first day of year 1.

    >>> days_before(date(1, 1, 5), 90)
    datetime.date(1, 1, 1)
    """
    return date.fromordinal(max(1, today.toordinal() - days))


def _in_window(d: date, today: date) -> bool:
    return days_before(today, WINDOW_DAYS) <= d <= today


def degrees(cg: CustomerGraph, today: date) -> list[Degree]:
    """Frequency, length and depth per (employee, key person), sorted by (employee, person)."""
    pairs: dict[tuple[str, str], list] = {}
    for x in cg.interactions:
        if x.date > today or x.person not in cg.persons:
            continue
        pairs.setdefault((x.employee, x.person), []).append(x)
    out = []
    for (e, p), xs in sorted(pairs.items()):
        first = min(x.date for x in xs)
        last = max(x.date for x in xs)
        out.append(
            Degree(
                employee=e,
                person=p,
                frequency=sum(1 for x in xs if _in_window(x.date, today)),
                length_years=round((today - first).days / 365.25, 2),
                depth=max(depth_of(x.kind) for x in xs),
                interactions=len(xs),
                first=first,
                last=last,
            )
        )
    return out


def cooling(cg: CustomerGraph, today: date) -> list[str]:
    """Key persons with no interaction from anyone in the last 90 days, sorted."""
    warm = {x.person for x in cg.interactions if _in_window(x.date, today)}
    return sorted(p for p in cg.persons if p not in warm)
