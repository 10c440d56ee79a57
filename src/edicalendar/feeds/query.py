"""Feed addresses with a query: which observances (categories, traditions, awareness or faith)
and how each event is shown (eves, how sure a date is in its title, busy days, a reminder alarm).

`/feeds/all.ics?category=race&category=religion-belief&eves=events&busy=1` is parsed here into a
:class:`FeedQuery`, the one reading shared by the web server, the static builder page and
`edicalendar feed --query`. Unknown parameters and values are refused with a
:class:`~edicalendar.errors.QueryError` naming the parameter, the value and what is accepted,
never ignored. :meth:`FeedQuery.canonical` spells an equivalent query one way only, so feeds are
cached per normalised query and the builder always shows the same address for the same choice.
Pure: the catalog is passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from edicalendar.calendar.filters import EVERYTHING, ObservanceFilter, Selector
from edicalendar.errors import QueryError
from edicalendar.feeds.options import MAX_ALARM_DAYS, PLAIN, Eves, FeedOptions
from edicalendar.i18n import N_, Message
from edicalendar.model import CATEGORY_LABELS, Category, Observance

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.feeds.specs import FeedSpec


class Kind(StrEnum):
    """Awareness dates, faith festivals, or both."""

    ALL = "all"
    AWARENESS = "awareness"
    FAITH = "faith"


@dataclass(frozen=True, slots=True)
class Tradition:
    """A faith tradition people can choose: a calendar whose observances are all faith dates."""

    name: str
    label: str


def traditions(catalog: Catalog) -> list[Tradition]:
    """The catalog's faith calendars, by label: those whose every observance is a faith date."""
    found: dict[str, list[bool]] = {}
    for observance in catalog.observances.values():
        found.setdefault(observance.calendar, []).append(
            Category.RELIGION_BELIEF in observance.categories
        )
    chosen = []
    for name, flags in found.items():
        if flags and all(flags):
            title = catalog.calendars[name].title
            label = title.split(": ", 1)[1] if ": " in title else title
            chosen.append(Tradition(name, label[:1].upper() + label[1:]))
    return sorted(chosen, key=lambda t: t.label.casefold())


@dataclass(frozen=True, slots=True)
class Selection:
    """Observances in any chosen category or tradition, narrowed to awareness or faith.

    Duck-types :class:`~edicalendar.calendar.filters.ObservanceFilter` (`matches`,
    `selects`), so feeds, change tracking and pages select through it the same way.
    """

    anyof: tuple[ObservanceFilter, ...]
    #: Every one must match: the named feed's own filter and the awareness/faith choice.
    within: tuple[Selector, ...]

    def matches(
        self,
        observance_id: str,
        calendar: str,
        categories: Collection[Category | str],
        also_in: Collection[str] = (),
    ) -> bool:
        if not all(w.matches(observance_id, calendar, categories, also_in) for w in self.within):
            return False
        return not self.anyof or any(
            f.matches(observance_id, calendar, categories, also_in) for f in self.anyof
        )

    def selects(self, observance: Observance) -> bool:
        return self.matches(
            observance.id, observance.calendar, observance.categories, observance.also_in
        )


