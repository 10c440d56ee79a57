"""Fixtures for the accounts tests: the accounts service on a real database (SQLite file and
PostgreSQL in turn) with a settable clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from edicalendar.accounts.directory import Accounts, Client
from edicalendar.config import AccountSettings
from edicalendar.storage.engine import open_database
from support.clock import Clock

NOW = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)
HERE = Client(address="192.0.2.10", user_agent="tests")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def accounts(any_url: str, clock: Clock) -> Iterator[Accounts]:
    database = open_database(any_url)
    try:
        yield Accounts(database, AccountSettings(), now=clock)
    finally:
        database.close()
