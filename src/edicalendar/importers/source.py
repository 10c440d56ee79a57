"""What every import source becomes: a flat list of dated, located :class:`SourceEvent` rows.

ICS, CSV and spreadsheet readers all produce the same records, so mapping, checks and writing
never care where a row came from. This module also owns the input limits shared by every text
format (size, encoding, byte order mark, NUL bytes, line length) and the errors an import raises:
data problems name `source:line`, transport failures name the URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from edicalendar.errors import SourceError, UnsafeSourceError

#: Any source bigger than this is refused, on disk or while downloading.
MAX_SOURCE_BYTES = 5 * 1024 * 1024
#: Real calendar lines are short; a 64 KiB line is a broken or hostile file.
MAX_LINE_BYTES = 64 * 1024
#: More rows or events than any awareness calendar holds.
MAX_EVENTS = 20_000


class SourceFormat(StrEnum):
    ICS = "ics"
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """One dated entry read from a source; `end` is inclusive, as everywhere in edicalendar."""

    name: str
    start: dt.date
    end: dt.date
    #: Where the entry is, for messages: `line` is 1-based (a spreadsheet's row number).
    source: str
    line: int | None
    description: str = ""
    url: str | None = None
    #: Category values or free words from the source, interpreted by the mapping.
    categories: tuple[str, ...] = ()
    #: A faith or tradition tag ("Hindu", "Sikh") from the source.
    tradition: str | None = None
    theme: str | None = None
    #: The source says the day begins at sunset the evening before (Jewish, Islamic, Baha'i).
    evening_before: bool = False
    #: The source gave a time of day; the event is imported as the day it starts.
    timed: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a reviewer should look at; never fatal. `line` points into the source."""

    source: str
    line: int | None
    message: str
    subject: str | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return (
            f"{where}: {self.subject}: {self.message}"
            if self.subject
            else f"{where}: {self.message}"
        )


@dataclass
class ReadResult:
    """What a reader found: events in source order plus findings made while reading."""

    events: list[SourceEvent] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: A calendar title the source declares (ICS `X-WR-CALNAME`), if any.
    title: str | None = None
    #: Rows with a name and no date ("Carers Week, dates to be confirmed"): not imported, but
    #: the import report still says whether edicalendar has them.
    undated: list[UndatedRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UndatedRow:
    """A named row without a date: where it is and what it is called."""

    name: str
    source: str
    line: int | None


def decode_text(raw: bytes, source: str, findings: list[Finding]) -> str:
    """Decode a text source as UTF-8 after the shared checks; a leading BOM is dropped with a note.

    Excel's "CSV UTF-8" writes a byte order mark at the start of every file, so refusing it would
    refuse the most common real file; a BOM anywhere else is a concatenated or corrupt file.
    """
    if len(raw) > MAX_SOURCE_BYTES:
        raise UnsafeSourceError(
            f"{source}: {len(raw)} bytes is over the {MAX_SOURCE_BYTES}-byte limit for imports"
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        findings.append(Finding(source, 1, "starts with a UTF-8 byte order mark; ignored it"))
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError.at(source, 1, "is UTF-16 (byte order mark found); save it as UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise SourceError.at(
            source, _line_at(raw, nul), "contains a NUL byte; this is not a text file"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError.at(
            source, _line_at(raw, exc.start), "is not valid UTF-8; save the file as UTF-8"
        ) from None
    stray = text.find("\ufeff")
    if stray >= 0:
        raise SourceError.at(
            source,
            text.count("\n", 0, stray) + 1,
            "byte order mark in the middle of the file (two files joined together?)",
        )
    check_line_lengths(raw, source)
    return text


def check_line_lengths(raw: bytes, source: str) -> None:
    """Refuse any physical line longer than :data:`MAX_LINE_BYTES`."""
    start = 0
    number = 1
    size = len(raw)
    while start < size:
        end = raw.find(b"\n", start)
        if end < 0:
            end = size
        if end - start > MAX_LINE_BYTES:
            raise SourceError.at(
                source,
                number,
                f"line is {end - start} bytes long; the limit is {MAX_LINE_BYTES}",
            )
        start = end + 1
        number += 1


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def too_many(source: str, line: int | None, count: int, what: str = "events") -> SourceError:
    """The error for a source with more entries than :data:`MAX_EVENTS`."""
    return SourceError.at(source, line, f"more than {MAX_EVENTS} {what} ({count}); split the file")