@dataclass(frozen=True, slots=True)
class FeedQuery:
    """A feed address's query, parsed and validated."""

    categories: tuple[Category, ...] = ()
    traditions: tuple[str, ...] = ()
    kind: Kind = Kind.ALL
    options: FeedOptions = field(default=PLAIN)

    @property
    def selects_all(self) -> bool:
        """True when the query narrows nothing (options only, or nothing at all)."""
        return not self.categories and not self.traditions and self.kind is Kind.ALL

    @property
    def empty(self) -> bool:
        return self.selects_all and self.options.plain

    def selection(self, base: Selector = EVERYTHING) -> Selection:
        """Which observances the query keeps of those `base` (the named feed's filter) does."""
        anyof: list[ObservanceFilter] = []
        for category in self.categories:
            if category is Category.RELIGION_BELIEF and self.traditions:
                continue  # the chosen traditions say which faith dates
            anyof.append(ObservanceFilter(categories=(category,)))
        if self.traditions:
            anyof.append(ObservanceFilter(calendars=self.traditions))
        if self.kind is Kind.AWARENESS:
            within = ObservanceFilter(exclude_categories=(Category.RELIGION_BELIEF,))
        elif self.kind is Kind.FAITH:
            within = ObservanceFilter(categories=(Category.RELIGION_BELIEF,))
        else:
            within = ObservanceFilter()
        return Selection(tuple(anyof), (base, within))

    def pairs(self) -> list[tuple[str, str]]:
        """The query as parameters, spelt one way: categories and traditions in a fixed order,
        defaults left out."""
        pairs = [("category", c.slug) for c in self.categories]
        pairs += [("tradition", t) for t in self.traditions]
        if self.kind is not Kind.ALL:
            pairs.append(("kind", self.kind.value))
        options = self.options
        if options.eves is not Eves.NONE:
            pairs.append(("eves", options.eves.value))
        if options.expected:
            pairs.append(("expected", "1"))
        if options.busy:
            pairs.append(("busy", "1"))
        if options.alarm_days is not None:
            pairs.append(("alarm", str(options.alarm_days)))
        if options.language != "en":
            pairs.append(("lang", options.language))
        return pairs

    def canonical(self) -> str:
        """The normalised query string (no `?`); "" for the plain feed."""
        return urlencode(self.pairs())

    def describe(self, tradition_labels: Mapping[str, str]) -> str:
        """What the feed carries, in words: "Race, Judaism; awareness dates only; with eves"."""
        chosen = [CATEGORY_LABELS[c] for c in self.categories]
        if self.traditions:
            chosen = [c for c in chosen if c != CATEGORY_LABELS[Category.RELIGION_BELIEF]]
            chosen += [tradition_labels.get(t, t) for t in self.traditions]
        parts = [", ".join(chosen)] if chosen else []
        if self.kind is Kind.AWARENESS:
            parts.append("awareness dates only")
        elif self.kind is Kind.FAITH:
            parts.append("faith festivals only")
        words = self.options.describe()
        if words:
            parts.append("with " + ", ".join(words))
        return "; ".join(parts)


PARAMETERS = ("category", "tradition", "kind", "eves", "expected", "busy", "alarm", "lang")
#: Languages a feed is written in (`lang`): English, the default, and Welsh.
FEED_LANGUAGES = ("en", "cy")
_TRUE = {"1": True, "true": True, "yes": True, "on": True}
_FALSE = {"0": False, "false": False, "no": False, "off": False}
_EVES = {"1": Eves.EVENTS, "true": Eves.EVENTS, "0": Eves.NONE, "false": Eves.NONE}


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _flag(name: str, value: str) -> bool:
    key = value.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise QueryError(
        Message(
            N_("%(name)s: %(value)s is not a yes or no; use %(name)s=1 or %(name)s=0"),
            name=name,
            value=_shown(value),
        )
    )


def parse_category(value: str, name: str = "category") -> Category:
    """A category from any spelling people use (`religion-belief`, `religion_belief`)."""
    try:
        return Category(value)
    except ValueError:
        known = ", ".join(c.slug for c in Category)
        raise QueryError(
            Message(
                N_("%(name)s: %(value)s is not a category; use one of: %(known)s"),
                name=name,
                value=_shown(value),
                known=known,
            )
        ) from None


