"""Static export: every feed as `feeds/NAME.ics` plus the subscribe page, for any static host.

The folder mirrors the web server's paths (`/feeds/NAME.ics`), so it can be published as is to
any static host or CDN under `feeds.base_url`; `_headers` and `.htaccess` set the type and
cache lifetime on hosts that read them. `index.html` is the served subscribe page rendered from
the same template (with `static/site.css` beside it), so the two never word a step or spell a
link differently. Files are written atomically and only when their bytes change; nothing carries
a build time, so the same data gives the same bytes.

With `welsh`, the export also holds the Welsh site: `cy/index.html`, `cy/accessibility.html`
and `cy/about.html` (the served `/cy/` pages), and every feed in Welsh as `feeds/cy/NAME.ics`
(the served `/feeds/NAME.ics?lang=cy`, same UIDs: a static host cannot answer a query), each
language's pages linking to the other's. Without it nothing of that is made or written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from edicalendar.atomicfile import write_atomic
from edicalendar.feeds.links import feed_links
from edicalendar.feeds.statichost import host_files
from edicalendar.i18n import gettext
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
    *,
    welsh: bool = False,
) -> ExportResult:
    """Build every feed for the default window and write the static site into `directory`,
    with `freezes.ics` carrying the public ones of `freezes`; `loaded` (where the data and
    settings came from) gives the pages their logo file and "last updated" date; `welsh` adds
    the Welsh pages and feeds."""
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
        files.update(_pages(publisher, specs, base_url, switch="cy/" if welsh else None))
        if welsh:
            files.update(_welsh_site(publisher, specs, base_url, warnings))
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
    welsh_feeds = [f"cy/{s.name}" for s in specs] if welsh else []
    events += sum(files[f"feeds/{n}.ics"].count(b"\r\nBEGIN:VEVENT\r\n") for n in welsh_feeds)
    return ExportResult(
        feeds=[*(s.name for s in specs), FREEZE_FEED_NAME, *welsh_feeds],
        events=events,
        changed=len(written),
        written=written,
        unchanged=len(files) - len(written),
        warnings=warnings,
    )


def _pages(
    publisher: FeedPublisher,
    specs: list[FeedSpec],
    base_url: str,
    *,
    switch: str | None,
    up: str = "",
    offers: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """The subscribe, accessibility and about pages; each links to the other language's copy
    under `switch` (a folder: "cy/", "../") when given, and `up` leads from them to `static/`."""
    extra: dict[str, Any] = {}
    if up:
        logo = site_info.get().logo_src
        extra["static_root"] = f"{up}static/"
        extra["logo_src"] = f"{up}{logo}" if logo and "://" not in logo else logo

    def more(name: str) -> dict[str, Any]:
        return extra if switch is None else {**extra, "static_switch": switch + name}

    accessibility = render_text(
        "accessibility.html",
        static_site=True,
        **accessibility_context(),
        **more("accessibility.html"),
    )
    about = render_text(
        "about.html",
        static_site=True,
        **about_context(publisher.settings, publisher.catalog),
        **more("about.html"),
    )
    return {
        "index.html": subscribe_page(
            publisher, specs, base_url, offers, **more("index.html")
        ).encode("utf-8"),
        "accessibility.html": accessibility.encode("utf-8"),
        "about.html": about.encode("utf-8"),
    }


def _welsh_site(
    publisher: FeedPublisher,
    specs: list[FeedSpec],
    base_url: str,
    warnings: list[str],
) -> dict[str, bytes]:
    """The Welsh pages under `cy/` and the Welsh feeds under `feeds/cy/`."""
    from edicalendar import i18n
    from edicalendar.feeds.query import parse_query_string, query_spec, traditions

    chosen = traditions(publisher.catalog)
    query = parse_query_string("lang=cy", [t.name for t in chosen])
    labels = {t.name: t.label for t in chosen}
    built = publisher.build([query_spec(s, query, labels) for s in specs])
    warnings.extend(w for w in built.warnings if w not in warnings)
    files = {f"feeds/cy/{s.name}.ics": built.bodies[s.name] for s in specs}
    token = i18n.language.set("cy")
    try:
        offers = subscribe_context(
            specs, publisher.catalog, base_url, publisher.settings.feeds, query="lang=cy"
        )
        # The static Welsh feeds' own addresses, in place of the server's `?lang=cy`.
        for key, value in offers.items():
            if value is None:
                continue
            moved = [
                replace(o, links=feed_links(base_url, f"cy/{o.name}.ics", title=o.title))
                for o in (value if isinstance(value, list) else [value])
            ]
            offers[key] = moved if isinstance(value, list) else moved[0]
        pages = _pages(publisher, specs, base_url, switch="../", up="../", offers=offers)
    finally:
        i18n.language.reset(token)
    files.update({f"cy/{name}": body for name, body in pages.items()})
    return files


def subscribe_page(
    publisher: FeedPublisher,
    specs: list[FeedSpec],
    base_url: str,
    offers: dict[str, Any] | None = None,
    **extra: Any,
) -> str:
    """The subscribe page for a static site: the served page's template and wording (a static
    host cannot answer feed queries, so the page has no builder); `offers` replaces the feeds
    offered (the Welsh copy offers the Welsh feeds)."""
    return render_text(
        "subscribe.html",
        static_site=True,
        title=gettext("Subscribe to the calendar"),
        builder=None,
        **(
            offers
            or subscribe_context(specs, publisher.catalog, base_url, publisher.settings.feeds)
        ),
        freeze_feed=freeze_feed_offer(base_url),
        **extra,
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
