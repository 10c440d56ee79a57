"""The adoption report: every row of a trust's old calendar set against every shipped calendar.

The fixture is a trust-style workbook (two sheets, a title row, a row without a date) whose rows
give the dates the organisers and faith bodies publish for 2026, so "matched" means the shipped
data agrees with them:

- LGBT+ History Month is February (Schools OUT UK); Holocaust Memorial Day is 27 January (HMDT);
  International Women's Day is 8 March (UN), so the trust's "9 March" is a typo; Christmas Day is
  25 December; Carers Week 2026 is 8-14 June (carersweek.org); Ghana became independent on
  6 March 1957 and India on 15 August 1947; Dry January is the month of January (Alcohol Change
  UK); Mental Health Awareness Week 2026 is 11-17 May (Mental Health Foundation).
- Hanukkah 5787 runs from the evening of 4 December 2026: eight days, 5-12 December (hebcal.com);
  the sheet lists it one row per day, as many trust calendars do.
- Eid al-Fitr 2026 is expected on 20 March and Ramadan to begin on 18 February (the Muslim
  Council of Britain's 2026 dates, subject to the moon); Diwali 2026 is 8 November and
  Vaisakhi 14 April (Hindu Council UK; the Sikh Nanakshahi calendar).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest

from edicalendar.calendar.catalog import load_catalog
from edicalendar.importers.adoption import Outcome, assess
from edicalendar.importers.mapping import Action, NameIndex, plan_import
from edicalendar.importers.names import normalise
from edicalendar.importers.source import SourceEvent
from support.cli import CliRunner
from support.paths import REPO_ROOT

D = dt.date
SHIPPED = REPO_ROOT / "calendars"

#: (sheet, name, date cell, notes); a date cell is a date, a "d/m/Y - d/m/Y" range or empty.
FAITH = [
    ("Eid ul-Fitr", D(2026, 3, 20)),
    ("Eid al-Fitr", D(2026, 3, 20)),
    ("Start of Ramadan", D(2026, 2, 18)),
    ("Diwali (Hindu, Sikh and Jain festival of lights)", D(2026, 11, 8)),
    ("Baisakhi", D(2026, 4, 14)),
    *[("Chanukah", D(2026, 12, day)) for day in range(5, 13)],
    ("Christmas Day", D(2026, 12, 25)),
]
AWARENESS = [
    ("LGBT+ History Month (UK)", "01/02/2026 - 28/02/2026"),
    ("Holocaust Memorial Day", D(2026, 1, 27)),
    ("International Women's Day", D(2026, 3, 9)),
    ("Mental Health Awareness Week", "11/05/2026 - 17/05/2026"),
    ("Carers Week", None),
    ("Dry January", "01/01/2026 - 31/01/2026"),
    ("Independence Day", D(2026, 3, 6)),
    ("Independence Day", D(2026, 8, 15)),
    ("Staff Awards Ceremony", D(2026, 6, 15)),
    ("Staff Award Ceremony", D(2026, 6, 15)),
    ("Holocaust Memorial Day", D(2026, 1, 27)),
]


def _workbook(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    faith = book.active
    assert faith is not None
    faith.title = "Faith"
    faith.append(["Multifaith calendar 2026"])
    faith.append(["Date", "Event"])
    for name, day in FAITH:
        faith.append([day, name])
    awareness = book.create_sheet("Awareness")
    awareness.append(["Date", "Event", "Notes"])
    for name, cell in AWARENESS:
        awareness.append([cell, name, "" if cell else "Dates to be confirmed"])
    book.save(path)
    return path


@pytest.fixture
def trust_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with the shipped calendars and the trust's old workbook."""
    shutil.copytree(SHIPPED, tmp_path / "calendars")
    _workbook(tmp_path / "old-calendar.xlsx")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _by_line(rows: list[dict[str, str]], sheet: str) -> dict[int, dict[str, str]]:
    return {int(r["line"]): r for r in rows if r["source"].endswith(f"[{sheet}]")}


