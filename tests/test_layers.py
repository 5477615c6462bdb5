"""The floors of brmgraph are one-way (docs/decisions.md, "Layers"): every import
inside ``brmgraph/`` is read from the source (AST, including imports inside functions
and ``TYPE_CHECKING`` blocks) and checked against the rules below.

    cli / web / maps  →  service  →  analysis  →  graph  →  model

* the model (``model``, ``schema``, ``labels``, ``errors``) imports nothing else of brmgraph;
* ``graph`` imports only the model: never the analyses, the store or anything above;
* ``analysis`` never imports the store, the service or a front-end;
* ``store`` never imports the analyses (nor the service or a front-end);
* ``service`` never imports a front-end;
* the front-ends (cli, web, maps) never import ``brmgraph.store``: the service is the
  only place besides the store itself that opens stores and loads graphs;
* nothing imports ``cli`` (but ``__main__``), and only the CLI's ``serve`` command
  imports ``web``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "brmgraph"

MODEL = {"brmgraph.model", "brmgraph.schema", "brmgraph.labels", "brmgraph.errors"}
FRONT = ("brmgraph.cli", "brmgraph.web", "brmgraph.maps", "brmgraph.notify")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every brmgraph module ``path`` imports (absolute names; ``from . import x`` gives
    both the package and ``package.x``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "brmgraph")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "brmgraph":
                continue
            out.add(target)
            out.update(f"{target}.{a.name}" for a in node.names)
    return out


def within(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in sorted(ROOT.rglob("*.py"))}


def violations(edges: dict[str, set[str]]) -> list[str]:
    bad: list[str] = []

    def forbid(src: str, dst: str, why: str) -> None:
        bad.append(f"{src} imports {dst}: {why}")

    for src, targets in edges.items():
        for dst in sorted(targets):
            if within(src, *MODEL) and dst != "brmgraph" and not within(dst, *MODEL):
                forbid(src, dst, "the model imports nothing above it")
            if src == "brmgraph.graph" and dst != "brmgraph" and not within(dst, *MODEL):
                forbid(src, dst, "graph imports only the model")
            if within(src, "brmgraph.analysis") and within(
                dst, "brmgraph.store", "brmgraph.service", "brmgraph.batch", *FRONT
            ):
                forbid(src, dst, "the analyses are pure: no store, service or front-end")
            if within(src, "brmgraph.store") and within(dst, "brmgraph.analysis", "brmgraph.service", "brmgraph.batch", *FRONT):
                forbid(src, dst, "the store never imports the analyses or anything above them")
            if within(src, "brmgraph.service", "brmgraph.batch") and within(dst, *FRONT):
                forbid(src, dst, "the service never imports a front-end")
            if within(src, *FRONT) and within(dst, "brmgraph.store"):
                forbid(src, dst, "front-ends reach the store through the service")
            if within(dst, "brmgraph.cli") and not within(src, "brmgraph.cli") and src != "brmgraph.__main__":
                forbid(src, dst, "nothing imports the CLI")
            if within(dst, "brmgraph.web") and not within(src, "brmgraph.web") and src != "brmgraph.cli.serve":
                forbid(src, dst, "only the CLI's serve command imports the web app")
    return bad


def test_the_layers_are_one_way() -> None:
    edges = graph()
    assert "brmgraph.service.questions" in edges and "brmgraph.cli.analysis" in edges  # the walk found the code
    assert violations(edges) == []


@pytest.mark.parametrize(
    "src, dst",
    [
        ("brmgraph.graph", "brmgraph.analysis.rules"),
        ("brmgraph.store.stamps", "brmgraph.analysis.exposure"),
        ("brmgraph.cli.analysis", "brmgraph.store"),
        ("brmgraph.web.app", "brmgraph.store.sqlite"),
        ("brmgraph.maps.store", "brmgraph.store.base"),
        ("brmgraph.service.questions", "brmgraph.maps"),
        ("brmgraph.analysis.paths", "brmgraph.service.scope"),
        ("brmgraph.demo", "brmgraph.cli.common"),
        ("brmgraph.cli.analysis", "brmgraph.web"),
        ("brmgraph.model", "brmgraph.graph"),
    ],
)
def test_the_check_catches_an_upward_import(src: str, dst: str) -> None:
    """Each rule fails on the import it forbids (the check is not vacuous)."""
    assert len(violations({src: {dst}})) == 1


def test_relative_imports_are_resolved() -> None:
    assert {"brmgraph.store", "brmgraph.store.Store", "brmgraph.store.history"} <= imports(ROOT / "service" / "stores.py")
    assert "brmgraph.service.questions" in imports(ROOT / "maps" / "store.py")
    assert "brmgraph.graph" in imports(ROOT / "analysis" / "paths.py")
