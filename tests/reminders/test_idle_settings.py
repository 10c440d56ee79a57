"""The idle tick answered from its record, without loading the settings, and only while they
cannot have changed.

Each case runs `python -m edicalendar remind` as cron does, in a fresh interpreter with
`-X importtime`, so the modules it imported tell which way the tick went: answered from the
record (neither pydantic nor `edicalendar.config` imported), from the loaded settings, or in
full (the reminder dispatcher built). A full tick first; then one thing the settings are
made from changes (the settings file, an environment variable, the working folder, the data
files, the database...); the next tick must run in full, and the one after is idle again.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from edicalendar.reminders.idle import IDLE_SUMMARY, STAMP_NAME
from support.paths import bare_env

DATA = Path(__file__).parent / "data"
#: Imported by a tick that loaded the settings; by one that built the reminder bot.
SETTINGS_MODULES = ("pydantic", "edicalendar.config")
FULL_MODULE = "edicalendar.reminders.dispatch"


@dataclass
class Tick:
    """One `python -m edicalendar remind` run: its exit code, output and imported modules."""

    code: int
    out: str
    err: str
    modules: set[str]

    @property
    def way(self) -> str:
        """ "record" (settings never loaded), "settings" (loaded, then idle) or "full"."""
        if FULL_MODULE in self.modules:
            return "full"
        if any(m in self.modules for m in SETTINGS_MODULES):
            return "settings"
        return "record"


@dataclass
class Site:
    """An installation: a working folder with calendars and campaigns, its environment, and
    the `--config` words cron passes (none: the settings are found as a person's are)."""

    cwd: Path
    env: dict[str, str]
    words: list[str] = field(default_factory=list)

    def tick(self) -> Tick:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "edicalendar", *self.words, "remind"],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        modules, errors = set(), []
        for line in done.stderr.splitlines():
            if line.startswith("import time:"):
                modules.add(line.rpartition("|")[2].strip())
            else:
                errors.append(line)
        return Tick(done.returncode, done.stdout, "\n".join(errors), modules)

    def database(self) -> Path:
        return Path(self.env["XDG_DATA_HOME"]) / "edicalendar" / "edicalendar.db"


def _site(root: Path, config: str | None = None, words: list[str] | None = None) -> Site:
    (root / "calendars").mkdir(parents=True)
    for path in (DATA / "calendars").glob("*.toml"):
        shutil.copy(path, root / "calendars" / path.name)
    (root / "campaigns").mkdir()
    if config is not None:
        (root / "edicalendar.toml").write_text(config, encoding="utf-8")
    env = {**bare_env(), "HOME": str(root / "home"), "XDG_DATA_HOME": str(root / "user-data")}
    return Site(root, env, words or [])


#: A settings file naming a secret's variable and a data folder of its own.
CONFIG = '[data]\ndata_dir = "state"\n\n[web]\ntoken_env = "SITE_TOKEN"\n'


def _idle(tick: Tick) -> None:
    assert (tick.code, tick.out, tick.err) == (0, IDLE_SUMMARY + "\n", "")


@pytest.mark.parametrize(
    "words",
    [[], ["--config", "edicalendar.toml"], ["--config=edicalendar.toml"], ["--config", "ABS"]],
    ids=["found in the working folder", "--config FILE", "--config=FILE", "--config /abs/FILE"],
)
def test_an_idle_tick_loads_no_settings(tmp_path: Path, words: list[str]) -> None:
    """After a full tick, cron's next ticks print the empty tick's line (and nothing else)
    without importing pydantic or the settings, however the settings file is given."""
    site = _site(
        tmp_path, CONFIG, [w.replace("ABS", str(tmp_path / "edicalendar.toml")) for w in words]
    )
    first = site.tick()
    assert (first.code, first.out, first.way) == (0, IDLE_SUMMARY + "\n", "full")
    for _ in range(2):
        tick = site.tick()
        _idle(tick)
        assert tick.way == "record"
        assert [m for m in SETTINGS_MODULES if m in tick.modules] == []
    assert (tmp_path / "state" / STAMP_NAME).is_file()


def test_the_idle_line_is_the_same_whichever_way_the_tick_went(tmp_path: Path) -> None:
    """The line an idle tick answered from the record prints is byte for byte the one it
    prints once it has loaded the settings (a record from before it kept them), and the
    empty full tick's."""
    site = _site(tmp_path)
    full = site.tick()
    stamp = site.database().with_name(STAMP_NAME)
    recorded = json.loads(stamp.read_text(encoding="utf-8"))
    from_record = site.tick()
    del recorded["settings"]
    stamp.write_text(json.dumps(recorded), encoding="utf-8")
    from_settings = site.tick()
    assert (full.way, from_record.way, from_settings.way) == ("full", "record", "settings")
    assert full.out == from_record.out == from_settings.out == IDLE_SUMMARY + "\n"
    assert from_record.err == from_settings.err == ""


