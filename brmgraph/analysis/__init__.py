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
``plan``       the next relationships to build (issue 13)
``health``     deal health of an open project (issue 13)
``whatif``     the analyses on a changed copy, nothing written (issue 13)
``risk``       per employee, the flags that would be new if they left (issue 13)
=============  ==========================================================
"""

from __future__ import annotations

from .coverage import CoverageResult, MemberCoverage, coverage
from .degrees import Degree, cooling, degrees
from .exposure import ExposedPerson, ExposureResult, Flag, exposure, flags, sort_flags
from .health import health
from .lines import Report, report
from .paths import PathResult, best_path, best_paths, check_perspective
from .plan import PlanResult, plan
from .risk import RiskResult, risk
from .strategy import StrategyAdvice, Template, advice, load_template, strategy_key
from .whatif import Change, WhatIfResult, flag_changes, whatif_scope

__all__ = [
    "Change",
    "CoverageResult",
    "Degree",
    "ExposedPerson",
    "ExposureResult",
    "Flag",
    "MemberCoverage",
    "PathResult",
    "PlanResult",
    "Report",
    "RiskResult",
    "StrategyAdvice",
    "Template",
    "WhatIfResult",
    "advice",
    "best_path",
    "best_paths",
    "check_perspective",
    "cooling",
    "coverage",
    "degrees",
    "exposure",
    "flag_changes",
    "flags",
    "health",
    "load_template",
    "plan",
    "report",
    "risk",
    "sort_flags",
    "strategy_key",
    "whatif_scope",
]
