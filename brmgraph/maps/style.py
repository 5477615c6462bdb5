"""Colours, shapes and edge styles of the maps, and the legend that explains them."""

from __future__ import annotations

import html as _html
import re
from typing import Any

from ..graph import ARC_EXTERNAL, ARC_INTERNAL
from ..model import Stance

# --------------------------------------------------------------------------- language
_CJK = re.compile(r"\s*[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+(?:/[\u3000-\u303f\u3400-\u9fff]+)*")


def bi(text: str, lang: str | None) -> str:
    """One of the maps' own bilingual labels ("English 中文"): as written by default and
    with ``lang="zh"``, English only with ``lang="en"``. Never applied to data (names)."""
    if lang != "en":
        return text
    return re.sub(r"\s{2,}", " ", _CJK.sub("", text)).replace("( ", "(").replace(" )", ")").strip()


def enum_text(value: Any, lang: str | None) -> str:
    """A model enum's value with its Chinese label, or (``lang="en"``) the value alone."""
    text = getattr(value, "value", str(value))
    if lang == "en":
        return text.replace("_", " ")
    return f"{text} {value.zh}" if hasattr(value, "zh") else text


# --------------------------------------------------------------------------- style
#: closeness → fill colour, a diverging red–blue scale (ColorBrewer RdBu) with grey for unknown
CLOSENESS_COLOURS: dict[str, str] = {
    "strong_oppose": "#b2182b",
    "oppose": "#ef8a62",
    "neutral": "#f7f7f7",
    "support": "#67a9cf",
    "strong_support": "#2166ac",
    "unknown": "#bdbdbd",
}
KP_BORDER = "#4d4d4d"
VETO_BORDER = "#67001f"  # dark crimson frame + diamond shape
APPROVER_BORDER = "#d4a017"  # gold frame + star shape
EMPLOYEE_FILL, EMPLOYEE_BORDER = "#1b9e77", "#0b5e46"
STAFF_FILL, STAFF_BORDER = "#7b3294", "#40004b"
CUSTOMER_FILL = "#525252"
COMPETITOR_FILL = "#40004b"
PATH_COLOUR = "#ff8c00"  # best paths within the cost budget: solid orange
OVER_BUDGET_COLOUR = "#8c8c8c"  # best paths over the budget: dashed grey, labelled with their cost
HOVER_COLOUR = "#00a2d4"  # hover and selection: cyan, never the path colour
NOT_REACHED = "NOT REACHED"  # badge on exposed veto holders/approvers and uncovered decision makers
NOT_REACHED_FILL = "#d7191c"
NOT_REACHED_GLOW = "rgba(215,25,28,0.55)"
EXPOSED_FILL = "#a6611a"  # badge on veto holders/approvers exposed for other reasons (opposed, unknown stance, rival closer)

EDGE_REPORTS = "reports_to"
EDGE_INTERNAL = ARC_INTERNAL
EDGE_EXTERNAL = ARC_EXTERNAL
EDGE_WORKS_AT = "works_at"
EDGE_WORKS_FOR = "works_for"
EDGE_REACHES = "reaches"  # aggregated maps: a source influences key persons at a customer

