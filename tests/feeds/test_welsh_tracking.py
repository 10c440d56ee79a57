"""The Welsh feed's own words and change tracking: the notes on date conventions in Welsh, and
SEQUENCE bumped (once, for that event only, in both languages' feeds, the UID unchanged) when
what only the Welsh feed says changes, such as a Welsh name published for an observance."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from .test_tracking import EID_UID, blocks, props


def _feed(ctx: Any, window: tuple[Any, Any], language: str) -> bytes:
    publisher = ctx.feeds()
    spec = publisher.find("all")
    spec = replace(spec, options=replace(spec.options, language=language))
    return publisher.build_one(spec, *window)[0]


def test_the_welsh_feed_explains_the_dates_convention_in_welsh(make_context, window) -> None:
    ctx = make_context()
    english = props(blocks(_feed(ctx, window, "en"))[EID_UID])["DESCRIPTION"]
    welsh = props(blocks(_feed(ctx, window, "cy"))[EID_UID])["DESCRIPTION"]
    assert "About the date: Dates follow the Umm al-Qura calendar (Saudi Arabia)" in english
    assert "Am y dyddiad: Mae’r dyddiadau’n dilyn calendr Umm al-Qura (Sawdi Arabia)" in welsh
    assert "About the date" not in welsh


def test_a_published_welsh_name_bumps_sequence_once(make_context, window, calendars, clock):
    before_cy = blocks(_feed(make_context(), window, "cy"))
    before_en = blocks(_feed(make_context(), window, "en"))
    path = calendars / "awareness.toml"
    anchor = 'id = "uk-disability-history-month"\n'
    text = path.read_text("utf-8")
    assert anchor in text
    path.write_text(
        text.replace(
            anchor,
            anchor + 'name_cy = "Mis Hanes Anabledd"\n'
            'name_cy_source = "https://www.southwales.ac.uk/cymraeg/"\n',
        ),
        "utf-8",
    )
    clock.advance(days=2)
    after_cy = blocks(_feed(make_context(), window, "cy"))
    after_en = blocks(_feed(make_context(), window, "en"))
    assert after_cy.keys() == before_cy.keys()  # UIDs unchanged
    changed = {uid for uid in before_cy if before_cy[uid] != after_cy[uid]}
    assert len(changed) == 1
    (uid,) = changed
    assert props(after_cy[uid])["SUMMARY"] == "Mis Hanes Anabledd"
    assert (props(before_cy[uid])["SEQUENCE"], props(after_cy[uid])["SEQUENCE"]) == ("0", "1")
    # The English feed carries the same SEQUENCE for the UID, and nothing else changed there.
    assert {u for u in before_en if before_en[u] != after_en[u]} == {uid}
    assert props(after_en[uid])["SEQUENCE"] == "1"
    assert props(after_en[uid])["SUMMARY"] == props(before_en[uid])["SUMMARY"]
    clock.advance(days=2)
    assert blocks(_feed(make_context(), window, "cy")) == after_cy  # no second bump


def test_the_welsh_feed_gives_the_near_the_boundary_note_in_welsh(
    make_context: Any, calendars: Any, tmp_path: Any
) -> None:
    """Nowruz 2091: the equinox falls minutes from Tehran's noon, so the date may be the other
    day (the shipped observance, in a folder of its own)."""
    import datetime as dt
    import re
    import shutil

    folder = tmp_path / "nowruz"
    folder.mkdir()
    shipped = (Path(__file__).parents[2] / "calendars" / "other-faiths.toml").read_text("utf-8")
    head, _, rest = shipped.partition("[[observance]]")
    nowruz = rest.split("\n\n#", 1)[0]
    (folder / "nowruz.toml").write_text(head + "[[observance]]" + nowruz, "utf-8")
    shutil.rmtree(calendars)
    ctx = make_context(calendars_dir=folder)
    window = (dt.date(2091, 3, 1), dt.date(2091, 3, 31))
    (english,) = blocks(_feed(ctx, window, "en")).values()
    (welsh,) = blocks(_feed(ctx, window, "cy")).values()
    note = re.search(
        r"The march equinox falls at (\d\d:\d\d) local time, (\d+) minutes from the day "
        r"boundary; another almanac may give the other day\.",
        _unescaped(props(english)["DESCRIPTION"]),
    )
    assert note is not None
    time, minutes = note.groups()
    assert (
        f"Am y dyddiad: Mae cyhydnos Mawrth yn digwydd am {time} amser lleol, {minutes} munud o "
        "ffin y diwrnod; gall almanac arall roi’r diwrnod arall."
    ) in _unescaped(props(welsh)["DESCRIPTION"])
    assert "day boundary" not in props(welsh)["DESCRIPTION"]


def _unescaped(value: str) -> str:
    """An iCalendar TEXT value as written (RFC 5545 3.3.11 escapes)."""
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
