"""Excel workbooks written part by part, so tests can build the hostile ones a library refuses to.

:func:`workbook` zips a minimal SpreadsheetML package (content types, relationships, one
workbook, one sheet per entry) whose sheet XML the test gives verbatim: a `<dimension>` that
claims the whole grid, entity declarations, or rows far down the sheet. Cells use inline
strings, so no shared-strings part is needed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def cell(ref: str, text: str) -> str:
    """One inline-string cell, such as `cell("A1", "Name")`."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def sheet_xml(rows: Sequence[str], *, dimension: str | None = None, prolog: str = "") -> str:
    """A worksheet part: `prolog` goes before the root element (a DOCTYPE, for instance)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
        f'<worksheet xmlns="{_NS}" xmlns:r="{_REL}">{dim}<sheetData>{"".join(rows)}</sheetData>'
        "</worksheet>"
    )


def workbook(*sheets: str) -> bytes:
    """The bytes of an .xlsx whose sheets have the given worksheet XML."""
    names = [f"Sheet{i}" for i in range(1, len(sheets) + 1)]
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    sheet_entries = "".join(
        f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1)
    )
    book = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL}">'
        f"<sheets>{sheet_entries}</sheets></workbook>"
    )
    book_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        for i, xml in enumerate(sheets, 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buffer.getvalue()


def calendar_rows() -> list[str]:
    """A header and one event, the smallest calendar the importer accepts."""
    return [
        row(1, cell("A1", "Name"), cell("B1", "Date")),
        row(2, cell("A2", "Trust Founders Day"), cell("B2", "2026-06-01")),
    ]
