"""Relationship strategy (docs/spec.md §4.5): from a key person's closeness to a strategy and tactics.

=================  ==============  ======
closeness          strategy        中文
=================  ==============  ======
strong_oppose      ``suppress``    压制
oppose             ``defuse``      化解
neutral            ``influence``   影响
support            ``activate``    激活
strong_support     ``coordinate``  协同
unknown            ``assess``      摸底
=================  ==============  ======

Templates. The built-in template is ``brmgraph/data/tactics.yaml``. A company template
file and then a per-employee file are laid over it, in that order. Both are YAML (or
JSON) files of this shape::

    strategies:
      defuse:
        mode: add            # "add" (default) or "replace"
        summary: ...         # optional, replaces the summary (also summary_zh)
        remove: [executive_meeting]   # optional: tactic ids to drop
        tactics:
          - id: lunch        # tactics with an existing id replace it in place,
            name: Lunch      # new ids are appended in file order
            name_zh: 午餐
            text: ...
            text_zh: ...

With ``mode: replace`` the file's tactics replace the strategy's whole list. Strategy
keys must be the six above; a tactic needs an ``id`` and a ``name`` (other fields default
to empty, ``name_zh``/``text_zh`` fall back to the English). Each tactic records the
layer that last set it (``builtin``, ``company``, ``employee``). A bad file raises
:class:`~brmgraph.errors.BadArgument` naming the file and the problem; a missing file
raises :class:`~brmgraph.errors.NotFound`.

>>> advice_for = strategy_key("反对")
>>> advice_for
'defuse'
>>> [t.id for t in load_template().strategies["defuse"].tactics][:2]
['root_cause', 'executive_meeting']
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from ..errors import BadArgument, NotFound
from ..model import KeyPerson, Stance

__all__ = [
    "STRATEGY_BY_STANCE",
    "STRATEGY_ZH",
    "Tactic",
    "Strategy",
    "Template",
    "StrategyAdvice",
    "strategy_key",
    "load_template",
    "builtin_template",
    "advice",
]

STRATEGY_BY_STANCE: dict[str, str] = {
    "strong_oppose": "suppress",
    "oppose": "defuse",
    "neutral": "influence",
    "support": "activate",
    "strong_support": "coordinate",
    "unknown": "assess",
}
STRATEGY_ZH: dict[str, str] = {
    "suppress": "压制",
    "defuse": "化解",
    "influence": "影响",
    "activate": "激活",
    "coordinate": "协同",
    "assess": "摸底",
}
STRATEGIES = tuple(STRATEGY_BY_STANCE.values())


class Tactic(BaseModel):
    id: str
    name: str
    name_zh: str = ""
    text: str = ""
    text_zh: str = ""
    source: str = "builtin"

    def label(self, lang: str = "en") -> str:
        return (self.name_zh or self.name) if lang == "zh" else self.name

    def body(self, lang: str = "en") -> str:
        return (self.text_zh or self.text) if lang == "zh" else self.text


class Strategy(BaseModel):
    key: str
    label: str
    label_zh: str
    closeness: str
    summary: str = ""
    summary_zh: str = ""
    tactics: list[Tactic] = []


class Template(BaseModel):
    strategies: dict[str, Strategy]
    layers: list[str] = ["builtin"]


class StrategyAdvice(BaseModel):
    """The strategy for one key person and its tactics."""

    person: str
    closeness: str
    strategy: str
    label: str
    label_zh: str
    summary: str = ""
    summary_zh: str = ""
    tactics: list[Tactic] = []


def strategy_key(stance: Stance | str | None) -> str:
    """Strategy key for a closeness value (English key or Chinese label)."""
    try:
        s = Stance.parse(stance)
    except ValueError as exc:
        raise BadArgument(str(exc)) from None
    return STRATEGY_BY_STANCE[s.value]


def _read(path: Path) -> Any:
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"template file {str(path)!r} not found")
    import yaml  # imported where used: importing the analysis package stays cheap

    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BadArgument(f"template {path}: cannot parse: {first}") from None


class _TacticIn(BaseModel):
    model_config = {"extra": "forbid"}
    id: str
    name: str
    name_zh: str = ""
    text: str = ""
    text_zh: str = ""


class _StrategyIn(BaseModel):
    model_config = {"extra": "forbid"}
    mode: Literal["add", "replace"] = "add"
    label: str | None = None
    label_zh: str | None = None
    closeness: str | None = None
    summary: str | None = None
    summary_zh: str | None = None
    remove: list[str] = []
    tactics: list[_TacticIn] = []


def _overlay(base: dict[str, Strategy], data: Any, where: str, layer: str) -> dict[str, Strategy]:
    if data is None:
        return base
    if not isinstance(data, dict) or not isinstance(data.get("strategies", {}), dict):
        raise BadArgument(f"template {where}: expected a mapping with a 'strategies' mapping")
    extra = set(data) - {"strategies", "version"}
    if extra:
        raise BadArgument(f"template {where}: unknown top-level key(s) {', '.join(sorted(map(str, extra)))}")
    out = {k: v.model_copy(deep=True) for k, v in base.items()}
    for key, spec in (data.get("strategies") or {}).items():
        if key not in STRATEGIES:
            raise BadArgument(f"template {where}: unknown strategy {key!r}; use one of {', '.join(STRATEGIES)}")
        try:
            s = _StrategyIn.model_validate(spec or {})
        except ValidationError as exc:
            e = exc.errors()[0]
            loc = ".".join(str(x) for x in e["loc"])
            raise BadArgument(f"template {where}: strategies.{key}.{loc}: {e['msg']}") from None
        ids = [t.id for t in s.tactics]
        if len(ids) != len(set(ids)):
            raise BadArgument(f"template {where}: strategies.{key}: duplicate tactic id")
        cur = out.get(key)
        if cur is None:
            if layer != "builtin":  # pragma: no cover - built-in always defines all six
                raise BadArgument(f"template {where}: strategy {key!r} missing from the base template")
            cur = Strategy(key=key, label=key, label_zh=STRATEGY_ZH[key], closeness="")
        for f in ("label", "label_zh", "closeness", "summary", "summary_zh"):
            v = getattr(s, f)
            if v is not None:
                setattr(cur, f, v)
        new = [Tactic(**t.model_dump(), source=layer) for t in s.tactics]
        if s.mode == "replace":
            cur.tactics = new
        else:
            tactics = [t for t in cur.tactics if t.id not in set(s.remove)]
            index = {t.id: i for i, t in enumerate(tactics)}
            for t in new:
                if t.id in index:
                    tactics[index[t.id]] = t
                else:
                    index[t.id] = len(tactics)
                    tactics.append(t)
            cur.tactics = tactics
        out[key] = cur
    return out


@lru_cache(maxsize=1)
def builtin_template() -> Template:
    """The built-in template (``brmgraph/data/tactics.yaml``)."""
    import yaml

    text = resources.files("brmgraph").joinpath("data/tactics.yaml").read_text(encoding="utf-8")
    strategies = _overlay({}, yaml.safe_load(text), "builtin tactics.yaml", "builtin")
    missing = [k for k in STRATEGIES if k not in strategies]
    if missing:  # pragma: no cover - packaging error
        raise RuntimeError(f"built-in tactics.yaml lacks {missing}")
    return Template(strategies={k: strategies[k] for k in STRATEGIES}, layers=["builtin"])


def load_template(company: Path | None = None, employee: Path | None = None) -> Template:
    """The built-in template, with a company file and then a per-employee file laid over it."""
    base = builtin_template()
    strategies = base.strategies
    layers = ["builtin"]
    for path, layer in ((company, "company"), (employee, "employee")):
        if path is None:
            continue
        strategies = _overlay(strategies, _read(Path(path)), str(path), layer)
        layers.append(layer)
    return Template(strategies=strategies, layers=layers)


def advice(person: KeyPerson, template: Template | None = None) -> StrategyAdvice:
    """Strategy and tactics for ``person`` from its closeness."""
    t = template or builtin_template()
    key = strategy_key(person.closeness)
    s = t.strategies[key]
    return StrategyAdvice(
        person=person.id,
        closeness=person.closeness.value,
        strategy=key,
        label=s.label,
        label_zh=s.label_zh,
        summary=s.summary,
        summary_zh=s.summary_zh,
        tactics=[x.model_copy() for x in s.tactics],
    )
