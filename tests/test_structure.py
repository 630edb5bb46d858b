"""The package's shape: one direction of imports and no circle, read from the source itself
(imports inside functions included), and every module importable on its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dotpha_xl"
#: From the bottom up; a module may import its own layer and those below, never above.  The
#: command line and the web desk share the top layer; the web desk never imports the cli.
LAYERS = ("kernel", "domain", "records", "store", "xlsx", "steps", "cli", "web")
SAME_LAYER = {"web": "cli"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports anywhere in its text (functions included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and target != "dotpha_xl":
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return LAYERS.index(SAME_LAYER.get(parts[1], parts[1]))


def test_every_module_lives_in_a_layer():
    graph = import_graph()
    outside = [
        m for m in graph if layer_of(m) is None and m not in ("dotpha_xl", "dotpha_xl.__main__")
    ]
    assert outside == []


def test_imports_go_down_the_layers_only():
    upward = [
        f"{m} -> {d}"
        for m, deps in import_graph().items()
        for d in sorted(deps)
        if layer_of(m) is not None and layer_of(d) is not None and layer_of(d) > layer_of(m)
    ]
    assert upward == []


def test_the_web_desk_never_imports_the_command_line():
    found = [
        f"{m} -> {d}"
        for m, deps in import_graph().items()
        if m.startswith("dotpha_xl.web")
        for d in sorted(deps)
        if d.startswith("dotpha_xl.cli")
    ]
    assert found == []


def test_no_import_circle():
    graph = import_graph()
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == 1:
                circles.append([*path[path.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_graph_reader_sees_function_level_imports():
    fake = PACKAGE / "steps" / "batch.py"
    assert "dotpha_xl.steps.consolidate" not in imports_of(fake, set(import_graph()))
    assert "dotpha_xl.xlsx.reports" in imports_of(fake, set(import_graph()))  # inside a function


@pytest.mark.parametrize("module", sorted(import_graph()))
def test_each_module_imports_alone(module):
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_product_never_imports_the_demo_filler():
    for module, deps in import_graph().items():
        assert not any("sample" in d or "demo" in d for d in deps), module
