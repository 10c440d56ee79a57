"""Every transaction that writes takes SQLite's write lock when it begins.

A deferred transaction (SQLAlchemy's `engine.begin()`) that reads before it writes fails at
once with "database is locked" when another connection commits in between, and the busy
timeout does not help. `Database.write()` begins IMMEDIATE on SQLite (and is `begin()` on
PostgreSQL), so the other writer waits instead. Only the storage layer's own opening and
migrations, which run before anything else uses the file, begin transactions directly.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "edicalendar"
ALLOWED = {"storage/engine.py", "storage/migrations.py"}


def _direct_begins_in(source: str) -> list[int]:
    """Lines of `source` calling `begin()` on an engine (`engine.begin()`, `x.engine.begin()`)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        named = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if node.func.attr == "begin" and named == "engine":
            lines.append(node.lineno)
    return lines


def test_transactions_begin_through_database_write() -> None:
    found = [
        f"{path.relative_to(SRC).as_posix()}:{line}"
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).as_posix() not in ALLOWED
        for line in _direct_begins_in(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_check_finds_a_direct_begin() -> None:
    source = (
        "with database.engine.begin() as conn:\n    pass\n"
        "with engine.begin() as conn:\n    pass\n"
        "with database.write() as conn:\n    pass\n"
        "with conn.begin():\n    pass\n"
    )
    assert _direct_begins_in(source) == [1, 3]
