"""The idle tick: `remind` with nothing to do skips the bot, and only then.

Every case starts from a full tick (which records what its plan was made from) and then changes
one thing a full tick would act on: a delivery falling due, an edited campaign, a changed
secret, a lease left by a dead process, the plan running out. The idle decision is also checked
against the ledger's own queries over many generated rows.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from edicalendar.cli import main
from edicalendar.context import AppContext
from edicalendar.reminders import idle
from edicalendar.reminders.dispatch import TickSummary
from edicalendar.reminders.idle import IDLE_SUMMARY, IdleCheck, sqlite_file
from edicalendar.reminders.ledger import OPEN_STATES, DeliveryState, Ledger
from edicalendar.storage import identity, state
from edicalendar.storage.engine import open_database
from edicalendar.storage.tables import deliveries
from edicalendar.storage.timestamps import utc_text

DATA = Path(__file__).parent / "data"


@pytest.fixture
def config(tmp_path: Path, webhook: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    calendars = tmp_path / "calendars"
    calendars.mkdir()
    for path in (DATA / "calendars").glob("*.toml"):
        (calendars / path.name).write_bytes(path.read_bytes())
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url())
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{calendars}"\ncampaigns_dir = "{DATA / "campaigns"}"\n'
        f'data_dir = "{tmp_path / "data"}"\n\n'
        "[reminders]\nallow_http_webhooks = true\nhttp_timeout_seconds = 1\n\n"
        '[destinations.staff]\nkind = "slack"\nurl_env = "TEST_SLACK_URL"\ndigest = true\n'
    )
    return config


class FullTicks:
    """Counts the ticks that build the bot (the idle ones never do)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = AppContext.dispatcher

        def counting(ctx: AppContext, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(ctx, *args, **kwargs)

        monkeypatch.setattr(AppContext, "dispatcher", counting)


def _remind(config: Path, at: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--config", str(config), "remind", "--record", "--at", at]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


@pytest.fixture
def full(monkeypatch: pytest.MonkeyPatch) -> FullTicks:
    return FullTicks(monkeypatch)


def test_a_tick_with_nothing_to_do_skips_the_bot(
    config: Path, full: FullTicks, webhook: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """After the Monday digest went out, the ticks of the next minutes are idle; the digest
    a week later is due again, so that tick runs in full and sends it."""
    assert _remind(config, "2026-01-05T09:00", capsys) == "1 sent, 0 failed, 0 expired"
    for minute in range(1, 6):
        assert _remind(config, f"2026-01-05T09:0{minute}", capsys) == IDLE_SUMMARY
    assert full.count == 1
    assert _remind(config, "2026-01-12T09:00", capsys) == "1 sent, 0 failed, 0 expired"
    assert full.count == 2
    assert webhook.keys() == ["digest:weekly:2026-01-05:staff", "digest:weekly:2026-01-12:staff"]


def test_an_edited_data_file_runs_in_full(
    config: Path, full: FullTicks, capsys: pytest.CaptureFixture[str]
) -> None:
    """Editing a calendar file (new size or time) makes the next tick plan again."""
    _remind(config, "2026-01-05T09:00", capsys)
    calendar = next((config.parent / "calendars").glob("*.toml"))
    calendar.write_text(calendar.read_text() + "\n# edited\n")
    _remind(config, "2026-01-05T09:01", capsys)
    assert full.count == 2
    _remind(config, "2026-01-05T09:02", capsys)
    assert full.count == 2


def test_a_campaign_made_in_the_browser_runs_in_full(
    config: Path, full: FullTicks, capsys: pytest.CaptureFixture[str]
) -> None:
    """A campaign stored in the database (as the browser, the API or `campaigns import` store
    it) is planned by the next tick, and the tick after is idle again."""
    _remind(config, "2026-01-05T09:00", capsys)
    assert _remind(config, "2026-01-05T09:01", capsys) == IDLE_SUMMARY
    ctx = AppContext(config_path=config)
    observance = next(iter(ctx.catalog.observances))
    table = {"id": "made-in-browser", "title": "Made in the browser", "observance": observance,
             "every_year": True, "lead_time_destinations": ["staff"]}  # fmt: skip
    ctx.campaigns().create(table, by="asha.khan@nhs.net")
    assert full.count == 1
    _remind(config, "2026-01-05T09:02", capsys)
    assert full.count == 2
    assert _remind(config, "2026-01-05T09:03", capsys) == IDLE_SUMMARY
    assert full.count == 2


def test_a_changed_secret_runs_in_full(
    config: Path, full: FullTicks, monkeypatch: pytest.MonkeyPatch, webhook: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A new value for an environment variable the settings name (a webhook address) is a
    change of configuration: the tick runs in full (and would fail loudly if it were wrong)."""
    _remind(config, "2026-01-05T09:00", capsys)
    monkeypatch.setenv("TEST_SLACK_URL", webhook.url() + "?v=2")
    _remind(config, "2026-01-05T09:01", capsys)
    assert full.count == 2


def test_a_retried_delivery_runs_in_full(
    config: Path, full: FullTicks, webhook: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ledger retry` puts a dead delivery back: the next tick is not idle and sends it."""
    from support.webhooks import Reply

    webhook.queue(Reply(400, b"invalid_blocks"))
    assert "1 failed" in _remind(config, "2026-01-05T09:00", capsys)
    assert _remind(config, "2026-01-05T09:01", capsys) == IDLE_SUMMARY
    assert main(["--config", str(config), "ledger", "retry", "digest:weekly:2026-01-05:staff"]) == 0
    capsys.readouterr()
    assert _remind(config, "2026-01-05T09:02", capsys) == "1 sent, 0 failed, 0 expired"
    assert full.count == 2


def test_the_plan_running_out_runs_in_full(
    config: Path, full: FullTicks, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the default 36-hour look-ahead, a tick 18 hours on plans again."""
    _remind(config, "2026-01-05T09:00", capsys)
    _remind(config, "2026-01-06T02:59", capsys)
    assert full.count == 1
    _remind(config, "2026-01-06T03:01", capsys)
    assert full.count == 2


def test_dry_run_and_postgresql_never_take_the_short_cut(
    config: Path, full: FullTicks, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run always lists from a full plan; a database URL that is not a plain SQLite file
    has no idle check at all."""
    _remind(config, "2026-01-05T09:00", capsys)
    assert main(["--config", str(config), "remind", "--at", "2026-01-05T09:01", "--dry-run"]) == 0
    assert full.count == 2
    assert sqlite_file("postgresql+psycopg://edicalendar@db/edicalendar") is None
    assert sqlite_file("sqlite:///data/edicalendar.db?timeout=5") is None
    assert sqlite_file("sqlite:////srv/edicalendar.db") == Path("/srv/edicalendar.db")


def test_the_idle_line_is_the_empty_ticks_line() -> None:
    """What an idle tick prints is word for word what an empty full tick prints, and its state
    names are the ledger's."""
    assert TickSummary().line() == IDLE_SUMMARY
    assert tuple(s.value for s in OPEN_STATES) == idle._OPEN
    assert DeliveryState.SENDING.value == idle._SENDING
    assert DeliveryState.HELD.value == idle._HELD
    assert (idle._MARKER_SUFFIX, idle._LEDGER_ID_KEY, idle._LEDGER_SERIAL_KEY) == (
        identity.MARKER_SUFFIX,
        identity.LEDGER_ID_KEY,
        identity.LEDGER_SERIAL_KEY,
    )
    assert idle._ROWS_KEY == state._ROWS


NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
offsets = st.none() | st.integers(min_value=-3, max_value=3)
rows = st.lists(
    st.tuples(st.sampled_from(list(DeliveryState)), offsets, offsets, offsets, offsets),
    max_size=6,
)


def _at(offset: int | None) -> str | None:
    return None if offset is None else utc_text(NOW + dt.timedelta(minutes=offset))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(generated=rows)
def test_idle_means_the_ledger_has_nothing_to_do(tmp_path_factory: Any, generated: Any) -> None:
    """For any rows, the idle check finds work exactly when the ledger would claim a due row,
    expire an open one or recover a lease at that moment."""
    folder = tmp_path_factory.mktemp("ledger")
    path = folder / "edicalendar.db"
    database = open_database(f"sqlite:///{path}")
    stamp = utc_text(NOW)
    with database.engine.begin() as conn:
        for number, (state, due, not_after, next_attempt, lease) in enumerate(generated):
            conn.execute(
                deliveries.insert(),
                {
                    "key": f"k{number}", "kind": "lead", "destination": "staff",
                    "due_at": _at(due if due is not None else 0),
                    "not_after": _at(not_after if not_after is not None else 3),
                    "state": state.value, "next_attempt_at": _at(next_attempt),
                    "lease_until": _at(lease), "payload_json": "{}",
                    "created_at": stamp, "updated_at": stamp,
                },
            )  # fmt: skip
    check = IdleCheck(path, folder / "stamp.json")
    waiting = check._work_waiting(NOW)
    ledger = Ledger(database)
    with database.engine.connect() as conn:
        due = conn.execute(select(deliveries.c.key).where(ledger.due_condition(stamp))).all()
    # A held row may be released by the full tick (its freeze over): never skipped.
    held = bool(ledger.held())
    work = bool(due) or bool(ledger.recover_leases(NOW)) or bool(ledger.expire(NOW)) or held
    database.close()
    assert waiting == work
    os.remove(path)


def test_crons_plain_remind_is_answered_before_the_command_line_loads(
    config: Path,
    full: FullTicks,
    webhook: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`edicalendar remind` as cron runs it (no --at): after a full tick, the next minute's
    tick prints the same idle line without building the command line at all; when the next
    digest falls due, the tick runs in full and sends it."""
    import importlib
    from zoneinfo import ZoneInfo

    import time_machine

    entry = importlib.import_module("edicalendar.cli.main")
    london = ZoneInfo("Europe/London")

    def plain(*when: int) -> str:
        with time_machine.travel(dt.datetime(*when, tzinfo=london), tick=False):
            assert main(["--config", str(config), "remind"]) == 0
        return capsys.readouterr().out.strip().splitlines()[-1]

    assert plain(2026, 1, 5, 9, 0) == "1 sent, 0 failed, 0 expired"
    built: list[list[str]] = []
    real = entry._register_commands
    monkeypatch.setattr(entry, "_register_commands", lambda m: built.append(m) or real(m))
    for minute in range(1, 4):
        assert plain(2026, 1, 5, 9, minute) == IDLE_SUMMARY
    assert built == [] and full.count == 1
    assert plain(2026, 1, 12, 9, 0) == "1 sent, 0 failed, 0 expired"
    assert built == [["reminder_commands"]] and full.count == 2
    assert webhook.keys() == ["digest:weekly:2026-01-05:staff", "digest:weekly:2026-01-12:staff"]
