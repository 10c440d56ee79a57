"""The addresses a feed is offered under: https, webcal, Google and Outlook subscribe links.

One function for the served subscribe page and the exported one, so both spell every link the
same way (reference/ical-interop.md T5: webcal on the same host and path; Google takes the
webcal address in `cid`, whose `?`, `&` and `=` must be escaped so a feed's own query string
stays part of it, and the whole link must stay under 256 characters). Outlook on the web opens
its "Subscribe from web" form filled in from `addfromweb?url=...&name=...`: Microsoft 365 work
accounts (NHSmail) at outlook.office.com, personal accounts at outlook.live.com.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

#: Google Calendar silently fails to subscribe beyond this many characters.
GOOGLE_MAX_LENGTH = 256
#: Outlook on the web's subscribe-from-web form, for work accounts (Microsoft 365, NHSmail).
OUTLOOK_WORK = "https://outlook.office.com/calendar/0/addfromweb"
#: The same form for personal Outlook.com accounts.
OUTLOOK_PERSONAL = "https://outlook.live.com/calendar/0/addfromweb"


@dataclass(frozen=True, slots=True)
class FeedLinks:
    """How one feed can be reached: the https address and the client links built from it."""

    https: str
    webcal: str
    google: str
    outlook: str
    outlook_personal: str

    @property
    def google_fits(self) -> bool:
        """Whether Google's add-by-URL link is short enough for Google to accept."""
        return len(self.google) <= GOOGLE_MAX_LENGTH


def feed_links(base_url: str, name: str, *, query: str = "", title: str = "") -> FeedLinks:
    """The https, webcal, Google and Outlook links of the feed `name` under `base_url`.

    `name` may carry its own query (`all.ics?category=race` was once spelt so); `query` is a
    normalised feed query (see :mod:`edicalendar.feeds.query`) and `title` the calendar name
    Outlook fills in (it defaults to nothing, and Outlook then asks for one).
    """
    path = name if ".ics" in name else f"{name}.ics"
    https = f"{base_url.rstrip('/')}/feeds/{path}" + (f"?{query}" if query else "")
    webcal = "webcal://" + https.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=":/")
    params = {"url": https, **({"name": title} if title else {})}
    form = urlencode(params, quote_via=quote)
    return FeedLinks(https, webcal, google, f"{OUTLOOK_WORK}?{form}", f"{OUTLOOK_PERSONAL}?{form}")
