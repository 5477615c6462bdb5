"""``--as-of T`` for one customer as a query (:func:`brmgraph.store.history.customer_state_at`):
the same sub-graph as the whole state at T gives, on both stores, while the embedded
store reads only the change sets that touched the customer (or shared records)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from brmgraph.dataset import import_path
from brmgraph.dataset.merging import import_patch
from brmgraph.store import Store, open_store
from brmgraph.store import history as H

from .builders import canon

_spec = importlib.util.spec_from_file_location("make_history_store", Path(__file__).parent / "fixtures" / "make_history_store.py")
assert _spec is not None and _spec.loader is not None
MAKER: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(MAKER)

CUSTOMERS = ("C1", "C2", "C3", "NOPE")


def replay(st: Store, tmp: Path) -> None:
    """The fixture's eight imports, with today's code."""
    for n, ((mode, doc), at) in enumerate(zip(MAKER.docs(), MAKER.TIMES, strict=True)):
        path = tmp / f"step{n}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        if mode == "patch":
            import_patch(st, path)
        else:
            import_path(st, path, replace=mode == "replace", effective=H.parse_time(at))


def times(st: Store) -> list[str]:
    """Every change set's time, a moment before and after each, and the fixture's times."""
    out = {H.parse_time(t) for t in MAKER.AS_OF}
    for c in st.changesets():
        out |= {c.time, c.time[:-2] + "0Z" if c.time[-2] != "0" else c.time[:-3] + "99Z"}
        out.add(c.time[:10] + "T00:00:00.000000Z")
    return sorted(out)


def check(st: Store) -> dict[tuple[str, str], Any]:
    got = {}
    for at in times(st):
        whole = st.state_at(at)
        for cid in CUSTOMERS:
            want = H._sub_graph(whole, cid)
            mine = H.customer_state_at(st, cid, at)
            assert canon(mine) == canon(want), (cid, at)
            got[(cid, at)] = canon(mine)
    return got


def test_one_customer_as_of_equals_the_whole_state(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(sqlite_url) as st:
        replay(st, tmp_path)
        reads: list[tuple[str | None, int]] = []
        real = st.history_blobs

        def spy(customer: str | None, after: str) -> list[tuple[int, str, bytes | None]]:
            out = real(customer, after)
            reads.append((customer, len(out)))
            return out

        monkeypatch.setattr(st, "history_blobs", spy)
        every: dict[tuple[str, str], list[tuple[str | None, int]]] = {}
        for at in times(st):
            whole = st.state_at(at)
            later = len([c for c in st.changesets() if c.time > at])
            for cid in CUSTOMERS:
                reads.clear()
                assert canon(H.customer_state_at(st, cid, at)) == canon(H._sub_graph(whole, cid)), (cid, at)
                every[(cid, at)] = [(c, n if c is not None else -later) for c, n in reads]
        # the key person who moved from C1 to C2 and back makes C1 (and C2) read every
        # change set after T; C3 never does, and early on it reads fewer than there are
        fell_back = {cid for (cid, _at), r in every.items() if any(c is None for c, _n in r)}
        assert fell_back <= {"C1", "C2"} and "C1" in fell_back
        first = st.changesets()[0].time
        c3 = [n for (cid, at), r in every.items() if cid == "C3" and at == first for _c, n in r]
        assert c3 and c3[0] < len(st.changesets()) - 1


def test_both_stores_answer_one_customer_as_of_alike(tmp_path: Path, sqlite_url: str, neo4j_store: Store) -> None:
    with open_store(sqlite_url) as st:
        replay(st, tmp_path)
        replay(neo4j_store, tmp_path)
        # the same instants on both (the patch is stamped when it runs: ask at the fixture's times)
        for t in MAKER.AS_OF:
            at = H.parse_time(t)
            for cid in CUSTOMERS:
                a, b = H.customer_state_at(st, cid, at), H.customer_state_at(neo4j_store, cid, at)
                assert canon(a) == canon(b) == canon(H._sub_graph(neo4j_store.state_at(at), cid)), (cid, t)
