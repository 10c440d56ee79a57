"""The shipped lunisolar table: it matches a fresh computation and is what the engine answers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import ephem
import pytest

from edicalendar.calendar.rules import lunisolar as lunisolar_engine
from edicalendar.calendar.rules.lunisolar import festivals as lunisolar
from edicalendar.calendar.rules.lunisolar import generate
from edicalendar.calendar.rules.lunisolar import table as lunisolar_data
from edicalendar.errors import RuleError
from edicalendar.model import LunisolarRule
from support.paths import REPO_ROOT, inherited_env


def test_shipped_table_matches_a_fresh_computation() -> None:
    """Every festival-year in the shipped table equals what the rules compute today."""
    shipped = json.loads(lunisolar_data.TABLE_PATH.read_text(encoding="utf-8"))
    fresh = json.loads(generate.render(dt.date(2000, 1, 1), {}))
    if lunisolar_data.data_part(shipped) != lunisolar_data.data_part(fresh):
        old = {(row[0], row[1]): row[2] for row in shipped["dates"]}
        changed = [row for row in fresh["dates"] if old.get((row[0], row[1])) != row[2]][:20]
        raise AssertionError(
            "src/edicalendar/calendar/rules/lunisolar/table.json is out of date; review, then run\n"
            "  PYTHONPATH=src python scripts/generate_lunisolar_table.py\n"
            f"festival facts equal: {shipped['festivals'] == fresh['festivals']}; "
            f"first changed rows: {changed}"
        )


def test_table_covers_every_festival_and_year_with_its_provenance() -> None:
    """One row per festival and supported year, under a header naming ephem and holidays."""
    shipped = json.loads(lunisolar_data.TABLE_PATH.read_text(encoding="utf-8"))
    first, last = lunisolar.SUPPORTED_YEARS
    assert shipped["years"] == [first, last]
    assert set(shipped["versions"]) == {"ephem", "holidays"}
    dt.date.fromisoformat(shipped["generated"])
    keys = [(row[0], row[1]) for row in shipped["dates"]]
    assert len(keys) == len(set(keys))
    assert set(keys) == {(n, y) for n in lunisolar.FESTIVALS for y in range(first, last + 1)}
    lines = lunisolar_data.TABLE_PATH.read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith('    ["') for line in lines) == len(keys)


def test_lookups_answer_from_the_table_without_astronomy() -> None:
    """A fresh process answers Diwali 2060 (outside the holidays tables) without ephem."""
    code = (
        "import sys\n"
        "from edicalendar.model import LunisolarRule\n"
        "from edicalendar.calendar.rules import lunisolar\n"
        "(d,) = lunisolar.dates(LunisolarRule('diwali'), 2060, None, 'diwali')\n"
        "print(d.start, d.method)\n"
        "assert 'ephem' not in sys.modules and 'holidays' not in sys.modules\n"
    )
    env = inherited_env()
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    # PyEphem's own new-moon finder: 24 October 2060 at 14:55 IST, before that day's sunset,
    # so the only evening inside Amavasya (the tithi ending at the new moon) is the 23rd.
    new_moon = ephem.Date(ephem.next_new_moon("2060/10/10")).datetime()
    india = new_moon + dt.timedelta(hours=5, minutes=30)
    assert (india.date(), india.hour) == (dt.date(2060, 10, 24), 14)
    assert result.stdout.split() == ["2060-10-23", "astronomical"]
    computed = lunisolar.astronomical_dates(lunisolar.FESTIVALS["diwali"], 2060)
    assert computed == (dt.date(2060, 10, 23),)
    (looked_up,) = lunisolar_engine.dates(LunisolarRule("diwali"), 2060, None, "diwali")
    assert (looked_up.start, looked_up.method) == (dt.date(2060, 10, 23), "astronomical")


def test_unreadable_table_is_a_rule_error_naming_the_file(tmp_path: Path) -> None:
    """A damaged table file is reported as a RuleError naming it and the generator."""
    broken = tmp_path / "lunisolar_table.json"
    broken.write_text('{"years": [1950, 2100], "dates": [', encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        lunisolar_data.load(broken)
    assert str(broken) in str(caught.value)
    assert "generate_lunisolar_table.py" in str(caught.value)


def test_generator_check_mode_reports_the_shipped_table_current() -> None:
    """`generate_lunisolar_table.py --check` exits 0 on the shipped table and writes nothing."""
    before = lunisolar_data.TABLE_PATH.read_bytes()
    env = inherited_env()
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "generate_lunisolar_table.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout
    assert lunisolar_data.TABLE_PATH.read_bytes() == before
