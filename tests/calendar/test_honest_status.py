"""No computed date is called confirmed, no observance appears before it began, and conventions.

"Confirmed" is kept for fixed civil rules (fixed dates, spans, months, nth weekdays, Easter,
RRULEs, the arithmetic Hebrew, Ethiopian and Zoroastrian calendars, and UK bank holidays), dates
a faith body published in a table (the Bahá'í World Centre's), and organiser-announced dates
recorded with a source. Everything astronomical or tabulated from observation is estimated;
organisers' unannounced years are provisional.
"""

from __future__ import annotations

import datetime as dt

import pytest

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.conventions import CONVENTIONS, Conventions, Family
from edicalendar.calendar.occurrences import expand, occurrences_in_year
from edicalendar.calendar.rules import family_of
from edicalendar.model import (
    BadiRule,
    BankHolidayRule,
    EasterRule,
    EthiopianRule,
    FixedRule,
    HebrewRule,
    MonthRule,
    NthWeekdayRule,
    RRuleRule,
    SpanRule,
    Status,
    ZoroastrianRule,
)

#: The arithmetic Ethiopian and Zoroastrian calendars are exact like the Hebrew one, and bank
#: holidays are set by law and proclamation.
FIXED_RULES = (
    FixedRule,
    SpanRule,
    MonthRule,
    NthWeekdayRule,
    EasterRule,
    RRuleRule,
    HebrewRule,
    EthiopianRule,
    ZoroastrianRule,
    BankHolidayRule,
)


def test_no_computed_date_is_confirmed_2000_2075(shipped_catalog: Catalog) -> None:
    wrong = []
    for observance in shipped_catalog.observances.values():
        for year in range(2000, 2076):
            try:
                found = occurrences_in_year(observance, year)
            except Exception:
                continue
            for occurrence in found:
                if occurrence.status is not Status.CONFIRMED:
                    continue
                announced = occurrence.method == "announced" and bool(occurrence.source)
                published = (
                    isinstance(observance.rule, BadiRule)
                    and occurrence.method in ("uhj-table", "badi-western")
                    and bool(occurrence.source)
                )
                fixed = isinstance(observance.rule, FIXED_RULES) and not observance.announced
                if not (announced or published or fixed):
                    wrong.append((observance.id, occurrence.instance, occurrence.method))
    assert wrong == []


def test_unannounced_organiser_years_are_provisional(shipped_catalog: Catalog) -> None:
    for observance in shipped_catalog.observances.values():
        if not observance.announced:
            continue
        for occurrence in occurrences_in_year(observance, 2070):
            assert occurrence.status is not Status.CONFIRMED, observance.id


def test_no_occurrence_before_since(shipped_catalog: Catalog) -> None:
    expansion = expand(shipped_catalog, dt.date(2000, 1, 1), dt.date(2075, 12, 31))
    for occurrence in expansion.occurrences:
        observance = shipped_catalog.get(occurrence.observance_id)
        assert observance is not None
        if observance.since is not None:
            assert occurrence.year >= observance.since, occurrence
    lgbt = [s for s in expansion.skipped if s.observance_id == "lgbt-history-month"]
    assert [s.year for s in lgbt] == [2000, 2001, 2002, 2003, 2004]
    assert all(s.reason == "before_since" and "2005" in s.message for s in lgbt)


def test_lgbt_history_month_and_black_history_month_begin_when_they_did(
    shipped_catalog: Catalog,
) -> None:
    assert shipped_catalog.get("lgbt-history-month").since == 2005  # type: ignore[union-attr]
    assert shipped_catalog.get("black-history-month").since == 1987  # type: ignore[union-attr]
    assert occurrences_in_year(shipped_catalog.get("lgbt-history-month"), 2004) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("family", list(Family))
def test_every_convention_occurrence_says_what_it_follows(
    shipped_catalog: Catalog, family: Family
) -> None:
    """Each occurrence of a convention-dependent observance names its convention and the rest."""
    observances = [o for o in shipped_catalog.observances.values() if family_of(o.rule) is family]
    assert observances, family
    keys = [c.key for c in CONVENTIONS[family]]
    for observance in observances:
        for occurrence in occurrences_in_year(observance, 2026):
            if occurrence.method == "announced":
                continue
            assert occurrence.convention == keys[0]
            listed = {a.convention for a in occurrence.alternatives}
            assert listed <= set(keys[1:]) and listed, (observance.id, occurrence.instance)


def test_choosing_a_convention_changes_the_dates_and_keeps_the_others(
    shipped_catalog: Catalog,
) -> None:
    """Vesak 2026: 1 May in UK calendars, 31 May in Singapore (holidays' Singapore table)."""
    vesak = shipped_catalog.get("vesak")
    assert vesak is not None
    [uk] = occurrences_in_year(vesak, 2026)
    [singapore] = occurrences_in_year(vesak, 2026, Conventions(vesak="singapore-malaysia"))
    assert uk.start == dt.date(2026, 5, 1)
    assert singapore.start == dt.date(2026, 5, 31) and singapore.convention == "singapore-malaysia"
    assert {a.convention: a.start for a in singapore.alternatives}["uk"] == dt.date(2026, 5, 1)


