"""HTML rendering for the web pages: one Jinja2 environment with autoescaping always on.

Every page extends `base.html` (language, landmarks, skip link, navigation). Observance and
campaign text comes from data files that many people edit, so nothing is ever marked safe: the
templates print it escaped, and no template uses the `|safe` filter.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from edicalendar import i18n
from edicalendar.calendar.freezes import RESTRICTION_LABELS
from edicalendar.calendar.occurrence_records import EVENING_BEFORE, date_notes, margin_text
from edicalendar.calendar.search import MAX_QUERY_CHARS
from edicalendar.feeds import welsh as welsh_feed
from edicalendar.i18n import N_, ngettext
from edicalendar.model import ASSET_STATUS_STEPS, CATEGORY_LABELS, AssetStatus, Role
from edicalendar.mutations import after_prepositions
from edicalendar.urls import public_url
from edicalendar.web.language import is_page, localise_links, welsh_path
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
from edicalendar.web.words import AUDIENCES

if TYPE_CHECKING:
    from starlette.responses import HTMLResponse

    from edicalendar.accounts.people import Person
    from edicalendar.model import Occurrence


#: The site's own name, before any organisation's (wallcharts print it too).
SITE_NAME = SITE_TITLE

NAV: tuple[tuple[str, str], ...] = (
    ("/", N_("Subscribe")),
    ("/calendar", N_("Calendar")),
    ("/clashes", N_("Check a date")),
)
#: Shown only once somebody can sign in: before that it would lead nowhere.
PRIVATE_NAV: tuple[tuple[str, str], ...] = (
    ("/campaigns", N_("Campaigns")),
    ("/freezes", N_("Freezes")),
)
#: Shown to a signed-in person.
PERSON_NAV: tuple[tuple[str, str], ...] = (("/my-work", N_("My work")),)


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
    400: N_("Check what you asked for"),
    401: N_("Sign-in needed"),
    403: N_("Not available"),
    404: N_("Page not found"),
    405: N_("Method not allowed"),
    411: N_("Length needed"),
    413: N_("Too much sent"),
    422: N_("Check what you asked for"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    502: N_("Sign-in provider unavailable"),
    503: N_("Not available just now"),
}

_env = Environment(
    loader=PackageLoader("edicalendar.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
    # A sentence from the core (a freeze's period, a history entry) in the page's language.
    finalize=lambda value: value.translated() if isinstance(value, i18n.Message) else value,
)
# Newstyle gettext: `_("Next %(n)s", n=...)` formats and escapes its values itself.
_env.install_gettext_callables(  # type: ignore[attr-defined]
    lambda message: i18n.gettext(message),
    lambda singular, plural, count: i18n.ngettext(singular, plural, count),
    newstyle=True,
)


def _formatted(text: str, values: dict[str, Any]) -> Markup:
    """A translated message with its values escaped into it, as newstyle gettext formats it,
    and a month or weekday name after a Welsh preposition mutated ("drwy Fawrth")."""
    template, shown = after_prepositions(text, values)
    return Markup(template) % shown


def _template_gettext(message: str, /, **values: Any) -> Markup:
    return _formatted(i18n.gettext(message), values)


def _template_ngettext(singular: str, plural: str, num: int, /, **values: Any) -> Markup:
    values.setdefault("num", num)
    return _formatted(i18n.ngettext(singular, plural, num), values)


# The templates' `_()`, `gettext()` and `ngettext()` (the extension's `_` calls `gettext`).
_env.globals.update(gettext=_template_gettext, ngettext=_template_ngettext)
_env.globals["format_day"] = lambda day, style="long": i18n.format_day(day, style)


def http_url(value: str | None) -> str | None:
    """`value` when it is a link we publish (:func:`edicalendar.urls.public_url`), else None:
    data must never put a `javascript:` link on a page, even data loaded before it was checked."""
    return public_url(value)


_env.filters["http_url"] = http_url
_env.globals["long_date"] = long_date


def time_tag(day: dt.date) -> Markup:
    """`<time datetime="2027-03-01">1 March 2027</time>`, in the page's language."""
    return Markup('<time datetime="{}">{}</time>').format(day.isoformat(), long_date(day))


_env.globals["time_tag"] = time_tag


def observance_name(item: Any) -> Markup:
    """An observance's name in the page's language. A Welsh page gives the Welsh name where a
    Welsh source publishes one, else the English name marked `lang="en"` for screen readers."""
    name = str(item.name)
    if i18n.language.get() != "cy":
        return Markup.escape(name)
    welsh = getattr(item, "name_cy", None)
    if welsh:
        return Markup.escape(welsh)
    return Markup('<span lang="en">{}</span>').format(name)


