"""The stores' decoders and the one way they build records without validation
(``brmgraph.model.trusted``). These tests pin the pydantic internals ``trusted`` writes
directly: if a pydantic upgrade changes them, they fail here rather than records
quietly misbehaving in the stores."""

from __future__ import annotations

import copy
import pickle
from datetime import date

import pydantic
import pytest
from pydantic import BaseModel

from brmgraph.model import Customer, Influence, Interaction, KeyPerson, Project, Stance, Strength, trusted
from brmgraph.store import records as R


def test_basemodel_instance_layout_is_what_trusted_writes():
    # trusted() sets exactly these four slots; a new one would be left unset
    assert BaseModel.__slots__ == ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    assert int(pydantic.VERSION.split(".")[0]) == 2


@pytest.mark.parametrize(
    "cls, values",
    [
        (Customer, {"id": "C1", "name": "Acme", "industry": "x", "tier": "A", "attrs": {"k": 1}}),
        (
            KeyPerson,
            {"id": "P1", "customer": "C1", "name": "Wang", "title": "CTO", "department": "IT", "closeness": "support",
             "solution_acceptance": "oppose", "price_acceptance": "unknown", "veto": "yes", "approver": "no",
             "reports_to": None},
        ),
        (Influence, {"source": "E1", "target": "P1", "strength": "weak"}),
        (Interaction, {"employee": "E1", "person": "P1", "date": date(2024, 5, 1), "kind": "meeting"}),
        (
            Project,
            {"id": "J1", "customer": "C1", "name": "n", "status": "open", "stage": "s", "amount": 1.5,
             "close_date": date(2025, 1, 2), "decision_chain": [{"person": "P1", "role": "r"}], "competitors": ["K1"]},
        ),
    ],
)
def test_trusted_record_behaves_like_a_validated_one(cls, values):
    valid = cls.model_validate(values)
    fast = trusted(cls, dict(valid.__dict__))
    assert fast == valid
    assert fast.model_dump() == valid.model_dump()
    assert fast.model_dump_json() == valid.model_dump_json()
    assert fast.model_fields_set == set(cls.model_fields)
    assert fast.__pydantic_extra__ is None and fast.__pydantic_private__ is None
    assert copy.deepcopy(fast) == valid
    assert pickle.loads(pickle.dumps(fast)) == valid
    assert fast.model_copy(update={}) == valid
    assert repr(fast) == repr(valid)


def test_decoders_accept_both_stores_spellings():
    # SQLite: positional, in *_COLUMNS order, JSON text and ISO dates
    j = R.project("J1", "C1", "n", "won", "s", 3, "2025-01-02", '[["P1", "r"]]', '["K1"]')
    # Neo4j: named, maps and missing properties as None
    k = R.project(id="J1", customer="C1", name="n", status="won", stage="s", amount=3,
                  close_date=date(2025, 1, 2), decision_chain=[{"person": "P1", "role": "r"}], competitors=["K1"])
    assert j == k
    assert j == Project.model_validate(j.model_dump())
    p = R.key_person("P1", "C1", None, None, None, None, "support", None, None, None, None)
    assert p.closeness is Stance.unknown and p.solution_acceptance is Stance.support and p.name == ""
    assert p == KeyPerson.model_validate(p.model_dump())
    assert R.influence("E1", "P1", None).strength is Strength.medium
    assert R.interaction("E1", "P1", "2024-05-01", "call").date == date(2024, 5, 1)
    assert R.customer("C1", "A", "x", "B", '{"a": 1}').attrs == {"a": 1}


def test_columns_match_decoder_parameters():
    import inspect

    for section, (decode, cols) in R.DECODERS.items():
        assert tuple(inspect.signature(decode).parameters) == cols, section
