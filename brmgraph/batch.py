"""Batch runs over every customer: the nightly flags, split into shards and worker processes.

Customers are read one at a time (``Store.iter_customer_graphs``) so memory stays flat
however large the store. A shard ``i/n`` (1-based) holds the customers whose stable id
hash falls in bucket ``i - 1`` of ``n``: every customer lands in exactly one shard, on
every machine and every run, and adding customers never moves the others. With more
than one worker, customers are cut into chunks and each worker process opens its own
store; the result is sorted, so it is the same whatever the number of workers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .analysis.exposure import Flag, flags, sort_flags
from .analysis.rules import DEFAULT_MAX_COST, RULES_VERSION
from .errors import NotFound, StoreUnavailable
from .graph import CustomerGraph
from .store import Store, open_store
from .store import stamps as S

#: ``progress(done, total)``: customers finished so far, out of how many
Progress = Callable[[int, int], None]
Tick = Callable[[int], None]


def shard_of(customer_id: str, n: int) -> int:
    """Stable shard (0..n-1) of a customer: a hash of its id, the same on every machine and
    run (unlike Python's salted ``hash``), and independent of which other customers exist."""
    digest = hashlib.blake2b(customer_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % n


class Shard(NamedTuple):
    """Shard ``number`` (1-based) of ``total``."""

    number: int
    total: int

    def holds(self, customer_id: str) -> bool:
        return shard_of(customer_id, self.total) == self.number - 1


def parse_shard(text: str) -> Shard:
    """``"2/4"`` → ``Shard(2, 4)``; ``ValueError`` (with a plain reason) when malformed."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"must look like i/n (e.g. 1/4), not {text!r}") from None
    if n < 1 or not 1 <= i <= n:
        raise ValueError(f"{text!r}: need 1 <= i <= n")
    return Shard(i, n)


def customer_ids(st: Store, shard: Shard | None = None) -> list[str]:
    """Ids of the stored customers, only those of ``shard`` when one is given."""
    ids = st.customer_ids()
    return ids if shard is None else [c for c in ids if shard.holds(c)]


@dataclass
class FlagStats:
    """What a flags run did (filled in by :func:`run_flags` / :func:`collect_flags`):
    customers it covered, how many were computed and how many came from the cache, and
    what became of the new results: ``"written"``, ``"skipped"`` (a read-only or busy
    store: the next run computes them again), ``"none"`` (nothing new to write) or
    ``"off"`` (a run that is not cached: ``--as-of``, ``--strength-from interactions``)."""

    customers: int = 0
    recomputed: int = 0
    cached: int = 0
    cache: str = "off"


def collect_flags(
    st: Store,
    customer_ids: list[str] | None = None,
    *,
    max_cost: int = DEFAULT_MAX_COST,
    progress: Tick | None = None,
    observed_on: date | None = None,
    cache: bool = False,
    recompute: bool = False,
    stats: FlagStats | None = None,
    pending: list[S.Entry] | None = None,
) -> list[Flag]:
    """Flags of the given (default all) customers, read one customer at a time, sorted.
    With ``observed_on``, our ties carry the strength observed on that day (docs/spec.md §4.8.5).

    ``cache``: customers whose cached result is valid (docs/spec.md §4.10) are not
    computed, ``recompute`` computes them all anyway; the new results go to ``pending``
    when given (the caller writes them once its snapshot is over), else are written now
    (best effort). Runs with ``observed_on`` are never cached."""
    ids = customer_ids if customer_ids is not None else st.customer_ids()
    stats = stats if stats is not None else FlagStats()
    stats.customers += len(ids)
    state, records, missing = _plan(st, ids, max_cost, cache and observed_on is None, recompute, stats, progress)
    results = _compute(st, missing, max_cost, progress, observed_on)
    for got in results.values():
        records.extend(got)
    if state is not None:
        entries = _entries(state, results)
        if pending is not None:
            pending.extend(entries)
        else:
            _write_cache(st, max_cost, entries, stats)
    return sort_flags(records)


def _plan(
    st: Store, ids: list[str], max_cost: int, cached: bool, recompute: bool, stats: FlagStats, progress: Tick | None
) -> tuple[S.CacheState | None, list[Flag], list[str]]:
    """The flag cache's part of a run (the one place it is decided): the cache state
    (``None`` when the run is not cached or the store keeps none), the records served
    from it, and the ids left to compute."""
    state = st.flag_cache_read(max_cost) if cached else None
    records: list[Flag] = []
    if state is None:
        stats.recomputed += len(ids)
        return None, records, list(ids)
    return state, records, _from_cache(state, ids, recompute, records, stats, progress)


def _compute(
    st: Store, ids: list[str], max_cost: int, progress: Tick | None, observed_on: date | None = None
) -> dict[str, list[Flag]]:
    """The flags of ``ids``, by customer: from the store's flag graphs, or, with
    ``observed_on``, from data sets with their interactions."""
    out: dict[str, list[Flag]] = {}
    if observed_on is None:
        for cg in st.iter_flag_graphs(ids):
            out[cg.id] = flags(cg, max_cost=max_cost)
            if progress is not None:
                progress(1)
        return out
    from .analysis.observed import StrengthFrom, strength_from

    for ds in st.iter_customer_graphs(ids, interactions=True):
        ds = strength_from(ds, StrengthFrom.interactions, observed_on)
        cid = ds.customers[0].id
        out[cid] = flags(CustomerGraph.from_dataset(ds, cid), max_cost=max_cost)
        if progress is not None:
            progress(1)
    return out


def _from_cache(
    state: S.CacheState, ids: list[str], recompute: bool, records: list[Flag], stats: FlagStats, progress: Tick | None
) -> list[str]:
    """Add the valid cached results of ``ids`` to ``records``; the ids left to compute."""
    if recompute:
        stats.recomputed += len(ids)
        return list(ids)
    missing: list[str] = []
    served = 0
    for cid in ids:
        payload = state.valid(cid, RULES_VERSION)
        if payload is not None:
            try:
                records.extend(S.decode(payload, Flag))
                served += 1
                continue
            except ValueError:  # a damaged entry: computed again, and overwritten
                pass
        missing.append(cid)
    stats.cached += served
    stats.recomputed += len(missing)
    if progress is not None and served:
        progress(served)
    return missing


def _write_cache(st: Store, max_cost: int, entries: list[S.Entry], stats: FlagStats) -> None:
    """Write new results (never fails the run: a store that cannot take them now skips)."""
    if not entries:
        stats.cache = "none"
        return
    try:
        ok = st.flag_cache_write(max_cost, entries)
    except Exception:  # best effort by contract; a store error must not fail the run
        ok = False
    stats.cache = "written" if ok else "skipped"


def _flags_chunk(store_url: str, customer_ids: list[str], max_cost: int, observed_on: date | None = None) -> list[dict]:
    """Worker process: open its own store, compute the flags of some customers."""
    st = open_store(store_url, create=False)
    try:
        flags_ = collect_flags(st, customer_ids, max_cost=max_cost, observed_on=observed_on)
        return [f.model_dump(mode="json") for f in flags_]
    finally:
        st.close()


def collect_flags_parallel(
    store_url: str,
    customer_ids: list[str],
    workers: int,
    *,
    max_cost: int = DEFAULT_MAX_COST,
    progress: Tick | None = None,
    observed_on: date | None = None,
) -> list[Flag]:
    """Flags computed by ``workers`` processes, each opening its own store; sorted."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    size = max(1, min(200, len(customer_ids) // (workers * 4) or 1))
    chunks = [customer_ids[i : i + size] for i in range(0, len(customer_ids), size)]
    records: list[Flag] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_flags_chunk, store_url, c, max_cost, observed_on): len(c) for c in chunks}
        for fut in as_completed(futures):
            records.extend(Flag(**d) for d in fut.result())
            if progress is not None:
                progress(futures[fut])
    return sort_flags(records)


