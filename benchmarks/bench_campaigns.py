"""What the campaign workspace costs per request with many campaigns in the database: loading and
checking them (every request reads them afresh, so every worker shows the same plan), the
planning view, one campaign's page and the JSON plan, on the shipped calendar and a real
SQLite file.

    .venv/bin/python benchmarks/bench_campaigns.py [--campaigns 200] [--repeat 20]

Stored campaigns are made from the four shipped templates on observances of the shipped
calendar, one a year or every year, as a busy comms team's would be.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fastapi.testclient import TestClient  # noqa: E402

from edicalendar.accounts.directory import Client  # noqa: E402
from edicalendar.campaigns.templates import from_template, shipped_templates  # noqa: E402
from edicalendar.context import AppContext  # noqa: E402
from edicalendar.model import Role  # noqa: E402
from edicalendar.web import create_app  # noqa: E402

PASSWORD = "correct horse battery staple"
NOW = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)


def timed(label: str, repeat: int, action: Callable[[], object]) -> float:
    action()  # once to warm caches (the calendar's years, templates)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    median = statistics.median(samples)
    print(f"{label:<48} median {median * 1000:8.1f} ms   min {min(samples) * 1000:8.1f} ms")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.pop("EDICALENDAR_TOKEN", None)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "campaigns").mkdir()
        config = root / "edicalendar.toml"
        config.write_text(
            f'[data]\ncalendars_dir = "{(ROOT / "calendars").as_posix()}"\n'
            'campaigns_dir = "campaigns"\ndata_dir = "state"\n',
            encoding="utf-8",
        )
        ctx = AppContext(config_path=config, now=lambda: NOW)
        service = ctx.campaigns()
        templates = shipped_templates()
        observances = sorted(ctx.catalog.observances.values(), key=lambda o: o.id)
        made = 0
        for n, observance in enumerate(observances):
            if made == args.campaigns:
                break
            table = from_template(
                templates[n % len(templates)],
                observance,
                campaign_id=f"c{n}-{observance.id}"[:60].rstrip("-"),
                year=None if n % 3 == 0 else 2026,
                destinations=["console"],
            )
            try:
                service.create(table, by="bench")
            except Exception:  # an observance with no 2026 date, say: take the next one
                continue
            made += 1
        accounts = ctx.accounts()
        invitation = accounts.add("asha@nhs.net", name="Asha", role=Role.EDITOR, by="bench")
        accounts.accept_invitation(invitation.token, PASSWORD, Client("127.0.0.1"))
        app = create_app(ctx, watch_interval=None)
        with TestClient(app, base_url="https://testserver") as client:
            page = client.get("/signin").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert token is not None
            client.post(
                "/signin",
                data={"email": "asha@nhs.net", "password": PASSWORD, "csrf_token": token[1]},
            )
            print(f"{made} campaigns in the database, {len(observances)} observances\n")
            timed("load and check every campaign", args.repeat, lambda: service.load())
            timed("GET /campaigns (this quarter)", args.repeat, lambda: client.get("/campaigns"))
            one = next(iter(service.store().all())).id
            timed("GET /campaigns/ID", args.repeat, lambda: client.get(f"/campaigns/{one}"))
            timed("GET /api/campaigns", args.repeat, lambda: client.get("/api/campaigns"))
            timed("GET /my-work", args.repeat, lambda: client.get("/my-work"))


if __name__ == "__main__":
    main()
