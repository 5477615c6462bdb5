"""A CRM sync never aborts on what CRMs naturally contain (issue 21): an orphan or a link
to a record outside the export is skipped with a note saying where (file, CSV line) and
why, and counted; everything else imports; genuinely invalid data still rejects."""

from __future__ import annotations

from pathlib import Path

import pytest

from brmgraph.crm import import_crm
from brmgraph.errors import InvalidData
from brmgraph.store import open_store
from tests.builders import run_cli
from tests.crm_exports import ACC, C_ANN, C_BOB, C_BOSS, OPP, salesforce_export, sf18, write_csv

A = "6A1B2C3D-0000-0000-0000-00000000000A"
CT1, CT2, CT_NONE, CT_OUT = (f"0000000A-0000-0000-0000-00000000C00{i}" for i in (1, 2, 3, 9))
OP, OP_OUT, OP_NONE = (f"0000000A-0000-0000-0000-0000000000F{i}" for i in (1, 9, 2))
SU = "0000000A-0000-0000-0000-0000000000E1"
C_ORPHAN, C_FAR = "003A0000005aBcH", "003A0000005aBcJ"  # no AccountId; reports to a contact not exported
C_ELSEWHERE = "003A0000005aBcK"  # in no export file


def dynamics_export(d: Path) -> Path:
    """Dataverse table exports (logical column names): one contact with an empty
    ``parentcustomerid`` (a contact without a company), connections to records outside
    the export."""
    d.mkdir(parents=True)
    write_csv(d / "account.csv", ["accountid", "name", "statecode"], [[A, "Contoso", "0"]])
    write_csv(d / "systemuser.csv", ["systemuserid", "fullname"], [[SU, "Sam Sales"]])
    write_csv(
        d / "contact.csv",
        ["contactid", "fullname", "parentcustomerid", "parentcustomeridtype", "jobtitle", "ownerid", "statecode"],
        [
            [CT1, "Dana Decider", A, "account", "COO", SU, "0"],
            [CT_NONE, "Nora Nobody", "", "", "Consultant", SU, "0"],
            [CT2, "Ben Buyer", A, "account", "CFO", SU, "0"],
        ],
    )
    write_csv(
        d / "opportunity.csv",
        ["opportunityid", "name", "parentaccountid", "estimatedvalue", "statecode"],
        [[OP, "Stores 2025", A, "50000", "0"], [OP_NONE, "No account", "", "", "0"]],
    )
    write_csv(
        d / "connection.csv",
        ["connectionid", "record1id", "record1objecttypecode", "record1roleidname", "record2id", "record2objecttypecode", "record2roleidname"],
        [
            ["1", OP, "opportunity", "Opportunity", CT1, "contact", "Decision Maker"],
            ["2", OP, "opportunity", "Opportunity", CT_OUT, "contact", "Influencer"],  # contact not exported
            ["3", OP_OUT, "opportunity", "Opportunity", CT2, "contact", "Economic Buyer"],  # opportunity not exported
            ["4", CT2, "contact", "Employee", CT_OUT, "contact", "Manager"],  # manager not exported
        ],
    )
    return d


def test_dynamics_orphans_are_skipped_with_located_notes(tmp_path: Path, sqlite_url: str) -> None:
    folder = dynamics_export(tmp_path / "d365")
    res = run_cli("import", folder, "--profile", "dynamics365", "--store", sqlite_url, "--json")
    out = res.json()  # exit 0
    contact, conn = str(folder / "contact.csv"), str(folder / "connection.csv")
    assert out["skipped"]["key person without a customer"] == 1
    assert out["skipped"]["decision-chain row of a key person not in the export"] == 1
    assert out["skipped"]["decision-chain row of a project not in the export"] == 1
    assert out["skipped"][f"reporting line to key person {CT_OUT.lower()}, not in the export"] == 1
    notes = {(n["file"], n["line"], n["reason"]) for n in out["skipped_notes"]}
    assert notes == {
        (contact, 3, "key person without a customer"),
        (str(folder / "opportunity.csv"), 3, "project without a customer"),
        (conn, 3, "decision-chain row of a key person not in the export"),
        (conn, 4, "decision-chain row of a project not in the export"),
        (conn, 5, f"reporting line to key person {CT_OUT.lower()}, not in the export"),
    }
    assert all(n["where"] == f"{n['file']}: line {n['line']}" for n in out["skipped_notes"])
    with open_store(sqlite_url) as st:
        ds = st.export()
    assert sorted(p.name for p in ds.key_persons) == ["Ben Buyer", "Dana Decider"]
    assert [p.name for p in ds.projects] == ["Stores 2025"]
    assert [(m.person, m.role) for m in ds.projects[0].decision_chain] == [(CT1.lower(), "Decision Maker")]
    assert {(i.source, i.target) for i in ds.influences} == {(SU.lower(), CT1.lower()), (SU.lower(), CT2.lower())}
    human = run_cli("import", folder, "--profile", "dynamics365", "--store", sqlite_url)
    assert human.code == 0, human.err
    assert f"skipped {contact}: line 3: key person without a customer" in " ".join(human.out.split())