def test_every_row_is_reported_across_all_calendars(trust_dir: Path, run_cli: CliRunner) -> None:
    """Matched (in whichever calendar), dates differ, optional calendar, new and duplicate rows
    of a two-sheet workbook, in one pass, with the CSV report naming each."""
    result = run_cli(
        "import", "old-calendar.xlsx", "--calendar", "trust", "--dry-run", "--report", "rows.csv"
    )
    assert result.code == 0, result.err
    rows = _rows(trust_dir / "rows.csv")
    assert list(rows[0]) == [
        "source", "line", "name", "start", "end", "outcome", "observance", "observance_name",
        "calendar", "calendar_start", "calendar_end", "score", "detail",
    ]  # fmt: skip
    # Every row of both sheets is there, the undated one included: 14 + 11.
    assert len(rows) == len(FAITH) + len(AWARENESS)
    faith, awareness = _by_line(rows, "Faith"), _by_line(rows, "Awareness")

    def is_(row: dict[str, str], outcome: str, observance: str, calendar: str) -> None:
        assert (row["outcome"], row["observance"], row["calendar"]) == (
            outcome, observance, calendar
        ), row  # fmt: skip

    is_(faith[3], "matched", "eid-al-fitr", "islamic")
    assert faith[3]["calendar_start"] == "2026-03-20"
    is_(faith[4], "duplicate", "eid-al-fitr", "islamic")
    assert "line 3" in faith[4]["detail"]
    is_(faith[5], "dates differ", "ramadan", "islamic")
    assert (faith[5]["calendar_start"], faith[5]["calendar_end"]) == ("2026-02-18", "2026-03-19")
    assert "only the start" in faith[5]["detail"]
    is_(faith[6], "matched", "diwali", "hindu")
    is_(faith[7], "matched", "vaisakhi", "sikh")
    for line in range(8, 16):  # one row per day of Hanukkah, judged as the span they make
        is_(faith[line], "matched", "hanukkah", "jewish")
        assert "lines 8–15 joined into 2026-12-05 to 2026-12-12" in faith[line]["detail"]
    # The Christian day, not the bank holiday of the same name in an optional calendar.
    is_(faith[16], "matched", "christmas-day", "christian")

    is_(awareness[2], "matched", "lgbt-history-month", "awareness")
    is_(awareness[3], "matched", "holocaust-memorial-day", "awareness")
    is_(awareness[4], "dates differ", "international-womens-day", "awareness")
    assert awareness[4]["calendar_start"] == "2026-03-08"
    is_(awareness[5], "matched", "mental-health-awareness-week", "awareness-weeks")
    is_(awareness[6], "matched", "carers-week", "awareness-weeks")
    assert (awareness[6]["start"], awareness[6]["calendar_start"]) == ("", "2026-06-08")
    is_(awareness[7], "optional calendar", "dry-january", "health-campaigns")
    assert "[calendars] enabled in edicalendar.toml" in awareness[7]["detail"]
    # One name, two observances: told apart by date, and neither is a duplicate.
    is_(awareness[8], "optional calendar", "ghana-independence-day", "staff-heritage")
    is_(awareness[9], "optional calendar", "india-independence-day", "staff-heritage")
    is_(awareness[10], "new", "", "")
    is_(awareness[11], "duplicate", "", "")
    assert "line 10" in awareness[11]["detail"]
    is_(awareness[12], "duplicate", "holocaust-memorial-day", "awareness")

    out = result.out
    assert "Rows of old-calendar.xlsx against every edicalendar calendar" in out
    assert "25 rows: 16 matched, 2 dates differ, 3 optional calendar, 1 new, 3 duplicate" in out
    # The import itself adds only the one new observance; nothing shipped is duplicated.
    assert '+id = "staff-awards-ceremony"' in out
    assert out.count("+id = ") == 1
    assert not (trust_dir / "calendars" / "trust.toml").exists()


def test_switched_on_calendars_are_matched_not_optional(
    trust_dir: Path, run_cli: CliRunner
) -> None:
    """With health campaigns and staff heritage switched on in config, their rows match."""
    (trust_dir / "edicalendar.toml").write_text(
        '[calendars]\nenabled = ["health-campaigns", "staff-heritage"]\n'
    )
    result = run_cli(
        "import", "old-calendar.xlsx", "--calendar", "trust", "--dry-run", "--report", "rows.csv"
    )
    assert result.code == 0, result.err
    awareness = _by_line(_rows(trust_dir / "rows.csv"), "Awareness")
    assert [awareness[n]["outcome"] for n in (7, 8, 9)] == ["matched"] * 3
    assert "25 rows: 19 matched, 2 dates differ, 0 optional calendar, 1 new, 3 duplicate" in (
        result.out
    )


def test_unknown_calendar_in_config_is_an_error(trust_dir: Path, run_cli: CliRunner) -> None:
    (trust_dir / "edicalendar.toml").write_text('[calendars]\nenabled = ["health-campaign"]\n')
    result = run_cli("import", "old-calendar.xlsx", "--calendar", "trust", "--dry-run")
    assert result.code != 0
    assert "health-campaign" in result.err and "health-campaigns" in result.err


