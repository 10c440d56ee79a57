"""Where things are in this checkout, for tests that start subprocesses or read shipped files."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SRC = REPO_ROOT / "src"
TESTS = REPO_ROOT / "tests"
#: Installed by `npm ci --prefix tests/js` (scripts/test.sh): ical.js and axe-core.
NODE_MODULES = TESTS / "js" / "node_modules"


def bare_env() -> dict[str, str]:
    """A minimal environment that runs this checkout's package and nothing from the caller's
    (but the test run's own cache folder and the test's own per-user data folder, see
    conftest.py, so no test writes to the home folder)."""
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}
    if "EDICALENDAR_CACHE_DIR" in os.environ:
        env["EDICALENDAR_CACHE_DIR"] = os.environ["EDICALENDAR_CACHE_DIR"]
    if os.environ.get("XDG_DATA_HOME"):
        env["XDG_DATA_HOME"] = os.environ["XDG_DATA_HOME"]
    return env


def inherited_env(**extra: str) -> dict[str, str]:
    """The caller's environment, running this checkout's package, with `extra` variables set."""
    return {**os.environ, "PYTHONPATH": str(SRC), **extra}
