"""Analyses of SPEC §4: pure functions over a :class:`~brmgraph.graph.CustomerGraph`
returning pydantic results.

=============  ==========================================================
module         analysis
=============  ==========================================================
``paths``      best influence paths (4.2), one multi-source search
``coverage``   decision-chain coverage (4.3)
``exposure``   veto / approver exposure (4.4) and ``flags``
``strategy``   relationship strategy and tactics templates (4.5)
``lines``      the four lines from one perspective (4.6), ``report``
``degrees``    frequency, length, depth; cooling key persons (4.7)
=============  ==========================================================
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .coverage import CoverageResult, MemberCoverage, coverage
from .degrees import Degree, cooling, degrees
from .exposure import ExposedPerson, ExposureResult, Flag, exposure, flags, sort_flags
from .paths import PathResult, best_path, best_paths, check_perspective

if TYPE_CHECKING:
    from .lines import Report, report
    from .strategy import StrategyAdvice, Template, advice, load_template, strategy_key

#: names of the report and strategy modules, imported on first use: a command that only
#: needs paths or flags does not pay for them (CLI start-up, issue 14)
_LAZY = {
    "Report": "lines", "report": "lines",
    "StrategyAdvice": "strategy", "Template": "strategy", "advice": "strategy",
    "load_template": "strategy", "strategy_key": "strategy",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "CoverageResult",
    "Degree",
    "ExposedPerson",
    "ExposureResult",
    "Flag",
    "MemberCoverage",
    "PathResult",
    "Report",
    "StrategyAdvice",
    "Template",
    "advice",
    "best_path",
    "best_paths",
    "check_perspective",
    "cooling",
    "coverage",
    "degrees",
    "exposure",
    "flags",
    "load_template",
    "report",
    "sort_flags",
    "strategy_key",
]
