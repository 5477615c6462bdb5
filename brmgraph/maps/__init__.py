"""Interactive relationship maps: self-contained HTML drawn with pyvis / vis-network.

This module only *draws*. Every figure it shows (best paths, coverage status, exposure
reasons, strategies, relationship degrees) comes from :mod:`brmgraph.analysis`; arcs and
their costs come from :class:`~brmgraph.graph.CustomerGraph`.

The four maps of the BRM method:

==============  ========================================================================
``customer``    one customer: its org chart (reporting lines) plus every influence edge
                into and between its key persons, ours and competitors' (客户关系图谱)
``project``     one project: its decision-chain members, everyone who influences them,
                and the key persons on our best paths to them (项目决策链图谱)
``company``     our employees (of a perspective) and whom they reach across all
                customers: key persons they influence directly and decision makers they
                reach within ``max_cost``, with the key persons relaying those paths
                (我司关系资源图谱)
``competitor``  one competitor's staff and whom they reach, the same way (友商关系资源图谱)
==============  ========================================================================

One job per module: :mod:`.style` (colours, shapes, legend), :mod:`.facts` (what the
analyses say), :mod:`.layout` (org-chart levels, vis options), :mod:`.builder` (nodes,
edges, path highlights), :mod:`.cards` (hover cards), :mod:`.kinds` (the four maps),
:mod:`.store` (a map of the data the service reads from a store) and :mod:`.page` (the HTML page, whose
template ``templates/map.html`` ships as package data).

Every map is one HTML file with vis-network inlined (from the copy pyvis ships): it
opens offline and makes no network request. Build a map with one of the ``*_map``
functions (or :func:`map_from_store`), then call :meth:`RelationshipMap.html` or
:meth:`RelationshipMap.write`.

>>> from brmgraph.model import Dataset
>>> from brmgraph.graph import CustomerGraph
>>> ds = Dataset.model_validate({
...     "customers": [{"id": "C1", "name": "Huaxin Bank"}],
...     "key_persons": [{"id": "P1", "customer": "C1", "veto": "yes", "reports_to": "P2"},
...                     {"id": "P2", "customer": "C1", "closeness": "support"}],
...     "employees": [{"id": "E1", "team": "East"}],
...     "influences": [{"source": "E1", "target": "P2", "strength": "strong"}]})
>>> m = customer_map(CustomerGraph.from_dataset(ds, "C1"))
>>> m.counts()
{'nodes': 3, 'edges': 2}
>>> sorted(e["kind"] for e in m.edges)
['influences_external', 'reports_to']
>>> [e["id"] for e in m.edges if e.get("on_path")]
['r:P2>P1', 'x:E1>P2']
"""

from __future__ import annotations

from .kinds import company_map, competitor_map, customer_map, project_map
from .result import RelationshipMap
from .store import MAP_KINDS, draw, map_from_store
from .style import APPROVER_BORDER, CLOSENESS_COLOURS, PATH_COLOUR, VETO_BORDER

__all__ = [
    "MAP_KINDS",
    "RelationshipMap",
    "customer_map",
    "project_map",
    "company_map",
    "competitor_map",
    "map_from_store",
    "draw",
    "CLOSENESS_COLOURS",
    "VETO_BORDER",
    "APPROVER_BORDER",
    "PATH_COLOUR",
]
