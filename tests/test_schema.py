"""The record declarations (brmgraph/schema.py) and what derives from them agree."""

from __future__ import annotations

import pytest

from brmgraph import model
from brmgraph.schema import KINDS, TYPES, kind
from brmgraph.store import records as R

MODELS = {
    "customers": model.Customer,
    "key_persons": model.KeyPerson,
    "employees": model.Employee,
    "competitors": model.Competitor,
    "competitor_staff": model.CompetitorStaff,
    "influences": model.Influence,
    "projects": model.Project,
    "interactions": model.Interaction,
}


def test_sections_in_input_order() -> None:
    assert tuple(KINDS) == model.Dataset.SECTIONS


@pytest.mark.parametrize("section", list(KINDS))
def test_models_and_columns_follow_the_declaration(section: str) -> None:
    k = kind(section)
    cls = MODELS[section]
    assert tuple(cls.model_fields) == k.names()
    assert R.DECODERS[section][1] == k.names()
    for f in k.fields:
        assert f.type in TYPES
        assert (f.enum is not None) == (f.type == "enum")
        info = cls.model_fields[f.name]
        assert info.is_required() == f.required, f.name
        if not f.required:
            assert info.get_default(call_default_factory=True) == f.empty(), f.name
    assert set(k.key) <= set(k.names())
    assert k.customer is None or k.field(k.customer).ref == "customers"


def test_unknown_section() -> None:
    with pytest.raises(KeyError):
        kind("nope")
