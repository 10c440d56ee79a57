"""Independent parsers read every default feed of the fixture calendar and see the same events:
the 2026 dates from the organisers' pages, all-day, with exclusive ends, and nothing else."""

from __future__ import annotations

import uuid

import pytest

from edicalendar.feeds import build_all

PARSERS = ["icalendar", "vobject", "ics", "ical", "recurring-ical-events", "icalevents"]

#: The project's published UID namespace, copied here so a change to it fails this test.
NAMESPACE = uuid.UUID("1bd9339c-1492-5693-9773-9c22de5e977c")

IDS = {
    "lgbt": "lgbt-history-month",
    "dewi": "st-davids-day",
    "iwd": "international-womens-day",
    "eid": "eid-al-fitr",
    "passover": "passover",
    "mhaw": "mental-health-awareness-week",
    "older": "international-day-of-older-persons",
    "ukdhm": "uk-disability-history-month",
}


def _expected(keys, expected):
    return sorted(
        (
            str(uuid.uuid5(NAMESPACE, f"{IDS[key]}:2026")).upper(),
            expected[key][0],
            expected[key][1],
            expected[key][2],
            True,
        )
        for key in keys
    )


@pytest.fixture
def feeds(make_context, window, tmp_path):
    """Every default feed of the fixture calendar for 2026, written to files."""
    bodies = build_all(make_context(), *window)
    paths = {}
    for name, body in bodies.items():
        path = tmp_path / f"{name}.ics"
        path.write_bytes(body)
        paths[name] = path
    return bodies, paths


@pytest.mark.parametrize("parser", PARSERS)
def test_python_parser_sees_every_default_feed(parser, feeds, readers, members, expected) -> None:
    """This parser reads each default feed and finds exactly the expected all-day events."""
    bodies, _ = feeds
    for name, body in bodies.items():
        seen = sorted(tuple(s) for s in readers[parser](body))
        assert seen == _expected(members[name], expected), (parser, name)


def test_ical_js_sees_every_default_feed(feeds, icaljs, members, expected) -> None:
    """Mozilla ical.js (Thunderbird's parser) reads each default feed and finds the same events."""
    _, paths = feeds
    seen = icaljs(list(paths.values()))
    for name, path in paths.items():
        assert sorted(tuple(s) for s in seen[path]) == _expected(members[name], expected), name