def name_lang(item: Any) -> Markup:
    """` lang="en"` on a Welsh page for an observance given by its English name (for places
    where :func:`observance_name` cannot put a `<span>`, such as an `<option>`)."""
    if i18n.language.get() == "cy" and not getattr(item, "name_cy", None):
        return Markup(' lang="en"')
    return Markup("")


def plain_name(item: Any) -> str:
    """:func:`observance_name` as plain text (for titles and attributes)."""
    welsh = getattr(item, "name_cy", None)
    return str(welsh) if i18n.language.get() == "cy" and welsh else str(item.name)


def short_time(day: dt.date) -> Markup:
    """`<time>` with a short date ("Mon 1 Mar 2027", "Llun 1 Maw 2027")."""
    return Markup('<time datetime="{}">{}</time>').format(
        day.isoformat(), i18n.format_day(day, "short")
    )


def margin(days: int) -> str:
    """How far a date may move, in the page's language: "±1 day", "±1 diwrnod"."""
    return ngettext("±%(num)d day", "±%(num)d days", days) % {"num": days}


def page_notes(occurrence: Occurrence) -> list[tuple[str, bool]]:
    """The notes explaining an occurrence's date (:func:`date_notes`) as a page in the current
    language gives them, each with whether it is English on a Welsh page (for `lang="en"`).

    On a Welsh page the convention sentence is written in Welsh from the convention names and
    Welsh dates; a note from the data or a rule (why a date moved) stays in English.
    """
    if i18n.language.get() == i18n.DEFAULT:
        return [(text, False) for text in date_notes(occurrence)]
    notes = []
    convention = _welsh_convention_text(occurrence)
    if convention:
        notes.append((convention, False))
    if occurrence.note and not isinstance(occurrence.note, i18n.Message):
        notes.append((occurrence.note, True))
    return notes


def _welsh_convention_text(occurrence: Occurrence) -> str:
    """:func:`edicalendar.calendar.occurrence_records.convention_text` in the page's language."""
    return welsh_feed.convention_text(occurrence, i18n.language.get())


def english_attribute() -> Markup:
    """` lang="en"` on a Welsh page, for text that exists only in English; else nothing."""
    return Markup(' lang="en"') if i18n.language.get() == "cy" else Markup("")


def freeze_title(freeze: Any) -> Markup:
    """A freeze's kind and reason ("General election pre-election period: 4 July 2024") in the
    page's language: the kind is ours to translate, the reason is what someone typed."""
    if i18n.language.get() == i18n.DEFAULT:
        return Markup.escape(freeze.title)
    label = i18n.gettext(freeze.label)
    return Markup('{}{}: <span lang="en">{}</span>').format(
        label[:1].upper(), label[1:], freeze.reason
    )


def moment(when: dt.datetime) -> str:
    """A time of day on a date, as history lists write it: "5 Mar 2026 10:00"."""
    if i18n.language.get() == i18n.DEFAULT:
        return when.strftime("%-d %b %Y %H:%M")
    return f"{i18n.format_day(when.date(), 'medium')} {when:%H:%M}"


def period_label(period: Any) -> str:
    """A plan period as its heading names it: "January to March 2026", "Ionawr i Mawrth 2026"."""
    if i18n.language.get() == i18n.DEFAULT:
        return str(period.label)
    month = i18n.format_day(period.end, "month")
    if period.kind != "quarter":
        return month
    first = dict(i18n.month_names())[period.start.month]
    return i18n.gettext("%(first)s to %(last)s") % {"first": first, "last": month}


def shown_text(text: object) -> object:
    """`text` as the page's language shows it (:func:`edicalendar.i18n.in_language`); a name
    from data that this language has no name for, inside a sentence said in it, is marked
    `lang="en"` so screen readers say it as English."""
    if not isinstance(text, str):
        return text
    shown, english = i18n.in_language(text)
    names = text.english_names() if isinstance(text, i18n.Message) and not english else []
    if not names:
        return shown
    marked = escape(shown)
    for name in sorted(set(names), key=len, reverse=True):
        marked = Markup(
            marked.replace(escape(name), Markup('<span lang="en">{}</span>').format(name))
        )
    return marked


def said_html(text: object) -> Markup:
    """A sentence from the core as the page's language says it, escaped for HTML: on a Welsh
    page a :class:`~edicalendar.i18n.Message` goes through the catalogue with its values, and
    each part that stays English (a name or note from data with no Welsh, a message the
    catalogue does not have) is marked `<span lang="en">`; other text is given as
    :func:`shown_text` gives it, marked whole when it is English."""
    if i18n.language.get() == i18n.DEFAULT or not isinstance(text, str):
        return Markup.escape(text)
    if isinstance(text, i18n.Message):
        return _said_markup(text)
    shown, english = i18n.in_language(text)
    return Markup('<span lang="en">{}</span>').format(shown) if english else Markup.escape(shown)


