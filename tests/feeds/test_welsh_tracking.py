"""The Welsh feed's own words and change tracking: the notes on date conventions in Welsh, and
SEQUENCE bumped (once, for that event only, in both languages' feeds, the UID unchanged) when
what only the Welsh feed says changes, such as a Welsh name published for an observance."""

from __future__ import annotations

from dataclasses import replace
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
