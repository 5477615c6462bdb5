"""Assessments survive: --patch changes only the given fields of stored records, and a
CRM re-sync afterwards keeps every assessment; both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brmgraph.crm import import_crm
from brmgraph.dataset import import_patch
from brmgraph.errors import InvalidData
from brmgraph.store import Store
from tests.crm_exports import C_ANN, C_BOB, C_BOSS, U1, salesforce_export, sf18


def test_resync_after_patch_keeps_every_assessment(store: Store, tmp_path: Path) -> None:
    folder = salesforce_export(tmp_path / "sf")
    import_crm(store, folder, "salesforce")
    ann, boss, bob = sf18(C_ANN), sf18(C_BOSS), sf18(C_BOB)
    patch = tmp_path / "assess.json"
    patch.write_text(json.dumps({
        "key_persons": [
            {"id": ann, "closeness": "strong_support", "solution_acceptance": "support", "price_acceptance": "oppose",
             "veto": "no", "approver": "no"},
            {"id": boss, "veto": "no", "closeness": "neutral"},
        ],
        "influences": [{"source": sf18(U1), "target": boss, "strength": "strong"},
                       {"source": bob, "target": ann, "strength": "medium"}],
    }))
    report = import_patch(store, patch)
    assert report.updated["key_persons"] == 2
    before = store.export()
    a = store.key_person(ann)
    assert (a.closeness.value, a.veto.value, a.approver.value, a.name, a.title) == ("strong_support", "no", "no", "Ann Lee", "CFO")

    # the nightly sync: the same export again, and once more with a changed title
    import_crm(store, folder, "salesforce")
    assert store.export().sorted() == before.sorted()
    (folder / "Contact.csv").write_bytes((folder / "Contact.csv").read_bytes().replace(b"CFO", b"Chief Financial Officer"))
    report = import_crm(store, folder, "salesforce")
    assert report.updated["key_persons"] == 3 and report.kept["influences"] == 3
    a, b = store.key_person(ann), store.key_person(boss)
    assert a.title == "Chief Financial Officer"  # the profile owns the title
    assert (a.closeness.value, a.solution_acceptance.value, a.price_acceptance.value, a.veto.value, a.approver.value) == (
        "strong_support", "support", "oppose", "no", "no"
    )  # the role rule (Economic Buyer -> approver yes) does not override an assessment
    assert (b.veto.value, b.closeness.value) == ("no", "neutral")
    strengths = {(i.source, i.target): i.strength.value for i in store.export().influences}
    assert strengths[(sf18(U1), boss)] == "strong" and strengths[(bob, ann)] == "medium"


def test_patch_rejects_unknown_ids_and_bad_values(store: Store, tmp_path: Path) -> None:
    import_crm(store, salesforce_export(tmp_path / "sf"), "salesforce")
    before = store.export()
    patch = tmp_path / "p.yaml"
    patch.write_text(f"key_persons:\n  - id: {sf18(C_ANN)}\n    closeness: friendly\n  - id: P404\n    veto: yes\n")
    with pytest.raises(InvalidData) as info:
        import_patch(store, patch)
    assert [str(p) for p in info.value.problems] == [
        f"{patch}: $.key_persons[1].id: unknown key person 'P404'; a patch only changes stored records"
    ]
    patch.write_text(f"key_persons:\n  - id: {sf18(C_ANN)}\n    closeness: friendly\n  - id: {sf18(C_BOSS)}\n    reports_to: {sf18(C_BOB)}\n")
    with pytest.raises(InvalidData) as info:
        import_patch(store, patch)
    text = [str(p) for p in info.value.problems]
    assert text[0].startswith(f"{patch}: $.key_persons[0].closeness: unknown stance value 'friendly'")
    # Bea's new superior Bob reports (stored) to Ann, who reports to Bea
    patch.write_text(f"key_persons:\n  - id: {sf18(C_ANN)}\n    closeness: support\n  - id: {sf18(C_BOSS)}\n    reports_to: {sf18(C_BOB)}\n")
    with pytest.raises(InvalidData) as info:
        import_patch(store, patch)
    text = [str(p) for p in info.value.problems]
    assert f"{patch}: $.key_persons[0].reports_to: reports_to cycle: {sf18(C_ANN)} → {sf18(C_BOSS)} → {sf18(C_BOB)} → {sf18(C_ANN)}" in text
    assert store.export().sorted() == before.sorted()  # nothing written


def test_patch_json_names_its_change_set_and_history_shows_it(tmp_path: Path) -> None:
    import json

    from tests.builders import run_cli

    url = f"sqlite:///{tmp_path / 'p.db'}"
    demo = Path(__file__).resolve().parent.parent / "brmgraph" / "data" / "demo.yaml"
    assert run_cli("import", str(demo), "--store", url).code == 0
    patch = tmp_path / "patch.yaml"
    patch.write_text("key_persons:\n  - id: P103\n    closeness: support\n", encoding="utf-8")
    out = run_cli("import", str(patch), "--patch", "--json", "--store", url).json()
    assert out["mode"] == "patch" and out["changeset"] == 2
    assert out["changes"] == {"created": 0, "changed": 1, "deleted": 0, "unchanged": 0}
    hist = run_cli("history", "--person", "P103", "--json", "--store", url).json()
    assert hist["changesets"][-1]["source"] == f"patch:{patch}"
    assert json.dumps(hist, ensure_ascii=False).count('"support"') >= 1
