"""The query registry: the names of the ``.cypher`` files the store runs, and
:func:`load_cypher` that reads one by name."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_cypher(name: str) -> str:
    """The text of ``brmgraph/cypher/<name>.cypher`` (``name`` may contain ``/``).

    >>> "UNWIND $rows" in load_cypher("upsert/customers")
    True
    """
    node = resources.files("brmgraph").joinpath("cypher")
    for part in f"{name}.cypher".split("/"):
        node = node.joinpath(part)
    try:
        return node.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyError(f"no Cypher file named {name!r}") from None


def cypher_statements(name: str) -> list[str]:
    """The statements of a multi-statement file (separated by ``;``), comments dropped."""
    lines = [ln for ln in load_cypher(name).splitlines() if not ln.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


# query names (every one is a file; tests/test_cypher_files.py checks both directions)
Q_SCHEMA = "schema"
Q_SCHEMA_NAMES = "schema_names"
Q_DELETE_ALL = "delete_all"
Q_UPSERT_CUSTOMERS = "upsert/customers"
Q_UPSERT_EMPLOYEES = "upsert/employees"
Q_UPSERT_COMPETITORS = "upsert/competitors"
Q_UPSERT_STAFF = "upsert/competitor_staff"
Q_UPSERT_KEY_PERSONS = "upsert/key_persons"
Q_UPSERT_REPORTS_TO = "upsert/reports_to"
Q_UPSERT_INFLUENCES = {
    "key_person": "upsert/influences_internal",
    "employee": "upsert/influences_employee",
    "competitor_staff": "upsert/influences_staff",
}
Q_UPSERT_PROJECTS = "upsert/projects"
Q_UPSERT_INTERACTIONS = "upsert/interactions"
# records not stored yet (and edges with a new end) are created, not merged
Q_CREATE_CUSTOMERS = "create/customers"
Q_CREATE_EMPLOYEES = "create/employees"
Q_CREATE_COMPETITORS = "create/competitors"
Q_CREATE_STAFF = "create/competitor_staff"
Q_CREATE_KEY_PERSONS = "create/key_persons"
Q_CREATE_REPORTS_TO = "create/reports_to"
Q_CREATE_INFLUENCES = {
    "key_person": "create/influences_internal",
    "employee": "create/influences_employee",
    "competitor_staff": "create/influences_staff",
}
Q_CREATE_PROJECTS = "create/projects"
Q_CREATE_INTERACTIONS = "create/interactions"
Q_LABEL_COUNTS = "read/label_counts"
Q_LOCK_TAKE = "lock/take"
Q_LOCK_READ = "lock/read"
Q_LOCK_SLOTS = "lock/take_slots"
Q_LOCK_SLOT = "lock/take_slot"
# staged bulk import (Neo4jStore._import_staged): create/* -> stage/*, then flip/*
Q_STAGE = {
    Q_CREATE_CUSTOMERS: "stage/customers",
    Q_CREATE_EMPLOYEES: "stage/employees",
    Q_CREATE_COMPETITORS: "stage/competitors",
    Q_CREATE_STAFF: "stage/competitor_staff",
    Q_CREATE_KEY_PERSONS: "stage/key_persons",
    Q_CREATE_REPORTS_TO: "stage/reports_to",
    Q_CREATE_INFLUENCES["key_person"]: "stage/influences_internal",
    Q_CREATE_INFLUENCES["employee"]: "stage/influences_external",
    Q_CREATE_INFLUENCES["competitor_staff"]: "stage/influences_external",
    Q_CREATE_PROJECTS: "stage/projects",
    Q_CREATE_INTERACTIONS: "stage/interactions",
}
Q_FLIP = {
    "customers": "flip/customer",
    "key_persons": "flip/key_person",
    "employees": "flip/employee",
    "competitors": "flip/competitor",
    "competitor_staff": "flip/competitor_staff",
    "projects": "flip/project",
}
Q_RETIRE = {
    "customers": "retire/customer",
    "key_persons": "retire/key_person",
    "employees": "retire/employee",
    "competitors": "retire/competitor",
    "competitor_staff": "retire/competitor_staff",
    "projects": "retire/project",
}
Q_STAGE_CLEAR = "stage/clear"
# first load into an empty store (Neo4jStore._load_empty): create/* in batches, one marker
#: create/* -> load/*: the same nodes and edges, ends found by internal id (no index look-up)
Q_LOAD = {
    Q_CREATE_CUSTOMERS: "load/customers",
    Q_CREATE_EMPLOYEES: "load/employees",
    Q_CREATE_COMPETITORS: "load/competitors",
    Q_CREATE_STAFF: "load/competitor_staff",
    Q_CREATE_KEY_PERSONS: "load/key_persons",
    Q_CREATE_REPORTS_TO: "load/reports_to",
    Q_CREATE_INFLUENCES["key_person"]: "load/influences_internal",
    Q_CREATE_INFLUENCES["employee"]: "load/influences_external",
    Q_CREATE_INFLUENCES["competitor_staff"]: "load/influences_external",
    Q_CREATE_PROJECTS: "load/projects",
    Q_CREATE_INTERACTIONS: "load/interactions",
}
Q_LOAD_MARK = "load/mark"
Q_LOAD_UNMARK = "load/unmark"
Q_LOAD_MARKER = "load/marker"
Q_LOAD_CLEAR = "load/clear"
Q_LOOKUP_KINDS = "lookup/kinds"
Q_LOOKUP_KEY_PERSONS = "lookup/key_persons"
#: stored records by id, for an import's merge (Store.import_dataset(merge=...))
Q_LOOKUP_RECORDS = {
    "customers": "lookup/records_customers",
    "key_persons": "lookup/records_key_persons",
    "employees": "lookup/records_employees",
    "projects": "lookup/records_projects",
    "influences": "lookup/records_influences",
}
Q_ID_INDEX = "read/id_index"
Q_CUSTOMERS = "read/customers"
Q_EMPLOYEES = "read/employees"
Q_COMPETITORS = "read/competitors"
Q_STAFF = "read/competitor_staff"
Q_KEY_PERSONS = "read/key_persons"
Q_KEY_PERSON = "read/key_person"
Q_PROJECTS = "read/projects"
Q_PROJECTS_OF = "read/projects_of_customer"
Q_PROJECT = "read/project"
Q_INFLUENCES = "read/influences"
Q_INTERACTIONS = "read/interactions"
Q_CUSTOMER_GRAPH = "read/customer_graph"
Q_CUSTOMER_GRAPH_SOURCES = "read/customer_graph_sources"
Q_FLAG_GRAPHS = "read/flag_graphs"
# history (brmgraph/store/history.py)
Q_CHANGESETS = "history/changesets"
Q_CREATE_CHANGESET = "history/create_changeset"
Q_VERSIONS_ALL = "history/versions_all"
Q_HISTORY_OLD = "history/old_format"
Q_HISTORY_OLD_VERSIONS = "history/old_versions"
Q_HISTORY_UPGRADE = "history/upgrade"
