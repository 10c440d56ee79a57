"""No option value makes a command fail with an unexpected error (exit 3, "unexpected ...").

Every date, number and URL option gets values at and past the ends of what it holds: the first
and last days Python represents (`clashes 9999-12-31` once overflowed), a port of 99999 (in an
option, a setting or an import URL), broken IPv6 literals. Each must end in a deliberate answer:
exit 0, or 1 (bad data) or 2 (bad usage) with a message naming the option.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import CliRunner
from support.sites import copy_site

DATES = ["0001-01-01", "1582-12-31", "1583-01-01", "4099-12-31", "4100-01-01", "9999-12-31",
         "2026-02-30", "26-1-1", ""]  # fmt: skip
COMMANDS: list[list[str]] = [
    *(["clashes", d] for d in DATES),
    *(["clashes", "2026-03-01", "--to", d] for d in DATES),
    *(["occurrences", "--from", d, "--to", "2026-12-31"] for d in DATES),
    *(["occurrences", "--from", "2026-01-01", "--to", d] for d in DATES),
    *(["upcoming", "--from", d, "--days", "3660"] for d in DATES),
    *(["feed", "--from", d, "--to", "4099-12-31", "-o", "out.ics"] for d in DATES),
    *(["remind", "--dry-run", "--at", f"{d}T09:00"] for d in DATES),
    ["upcoming", "--days", "99999999999999999999"],
    ["campaigns", "--year", "99999"],
    ["campaign", "show", "iwd-guest-session", "--year", "0"],
    ["serve", "--port", "99999"],
    ["serve", "--port", "-1"],
    ["ledger", "--limit", "99999999999999999999999"],
    ["import", "http://example.org:99999/x.ics", "--calendar", "local"],
    ["import", "http://[::1/x.ics", "--calendar", "local"],
    ["import", "http://[::1]:99999/x.ics", "--calendar", "local"],
    ["import", "https://user@:0/x.ics", "--calendar", "local"],
    ["import", "x.ics", "--calendar", "local\n"],
    ["import", "x.ics", "--calendar", "../local"],
    ["import", "x.ics", "--calendar", "local", "--year", "99999"],
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_site(tmp_path)
    (tmp_path / "edicalendar.toml").unlink()  # the defaults: ./calendars and ./campaigns
    (tmp_path / "x.ics").write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EDICALENDAR_BASE_URL", raising=False)
    return tmp_path


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c).replace("\n", "\\n") for c in COMMANDS])
def test_edge_values_get_a_deliberate_answer(
    argv: list[str], workdir: Path, run_cli: CliRunner
) -> None:
    result = run_cli(*argv)
    assert result.code in (0, 1, 2), (result.code, result.err[-400:])
    assert "unexpected" not in result.err
    assert "Traceback" not in result.err
    assert sorted(p.name for p in (workdir / "calendars").iterdir()) == ["test-days.toml"]


def test_a_port_out_of_range_in_settings_is_a_problem_line(
    workdir: Path, run_cli: CliRunner
) -> None:
    (workdir / "edicalendar.toml").write_text(
        '[feeds]\nbase_url = "https://calendar.example.nhs.uk:99999"\n[web]\nport = 99999\n',
        encoding="utf-8",
    )
    result = run_cli("check")
    assert result.code == 1
    assert (
        "edicalendar.toml:2: feeds.base_url: 'https://calendar.example.nhs.uk:99999' is not a "
        in (result.err)
    )
    assert "edicalendar.toml:4: web.port: Input should be less than or equal to 65535" in result.err
