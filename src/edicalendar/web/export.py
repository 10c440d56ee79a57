"""Static export: every feed as `feeds/NAME.ics` plus an `index.html` subscribe page.

The folder mirrors the web server's paths (`/feeds/NAME.ics`), so it can be published as is to
any static host or CDN under `feeds.base_url`; `_headers` and `.htaccess` set the type and
cache lifetime on hosts that read them. Files are written atomically and only when their
bytes change; the page carries no build time, so the same data gives the same bytes.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from edicalendar.errors import EdicalendarError

if TYPE_CHECKING:
    from edicalendar.context import AppContext
    from edicalendar.feeds.build import FeedSpec


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: feed names, total events, and how many files changed."""

    feeds: list[str]
    events: int
    changed: int
    #: Paths (relative to the folder) whose bytes changed and were written.
    written: tuple[str, ...] = ()
    unchanged: int = 0


class OutputError(EdicalendarError):
    """A feed or page could not be written where asked."""

    exit_code = 3


def write_atomic(path: Path, body: bytes) -> bool:
    """Write `body` to `path` via a temporary file and rename; False when already identical.

    Readers (a web server, a sync to a CDN) never see a half-written feed.
    """
    try:
        if path.is_file() and path.read_bytes() == body:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def export_site(ctx: AppContext, directory: Path) -> ExportResult:
    """Build every feed for the default window and write the static site into `directory`."""
    from edicalendar.cli.output import warn
    from edicalendar.feeds.build import build_all, feed_specs

    base_url = ctx.loaded.settings.feeds.base_url.rstrip("/")
    if urlsplit(base_url).scheme != "https":
        warn(
            f"feeds.base_url {base_url!r} is not https; Google Calendar only subscribes to "
            "https addresses (set feeds.base_url to where this folder will be published)"
        )
    from edicalendar.feeds.statichost import host_files

    specs = feed_specs(ctx)
    bodies = build_all(ctx)
    files: dict[str, bytes] = {}
    events = 0
    for spec in specs:
        body = bodies[spec.name]
        events += body.count(b"\r\nBEGIN:VEVENT\r\n")
        files[f"feeds/{spec.name}.ics"] = body
    page = subscribe_page(specs, base_url, ctx.loaded.settings.feeds.organisation)
    files["index.html"] = page.encode("utf-8")
    files.update(host_files())
    written = tuple(name for name, body in files.items() if write_atomic(directory / name, body))
    return ExportResult(
        feeds=[s.name for s in specs],
        events=events,
        changed=len(written),
        written=written,
        unchanged=len(files) - len(written),
    )


def feed_links(base_url: str, name: str) -> dict[str, str]:
    """The https, webcal and Google "add by URL" addresses of one feed."""
    https = f"{base_url.rstrip('/')}/feeds/{name}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    return {"https": https, "webcal": webcal, "google": google}


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 0;
  color: #1d1d1d; background: #ffffff; line-height: 1.5; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { color: #003087; }
