"""Apply an import :class:`~edicalendar.importers.mapping.ImportPlan` to a calendar file, safely.

The file a team maintains is changed only where the plan says: new `[observance.years.YYYY]`
tables go at the end of their observance's entry and new observances at the end of the file, as
text rendered by `tomlkit`; every other byte (comments, ordering, spacing, line endings) is kept.
The result is checked twice before it replaces the file: its data must equal the old data plus
exactly the planned changes, and it must load with the catalog loader next to the other
calendars. The replacement is atomic (temporary file in the same folder, fsync, `os.replace`),
and a file changed by someone else since it was read is never overwritten.
"""

from __future__ import annotations

import copy
import difflib
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomlkit

from edicalendar.atomicfile import write_atomic
from edicalendar.errors import CatalogError, Problem, WriteError
from edicalendar.importers.mapping import ImportPlan, NewObservance, YearEntry

_HEADER = re.compile(r"^\s*\[\[\s*observance\s*\]\]")
_CONTENT = re.compile(r"^\s*[^\s#]")


def render(path: Path, display: str, plan: ImportPlan, title: str | None) -> tuple[str, str]:
    """The file's current text and its text with the plan applied (nothing is written)."""
    old = _read(path, display) if path.exists() else ""
    newline = "\r\n" if "\r\n" in old else "\n"
    lines = old.splitlines(keepends=True)
    base: dict[str, Any] = _parse(old, display) if old.strip() else {}
    if not old.strip():
        base = {"calendar": {"title": title or plan.calendar.replace("-", " ").capitalize()}}
        lines = _lines(tomlkit.dumps(base), newline)
    if plan.updates:
        lines = _insert_years(lines, old, display, plan.updates, newline)
    if plan.new:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += newline
        for new in plan.new:
            lines.append(newline)
            lines.extend(_lines(_observance_text(new), newline))
    text = "".join(lines)
    _verify(base, text, plan, display)
    return old, text


