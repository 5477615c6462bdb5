"""The Cypher files: every file is used, every name used exists, they ship in the wheel,
queries never format values into their text, and the analyst queries agree with the
Python analyses."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from brmgraph.store.neo4j import load_cypher
from brmgraph.store.neo4j import queries as neo4j_queries

ROOT = Path(__file__).resolve().parent.parent
CYPHER = ROOT / "cypher"
SPEC_LABELS = {"Customer", "KeyPerson", "Employee", "Competitor", "CompetitorStaff", "Project"}
SPEC_TYPES = {"WORKS_AT", "REPORTS_TO", "INFLUENCES_INTERNAL", "INFLUENCES_EXTERNAL", "WORKS_FOR", "FOR", "IN_CHAIN", "BIDS_ON"}
#: our choice for interactions (cypher/README.md)
EXTRA_TYPES = {"INTERACTED"}
#: the labels of the history nodes (brmgraph/store/history.py), only in these files
HISTORY_LABELS = {"BrmChangeSet", "BrmVersion"}
HISTORY_FILES = ("history/", "schema.cypher")
LOCK_LABELS = {"BrmLock"}  # the store's lock and marker node (cypher/lock/take.cypher)
LOCK_FILES = ("lock/", "schema.cypher")
#: the labels of the flag cache (brmgraph/store/stamps.py), only in these files
CACHE_LABELS = {"BrmStamp", "BrmStoreStamp", "BrmFlagCache"}
CACHE_FILES = ("cache/", "schema.cypher")
#: what `brmgraph notify` sent (docs/spec.md §5.5), only in these files
NOTIFY_LABELS = {"BrmNotifySend"}
NOTIFY_FILES = ("notify/", "schema.cypher")


def cypher_files() -> set[str]:
    return {p.relative_to(CYPHER).with_suffix("").as_posix() for p in CYPHER.rglob("*.cypher")}


def names_used_by_code() -> set[str]:
    names: set[str] = set()
    for k, v in vars(neo4j_queries).items():
        if not k.startswith("Q_"):
            continue
        names |= {v} if isinstance(v, str) else set(v.values())
    # literal load_cypher(<name>) / _run(<store>, <name>) calls in the package and the tests
    pattern = re.compile(r"(?:load_cypher\(|_run\(\s*\w+,)\s*[\"']([^\"']+)[\"']")
    for base in (ROOT / "brmgraph", ROOT / "tests"):
        for py in base.rglob("*.py"):
            names |= set(pattern.findall(py.read_text(encoding="utf-8")))
    return names


MISSING = "no/such/file"
ANALYST_QUERIES = {"queries/path_to_person", "queries/uncovered_veto_holders"}


def test_every_file_is_used_and_every_name_exists() -> None:
    files = cypher_files()
    used = names_used_by_code()
    assert ANALYST_QUERIES <= files
    assert used - files == set(), "names used in code without a .cypher file"
    assert files - used == set(), "cypher files nobody uses"
    for name in used:
        assert load_cypher(name).strip()
    with pytest.raises(KeyError):
        load_cypher(MISSING)


def test_brmgraph_cypher_is_the_top_level_folder() -> None:
    link = ROOT / "brmgraph" / "cypher"
    assert link.resolve() == CYPHER.resolve()


def test_analyst_queries_have_a_usage_header() -> None:
    for name in ANALYST_QUERIES:
        head = load_cypher(name).splitlines()[:8]
        assert all(ln.startswith("//") for ln in head[:3]), name
        assert any("How to use" in ln for ln in head), name
        assert ":param" in load_cypher(name), name
    assert "SHORTEST" in load_cypher("queries/path_to_person")


def _labels_and_types(text: str) -> tuple[set[str], set[str]]:
    labels = set(re.findall(r"\((?:\w+)?:(\w+)", text)) | set(re.findall(r"\bn:(\w+)", text))
    types = set(re.findall(r"\[(?:\w+)?:([A-Z_|]+)", text))
    return labels, {t for group in types for t in group.split("|") if t}


def test_write_statements_hold_only_trusted_names() -> None:
    """The import's statements are made from the declaration's names (importing.PROPS,
    LABELS): only spec labels, types and declared properties in their text, no value."""
    from brmgraph.store.neo4j import importing as imp

    made = [imp.upsert_statement(s) for s in imp.LABELS] + [imp.delete_statement(s) for s in imp.LABELS]
    made += [imp.edge_statement("influences", src) for src in imp.INFLUENCE_TYPE]
    made += [imp.edge_statement("reports_to"), imp.edge_statement("interactions")]
    props = {p for ps in imp.PROPS.values() for p in ps} | {"id", "strength", "role", "pos", "date", "kind"}
    for text in made:
        labels, types = _labels_and_types(text)
        assert labels <= SPEC_LABELS and types <= SPEC_TYPES | EXTRA_TYPES, text
        assert set(re.findall(r"\.(\w+)\s*=", text)) <= props, text
        assert not re.search(r"['\"]", text), text  # no string literal: values are $rows
        assert set(re.findall(r"(?<![\w\[-])\d+", text)) == set(), text  # numbers only as r[i] indexes
    with pytest.raises(ValueError):
        imp._name("Customer) DETACH DELETE (x")


def test_queries_take_values_only_as_parameters() -> None:
    """No Python string formatting of query text outside the statement maker (whose
    names are checked above)."""
    bad = re.compile(r"f[\"'][^\"']*\b(MATCH|MERGE|CREATE|SET|WHERE|DELETE|UNWIND|RETURN)\b[^\"']*\{", re.I)
    sources = sorted((ROOT / "brmgraph" / "store" / "neo4j").glob("*.py"))
    assert len(sources) > 1
    for py in sources:
        src = py.read_text(encoding="utf-8")
        assert ".format(" not in src and "% (" not in src, py
        if py.name != "importing.py":
            assert not bad.search(src), py
    for path in CYPHER.rglob("*.cypher"):
        text = path.read_text(encoding="utf-8")
        # only labels and relationship types of SPEC §2 (+ INTERACTED) appear in the files
        labels, types = _labels_and_types(text)
        rel = path.relative_to(CYPHER).as_posix()
        if rel.startswith(HISTORY_FILES):
            labels -= HISTORY_LABELS
        if rel.startswith(LOCK_FILES):
            labels -= LOCK_LABELS
        if rel.startswith(CACHE_FILES):
            labels -= CACHE_LABELS
        if rel.startswith(NOTIFY_FILES):
            labels -= NOTIFY_LABELS
        assert labels <= SPEC_LABELS, (path, labels - SPEC_LABELS)
        assert types <= SPEC_TYPES | EXTRA_TYPES, (path, types)


def test_wheel_contains_the_cypher_and_java_files(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    if proc.returncode != 0:
        from tests.conftest import need

        need(False, f"cannot build a wheel here: {proc.stderr.strip().splitlines()[-1:]}")
    wheel = next(tmp_path.glob("brmgraph-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in cypher_files():
        assert f"brmgraph/cypher/{name}.cypher" in names, name
    assert "brmgraph/java/BrmNeo4j.java" in names and "brmgraph/java/pom.xml" in names


# ------------------------------------------------------------------------ against Neo4j


def _run(store, name: str, **params):
    with store.driver.session() as s:
        return s.run(load_cypher(name), **params).data()


def _equal_cost_dataset():
    """A generated data set where every arc costs the same: only medium influence
    edges, no reporting lines (whose up/down arcs cost differently)."""
    import json
    import tempfile

    from brmgraph.dataset import load_dataset
    from brmgraph.generate import generate

    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "g.json"
        generate(out, customers=3, persons_per=16, employees=12, competitors=2, staff_per=3, seed="hops")
        doc = json.loads(out.read_text(encoding="utf-8"))
        for p in doc["key_persons"]:
            p["reports_to"] = None
        for i in doc["influences"]:
            i["strength"] = "medium"
        out.write_text(json.dumps(doc), encoding="utf-8")
        return load_dataset(out)


def test_labels_and_types_in_neo4j_are_spec_ones(neo4j_store) -> None:
    from brmgraph.model import Dataset
    from tests.test_conformance import BASE

    neo4j_store.import_dataset(Dataset.model_validate(BASE))
    with neo4j_store.driver.session() as s:
        labels = {r["label"] for r in s.run("MATCH (n) UNWIND labels(n) AS label RETURN DISTINCT label")}
        types = {r["t"] for r in s.run("MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")}
        constraints = {r["labelsOrTypes"][0] for r in s.run("SHOW CONSTRAINTS YIELD labelsOrTypes, type WHERE type = 'UNIQUENESS'")}
    assert labels - HISTORY_LABELS - LOCK_LABELS - CACHE_LABELS - NOTIFY_LABELS == SPEC_LABELS
    assert types == SPEC_TYPES | EXTRA_TYPES
    assert constraints >= SPEC_LABELS


def test_path_to_person_agrees_with_python_when_arcs_cost_the_same(neo4j_store) -> None:
    from brmgraph.analysis.paths import best_paths
    from brmgraph.graph import CustomerGraph
    from brmgraph.service.scope import parse_perspective

    ds = _equal_cost_dataset()
    neo4j_store.import_dataset(ds)
    teams = sorted({e.team for e in ds.employees if e.team})
    perspectives = {
        "company": {"team": None, "employee": None, "competitor": None},
        f"team:{teams[0]}": {"team": teams[0], "employee": None, "competitor": None},
        f"individual:{ds.employees[0].id}": {"team": None, "employee": ds.employees[0].id, "competitor": None},
        "competitor:*": {"team": None, "employee": None, "competitor": "*"},
        f"competitor:{ds.competitors[0].id}": {"team": None, "employee": None, "competitor": ds.competitors[0].id},
    }
    compared = found = 0
    for c in ds.customers:
        cg = CustomerGraph.from_dataset(neo4j_store.customer_graph(c.id), c.id)
        for spelled, params in perspectives.items():
            python = best_paths(cg, parse_perspective(spelled))
            for target, res in python.items():
                rows = _run(neo4j_store, "queries/path_to_person", person=target, **params)
                if res.cost is None:
                    assert rows == [], (spelled, target, rows)
                else:
                    assert len(rows) == 1, (spelled, target)
                    assert rows[0]["path"] == res.path, (spelled, target, rows[0], res)
                    assert rows[0]["hops"] == res.hops and res.cost == 2 * res.hops
                    found += 1
                compared += 1
    assert compared > 100 and found > 30


def test_uncovered_veto_holders_agrees_with_flags(neo4j_store) -> None:
    from brmgraph.analysis.coverage import coverage
    from brmgraph.graph import CustomerGraph
    from brmgraph.model import Dataset
    from brmgraph.service.scope import parse_perspective
    from tests.builders import thinned_generated_doc as _thinned_generated_doc

    ds = Dataset.model_validate(_thinned_generated_doc())
    neo4j_store.import_dataset(ds)
    expected = set()
    for c in ds.customers:
        cg = CustomerGraph.from_dataset(neo4j_store.customer_graph(c.id), c.id)
        for j in ds.projects:
            if j.customer != c.id or j.status.value != "open":
                continue
            res = coverage(cg, parse_perspective("company"), project=j.id)
            vetoes = {p.id for p in ds.key_persons if p.veto.value == "yes"}
            expected |= {(j.id, m.person) for m in res.members if m.status == "none" and m.person in vetoes}
    rows = _run(neo4j_store, "queries/uncovered_veto_holders", max_cost=4)
    got = {(r["project"], r["person"]) for r in rows}
    assert got == expected
    assert expected, "the thinned data set should have uncovered veto holders"
    assert rows == sorted(rows, key=lambda r: (r["project"], r["person"]))