STRENGTH_WIDTH = {"strong": 5.0, "medium": 2.5, "weak": 1.0}
EDGE_STYLE: dict[str, dict[str, Any]] = {
    EDGE_REPORTS: {"color": "#636363", "dashes": False},
    EDGE_INTERNAL: {"color": "#c51b7d", "dashes": [8, 5], "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.18}},
    "external_ours": {"color": EMPLOYEE_FILL, "dashes": False},
    "external_theirs": {"color": STAFF_FILL, "dashes": False},
    EDGE_WORKS_AT: {"color": "#d0d0d0", "dashes": [2, 4], "arrows": ""},
    EDGE_WORKS_FOR: {"color": "#c2a5cf", "dashes": [2, 4], "arrows": ""},
    EDGE_REACHES: {"color": EMPLOYEE_FILL, "dashes": False},
}

ROLE_ZH = {"decision_maker": "决策者", "approver": "批准人", "influencer": "影响者", "user": "使用者", "evaluator": "评估者"}
FEATURE_ROWS = (
    ("closeness", "Closeness 关系紧密度"),
    ("solution_acceptance", "Solution acceptance 方案认可度"),
    ("price_acceptance", "Price acceptance 价格接受度"),
    ("veto", "Veto holder 一票否决人"),
    ("approver", "Sole approver 一票批准人"),
)


def legend_html(lang: str | None = None) -> str:
    """The legend, every entry in the map's language (only our own words: safe to bi())."""
    return "\n".join(bi(part, lang) for part in _legend_parts())


def _legend_parts() -> list[str]:
    def swatch(colour: str, label: str) -> str:
        return f'<div class="row"><span class="dot" style="background:{colour}"></span>{_html.escape(label)}</div>'

    def line(colour: str, label: str, dashed: bool = False, width: float = 3, arrow: bool = False) -> str:
        style = f"border-top:{width}px {'dashed' if dashed else 'solid'} {colour}"
        head = f'<span class="arrow" style="border-left-color:{colour}"></span>' if arrow else ""
        return f'<div class="row"><span class="line" style="{style}"></span>{head}{_html.escape(label)}</div>'

    parts = ['<div class="sec">Gaps first 缺口</div>']
    parts.append(
        f'<div class="row"><span class="badge" style="background:{NOT_REACHED_FILL}">{NOT_REACHED}</span>'
        "decision maker or veto holder / approver we do not reach 未覆盖</div>"
    )
    parts.append(
        f'<div class="row"><span class="badge" style="background:{EXPOSED_FILL}">EXPOSED</span>'
        "veto holder / approver at risk: opposed, stance unknown or a competitor closer 风险</div>"
    )
    parts.append(line(PATH_COLOUR, "best path within the cost limit 最佳路径 (arrow = direction of travel)", width=5, arrow=True))
    parts.append(line(OVER_BUDGET_COLOUR, "best path over the cost limit, labelled with its cost 超出成本", dashed=True, width=4, arrow=True))
    parts.append(line(HOVER_COLOUR, "hovered / selected 选中", width=3))
    parts.append('<div class="sec">Closeness 关系紧密度 (fill)</div>')
    for key in ("strong_support", "support", "neutral", "oppose", "strong_oppose", "unknown"):
        parts.append(swatch(CLOSENESS_COLOURS[key], f"{key.replace('_', ' ')} {Stance(key).zh}"))
    parts.append('<div class="sec">People and organisations 人员</div>')
    parts.append(f'<div class="row"><span class="shape dia" style="border-color:{VETO_BORDER}"></span>veto holder 一票否决人 (diamond, crimson frame)</div>')
    parts.append('<div class="row"><span class="shape star">★</span>sole approver 一票批准人 (star, gold frame)</div>')
    parts.append(f'<div class="row"><span class="shape dia" style="border-color:{APPROVER_BORDER}"></span>veto holder and approver (diamond, gold dashed frame)</div>')
    parts.append('<div class="row"><span class="shape big"></span>decision maker 决策人 (larger)</div>')
    parts.append(f'<div class="row"><span class="shape sq" style="background:{EMPLOYEE_FILL}"></span>our employee 我司员工</div>')
    parts.append(f'<div class="row"><span class="shape tri" style="border-bottom-color:{STAFF_FILL}"></span>competitor staff 友商员工</div>')
    parts.append(f'<div class="row"><span class="shape box" style="background:{CUSTOMER_FILL}"></span>customer 客户 (box)</div>')
    parts.append(f'<div class="row"><span class="shape hex" style="background:{COMPETITOR_FILL}"></span>competitor 友商 (hexagon)</div>')
    parts.append('<div class="sec">Edges 关系 (width = strength 强/中/弱)</div>')
    parts.append(line(EDGE_STYLE[EDGE_REPORTS]["color"], "reports to 汇报 (superior → subordinate)", width=2, arrow=True))
    parts.append(line(EDGE_STYLE[EDGE_INTERNAL]["color"], "internal influence 内部影响", dashed=True, arrow=True))
    parts.append(line(EMPLOYEE_FILL, "our influence 我司影响", arrow=True))
    parts.append(line(STAFF_FILL, "competitor influence 友商影响", arrow=True))
    parts.append(line("#bbbbbb", "works at / for 任职", dashed=True, width=1))
    parts.append('<div class="hint">Hover a node for its card; click a key person to show its own best path.</div>')
    return parts
