"""The service layer: one function per user question (:mod:`.questions`), taking plain
arguments (a store or its URL, scope ids, perspective text, max cost, strength source,
as-of) and returning the result models. It is the only place besides the store itself
that opens stores and loads graphs; the CLI, the web, the maps and the digests call it
(``tests/test_layers.py`` keeps the floors one-way).

The question functions are importable from here too (``from brmgraph.service import
path``); they are loaded on first use, so importing this package costs nothing.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    if not name.startswith("_") and name not in _SUBMODULES:
        questions = importlib.import_module(f"{__name__}.questions")
        if name in questions.__all__:
            return getattr(questions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_SUBMODULES = {"digest", "format", "questions", "scope", "stores"}
