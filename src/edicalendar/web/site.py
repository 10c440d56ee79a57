"""The organisation's own site: who runs it (name, logo, contact), what link previews say, and
when the calendar data last changed, as one :class:`SiteInfo` that every page template reads.

Everything comes from `[site]` and `feeds.organisation` with defaults that make a complete site.
The middleware in :mod:`edicalendar.web.site_pages` puts the current one in :data:`site_info`
for each request (the static export sets it for its pages), with the page's own address in
:data:`page_path` for its canonical link.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from edicalendar.config import UNNAMED_ORGANISATION, FeedSettings, Settings

if TYPE_CHECKING:
    from edicalendar.web.live import Snapshot

#: The software's own name for the site, before any organisation's.
SITE_TITLE = "EDI awareness calendar"
#: The date this release's pages were last tested for accessibility (axe-core in Chromium on
#: every page type, and by keyboard): the statement's default "prepared" and "tested" date.
TESTED_ON = dt.date(2026, 12, 1)
#: The licence of the shipped calendar data (calendars/LICENSE.md says the same).
DATA_LICENCE = ("Creative Commons Attribution 4.0 International (CC BY 4.0)", "CC BY 4.0")
DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CODE_LICENCE_URL = "https://opensource.org/license/mit"


@dataclass(frozen=True)
class SiteInfo:
    """What every page says about the site and who runs it."""

    #: The organisation's name, or None when `feeds.organisation` was left unset.
    organisation: str | None = None
    #: The header logo's address (`/site/logo` for a file) and its text alternative.
    logo_src: str | None = None
    logo_alt: str = ""
    contact_email: str = ""
    contact_url: str = ""
    contact_phone: str = ""
    description: str = ""
    #: The configured public address (no trailing slash), or None when left at the default.
    base_url: str | None = None
    #: The day the calendar data files last changed (in the configured time zone).
    data_updated: dt.date | None = None
    response_days: int = 5
    statement_prepared: dt.date = TESTED_ON
    statement_reviewed: dt.date | None = None
    known_issues: tuple[str, ...] = ()
    #: Extra image origins the logo needs in the Content-Security-Policy.
    image_origins: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        """The site's name as titles end: "EDI awareness calendar – NHS Example Trust"."""
        return f"{SITE_TITLE} – {self.organisation}" if self.organisation else SITE_TITLE

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_url or self.contact_phone)

    def canonical(self, path: str) -> str | None:
        """The public address of the page at `path` (with its query), when one is configured."""
        return f"{self.base_url}{path}" if self.base_url else None


#: The pages' Content-Security-Policy: only the site's own files (see edicalendar.web.headers).
PAGE_CSP = (
    b"default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; "
    b"img-src 'self' data:; form-action 'self'; "
    b"frame-ancestors 'none'; base-uri 'none'"
)


def page_policy(site: SiteInfo) -> str | None:
    """The pages' policy when the logo is on another host (whose images it must then allow),
    else None: the site-wide policy applies."""
    if not site.image_origins:
        return None
    extra = " ".join(site.image_origins).encode()
    return PAGE_CSP.replace(b"img-src 'self' data:", b"img-src 'self' data: " + extra).decode()


#: Where the server publishes a logo file.
LOGO_PATH = "/site/logo"
#: The site's own pages, as the footer links them on the server and in a static export.
PAGE_URLS = {"accessibility": "/accessibility", "about": "/about"}
STATIC_PAGE_URLS = {"accessibility": "accessibility.html", "about": "about.html"}


def long_date(day: dt.date) -> str:
    """A date as pages write it in full: "1 December 2026" ("1 Rhagfyr 2026" in Welsh)."""
    from edicalendar.i18n import format_day

    return format_day(day, "long")


def og_image(site: SiteInfo) -> str | None:
    """The absolute address of the image link previews show (the logo), when there is one."""
    if site.logo_src is None:
        return None
    if "://" in site.logo_src:
        return site.logo_src
    return site.canonical(site.logo_src) if site.logo_src.startswith("/") else None


DEFAULT_SITE = SiteInfo(description=Settings().site.description)
#: Set per request by :class:`SiteContext` (and by the static export for its pages).
site_info: ContextVar[SiteInfo] = ContextVar("edicalendar_site", default=DEFAULT_SITE)
#: The path and query of the page being rendered, for its canonical address.
page_path: ContextVar[str] = ContextVar("edicalendar_page_path", default="/")


def data_updated(calendars_dir: Path, timezone: dt.tzinfo) -> dt.date | None:
    """The day the newest calendar data file was written, or None when there are none.

    The files are the truth: an edit, a `dates confirm` or an upgrade that ships new data all
    rewrite one, so its modification time is when the published dates last changed.
    """
    try:
        times = [p.stat().st_mtime for p in calendars_dir.rglob("*.toml") if p.is_file()]
    except OSError:
        return None
    if not times:
        return None
    return dt.datetime.fromtimestamp(max(times), tz=dt.UTC).astimezone(timezone).date()


def site_from(settings: Settings, *, logo_is_file: bool, updated: dt.date | None) -> SiteInfo:
    """The :class:`SiteInfo` `settings` describe."""
    site = settings.site
    organisation = settings.feeds.organisation
    named = organisation if organisation != UNNAMED_ORGANISATION else None
    base = settings.feeds.base_url.rstrip("/")
    configured = base != FeedSettings.model_fields["base_url"].default.rstrip("/")
    logo_src: str | None = None
    origins: tuple[str, ...] = ()
    if site.logo:
        if logo_is_file:
            logo_src = LOGO_PATH
        else:
            logo_src = site.logo
            parts = urlsplit(site.logo)
            origins = (f"{parts.scheme}://{parts.netloc}",)
    return SiteInfo(
        organisation=named,
        logo_src=logo_src,
        logo_alt=site.logo_alt or named or SITE_TITLE,
        contact_email=site.contact_email,
        contact_url=site.contact_url,
        contact_phone=site.contact_phone,
        description=site.description,
        base_url=base if configured else None,
        data_updated=updated,
        response_days=site.response_days,
        statement_prepared=site.statement_prepared or TESTED_ON,
        statement_reviewed=site.statement_reviewed,
        known_issues=tuple(site.known_issues),
        image_origins=origins,
    )


def snapshot_site(snapshot: Snapshot) -> SiteInfo:
    """The site as the current data and settings describe it."""
    loaded = snapshot.ctx.loaded
    return site_from(
        loaded.settings,
        logo_is_file=loaded.logo_file is not None,
        updated=data_updated(loaded.calendars_dir, snapshot.ctx.timezone),
    )