def test_conventions_from_config_are_validated() -> None:
    assert Conventions.from_mapping({"islamic": "uk-moon-sighting"}).islamic == "uk-moon-sighting"
    with pytest.raises(ValueError, match="islamic = 'saudi' is not a known convention"):
        Conventions.from_mapping({"islamic": "saudi"})
    with pytest.raises(ValueError, match="unknown convention family 'hindu'"):
        Conventions.from_mapping({"hindu": "india"})


def test_every_recorded_year_the_rule_misses_says_why(shipped_catalog: Catalog) -> None:
    """An organiser week's rule is backed by its recorded years; each exception carries a note."""
    from edicalendar.calendar.rules import dates_for_year

    unexplained = []
    for observance in shipped_catalog.observances.values():
        if not observance.announced:
            continue
        for key, override in observance.years.items():
            if override.start is None:
                continue
            computed = dates_for_year(
                observance.rule, int(key[:4]), observance.duration_days, observance.id
            )
            fits = any((d.start, d.end) == (override.start, override.end) for d in computed)
            if not fits and not override.note:
                unexplained.append((observance.id, key))
    assert unexplained == []


def test_dates_section_of_the_observance_list_is_current(repo_root) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "document_dates.py"), "--check"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(repo_root / "src")},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


#: Observances with no organiser or faith body whose page could stand as their link.
NO_ORGANISER_PAGE = {
    "disability-pride-month",
    "lunar-new-year",
    "onam",
    # The other Chinese and Thai festivals of the lunar year, like Lunar New Year: folk and
    # cultural festivals without a UK body.
    "lantern-festival",
    "dragon-boat-festival",
    "qixi",
    "hungry-ghost-festival",
    "mid-autumn-festival",
    "double-ninth-festival",
    "songkran",
    "loy-krathong",
    # Ethiopian and Eritrean Orthodox feasts and the Ethiopian New Year: no UK church body page.
    "timkat",
    "meskel",
    "enkutatash",
    # Rastafari has no central body; Zoroastrian, Ravidassia and Bengali New Year pages of UK
    # bodies were not found in the sources read.
    "groundation-day",
    "birthday-of-haile-selassie",
    "coronation-of-haile-selassie",
    "marcus-garvey-day",
    "khordad-sal",
    "parsi-new-year",
    "zarathosht-no-diso",
    "guru-ravidas-jayanti",
    "pohela-boishakh",
    "emancipation-day",
}
#: National days are kept by countries, not organisers: their link is the day's history.
NATIONAL_DAY_CALENDARS = {"staff-heritage", "uk-nations"}


def test_links_go_to_organisers_not_encyclopaedias(shipped_catalog: Catalog) -> None:
    encyclopaedia = {
        o.id
        for o in shipped_catalog.observances.values()
        if o.url and "wikipedia.org" in o.url and o.calendar not in NATIONAL_DAY_CALENDARS
    }
    assert encyclopaedia <= NO_ORGANISER_PAGE


def test_configured_islamic_convention_reaches_the_json_output(
    run_cli,
    make_config,
    repo_root,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """`[conventions] islamic = "uk-moon-sighting"`: Eid al-Fitr 2026 on 21 March, Saudi 20th."""
    import json

    config = make_config(repo_root / "calendars")
    with config.open("a", encoding="utf-8") as handle:
        handle.write('\n[conventions]\nislamic = "uk-moon-sighting"\n')
    result = run_cli.run(
        ["--config", str(config), "occurrences", "--from", "2026-03-01", "--to", "2026-03-31",
         "--format", "json"]
    )  # fmt: skip
    assert result.code == 0, result.err
    [eid] = [o for o in json.loads(result.out) if o["observance"] == "eid-al-fitr"]
    assert eid["start"] == "2026-03-21" and eid["convention"] == "uk-moon-sighting"
    alternatives = {a["convention"]: a["start"] for a in eid["alternatives"]}
    assert alternatives["umm-al-qura"] == "2026-03-20"


def test_unknown_convention_in_config_is_a_clear_error(run_cli, make_config, repo_root) -> None:  # type: ignore[no-untyped-def]
    config = make_config(repo_root / "calendars")
    with config.open("a", encoding="utf-8") as handle:
        handle.write('\n[conventions]\nislamic = "saudi"\n')
    result = run_cli.run(["--config", str(config), "check"])
    assert result.code == 1
    assert "conventions.islamic" in result.err and "uk-moon-sighting" in result.err
