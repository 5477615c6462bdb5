"""The Neo4j store: a Neo4j 5.x server reached over Bolt (``neo4j://`` or ``bolt://``).

* Graph model: exactly the labels and relationship types of docs/spec.md §2; interactions are
  ``(:Employee)-[:INTERACTED {date, kind}]->(:KeyPerson)`` (see ``cypher/README.md``).
* Every query lives in a ``.cypher`` file under ``brmgraph/cypher`` (shipped in the
  wheel) and is loaded by name with :func:`load_cypher`; values only ever travel as
  ``$parameters``, labels and relationship types only come from those files.
* An import is ONE explicit transaction of batched ``UNWIND $rows`` statements: a
  failure (or a killed server) before commit leaves the previous content, Neo4j's
  write-ahead log makes the commit itself atomic and durable. Large imports are staged
  (invisible nodes written by concurrent batches, then one switch; see ``importing``).
* Consistent reads (:meth:`Neo4jStore.snapshot`) hold one reader slot of the store's
  lock nodes; imports take them all (``cypher/README.md``, "The lock node").
* Credentials come from ``BRM_NEO4J_USER`` / ``BRM_NEO4J_PASSWORD`` (no auth if unset).

The package's modules: :mod:`.queries` (the .cypher file names, :func:`load_cypher`),
:mod:`.connection` (driver, guard, lock, snapshots), :mod:`.history`, :mod:`.reading`,
:mod:`.importing` (plan, one-transaction and staged imports), :mod:`.decode` (row
decoders) and :mod:`.store` (:class:`Neo4jStore`). The constants below are re-exported
for reading; to change one (tests), patch the module that owns it (e.g.
``brmgraph.store.neo4j.importing.BATCH``).
"""

from __future__ import annotations

from .connection import READ_SLOTS, SCHEMA_VERSION
from .importing import BATCH, IMPORT_ATTEMPTS, LOOKUP_BATCH, STAGE_MIN_RECORDS, STAGE_THREADS
from .queries import cypher_statements, load_cypher
from .reading import FLAG_BATCH, READ_BATCH
from .store import Neo4jStore

__all__ = [
    "BATCH",
    "FLAG_BATCH",
    "IMPORT_ATTEMPTS",
    "LOOKUP_BATCH",
    "READ_BATCH",
    "READ_SLOTS",
    "SCHEMA_VERSION",
    "STAGE_MIN_RECORDS",
    "STAGE_THREADS",
    "Neo4jStore",
    "cypher_statements",
    "load_cypher",
]
