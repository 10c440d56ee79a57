"""The date and query checks the API, the CLI and the pages share: as text each is the English
they have always given, word for word; a Welsh page says it in Welsh from the catalogue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from edicalendar import i18n
from edicalendar.calendar.expansion import check_years
from edicalendar.calendar.search import clean_query
from edicalendar.errors import DateRangeError, QueryError
from edicalendar.web.views import (
    address_mistake,
    check_order,
    check_window,
    chosen_month,
    parse_categories,
    parse_date,
)

CASES: list[tuple[Callable[[], object], str, str]] = [
    (
        lambda: parse_date("2024-02-30", "from"),
        "from: '2024-02-30' is not a date; use YYYY-MM-DD",
        "from: nid yw '2024-02-30' yn ddyddiad; defnyddiwch BBBB-MM-DD (blwyddyn-mis-diwrnod), "
        "fel 2027-03-01",
    ),
    (
        lambda: chosen_month({"month": "2026-13"}, dt.date(2026, 3, 5)),
        "month: '2026-13' is not a month; use YYYY-MM, such as 2026-10",
        "month: nid yw '2026-13' yn fis; defnyddiwch BBBB-MM (blwyddyn-mis), fel 2026-10",
    ),
    (
        lambda: chosen_month({"year": "20x6", "m": "3"}, dt.date(2026, 3, 5)),
        "year: '20x6' is not a year; use four digits, such as 2027",
        "year: nid yw '20x6' yn flwyddyn; defnyddiwch bedwar digid, fel 2027",
    ),
    (
        lambda: chosen_month({"year": "2026", "m": "13"}, dt.date(2026, 3, 5)),
        "m: '13' is not a month; use 1 to 12",
        "m: nid yw '13' yn fis; defnyddiwch 1 i 12",
    ),
    (
        lambda: parse_categories(["faith"]),
        "category: 'faith' is not a category; use one of: age, disability, gender_reassignment, "
        "marriage_civil_partnership, pregnancy_maternity, race, religion_belief, sex, "
        "sexual_orientation, health_wellbeing, general_edi",
        "category: nid yw 'faith' yn gategori; defnyddiwch un o: age, disability, "
        "gender_reassignment, marriage_civil_partnership, pregnancy_maternity, race, "
        "religion_belief, sex, sexual_orientation, health_wellbeing, general_edi",
    ),
    (
        lambda: check_window(dt.date(2026, 12, 31), dt.date(2026, 1, 1), "from", "to"),
        "to 2026-01-01 is before from 2026-12-31",
        "mae to 2026-01-01 cyn from 2026-12-31",
    ),
    (
        lambda: check_window(dt.date(2000, 1, 1), dt.date(2030, 12, 31), "from", "to"),
        "from to to: ask for at most 3660 days",
        "from i to: gofynnwch am 3660 diwrnod ar y mwyaf",
    ),
    (
        lambda: check_window(dt.date(1500, 1, 1), dt.date(1500, 1, 2), "from", "to"),
        "from: 1500-01-01 is outside the years the calendar computes (1583-4099); choose a day "
        "between 1583-01-01 and 4099-12-31",
        "from: mae 1500-01-01 y tu allan i’r blynyddoedd y mae’r calendr yn eu cyfrifo "
        "(1583-4099); dewiswch ddiwrnod rhwng 1583-01-01 a 4099-12-31",
    ),
    (
        lambda: check_order(dt.date(2026, 3, 20), dt.date(2026, 3, 12)),
        "the last day 2026-03-12 is before the first day 2026-03-20",
        "mae’r diwrnod olaf 2026-03-12 cyn y diwrnod cyntaf 2026-03-20",
    ),
    (
        lambda: clean_query("eid\x1b"),
        "q: the search has a control character in it; type plain words",
        "q: mae nod rheoli yn y chwiliad; teipiwch eiriau plaen",
    ),
    (
        lambda: clean_query("x" * 101),
        "q: the search is 101 characters long; use at most 100 (a name or a few words)",
        "q: mae’r chwiliad yn 101 nod o hyd; defnyddiwch 100 ar y mwyaf (enw neu ychydig eiriau)",
    ),
    (
        lambda: clean_query(" ".join("abcdefghijklm")),
        "q: the search has more than 8 words; use fewer",
        "q: mae gormod o eiriau yn y chwiliad (8 ar y mwyaf); defnyddiwch lai",
    ),
]


@pytest.mark.parametrize(("check", "english", "welsh"), CASES)
def test_a_check_keeps_its_english_and_says_it_in_welsh(
    check: Callable[[], object], english: str, welsh: str
) -> None:
    with pytest.raises(QueryError) as caught:
        check()
    assert str(caught.value) == english
    said = i18n.said(caught.value)
    assert isinstance(said, i18n.Message)
    assert said.translated("cy") == welsh
    assert said.translated("en") == english


def test_the_years_check_keeps_its_english() -> None:
    with pytest.raises(DateRangeError) as caught:
        check_years(dt.date(4100, 1, 1), what="--to")
    assert str(caught.value) == (
        "--to: 4100-01-01 is outside the years the calendar computes (1583-4099); choose a day "
        "between 1583-01-01 and 4099-12-31"
    )


def test_an_address_mistake_wraps_the_check() -> None:
    with pytest.raises(QueryError) as caught:
        parse_date("soon", "date")
    sentence = address_mistake(caught.value)
    assert isinstance(sentence, i18n.Message)
    assert sentence == "That address has a mistake: date: 'soon' is not a date; use YYYY-MM-DD."
    assert sentence.translated("cy") == (
        "Mae camgymeriad yn y cyfeiriad hwnnw: date: nid yw 'soon' yn ddyddiad; defnyddiwch "
        "BBBB-MM-DD (blwyddyn-mis-diwrnod), fel 2027-03-01."
    )
