"""Welsh mutations of month and weekday names after prepositions, checked against the tables
and examples of a published Welsh grammar (BBC Learn Welsh, "Y Treigladau – Mutations": the
soft and nasal mutation tables, "i Gaernarfon", "o Fangor", "ym Mangor", "yng Nghaerdydd"), and
on the pages that say them ("Yn rhedeg drwy Fawrth", "Ionawr i Fawrth 2026")."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from edicalendar import i18n
from edicalendar.mutations import NASAL, SOFT, after_prepositions, mutate

#: The BBC's tables, radical to mutated, with a word of each.
SOFT_TABLE = [
    ("cath", "gath"),
    ("pen", "ben"),
    ("tad", "dad"),
    ("gardd", "ardd"),
    ("brawd", "frawd"),
    ("desg", "ddesg"),
    ("llaw", "law"),
    ("rhaw", "raw"),
    ("merch", "ferch"),
    # Place names from the grammar's examples of prepositions.
    ("Caernarfon", "Gaernarfon"),
    ("Bangor", "Fangor"),
]
NASAL_TABLE = [
    ("Caerdydd", "Nghaerdydd"),
    ("pen", "mhen"),
    ("tad", "nhad"),
    ("gardd", "ngardd"),
    ("Bangor", "Mangor"),
    ("desg", "nesg"),
]


@pytest.mark.parametrize(("radical", "mutated"), SOFT_TABLE)
def test_the_soft_mutation_table(radical: str, mutated: str) -> None:
    assert mutate(radical, SOFT) == mutated


@pytest.mark.parametrize(("radical", "mutated"), NASAL_TABLE)
def test_the_nasal_mutation_table(radical: str, mutated: str) -> None:
    assert mutate(radical, NASAL) == mutated


@pytest.mark.parametrize("word", ["Chwefror", "Ffion", "Thomas", "Awst", "Ionawr", "Sul"])
def test_letters_that_do_not_mutate(word: str) -> None:
    assert mutate(word, SOFT) == word
    assert mutate(word, NASAL) == word


@pytest.mark.parametrize(
    ("template", "value", "said"),
    [
        ("Yn rhedeg drwy %(m)s", "Mawrth 2027", "Yn rhedeg drwy Fawrth 2027"),
        ("Yn rhedeg drwy %(m)s", "Mehefin 2027", "Yn rhedeg drwy Fehefin 2027"),
        ("Yn rhedeg drwy %(m)s", "Gorffennaf 2027", "Yn rhedeg drwy Orffennaf 2027"),
        ("Yn rhedeg drwy %(m)s", "Tachwedd 2027", "Yn rhedeg drwy Dachwedd 2027"),
        ("Yn rhedeg drwy %(m)s", "Rhagfyr 2027", "Yn rhedeg drwy Ragfyr 2027"),
        ("Yn rhedeg drwy %(m)s", "Chwefror 2027", "Yn rhedeg drwy Chwefror 2027"),
        ("Ionawr i %(m)s", "Mawrth 2026", "Ionawr i Fawrth 2026"),
        ("Ymgyrchoedd yn %(m)s", "Mawrth 2026", "Ymgyrchoedd ym Mawrth 2026"),
        ("Ymgyrchoedd yn %(m)s", "Gorffennaf 2026", "Ymgyrchoedd yng Ngorffennaf 2026"),
        ("Ymgyrchoedd yn %(m)s", "Tachwedd 2026", "Ymgyrchoedd yn Nhachwedd 2026"),
        ("Ymgyrchoedd yn %(m)s", "Ebrill 2026", "Ymgyrchoedd yn Ebrill 2026"),
        ("ar %(m)s", "dydd Gwener, 5 Mawrth 2027", "ar ddydd Gwener, 5 Mawrth 2027"),
        ("o %(m)s", "Gwener", "o Wener"),
        # Not a month or weekday: names and numbers stay as they are.
        ("i %(m)s", "Bethan", "i Bethan"),
        ("ar %(m)s", "1 Mawrth 2027", "ar 1 Mawrth 2027"),
        # An English word before a value is no preposition of ours.
        ("Running through %(m)s", "March 2027", "Running through March 2027"),
    ],
)
def test_names_after_prepositions(template: str, value: str, said: str) -> None:
    text, values = after_prepositions(template, {"m": value})
    assert text % values == said


def test_a_value_named_twice_is_mutated_where_each_preposition_wants() -> None:
    text, values = after_prepositions("%(m)s; drwy %(m)s; yn %(m)s", {"m": "Mawrth"})
    assert text % values == "Mawrth; drwy Fawrth; ym Mawrth"


def test_translated_messages_mutate_their_values() -> None:
    """gettext's result, formatted, and a core message say "Ionawr i Fawrth"."""
    welsh = i18n.gettext("%(first)s to %(last)s", "cy")
    assert welsh % {"first": "Ionawr", "last": "Mawrth 2026"} == "Ionawr i Fawrth 2026"
    english = i18n.gettext("%(first)s to %(last)s", "en")
    assert english % {"first": "January", "last": "March 2026"} == "January to March 2026"


def test_the_welsh_month_view_says_drwy_with_the_mutated_month(client: TestClient) -> None:
    """The calendar's "Running through" heading for a month of month-long observances (Black
    History Month in October: "Hydref" does not mutate), and the same message with March."""
    html = client.get("/cy/calendar?month=2027-10").text
    assert "Yn rhedeg drwy Hydref 2027" in html
    english = client.get("/calendar?month=2027-10").text
    assert "Running through October 2027" in english
    token = i18n.language.set("cy")
    try:
        from edicalendar.web.render import _env

        said = _env.from_string('{{ _("Running through %(month)s", month=m) }}')
        assert said.render(m=i18n.format_day(dt.date(2027, 3, 1), "month")) == (
            "Yn rhedeg drwy Fawrth 2027"
        )
    finally:
        i18n.language.reset(token)


def test_the_widget_script_titles_the_welsh_frame_in_the_catalogue_words() -> None:
    """embed.js runs on other sites and cannot read the catalogue: its Welsh default title is
    the catalogue's Welsh for the English one, kept equal here."""
    from pathlib import Path

    script = (
        Path(__file__).parents[2] / "src" / "edicalendar" / "web" / "static" / "embed.js"
    ).read_text(encoding="utf-8")
    english = "Coming up in the EDI awareness calendar"
    welsh = i18n.gettext(english, "cy")
    assert welsh != english
    assert f'"{welsh}"' in script and f'"{english}"' in script