def _said_markup(message: i18n.Message) -> Markup:
    lang = i18n.language.get()
    # Whether the message's own words are Welsh; each value is looked at on its own below.
    if i18n.Message(message.msgid).untranslated() or message.capitalised:
        shown, english = i18n.in_language(message)
        return (
            Markup('<span lang="en">{}</span>').format(shown) if english else Markup.escape(shown)
        )
    values = {k: _said_value(v, lang) for k, v in message.values.items()}
    return _formatted(i18n.gettext(message.msgid), values)


def _said_value(value: object, lang: str) -> object:
    """One value of a message as :func:`_said_markup` puts it in: plain text where nothing in
    it is marked (so a Welsh month or weekday after a preposition still mutates), else HTML."""
    if isinstance(value, i18n.Message):
        html = _said_markup(value)
        plain = value.translated(lang)
        return str(plain) if html == Markup.escape(plain) else html
    if isinstance(value, i18n.Named):
        shown = value.translated(lang)
        return (
            Markup('<span lang="en">{}</span>').format(shown) if shown == value.english else shown
        )
    if isinstance(value, i18n.Day):
        return value.translated(lang)
    return value


def english_if(text: str) -> Markup:
    """` lang="en"` when `text` is English on a Welsh page (a message from elsewhere that the
    catalogue does not have); else nothing."""
    return Markup(' lang="en"') if i18n.in_language(text)[1] else Markup("")


def mail_link(address: str) -> Markup:
    """An email address as a mailto: link."""
    return Markup('<a href="mailto:{0}">{0}</a>').format(address)


_env.globals["mail_link"] = mail_link
_env.globals["en_attr"] = english_attribute
_env.globals["en_if"] = english_if
_env.globals["said"] = said_html
_env.globals["freeze_title"] = freeze_title
_env.globals["moment"] = moment
_env.globals["period_label"] = period_label
_env.globals["audience_words"] = AUDIENCES
_env.filters["shown"] = shown_text
_env.globals["oname"] = observance_name
_env.globals["pname"] = plain_name
_env.globals["name_lang"] = name_lang
_env.globals["short_time"] = short_time
_env.globals["margin"] = margin
# The caveats every shown date carries ("±1 day", "begins the evening before"), worded once.
_env.globals["margin_text"] = margin_text
_env.globals["date_notes"] = date_notes
_env.globals["page_notes"] = page_notes
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
    lang = i18n.language.get()
    path = page_path.get()
    english_path = _without_lang(path)
    values: dict[str, Any] = {
        "site": site,
        "site_name": i18n.gettext(SITE_TITLE)
        + (f" – {site.organisation}" if site.organisation else ""),
        "site_title": SITE_TITLE,
        "canonical": site.canonical(welsh_path(english_path) if lang == "cy" else english_path),
        "lang": lang,
        "html_lang": "cy" if lang == "cy" else "en-GB",
        #: The same page in each language, for the switch and the hreflang alternates (pages
        #: only; an export with --welsh links its Welsh copies through `static_switch`).
        "alternates": None
        if static_site or not is_page(english_path)
        else {"en": english_path, "cy": welsh_path(english_path)},
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
    text = _env.get_template(template).render(**values)
    return localise_links(text) if lang == "cy" and not static_site else text


def _without_lang(path: str) -> str:
    """`path` without a `lang` query parameter (the language is in the address instead)."""
    base, _, query = path.partition("?")
    kept = "&".join(p for p in query.split("&") if p and not p.startswith("lang="))
    return f"{base}?{kept}" if kept else base


def page(template: str, *, status: int = 200, current: str = "", **context: Any) -> HTMLResponse:
    """An HTML response for a page template."""
    return _html(render_text(template, current=current, **context), status)


def _html(text: str, status: int) -> HTMLResponse:
    # Imported here: the static export and the wallchart render pages without a server.
    from starlette.responses import HTMLResponse

    response = HTMLResponse(text, status_code=status)
    policy = page_policy(site_info.get())
    if policy is not None:
        response.headers["Content-Security-Policy"] = policy
    return response


def error_text(
    status: int, message: str, hint: str | None = None, link: tuple[str, str] | None = None
) -> str:
    """The HTML of an error page: a heading for the status, the reason in plain words, and
    optionally a hint and a link (address, text) to the way forward.

    On a Welsh page each text is given in Welsh when the catalogue has it (see
    :func:`edicalendar.i18n.in_language`), else in English marked `lang="en"`.
    """
    title = STATUS_TITLES.get(status, N_("Error"))
    return render_text(
        "error.html",
        title=title,
        message=i18n.in_language(message),
        hint=None if hint is None else i18n.in_language(hint),
        link=None if link is None else (link[0], *i18n.in_language(link[1])),
    )


def error_page(
    status: int, message: str, hint: str | None = None, link: tuple[str, str] | None = None
) -> HTMLResponse:
    """An HTML error page response."""
    return _html(error_text(status, message, hint, link), status)
