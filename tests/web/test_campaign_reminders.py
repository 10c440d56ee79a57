"""A campaign made in the browser is reminded about: on a fresh install, a person invited with
`edicalendar users add` signs in, plans a campaign, ticks a Slack destination, and
`edicalendar remind` then posts its lead-time reminder to a real webhook on 127.0.0.1. No file
is edited. Once over HTTP (quick), once in headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient

from edicalendar.context import AppContext
from edicalendar.web import create_app
from support.cli import CliRunner
from support.clock import Clock, utc
from support.forms import form_fields, post_form
from support.net import free_port
from support.serving import serving
from support.webhooks import WebhookReceiver

HERE = Path(__file__).parent
PASSWORD = "three words for asha"
#: Sunday 10 January 2027: planning International Women's Day 2027 (Monday 8 March).
TODAY = utc(2027, 1, 10, 11)
NEW = (
    "/campaigns/new?observance=international-womens-day&template=awareness-day&runs=year&year=2027"
)


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    try:
        yield receiver
    finally:
        receiver.close()


def _fresh_install(root: Path, port: int, webhook: WebhookReceiver, monkeypatch: Any) -> Path:
    """The shipped web test calendar, its campaign files untouched, and a Slack destination."""
    shutil.copytree(HERE / "data" / "calendars", root / "calendars")
    shutil.copytree(HERE / "data" / "campaigns", root / "campaigns")
    monkeypatch.setenv("COMMS_SLACK_URL", webhook.url())
    monkeypatch.delenv("EDICALENDAR_TOKEN", raising=False)
    config = root / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n'
        f'[feeds]\nbase_url = "http://127.0.0.1:{port}"\n'
        "[reminders]\nallow_http_webhooks = true\nhttp_timeout_seconds = 2\n"
        '[destinations.comms-slack]\nkind = "slack"\nurl_env = "COMMS_SLACK_URL"\n',
        encoding="utf-8",
    )
    return config


def _invite(cli: CliRunner) -> Any:
    """`edicalendar users add`, on the day the test's server lives in."""
    with time_machine.travel(TODAY, tick=False):
        added = cli("users", "add", "asha.khan@nhs.net", "--name", "Asha Khan", "--role", "editor")
    assert added.code == 0, added.err
    return added


def _files(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((root / "campaigns").glob("*"))}


def _reminded(cli: CliRunner, webhook: WebhookReceiver) -> list[Any]:
    """Run the bot at 09:00 on Monday 8 February 2027, 28 days before; what Slack got."""
    sent = cli("remind", "--record", "--at", "2027-02-08T09:00")
    assert sent.code == 0, sent.err
    # Slack and the console for this campaign, and the console for the campaign file's own
    # International Women's Day session (its 28-day reminder falls the same morning).
    assert sent.out.strip().splitlines()[-1] == "3 sent, 0 failed, 0 expired"
    assert webhook.wait_for(1)
    return [r.json for r in webhook.requests]


def test_an_invited_person_plans_a_campaign_over_http_and_it_is_reminded_about(
    tmp_path: Path, run_cli: CliRunner, webhook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    config = _fresh_install(tmp_path, port, webhook, monkeypatch)
    before = _files(tmp_path)
    cli = run_cli.with_config(config)
    added = _invite(cli)
    link = added.out.strip().splitlines()[-1]
    app = create_app(AppContext(config_path=config, now=Clock(TODAY)), watch_interval=None)
    with TestClient(app, base_url=f"http://127.0.0.1:{port}") as browser:
        invitation = browser.get(link.removeprefix(f"http://127.0.0.1:{port}"))
        fields = dict(form_fields(invitation.text, "/invitation"))
        accepted = browser.post(
            "/invitation",
            data={**fields, "password": PASSWORD, "confirm": PASSWORD},
            follow_redirects=False,
        )
        assert accepted.status_code == 303, accepted.text
        editor = browser.get(NEW).text
        # Tick Slack beside the console the template ticked.
        fields = [
            *form_fields(editor, "/campaigns/new", "save"),
            ("lead_destinations", "comms-slack"),
        ]
        saved = post_form(browser, "/campaigns/new", fields, follow_redirects=False)
        assert saved.headers["location"] == "/campaigns/international-womens-day-2027?done=created"
    assert _files(tmp_path) == before  # no campaign file was written or edited
    (posted,) = _reminded(cli, webhook)
    text = str(posted)
    assert "International Women's Day in 4 weeks: International Women's Day: social post" in text
    # The message links to the campaign's page for that year, where the work is done.
    assert f"http://127.0.0.1:{port}/campaigns/international-womens-day-2027/2027" in text
    # Fifteen working days before Monday 8 March 2027, counted by hand: Monday 15 February.
    assert "Draft the social post and the intranet item: due Mon 15 Feb 2027" in text


@pytest.mark.browser
def test_the_same_in_the_browser(
    browser: Any,
    tmp_path: Path,
    run_cli: CliRunner,
    webhook: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port()
    config = _fresh_install(tmp_path, port, webhook, monkeypatch)
    before = _files(tmp_path)
    cli = run_cli.with_config(config)
    added = _invite(cli)
    link = added.out.strip().splitlines()[-1]
    app = create_app(AppContext(config_path=config, now=Clock(TODAY)), watch_interval=None)
    with serving(app, port=port) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(link)
        page.fill("#password", PASSWORD)
        page.fill("#confirm", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{base}/campaigns")
        page.click("main a:has-text('Plan a campaign')")
        page.select_option("#observance", "international-womens-day")
        page.check("#template-awareness-day")
        page.check("#runs-year")
        page.fill("#year", "2027")
        page.click("main button:has-text('Continue')")
        page.check("#lead_destinations input[value=comms-slack]")
        page.click("form.editor .form-end button:has-text('Save campaign')")
        page.wait_for_url("**/campaigns/international-womens-day-2027?done=created")
        shown = page.locator("main").inner_text()
        assert "28, 7, 1 days before it starts, at 09:00, to comms-slack, console" in shown
        context.close()
    assert _files(tmp_path) == before
    (posted,) = _reminded(cli, webhook)
    assert "International Women's Day in 4 weeks" in str(posted)
