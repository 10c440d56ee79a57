"""The note a computed date carries when its equinox or new moon falls within minutes of the day
boundary: as text it is the English the CLI, the API and the English feed have always given; a
Welsh page and the Welsh feed give it in Welsh, with the same time and minutes."""

from __future__ import annotations

import re

from edicalendar import i18n
from edicalendar.calendar.rules import badi, solar_terms
from edicalendar.model import BadiRule, SolarTermRule

SOLAR = re.compile(
    r"The march equinox falls at (\d\d:\d\d) local time, (\d+) minutes from the day boundary; "
    r"another almanac may give the other day\.\Z"
)
BADI = re.compile(
    r"Computed from an equinox or new moon (\d+) minutes from sunset in Tehran; the Bahá'í "
    r"World Centre's own tables may give the other day\.\Z"
)


def _near(dates_for: object, years: range) -> list[object]:
    found = []
    for year in years:
        for dated in dates_for(year):  # type: ignore[operator]
            if dated.note:
                found.append(dated.note)
    return found


def test_the_equinox_note_keeps_its_english_and_is_welsh_on_welsh_pages() -> None:
    rule = SolarTermRule(term="march_equinox", place="tehran", day_starts="noon")
    notes = _near(lambda y: solar_terms.dates(rule, y, None, "nowruz"), range(2000, 2101))
    assert notes, "no year of the century has the equinox near Tehran's noon"
    for note in notes:
        english = SOLAR.match(str(note))
        assert english is not None, note
        assert isinstance(note, i18n.Message)
        time, minutes = english.groups()
        assert note.translated("cy") == (
            f"Mae cyhydnos Mawrth yn digwydd am {time} amser lleol, {minutes} munud o ffin y "
            "diwrnod; gall almanac arall roi’r diwrnod arall."
        )


def test_the_badi_note_keeps_its_english_and_is_welsh_on_welsh_pages() -> None:
    rule = BadiRule(month="baha", day=1)
    notes = _near(lambda y: badi.dates(rule, y, None, "bahai-naw-ruz"), range(2015, 2101))
    assert notes, "no year of the century has Naw-Rúz near Tehran's sunset"
    for note in notes:
        english = BADI.match(str(note))
        assert english is not None, note
        assert isinstance(note, i18n.Message)
        assert note.translated("cy") == (
            f"Wedi’i gyfrifo o gyhydnos neu leuad newydd {english.group(1)} munud o fachlud "
            "haul yn Nhehran; gall tablau’r Bahá’í World Centre ei hun roi’r diwrnod arall."
        )
