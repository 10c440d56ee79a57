"""JSON output: any document round-trips exactly; lists of records print one record per line."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from edicalendar.cli.output import json_text

scalars = st.none() | st.booleans() | st.integers() | st.text()
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(documents)
def test_any_document_reads_back_unchanged(document: Any) -> None:
    """Whatever the layout chosen, `json.loads` gives back exactly the document."""
    text = json_text(document)
    assert text.endswith("\n")
    assert json.loads(text) == document


def test_records_are_one_per_line() -> None:
    """Occurrence-like records take one line each, in order, with non-ASCII text as is; records
    holding records (alternative dates, campaign tasks) stay on their one line."""
    records = [
        {"observance": "eid-al-fitr", "name": "Eid al-Fitr (عيد الفطر)", "categories": ["race"]},
        {"observance": "diwali", "alternatives": [{"convention": "uk", "start": "2026-11-08"}]},
        {"observance": "vaisakhi", "categories": [], "theme": None},
    ]
    lines = json_text(records).splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == records
    assert "عيد الفطر" in lines[1]


def test_an_object_of_record_lists_keeps_one_record_per_line() -> None:
    """`upcoming --format json` shape: each key on its line, each record on its own line."""
    document = {"from": "2026-03-01", "observances": [{"a": 1}, {"a": 2}], "tasks": []}
    lines = json_text(document).splitlines()
    assert lines == [
        "{",
        '  "from": "2026-03-01",',
        '  "observances": [',
        '    {"a": 1},',
        '    {"a": 2}',
        "  ],",
        '  "tasks": []',
        "}",
    ]