def parse_feed_query(
    pairs: Iterable[tuple[str, str]], tradition_names: Sequence[str] = ()
) -> FeedQuery:
    """Parse a feed address's parameters; any unknown parameter or value is a QueryError.

    `tradition_names` are the calendars accepted as `tradition` (see :func:`traditions`).
    Repeating `category` or `tradition` adds to the choice; repeating any other is an error.
    """
    categories: list[Category] = []
    chosen_traditions: list[str] = []
    single: dict[str, str] = {}
    for key, value in pairs:
        if key == "category":
            category = parse_category(value)
            if category not in categories:
                categories.append(category)
        elif key == "tradition":
            wanted = value.strip().lower()
            if wanted not in tradition_names:
                known = ", ".join(tradition_names) or Message(N_("none in this calendar"))
                raise QueryError(
                    Message(
                        N_("tradition: %(value)s is not a tradition; use one of: %(known)s"),
                        value=_shown(value),
                        known=known,
                    )
                )
            if wanted not in chosen_traditions:
                chosen_traditions.append(wanted)
        elif key in PARAMETERS:
            if key in single and single[key] != value:
                raise QueryError(
                    Message(
                        N_("%(name)s: give it once (it was given as %(first)s and %(second)s)"),
                        name=key,
                        first=repr(single[key]),
                        second=repr(value),
                    )
                )
            single[key] = value
        else:
            raise QueryError(
                Message(
                    N_("%(name)s is not a feed parameter; feeds take: %(known)s"),
                    name=_shown(key),
                    known=", ".join(PARAMETERS),
                )
            )
    kind = Kind.ALL
    if "kind" in single:
        try:
            kind = Kind(single["kind"].strip().lower())
        except ValueError:
            raise QueryError(
                Message(
                    N_("kind: %(value)s is not a kind; use all, awareness or faith"),
                    value=_shown(single["kind"]),
                )
            ) from None
    eves = Eves.NONE
    if "eves" in single:
        text = single["eves"].strip().lower()
        try:
            eves = _EVES[text] if text in _EVES else Eves(text)
        except ValueError:
            raise QueryError(
                Message(
                    N_(
                        "eves: %(value)s is not a choice; use eves=events (a separate event on "
                        "the eve), eves=start (events start on the eve) or eves=none"
                    ),
                    value=_shown(single["eves"]),
                )
            ) from None
    alarm: int | None = None
    if "alarm" in single:
        text = single["alarm"].strip()
        if not text.isdigit() or int(text) > MAX_ALARM_DAYS:
            raise QueryError(
                Message(
                    N_(
                        "alarm: %(value)s is not a number of days from 0 to %(most)s; alarm=2 "
                        "reminds you at 09:00 two days before"
                    ),
                    value=_shown(single["alarm"]),
                    most=MAX_ALARM_DAYS,
                )
            )
        alarm = int(text)
    language = single.get("lang", "en").strip().lower()
    if language not in FEED_LANGUAGES:
        raise QueryError(
            Message(
                N_(
                    "lang: %(value)s is not a language of the feeds; use lang=cy for Welsh or "
                    "lang=en for English"
                ),
                value=_shown(single["lang"]),
            )
        )
    order = {c: i for i, c in enumerate(Category)}
    rank = {t: i for i, t in enumerate(tradition_names)}
    return FeedQuery(
        categories=tuple(sorted(categories, key=order.__getitem__)),
        traditions=tuple(sorted(chosen_traditions, key=rank.__getitem__)),
        kind=kind,
        options=FeedOptions(
            eves=eves,
            expected=_flag("expected", single["expected"]) if "expected" in single else False,
            busy=_flag("busy", single["busy"]) if "busy" in single else False,
            alarm_days=alarm,
            language=language,
        ),
    )


def parse_query_string(query: str | bytes, tradition_names: Sequence[str] = ()) -> FeedQuery:
    """:func:`parse_feed_query` of a raw query string (`category=race&eves=events`)."""
    text = query.decode("latin-1") if isinstance(query, bytes) else query
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError:
        raise QueryError(
            Message(
                N_("the query %(query)s is not name=value pairs joined by &"), query=_shown(text)
            )
        ) from None
    return parse_feed_query(pairs, tradition_names)


def query_spec(spec: FeedSpec, query: FeedQuery, tradition_labels: Mapping[str, str]) -> FeedSpec:
    """The feed `spec` narrowed and written as `query` says, titled with what it carries.

    The title is the calendar's name in people's calendar apps (and in the Outlook link), so it
    says what was chosen: "EDI calendar: Race, Religion or belief; with eves".
    """
    from edicalendar.feeds.specs import FeedSpec

    if query.empty:
        return spec
    what = query.describe(tradition_labels)
    base_title, description = spec.title, spec.description
    if query.options.language == "cy":
        from edicalendar.feeds.welsh import feed_title

        base_title, description = feed_title(spec.name, spec.title, spec.description)
    if spec.name == "all" and not query.selects_all and query.options.language == "en":
        title = f"EDI calendar: {what}"
    else:
        title = f"{base_title} ({what})" if what else base_title
    return FeedSpec(
        name=spec.name,
        title=title,
        description=description,
        filters=spec.filters if query.selects_all else query.selection(spec.filters),
        options=query.options,
    )