h2 { color: #003087; margin-top: 2.5rem; border-bottom: 2px solid #005eb8; }
a { color: #004b93; }
a:focus, input:focus { outline: 3px solid #ffb81c; outline-offset: 2px; }
.feed { border: 1px solid #768692; border-radius: 4px; padding: 0.75rem 1rem; margin: 1rem 0; }
.feed h3 { margin: 0 0 0.25rem; }
.feed input { width: 100%; box-sizing: border-box; font: inherit; padding: 0.25rem;
  border: 1px solid #425563; color: #1d1d1d; background: #ffffff; }
.links { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; padding: 0; list-style: none; }
"""


def subscribe_page(specs: list[FeedSpec], base_url: str, organisation: str) -> str:
    """The accessible subscribe page: every feed's address and step-by-step client help."""
    feeds_html = []
    for spec in specs:
        links = feed_links(base_url, spec.name)
        field = f"url-{spec.name}"
        feeds_html.append(
            f"""<section class="feed" aria-labelledby="feed-{escape(spec.name)}">
<h3 id="feed-{escape(spec.name)}">{escape(spec.title)}</h3>
<p>{escape(spec.description)}</p>
<label for="{escape(field)}">Feed address for {escape(spec.title)}</label>
<input id="{escape(field)}" type="url" readonly value="{escape(links["https"])}">
<ul class="links">
<li><a href="{escape(links["webcal"])}">Subscribe in your calendar app<span class="visually-hidden"> to {escape(spec.title)}</span></a></li>
<li><a href="{escape(links["google"])}">Add to Google Calendar<span class="visually-hidden">: {escape(spec.title)}</span></a></li>
<li><a href="{escape(links["https"])}">Download {escape(spec.name)}.ics (one-off copy)</a></li>
</ul>
</section>"""  # noqa: E501
        )
    all_url = escape(feed_links(base_url, "all")["https"])
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Subscribe to the EDI calendar</title>
<style>{_STYLE}.visually-hidden {{ position: absolute; width: 1px; height: 1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}</style>
</head>
<body>
<main>
<h1>Subscribe to the EDI calendar</h1>
<p>Equality, diversity and inclusion awareness days, weeks and months, and faith festivals,
published by {escape(organisation)}. Subscribe and your calendar keeps itself up to date:
new dates, announced themes and corrected dates arrive on their own. Events are all-day and
shown as free, so they never block your diary.</p>
<p>Subscribe rather than import: an imported file is a copy that never updates.</p>
<nav aria-labelledby="contents">
<h2 id="contents">On this page</h2>
<ul>
<li><a href="#feeds">Choose a feed</a></li>
<li><a href="#outlook-web">Outlook on the web (NHSmail) and new Outlook</a></li>
<li><a href="#outlook-desktop">Outlook for Windows (classic desktop)</a></li>
<li><a href="#google">Google Calendar</a></li>
<li><a href="#apple">Apple Calendar (Mac, iPhone and iPad)</a></li>
<li><a href="#thunderbird">Thunderbird</a></li>
</ul>
</nav>

<h2 id="feeds">Choose a feed</h2>
{chr(10).join(feeds_html)}

<h2 id="outlook-web">Outlook on the web (NHSmail) and new Outlook</h2>
<ol>
<li>Copy the feed address above.</li>
<li>Open Calendar, select <strong>Add calendar</strong>, then
<strong>Subscribe from web</strong>.</li>
<li>Paste the address, give the calendar a name, and select <strong>Import</strong>.</li>
</ol>
<p>Outlook checks subscribed calendars every few hours, so changes can take up to a day to show.</p>

<h2 id="outlook-desktop">Outlook for Windows (classic desktop)</h2>
<ol>
<li>Copy the feed address above.</li>
<li>In Calendar, select <strong>Add Calendar</strong>, then <strong>From Internet</strong>.</li>
<li>Paste the address, select <strong>OK</strong>, then <strong>Yes</strong> to subscribe.</li>
</ol>
<p>Or select <strong>Subscribe in your calendar app</strong> and let Windows open Outlook.
Outlook for Mac cannot subscribe to internet calendars: use Apple Calendar instead.</p>

<h2 id="google">Google Calendar</h2>
<ol>
<li>Select <strong>Add to Google Calendar</strong> next to the feed and confirm, or</li>
<li>in Google Calendar on a computer, next to <strong>Other calendars</strong> select
<strong>+</strong>, then <strong>From URL</strong>, paste the feed address and select
<strong>Add calendar</strong>.</li>
</ol>
<p>Google refreshes subscriptions on its own schedule, usually within a day.</p>

<h2 id="apple">Apple Calendar (Mac, iPhone and iPad)</h2>
<ol>
<li>On a Mac, select <strong>Subscribe in your calendar app</strong>, or choose
<strong>File</strong>, <strong>New Calendar Subscription</strong> and paste the feed address.</li>
<li>On iPhone or iPad, open <strong>Settings</strong>, <strong>Calendar</strong>,
<strong>Accounts</strong>, <strong>Add Account</strong>, <strong>Other</strong>,
<strong>Add Subscribed Calendar</strong>, and paste the feed address.</li>
<li>Set <strong>Auto-refresh</strong> to every day.</li>
</ol>

<h2 id="thunderbird">Thunderbird</h2>
<ol>
<li>In Calendar, select <strong>New Calendar</strong>, then <strong>On the Network</strong>.</li>
<li>Paste the feed address (for everything: <code>{all_url}</code>) and select
<strong>Find Calendars</strong>, then <strong>Subscribe</strong>.</li>
</ol>
</main>
</body>
</html>
"""
