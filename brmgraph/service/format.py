"""How numbers read, once for every front-end (terminal tables, web pages, maps).

>>> pct(0.625), pct(0.5), pct(None), pct(1)
('62.5%', '50%', '—', '100%')
>>> count(12345)
'12,345'
"""

from __future__ import annotations

#: what a missing figure reads as
MISSING = "—"


def pct(x: float | None) -> str:
    """A share as a percentage: whole percents without decimals, others with one
    (``0.625`` → ``62.5%``); ``None`` → ``—``."""
    if x is None:
        return MISSING
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def count(n: int) -> str:
    """A count with thousands separators (``12345`` → ``12,345``)."""
    return f"{n:,}"
