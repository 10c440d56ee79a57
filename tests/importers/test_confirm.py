"""`edicalendar dates confirm` on a copy of the shipped calendars: the year's override is
written where it belongs, the file stays valid with every comment kept, and a second identical
run changes nothing.

The dates recorded are ones their organisers published: Carers Week 2025 ran 9-15 June with
the theme "Caring About Equality" (Carers UK, carersweek.org), and UK Disability History Month
2025 ran 20 November to 20 December (ukdhm.org).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from pathlib import Path

import pytest
import time_machine

from edicalendar.calendar.catalog import load_catalog
from edicalendar.calendar.occurrences import expand
from edicalendar.errors import NotFoundError, UsageError, WriteError
from edicalendar.importers.confirm import Confirmation, confirm_dates
from edicalendar.model import Status
from support.cli import CliRunner
from support.paths import REPO_ROOT

#: Monday 1 February 2027, 10:00 in London.
NOW = dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC)
CARERS_UK = "https://www.carersuk.org/get-involved/carers-week/"


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a copy of the shipped calendars/ and no config."""
    shutil.copytree(REPO_ROOT / "calendars", tmp_path / "calendars")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "calendars"


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def _confirm(cli: CliRunner, *args: str) -> tuple[int, str, str]:
    with time_machine.travel(NOW, tick=False):
        result = cli("dates", "confirm", *args)
    return result.code, result.out, result.err


def test_confirm_writes_the_year_keeps_comments_and_stays_valid(
    shipped: Path, run_cli: CliRunner
) -> None:
    """Carers Week 2027 recorded from the command line: a confirmed occurrence with its theme
    and source, every comment of the file kept, and the calendar still loads."""
    target = shipped / "awareness-weeks.toml"
    before = target.read_text(encoding="utf-8")
    code, out, err = _confirm(
        run_cli,
        "carers-week",
        "--year",
        "2027",
        "--start",
        "2027-06-07",
        "--theme",
        "A theme for the test",
        "--source",
        CARERS_UK,
    )
    assert (code, err) == (0, "")
    assert out == (
        "carers-week 2027: Mon 7 Jun 2027 – Sun 13 Jun 2027 recorded as confirmed in "
        "calendars/awareness-weeks.toml\n"
    )
    after = target.read_text(encoding="utf-8")
    assert _comments(after) == _comments(before)
    data = tomllib.loads(after)
    (entry,) = [e for e in data["observance"] if e["id"] == "carers-week"]
    assert entry["years"]["2027"] == {
        "start": dt.date(2027, 6, 7),
        "end": dt.date(2027, 6, 13),  # the week's usual seven days
        "theme": "A theme for the test",
        "source": CARERS_UK,
        "checked": dt.date(2027, 2, 1),
    }
    # Nothing else in the file changed: the old data plus exactly this year.
    old = tomllib.loads(before)
    (old_entry,) = [e for e in old["observance"] if e["id"] == "carers-week"]
    old_entry["years"]["2027"] = entry["years"]["2027"]
    assert data == old
    catalog = load_catalog(shipped)
    (week,) = expand(
        catalog, dt.date(2027, 6, 1), dt.date(2027, 6, 30), ids=["carers-week"]
    ).occurrences
    assert (week.start, week.end, week.status) == (
        dt.date(2027, 6, 7),
        dt.date(2027, 6, 13),
        Status.CONFIRMED,
    )
    assert week.theme == "A theme for the test" and week.source == CARERS_UK


def test_a_second_identical_run_changes_nothing(shipped: Path, run_cli: CliRunner) -> None:
    """Running the same confirmation again leaves the file byte for byte, and says so."""
    args = ("carers-week", "--year", "2027", "--start", "2027-06-07", "--source", CARERS_UK)
    assert _confirm(run_cli, *args)[0] == 0
    target = shipped / "awareness-weeks.toml"
    first = target.read_bytes()
    stamp = target.stat().st_mtime_ns
    code, out, _ = _confirm(run_cli, *args)
    assert code == 0
    assert out.endswith("already recorded in calendars/awareness-weeks.toml; nothing changed\n")
    assert target.read_bytes() == first
    assert target.stat().st_mtime_ns == stamp


