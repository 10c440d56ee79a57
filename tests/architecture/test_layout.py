"""The package layout is the architecture: no import cycles, one meaning per module name, and
every area says what it owns. (The layer contracts themselves are import-linter's, run by
`lint-imports` in scripts/test.sh.)"""

from __future__ import annotations

import ast
import collections
import sys
from pathlib import Path

import grimp

SRC = Path(__file__).resolve().parents[2] / "src" / "edicalendar"


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.find_modules_directly_imported_by(module)):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_import_cycles() -> None:
    """No module imports (directly or through others) a module that imports it back,
    function-level imports included."""
    graph = grimp.build_graph("edicalendar")
    assert _cycles(graph) == []


def test_a_cycle_is_found_when_there_is_one() -> None:
    """The cycle finder reports a real two-module cycle (so the test above can fail)."""
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(graph) == [["pkg.a", "pkg.b"]]


def test_no_two_modules_share_a_name() -> None:
    """Each module stem names one concept: `plan` is never three different things again."""
    stems = collections.Counter(
        p.stem for p in SRC.rglob("*.py") if p.stem not in ("__init__", "__main__")
    )
    assert [stem for stem, count in stems.items() if count > 1] == []


def test_every_package_opens_with_what_it_owns() -> None:
    """Every (sub)package's docstring says what it owns in two or more sentences."""
    for init in sorted(SRC.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, f"{init.relative_to(SRC.parent)} has no docstring"
        assert doc.count(". ") + doc.count(".\n") >= 1, f"{init}: say what it owns and imports"
        assert "TODO" not in doc, init


def test_every_module_opens_with_a_docstring() -> None:
    """Every module says what concept it holds (STYLE.md habit 9)."""
    missing = [
        str(p.relative_to(SRC.parent))
        for p in sorted(SRC.rglob("*.py"))
        if p.stem != "__main__" and not ast.get_docstring(ast.parse(p.read_text("utf-8")))
    ]
    assert missing == []
