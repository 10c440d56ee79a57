"""Catalog validation: each kind of bad calendar file gives `path:line: id: field: message`.

Each folder under `data/bad/` holds one mistake. `edicalendar check` must list it in that
exact shape on standard error and exit 1, in-process and as a real subprocess, with no
traceback. Years a rule cannot compute raise `UnsupportedYearError` naming the observance and
the supported range; a window crossing that limit yields the rest plus a warning.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from edicalendar.calendar.catalog import load_catalog
from edicalendar.calendar.occurrences import expand_observances, occurrences_in_year
from edicalendar.errors import CatalogError, UnsupportedYearError
from edicalendar.model import HijriRule, Observance
from support.cli import CliRunner
from support.paths import bare_env

#: case folder -> the exact problem line `check` prints, run from the folder holding the
#: copied `calendars/` (paths are shown relative to the working directory).
EXPECTED = {
    "unknown-key": (
        "awareness.toml:8: international-womens-day: colour: "
        "unknown key; check the spelling against docs/calendar-format.md"
    ),
    "impossible-date": (
        "awareness.toml:13: thirtieth-of-february: rule: 30 February does not exist in any year"
    ),
    "override-backwards": (
        "awareness.toml:11: mental-health-awareness-week: years.2025: "
        "end 2025-05-12 is before start 2025-05-18"
    ),
    "duplicate-id": (
        "heritage.toml:11: black-history-month: id: duplicate id; already defined at "
        "calendars/awareness.toml:1"
    ),
    "unknown-category": (
        "awareness.toml:4: pride-month: categories: unknown category 'lgbt'; use one of: age, "
        "disability, gender_reassignment, marriage_civil_partnership, pregnancy_maternity, race, "
        "religion_belief, sex, sexual_orientation, health_wellbeing, general_edi"
    ),
    "missing-sources": (
        "awareness.toml:1: international-day-of-older-persons: sources: required field is missing"
    ),
    "malformed-toml": "awareness.toml:3: malformed TOML: Illegal character '\\n' (column 34)",
    "not-utf8": "awareness.toml:4: not valid UTF-8; save the file as UTF-8",
}
PROBLEM_SHAPE = re.compile(r"^(?P<path>[^:]+\.toml):(?P<line>\d+): (?P<rest>.+)$")


@pytest.fixture(params=sorted(EXPECTED))
def bad_case(
    request: pytest.FixtureRequest,
    core_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[str, Path]:
    """One bad case copied to tmp_path/calendars, with tmp_path as the working directory."""
    folder = tmp_path / "calendars"
    shutil.copytree(core_data / "bad" / request.param, folder)
    monkeypatch.chdir(tmp_path)
    return request.param, folder


def test_check_reports_each_bad_input_exactly(
    bad_case: tuple[str, Path],
    make_config: Callable[[Path], Path],
    run_cli: CliRunner,
) -> None:
    """`check` prints the problem as path:line: id: field: message and exits 1."""
    name, folder = bad_case
    result = run_cli.run(["--config", str(make_config(folder)), "check"])
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] == "calendars/" + EXPECTED[name]
    assert lines[-1] == "1 problem found"
    assert PROBLEM_SHAPE.match(lines[0])
    assert "Traceback" not in result.err
    assert result.out == ""


def test_every_problem_in_every_file_is_listed_at_once(
    core_data: Path, calendar_folder: Callable[..., Path]
) -> None:
    """Problems from several files come back together, in file order, each located."""
    folder = calendar_folder(
        copy=(
            "bad/unknown-key/awareness.toml",
            "bad/unknown-category/awareness.toml",
        )
    )
    (folder / "awareness.toml").rename(folder / "b.toml")
    (folder / "a.toml").write_text(
        (core_data / "bad/impossible-date/awareness.toml").read_text(), encoding="utf-8"
    )
    (folder / "c.toml").write_text(
        (core_data / "bad/unknown-key/awareness.toml")
        .read_text()
        .replace("international-womens-day", "womens-day-copy"),
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder, display_root=folder)
    shown = [str(p) for p in caught.value.problems]
    assert [s.split(":")[0] for s in shown] == ["a.toml", "b.toml", "c.toml"]
    assert shown[0].startswith("a.toml:13: thirtieth-of-february: rule: ")
    assert shown[1].startswith("b.toml:4: pride-month: categories: ")
    assert shown[2].startswith("c.toml:8: womens-day-copy: colour: ")


def test_rule_key_problems_name_the_rule_field(calendar_folder: Callable[..., Path]) -> None:
    """A misspelt key inside a rule, a bad weekday and an empty sources list are each located."""
    text = (
        '[[observance]]\nid = "a"\nname = "A"\ncategories = ["age"]\n'
        'rule = { kind = "nth_weekday", month = 5, weekday = "monday", nth = 2 }\n'
        'description = "d"\nsources = []\n\n'
        '[[observance]]\nid = "b"\nname = "B"\ncategories = ["age"]\n'
        'description = "d"\nsources = ["s"]\n'
        '[observance.rule]\nkind = "fixed"\nmonth = 3\ndya = 8\n'
    )
    folder = calendar_folder({"x.toml": text})
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder, display_root=folder)
    shown = sorted(str(p) for p in caught.value.problems)
    assert (
        "x.toml:5: a: rule.weekday: unknown weekday 'monday'; use one of: "
        "mon, tue, wed, thu, fri, sat, sun"
    ) in shown
    assert "x.toml:7: a: sources: List should have at least 1 item after validation, not 0" in shown
    assert (
        "x.toml:18: b: rule.dya: unknown key; check the spelling against docs/calendar-format.md"
        in shown
    )
    assert "x.toml:15: b: rule.day: required field is missing" in shown


def test_check_as_a_subprocess_exits_1_without_a_traceback(
    core_data: Path, tmp_path: Path, make_config: Callable[[Path], Path]
) -> None:
    """`python -m edicalendar check` on a bad calendar prints file:line and exits 1."""
    folder = tmp_path / "calendars"
    shutil.copytree(core_data / "bad" / "duplicate-id", folder)
    result = subprocess.run(
        [sys.executable, "-m", "edicalendar", "--config", str(make_config(folder)), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=bare_env(),
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "calendars/heritage.toml:11: black-history-month: id: duplicate id; "
        "already defined at calendars/awareness.toml:1",
        "1 problem found",
    ]
    assert result.stdout == ""


def test_check_passes_on_the_fixture_calendars(
    fixture_calendars: Path,
    make_config: Callable[[Path], Path],
    run_cli: CliRunner,
) -> None:
    """A valid folder checks clean: exit 0, a one-line count and where the data came from."""
    result = run_cli.run(["--config", str(make_config(fixture_calendars)), "check"])
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("ok: 20 observances, 2 calendars")
    assert result.out.count("\n") == 2
    assert result.out.splitlines()[1].startswith(f"using calendars from {fixture_calendars}")


# --- years a rule cannot compute -----------------------------------------------------------


def _eid() -> Observance:
    return Observance(
        id="eid-al-fitr",
        name="Eid al-Fitr",
        categories=(),
        rule=HijriRule(10, 1),
        description="",
        url=None,
        sources=("https://www.ummulqura.org.sa/",),
        calendar="faith",
    )


def test_unsupported_year_names_the_observance_and_range() -> None:
    """Beyond the Umm al-Qura table the error names the observance, the year and the range."""
    with pytest.raises(UnsupportedYearError) as caught:
        occurrences_in_year(_eid(), 2077)
    assert str(caught.value) == (
        "eid-al-fitr: cannot compute 2077; supported years are 1925-2076 (Umm al-Qura table)"
    )
    assert (caught.value.observance, caught.value.first, caught.value.last) == (
        "eid-al-fitr",
        1925,
        2076,
    )


def test_window_crossing_the_limit_yields_the_rest_and_a_warning() -> None:
    """A 2075-2078 window gives Eid for 2075 and 2076 and warns once, naming the years."""
    expansion = expand_observances([_eid()], dt.date(2075, 1, 1), dt.date(2078, 12, 31))
    assert [o.year for o in expansion.occurrences] == [2075, 2076]
    assert expansion.warnings == [
        "eid-al-fitr: cannot compute 2077-2078; supported years are 1925-2076 (Umm al-Qura table)",
    ]


def test_cli_warns_about_unsupported_years_on_stderr(
    fixture_calendars: Path,
    make_config: Callable[[Path], Path],
    run_cli: CliRunner,
) -> None:
    """`occurrences` past 2076 prints the computable dates and a warning, and exits 0."""
    config = str(make_config(fixture_calendars))
    result = run_cli.run(
        [
            "--config",
            config,
            "occurrences",
            "--from",
            "2076-01-01",
            "--to",
            "2077-12-31",
            "--calendar",
            "faith",
            "--format",
            "csv",
        ]
    )
    assert result.code == 0
    assert "warning: ramadan: cannot compute 2077; supported years are 1925-2076" in result.err
    assert "ramadan,Ramadan,2076-08-01," in result.out
    assert ",2077-" in result.out  # Hebrew dates still come