def test_report_folder_must_exist(trust_dir: Path, run_cli: CliRunner) -> None:
    result = run_cli(
        "import", "old-calendar.xlsx", "--calendar", "trust", "--report", "no/such/rows.csv"
    )
    assert result.code != 0
    assert "--report no/such/rows.csv" in result.err
    assert not (trust_dir / "calendars" / "trust.toml").exists()


def test_import_into_the_matching_calendar_records_once(
    trust_dir: Path, run_cli: CliRunner
) -> None:
    """Two spellings of one observance update it once; the written calendar still loads."""
    (trust_dir / "eid.csv").write_text(
        "Date,Event\n20/03/2026,Eid ul-Fitr\n20/03/2026,Eid al-Fitr (end of Ramadan)\n"
        "27/05/2026,Eid al Adha\n"
    )
    result = run_cli("import", "eid.csv", "--calendar", "islamic")
    assert result.code == 0, result.err
    catalog = load_catalog(trust_dir / "calendars")
    fitr = catalog.observances["eid-al-fitr"]
    assert fitr.years["2026"].start == D(2026, 3, 20)
    assert "eid-ul-fitr" not in catalog.observances and "eid-el-fitr" not in catalog.observances
    assert "the same day as line 2 ('Eid ul-Fitr') under another name" in result.err


def test_shared_name_is_split_by_date_when_importing() -> None:
    """ "Independence Day" on 6 March and 15 August are two observances, each agreeing."""
    catalog = load_catalog(SHIPPED)
    events = [
        SourceEvent("Independence Day", D(2026, 3, 6), D(2026, 3, 6), "s.csv", 2),
        SourceEvent("Independence Day", D(2026, 8, 15), D(2026, 8, 15), "s.csv", 3),
    ]
    plan = plan_import(events, catalog, "staff-heritage", "s.csv")
    assert {(c.observance_id, c.action) for c in plan.changes} == {
        ("ghana-independence-day", Action.UNCHANGED),
        ("india-independence-day", Action.UNCHANGED),
    }
    assert not plan.new


@pytest.mark.parametrize(
    ("written", "observance"),
    [
        ("Christmas Day", "christmas-day"),
        ("Good Friday", "good-friday"),
        ("Easter Monday", "bank-holiday-ew-easter-monday"),
        ("Eid-ul-Adha", "eid-al-adha"),
        ("Lailat ul Qadr", "laylat-al-qadr"),
        ("Bahá'í New Year", "bahai-naw-ruz"),
        ("Wesak", "vesak"),
        ("Pesach", "passover"),
        ("Pancake Day", "shrove-tuesday"),
        ("Rosh Hashana", "rosh-hashanah"),
        ("Navratri", "navaratri"),
        ("Start of Ramadan", "ramadan"),
        ("Ramadan begins", "ramadan-begins"),
        ("Chinese New Year", "lunar-new-year"),
        ("Independence Day - India", "india-independence-day"),
    ],
)
def test_names_trust_calendars_use(written: str, observance: str) -> None:
    """Spellings from real NHS calendars find the shipped observance, default calendars first."""
    catalog = load_catalog(SHIPPED)
    optional = [name for name, info in catalog.calendars.items() if info.optional]
    found, score = NameIndex(catalog.observances.values(), optional).matches(written)
    assert found and found[0].id == observance, [o.id for o in found]
    assert score == 1.0


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Eid ul-Fitr", "Eid al-Fitr"),
        ("Eid-el-Fitr", "Eid al Fitr"),
        ("Bahá'í", "Baha'i"),
        ("Ta'anit Esther", "Taanit Esther"),
        ("International Women’s Day", "International Women's Day"),
        ("Chanukah", "Hanukkah"),
        ("Baisakhi", "Vaisakhi"),
    ],
)
def test_transliterations_normalise_alike(left: str, right: str) -> None:
    assert normalise(left) == normalise(right)


def test_different_days_stay_different() -> None:
    """Folding spellings never joins two observances: Eid al-Fitr is not Eid al-Adha."""
    assert normalise("Eid ul-Fitr") != normalise("Eid ul-Adha")
    catalog = load_catalog(SHIPPED)
    index = NameIndex(catalog.observances.values())
    assert index.matches("Ramadan ends")[0] == []


def test_assess_without_files() -> None:
    """The pure function: a row before an observance began says when edicalendar starts it."""
    catalog = load_catalog(SHIPPED)
    began = next(o for o in catalog.observances.values() if o.since and o.since > 2001)
    assert began.since is not None
    day = D(began.since - 1, 1, 1)
    (report,) = assess([SourceEvent(began.name, day, day, "s", 2)], catalog)
    assert report.outcome is Outcome.DATES_DIFFER
    assert f"from {began.since} (the year it began)" in report.detail
