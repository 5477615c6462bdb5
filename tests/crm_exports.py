"""Export files as the CRMs write them, made by the tests from documented field names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from brmgraph.crm.ids import salesforce_suffix


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = True) -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return path


def sf18(id15: str) -> str:
    return id15 + salesforce_suffix(id15)


# 15-character ids (as in reports); the export below uses both forms
ACC = "001A0000006Vm9r"
ACC2 = "001A0000006Vm9s"
C_BOSS = "003A0000005aBcD"
C_ANN = "003A0000005aBcE"
C_BOB = "003A0000005aBcF"
C_GONE = "003A0000005aBcG"
OPP = "006A000000AbCdE"
OPP2 = "006A000000AbCdF"
U1 = "005A0000001XyZa"
U_MISSING = "005A0000001XyZb"


def salesforce_export(d: Path, *, variant: int = 0) -> Path:
    """A small Salesforce Data Export: BOM, multi-line quoted cells, a JSON address cell,
    booleans in several spellings, 15- and 18-character ids, deleted rows, header case
    as the API writes it (``variant=1`` lower-cases headers and uses the other id form)."""
    d.mkdir(parents=True, exist_ok=True)
    alt = (lambda i: sf18(i)) if variant == 0 else (lambda i: i)
    other = (lambda i: i) if variant == 0 else (lambda i: sf18(i).lower()[:15] + sf18(i)[15:] if False else sf18(i))
    h = (lambda cols: cols) if variant == 0 else (lambda cols: [c.lower() for c in cols])
    write_csv(
        d / "Account.csv",
        h(["Id", "IsDeleted", "Name", "Industry", "BillingAddress"]),
        [
            [alt(ACC), "false", "Acme, Inc.", "Manufacturing", '{"city": "Berlin", "country": "DE", "street": "Main St 1\\nBuilding B"}'],
            [alt(ACC2), "1", "Deleted Corp", "Retail", ""],
        ],
    )
    write_csv(d / "User.csv", h(["Id", "Name", "Department", "UserRole"]), [[other(U1), "Uma Seller", "Enterprise Sales", "AE"]])
    write_csv(
        d / "Contact.csv",
        h(["Id", "IsDeleted", "AccountId", "FirstName", "LastName", "Name", "Title", "Department", "ReportsToId", "OwnerId", "Description"]),
        [
            [other(C_BOSS), "0", other(ACC), "Bea", "Boss", "", "CEO", "Board", "", other(U1), "Key\nsponsor"],
            [alt(C_ANN), "", alt(ACC), "Ann", "Lee", "Ann Lee", "CFO", "Finance", other(C_BOSS), alt(U_MISSING), ""],
            [other(C_BOB), "FALSE", ACC, "Bob", "Kim", "Bob Kim", "Head of IT\n(acting)", "IT", C_ANN, U1, ""],
            [alt(C_GONE), "true", alt(ACC), "Gus", "Gone", "Gus Gone", "", "", "", U1, ""],
        ],
    )
    write_csv(
        d / "Opportunity.csv",
        h(["Id", "IsDeleted", "AccountId", "Name", "Amount", "StageName", "CloseDate", "IsClosed", "IsWon", "CreatedDate"]),
        [
            [alt(OPP), "false", other(ACC), "ERP rollout", "120000.50", "Negotiation/Review", "2024-03-31", "false", "false", "2017-08-04T09:09:50.000+0000"],
            [other(OPP2), "false", alt(ACC), "Pilot", "", "Closed Won", "2023-12-01", "1", "1", "2017-08-04T09:09:50.000+0000"],
        ],
    )
    write_csv(
        d / "OpportunityContactRole.csv",
        h(["Id", "IsDeleted", "OpportunityId", "ContactId", "Role", "IsPrimary"]),
        [
            ["00KA0000000aaaa", "false", alt(OPP), other(C_ANN), "Economic Buyer", "true"],
            ["00KA0000000aaab", "false", other(OPP), alt(C_BOSS), "Decision Maker", "false"],
            ["00KA0000000aaac", "false", other(OPP), C_BOB, "Technical Buyer", "false"],
            ["00KA0000000aaad", "true", other(OPP), C_ANN, "Decision Maker", "false"],
        ],
    )
    write_csv(
        d / "Task.csv",
        h(["Id", "IsDeleted", "WhoId", "OwnerId", "ActivityDate", "Type", "Subject"]),
        [
            ["00TA0000000aaaa", "false", alt(C_ANN), U1, "2024-01-15", "Call", "Intro call"],
            ["00TA0000000aaab", "false", C_BOB, U1, "2024-01-16", "", "Lunch with Bob"],
            ["00TA0000000aaac", "false", "00QA0000000LeAd", U1, "2024-01-17", "Email", "lead, not a contact"],
            ["00TA0000000aaad", "true", C_BOB, U1, "2024-01-18", "Email", "deleted"],
        ],
    )
    write_csv(
        d / "Event.csv",
        h(["Id", "IsDeleted", "WhoId", "OwnerId", "ActivityDate", "ActivityDateTime", "Type", "Subject"]),
        [["00UA0000000aaaa", "false", C_BOSS, U1, "", "2024-02-01T23:30:00.000+0000", "Meeting", "Steering\ncommittee"]],
    )
    return d
