"""The query registry: the names of the ``.cypher`` files the store runs, and
:func:`load_cypher` that reads one by name."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_cypher(name: str) -> str:
    """The text of ``brmgraph/cypher/<name>.cypher`` (``name`` may contain ``/``).

    >>> "MERGE (l:BrmLock" in load_cypher("lock/take")
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
Q_LABEL_COUNTS = "read/label_counts"
Q_LOCK_TAKE = "lock/take"
Q_LOCK_READ = "lock/read"
Q_LOCK_SLOTS = "lock/take_slots"
Q_LOCK_SLOT = "lock/take_slot"
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
