"""Start-up stays quick because commands import only what they use.

Wall time depends on the machine (the benchmark records it); which modules load does not, so
these pin the cause: a fresh interpreter running `--help` must not import pydantic, rich, the
date libraries, the database or the web stack, and a command that only reads must not import
the database layer (SQLAlchemy), the web stack or the HTTP client.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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


#: Commands that only read, as a person runs them on the shipped data.
READ_ONLY = [
    ["--version"],
    ["check"],
    ["calendars"],
    ["occurrences", "--from", "2027-01-01", "--to", "2027-12-31"],
    ["occurrences", "--from", "2027-01-01", "--to", "2027-12-31", "-f", "json"],
    ["occurrences", "--from", "2027-01-01", "--to", "2027-12-31", "-f", "csv"],
    ["upcoming"],
    ["upcoming", "-f", "json"],
    ["upcoming", "-f", "csv"],
    ["clashes", "2027-03-10"],
    ["clashes", "2027-03-10", "-f", "json"],
    ["clashes", "2027-03-10", "-f", "csv"],
    ["campaigns"],
    ["campaigns", "-f", "csv"],
    ["campaign", "show", "black-history-month"],
    ["dates", "due"],
    ["ledger"],
    ["ledger", "-f", "json"],
    ["freeze", "list"],
    ["freeze", "list", "--all", "-f", "csv"],
    ["health"],
    ["health", "-f", "json"],
]
#: What only the database's full open, the web server or the webhook channels need.
SERVER_SIDE = ("sqlalchemy", "fastapi", "uvicorn", "starlette", "requests", "psycopg")

COMMAND_PROBE = """
import json, sys
from edicalendar.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def _probe(argv: list[str], env: dict[str, str]) -> tuple[dict[str, object], str]:
    result = subprocess.run(
        [sys.executable, "-c", COMMAND_PROBE, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose per-user SQLite database holds a task marked done (the usual
    state once a team uses edicalendar), written by the command line itself."""
    env = {**bare_env(), "XDG_DATA_HOME": str(tmp_path_factory.mktemp("user-data"))}
    done = ["campaign", "done", "black-history-month", "draft-blog", "--by", "Asha"]
    report, _ = _probe(done, env)
    assert report["code"] == 0
    return env


@pytest.mark.parametrize("argv", READ_ONLY, ids=" ".join)
def test_read_only_commands_leave_the_database_and_web_stack_unloaded(
    argv: list[str], recorded: dict[str, str], tmp_path: Path
) -> None:
    """With no database yet, and with an SQLite database holding progress, a command that only
    reads never imports SQLAlchemy, the web server or the HTTP client: those are most of what
    such a command used to spend starting up (docs/performance.md, "Command-line start-up")."""
    fresh = {**bare_env(), "XDG_DATA_HOME": str(tmp_path / "user-data")}
    for env in (fresh, recorded):
        report, _ = _probe(argv, env)
        # `health` exits 3 here: no reminder tick has run on either ledger.
        assert report["code"] == (3 if argv[0] == "health" else 0)
        modules = report["modules"]
        assert isinstance(modules, list)
        assert [m for m in SERVER_SIDE if m in modules] == []
    assert not (tmp_path / "user-data").exists()


def test_progress_read_without_sqlalchemy_is_the_progress_recorded(
    recorded: dict[str, str],
) -> None:
    """The standard-library reader sees what the full open wrote: the task marked done is
    shown done, by whom, in `campaign show`."""
    report, out = _probe(["campaign", "show", "black-history-month", "--year", "2026"], recorded)
    assert report["code"] == 0
    assert "sqlalchemy" not in report["modules"]
    line = next(x for x in out.splitlines() if " draft-blog: " in x)
    assert line.lstrip().startswith("[x]") and "done by Asha" in line


REGISTERED = """
import json, sys
import typer
from edicalendar.cli.main import _command_modules, _register_commands
from edicalendar.cli.root import app
_register_commands(_command_modules(sys.argv[1:]))
click_app = typer.main.get_command(app)
print(json.dumps(click_app.list_commands(None)))
"""


def _registered(argv: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", REGISTERED, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=bare_env(),
        check=True,
    )
    names = json.loads(result.stdout.strip().splitlines()[-1])
    assert isinstance(names, list)
    return names


def test_each_command_is_registered_by_the_module_it_is_looked_up_in() -> None:
    """A command imports only its own module: the table of which module registers which
    command lists every command, in the order `--help` shows them, and each module registers
    the commands the table gives it."""
    from edicalendar.cli.main import COMMAND_MODULES, MODULES

    assert _registered(["--help"]) == list(COMMAND_MODULES)
    assert set(COMMAND_MODULES.values()) == set(MODULES)
    for module in MODULES:
        names = [name for name, owner in COMMAND_MODULES.items() if owner == module]
        found = _registered([names[0]])
        assert set(names) <= set(found), module
    # Root options before the command are skipped; --version needs no command at all.
    assert _registered(["--config", "x.toml", "serve"]) == ["serve"]
    assert _registered(["--version"]) == []
