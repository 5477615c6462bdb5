"""``brmgraph serve``: a read-only web app over a store, for a sales team.

Pages (:mod:`.app`) and a JSON API whose bodies equal the CLI's ``--json`` output
(:mod:`.api`). Templates and styles ship as package data; vis-network is served from the
copy inside pyvis, so no request leaves the machine.
"""

from .app import create_app

__all__ = ["create_app"]
