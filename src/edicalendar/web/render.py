"""HTML rendering for the web pages: one Jinja2 environment with autoescaping always on.

Every page extends `base.html` (language, landmarks, skip link, navigation). Observance and
campaign text comes from data files that many people edit, so nothing is ever marked safe: the
templates print it escaped, and no template uses the `|safe` filter.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.responses import HTMLResponse

from edicalendar.calendar.freezes import RESTRICTION_LABELS
from edicalendar.calendar.occurrence_records import EVENING_BEFORE, date_notes, margin_text
from edicalendar.calendar.search import MAX_QUERY_CHARS
from edicalendar.model import ASSET_STATUS_STEPS, CATEGORY_LABELS, AssetStatus, Role
from edicalendar.urls import public_url
from edicalendar.web.site import (
    PAGE_URLS,
    SITE_TITLE,
    STATIC_PAGE_URLS,
    long_date,
    og_image,
    page_path,
    page_policy,
    site_info,
)

if TYPE_CHECKING:
    from edicalendar.accounts.people import Person


NAV: tuple[tuple[str, str], ...] = (
    ("/", "Subscribe"),
    ("/calendar", "Calendar"),
    ("/clashes", "Check a date"),
)
#: Shown only once somebody can sign in: before that it would lead nowhere.
PRIVATE_NAV: tuple[tuple[str, str], ...] = (("/campaigns", "Campaigns"), ("/freezes", "Freezes"))
#: Shown to a signed-in person.
PERSON_NAV: tuple[tuple[str, str], ...] = (("/my-work", "My work"),)


@dataclass(frozen=True, slots=True)
class Chrome:
    """What the header of a page shows for the current request: whether the private pages
    exist, who is signed in, and their session's CSRF token for the forms."""

    private: bool = False
    person: Person | None = None
    csrf_token: str | None = None
    #: "Sign in with ..." when single sign-on is configured.
    oidc_label: str | None = None


#: Set per request by :class:`edicalendar.web.auth.Identify`; the default is a public page.
chrome: ContextVar[Chrome] = ContextVar("edicalendar_chrome", default=Chrome())  # noqa: B039 (frozen)


STATUS_TITLES = {
    400: "Check what you asked for",
    401: "Sign-in needed",
    403: "Not available",
    404: "Page not found",
    405: "Method not allowed",
    411: "Length needed",
    413: "Too much sent",
    422: "Check what you asked for",
    429: "Too many attempts",
    500: "Something went wrong",
    502: "Sign-in provider unavailable",
    503: "Not available just now",
}

_env = Environment(
    loader=PackageLoader("edicalendar.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def http_url(value: str | None) -> str | None:
    """`value` when it is a link we publish (:func:`edicalendar.urls.public_url`), else None:
    data must never put a `javascript:` link on a page, even data loaded before it was checked."""
    return public_url(value)


_env.filters["http_url"] = http_url
_env.globals["long_date"] = long_date
# The caveats every shown date carries ("±1 day", "begins the evening before"), worded once.
_env.globals["margin_text"] = margin_text
_env.globals["date_notes"] = date_notes
_env.globals["evening_before"] = EVENING_BEFORE
#: How each freeze restriction is worded, for the freeze notices on calendar pages.
_env.globals["freeze_labels"] = RESTRICTION_LABELS
#: The asset statuses offered in lists, in the order work moves through them, then `ready`
#: (which campaign files may still use; lists show it only for an asset that has it).
_env.globals["asset_statuses"] = [s.value for s in ASSET_STATUS_STEPS] + [AssetStatus.READY.value]


def render_text(
    template: str, *, current: str = "", static_site: bool = False, **context: Any
) -> str:
    """Render a page template to text with the site-wide context filled in.

    With `static_site` the page is for `edicalendar export`: no links to the server's dynamic
    pages, and the stylesheet is read from `static/` beside the page.
    """
    here = Chrome() if static_site else chrome.get()
    site = site_info.get()
    values: dict[str, Any] = {
        "site": site,
        "site_name": site.title,
        "site_title": SITE_TITLE,
        "canonical": site.canonical(page_path.get()),
        #: What link previews and search results say about this page (else the site's text).
        "page_description": None,
        "og_image": og_image(site),
        "logo_src": site.logo_src,
        "page_urls": STATIC_PAGE_URLS if static_site else PAGE_URLS,
        "nav": ()
        if static_site
        else NAV + (PRIVATE_NAV if here.private else ()) + (PERSON_NAV if here.person else ()),
        #: Whether the person may plan campaigns (editors and admins).
        "can_plan": here.person is not None and here.person.role.allows(Role.EDITOR),
        "chrome": here,
        "csrf_token": here.csrf_token or "",
        "home": "index.html" if static_site else "/",
        "static_root": "static/" if static_site else "/static/",
        "static_site": static_site,
        "current": current,
        "labels": CATEGORY_LABELS,
        #: What the header's search box holds (the search page passes the query).
        "search_query": "",
        "search_max": MAX_QUERY_CHARS,
    }
    values.update(context)
    return _env.get_template(template).render(**values)


def page(template: str, *, status: int = 200, current: str = "", **context: Any) -> HTMLResponse:
    """An HTML response for a page template."""
    return _html(render_text(template, current=current, **context), status)


def _html(text: str, status: int) -> HTMLResponse:
    response = HTMLResponse(text, status_code=status)
    policy = page_policy(site_info.get())
    if policy is not None:
        response.headers["Content-Security-Policy"] = policy
    return response


def error_text(
    status: int, message: str, hint: str | None = None, link: tuple[str, str] | None = None
) -> str:
    """The HTML of an error page: a heading for the status, the reason in plain words, and
    optionally a hint and a link (address, text) to the way forward."""
    title = STATUS_TITLES.get(status, "Error")
    return render_text("error.html", title=title, message=message, hint=hint, link=link)


def error_page(
    status: int, message: str, hint: str | None = None, link: tuple[str, str] | None = None
) -> HTMLResponse:
    """An HTML error page response."""
    return _html(error_text(status, message, hint, link), status)
