"""Shared fixtures for the calendar tests: fixture calendars, test configs, the snapshot script.

The fixture calendars under `data/calendars/` exercise every rule kind; `data/bad/` holds one
broken calendar per validation error; `data/lunisolar/` and `data/*.csv` transcribe published
dates with their sources. (`run_cli`, the in-process CLI, is in tests/conftest.py.)
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from edicalendar.calendar.catalog import Catalog, load_catalog
from support.paths import REPO_ROOT

CORE_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def core_data() -> Path:
    """The folder of fixture calendars and transcribed reference tables."""
    return CORE_DATA


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def fixture_calendars() -> Path:
    return CORE_DATA / "calendars"


@pytest.fixture(scope="session")
def fixture_catalog(fixture_calendars: Path) -> Catalog:
    return load_catalog(fixture_calendars)


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[[Path], Path]:
    """Write a config file whose calendars folder is the given one; return its path."""

    def make(calendars_dir: Path) -> Path:
        campaigns = tmp_path / "campaigns"
        campaigns.mkdir(exist_ok=True)
        config = tmp_path / "edicalendar.toml"
        config.write_text(
            "[data]\n"
            f"calendars_dir = '{calendars_dir.as_posix()}'\n"
            f"campaigns_dir = '{campaigns.as_posix()}'\n"
            f"data_dir = '{(tmp_path / 'data').as_posix()}'\n",
            encoding="utf-8",
        )
        return config

    return make


@pytest.fixture
def calendar_folder(tmp_path: Path) -> Callable[..., Path]:
    """Build a calendars folder in tmp_path from (file name -> text) or copied fixture files."""

    def build(files: dict[str, str | bytes] | None = None, copy: tuple[str, ...] = ()) -> Path:
        folder = tmp_path / "calendars"
        folder.mkdir(exist_ok=True)
        for name in copy:
            shutil.copy(CORE_DATA / name, folder / Path(name).name)
        for name, content in (files or {}).items():
            target = folder / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return folder

    return build


@pytest.fixture(scope="session")
def snapshots() -> ModuleType:
    """The snapshot generator script, loaded as a module."""
    path = REPO_ROOT / "scripts" / "generate_snapshots.py"
    spec = importlib.util.spec_from_file_location("generate_snapshots", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def shipped_catalog() -> Catalog:
    """The calendars shipped in `calendars/`."""
    return load_catalog(REPO_ROOT / "calendars")