def test_salesforce_orphans_skipped_and_nothing_stored_lost(tmp_path: Path, sqlite_url: str) -> None:
    with open_store(sqlite_url) as st:
        import_crm(st, salesforce_export(tmp_path / "first"), "salesforce")
        before = {p.id: p for p in st.export().key_persons}
    folder = salesforce_export(tmp_path / "sf")
    cols = ["Id", "IsDeleted", "AccountId", "FirstName", "LastName", "Name", "Title", "Department", "ReportsToId", "OwnerId", "Description"]
    write_csv(
        folder / "Contact.csv",
        cols,
        [
            [C_BOSS, "false", ACC, "Bea", "Boss", "", "CEO", "Board", "", "", ""],
            [C_ANN, "false", ACC, "Ann", "Lee", "Ann Lee", "CFO", "Finance", C_BOSS, "", ""],
            [C_BOB, "false", ACC, "Bob", "Kim", "Bob Kim", "CIO", "IT", C_ANN, "", ""],
            [C_ORPHAN, "false", "", "Ola", "Orphan", "Ola Orphan", "", "", "", "", ""],  # private contact: no AccountId
            [C_FAR, "false", ACC, "Fay", "Far", "Fay Far", "", "", C_ELSEWHERE, "", ""],
        ],
    )
    write_csv(
        folder / "OpportunityContactRole.csv",
        ["Id", "IsDeleted", "OpportunityId", "ContactId", "Role", "IsPrimary"],
        [
            ["00KA0000000aaaa", "false", OPP, C_ANN, "Economic Buyer", "true"],
            ["00KA0000000aaab", "false", OPP, C_ELSEWHERE, "Decision Maker", "false"],
            ["00KA0000000aaac", "false", OPP, C_ORPHAN, "Influencer", "false"],
        ],
    )
    with open_store(sqlite_url) as st:
        report = import_crm(st, folder, "salesforce")
        after = {p.id: p for p in st.export().key_persons}
        chain = {m.person for p in st.export().projects if p.id == sf18(OPP) for m in p.decision_chain}
    contact, ocr = str(folder / "Contact.csv"), str(folder / "OpportunityContactRole.csv")
    reasons = {(n["file"], n["line"]): n["reason"] for n in report.notes}
    assert reasons[(contact, 5)] == "key person without a customer"
    assert reasons[(contact, 6)] == f"reporting line to key person {sf18(C_ELSEWHERE)}, not in the export"
    assert reasons[(ocr, 3)] == "decision-chain row of a key person not in the export"
    assert reasons[(ocr, 4)] == "decision-chain row of a skipped record"
    assert report.skipped["key person without a customer"] == 1
    assert sf18(C_ORPHAN) not in after and after[sf18(C_FAR)].reports_to is None
    assert sf18(C_ANN) in chain and sf18(C_ELSEWHERE) not in chain
    assert set(before) <= set(after)  # nothing already stored is lost


def test_contact_of_a_stored_account_is_placed(tmp_path: Path, sqlite_url: str) -> None:
    """An account outside this export but stored by an earlier sync places its contacts."""
    with open_store(sqlite_url) as st:
        import_crm(st, salesforce_export(tmp_path / "first"), "salesforce")
    d = tmp_path / "contacts_only"
    d.mkdir()
    write_csv(d / "Account.csv", ["Id", "Name"], [])
    write_csv(d / "Opportunity.csv", ["Id", "AccountId", "Name"], [])
    write_csv(d / "Contact.csv", ["Id", "AccountId", "LastName", "ReportsToId"],
              [[C_FAR, ACC, "Far", C_BOSS], [C_ORPHAN, "001A0000006Vm9X", "Orphan", ""]])
    with open_store(sqlite_url) as st:
        report = import_crm(st, d, "salesforce")
        far = next(p for p in st.export().key_persons if p.id == sf18(C_FAR))
    assert far.customer == sf18(ACC) and far.reports_to == sf18(C_BOSS)
    assert [n["reason"] for n in report.notes] == [f"key person whose customer {sf18('001A0000006Vm9X')} is not in the export"]


def test_invalid_value_in_a_placed_record_still_rejects(tmp_path: Path, sqlite_url: str) -> None:
    folder = dynamics_export(tmp_path / "d365")
    write_csv(
        folder / "opportunity.csv",
        ["opportunityid", "name", "parentaccountid", "estimatedvalue", "statecode"],
        [[OP, "Stores 2025", A, "lots", "0"]],
    )
    with open_store(sqlite_url) as st, pytest.raises(InvalidData) as info:
        import_crm(st, folder, "dynamics365")
    assert [str(p) for p in info.value.problems] == [f"{folder / 'opportunity.csv'}: line 2, column estimatedvalue: not a number 'lots'"]
    with open_store(sqlite_url) as st:
        assert st.counts()["key_persons"] == 0
