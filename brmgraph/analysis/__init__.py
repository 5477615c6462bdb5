"""Analyses of docs/spec.md §4: pure functions over a :class:`~brmgraph.graph.CustomerGraph`
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

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .coverage import CoverageResult, MemberCoverage, coverage
    from .degrees import Degree, cooling, degrees
    from .exposure import ExposedPerson, ExposureResult, Flag, exposure, flags, sort_flags
    from .health import health
    from .lines import Report, report
    from .paths import PathResult, best_path, best_paths
    from .plan import PlanResult, plan
    from .risk import RiskResult, risk
    from .strategy import StrategyAdvice, Template, advice, load_template, strategy_key
    from .whatif import Change, WhatIfResult, flag_changes, whatif_scope

#: names of the analysis modules, each imported on first use: a command that only needs
#: paths does not pay for coverage, flags or reports (CLI start-up, issue 14)
_LAZY = {
    "CoverageResult": "coverage", "MemberCoverage": "coverage", "coverage": "coverage",
    "Degree": "degrees", "cooling": "degrees", "degrees": "degrees",
    "ExposedPerson": "exposure", "ExposureResult": "exposure", "Flag": "exposure", "exposure": "exposure",
    "flags": "exposure", "sort_flags": "exposure",
    "PathResult": "paths", "best_path": "paths", "best_paths": "paths",
    "Report": "lines", "report": "lines",
    "StrategyAdvice": "strategy", "Template": "strategy", "advice": "strategy",
    "load_template": "strategy", "strategy_key": "strategy",
    "health": "health",
    "PlanResult": "plan", "plan": "plan",
    "RiskResult": "risk", "risk": "risk",
    "Change": "whatif", "WhatIfResult": "whatif", "flag_changes": "whatif", "whatif_scope": "whatif",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

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
