"""Fixtures for the web tests: a copy of the small test calendar, settings pointing at it and at
a fresh SQLite file, a fixed clock, and the app built from them."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from edicalendar.context import AppContext
from edicalendar.web import create_app
from support.clock import Clock

DATA = Path(__file__).parent / "data"
#: Thursday 5 March 2026, mid-morning in London.
NOW = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)
TOKEN = "test-token-0123456789abcdef"


@dataclass
class WebEnv:
    root: Path
    config: Path
    calendars: Path
    campaigns: Path

    def context(self, now: dt.datetime = NOW) -> AppContext:
        return AppContext(config_path=self.config, now=Clock(now))


@pytest.fixture
def web_env(tmp_path: Path) -> WebEnv:
    """A private copy of the test data and a config file pointing at it."""
    shutil.copytree(DATA / "calendars", tmp_path / "calendars")
    shutil.copytree(DATA / "campaigns", tmp_path / "campaigns")
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\n'
        'data_dir = "state"\n\n[feeds]\nbase_url = "https://calendar.example.nhs.uk"\n',
        encoding="utf-8",
    )
    return WebEnv(tmp_path, config, tmp_path / "calendars", tmp_path / "campaigns")


@pytest.fixture
def app_factory(web_env: WebEnv) -> Callable[..., FastAPI]:
    """Build the app on the test data (no file watcher: tests reload explicitly)."""

    def build(now: dt.datetime = NOW, **kwargs: Any) -> FastAPI:
        return create_app(web_env.context(now), watch_interval=None, **kwargs)

    return build


@pytest.fixture
def app(app_factory: Callable[..., FastAPI]) -> FastAPI:
    return app_factory()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """Turn the private routes on with a known token."""
    monkeypatch.setenv("EDICALENDAR_TOKEN", TOKEN)
    return TOKEN


@pytest.fixture
def no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDICALENDAR_TOKEN", raising=False)
