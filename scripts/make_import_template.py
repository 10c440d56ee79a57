"""Write docs/import-template.xlsx from docs/import-template.csv (the documented columns).

Run from the repository root: `python scripts/make_import_template.py`. The spreadsheet has the
same header and example rows as the CSV, so both templates always agree.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    source = ROOT / "docs" / "import-template.csv"
    target = ROOT / "docs" / "import-template.xlsx"
    with source.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Calendar"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    book.save(target)
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
