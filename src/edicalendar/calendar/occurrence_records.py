"""Occurrences and observances as plain records: the JSON objects and table cells people see.

These dictionaries are a public contract (DESIGN 4.3): `edicalendar occurrences --format json`,
the JSON API and the CSV exports all use them, so a script can move between them unchanged.
Keys only ever grow.
"""

from __future__ import annotations

import json
from typing import Any

from edicalendar.model import Observance, Occurrence
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
    }


def occurrence_json(occurrence: Occurrence) -> bytes:
    """:func:`occurrence_record` as compact UTF-8 JSON (what the API sends for it)."""
    return _COMPACT.encode(occurrence_record(occurrence)).encode("utf-8")


def display_record(occurrence: Occurrence) -> dict[str, Any]:
    """:func:`occurrence_record` plus the human columns of tables (`dates`, `status_text`)."""
    record = occurrence_record(occurrence)
    record["dates"] = date_range_text(occurrence)
    record["status_text"] = status_text(occurrence)
    return record


def status_text(occurrence: Occurrence) -> str:
    """Short human wording of an occurrence's status, as shown in tables and feeds."""
    text = occurrence.status.value
    if occurrence.may_vary_days:
        text += f" (±{occurrence.may_vary_days} day{'s' if occurrence.may_vary_days > 1 else ''})"
    if occurrence.begins_evening_before:
        text += ", from the evening before"
    return text


def date_range_text(occurrence: Occurrence) -> str:
    if occurrence.start == occurrence.end:
        return occurrence.start.strftime("%a %d %b %Y")
    return f"{occurrence.start:%a %d %b %Y} – {occurrence.end:%a %d %b %Y}"


def observance_record(obs: Observance) -> dict[str, Any]:
    """The JSON object for one observance in `/api/observances`."""
    return {
        "id": obs.id,
        "name": obs.name,
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
    }
