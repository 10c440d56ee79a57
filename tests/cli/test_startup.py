"""`edicalendar --help` stays fast because it imports none of the heavy libraries.

Wall time depends on the machine (the benchmark records it); which modules load does not, so
this pins the cause: a fresh interpreter running `--help` must not import pydantic, rich, the
date libraries, the database or the web stack.
"""

from __future__ import annotations

import json
import subprocess
import sys

from support.paths import bare_env

HEAVY = (
    "pydantic",
    "rich",
    "sqlalchemy",
    "hijridate",
    "pyluach",
    "dateutil",
    "holidays",
    "ephem",
    "fastapi",
    "icalendar",
    "requests",
    "jinja2",
    "apscheduler",
)

PROBE = """
import json, sys
from edicalendar.cli import main
code = main(["--help"])
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_help_imports_no_heavy_modules() -> None:
    """`--help` exits 0 and leaves pydantic, rich, date, database and web libraries unloaded."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        env=bare_env(),
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert "occurrences" in result.stdout  # the help text lists the commands
    assert [m for m in HEAVY if m in report["modules"]] == []
