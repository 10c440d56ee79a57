"""The addresses a feed is offered under: https, webcal, and Google Calendar's add-by-URL link.

One function for the served subscribe page and the exported one, so both spell every link the
same way (reference/ical-interop.md T5: webcal on the same host and path; Google takes the
webcal address in `cid`, whose `?`, `&` and `=` must be escaped so a feed's own query string
stays part of it, and the whole link must stay under 256 characters).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

#: Google Calendar silently fails to subscribe beyond this many characters.
GOOGLE_MAX_LENGTH = 256


@dataclass(frozen=True, slots=True)
class FeedLinks:
    """How one feed can be reached: the https address and the client links built from it."""

    https: str
    webcal: str
    google: str


def feed_links(base_url: str, name: str) -> FeedLinks:
    """The https, webcal and Google add-by-URL links of the feed `name` under `base_url`."""
    https = f"{base_url.rstrip('/')}/feeds/{name}.ics"
    webcal = "webcal://" + https.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=":/")
    return FeedLinks(https, webcal, google)
