"""The calendar commands: `occurrences`, `upcoming` and `clashes`, and their usage errors.

Runs the real CLI in-process (and once as a subprocess) over the fixture calendars. Dates
asserted here are published ones: Easter 2024 (31 March), Purim 2024 (24 March), Ramadan 1445
starting 11 March 2024 and 1446 starting 1 March 2025 (Umm al-Qura), Yom Kippur 2024
(12 October, from the evening of the 11th).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.cli import CliResult, CliRunner
from support.paths import bare_env

#: JSON keys DESIGN 4.3 promises on every occurrence object.
CONTRACT_KEYS = {
    "observance",
    "name",
    "start",
    "end",
    "categories",
    "status",
    "begins_evening_before",
    "url",
    "description",
}

Run = Callable[[list[str]], CliResult]


@pytest.fixture
def cli(fixture_calendars: Path, make_config: Callable[[Path], Path], run_cli: CliRunner) -> Run:
    """Run the CLI against the fixture calendars."""
    return run_cli.with_config(make_config(fixture_calendars)).run


def _march_2024(cli: Run, *extra: str) -> Any:
    return cli(["occurrences", "--from", "2024-03-01", "--to", "2024-03-31", *extra])


def test_occurrences_json_has_the_contract_keys_and_published_dates(cli: Run) -> None:
    """JSON output lists each occurrence with the DESIGN 4.3 keys and the published dates."""
    result = _march_2024(cli, "--format", "json")
    assert (result.code, result.err) == (0, "")
    document = json.loads(result.out)
    assert all(set(item) >= CONTRACT_KEYS for item in document)
    starts = {item["observance"]: (item["start"], item["end"]) for item in document}
    assert starts["international-womens-day"] == ("2024-03-08", "2024-03-08")
    assert starts["purim"] == ("2024-03-24", "2024-03-24")
    assert starts["good-friday"] == ("2024-03-29", "2024-03-29")
    assert starts["easter-sunday"] == ("2024-03-31", "2024-03-31")
    assert starts["ramadan"][0] == "2024-03-11"
    ramadan = next(item for item in document if item["observance"] == "ramadan")
    assert ramadan["status"] == "estimated"
    assert ramadan["may_vary_days"] == 1
    assert ramadan["begins_evening_before"] is True
    assert ramadan["categories"] == ["religion_belief"]
    assert [item["start"] for item in document] == sorted(item["start"] for item in document)


def test_occurrences_csv_parses_with_a_header_row(cli: Run) -> None:
    """CSV output has a header of stable column names and one parsable row per occurrence."""
    result = _march_2024(cli, "--format", "csv")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert set(rows[0]) >= CONTRACT_KEYS
    by_id = {row["observance"]: row for row in rows}
    assert by_id["easter-sunday"]["start"] == "2024-03-31"
    assert by_id["ramadan"]["status"] == "estimated"
    assert by_id["ramadan"]["begins_evening_before"] == "yes"
    assert by_id["international-womens-day"]["begins_evening_before"] == ""
    assert len(rows) == len(json.loads(_march_2024(cli, "--format", "json").out))


def test_occurrences_table_shows_status_wording(cli: Run) -> None:
    """The table names each observance and says when a date is estimated or starts at sunset."""
    result = _march_2024(cli)
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "Observances 2024-03-01 to 2024-03-31" in text
    assert "Easter Sunday" in text
    # Ramadan 1445 (Umm al-Qura, 11 March 2024) is estimated to a day and begins at sunset.
    ramadan = next(line for line in result.out.splitlines() if "Ramadan" in line)
    assert "estimated ±1 day," in ramadan
    assert "begins the evening before" in text


def test_occurrences_filters_by_category_and_calendar(cli: Run) -> None:
    """--category and --calendar narrow the list to matching observances only."""
    by_category = json.loads(_march_2024(cli, "--category", "sex", "--format", "json").out)
    assert [item["observance"] for item in by_category] == ["international-womens-day"]
    by_calendar = json.loads(_march_2024(cli, "--calendar", "faith", "--format", "json").out)
    assert {item["observance"] for item in by_calendar} == {"ramadan", "purim"}
    # Spelt as in feed addresses or as in the data, any case: one category.
    faith = {"ramadan", "purim", "good-friday", "easter-sunday"}
    for spelling in ("religion-belief", "religion_belief", "Religion-Belief"):
        found = json.loads(_march_2024(cli, "--category", spelling, "--format", "json").out)
        assert {item["observance"] for item in found} == faith, spelling
    wrong = _march_2024(cli, "--category", "religion")
    assert wrong.code == 2 and "'religion' is not a category" in wrong.err


def test_occurrences_includes_spans_that_began_the_year_before(cli: Run) -> None:
    """A window starting 1 January includes the Twelve Days that began on 25 December."""
    result = cli(["occurrences", "--from", "2025-01-01", "--to", "2025-01-01", "-f", "json"])
    (item,) = [i for i in json.loads(result.out) if i["observance"] == "twelve-days-of-christmas"]
    assert (item["start"], item["end"], item["instance"]) == ("2024-12-25", "2025-01-05", "2024")


def test_upcoming_json_lists_what_starts_in_the_window(cli: Run) -> None:
    """`upcoming --from D --days N` gives the window and the observances overlapping it."""
    result = cli(["upcoming", "--from", "2024-03-01", "--days", "11", "--format", "json"])
    assert result.code == 0
    document = json.loads(result.out)
    assert (document["from"], document["to"]) == ("2024-03-01", "2024-03-11")
    ids = [item["observance"] for item in document["observances"]]
    assert ids == ["first-friday-coffee", "international-womens-day", "ramadan"]
    assert all(set(item) >= CONTRACT_KEYS for item in document["observances"])


def test_upcoming_table_says_how_far_ahead(cli: Run) -> None:
    """The upcoming table says "today" and "in 7 days" relative to --from."""
    result = cli(["upcoming", "--from", "2024-03-01", "--days", "8", "--category", "sex"])
    text = " ".join(result.out.split())
    assert result.code == 0
    assert "in 7 days" in text and "International Women's Day" in text
    assert "First Friday" not in text


def test_clashes_shows_a_festival_eve_and_a_fasting_day(cli: Run) -> None:
    """11 Oct 2024 is Yom Kippur's eve, 12 Oct the fast itself and the day of rest.

    The eve is not the rest day: work stops at sunset, so the eve says "from sunset" and the
    day itself says fasting and rest."""
    result = cli(["clashes", "2024-10-11", "--to", "2024-10-12", "--format", "json"])
    assert result.code == 0
    rows = json.loads(result.out)
    yom_kippur = [r for r in rows if r["observance"] == "yom-kippur"]
    assert [(r["date"], r["eve"], r["what"]) for r in yom_kippur] == [
        ("2024-10-11", True, "begins at sunset this evening"),
        ("2024-10-12", False, "on this day"),
    ]
    eve, day = yom_kippur
    assert (eve["fasting"], eve["rest_from_work"], eve["rest_from_sunset"]) == (False, False, True)
    assert (day["fasting"], day["rest_from_work"], day["rest_from_sunset"]) == (True, True, False)
    assert {r["label"] for r in yom_kippur} == {"confirmed"}
    first_on_each_day = {r["date"]: r["observance"] for r in reversed(rows)}
    assert first_on_each_day == {"2024-10-11": "yom-kippur", "2024-10-12": "yom-kippur"}


def test_clashes_in_ramadan_counts_the_day(cli: Run) -> None:
    """10 March 2025 is day 10 of Ramadan 1446 (which began 1 March), a fasting day."""
    result = cli(["clashes", "2025-03-10", "--format", "json"])
    (ramadan,) = [r for r in json.loads(result.out) if r["observance"] == "ramadan"]
    assert ramadan["what"] == "day 10 of 29"
    assert ramadan["fasting"] is True
    assert ramadan["status"] == "estimated"


def test_clashes_table_for_a_quiet_day(cli: Run) -> None:
    """A day with nothing on says so instead of printing an empty table."""
    result = cli(["clashes", "2025-08-12"])
    assert result.code == 0
    assert "nothing found" in result.out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["occurrences", "--to", "2024-03-31"], "Missing option '--from'"),
        (["occurrences", "--from", "2024-03-01", "--to", "2024-03-31", "-f", "yaml"], "yaml"),
        (
            ["occurrences", "--from", "2024-03-31", "--to", "2024-03-01"],
            "error: --to 2024-03-01 is before --from 2024-03-31",
        ),
        (
            ["occurrences", "--from", "2024-02-30", "--to", "2024-03-01"],
            "error: --from: '2024-02-30' is not a date; use YYYY-MM-DD",
        ),
        (
            ["occurrences", "--from", "2024-03-01", "--to", "31/03/2024"],
            "error: --to: '31/03/2024' is not a date; use YYYY-MM-DD",
        ),
        (
            ["occurrences", "--from", "2024-03-01", "--to", "2024-03-31", "--calendar", "nope"],
            "error: --calendar 'nope' is not a calendar; known: awareness, faith",
        ),
        (["occurrences", "--from", "2024-03-01", "--to", "2024-03-31", "-c", "lgbt"], "lgbt"),
        (["upcoming", "--days", "0"], "--days"),
        (["clashes", "2024-13-01"], "error: DATE: '2024-13-01' is not a date; use YYYY-MM-DD"),
        (["clashes", "2024-01-01", "--to", "2025-06-01"], "check at most 367 days at once"),
        (
            ["clashes", "2024-03-02", "--to", "2024-03-01"],
            "error: --to 2024-03-01 is before DATE 2024-03-02",
        ),
        (["no-such-command"], "No such command 'no-such-command'"),
    ],
)
def test_usage_errors_exit_2_with_a_message(cli: Run, argv: list[str], message: str) -> None:
    """Bad options, dates and commands exit 2 naming the problem, without a traceback."""
    result = cli(argv)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert "unexpected" not in result.err
    assert result.out == ""


def test_occurrences_as_a_subprocess(
    fixture_calendars: Path, make_config: Callable[[Path], Path]
) -> None:
    """`python -m edicalendar occurrences --format json` prints the same JSON and exits 0."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "edicalendar",
            "--config",
            str(make_config(fixture_calendars)),
            "occurrences",
            "--from",
            "2030-01-01",
            "--to",
            "2030-12-31",
            "--calendar",
            "faith",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=bare_env(),
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    ramadan = [i for i in json.loads(result.stdout) if i["observance"] == "ramadan"]
    assert [(i["instance"], i["start"]) for i in ramadan] == [
        ("2030", "2030-01-05"),
        ("2030-2", "2030-12-26"),
    ]