def test_a_recorded_year_is_corrected_in_place(shipped: Path) -> None:
    """A year already recorded is changed where it stands: the other keys, the tables around
    it and the comments stay, and the new source replaces the old one."""
    target = shipped / "awareness-weeks.toml"
    before = target.read_text(encoding="utf-8")
    catalog = load_catalog(shipped)
    result = confirm_dates(
        Confirmation(
            "carers-week", "2025", dt.date(2025, 6, 9), CARERS_UK, theme="Caring About Equality"
        ),
        catalog=catalog,
        calendars_dir=shipped,
        today=dt.date(2027, 2, 1),
    )
    assert result.written
    after = target.read_text(encoding="utf-8")
    assert _comments(after) == _comments(before)
    added = [
        line
        for line in result.diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    assert added == [f'+source = "{CARERS_UK}"', "+checked = 2027-02-01"]
    assert len(after.splitlines()) == len(before.splitlines()) + 1


def test_an_islamic_date_and_a_second_occurrence_in_one_year(shipped: Path) -> None:
    """Eid al-Fitr has no recorded years: the first gets its own table after the entry. Ramadan
    begins twice in 2030 (6 January and 26 December by the tabular calendar, convertdate);
    the December one is 2030-2, and asking for it as plain 2030 is refused with that advice."""
    catalog = load_catalog(shipped)
    today = dt.date(2027, 2, 1)
    eid = confirm_dates(
        Confirmation("eid-al-fitr", "2027", dt.date(2027, 3, 10), "https://example.org/eid"),
        catalog=catalog,
        calendars_dir=shipped,
        today=today,
    )
    assert eid.written and "+[observance.years.2027]" in eid.diff
    with pytest.raises(UsageError, match=r"use --year 2030-2"):
        confirm_dates(
            Confirmation("ramadan", "2030", dt.date(2030, 12, 26), "https://example.org/r"),
            catalog=load_catalog(shipped),
            calendars_dir=shipped,
            today=today,
        )
    second = confirm_dates(
        Confirmation(
            "ramadan",
            "2030-2",
            dt.date(2030, 12, 26),
            "https://example.org/r",
            end=dt.date(2031, 1, 24),
        ),
        catalog=load_catalog(shipped),
        calendars_dir=shipped,
        today=today,
    )
    assert '+[observance.years."2030-2"]' in second.diff
    catalog = load_catalog(shipped)
    (fitr,) = expand(
        catalog, dt.date(2027, 3, 1), dt.date(2027, 3, 31), ids=["eid-al-fitr"]
    ).occurrences
    assert (fitr.start, fitr.status, fitr.may_vary_days) == (
        dt.date(2027, 3, 10),
        Status.CONFIRMED,
        0,
    )
    ramadans = expand(
        catalog, dt.date(2030, 1, 1), dt.date(2030, 12, 31), ids=["ramadan"]
    ).occurrences
    assert [(r.instance, r.status) for r in ramadans] == [
        ("2030", Status.ESTIMATED),
        ("2030-2", Status.CONFIRMED),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("carers-weak", "--year", "2027", "--start", "2027-06-07"), "did you mean carers-week"),
        (("carers-week", "--year", "27", "--start", "2027-06-07"), "give a year such as 2027"),
        (("carers-week", "--year", "2027", "--start", "2028-06-05"), "is not in --year 2027"),
        (("carers-week", "--year", "2027", "--start", "2027-06-31"), "--start: '2027-06-31'"),
        (
            ("carers-week", "--year", "2027", "--start", "2027-06-07", "--end", "2027-06-01"),
            "--end 2027-06-01 is before --start 2027-06-07",
        ),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(
    shipped: Path, run_cli: CliRunner, args: tuple[str, ...], message: str
) -> None:
    """Each mistake is a usage error (exit 2) naming the option; the files are untouched."""
    before = {p.name: p.read_bytes() for p in shipped.iterdir()}
    code, out, err = _confirm(run_cli, *args, "--source", CARERS_UK)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in shipped.iterdir()} == before


def test_source_must_be_a_web_page(shipped: Path, run_cli: CliRunner) -> None:
    code, _, err = _confirm(
        run_cli, "carers-week", "--year", "2027", "--start", "2027-06-07", "--source", "Carers UK"
    )
    assert code == 2 and "--source 'Carers UK': give the http(s) address" in err


def test_dry_run_prints_the_change_and_writes_nothing(shipped: Path, run_cli: CliRunner) -> None:
    target = shipped / "awareness-weeks.toml"
    before = target.read_bytes()
    code, out, _ = _confirm(
        run_cli,
        "uk-disability-history-month",
        "--year",
        "2027",
        "--start",
        "2027-11-18",
        "--end",
        "2027-12-18",
        "--source",
        "https://ukdhm.org/",
        "--dry-run",
    )
    assert code == 0
    assert "+[observance.years.2027]\n+start = 2027-11-18\n+end = 2027-12-18\n" in out
    assert out.endswith("(dry run; nothing written)\n")
    assert target.read_bytes() == before


def test_far_from_the_prediction_warns(shipped: Path, run_cli: CliRunner) -> None:
    """A start months from the usual week is recorded, with a warning to check the year."""
    code, _, err = _confirm(
        run_cli, "carers-week", "--year", "2027", "--start", "2027-10-04", "--source", CARERS_UK
    )
    assert code == 0
    assert re.search(r"warning: carers-week 2027: 2027-10-04 is \d+ days from the expected", err)


def test_the_shipped_copy_inside_the_package_is_never_changed(
    tmp_path: Path, run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a calendars/ folder (the data is the package's own copy) nothing is written."""
    monkeypatch.chdir(tmp_path)
    code, _, err = _confirm(
        run_cli, "carers-week", "--year", "2027", "--start", "2027-06-07", "--source", CARERS_UK
    )
    assert code == 2 and "no calendars/ folder in this directory" in err


def test_unknown_observance_and_unplaceable_year(shipped: Path) -> None:
    """The service raises NotFoundError for an unknown id, and WriteError (file untouched)
    when the years are written inline and a new table cannot go after them."""
    catalog = load_catalog(shipped)
    with pytest.raises(NotFoundError):
        confirm_dates(
            Confirmation("no-such-week", "2027", dt.date(2027, 6, 7), CARERS_UK),
            catalog=catalog,
            calendars_dir=shipped,
            today=dt.date(2027, 2, 1),
        )
    target = shipped / "islamic.toml"
    text = target.read_text(encoding="utf-8")
    inline = text.replace(
        'url = "https://www.mcb.org.uk/"\nsources = ["https://en.wikipedia.org/wiki/Eid_al-Fitr"',
        'url = "https://www.mcb.org.uk/"\nyears = { "2026" = { note = "sighting" } }\n'
        'sources = ["https://en.wikipedia.org/wiki/Eid_al-Fitr"',
        1,
    )
    assert inline != text
    target.write_text(inline, encoding="utf-8")
    with pytest.raises(WriteError, match="written inline"):
        confirm_dates(
            Confirmation("eid-al-fitr", "2027", dt.date(2027, 3, 10), "https://example.org/e"),
            catalog=load_catalog(shipped),
            calendars_dir=shipped,
            today=dt.date(2027, 2, 1),
        )
    assert target.read_text(encoding="utf-8") == inline
