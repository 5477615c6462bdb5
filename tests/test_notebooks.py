"""The notebooks in notebooks/ execute from top to bottom, and are stored without outputs.

Each notebook runs on a fresh embedded store holding the demo data set (``BRM_STORE``
unset), and once more against a real Neo4j (``neo4j`` marker; the Neo4j fixtures give an
emptied database, and the notebook imports the demo data into it because it is empty).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_at_least_three_notebooks() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert len(names) >= 3, names
    for topic in ("path_to_decision_maker", "maps", "flags"):
        assert any(topic in n for n in names), (topic, names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: outputs must be stripped before committing"
            assert cell.execution_count is None, f"{path.name}: execution counts must be stripped"


def execute(path: Path, env: dict[str, str | None], monkeypatch: pytest.MonkeyPatch) -> object:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for k, v in env.items():
        if v is None:
            monkeypatch.delenv(k, raising=False)
        else:
            monkeypatch.setenv(k, v)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out["text"])
            elif "data" in out:
                parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_on_the_embedded_demo_store(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"BRM_STORE": None, "BRM_MAP_DIR": str(tmp_path / "maps"), "BRM_FLAGS_DIR": str(tmp_path)}
    nb = execute(path, env, monkeypatch)
    text = outputs_text(nb)
    assert "imported the demo data set" in text
    if "maps" in path.stem:
        assert len(list((tmp_path / "maps").glob("*.html"))) >= 4
    if "flags" in path.stem:
        assert (tmp_path / "flags.jsonl").exists() and (tmp_path / "flags.csv").exists()


@pytest.mark.neo4j
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_against_neo4j(
    path: Path, tmp_path: Path, neo4j_url: str, neo4j_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"BRM_STORE": neo4j_url, "BRM_MAP_DIR": str(tmp_path / "maps"), "BRM_FLAGS_DIR": str(tmp_path)}
    nb = execute(path, env, monkeypatch)
    text = outputs_text(nb)
    assert neo4j_url in text and "imported the demo data set" in text
