"""What ``brmgraph notify`` sent, per run id (docs/spec.md §5.5): one ``:BrmNotifySend
{id, run_id, channel, part, time, detail}`` node per message, values as parameters."""

from __future__ import annotations

import json
from typing import Any

from .. import history as H
from .connection import Neo4jConnection
from .queries import load_cypher


class Neo4jNotify(Neo4jConnection):
    def notify_sends(self, run_id: str) -> set[tuple[str, int]]:
        rows = self._run_read(lambda tx: list(tx.run(load_cypher("notify/sends"), run_id=run_id)))
        return {(r["channel"], int(r["part"])) for r in rows}

    def notify_record(self, run_id: str, channel: str, part: int, detail: str = "") -> None:
        key = json.dumps([run_id, channel, part], ensure_ascii=False)

        def work(tx: Any) -> None:
            tx.run(load_cypher("notify/record"), id=key, run_id=run_id, channel=channel, part=part,
                   time=H.now(), detail=detail).consume()

        with self._guard(), self._session(write=True) as s:
            s.execute_write(work)
