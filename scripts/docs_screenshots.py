"""Take the README's screenshots of the campaign workspace: the planning view and the editor.

    .venv/bin/python scripts/docs_screenshots.py        # writes docs/images/*.png

The pages are the shipped calendars and example campaigns, plus two campaigns made from the
shipped templates as a comms team would make them, on Monday 12 January 2026, served by the
app on 127.0.0.1 and photographed by the system Chromium (as the browser tests use it).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from edicalendar.accounts.directory import Client  # noqa: E402
from edicalendar.campaigns.templates import find_template, from_template  # noqa: E402
from edicalendar.context import AppContext  # noqa: E402
from edicalendar.model import AssetStatus, Role  # noqa: E402
from edicalendar.web import create_app  # noqa: E402
from support.browser import launch_chromium  # noqa: E402
from support.serving import serving  # noqa: E402

NOW = dt.datetime(2026, 1, 12, 10, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple"
OUT = ROOT / "docs" / "images"


def _site(root: Path) -> AppContext:
    shutil.copytree(ROOT / "calendars", root / "calendars")
    shutil.copytree(ROOT / "campaigns", root / "campaigns")
    config = root / "edicalendar.toml"
    config.write_text(
        '[data]\ncalendars_dir = "calendars"\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n',
        encoding="utf-8",
    )
    ctx = AppContext(config_path=config, now=lambda: NOW)
    accounts = ctx.accounts()
    for email, name in (("asha.khan@nhs.net", "Asha Khan"), ("ben.okafor@nhs.net", "Ben Okafor")):
        invitation = accounts.add(email, name=name, role=Role.EDITOR, by="docs")
        accounts.accept_invitation(invitation.token, PASSWORD, Client("127.0.0.1"))
    service = ctx.campaigns()
    asha = [{"name": "Asha Khan", "email": "asha.khan@nhs.net"}]
    for template, observance, campaign_id in (
        ("awareness-month", "lgbt-history-month", "lgbt-history-month-2026"),
        ("awareness-day", "international-womens-day", "international-womens-day-2026"),
    ):
        table = from_template(
            find_template(template),
            ctx.catalog.observances[observance],
            campaign_id=campaign_id,
            year=2026,
            owners=asha,
            destinations=["console"],
        )
        service.create(table, by="asha.khan@nhs.net")
    service.mark_task("lgbt-history-month-2026", "agree-plan", by="asha.khan@nhs.net", year=2026)
    service.mark_task(
        "lgbt-history-month-2026", "call-for-stories", by="asha.khan@nhs.net", year=2026
    )
    service.set_asset(
        "lgbt-history-month-2026",
        "resources-page",
        AssetStatus.IN_REVIEW,
        url=None,
        by="asha.khan@nhs.net",
        year=2026,
    )
    return ctx


def main() -> None:
    os.environ.pop("EDICALENDAR_TOKEN", None)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        ctx = _site(Path(folder))
        app = create_app(ctx, watch_interval=None)
        with serving(app) as base, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/signin")
            page.fill("#email", "asha.khan@nhs.net")
            page.fill("#password", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/campaigns")
            shots = {
                "planning-view.png": ("/campaigns", 1500),
                "campaign-editor.png": (
                    "/campaigns/new?observance=black-history-month&template=staff-stories"
                    "&runs=year&year=2026",
                    1500,
                ),
                "campaign-page.png": ("/campaigns/lgbt-history-month-2026/2026", 1300),
            }
            for name, (path, height) in shots.items():
                page.goto(base + path)
                page.screenshot(
                    path=str(OUT / name),
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": 1280, "height": height},
                )
                print(f"wrote {OUT / name}")
            browser.close()


if __name__ == "__main__":
    main()
