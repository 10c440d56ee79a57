"""A working copy of the small web test site (tests/web/data) for tests in any area.

:func:`copy_site` copies its calendars and campaigns into a folder and writes an
`edicalendar.toml` beside them pointing at them (and at `state/` for the database), with any
extra settings appended. Tests that need their own process, module-wide server or working
directory use it; the web tests' `web_env` fixture is the per-test equivalent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from support.paths import TESTS

SITE_DATA = TESTS / "web" / "data"


def copy_site(root: Path, extra: str = "") -> Path:
    """Copy the test site into `root`; the path of its edicalendar.toml."""
    shutil.copytree(SITE_DATA / "calendars", root / "calendars")
    shutil.copytree(SITE_DATA / "campaigns", root / "campaigns")
    config = root / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n'
        + extra,
        encoding="utf-8",
    )
    return config
