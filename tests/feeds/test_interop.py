"""Independent parsers read every default feed of the fixture calendar and see the same events:
the 2026 dates from the organisers' pages, all-day, with exclusive ends, and nothing else."""

from __future__ import annotations

import uuid

import pytest

from support.feeds import build_all

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


def test_parsers_read_updated_and_cancelled_events(
    make_context, window, calendars, clock, readers, icaljs_full, tmp_path
) -> None:
    """After a removal and an edit, every parser still reads the feed; ical.js sees the
    CANCELLED status and the raised SEQUENCE."""
    build_all(make_context(), *window)
    faith = calendars / "faith.toml"
    text = faith.read_text("utf-8")
    faith.write_text(text[: text.index('[[observance]]\nid = "passover"')], "utf-8")
    awareness = calendars / "awareness.toml"
    awareness.write_text(
        awareness.read_text("utf-8").replace("UKDHM runs", "UK Disability History Month runs"),
        "utf-8",
    )
    clock.advance(days=1)
    body = build_all(make_context(), *window)["all"]
    path = tmp_path / "changed.ics"
    path.write_bytes(body)
    uids = {str(uuid.uuid5(NAMESPACE, f"{ident}:2026")).upper() for ident in IDS.values()}
    for name, read in readers.items():
        assert {s.uid for s in read(body)} == uids, name
    by_summary = {row[1]: row for row in icaljs_full([path])[str(path)]}
    assert by_summary["Passover (פסח)"][5:] == ["CANCELLED", 1]
    assert by_summary["UK Disability History Month"][5:] == ["CONFIRMED", 1]
    assert by_summary["International Women's Day"][5:] == ["CONFIRMED", 0]
