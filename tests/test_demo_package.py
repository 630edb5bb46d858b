"""The demo's filler (dotpha_demo) stays outside the product: dotpha_xl never imports it, and its
own modules import each other in one direction only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_product_never_names_the_demo_package():
    for path in sorted((ROOT / "dotpha_xl").rglob("*.py")):
        found = {n for n in _imports(path) if n.split(".")[0] == "dotpha_demo"}
        assert not found, (path.relative_to(ROOT), found)


def test_importing_the_product_loads_no_demo_module():
    code = (
        "import pkgutil, importlib, sys, dotpha_xl\n"
        "for m in pkgutil.walk_packages(dotpha_xl.__path__, 'dotpha_xl.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'dotpha_demo'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_demo_modules_form_no_import_circle():
    modules = {p.stem: p for p in (ROOT / "dotpha_demo").glob("*.py")}
    graph = {
        name: {
            n.split(".")[1]
            for n in _imports(path)
            if n.startswith("dotpha_demo.") and n.split(".")[1] in modules
        }
        - {name}
        for name, path in modules.items()
    }
    assert graph["cycle"] == {"filler"}
    assert graph["filler"] == set()

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(
            n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph[start]
        )

    for name in graph:
        assert not reaches(name, name), name
