"""Every CSV the package writes goes through the one writer that neutralises formulas.

`edicalendar.csvwriter` prefixes text cells that start like a spreadsheet formula; a second
`csv.writer` elsewhere would write them unchanged, as the exports once did.
"""

from __future__ import annotations

import ast

from support.paths import SRC


def test_only_csvwriter_writes_csv() -> None:
    writers = []
    for path in sorted((SRC / "edicalendar").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("writer", "DictWriter")
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                writers.append(str(path.relative_to(SRC)))
    assert writers == ["edicalendar/csvwriter.py"]
