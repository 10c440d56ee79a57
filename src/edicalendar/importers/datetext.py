"""Read the dates people type into calendar spreadsheets: ISO, UK `dd/mm/yyyy`, words and ranges.

A cell may hold one day ("13/05/2026", "Wed 13th May 2026"), a range ("13th-20th May 2026",
"18 July – 17 August", "28 Dec 2026 to 3 Jan 2027"), a whole month ("February 2026") or a
spreadsheet date. Numeric dates are always day/month/year (UK); a value that only makes sense
as month/day is refused with a message saying so. A missing year comes from the caller (a year
column or `--year`); a range whose end comes before its start crosses the new year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from edicalendar.errors import DateTextError

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9

_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+"
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH = r"([a-z]{3,9})\.?"
_DASHES = re.compile(r"\s*(?:–|—|-|\bto\b|\buntil\b|\btill\b)\s*")

# One day in words: "13 May 2026", "Wednesday 13th May", "May 13, 2026".
_DAY_MONTH = re.compile(
    rf"^(?:{_WEEKDAY})?(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?\Z"
)
_MONTH_DAY = re.compile(rf"^(?:{_WEEKDAY})?{_MONTH}\s+(\d{{1,2}}){_ORDINAL},?(?:\s+(\d{{4}}))?\Z")
_MONTH_ONLY = re.compile(rf"^{_MONTH}(?:\s+(\d{{4}}))?\Z")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?\Z")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2}|\d{4}))?\Z")
# "13th-20th May 2026", "13-20 May", "30 Nov - 2 Dec 2026" are handled by splitting on dashes;
# this catches the compact form where the first part has no month.
_DAY_RANGE = re.compile(
    rf"^(?:{_WEEKDAY})?(\d{{1,2}}){_ORDINAL}\s*(?:–|—|-|to)\s*(?:{_WEEKDAY})?(\d{{1,2}}){_ORDINAL}"
    rf"\s+{_MONTH}(?:,?\s+(\d{{4}}))?\Z"
)

# "30/31 March" (Eid depends on the moon): two candidate days, not a date.
_ALTERNATIVES = re.compile(rf"^(\d{{1,2}})\s*/\s*(\d{{1,2}}){_ORDINAL}\s+{_MONTH}(?:\s+\d{{4}})?\Z")


def parse_date_text(text: str, default_year: int | None) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive) a cell describes; raise DateTextError otherwise."""
    cleaned = " ".join(text.replace("\u00a0", " ").split()).strip().lower().rstrip(".")
    if not cleaned:
        raise DateTextError("empty date")
    if len(cleaned) > 80:
        raise DateTextError("too long to be a date")
    alternatives = _ALTERNATIVES.match(cleaned)
    if alternatives:
        first, second = alternatives.group(1), alternatives.group(2)
        raise DateTextError(
            f"{text!r} gives two possible days ({first} or {second}, as lunar dates often do); "
            "write the one your organisation uses"
        )
    compact = _DAY_RANGE.match(cleaned)
    if compact:
        first_day, last_day, month_word, year_text = compact.groups()
        month = _month(month_word)
        year = _year(year_text, default_year, text)
        start = _date(year, month, int(first_day), text)
        end = _date(year, month, int(last_day), text)
        return _ordered(start, end, text)
    parts = _split_range(cleaned)
    if len(parts) == 2:
        first, last = parts
        _, end = _single(last, default_year, text)
        if _no_year(first) and not _no_year(last):
            # "28 December – 3 January 2027": the first part borrows the year of the second.
            start, _ = _single(first, end.year, text)
            if start > end:
                start = start.replace(year=start.year - 1)
            return _ordered(start, end, text)
        start, _ = _single(first, default_year, text)
        return _ordered(start, end, text)
    return _single(cleaned, default_year, text)


def _split_range(cleaned: str) -> list[str]:
    if _ISO.match(cleaned) or _NUMERIC.match(cleaned):
        return [cleaned]
    # ISO dates contain dashes themselves: split "2026-05-13 - 2026-05-19" on the spaced dash.
    iso_pair = re.match(
        r"^(\d{4}-\d{1,2}-\d{1,2})\s*(?:–|—|-|to)\s*(\d{4}-\d{1,2}-\d{1,2})\Z", cleaned
    )
    if iso_pair:
        return [iso_pair.group(1), iso_pair.group(2)]
    numeric_pair = re.match(
        r"^(\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?)\s*(?:–|—|-|to)\s*(\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?)\Z",
        cleaned,
    )
    if numeric_pair:
        return [numeric_pair.group(1), numeric_pair.group(2)]
    parts = [p for p in _DASHES.split(cleaned) if p]
    if len(parts) > 2:
        raise DateTextError("more than one range")
    return parts


def _no_year(part: str) -> bool:
    return not re.search(r"\d{4}", part) and not re.match(
        r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}\Z", part
    )


def _single(part: str, default_year: int | None, text: str) -> tuple[dt.date, dt.date]:
    iso = _ISO.match(part)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        day_value = _date(year, month, day, text)
        return day_value, day_value
    numeric = _NUMERIC.match(part)
    if numeric:
        day_text, month_text, year_text = numeric.groups()
        day, month = int(day_text), int(month_text)
        if month > 12 and day <= 12:
            raise DateTextError(
                f"{text!r} looks like a US month/day date; write dates as day/month/year"
            )
        if year_text is not None and len(year_text) == 2:
            year_text = f"20{year_text}"
        year = _year(year_text, default_year, text)
        day_value = _date(year, month, day, text)
        return day_value, day_value
    words = _DAY_MONTH.match(part)
    if words:
        day_text, month_word, year_text = words.groups()
        day_value = _date(
            _year(year_text, default_year, text), _month(month_word), int(day_text), text
        )
        return day_value, day_value
    words = _MONTH_DAY.match(part)
    if words and words.group(1) in _MONTHS:
        month_word, day_text, year_text = words.groups()
        day_value = _date(
            _year(year_text, default_year, text), _month(month_word), int(day_text), text
        )
        return day_value, day_value
    whole = _MONTH_ONLY.match(part)
    if whole and whole.group(1) in _MONTHS:
        month = _month(whole.group(1))
        year = _year(whole.group(2), default_year, text)
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    raise DateTextError(
        f"{text!r} is not a date; use YYYY-MM-DD, DD/MM/YYYY, '13 May 2026' or a range "
        "such as '13-19 May 2026'"
    )


def _month(word: str) -> int:
    try:
        return _MONTHS[word]
    except KeyError:
        raise DateTextError(f"{word!r} is not a month name") from None


def _year(year_text: str | None, default_year: int | None, text: str) -> int:
    if year_text:
        return int(year_text)
    if default_year is None:
        raise DateTextError(f"{text!r} has no year; add one, a year column, or use --year")
    return default_year


def _date(year: int, month: int, day: int, text: str) -> dt.date:
    if not 1900 <= year <= 2200:
        raise DateTextError(f"{text!r}: year {year} is out of range (1900-2200)")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateTextError(f"{text!r} is not a real date ({exc})") from None


def _ordered(start: dt.date, end: dt.date, text: str) -> tuple[dt.date, dt.date]:
    if end < start:
        # "28 December – 3 January" without years crosses the new year.
        try:
            end = end.replace(year=end.year + 1)
        except ValueError:
            raise DateTextError(f"{text!r} ends before it starts") from None
        if (end - start).days > 366:
            raise DateTextError(f"{text!r} ends before it starts")
    if (end - start).days > 400:
        raise DateTextError(f"{text!r} spans more than 400 days")
    return start, end