def _edit(path: Path, text: str = "\n# edited\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace_database(site: Site) -> None:
    database = site.database()
    database.unlink()
    sqlite3.connect(database).close()


def _another_folder(site: Site) -> None:
    other = site.cwd / "elsewhere"
    shutil.copytree(site.cwd / "calendars", other / "calendars")
    (other / "campaigns").mkdir()
    site.cwd = other


def _drop_xdg(site: Site) -> None:
    del site.env["XDG_DATA_HOME"]


#: name -> (settings file or None, the change, what the next tick must do).
CHANGES: dict[str, tuple[str | None, Callable[[Site], None]]] = {
    "settings file edited": (CONFIG, lambda s: _edit(s.cwd / "edicalendar.toml")),
    "settings file appears in the working folder": (
        None,
        lambda s: (s.cwd / "edicalendar.toml").write_text("[reminders]\nlookahead_hours = 40\n"),
    ),
    "settings file removed": (CONFIG, lambda s: (s.cwd / "edicalendar.toml").unlink()),
    "secret the settings name changes": (CONFIG, lambda s: s.env.update(SITE_TOKEN="new")),
    "EDICALENDAR_DATA_DIR set": (None, lambda s: s.env.update(EDICALENDAR_DATA_DIR="moved")),
    "EDICALENDAR_DATABASE_URL set": (
        CONFIG,
        lambda s: s.env.update(EDICALENDAR_DATABASE_URL=f"sqlite:///{s.cwd / 'other.db'}"),
    ),
    "EDICALENDAR_BASE_URL set": (
        None,
        lambda s: s.env.update(EDICALENDAR_BASE_URL="https://calendar.example.nhs.uk"),
    ),
    "a new EDICALENDAR_ variable": (None, lambda s: s.env.update(EDICALENDAR_ANYTHING="1")),
    "XDG_DATA_HOME moved": (None, lambda s: s.env.update(XDG_DATA_HOME=str(s.cwd / "xdg2"))),
    "XDG_DATA_HOME unset": (None, _drop_xdg),
    "./edicalendar-data appears": (None, lambda s: (s.cwd / "edicalendar-data").mkdir()),
    "./calendars removed (the shipped ones apply)": (
        None,
        lambda s: shutil.rmtree(s.cwd / "calendars"),
    ),
    "run from another working folder": (None, _another_folder),
    "calendar file edited": (None, lambda s: _edit(next((s.cwd / "calendars").glob("*.toml")))),
    "campaign file added": (
        None,
        lambda s: (s.cwd / "campaigns" / "new.toml").write_text(
            '[[campaign]]\nid = "new"\ntitle = "New"\nobservance = "holocaust-memorial-day"\n'
            "years = [2021]\n"
        ),
    ),
    "record deleted": (None, lambda s: s.database().with_name(STAMP_NAME).unlink()),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_to_what_the_settings_are_made_of_runs_in_full(tmp_path: Path, name: str) -> None:
    """Every change that can alter the settings, where the database is, or what the plan is
    made from makes the next tick run in full; the tick after is answered from the new
    record again."""
    config, change = CHANGES[name]
    site = _site(tmp_path, config)
    assert site.tick().way == "full"
    assert site.tick().way == "record"
    change(site)
    after = site.tick()
    assert (after.code, after.err, after.way) == (0, "", "full"), after.err
    again = site.tick()
    _idle(again)
    assert again.way == "record"


def test_a_removed_logo_file_is_found_at_the_next_tick(tmp_path: Path) -> None:
    """A logo file the settings name is checked when they load; while the record is trusted
    its presence is checked instead, so removing it stops the bot with the settings error."""
    site = _site(tmp_path, '[site]\nlogo = "logo.svg"\n')
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert site.tick().way == "full"
    assert site.tick().way == "record"
    (tmp_path / "logo.svg").unlink()
    after = site.tick()
    assert after.code == 1 and "site.logo" in after.err and after.out == ""


def test_a_replaced_database_is_refused_at_the_next_tick(tmp_path: Path) -> None:
    """A database that is no longer the ledger its marker names (replaced, restored from an
    old copy) is never answered from the record: the full tick refuses it."""
    site = _site(tmp_path)
    assert site.tick().way == "full"
    assert site.tick().way == "record"
    _replace_database(site)
    after = site.tick()
    assert after.way != "record" and after.out == ""
    assert after.code == 3 and "nothing was sent" in after.err


def test_a_new_package_version_loads_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record names the package version: another release never trusts it."""
    import edicalendar
    from edicalendar.reminders import idle

    site = _site(tmp_path)
    assert site.tick().way == "full"
    monkeypatch.chdir(site.cwd)
    for name in set(os.environ) - set(site.env):
        monkeypatch.delenv(name)
    for name, value in site.env.items():
        monkeypatch.setenv(name, value)
    assert idle.recorded_check(None) is not None
    monkeypatch.setattr(edicalendar, "__version__", "999.0")
    assert idle.recorded_check(None) is None
