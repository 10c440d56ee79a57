"""Campaigns roll onto each occurrence of their observance, including moving and twice-a-year ones.

Independent dates used here:
- Western Easter Sunday is two days after Good Friday as listed at https://www.gov.uk/bank-holidays
  (Good Friday 18 Apr 2025, 3 Apr 2026, 26 Mar 2027).
- Rosh Hashanah (1 Tishrei) first full day: 23 Sep 2025 and 12 Sep 2026 (https://www.hebcal.com/holidays/).
- Ramadan start is checked against `convertdate`'s arithmetical Islamic calendar, a second
  implementation that may differ from Umm al-Qura by a day or two.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edicalendar.calendar.workdays import WorkingDays
from edicalendar.campaigns.files import load_campaigns
from edicalendar.campaigns.instances import due_tasks, expand_campaigns
from edicalendar.model import Campaign, CampaignInstance

D = dt.date


@pytest.fixture
def campaigns(catalog: object, data_dir: Path) -> dict[str, Campaign]:
    """The fixture campaigns, validated (and free of problems)."""
    loaded = load_campaigns(data_dir / "campaigns", catalog, check_years=(2025, 2026, 2027))
    assert loaded.problems == []
    return loaded.campaigns


def _expand(
    campaigns: dict[str, Campaign],
    catalog: object,
    start: dt.date,
    end: dt.date,
    *ids: str,
    **kwargs: object,
) -> list[CampaignInstance]:
    chosen = [campaigns[i] for i in ids] if ids else list(campaigns.values())
    return expand_campaigns(chosen, catalog, start, end, WorkingDays(), **kwargs)  # type: ignore[arg-type]


def test_recurring_easter_campaign_follows_easter_and_its_overrides(
    campaigns: dict[str, Campaign], catalog: object
) -> None:
    """Easter moves each year; 2026 is skipped and 2027 replaces its preparation task."""
    found = _expand(campaigns, catalog, D(2025, 1, 1), D(2027, 12, 31), "easter-greetings")
    assert [(i.instance, i.occurrence.start) for i in found] == [
        ("2025", D(2025, 4, 20)),
        ("2027", D(2027, 3, 28)),
    ]
    first, third = found
    due = {t.task.id: t.due for t in first.tasks}
    # Five working days back from Sun 20 Apr 2025 skip Good Friday: 17, 16, 15, 14, 11 April.
    assert due["prepare"] == D(2025, 4, 11)
    # One working day after Easter Sunday skips Easter Monday 21 April.
    assert due["after"] == D(2025, 4, 22)
    prepare = next(t for t in third.tasks if t.task.id == "prepare")
    assert prepare.task.name == "Prepare the Easter video"
    # Ten working days before Sun 28 Mar 2027, Good Friday 26 Mar not counted: 25, 24, 23, 22,
    # 19, 18, 17, 16, 15, 12 March.
    assert prepare.due == D(2027, 3, 12)


def test_ramadan_twice_in_2030_gives_two_instances(
    campaigns: dict[str, Campaign], catalog: object
) -> None:
    """Ramadan starts in January and December 2030: instances "2030" and "2030-2"."""
    from convertdate import islamic

    found = _expand(campaigns, catalog, D(2030, 1, 1), D(2030, 12, 31), "ramadan-guidance")
    in_2030 = [i for i in found if i.year == 2030]
    assert [i.instance for i in in_2030] == ["2030", "2030-2"]
    for instance, hijri_year in zip(in_2030, (1451, 1452), strict=True):
        reference = D(*islamic.to_gregorian(hijri_year, 9, 1))
        assert abs((instance.occurrence.start - reference).days) <= 2
        assert instance.assets[0].publish_on == instance.occurrence.start - dt.timedelta(days=10)
    assert in_2030[0].tasks[0].due == in_2030[0].occurrence.start - dt.timedelta(days=10)
    # Each instance keeps its own key so progress on one never marks the other done.
    done = {("ramadan-guidance", "2030-2", "publish-guidance")}
    again = _expand(
        campaigns, catalog, D(2030, 1, 1), D(2030, 12, 31), "ramadan-guidance", done=done
    )
    assert [t.done for i in again if i.year == 2030 for t in i.tasks] == [False, True]


def test_hebrew_observance_moves_between_years(
    campaigns: dict[str, Campaign], catalog: object
) -> None:
    """Rosh Hashanah (a lunisolar date) moves from 23 Sep 2025 to 12 Sep 2026."""
    found = _expand(campaigns, catalog, D(2025, 1, 1), D(2026, 12, 31), "rosh-hashanah-note")
    assert [(i.instance, i.occurrence.start) for i in found] == [
        ("2025", D(2025, 9, 23)),
        ("2026", D(2026, 9, 12)),
    ]
    # Three working days before Tue 23 Sep 2025 is Thu 18 Sep; before Sat 12 Sep 2026, Wed 9 Sep.
    assert [i.tasks[0].due for i in found] == [D(2025, 9, 18), D(2026, 9, 9)]


def test_one_off_campaigns_appear_only_in_their_year(
    campaigns: dict[str, Campaign], catalog: object
) -> None:
    """The 2021 seed campaigns give 2021 instances and nothing in 2022."""
    found = _expand(campaigns, catalog, D(2021, 1, 1), D(2022, 12, 31), "lgbt-2021", "iwd-2021")
    assert [(i.campaign.id, i.instance) for i in found] == [
        ("lgbt-2021", "2021"),
        ("iwd-2021", "2021"),
    ]
    lgbt = found[0]
    blog = lgbt.assets[0]
    assert blog.publish_on == D(2021, 2, 15)
    assert blog.asset.url == "https://intranet.example.nhs.uk/blog/lgbt-2021"
    assert blog.asset.placeholder_url
    # Ten working days before Mon 1 Feb 2021 (no bank holidays in between): Mon 18 Jan.
    assert lgbt.tasks[0].due == D(2021, 1, 18)


def test_window_before_the_observance_still_shows_its_preparation(
    campaigns: dict[str, Campaign], catalog: object
) -> None:
    """A window holding only a task's due date includes that task's instance."""
    found = _expand(campaigns, catalog, D(2021, 2, 8), D(2021, 2, 8), "iwd-2021")
    assert [t.task.id for t in due_tasks(found, D(2021, 2, 8), D(2021, 2, 8))] == [
        "confirm-speaker"
    ]
    assert found[0].tasks[0].due == D(2021, 2, 8)  # 28 days before Mon 8 Mar 2021


def test_due_tasks_include_overdue_and_drop_done(
    campaigns: dict[str, Campaign], catalog: object
) -> None:
    """Open tasks due earlier than the window are overdue; done ones never show."""
    found = _expand(campaigns, catalog, D(2021, 1, 1), D(2021, 3, 31), "iwd-2021")
    assert [t.task.id for t in due_tasks(found, D(2021, 3, 1), D(2021, 3, 31))] == [
        "confirm-speaker",
        "write-up",
    ]
    assert [t.task.id for t in due_tasks(found, D(2021, 3, 1), D(2021, 3, 31), overdue=False)] == [
        "write-up"
    ]
    done = {("iwd-2021", "2021", "confirm-speaker")}
    found = _expand(campaigns, catalog, D(2021, 1, 1), D(2021, 3, 31), "iwd-2021", done=done)
    assert [t.task.id for t in due_tasks(found, D(2021, 3, 1), D(2021, 3, 31))] == ["write-up"]


def test_override_for_one_instance_and_years_as_tables(
    campaigns: dict[str, Campaign], catalog: object
) -> None:
    """A "2030-2" override changes only that instance; a years table lists one-off years."""
    found = _expand(campaigns, catalog, D(2030, 1, 1), D(2030, 12, 31), "ramadan-guidance")
    by_key = {i.instance: i for i in found}
    assert by_key["2030"].tasks[0].task.name == "Publish the guidance"
    second = by_key["2030-2"]
    assert second.campaign.summary == "The second Ramadan of 2030"
    assert second.tasks[0].task.name == "Publish the winter guidance"
    assert second.tasks[0].due == WorkingDays().add(second.occurrence.start, -3)
    assert second.occurrence.start.month == 12
    chosen = campaigns["iwd-selected-years"]
    assert chosen.years == (2025, 2027)
    runs = _expand(campaigns, catalog, D(2024, 1, 1), D(2028, 12, 31), "iwd-selected-years")
    assert [(i.instance, i.campaign.summary) for i in runs] == [
        ("2025", "2025 session"),
        ("2027", ""),
    ]


def test_since_starts_a_recurring_campaign_in_its_first_year(
    campaigns: dict[str, Campaign], catalog: object
) -> None:
    """A recurring campaign with `since = 2026` has no instance in 2025."""
    import dataclasses

    later = dataclasses.replace(campaigns["rosh-hashanah-note"], since=2026)
    found = expand_campaigns([later], catalog, D(2025, 1, 1), D(2026, 12, 31), WorkingDays())  # type: ignore[arg-type]
    assert [i.instance for i in found] == ["2026"]
