"""Occurrences and observances as plain records: the JSON objects and table cells people see.

These dictionaries are a public contract (DESIGN 4.3): `edicalendar occurrences --format json`,
the JSON API and the CSV exports all use them, so a script can move between them unchanged.
Keys only ever grow.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.occurrences import CALENDAR_DATE, Skipped
from edicalendar.i18n import N_, Day, Message
from edicalendar.model import Observance, Occurrence, Status
from edicalendar.urls import public_url

_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def occurrence_record(occurrence: Occurrence) -> dict[str, Any]:
    """The JSON object for one occurrence (keys are a public contract)."""
    return {
        "observance": occurrence.observance_id,
        "name": occurrence.name,
        "start": occurrence.start.isoformat(),
        "end": occurrence.end.isoformat(),
        # str() of a StrEnum member is its value, without the slower `.value` descriptor.
        "categories": [str(c) for c in occurrence.categories],
        "status": str(occurrence.status),
        "may_vary_days": occurrence.may_vary_days,
        "begins_evening_before": occurrence.begins_evening_before,
        "url": public_url(occurrence.url),
        "description": occurrence.description,
        "theme": occurrence.theme,
        "calendar": occurrence.calendar,
        "instance": occurrence.instance,
        "fasting": occurrence.fasting,
        "rest_from_work": occurrence.rest_from_work,
        "source": occurrence.source,
        "method": occurrence.method,
        "convention": occurrence.convention,
        "convention_label": occurrence.convention_label,
        "alternatives": [
            {
                "convention": alternative.convention,
                "label": alternative.label,
                "start": alternative.start.isoformat(),
                "end": alternative.end.isoformat(),
            }
            for alternative in occurrence.alternatives
        ],
        "note": occurrence.note,
        "tone": occurrence.tone.value if occurrence.tone else None,
        "tone_guidance": occurrence.tone_guidance,
        "also_in": list(occurrence.also_in),
        "name_cy": occurrence.name_cy,
        "name_cy_source": occurrence.name_cy_source,
        "description_cy": occurrence.description_cy,
    }


def occurrence_json(occurrence: Occurrence) -> bytes:
    """:func:`occurrence_record` as compact UTF-8 JSON (what the API sends for it)."""
    return _COMPACT.encode(occurrence_record(occurrence)).encode("utf-8")


#: CSV columns of an occurrence: every key of :func:`occurrence_record`, the first thirteen in the
#: order earlier releases wrote them. `occurrences` and `upcoming` both write these.
OCCURRENCE_CSV_COLUMNS = (
    "observance",
    "name",
    "start",
    "end",
    "categories",
    "status",
    "may_vary_days",
    "begins_evening_before",
    "theme",
    "url",
    "calendar",
    "instance",
    "description",
    "fasting",
    "rest_from_work",
    "source",
    "method",
    "convention",
    "convention_label",
    "alternatives",
    "note",
    "tone",
    "tone_guidance",
    "also_in",
    "name_cy",
    "name_cy_source",
    "description_cy",
)


def occurrence_csv_record(occurrence: Occurrence) -> dict[str, Any]:
    """:func:`occurrence_record` flattened for one CSV row: alternatives as
    "label start..end" joined by "; ", lists as comma-separated text (by the writer)."""
    record = occurrence_record(occurrence)
    record["alternatives"] = "; ".join(
        f"{a['label']} {a['start']}..{a['end']}" for a in record["alternatives"]
    )
    return record


def display_record(occurrence: Occurrence) -> dict[str, Any]:
    """:func:`occurrence_record` plus the human columns of tables (`dates`, `status_text`)."""
    record = occurrence_record(occurrence)
    record["dates"] = date_range_text(occurrence)
    record["status_text"] = status_text(occurrence)
    return record


#: How every output says that a festival starts at sunset (DESIGN 4.1).
EVENING_BEFORE = "begins the evening before"
#: The same in the status line of a feed event (see :func:`status_sentence`).
EVENING_AT_SUNSET = f"{EVENING_BEFORE} (at sunset)"


def margin_text(days: int) -> str:
    """How far an estimated date may move: "±1 day", "±2 days"."""
    return f"±{days} day{'s' if days != 1 else ''}"


@cache
def margin_message(days: int) -> Message:
    """:func:`margin_text` as a message, for sentences a Welsh page says in Welsh ("±1
    diwrnod"); as text it is the same English."""
    if days == 1:
        return Message(N_("±%(days)s day"), days=days)
    return Message(N_("±%(days)s days"), days=days)


def date_caveats(occurrence: Occurrence) -> list[str]:
    """What must be said wherever the date is shown: "±N days", "begins the evening before".

    The one source of this wording: tables, pages, feed descriptions, the digest and every
    reminder message build on it, so no output shows a date without its caveats.
    """
    caveats = []
    if occurrence.may_vary_days:
        caveats.append(margin_text(occurrence.may_vary_days))
    if occurrence.begins_evening_before:
        caveats.append(EVENING_BEFORE)
    return caveats


def certainty_text(occurrence: Occurrence) -> str:
    """How sure the date is: "estimated ±1 day", "provisional", "confirmed" (what
    :func:`status_text` says before any eve, and the title suffix of feeds that ask for it)."""
    text = occurrence.status.value
    if occurrence.may_vary_days:
        text += f" {margin_text(occurrence.may_vary_days)}"
    return text


def status_text(occurrence: Occurrence) -> str:
    """The status and its caveats: "estimated ±1 day, begins the evening before"."""
    text = certainty_text(occurrence)
    if occurrence.begins_evening_before:
        text += f", {EVENING_BEFORE}"
    return text


def status_sentence(occurrence: Occurrence) -> str:
    """The status as the first line of a feed event or message ("" for a plain confirmed date).

    "Estimated date, ±1 day; begins the evening before (at sunset)." Calendar clients show
    the first line of a description in previews, so the caveats come before anything else.
    """
    parts = []
    if occurrence.status is not Status.CONFIRMED:
        first = f"{occurrence.status.value.capitalize()} date"
        if occurrence.may_vary_days:
            first += f", {margin_text(occurrence.may_vary_days)}"
        parts.append(first)
    if occurrence.begins_evening_before:
        parts.append(EVENING_AT_SUNSET if parts else EVENING_AT_SUNSET.capitalize())
    return "; ".join(parts) + "." if parts else ""


def convention_text(occurrence: Occurrence) -> str:
    """Whose dates these are and what the other conventions give, or "" where none differ.

    "Dates follow the Umm al-Qura calendar (Saudi Arabia); UK moon sighting (crescent
    visible from London) gives Wed 10 Mar 2027; calculated (...) gives the same dates."
    """
    others = [a for a in occurrence.alternatives if a.convention != CALENDAR_DATE]
    if not occurrence.convention_label or not others:
        return ""
    if all((a.start, a.end) == (occurrence.start, occurrence.end) for a in others):
        return f"Dates follow the {occurrence.convention_label}; the other conventions agree."
    parts = [f"Dates follow the {occurrence.convention_label}"]
    for alternative in others:
        same = (alternative.start, alternative.end) == (occurrence.start, occurrence.end)
        gives = "the same dates" if same else span_text(alternative.start, alternative.end)
        parts.append(f"{alternative.label} gives {gives}")
    return "; ".join(parts) + "."


def date_notes(occurrence: Occurrence) -> list[str]:
    """Sentences that explain a date: whose convention it follows, and why it moved."""
    return [text for text in (convention_text(occurrence), occurrence.note or "") if text]


def dated_text(occurrence: Occurrence) -> str:
    """The dates with whatever makes them uncertain, for sentences in messages and answers.

    "Tue 9 Mar 2027 (estimated ±1 day, begins the evening before)"; a confirmed date with
    nothing to add is just "Sat 25 Dec 2027".
    """
    dates = date_range_text(occurrence)
    if occurrence.status is Status.CONFIRMED and not occurrence.begins_evening_before:
        return dates
    return f"{dates} ({status_text(occurrence)})"


def date_range_text(occurrence: Occurrence) -> str:
    """ "Tue 9 Mar 2027", or "Mon 8 Feb 2027 – Mon 8 Mar 2027" for a run of days."""
    return span_text(occurrence.start, occurrence.end)


def span_text(start: dt.date, end: dt.date) -> str:
    """A day, or a run of days (`end` inclusive): "Mon 8 Feb 2027 – Mon 8 Mar 2027"."""
    return day_text(start) if start == end else f"{day_text(start)} – {day_text(end)}"


def date_range_message(occurrence: Occurrence) -> Day | Message:
    """:func:`date_range_text` as a value of a message: Welsh dates on a Welsh page."""
    return span_message(occurrence.start, occurrence.end)


def span_message(start: dt.date, end: dt.date) -> Day | Message:
    """:func:`span_text` as a value of a message ("Maw 9 Maw 2027" on a Welsh page); as text
    it is the same English ("Tue 9 Mar 2027", "Mon 8 Feb 2027 – Mon 8 Mar 2027")."""
    if start == end:
        return Day(start)
    return Message(N_("%(start)s – %(end)s"), start=Day(start), end=Day(end))


def day_text(day: dt.date) -> str:
    """A day as people write it: "Tue 9 Mar 2027"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def observance_record(obs: Observance) -> dict[str, Any]:
    """The JSON object for one observance in `/api/observances`."""
    return {
        "id": obs.id,
        "name": obs.name,
        "aliases": list(obs.aliases),
        "categories": [c.value for c in obs.categories],
        "calendar": obs.calendar,
        "description": obs.description,
        "url": public_url(obs.url),
        "sources": list(obs.sources),
        "begins_evening_before": obs.begins_evening_before,
        "announced": obs.announced,
        "fasting": obs.fasting,
        "rest_from_work": obs.rest_from_work,
        "guidance": obs.guidance,
        "since": obs.since,
        "tone": obs.tone.value if obs.tone else None,
        "tone_guidance": obs.tone_guidance,
        "also_in": list(obs.also_in),
        "source_details": [
            {
                "url": source.url,
                "supports": [s.value for s in source.supports],
                "years": list(source.years),
            }
            for source in obs.source_refs
        ],
        "observed": None
        if obs.observed is None
        else {
            "moves": {weekday.value: days for weekday, days in obs.observed.moves},
            "reason": obs.observed.reason,
        },
        "name_cy": obs.name_cy,
        "name_cy_source": obs.name_cy_source,
        "description_cy": obs.description_cy,
    }


def missing_records(
    skipped: Iterable[Skipped], catalog: Catalog
) -> dict[str, list[dict[str, Any]]]:
    """What a window leaves out, as JSON: `not_computed` (years a rule cannot date, with the
    reason) and `not_held` (years before an observance began, with its `since` year).

    Every JSON answer that lists occurrences carries these, so a script is never left to
    guess whether Eid is missing from 2077 because it is not held or because it cannot be
    dated.
    """
    not_computed: list[dict[str, Any]] = []
    not_held: list[dict[str, Any]] = []
    for item in skipped:
        record: dict[str, Any] = {
            "observance": item.observance_id,
            "name": item.name,
            "year": item.year,
            "reason": item.message.removeprefix(f"{item.observance_id}: "),
        }
        if item.reason == "before_since":
            observance = catalog.get(item.observance_id)
            record["since"] = observance.since if observance else None
            not_held.append(record)
        else:
            not_computed.append(record)
    return {"not_computed": not_computed, "not_held": not_held}


_SUPPORTED = re.compile(r"supported years are (?P<first>\d+)-(?P<last>\d+)(?: \((?P<source>.+)\))?")


def _supported(detail: str) -> str:
    """ "supported years are 1925-2076, Umm al-Qura table", as a message where it is one."""
    found = _SUPPORTED.fullmatch(detail)
    if found is None:
        return detail.replace(" (", ", ").rstrip(")")
    if found["source"]:
        return Message(
            N_("supported years are %(first)s-%(last)s, %(source)s"),
            first=found["first"],
            last=found["last"],
            # The table or theory, as the rules name it: a message the catalogue has.
            source=Message(found["source"]),
        )
    return Message(
        N_("supported years are %(first)s-%(last)s"), first=found["first"], last=found["last"]
    )


def missing_summary(skipped: Iterable[Skipped], warnings: Iterable[str] = ()) -> list[str]:
    """Years that could not be dated, one sentence per year and reason, for pages.

    "No dates can be given for 2077 (supported years are 1925-2076, Umm al-Qura table): Eid
    al-Fitr, Ramadan, ..." Any other warning is kept as it is.
    """
    groups: dict[tuple[int, str], list[str]] = {}
    covered: set[str] = set()
    for item in skipped:
        if item.reason == "before_since":
            continue
        covered.add(item.message)
        detail = item.message.split("; ", 1)[1] if "; " in item.message else ""
        names = groups.setdefault((item.year, detail), [])
        if item.name not in names:
            names.append(item.name)
    lines = []
    for (year, detail), names in groups.items():
        if detail:
            lines.append(
                Message(
                    N_("No dates can be given for %(year)s (%(why)s): %(names)s."),
                    year=year,
                    why=_supported(detail),
                    names=", ".join(names),
                )
            )
        else:
            lines.append(
                Message(
                    N_("No dates can be given for %(year)s: %(names)s."),
                    year=year,
                    names=", ".join(names),
                )
            )
    return lines + [w for w in warnings if w not in covered]
