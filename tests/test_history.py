"""Safe nightly imports, export round trips and history (docs/spec.md §4.9), on the
embedded store through the command line and on both stores through the library."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from brmgraph.dataset import import_path, load_dataset
from brmgraph.errors import BadArgument
from brmgraph.store import Store, open_store
from brmgraph.store.history import parse_time

from .builders import canon
from .test_cli_core import assert_clean_error, brm

DEMO = Path(__file__).resolve().parent.parent / "brmgraph" / "data" / "demo.yaml"


def demo_doc() -> dict[str, Any]:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def snapshots() -> list[dict[str, Any]]:
    """Three nightly exports of a CRM: the demo; a stance change, a rename and five
    influences gone; a new key person, a project gone and one influence back."""
    a = demo_doc()
    b = copy.deepcopy(a)
    b["key_persons"][0]["closeness"] = "strong_oppose"
    b["customers"][0]["name"] = "Renamed Co"
    gone = b["influences"][:5]
    b["influences"] = b["influences"][5:]
    c = copy.deepcopy(b)
    c["key_persons"].append({"id": "PNEW", "customer": c["customers"][0]["id"], "name": "New Person", "veto": "yes"})
    c["projects"] = [j for j in c["projects"] if j["id"] != c["projects"][-1]["id"]]
    c["influences"].append(gone[0])
    # an unreached veto holder in an open deal: a new flag
    deal = next(j for j in c["projects"] if j.get("status", "open") in ("open", "进行中") and j["customer"] == c["customers"][0]["id"])
    deal.setdefault("decision_chain", []).append({"person": "PNEW", "role": "sponsor"})
    return [a, b, c]


TIMES = ["2024-01-01", "2024-02-01", "2024-03-01T06:30:00Z"]


def write(tmp: Path, name: str, doc: dict[str, Any]) -> Path:
    p = tmp / name
    p.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    return p


# ------------------------------------------------------------------ safety


def test_reads_never_create_a_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    for args in (["info"], ["flags", "--fail-on-flags"], ["export"], ["history"], ["coverage", "--customer", "C1"],
                 ["info", "--as-of", "2024-01-01"]):
        r = brm(*args, "--store", url)
        assert_clean_error(r, 5)
        assert url in r.stderr
        assert not (tmp_path / "none.db").exists(), args


def test_empty_replace_is_refused_unless_allowed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'brm.db'}"
    assert brm("import", str(DEMO), "--store", url).returncode == 0
    before = brm("info", "--json", "--store", url).stdout
    empty = tmp_path / "empty.yaml"
    empty.write_text("{}\n")
    r = brm("import", str(empty), "--replace", "--store", url)
    assert_clean_error(r, 2)
    assert "empty.yaml" in r.stderr and "--allow-empty" in r.stderr
    assert brm("info", "--json", "--store", url).stdout == before
    assert brm("import", str(empty), "--replace", "--allow-empty", "--store", url).returncode == 0
    assert set(json.loads(brm("info", "--json", "--store", url).stdout)["counts"].values()) == {0}
    r = brm("flags", "--fail-on-flags", "--store", url)
    assert_clean_error(r, 5)
    assert "holds no customers" in r.stderr


# ------------------------------------------------------------------ export


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv"])
def test_export_round_trip_sqlite(tmp_path: Path, fmt: str, generated: Path) -> None:
    for n, source in enumerate((DEMO, generated)):
        a = f"sqlite:///{tmp_path / f'a{n}.db'}"
        b = f"sqlite:///{tmp_path / f'b{n}.db'}"
        assert brm("import", str(source), "--store", a).returncode == 0
        out = tmp_path / (f"ex{n}" if fmt == "csv" else f"ex{n}.{fmt}")
        r = brm("export", "--format", fmt, "--out", str(out), "--store", a)
        assert r.returncode == 0, r.stderr
        r = brm("import", str(out), "--replace", "--store", b)
        assert r.returncode == 0, r.stderr
        for cmd in (["info", "--json"], ["flags"], ["export"]):
            ra, rb = brm(*cmd, "--store", a), brm(*cmd, "--store", b)
            assert ra.returncode == rb.returncode and ra.stdout.replace(a, "") == rb.stdout.replace(b, ""), (source, cmd)
        with open_store(a) as sa, open_store(b) as sb:
            assert canon(sa.export()) == canon(sb.export()) == canon(load_dataset(source))


def test_export_round_trip_into_neo4j(tmp_path: Path, neo4j_store: Store, generated: Path) -> None:
    for source in (DEMO, generated):
        a = f"sqlite:///{tmp_path / 'a.db'}"
        with open_store(a) as sa:
            import_path(sa, source, replace=True)
        for fmt in ("yaml", "csv"):
            out = tmp_path / (f"ex-{fmt}" if fmt == "csv" else f"ex.{fmt}")
            assert brm("export", "--format", fmt, "--out", str(out), "--store", a).returncode == 0
            import_path(neo4j_store, out, replace=True)
            with open_store(a) as sa:
                assert canon(neo4j_store.export()) == canon(sa.export())
                for c in sa.customers():
                    assert canon(neo4j_store.customer_graph(c.id)) == canon(sa.customer_graph(c.id))


# ------------------------------------------------------------------ history


def load_sequence(st: Store, tmp: Path) -> list[Path]:
    files = []
    for n, (doc, t) in enumerate(zip(snapshots(), TIMES)):
        f = write(tmp, f"snap{n}.json", doc)
        files.append(f)
        s = import_path(st, f, replace=True, effective=parse_time(t))
        assert s.changeset == n + 1
    return files


def check_states(st: Store, files: list[Path]) -> None:
    assert st.state_at(parse_time("2023-12-31")).record_count() == 0
    for n, (f, t) in enumerate(zip(files, TIMES)):
        want = canon(load_dataset(f))
        assert canon(st.state_at(parse_time(t))) == want, n
        later = parse_time(t)[:10] + "T12:00:00Z"  # between change sets
        assert canon(st.state_at(parse_time(later))) == want, n
    assert canon(st.export()) == canon(load_dataset(files[-1]))


def test_history_on_the_embedded_store(tmp_path: Path, sqlite_url: str) -> None:
    with open_store(sqlite_url) as st:
        files = load_sequence(st, tmp_path)
        check_states(st, files)
        sets = st.changesets()
        assert [c.counts["changed"] for c in sets] == [0, 2, 1]
        assert [c.counts["deleted"] for c in sets] == [0, 5, 1]
        assert [c.counts["created"] for c in sets] == [207, 0, 2]
        with pytest.raises(BadArgument, match="earlier than the store's latest change set"):
            import_path(st, files[0], effective=parse_time("2024-02-15"))
        assert len(st.changesets()) == 3  # refused: nothing written


def test_history_and_as_of_through_the_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'brm.db'}"
    fresh = []
    for n, (doc, t) in enumerate(zip(snapshots(), TIMES)):
        f = write(tmp_path, f"snap{n}.json", doc)
        assert brm("import", str(f), "--replace", "--effective", t, "--store", url).returncode == 0
        one = f"sqlite:///{tmp_path / f'fresh{n}.db'}"
        assert brm("import", str(f), "--store", one).returncode == 0
        fresh.append(one)
    customer = snapshots()[0]["customers"][0]["id"]
    for n, t in enumerate(TIMES):
        for cmd in (["info", "--json"], ["flags"], ["export"], ["coverage", "--customer", customer, "--json"],
                    ["report", "--customer", customer, "--json"]):
            past = brm(*cmd, "--as-of", t, "--store", url)
            now = brm(*cmd, "--store", fresh[n])
            assert past.returncode == now.returncode == 0, past.stderr
            assert past.stdout.replace(url, "") == now.stdout.replace(fresh[n], ""), (t, cmd)
    # flags --since: the set difference of the flags then and now
    then = {(r["project"], r["person"]): r for r in map(json.loads, brm("flags", "--store", fresh[0]).stdout.splitlines())}
    now = {(r["project"], r["person"]): r for r in map(json.loads, brm("flags", "--store", url).stdout.splitlines())}
    r = brm("flags", "--since", TIMES[0], "--store", url)
    got = [json.loads(x) for x in r.stdout.splitlines()]
    want = sorted(
        [{**now[k], "change": "new"} for k in set(now) - set(then)]
        + [{**then[k], "change": "resolved"} for k in set(then) - set(now)],
        key=lambda d: (d["project"], d["person"]),
    )
    assert got == want and got
    assert r.returncode == 0
    code = brm("flags", "--since", TIMES[0], "--fail-on-flags", "--store", url).returncode
    assert code == (3 if any(d["change"] == "new" for d in want) else 0)
    # history of the changed person: closeness from neutral to strong_oppose in change set 2
    person = snapshots()[0]["key_persons"][0]["id"]
    doc = json.loads(brm("history", "--person", person, "--json", "--store", url).stdout)
    assert [c["id"] for c in doc["changesets"]] == [1, 2, 3]
    mine = [c for c in doc["changes"] if c["section"] == "key_persons"]
    assert [c["action"] for c in mine] == ["created", "changed"]
    assert mine[1]["changeset"] == 2 and {"field": "closeness", "before": snapshots()[0]["key_persons"][0].get("closeness", "unknown"),
                                          "after": "strong_oppose"} in mine[1]["fields"]
    assert_clean_error(brm("history", "--person", "NOBODY", "--store", url), 4)
    r = brm("import", str(tmp_path / "snap0.json"), "--effective", "2024-01-05", "--store", url)
    assert_clean_error(r, 2)


def test_both_stores_keep_the_same_history(tmp_path: Path, sqlite_url: str, neo4j_store: Store) -> None:
    with open_store(sqlite_url) as sq:
        files = load_sequence(sq, tmp_path)
        load_sequence(neo4j_store, tmp_path)
        check_states(neo4j_store, files)
        assert [c.as_json() for c in neo4j_store.changesets()] == [c.as_json() for c in sq.changesets()]
        key = lambda v: (v.section, v.key, v.valid_to)  # noqa: E731
        assert sorted(neo4j_store.versions(), key=key) == sorted(sq.versions(), key=key)
        for t in TIMES + ["2024-01-15", "2024-02-20"]:
            at = parse_time(t)
            assert canon(neo4j_store.state_at(at)) == canon(sq.state_at(at)), t


def test_packed_versions_rebuild_with_older_whole_rows() -> None:
    """A schema-2 store's whole version rows and the packed deltas written after them
    give the same versions as if every row had been stored whole."""
    from brmgraph.store import history as H

    def rec(*v: Any) -> str:
        return json.dumps(dict(zip(("id", "title", "closeness"), v)), separators=(",", ":"))

    v1, v2, v3, now = rec("P1", "a", 1), rec("P1", "b", 1), rec("P1", "b", 2), rec("P1", "c", 2)
    t = [parse_time(d) for d in ("2024-01-02", "2024-01-03", "2024-01-04")]
    legacy = [H.Version("key_persons", "P1", v1, None, t[0], 2)]
    packed = [(1, parse_time("2024-01-01"), None),
              (2, t[0], None),
              (3, t[1], H.pack([("key_persons", "P1", v2, v3)])),
              (4, t[2], H.pack([("key_persons", "P1", v3, now), ("key_persons", "P2", None, rec("P2"))]))]
    got = H.expand({("key_persons", "P1"): now, ("key_persons", "P2"): rec("P2")}, packed, legacy)
    assert [(v.key, v.data, v.valid_from, v.valid_to, v.changeset) for v in got] == [
        ("P1", v1, None, t[0], 2), ("P1", v2, t[0], t[1], 3), ("P1", v3, t[1], t[2], 4), ("P2", None, None, t[2], 4)]
    # a deleted record's last version is stored whole; the one before it as a delta
    gone = [(1, t[0], None), (2, t[1], H.pack([("key_persons", "P1", v1, v2)])),
            (3, t[2], H.pack([("key_persons", "P1", v2, None)]))]
    assert [v.data for v in H.expand({}, gone, after=t[0])] == [v1, v2]
    assert [v.data for v in H.expand({}, gone, after=t[1])] == [v2]
