"""One vocabulary: the English and Chinese label of every word brmgraph prints.

One labelled-enum type, :class:`Labelled`: a str enum whose value is the key that
appears in data and JSON, with an English and a Chinese label. The enumerations of the
data model (stances, yes/no, strengths, project and employee status) accept their key
in any case or their Chinese label on input (:meth:`Labelled.parse`); the words of the
analyses (coverage status, exposure reasons, "who is closer", arc kinds, the four lines)
and of the tables are labelled the same way. ``label(lang)`` is the only way a table,
map or page turns a member into words.

>>> Reason.UNCOVERED.label("zh"), ArcKind.reports_up.label("en")
('未覆盖', 'reports to (referral up)')
>>> label(Status, "none", "zh"), label(Status, "something else", "zh")
('未覆盖', 'something else')
>>> Term.cost.label("zh")
'代价'
>>> Stance.parse("反对"), Stance.parse(" Strong_Support "), Stance.parse("").zh
(<Stance.oppose: 'oppose'>, <Stance.strong_support: 'strong_support'>, '未知')
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Self

__all__ = [
    "Labelled", "Vocab", "Stance", "Tri", "Strength", "ProjectStatus", "EmployeeStatus",
    "StrengthFrom", "Status", "Reason", "Closer", "ArcKind", "Line", "Term", "label",
]


def _shown(value: Any) -> str:
    from .errors import shown

    return shown(value)


#: each labelled enum's table (key -> (English, Chinese)) and default key
_TABLES: dict[type, tuple[dict[str, tuple[str, str]], str | None]] = {}


class Labelled(str, Enum):
    """A str enum whose members have an English and a Chinese label, given as the class
    keywords ``table`` (key -> (en, zh)) and ``default`` (the key an empty value stands
    for); :meth:`parse` accepts the key in any case or the Chinese label."""

    def __init_subclass__(cls, table: dict[str, tuple[str, str]] | None = None, default: str | None = None,
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _TABLES[cls] = (table or {}, default)

    @classmethod
    def _table(cls) -> dict[str, tuple[str, str]]:
        return _TABLES[cls][0]

    @classmethod
    def default(cls) -> str | None:
        """The key an empty or missing value stands for (``None``: none, it is an error)."""
        return _TABLES[cls][1]

    def label(self, lang: str = "en") -> str:
        en, zh = _TABLES[type(self)][0][self.value]
        return zh if str(lang) == "zh" else en

    @property
    def zh(self) -> str:
        return self.label("zh")

    def __str__(self) -> str:
        return self.value

    @classmethod
    def lookup(cls, text: str) -> Any:
        """The key for ``text`` (key in any case, or Chinese label); ``text`` itself when
        unknown, so that validation reports it."""
        if text in cls._value2member_map_:
            return text
        lowered = text.lower()
        if lowered in cls._value2member_map_:
            return lowered
        for key, (_en, zh) in cls._table().items():
            if text == zh:
                return key
        return text

    @classmethod
    def parse(cls, value: Any) -> Self:
        """The member for ``value``: a member, its key (any case, spaces trimmed) or its
        Chinese label; empty or ``None`` means :meth:`default`. ValueError otherwise."""
        if isinstance(value, cls):
            return value
        if value is not None and not isinstance(value, str):
            raise ValueError(f"expected a string, got {type(value).__name__}")
        text = (value or "").strip()
        default = cls.default()
        if text == "" and default is not None:
            return cls(default)
        key = cls.lookup(text)
        if key in cls._value2member_map_:
            return cls(key)
        raise ValueError(cls.unknown_message(value))

    @classmethod
    def unknown_message(cls, value: Any) -> str:
        allowed = ", ".join(f"{k} ({zh})" for k, (_en, zh) in cls._table().items())
        return f"unknown {cls.__name__.lower()} value {_shown(value)}; allowed: {allowed}"


#: the analyses' words (kept as a name: every :class:`Labelled` prints as its key)
Vocab = Labelled


def _zh(**labels: str) -> dict[str, tuple[str, str]]:
    """A table whose English labels are the keys themselves (the data model's enums)."""
    return {k: (k, zh) for k, zh in labels.items()}


class Stance(Labelled, default="unknown", table=_zh(
    strong_support="强支持", support="支持", neutral="中立", oppose="反对", strong_oppose="强反对", unknown="未知"
)):
    """Attitude of a key person (closeness, solution and price acceptance)."""

    strong_support = "strong_support"
    support = "support"
    neutral = "neutral"
    oppose = "oppose"
    strong_oppose = "strong_oppose"
    unknown = "unknown"

    @property
    def opposing(self) -> bool:
        return self in (Stance.oppose, Stance.strong_oppose)


class Tri(Labelled, default="unknown", table=_zh(yes="是", no="否", unknown="未知")):
    """Yes / no / unknown (veto holder, sole approver)."""

    yes = "yes"
    no = "no"
    unknown = "unknown"


class Strength(Labelled, default="medium", table=_zh(strong="强", medium="中", weak="弱")):
    """Strength of an influence edge."""

    strong = "strong"
    medium = "medium"
    weak = "weak"


class ProjectStatus(Labelled, default="open", table=_zh(open="进行中", won="赢单", lost="丢单")):
    """Status of a project."""

    open = "open"
    won = "won"
    lost = "lost"


class EmployeeStatus(Labelled, default="active", table=_zh(active="在职", left="离职")):
    """Whether a person (our employee or a key person) still holds the job: ``left`` with
    the day in ``left_on``."""

    active = "active"
    left = "left"


def label(enum: type[Enum], value: Any, lang: str = "en") -> str:
    """Label of ``value`` in ``enum`` (a model enum or a :class:`Vocab`); the value
    itself when it is not a member (so unexpected data still prints)."""
    text = "" if value is None else str(getattr(value, "value", value))
    try:
        member = enum(text)
    except ValueError:
        return text
    return member.label(lang)  # type: ignore[attr-defined]  # model enums and Vocab both define label()


class StrengthFrom(str, Enum):
    """Where the strength of our employee → key person ties comes from (docs/spec.md §4.8.5)."""

    declared = "declared"
    interactions = "interactions"


class Status(Vocab, table={"direct": ("direct", "直接"), "indirect": ("indirect", "间接"), "none": ("none", "未覆盖")}):
    """Coverage status of a decision maker (docs/spec.md §4.3)."""

    direct = "direct"
    indirect = "indirect"
    none = "none"


class Reason(Vocab, table={
    "UNCOVERED": ("UNCOVERED", "未覆盖"),
    "OPPOSED": ("OPPOSED", "反对"),
    "STANCE_UNKNOWN": ("STANCE_UNKNOWN", "态度未知"),
    "COMPETITOR_CLOSER": ("COMPETITOR_CLOSER", "友商更近"),
}):
    """Why a veto holder or approver is exposed (docs/spec.md §4.4), in table order."""

    UNCOVERED = "UNCOVERED"
    OPPOSED = "OPPOSED"
    STANCE_UNKNOWN = "STANCE_UNKNOWN"
    COMPETITOR_CLOSER = "COMPETITOR_CLOSER"


class Closer(Vocab, table={
    "ours": ("ours", "我司"), "competitor": ("competitor", "友商"), "equal": ("equal", "持平"), "neither": ("neither", "均无"),
}):
    """Who is closer to a decision maker: us or the project's competitors."""

    ours = "ours"
    competitor = "competitor"
    equal = "equal"
    neither = "neither"


class ArcKind(Vocab, table={
    "reports_down": ("superior of", "上级→下级"),
    "reports_up": ("reports to (referral up)", "向上引荐"),
    "influences_internal": ("influences", "内部影响"),
    "influences_external": ("influences", "外部影响"),
}):
    """The kind of edge behind an arc of a path (docs/spec.md §4.2), in precedence order."""

    reports_down = "reports_down"
    reports_up = "reports_up"
    influences_internal = "influences_internal"
    influences_external = "influences_external"


class Line(Vocab, table={
    "customer": ("Customer line", "客户线"),
    "decision_chain": ("Decision-chain line", "决策链"),
    "key_person": ("Key-person line", "关键人"),
    "influence": ("Influence line", "影响力"),
}):
    """The four lines of a report (四主线), in report order."""

    customer = "customer"
    decision_chain = "decision_chain"
    key_person = "key_person"
    influence = "influence"


_TERMS: dict[str, tuple[str, str]] = {
    "step": ("step", "步"),
    "id": ("id", "编号"),
    "name": ("name", "姓名"),
    "title": ("title", "职务"),
    "department": ("department", "部门"),
    "arc": ("arc", "关系"),
    "cost": ("cost", "代价"),
    "hops": ("hops", "跳数"),
    "person": ("person", "关键人"),
    "status": ("status", "覆盖"),
    "path": ("path", "路径"),
    "veto": ("veto", "一票否决"),
    "approver": ("approver", "一票批准"),
    "reasons": ("reasons", "风险"),
    "closeness": ("closeness", "关系紧密度"),
    "solution": ("solution", "方案认可度"),
    "price": ("price", "价格接受度"),
    "reports_to": ("reports to", "汇报给"),
    "strategy": ("strategy", "关系策略"),
    "tactics": ("tactics", "战术"),
    "project": ("project", "项目"),
    "customer": ("customer", "客户"),
    "role": ("role", "角色"),
    "coverage": ("coverage", "覆盖率"),
    "weighted": ("weighted", "加权覆盖率"),
    "ours": ("ours", "我司"),
    "competitor": ("competitor", "友商"),
    "closer": ("closer", "更近"),
    "out_degree": ("out-degree", "出度"),
    "betweenness": ("betweenness", "中介中心度"),
    "reach": ("reach", "可达决策人"),
    "on_paths": ("on best paths", "最佳路径经过"),
    "employee": ("employee", "员工"),
    "team": ("team", "团队"),
    "direct": ("direct", "直接"),
    "frequency": ("frequency (90 d)", "频度(90天)"),
    "length": ("length (years)", "长度(年)"),
    "depth": ("depth", "深度"),
    "influenced_by": ("influenced by", "受谁影响"),
    "interactions": ("interactions", "互动"),
    "unassessed": ("not yet assessed (veto unknown)", "尚未评估(一票否决未知)"),
    "no_path": ("no path", "无路径"),
    "no_exposed": ("no exposed veto holder or approver", "无风险否决人/批准人"),
    "breadth": ("breadth", "广"),
    "depth_line": ("depth", "深"),
    "transparency": ("transparency", "透"),
    "cooling": ("cooling", "关系降温"),
    "stance_mix": ("stance mix", "态度分布"),
    "decision_makers": ("decision makers", "决策人"),
    "exposure": ("exposure", "风险"),
    "flags": ("flags", "告警"),
    "none": ("none", "无"),
    "health": ("health", "健康度"),
    "red": ("red", "红"),
    "amber": ("amber", "黄"),
    "green": ("green", "绿"),
    "declared": ("declared", "登记强度"),
    "observed": ("observed", "互动强度"),
    "our_ties": ("our ties", "我方关系"),
    "strength_from_interactions": ("strengths from interactions", "关系强度取自互动"),
    "max_cost": ("max cost", "最大代价"),
    "source": ("source", "来源"),
    "key_person_legend": ("bold = decision maker, * = cooling", "粗体 = 决策人, * = 关系降温"),
}

# mypy reads the functional Enum API only with literal members, not a dict built at run time
Term = Vocab("Term", {k: k for k in _TERMS})  # type: ignore[call-overload]
Term.__doc__ = "Words of the tables and pages (column heads, captions)."
_TABLES[Term] = (_TERMS, None)
