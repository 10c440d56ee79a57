"""Read calendar spreadsheets (CSV and Excel `.xlsx`) in the shapes NHS teams keep them.

The header row may sit below a title; it is the first of the top rows naming a name column and
a date column (see docs/importing.md for every accepted heading, matched case-insensitively).
Dates go through :mod:`edicalendar.importers.datetext`; Excel date cells are taken as they are.
A calendar kept one row per day ("Ramadan" on thirty rows) is merged later by the mapping, which
joins consecutive days of one name.

`.xlsx` files are vetted before openpyxl opens them: the archive's unpacked size and part count
(a zip bomb is refused before it is inflated) and every XML part (a DOCTYPE or entity
declaration, as in "billion laughs" and external-entity attacks, is refused wherever it
stands; Excel never writes one). They are then read in read-only mode with the sheet's
declared `<dimension>` ignored (a 5 kB file declaring A1:XFD1048576 would otherwise have every
row padded to 16,384 cells), at most :data:`MAX_XLSX_COLUMNS` columns and
:data:`MAX_XLSX_ROWS` rows, within :data:`XLSX_SECONDS`, whether the file came from disk or a URL.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from edicalendar.errors import DateTextError, SourceError, UnsafeSourceError
from edicalendar.importers.datetext import parse_date_text
from edicalendar.importers.source import (
    MAX_EVENTS,
    MAX_LINE_BYTES,
    Finding,
    ReadResult,
    SourceEvent,
    UndatedRow,
    decode_text,
    too_many,
)

#: Accepted headings per column; the first is the documented name.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "event", "title", "observance", "summary", "awareness day", "event name",
             "occasion", "festival"),
    "date": ("date", "dates", "when", "date(s)"),
    "start": ("start", "start date", "from", "begins", "first day"),
    "end": ("end", "end date", "to", "ends", "last day", "until"),
    "year": ("year",),
    "categories": ("categories", "category", "protected characteristic", "theme area", "type"),
    "faith": ("faith", "religion", "tradition", "faith/belief", "religion/belief"),
    "description": ("description", "details", "notes", "about", "summary text"),
    "url": ("url", "link", "website", "more information", "web link"),
    "theme": ("theme", "this year's theme", "annual theme"),
    "id": ("id", "slug"),
}  # fmt: skip
#: The header must appear within this many rows (titles and logos sit above it).
HEADER_SEARCH_ROWS = 20
#: Unpacked size and member count an .xlsx archive may have.
MAX_XLSX_UNPACKED = 50 * 1024 * 1024
MAX_XLSX_MEMBERS = 2000
#: Columns read from each row: calendar sheets use a dozen; cells further right are ignored.
MAX_XLSX_COLUMNS = 64
#: Rows read from all sheets together (blank rows included); more refuses the workbook.
MAX_XLSX_ROWS = 50_000
#: Wall-clock budget for reading a whole workbook.
XLSX_SECONDS = 30.0
_XML_CHUNK = 1024 * 1024

_LOOKUP = {_heading: key for key, names in COLUMNS.items() for _heading in names}


def _heading(cell: Any) -> str:
    return re.sub(r"[\s_]+", " ", str(cell or "")).strip().lower().rstrip(":")


def read_csv(raw: bytes, source: str, default_year: int | None) -> ReadResult:
    """Events from a CSV file (UTF-8, comma, semicolon or tab separated)."""
    result = ReadResult()
    text = decode_text(raw, source, result.findings)
    dialect: Any = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    previous = csv.field_size_limit(MAX_LINE_BYTES)
    try:
        rows = _numbered_csv(reader, source)
        _read_rows(rows, source, default_year, result)
    finally:
        csv.field_size_limit(previous)
    return result


def _numbered_csv(reader: Any, source: str) -> Iterator[tuple[int, Sequence[Any]]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SourceError.at(source, reader.line_num, f"not readable as CSV: {exc}") from None
        yield reader.line_num, row


def read_xlsx(raw: bytes, source: str, default_year: int | None) -> ReadResult:
    """Events from every sheet of an Excel workbook that has a recognisable header row."""
    result = ReadResult()
    _check_archive(raw, source)
    from openpyxl import load_workbook

    deadline = time.monotonic() + XLSX_SECONDS
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise SourceError.at(source, None, f"not a readable .xlsx workbook: {exc}") from None
    try:
        used = 0
        budget = [MAX_XLSX_ROWS]
        for sheet in workbook.worksheets:
            where = f"{source} [{sheet.title}]"
            rows = _sheet_rows(sheet, where, budget, deadline)
            try:
                if _read_rows(rows, where, default_year, result, required=False):
                    used += 1
            except (SourceError, UnsafeSourceError):
                raise
            except Exception as exc:  # the sheet's XML is parsed while the rows are read
                raise SourceError.at(
                    where, None, f"not a readable worksheet: {type(exc).__name__}: {exc}"
                ) from None
        if not used:
            raise SourceError.at(
                source, None, "no sheet has a header row with a name column and a date column"
            )
    finally:
        workbook.close()
    return result


def _sheet_rows(
    sheet: Any, where: str, budget: list[int], deadline: float
) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) of one sheet within the shared row budget and the deadline."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # the declared <dimension> is not trusted
    limit = budget[0]
    rows = sheet.iter_rows(max_col=MAX_XLSX_COLUMNS, max_row=limit + 1, values_only=True)
    for number, values in enumerate(rows, 1):
        if number > limit:
            raise UnsafeSourceError(
                f"{where}: more than {MAX_XLSX_ROWS} rows in the workbook (counting blank ones); "
                "a calendar has far fewer: delete the unused rows or save the sheet as CSV"
            )
        if number % 500 == 0 and time.monotonic() > deadline:
            raise UnsafeSourceError(
                f"{where}: reading the workbook took over {XLSX_SECONDS:.0f} s; stopped"
            )
        budget[0] -= 1
        yield number, list(values)


def _check_archive(raw: bytes, source: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise SourceError.at(source, None, "not an .xlsx workbook (not a zip archive)") from None
    members = archive.infolist()
    if len(members) > MAX_XLSX_MEMBERS:
        raise UnsafeSourceError(f"{source}: workbook has {len(members)} parts; refusing to open it")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED:
        raise UnsafeSourceError(
            f"{source}: workbook unpacks to {unpacked} bytes (limit {MAX_XLSX_UNPACKED})"
        )
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            _check_xml_part(archive, member, source)


def _check_xml_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, source: str) -> None:
    """Refuse a part whose XML declares a DOCTYPE or entities, or is not UTF-8.

    The whole decompressed part is scanned (its size is bounded by the archive check): a
    literal `<!DOCTYPE` or `<!ENTITY` can stand nowhere in a part Excel writes (text escapes
    `<`), and a scan of the prolog alone could be led past a declaration by a comment.
    """
    found = False
    first = b""
    try:
        with archive.open(member) as handle:
            tail = b""
            while chunk := handle.read(_XML_CHUNK):
                if not first:
                    first = chunk[:4]
                window = (tail + chunk).upper()
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    found = True
                    break
                tail = window[-16:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise SourceError.at(source, None, f"damaged .xlsx part {member.filename}: {exc}") from None
    if first.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        raise UnsafeSourceError(
            f"{source}: part {member.filename} is not UTF-8 XML; Excel writes UTF-8, refused"
        )
    if found:
        raise UnsafeSourceError(
            f"{source}: part {member.filename} declares a DOCTYPE or XML entities, which Excel "
            "never writes (entity expansion or an external entity: an XML bomb); refused"
        )


def _read_rows(
    rows: Iterable[tuple[int, Sequence[Any]]],
    source: str,
    default_year: int | None,
    result: ReadResult,
    *,
    required: bool = True,
) -> bool:
    """Read one table; return False (or raise, when `required`) if it has no header row."""
    columns: dict[str, int] | None = None
    count = 0
    title_years: dict[int, int] = {}
    for number, row in rows:
        if columns is None:
            columns = _header(row, source, number, result.findings)
            if columns is None:
                for cell in row:
                    for found in re.findall(r"\b(19\d\d|20\d\d|21\d\d)\b", _text(cell)):
                        title_years.setdefault(int(found), number)
            elif default_year is None and len(title_years) == 1:
                # "EDI Calendar 2026" above the header dates the rows that give no year.
                default_year, line = next(iter(title_years.items()))
                result.findings.append(
                    Finding(source, line, f"dates without a year are taken as {default_year}")
                )
            if columns is None and number >= HEADER_SEARCH_ROWS:
                break
            continue
        if not any(_text(cell) for cell in row):
            continue
        count += 1
        if count > MAX_EVENTS:
            raise too_many(source, number, count, "rows")
        event = _row(row, columns, source, number, default_year, result)
        if event is not None:
            result.events.append(event)
    if columns is None:
        if required:
            names = ", ".join(f"'{COLUMNS[k][0]}'" for k in ("name", "date", "start"))
            raise SourceError.at(
                source, None, f"no header row found; the first rows must name columns ({names})"
            )
        return False
    return True


def _header(
    row: Sequence[Any], source: str, number: int, findings: list[Finding]
) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(row):
        heading = _heading(cell)
        if not heading:
            continue
        key = _LOOKUP.get(heading)
        if key is None:
            unknown.append(str(cell))
        elif key not in columns:
            columns[key] = index
    if "name" not in columns or not ({"date", "start"} & columns.keys()):
        return None
    if unknown:
        findings.append(
            Finding(
                source, number, f"ignored columns not in docs/importing.md: {', '.join(unknown)}"
            )
        )
    return columns


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    return " ".join(str(cell).split())


def _cell(row: Sequence[Any], columns: dict[str, int], key: str) -> Any:
    index = columns.get(key)
    if index is None or index >= len(row):
        return None
    return row[index]


def _row(
    row: Sequence[Any],
    columns: dict[str, int],
    source: str,
    number: int,
    default_year: int | None,
    result: ReadResult,
) -> SourceEvent | None:
    findings = result.findings
    name = _text(_cell(row, columns, "name"))
    if not name:
        findings.append(Finding(source, number, "row without a name; skipped"))
        return None
    if len(name) > 200:
        raise SourceError.at(source, number, "name is longer than 200 characters", "name")
    year_cell = _text(_cell(row, columns, "year"))
    year = default_year
    if year_cell:
        if not re.fullmatch(r"\d{4}(?:\.0)?", year_cell):
            raise SourceError.at(source, number, f"year {year_cell!r} is not a year", "year")
        year = int(float(year_cell))
    try:
        dates = _dates(row, columns, year)
    except DateTextError as exc:
        raise SourceError.at(source, number, str(exc), name) from None
    if dates is None:
        findings.append(Finding(source, number, "no date given; skipped", name))
        result.undated.append(UndatedRow(name, source, number))
        return None
    start, end = dates
    categories = tuple(
        part.strip()
        for part in re.split(r"[,;/\n]", _text(_cell(row, columns, "categories")))
        if part.strip()
    )
    faith = _text(_cell(row, columns, "faith")) or None
    return SourceEvent(
        name=name,
        start=start,
        end=end,
        source=source,
        line=number,
        description=_text(_cell(row, columns, "description")),
        url=_text(_cell(row, columns, "url")) or None,
        categories=categories,
        tradition=faith,
        theme=_text(_cell(row, columns, "theme")) or None,
    )


def _dates(
    row: Sequence[Any], columns: dict[str, int], year: int | None
) -> tuple[dt.date, dt.date] | None:
    whole = _cell(row, columns, "date")
    if _text(whole):
        return _value(whole, year)
    start_cell = _cell(row, columns, "start")
    if not _text(start_cell):
        return None
    start, start_last = _value(start_cell, year)
    end_cell = _cell(row, columns, "end")
    if not _text(end_cell):
        return start, start_last
    # An end without a year ("03/01") belongs to the start's year, or the next one.
    _, end = _value(end_cell, start.year)
    if end < start and _is_text(end_cell) and not _has_year(end_cell):
        try:
            end = end.replace(year=end.year + 1)
        except ValueError:  # 29 February has no next-year twin
            raise DateTextError(f"end {end} is before start {start}") from None
    if end < start:
        raise DateTextError(f"end {end} is before start {start}")
    return start, end


def _is_text(cell: Any) -> bool:
    return isinstance(cell, str)


def _has_year(cell: Any) -> bool:
    return bool(re.search(r"\d{4}", str(cell)))


def _value(cell: Any, year: int | None) -> tuple[dt.date, dt.date]:
    if isinstance(cell, dt.datetime):
        return cell.date(), cell.date()
    if isinstance(cell, dt.date):
        return cell, cell
    if isinstance(cell, int | float):
        raise DateTextError(f"{cell!r} is a number, not a date; format the cell as a date")
    return parse_date_text(str(cell), year)
