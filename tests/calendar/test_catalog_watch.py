"""The calendar a long-running process follows: reloaded on an edit, the last good one kept."""

from __future__ import annotations

import os
from pathlib import Path

from edicalendar.calendar.catalog_watch import CatalogWatch

DAY = """\
[[observance]]
id = "womens-day"
name = "International Women's Day"
categories = ["sex"]
rule = { kind = "fixed", month = 3, day = 8 }
description = "8 March."
sources = ["https://www.internationalwomensday.com/"]
"""
OPTIONAL = """\
[calendar]
title = "Optional"
optional = true

[[observance]]
id = "optional-day"
name = "An optional day"
categories = ["general_edi"]
rule = { kind = "fixed", month = 9, day = 1 }
description = "1 September."
sources = ["https://example.org/"]
"""


def _touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    # A later modification time even on file systems with coarse timestamps.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_an_edit_is_picked_up_and_a_bad_one_reported_and_ignored(tmp_path: Path) -> None:
    (tmp_path / "edi.toml").write_text(DAY, encoding="utf-8")
    reports: list[str] = []
    watch = CatalogWatch(tmp_path, report=reports.append)
    first = watch()
    assert list(first.observances) == ["womens-day"]
    assert watch() is first  # unchanged files: no reload
    _touch(tmp_path / "edi.toml", DAY.replace("International Women's Day", "IWD"))
    assert watch().observances["womens-day"].name == "IWD"
    _touch(tmp_path / "edi.toml", DAY.replace('"sex"', '"no-such-category"'))
    kept = watch()
    assert kept.observances["womens-day"].name == "IWD"
    (report,) = reports
    assert report.startswith("calendar edit not used (the last good calendar stays)")
    assert "edi.toml" in report
    watch()
    assert len(reports) == 1  # said once, not on every call


def test_optional_calendars_stay_off_unless_enabled(tmp_path: Path) -> None:
    (tmp_path / "edi.toml").write_text(DAY, encoding="utf-8")
    (tmp_path / "optional.toml").write_text(OPTIONAL, encoding="utf-8")
    assert list(CatalogWatch(tmp_path)().observances) == ["womens-day"]
    on = CatalogWatch(tmp_path, enabled=["optional"])()
    assert sorted(on.observances) == ["optional-day", "womens-day"]
