"""Static export: every feed as `feeds/NAME.ics` plus the subscribe page, for any static host.

The folder mirrors the web server's paths (`/feeds/NAME.ics`), so it can be published as is to
any static host or CDN under `feeds.base_url`; `_headers` and `.htaccess` set the type and
cache lifetime on hosts that read them. `index.html` is the served subscribe page rendered from
the same template (with `static/site.css` beside it), so the two never word a step or spell a
link differently. Files are written atomically and only when their bytes change; nothing carries
a build time, so the same data gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from edicalendar.atomicfile import write_atomic
from edicalendar.feeds.statichost import host_files
from edicalendar.web.about import about_context, accessibility_context
from edicalendar.web.render import render_text
from edicalendar.web.site import SiteInfo, data_updated, site_from, site_info
from edicalendar.web.views import freeze_feed_offer, subscribe_context

if TYPE_CHECKING:
    from collections.abc import Sequence

    from edicalendar.calendar.freezes import Freeze
    from edicalendar.config import LoadedSettings
    from edicalendar.feeds.build import FeedPublisher
    from edicalendar.feeds.specs import FeedSpec


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: feed names, total events, how many files changed, and warnings."""

    feeds: list[str]
    events: int
    changed: int
    #: Paths (relative to the folder) whose bytes changed and were written.
    written: tuple[str, ...] = ()
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def export_site(
    publisher: FeedPublisher,
    directory: Path,
    freezes: Sequence[Freeze] = (),
    loaded: LoadedSettings | None = None,
) -> ExportResult:
    """Build every feed for the default window and write the static site into `directory`,
    with `freezes.ics` carrying the public ones of `freezes`; `loaded` (where the data and
    settings came from) gives the pages their logo file and "last updated" date."""
    from edicalendar.feeds.freeze_feed import FREEZE_FEED_NAME, build_freeze_feed

    settings = publisher.settings.feeds
    base_url = settings.base_url.rstrip("/")
    warnings: list[str] = []
    if urlsplit(base_url).scheme != "https":
        warnings.append(
            f"feeds.base_url {base_url!r} is not https; Google Calendar only subscribes to "
            "https addresses (set feeds.base_url to where this folder will be published)"
        )
    specs = publisher.specs()
    built = publisher.build(specs)
    warnings.extend(built.warnings)
    files: dict[str, bytes] = {}
    events = 0
    for spec in specs:
        body = built.bodies[spec.name]
        events += body.count(b"\r\nBEGIN:VEVENT\r\n")
        files[f"feeds/{spec.name}.ics"] = body
    frozen = build_freeze_feed(
        freezes,
        publisher.settings,
        now=publisher.now(),
        today=publisher.today(),
        database=publisher.database(),
    )
    events += frozen.count(b"\r\nBEGIN:VEVENT\r\n")
    files[f"feeds/{FREEZE_FEED_NAME}.ics"] = frozen
    site = _static_site(publisher, loaded)
    token = site_info.set(site)
    try:
        files["index.html"] = subscribe_page(publisher, specs, base_url).encode("utf-8")
        files["accessibility.html"] = render_text(
            "accessibility.html", static_site=True, **accessibility_context()
        ).encode("utf-8")
        files["about.html"] = render_text(
            "about.html",
            static_site=True,
            **about_context(publisher.settings, publisher.catalog),
        ).encode("utf-8")
    finally:
        site_info.reset(token)
    logo = loaded.logo_file if loaded is not None else None
    if logo is not None and site.logo_src is not None:
        files[site.logo_src] = logo.read_bytes()
    files["static/favicon.svg"] = _static("favicon.svg")
    files["static/favicon.ico"] = _static("favicon.ico")
    files["static/site.css"] = _static("site.css")
    files["static/subscribe.js"] = _static("subscribe.js")
    files.update(host_files())
    written = tuple(name for name, body in files.items() if write_atomic(directory / name, body))
    return ExportResult(
        feeds=[*(s.name for s in specs), FREEZE_FEED_NAME],
        events=events,
        changed=len(written),
        written=written,
        unchanged=len(files) - len(written),
        warnings=warnings,
    )


def subscribe_page(publisher: FeedPublisher, specs: list[FeedSpec], base_url: str) -> str:
    """The subscribe page for a static site: the served page's template and wording (a static
    host cannot answer feed queries, so the page has no builder)."""
    return render_text(
        "subscribe.html",
        static_site=True,
        title="Subscribe to the calendar",
        builder=None,
        **subscribe_context(specs, publisher.catalog, base_url, publisher.settings.feeds),
        freeze_feed=freeze_feed_offer(base_url),
    )


def _static_site(publisher: FeedPublisher, loaded: LoadedSettings | None) -> SiteInfo:
    """The site as the exported pages describe it: a logo file is copied beside them."""
    from zoneinfo import ZoneInfo

    logo = loaded.logo_file if loaded is not None else None
    timezone = ZoneInfo(publisher.settings.reminders.timezone)
    site = site_from(
        publisher.settings,
        logo_is_file=logo is not None,
        updated=data_updated(loaded.calendars_dir, timezone) if loaded is not None else None,
    )
    if logo is not None:
        site = replace(site, logo_src=f"static/logo{logo.suffix.lower()}")
    return site


def _static(name: str) -> bytes:
    return (resources.files("edicalendar.web") / "static" / name).read_bytes()