def run_flags(
    store_url: str | None,
    shard: Shard | None = None,
    workers: int = 1,
    *,
    max_cost: int = DEFAULT_MAX_COST,
    progress: Progress | None = None,
    store: Store | None = None,
    require_customers: bool = True,
    observed_on: date | None = None,
    cache: bool = True,
    recompute: bool = False,
    stats: FlagStats | None = None,
) -> list[Flag]:
    """The nightly flags of every customer of the store (only ``shard``'s when given), sorted
    by (project, person): in this process, or spread over ``workers`` processes that each
    open their own connection. ``progress(done, total)`` is called as customers finish.
    ``store_url`` ``None`` means the default store (``$BRM_STORE``, else ``sqlite:///brm.db``);
    an already open ``store`` (such as the state at a past time) is used as it is, in this
    process. A store that does not exist, or holds no customers while ``require_customers``,
    is :class:`StoreUnavailable`: "no flags" must never stand for "no data" (a past state
    before the first import legitimately holds nothing: ``flags --since``). ``observed_on``:
    tie strengths from interactions as of that day (docs/spec.md §4.8.5).

    ``cache`` (plain runs only: no ``observed_on``): customers whose cached result is
    still valid are not computed (docs/spec.md §4.10); ``recompute`` computes every one
    and rewrites the cache. New results are written after the read snapshot, by this
    process (workers only compute), best effort. ``stats`` is filled in."""
    stats = stats if stats is not None else FlagStats()
    cached_run = cache and observed_on is None
    own = store is None
    st = open_store(store_url, create=False) if store is None else store
    try:
        # one snapshot for the ids and every customer: a concurrent import is seen
        # wholly or not at all, and no customer vanishes between reading ids and graphs
        with st.snapshot():
            url = st.url
            all_ids = st.customer_ids()
            if not all_ids and require_customers:
                raise StoreUnavailable(f"store {url} holds no customers")
            ids = all_ids if shard is None else [c for c in all_ids if shard.holds(c)]
            tick = _counter(len(ids), progress)
            stats.customers += len(ids)
            state, hits, missing = _plan(st, ids, max_cost, cached_run, recompute, stats, tick)
            here = not own or workers <= 1 or len(missing) < 2
            if here:
                results = _compute(st, missing, max_cost, tick, observed_on)
            before = _generation(st)
        if here:
            if state is not None:
                _write_cache(st, max_cost, _entries(state, results), stats)
            return sort_flags(hits + [f for got in results.values() for f in got])
    finally:
        if own:
            st.close()
    # worker processes read in snapshots of their own: when an import committed
    # meanwhile (the latest change set moved), their answers may mix two states, so
    # the flags are read again in this process, in one snapshot
    try:
        computed: list[Flag] | None = collect_flags_parallel(
            url, missing, workers, max_cost=max_cost, progress=tick, observed_on=observed_on
        )
    except NotFound:  # a customer deleted by an import meanwhile
        computed = None
    st = open_store(url, create=False)
    try:
        if computed is not None and _generation(st) == before:
            if state is not None:
                _write_cache(st, max_cost, _entries(state, _by_customer(missing, computed)), stats)
            return sort_flags(hits + computed)
        again = FlagStats()
        pending: list[S.Entry] = []
        with st.snapshot():
            all_ids = st.customer_ids()
            ids = all_ids if shard is None else [c for c in all_ids if shard.holds(c)]
            records = collect_flags(
                st, ids, max_cost=max_cost, observed_on=observed_on, cache=cached_run, recompute=recompute,
                stats=again, pending=pending,
            )
        if cached_run:
            _write_cache(st, max_cost, pending, again)
        stats.customers, stats.recomputed, stats.cached, stats.cache = again.customers, again.recomputed, again.cached, again.cache
        return records
    finally:
        st.close()


def _by_customer(ids: list[str], records: list[Flag]) -> dict[str, list[Flag]]:
    """``records`` of the customers ``ids`` grouped by customer (each one, with or
    without flags), sorted."""
    out: dict[str, list[Flag]] = {cid: [] for cid in ids}
    for f in records:
        if f.customer in out:
            out[f.customer].append(f)
    return {cid: sort_flags(fs) for cid, fs in out.items()}


def _entries(state: S.CacheState, results: dict[str, list[Flag]]) -> list[S.Entry]:
    """Cache entries of the computed customers (each one, with or without flags), keyed
    as read in the run's snapshot."""
    return [(cid, state.key(cid, RULES_VERSION), S.encode(fs)) for cid, fs in results.items()]


def _generation(st: Store) -> tuple[int, str] | None:
    """The latest change set (id, time) of a store: it moves with every import."""
    sets = st.changesets()
    return (sets[-1].id, sets[-1].time) if sets else None


def _counter(total: int, progress: Progress | None) -> Tick | None:
    if progress is None:
        return None
    done = 0
    progress(0, total)

    def tick(n: int) -> None:
        nonlocal done
        done += n
        progress(done, total)

    return tick
