"""Dynamics 365 and HubSpot profiles against exports written from their documented field names."""

from __future__ import annotations

from pathlib import Path

from brmgraph.crm import import_crm
from brmgraph.store import open_store
from tests.crm_exports import write_csv

A = "{6A1B2C3D-0000-0000-0000-00000000000A}"
CT1, CT2, CT3 = ("0000000A-0000-0000-0000-00000000C001", "0000000a-0000-0000-0000-00000000c002", "0000000A-0000-0000-0000-00000000C003")
OP = "0000000A-0000-0000-0000-0000000000F1"
SU = "0000000A-0000-0000-0000-0000000000E1"


def test_dynamics365(tmp_path: Path, sqlite_url: str) -> None:
    d = tmp_path / "d365"
    d.mkdir()
    write_csv(d / "account.csv", ["accountid", "name", "industrycode", "statecode"], [[A, "Contoso", "Retail", "0"]])
    write_csv(d / "systemuser.csv", ["systemuserid", "fullname", "businessunitidname", "title"], [[SU, "Sam Sales", "EMEA", "AE"]])
    write_csv(
        d / "contact.csv",
        ["contactid", "fullname", "parentcustomerid", "jobtitle", "department", "msdyn_decisioninfluencetag", "ownerid", "statecode"],
        [
            [CT1, "Dana Decider", A.lower().strip("{}"), "COO", "Ops", "0", SU, "0"],
            [CT2.upper(), "Ben Blocker", A, "CISO\nSecurity", "IT", "2", SU.lower(), "0"],
            [CT3, "Ina Active", A, "", "", "3", "", "1"],
        ],
    )
    write_csv(
        d / "opportunity.csv",
        ["opportunityid", "name", "parentaccountid", "estimatedvalue", "statecode", "stepname", "estimatedclosedate"],
        [[OP, "Stores 2025", A, "50,000.00", "1", "close", "3/31/2025"]],
    )
    write_csv(
        d / "connection.csv",
        ["connectionid", "record1id", "record1objecttypecode", "record1roleidname", "record2id", "record2objecttypecode", "record2roleidname"],
        [  # both directions of each connection
            ["1", OP, "opportunity", "Opportunity", CT1, "contact", "Decision Maker"],
            ["2", CT1, "contact", "Decision Maker", OP, "opportunity", "Opportunity"],
            ["3", CT2, "contact", "Employee", CT1, "contact", "Manager"],
            ["4", CT1, "contact", "Manager", CT2, "contact", "Employee"],
        ],
    )
    with open_store(sqlite_url) as st:
        report = import_crm(st, d, "dynamics365")
        ds = st.export()
    assert report.skipped == {"inactive": 1}
    guid = lambda g: g.strip("{}").lower()  # noqa: E731
    persons = {p.id: p for p in ds.key_persons}
    assert set(persons) == {guid(CT1), guid(CT2)}
    dana, ben = persons[guid(CT1)], persons[guid(CT2)]
    assert dana.customer == guid(A) and dana.veto.value == "yes"
    assert ben.solution_acceptance.value == "oppose" and ben.reports_to == guid(CT1) and ben.title == "CISO\nSecurity"
    (opp,) = ds.projects
    assert (opp.status.value, opp.amount, opp.close_date.isoformat()) == ("won", 50000.0, "2025-03-31")
    assert [(m.person, m.role) for m in opp.decision_chain] == [(guid(CT1), "Decision Maker")]
    assert {(i.source, i.target, i.strength.value) for i in ds.influences} == {(guid(SU), guid(CT1), "weak"), (guid(SU), guid(CT2), "weak")}


def test_hubspot(tmp_path: Path, sqlite_url: str) -> None:
    d = tmp_path / "hs"
    d.mkdir()
    write_csv(d / "companies.csv", ["Record ID", "Company name", "Industry"], [["101", "Globex", "Energy"]])
    write_csv(
        d / "contacts.csv",
        ["Record ID", "First Name", "Last Name", "Job Title", "hs_buying_role", "hubspot_owner_id", "associatedcompanyid"],
        [
            ["201", "Hank", "Scorpio", "CEO", "DECISION_MAKER;BUDGET_HOLDER", "9001", "101"],
            ["202", "Frank", "Grimes", "Engineer\nsafety", "BLOCKER", "9001", ""],
            ["203", "Lone", "Wolf", "", "CHAMPION", "", ""],  # no company at all: skipped
        ],
    )
    write_csv(d / "deals.csv", ["Record ID", "Deal Name", "Amount", "Deal Stage", "Close Date"],
              [["301", "Dome", "1e6", "closedlost", "2024-05-01"], ["302", "Orphan", "", "appointmentscheduled", ""]])
    write_csv(d / "associations_contact_company.csv", ["Contact ID", "Company ID"], [["202", "101"]])
    write_csv(d / "associations_deal_company.csv", ["Deal ID", "Company ID"], [["301", "101"]])
    write_csv(d / "associations_contact_deal.csv", ["Contact ID", "Deal ID", "Association label"],
              [["201", "301", "Decision maker"], ["202", "301", ""], ["203", "301", "Champion"]])
    write_csv(d / "associations_contact_contact.csv", ["Contact ID", "Associated Contact ID", "Association label"],
              [["202", "201", "Manager"], ["201", "202", "Employee"]])
    with open_store(sqlite_url) as st:
        report = import_crm(st, d, "hubspot")
        ds = st.export()
    assert report.stubbed == ["9001"]
    assert report.skipped == {
        "key persons without customer": 1, "projects without customer": 1, "decision-chain row of a skipped record": 1
    }
    persons = {p.id: p for p in ds.key_persons}
    assert set(persons) == {"201", "202"}
    hank, frank = persons["201"], persons["202"]
    assert (hank.name, hank.veto.value, hank.approver.value) == ("Hank Scorpio", "yes", "yes")
    assert frank.solution_acceptance.value == "oppose" and frank.reports_to == "201" and frank.customer == "101"
    (deal,) = ds.projects
    assert (deal.status.value, deal.amount, deal.customer) == ("lost", 1e6, "101")
    assert [(m.person, m.role) for m in deal.decision_chain] == [("201", "Decision maker"), ("202", "")]
