"""The tests mirror the package, and the docs name only tests that exist.

A test folder is named after the area of `src/edicalendar` it exercises (plus `config`,
`architecture` and the shared `support`), so a newcomer finds the tests of `feeds/` in
`tests/feeds/`. The docs point at tests as `tests/PATH.py::test_name` (the reminder fault
table in docs/reminders.md); a renamed or removed test must not leave a dangling reference.
"""

from __future__ import annotations

import ast
import re

from support.paths import REPO_ROOT, SRC, TESTS

#: Folders that hold no tests of one area: shared pieces, golden snapshots, node tools.
NOT_AN_AREA = {"support", "snapshots", "js"}
#: Tests that span the package rather than one area of it.
CROSS_CUTTING = {"architecture", "config", "docs"}
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _areas() -> set[str]:
    package = SRC / "edicalendar"
    return {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}


def test_test_folders_are_the_package_areas() -> None:
    """Every folder of tests/ is an area of the package (or a cross-cutting one), and no test
    module sits loose at the top."""
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))}
    assert folders - NOT_AN_AREA - CROSS_CUTTING - _areas() == set()
    assert sorted(p.name for p in TESTS.glob("test_*.py")) == []


def test_docs_name_only_tests_that_exist() -> None:
    """Each `tests/...py::test_name` in the docs and README is a test function in that file."""
    documents = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
    dangling = []
    found = 0
    for document in documents:
        for path, name in REFERENCE.findall(document.read_text(encoding="utf-8")):
            found += 1
            module = REPO_ROOT / path
            tree = ast.parse(module.read_text(encoding="utf-8")) if module.is_file() else None
            names = (
                {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
                if tree
                else set()
            )
            if name not in names:
                dangling.append(f"{document.name}: {path}::{name}")
    assert dangling == []
    assert found >= 40  # the reminder fault table names a test for every fault
