"""The Neo4j store: a Neo4j 5.x server reached over Bolt (``neo4j://`` or ``bolt://``).

* Graph model: exactly the labels and relationship types of docs/spec.md §2; interactions are
  ``(:Employee)-[:INTERACTED {date, kind}]->(:KeyPerson)`` (see ``cypher/README.md``).
* Reads live in ``.cypher`` files under ``brmgraph/cypher`` (shipped in the wheel), loaded
  by name with :func:`load_cypher`; the write statements are made from trusted names
  (``importing``); values only ever travel as ``$parameters``.
* An import is ONE managed transaction (``execute_write``, retried by the driver) of
  batched ``UNWIND $rows`` statements, one per record kind, made from the property
  lists of ``importing.PROPS``: a failure (or a killed client or server) before commit
  leaves the previous content; Neo4j's write-ahead log makes the commit atomic and durable.
* Consistent reads of many customers (:meth:`Neo4jStore.snapshot`: ``flags``, ``export``)
  hold one reader slot of the store's lock nodes; imports take them all. Reads of one
  customer (:meth:`Neo4jStore.optimistic_snapshot`) take no lock: a read transaction
  whose reads check the store's generation (``cypher/README.md``, "The lock node").
* Credentials come from ``BRM_NEO4J_USER`` / ``BRM_NEO4J_PASSWORD`` (no auth if unset).

The package's modules: :mod:`.queries` (the .cypher file names, :func:`load_cypher`),
:mod:`.connection` (driver, guard, lock, snapshots), :mod:`.history`, :mod:`.reading`,
:mod:`.importing` (the write statements and the import), :mod:`.decode` (row
decoders) and :mod:`.store` (:class:`Neo4jStore`). The constants below are re-exported
for reading; to change one (tests), patch the module that owns it (e.g.
``brmgraph.store.neo4j.importing.BATCH``).
"""

from __future__ import annotations

from .connection import READ_SLOTS, SCHEMA_VERSION
from .importing import BATCH, LOOKUP_BATCH
from .queries import cypher_statements, load_cypher
from .reading import FLAG_BATCH, READ_BATCH
from .store import Neo4jStore

__all__ = [
    "BATCH",
    "FLAG_BATCH",
    "LOOKUP_BATCH",
    "READ_BATCH",
    "READ_SLOTS",
    "SCHEMA_VERSION",
    "Neo4jStore",
    "cypher_statements",
    "load_cypher",
]
