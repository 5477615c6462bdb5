"""Relationship strategy (SPEC 4.5) and tactics templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from brmgraph.analysis.strategy import (
    STRATEGY_BY_STANCE,
    advice,
    builtin_template,
    load_template,
    strategy_key,
)
from brmgraph.errors import BadArgument, NotFound
from brmgraph.model import KeyPerson


@pytest.mark.parametrize(
    "stance, key",
    [("strong_oppose", "suppress"), ("oppose", "defuse"), ("neutral", "influence"), ("support", "activate"),
     ("strong_support", "coordinate"), ("unknown", "assess"), ("强反对", "suppress"), ("未知", "assess"),
     (None, "assess"), ("", "assess")],
)
def test_strategy_key(stance, key):
    assert strategy_key(stance) == key


def test_strategy_key_rejects_nonsense():
    with pytest.raises(BadArgument):
        strategy_key("hostile")


def test_builtin_template_has_six_strategies_with_bilingual_tactics():
    t = builtin_template()
    assert list(t.strategies) == ["suppress", "defuse", "influence", "activate", "coordinate", "assess"]
    zh = {"suppress": "压制", "defuse": "化解", "influence": "影响", "activate": "激活", "coordinate": "协同", "assess": "摸底"}
    for key, s in t.strategies.items():
        assert s.label_zh == zh[key]
        assert STRATEGY_BY_STANCE[s.closeness] == key
        assert len(s.tactics) >= 3
        for x in s.tactics:
            assert x.name and x.name_zh and x.text and x.text_zh and x.source == "builtin"
    # the seed's five tactics of the suppress strategy, in its order
    assert [x.name_zh for x in t.strategies["suppress"].tactics] == ["公开化", "边缘化", "信息屏蔽", "出其不意", "各取所需"]


def test_advice_follows_closeness():
    a = advice(KeyPerson(id="P1", customer="C1", closeness="反对"))
    assert (a.person, a.closeness, a.strategy, a.label_zh) == ("P1", "oppose", "defuse", "化解")
    assert a.tactics[0].id == "root_cause"


def test_company_and_employee_templates_replace_and_add(tmp_path: Path):
    company = tmp_path / "company.yaml"
    company.write_text(
        """
strategies:
  defuse:
    remove: [executive_meeting]
    tactics:
      - {id: root_cause, name: Five whys, name_zh: 五问法, text: Ask why five times.}
      - {id: site_visit, name: Reference visit, text: Take them to a happy customer.}
  assess:
    mode: replace
    tactics:
      - {id: call, name: Call the assistant}
""",
        encoding="utf-8",
    )
    employee = tmp_path / "li.json"
    employee.write_text('{"strategies": {"defuse": {"tactics": [{"id": "site_visit", "name": "Plant tour"}]}}}',
                        encoding="utf-8")
    t = load_template(company, employee)
    assert t.layers == ["builtin", "company", "employee"]
    defuse = t.strategies["defuse"].tactics
    # root_cause replaced in place, executive_meeting removed, site_visit added then replaced by the employee
    assert [(x.id, x.name, x.source) for x in defuse] == [
        ("root_cause", "Five whys", "company"),
        ("dedicated_service", "Dedicated follow-up", "builtin"),
        ("personal_rapport", "Build personal rapport", "builtin"),
        ("site_visit", "Plant tour", "employee"),
    ]
    assert defuse[-1].label("zh") == "Plant tour"  # falls back to English
    assert [x.id for x in t.strategies["assess"].tactics] == ["call"]
    # untouched strategies and the built-in template itself are unchanged
    assert t.strategies["suppress"] == builtin_template().strategies["suppress"]
    assert [x.id for x in builtin_template().strategies["assess"].tactics][0] == "ask_insiders"
    a = advice(KeyPerson(id="P", customer="C", closeness="oppose"), t)
    assert a.tactics[0].name == "Five whys"


@pytest.mark.parametrize(
    "text, message",
    [
        ("strategies: {charm: {tactics: []}}", "unknown strategy 'charm'"),
        ("strategies: {defuse: {tactics: [{name: no id}]}}", "strategies.defuse.tactics.0.id"),
        ("strategies: {defuse: {mode: merge}}", "strategies.defuse.mode"),
        ("tactics: []", "unknown top-level key"),
        ("strategies: [1, 2]", "expected a mapping"),
        ("strategies: {defuse: {tactics: [{id: a, name: x}, {id: a, name: y}]}}", "duplicate tactic id"),
        ("strategies: {defuse: [", "cannot parse"),
    ],
)
def test_bad_templates(tmp_path: Path, text, message):
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(BadArgument, match=message.replace(".", r"\.").replace("[", r"\[")):
        load_template(f)


def test_missing_template_file(tmp_path: Path):
    with pytest.raises(NotFound, match="not found"):
        load_template(tmp_path / "nope.yaml")
