"""The four shipped campaign templates, made into campaigns on the shipped calendar: each passes
every check a campaign file gets, for one year and for every year, and its work lands on the
dates an independent count gives (organisers' dates, and working days counted by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edicalendar.calendar.catalog import load_catalog
from edicalendar.calendar.workdays import WorkingDays
from edicalendar.campaigns.files import CampaignSet, check_stored
from edicalendar.campaigns.instances import expand_campaigns
from edicalendar.campaigns.templates import find_template, from_template, shipped_templates
from edicalendar.errors import CampaignLookupError

CALENDARS = Path(__file__).parents[2] / "calendars"

D = dt.date


@pytest.fixture(scope="module")
def catalog() -> object:
    return load_catalog(CALENDARS)


def test_the_four_templates_ship_in_order() -> None:
    assert [t.id for t in shipped_templates()] == [
        "awareness-month",
        "awareness-day",
        "faith-festival",
        "staff-stories",
    ]
    with pytest.raises(CampaignLookupError, match="templates: awareness-month, awareness-day"):
        find_template("podcast")


@pytest.mark.parametrize(
    ("template_id", "observance_id"),
    [
        ("awareness-month", "lgbt-history-month"),
        ("awareness-month", "black-history-month"),
        ("awareness-day", "international-womens-day"),
        ("faith-festival", "eid-al-fitr"),
        ("faith-festival", "diwali"),
        ("faith-festival", "rosh-hashanah"),
        ("staff-stories", "south-asian-heritage-month"),
        ("staff-stories", "black-history-month"),
    ],
)
@pytest.mark.parametrize("year", [2026, None])
def test_each_template_makes_a_campaign_that_passes_every_check(
    catalog: object, template_id: str, observance_id: str, year: int | None
) -> None:
    observance = catalog.observances[observance_id]  # type: ignore[attr-defined]
    table = from_template(
        find_template(template_id),
        observance,
        campaign_id="made",
        year=year,
        owners=[{"name": "Asha Khan", "email": "asha.khan@nhs.net"}],
        destinations=["console"],
    )
    checked = check_stored([(table, 1)], CampaignSet(), catalog, check_years=range(2026, 2029))  # type: ignore[arg-type]
    assert checked.problems == []
    campaign = checked.campaigns["made"]
    assert observance.name in campaign.title
    assert "{observance}" not in repr(table)
    assert campaign.tasks and campaign.assets


def _dates(catalog: object, template_id: str, observance_id: str, year: int) -> dict[str, D]:
    observance = catalog.observances[observance_id]  # type: ignore[attr-defined]
    table = from_template(find_template(template_id), observance, campaign_id="t", year=year)
    campaign = check_stored([(table, 1)], CampaignSet(), catalog).campaigns["t"]  # type: ignore[arg-type]
    (instance,) = expand_campaigns(
        [campaign],
        catalog,
        D(year, 1, 1),
        D(year, 12, 31),
        WorkingDays(),  # type: ignore[arg-type]
    )
    found = {t.task.id: t.due for t in instance.tasks}
    found.update({a.asset.id: a.publish_on for a in instance.assets if a.publish_on})
    return found


def test_faith_festival_dates_for_eid_al_fitr_2026(catalog: object) -> None:
    """Eid al-Fitr 2026 is expected on Friday 20 March (1 Shawwal 1447, Umm al-Qura; Saudi
    Arabia's announcement of 19 March 2026). Guidance two weeks before is Friday 6 March;
    three working days before is Tuesday 17 March."""
    dates = _dates(catalog, "faith-festival", "eid-al-fitr", 2026)
    assert dates["greeting"] == D(2026, 3, 20)
    assert dates["manager-guidance"] == D(2026, 3, 6)
    assert dates["confirm-date"] == D(2026, 3, 17)
    assert dates["check-with-network"] == D(2026, 2, 6)


def test_awareness_month_dates_for_lgbt_history_month_2026(catalog: object) -> None:
    """LGBT+ History Month is February in the UK (lgbtplushistorymonth.co.uk). The launch is
    Sunday 1 February; ten working days before is Monday 19 January; the round-up five working
    days after Saturday 28 February is Friday 6 March."""
    dates = _dates(catalog, "awareness-month", "lgbt-history-month", 2026)
    assert dates["launch-post"] == D(2026, 2, 1)
    assert dates["draft-launch"] == D(2026, 1, 19)
    assert dates["round-up"] == D(2026, 3, 6)
    assert dates["round-up-figures"] == D(2026, 3, 4)


def test_awareness_day_dates_for_international_womens_day_2026(catalog: object) -> None:
    """8 March 2026 is a Sunday: 15 working days before is Monday 16 February, one working day
    before is Friday 6 March, five before is Monday 2 March."""
    dates = _dates(catalog, "awareness-day", "international-womens-day", 2026)
    assert dates["draft-content"] == D(2026, 2, 16)
    assert dates["schedule-post"] == D(2026, 3, 6)
    assert dates["newsletter-item"] == D(2026, 3, 2)
    assert dates["social-post"] == D(2026, 3, 8)


def test_staff_stories_dates_for_black_history_month_2026(catalog: object) -> None:
    """Black History Month in the UK is October; 1 October 2026 is a Thursday."""
    dates = _dates(catalog, "staff-stories", "black-history-month", 2026)
    assert dates["story-1"] == D(2026, 10, 1)
    assert dates["story-2"] == D(2026, 10, 8)
    assert dates["story-3"] == D(2026, 10, 15)
    assert dates["consent"] == D(2026, 9, 10)
    assert dates["call-for-stories"] == D(2026, 8, 6)
