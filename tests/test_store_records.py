"""The stores' decoders (brmgraph/store/records.py, derived from brmgraph/schema.py):
a decoded record is the same as a validated one."""

from __future__ import annotations

import copy
import pickle
from datetime import date

import pytest

from brmgraph.model import Customer, Influence, Interaction, KeyPerson, Project, Stance, Strength
from brmgraph.store import records as R


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
def test_decoded_record_behaves_like_a_validated_one(cls, values):
    valid = cls.model_validate(values)
    section = next(s for s, c in R.MODELS.items() if c is cls)
    decode, cols = R.DECODERS[section]
    stored = valid.model_dump(mode="json")
    fast = decode(*(stored[c] for c in cols))
    assert decode(**stored) == valid
    assert fast == valid
    assert fast.model_dump() == valid.model_dump()
    assert fast.model_dump_json() == valid.model_dump_json()
    assert fast.model_fields_set == set(cls.model_fields)
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


def test_a_row_written_before_a_field_was_added_reads_with_its_default():
    short = R.key_person("P1", "C1", "Wang")
    assert short.closeness is Stance.unknown and short.reports_to is None and short.title == ""


def test_a_bad_stored_enum_is_a_bad_value():
    with pytest.raises(R.BadValue, match="influence 'E1->P1' has strength 'huge'"):
        R.influence("E1", "P1", "huge")


def test_decoded_records_share_one_fields_set() -> None:
    """pydantic's documented ``_fields_set`` of ``model_construct``: one set per kind, not
    one per stored record read back (half the memory of a small record)."""
    a, b = R.key_person("P1", "C1"), R.key_person(id="P2", customer="C1")
    assert a.model_fields_set is b.model_fields_set
    assert a.model_fields_set == set(KeyPerson.model_fields)
    c = a.model_copy(update={"name": "x"})
    assert c.name == "x" and a.name == "" and a.model_fields_set == set(KeyPerson.model_fields)
