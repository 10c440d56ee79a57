"""What the about page and the accessibility statement say: the limits in force, the sources
cited, the licences.

Kept apart from the routes in :mod:`edicalendar.web.site_pages` so that the static export
writes the same pages without loading the web framework.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from edicalendar.config import Settings
from edicalendar.i18n import N_
from edicalendar.web.site import CODE_LICENCE_URL, DATA_LICENCE, DATA_LICENCE_URL, TESTED_ON

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog


@dataclass(frozen=True)
class Limit:
    """One limit the server enforces, as the about page lists it."""

    what: str
    limit: str


def api_limits(settings: Settings) -> Sequence[Limit]:
    """Every limit a script using the API or feeds can meet, with the numbers in force."""
    from edicalendar.calendar.search import MAX_QUERY_CHARS
    from edicalendar.web.feedserve import MAX_QUERY_BYTES
    from edicalendar.web.limits import MAX_BODY_BYTES
    from edicalendar.web.views import MAX_WINDOW_DAYS

    accounts = settings.accounts
    minutes = f"{accounts.signin_window_minutes:g}"
    return (
        Limit(
            N_("Request body (any form or API call)"),
            f"{MAX_BODY_BYTES // 1024} KB; larger is refused with 413 before it is read, and "
            "a body without a Content-Length is refused with 411",
        ),
        Limit(
            N_("Query string (pages, API and feeds)"),
            f"{MAX_QUERY_BYTES:,} bytes; longer is refused with 400",
        ),
        Limit(
            N_("Date range of one request (/api/occurrences, /api/clashes, the date check)"),
            f"{MAX_WINDOW_DAYS:,} days (ten years); longer is refused with 400",
        ),
        Limit(N_("Search query (/api/search, /search)"), f"{MAX_QUERY_CHARS} characters"),
        Limit(
            N_("Failed sign-ins"),
            f"{accounts.signin_failures_per_account} per account and "
            f"{accounts.signin_failures_per_address} per client address in {minutes} minutes; "
            "then sign-in is refused with 429 until the failures are that old",
        ),
        Limit(
            N_("How often to fetch a feed"),
            f"Feeds say to refresh every {settings.feeds.refresh} (REFRESH-INTERVAL); "
            "revalidate with If-None-Match to get 304 Not Modified",
        ),
    )


def accessibility_context() -> dict[str, Any]:
    return {"title": "Accessibility statement", "tested_on": TESTED_ON}


def source_hosts(catalog: Catalog) -> list[tuple[str, int]]:
    """The websites the catalog's observances cite, with how many observances cite each,
    most cited first."""
    counts: dict[str, int] = {}
    for observance in catalog.observances.values():
        hosts = set()
        for source in observance.sources:
            host = urlsplit(source).hostname if "://" in source else None
            if host:
                hosts.add(host.removeprefix("www."))
        for host in hosts:
            counts[host] = counts.get(host, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def about_context(settings: Settings, catalog: Catalog) -> dict[str, Any]:
    return {
        "title": "About this calendar",
        "source_hosts": source_hosts(catalog),
        "limits": api_limits(settings),
        "data_licence": DATA_LICENCE,
        "data_licence_url": DATA_LICENCE_URL,
        "code_licence_url": CODE_LICENCE_URL,
    }