def _read(path: Path, display: str) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise WriteError(f"{display}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise WriteError(f"{display}: is not UTF-8; fix it before importing") from None


def _lines(text: str, newline: str) -> list[str]:
    return [line.rstrip("\r\n") + newline for line in text.splitlines()]


def _insert_years(
    lines: list[str],
    old: str,
    display: str,
    updates: dict[str, list[YearEntry]],
    newline: str,
) -> list[str]:
    data = _parse(old, display)
    entries = data.get("observance", [])
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    if len(headers) != len(entries):
        raise WriteError(
            f"{display}: cannot place new entries; write each observance as an [[observance]] table"
        )
    insert_at: dict[int, list[str]] = {}
    for index, entry in enumerate(entries):
        years = updates.get(str(entry.get("id")))
        if not years:
            continue
        end = headers[index + 1] if index + 1 < len(headers) else len(lines)
        last = end - 1
        while last > headers[index] and not _CONTENT.match(lines[last]):
            last -= 1  # comments and blank lines before the next entry belong to it
        recorded = entry.get("years", {})
        fragment: list[str] = []
        for year in years:
            if year.key in recorded:
                # A year with only a theme or note so far: add the dates under its header.
                header = _year_header(lines, headers[index], end, year.key, display)
                missing = {k: v for k, v in _year_data(year).items() if k not in recorded[year.key]}
                insert_at.setdefault(header + 1, []).extend(_lines(_keys_text(missing), newline))
                continue
            fragment.append(newline)
            fragment.extend(_lines(_years_text(year), newline))
        if fragment:
            insert_at.setdefault(last + 1, []).extend(fragment)
    result: list[str] = []
    for position, line in enumerate(lines):
        if position in insert_at:
            result.extend(insert_at.pop(position))
        result.append(line)
    for fragment in insert_at.values():  # an entry that ends the file
        if result and not result[-1].endswith("\n"):
            result[-1] += newline
        result.extend(fragment)
    return result


def _year_header(lines: list[str], begin: int, end: int, key: str, display: str) -> int:
    pattern = re.compile(rf'^\s*\[\s*observance\s*\.\s*years\s*\.\s*("?){re.escape(key)}\1\s*\]')
    for number in range(begin, end):
        if pattern.match(lines[number]):
            return number
    raise WriteError(
        f"{display}: years.{key} is not written as an [observance.years.{key}] table; "
        "add the dates by hand"
    )


def _keys_text(values: dict[str, Any]) -> str:
    table = tomlkit.table()
    for key, value in values.items():
        table.add(key, value)
    return tomlkit.dumps(table)


def _year_table(year: YearEntry) -> Any:
    table = tomlkit.table()
    if year.start is not None and year.end is not None:
        table.add("start", year.start)
        table.add("end", year.end)
    if year.theme:
        table.add("theme", year.theme)
    if year.cancelled:
        table.add("cancelled", True)
    if year.note:
        table.add("note", year.note)
    table.add("source", year.source)
    return table


def _years_text(year: YearEntry) -> str:
    return _dotted(year.key, _year_table(year))


def _dotted(key: str, table: Any) -> str:
    body = tomlkit.dumps(table).strip("\n")
    quoted = f'"{key}"' if "-" in key else key
    return f"[observance.years.{quoted}]\n{body}\n"


def _observance_text(new: NewObservance) -> str:
    table = tomlkit.table()
    for note in new.review:
        table.add(tomlkit.comment(f"review: {note}"))
    table.add("id", new.id)
    table.add("name", new.name)
    table.add("categories", [c.value for c in new.categories])
    rule = tomlkit.inline_table()
    rule.update(new.rule)
    table.add("rule", rule)
    if new.duration_days:
        table.add("duration_days", new.duration_days)
    if new.begins_evening_before:
        table.add("begins_evening_before", True)
    if new.announced:
        table.add("announced", True)
    if new.tradition:
        table.add("tradition", new.tradition)
    table.add("description", new.description)
    if new.url:
        table.add("url", new.url)
    table.add("sources", new.sources)
    body = tomlkit.dumps(table).strip("\n")
    text = f"[[observance]]\n{body}\n"
    for year in new.years:
        text += "\n" + _dotted(year.key, _year_table(year))
    return text


def _parse(text: str, display: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WriteError(f"{display}: malformed TOML ({exc}); fix it before importing") from None


def _verify(base: dict[str, Any], new: str, plan: ImportPlan, display: str) -> None:
    """The new text's data must be the old data plus exactly the planned entries."""
    expected = copy.deepcopy(base)
    entries: list[dict[str, Any]] = expected.setdefault("observance", [])
    for entry in entries:
        for year in plan.updates.get(str(entry.get("id")), []):
            recorded = entry.setdefault("years", {}).setdefault(year.key, {})
            for key, value in _year_data(year).items():
                recorded.setdefault(key, value)
    for created in plan.new:
        entries.append(_parse(_observance_text(created), display)["observance"][0])
    if not entries:
        expected.pop("observance")
    try:
        actual = tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:
        raise WriteError(
            f"{display}: the updated file would not be valid TOML ({exc}); nothing written. "
            "Are some years written inline (years = {...})? Add these by hand."
        ) from None
    if actual != expected:
        raise WriteError(f"{display}: could not place the changes without disturbing other data")


def _year_data(year: YearEntry) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if year.start is not None and year.end is not None:
        data.update(start=year.start, end=year.end)
    data["source"] = year.source
    if year.theme:
        data["theme"] = year.theme
    if year.cancelled:
        data["cancelled"] = True
    if year.note:
        data["note"] = year.note
    return data


def render_year(
    path: Path, display: str, observance_id: str, key: str, values: dict[str, Any]
) -> tuple[str, str]:
    """The file's text and its text with `years.<key>` of one observance set to `values`.

    Keys already in that year's table are changed where they stand (with `tomlkit`, so the
    comments and layout around them stay); a year not yet recorded becomes a new
    `[observance.years.<key>]` table at the end of the observance's entry, as `import` adds
    them. Nothing else changes, which is checked before the text is returned.
    """
    old = _read(path, display)
    data = _parse(old, display)
    entries = data.get("observance", [])
    index = next((i for i, e in enumerate(entries) if e.get("id") == observance_id), None)
    if index is None:
        raise WriteError(f"{display}: no observance {observance_id!r} to update")
    newline = "\r\n" if "\r\n" in old else "\n"
    recorded = entries[index].get("years", {})
    if key in recorded:
        document = tomlkit.parse(old)
        table = document["observance"][index]["years"][key]
        for name, value in values.items():
            table[name] = value
        text = tomlkit.dumps(document)
    else:
        lines = old.splitlines(keepends=True)
        headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
        if len(headers) != len(entries):
            raise WriteError(
                f"{display}: cannot place the new year; write each observance as an "
                "[[observance]] table"
            )
        end = headers[index + 1] if index + 1 < len(headers) else len(lines)
        last = end - 1
        while last > headers[index] and not _CONTENT.match(lines[last]):
            last -= 1  # comments and blank lines before the next entry belong to it
        if not lines[last].endswith("\n"):
            lines[last] += newline
        fragment = [newline, *_lines(_dotted(key, _plain_table(values)), newline)]
        text = "".join(lines[: last + 1] + fragment + lines[last + 1 :])
    expected = copy.deepcopy(data)
    expected["observance"][index].setdefault("years", {}).setdefault(key, {}).update(values)
    try:
        actual = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WriteError(
            f"{display}: the updated file would not be valid TOML ({exc}); nothing written. "
            f"Are the years of {observance_id} written inline (years = {{...}})? "
            "Add this year by hand."
        ) from None
    if actual != expected:
        raise WriteError(
            f"{display}: could not record years.{key} of {observance_id} without disturbing "
            "other data; nothing written"
        )
    return old, text


def _plain_table(values: dict[str, Any]) -> Any:
    table = tomlkit.table()
    for name, value in values.items():
        table.add(name, value)
    return table


def unified_diff(old: str, new: str, display: str) -> str:
    """The change as a unified diff, as `--dry-run` prints it."""
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{display}",
            tofile=f"b/{display}",
        )
    )


def replace_atomically(
    path: Path, display: str, old: str, new: str, others: Sequence[Path]
) -> None:
    """Write `new` over `path` only if it loads beside `others` and `path` still holds `old`."""
    from edicalendar.calendar.catalog import load_files

    def check(temporary: Path) -> None:
        try:
            load_files([*others, temporary])
        except CatalogError as exc:
            raise CatalogError([_renamed(p, temporary, display) for p in exc.problems]) from None
        current = path.read_bytes().decode("utf-8", "replace") if path.exists() else ""
        if current != old:
            raise WriteError(f"{display}: changed by someone else during the import; run it again")

    write_atomic(path, new.encode("utf-8"), check=check, skip_identical=False)


def _renamed(problem: Problem, temporary: Path, display: str) -> Problem:
    if problem.path.endswith(temporary.name):
        return Problem(display, problem.line, problem.subject, problem.field, problem.message)
    return problem
