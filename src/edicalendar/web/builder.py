"""The subscribe page's feed builder: choices as form controls, and the feed they make.

The builder is a plain GET form whose fields are the feed parameters themselves
(:mod:`edicalendar.feeds.query`), so the page's own address (`/?category=race&eves=events`)
is shareable and the feed address it shows is `/feeds/all.ics` with the same, normalised
query. :func:`builder_view` turns a request's parameters into what the template shows: every
control with its state, the feed address and client links, and a preview of the next events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.occurrences import expand
from edicalendar.errors import QueryError
from edicalendar.feeds.options import MAX_ALARM_DAYS, Eves
from edicalendar.feeds.query import (
    FeedQuery,
    Kind,
    parse_feed_query,
    query_spec,
    traditions,
)
from edicalendar.feeds.specs import FeedSpec, find_spec
from edicalendar.i18n import _, ngettext, said
from edicalendar.model import CATEGORY_LABELS, Category, Occurrence
from edicalendar.web.views import OfferedFeed, offer

#: How many coming events the preview lists.
PREVIEW_EVENTS = 8
#: Reminder choices offered (days before); the feed parameter takes any 0 to 28.
ALARM_CHOICES = (0, 1, 2, 3, 7, 14)


@dataclass(frozen=True, slots=True)
class Choice:
    """One checkbox, radio button or list option."""

    value: str
    label: str
    checked: bool = False
    hint: str = ""


@dataclass(frozen=True)
class BuilderView:
    """Everything the builder section shows for one request."""

    kinds: list[Choice]
    categories: list[Choice]
    traditions: list[Choice]
    eves: list[Choice]
    alarms: list[Choice]
    #: The language the feed's names and event text are written in (`lang`).
    languages: list[Choice]
    expected: bool
    busy: bool
    #: The built feed, when the form was sent (None on a first visit or after an error).
    feed: OfferedFeed | None = None
    preview: list[Occurrence] = field(default_factory=list)
    error: str | None = None


def _shown_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    # A form sends every field; "no alarm" is an empty value, which the feed address leaves out.
    return [(k, v) for k, v in pairs if not (k == "alarm" and v == "")]


def builder_view(
    catalog: Catalog,
    specs: Sequence[FeedSpec],
    pairs: Iterable[tuple[str, str]],
    base_url: str,
    today: dt.date,
    language: str = "en",
) -> BuilderView:
    """The builder for the request's parameters; a bad value gives `error`, never a guess.

    `language` is the page's: a Welsh page offers a Welsh feed unless `lang` says otherwise."""
    chosen_traditions = traditions(catalog)
    error = None
    query = FeedQuery()
    sent = _shown_pairs(pairs)
    if sent and language != "en" and not any(k == "lang" for k, _v in sent):
        sent.append(("lang", language))
    try:
        query = parse_feed_query(sent, [t.name for t in chosen_traditions])
    except QueryError as exc:
        error = said(exc)  # a Message: the Welsh page says it in Welsh
    used = {o for obs in catalog.observances.values() for o in obs.categories}
    feed = None
    preview: list[Occurrence] = []
    if sent and error is None:
        spec = query_spec(
            find_spec(specs, "all"), query, {t.name: t.label for t in chosen_traditions}
        )
        feed = offer(spec, base_url, query.canonical())
        selection = spec.filters
        upcoming = expand(catalog, today, today + dt.timedelta(days=366)).occurrences
        preview = [
            o
            for o in upcoming
            if o.end >= today
            and selection.matches(o.observance_id, o.calendar, o.categories, o.also_in)
        ][:PREVIEW_EVENTS]
    options = query.options
    return BuilderView(
        kinds=[
            Choice(Kind.ALL.value, _("Everything"), query.kind is Kind.ALL),
            Choice(
                Kind.AWARENESS.value,
                _("Awareness dates only (no faith festivals)"),
                query.kind is Kind.AWARENESS,
            ),
            Choice(Kind.FAITH.value, _("Faith festivals only"), query.kind is Kind.FAITH),
        ],
        categories=[
            Choice(c.slug, _(CATEGORY_LABELS[c]), c in query.categories)
            for c in Category
            if c in used
        ],
        traditions=[Choice(t.name, t.label, t.name in query.traditions) for t in chosen_traditions],
        eves=[
            Choice(Eves.NONE.value, _("Show the first full day only"), options.eves is Eves.NONE),
            Choice(
                Eves.EVENTS.value,
                _("Add a separate event on the eve"),
                options.eves is Eves.EVENTS,
                _("For example “Rosh Hashanah begins at sunset” on the day before."),
            ),
            Choice(
                Eves.START.value,
                _("Start the event on the eve"),
                options.eves is Eves.START,
            ),
        ],
        alarms=[Choice("", _("No reminder"), options.alarm_days is None)]
        + [
            Choice(str(days), _alarm_label(days), options.alarm_days == days)
            for days in ALARM_CHOICES
        ]
        + (
            [Choice(str(options.alarm_days), _alarm_label(options.alarm_days), True)]
            if options.alarm_days is not None and options.alarm_days not in ALARM_CHOICES
            else []
        ),
        languages=[
            Choice("en", "English", options.language == "en" and (bool(sent) or language == "en")),
            Choice("cy", "Cymraeg", options.language == "cy" or (not sent and language == "cy")),
        ],
        expected=options.expected,
        busy=options.busy,
        feed=feed,
        preview=preview,
        error=error,
    )


def _alarm_label(days: int) -> str:
    if days == 0:
        return _("On the day, at 9am")
    return ngettext("%(num)d day before, at 9am", "%(num)d days before, at 9am", days) % {
        "num": days
    }


__all__ = ["MAX_ALARM_DAYS", "BuilderView", "Choice", "builder_view"]
