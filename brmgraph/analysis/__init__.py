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

from .coverage import CoverageResult, MemberCoverage, coverage
from .degrees import Degree, cooling, degrees
from .exposure import ExposedPerson, ExposureResult, Flag, exposure, flags, sort_flags
from .lines import Report, report
from .paths import PathResult, best_path, best_paths, check_perspective
from .strategy import StrategyAdvice, Template, advice, load_template, strategy_key

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
