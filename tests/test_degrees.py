"""Relationship degrees from interactions (SPEC 4.7)."""

from __future__ import annotations

from datetime import date

import pytest

from brmgraph.analysis.degrees import cooling, degrees, depth_of
from tests.builders import build

TODAY = date(2026, 10, 1)  # 90 days earlier is 2026-07-03


@pytest.mark.parametrize(
    "kind, depth",
    [("greeting", 1), ("like", 1), ("Holiday greeting", 1), ("朋友圈点赞", 1), ("问候", 1),
     ("visit", 2), ("meeting", 2), ("上门拜访", 2),
     ("business consultation", 3), ("technical_consultation", 3), ("技术咨询", 3),
     ("family consultation", 4), ("Career consultation", 4), ("职业发展咨询", 4),
     ("friend", 5), ("mentor", 5), ("导师", 5),
     ("", 0), ("lunch", 0), ("likely", 0)],
)
def test_depth_of(kind, depth):
    assert depth_of(kind) == depth


def _graph():
    x = lambda e, p, d, k: {"employee": e, "person": p, "date": d, "kind": k}  # noqa: E731
    return build(
        ["A", "B", "C", "D"],
        [],
        employees={"E1": "East", "E2": "West"},
        interactions=[
            x("E1", "A", "2024-10-01", "greeting"),      # first: 2 years ago (731 days / 365.25 = 2.00)
            x("E1", "A", "2026-07-03", "meeting"),       # exactly 90 days ago: in the window
            x("E1", "A", "2026-09-30", "technical consultation"),
            x("E2", "A", "2026-07-02", "friend"),        # 91 days ago: outside
            x("E1", "B", "2026-07-02", "visit"),         # B: only 91 days ago -> cooling
            x("E2", "D", "2026-10-02", "mentor"),        # after today: ignored -> D cooling
        ],
    )


def test_degrees():
    got = [(d.employee, d.person, d.frequency, d.length_years, d.depth, d.interactions) for d in degrees(_graph(), TODAY)]
    assert got == [
        ("E1", "A", 2, 2.0, 3, 3),
        ("E1", "B", 0, 0.25, 2, 1),  # 91 / 365.25 = 0.249 -> 0.25
        ("E2", "A", 0, 0.25, 5, 1),
    ]


def test_cooling():
    # A has interactions inside the window; B only 91 days ago; C none; D only in the future.
    assert cooling(_graph(), TODAY) == ["B", "C", "D"]
