"""Frozen value objects shared by every part of edicalendar.

Observances and their date rules come from `calendars/*.toml`; an :class:`Occurrence` is one
observance on concrete dates in one year; campaigns from `campaigns/*.toml` hang comms work
(assets, tasks, reminders) on observances. Everything here is immutable and does no I/O.
Dates are all-day dates in the observance's local calendar and `end` is inclusive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

#: The years every shipped rule can date (the narrowest tables: lunisolar festivals from 1950,
#: the Islamic calendar to 2076). Commands taking --year accept these and no others.
DATED_YEARS = (1950, 2076)


class Category(StrEnum):
    """The nine Equality Act 2010 protected characteristics plus two broader groups."""

    AGE = "age"
    DISABILITY = "disability"
    GENDER_REASSIGNMENT = "gender_reassignment"
    MARRIAGE_CIVIL_PARTNERSHIP = "marriage_civil_partnership"
    PREGNANCY_MATERNITY = "pregnancy_maternity"
    RACE = "race"
    RELIGION_BELIEF = "religion_belief"
    SEX = "sex"
    SEXUAL_ORIENTATION = "sexual_orientation"
    HEALTH_WELLBEING = "health_wellbeing"
    GENERAL_EDI = "general_edi"

    @classmethod
    def _missing_(cls, value: object) -> Category | None:
        # Feed addresses spell names with hyphens (/feeds/religion-belief.ics): accept
        # `religion-belief`, `religion_belief` and any case, in queries, the API and the CLI.
        if isinstance(value, str):
            wanted = value.strip().lower().replace("-", "_")
            for member in cls:
                if member.value == wanted:
                    return member
        return None

    @property
    def slug(self) -> str:
        """The name as feed addresses spell it: `religion-belief`."""
        return self.value.replace("_", "-")


#: How each category is named to people (pages, feed CATEGORIES, CLI tables).
CATEGORY_LABELS: Mapping[Category, str] = {
    Category.AGE: "Age",
    Category.DISABILITY: "Disability",
    Category.GENDER_REASSIGNMENT: "Gender reassignment",
    Category.MARRIAGE_CIVIL_PARTNERSHIP: "Marriage and civil partnership",
    Category.PREGNANCY_MATERNITY: "Pregnancy and maternity",
    Category.RACE: "Race",
    Category.RELIGION_BELIEF: "Religion or belief",
    Category.SEX: "Sex",
    Category.SEXUAL_ORIENTATION: "Sexual orientation",
    Category.HEALTH_WELLBEING: "Health and wellbeing",
    Category.GENERAL_EDI: "General EDI",
}


class Status(StrEnum):
    """How sure a date is (DESIGN 4.1)."""

    #: A fixed rule, or a date the organiser announced for that year, recorded with a source.
    CONFIRMED = "confirmed"
    #: A rule-based guess for an event whose organiser sets dates each year and has not yet.
    PROVISIONAL = "provisional"
    #: An astronomical or tabular prediction that local observation may move by `may_vary_days`.
    ESTIMATED = "estimated"


class Tone(StrEnum):
    """How an observance should be spoken about in communications."""

    #: A celebration of identity, faith or achievement: "Happy Diwali" is right.
    CELEBRATORY = "celebratory"
    #: An anniversary or awareness day marked with respect and learning.
    COMMEMORATIVE = "commemorative"
    #: Remembrance of death, violence or harm, or a fast of mourning: never "happy".
    SOLEMN = "solemn"


class Weekday(StrEnum):
    """Weekday names as written in data files; `index` follows `date.weekday()` (Monday = 0)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        """Monday = 0 ... Sunday = 6, as `date.weekday()` counts."""
        return list(Weekday).index(self)


# --- date rules -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FixedRule:
    """The same month and day every year (International Women's Day: 8 March)."""

    month: int
    day: int


@dataclass(frozen=True, slots=True)
class SpanRule:
    """A fixed run of days; it crosses the year end when the end comes before the start."""

    start_month: int
    start_day: int
    end_month: int
    end_day: int


@dataclass(frozen=True, slots=True)
class MonthRule:
    """A whole Gregorian month (Black History Month in the UK: October)."""

    month: int


@dataclass(frozen=True, slots=True)
class NthWeekdayRule:
    """The nth weekday of a month; `nth = -1` is the last. Weeks come from `duration_days`."""

    month: int
    weekday: Weekday
    nth: int
    offset_days: int = 0


class EasterCalendar(StrEnum):
    WESTERN = "western"
    ORTHODOX = "orthodox"


@dataclass(frozen=True, slots=True)
class EasterRule:
    """Days relative to Easter Sunday (Western Gregorian or Orthodox Julian computus)."""

    offset_days: int
    calendar: EasterCalendar = EasterCalendar.WESTERN


@dataclass(frozen=True, slots=True)
class RRuleRule:
    """An RFC 5545 recurrence rule, evaluated from 1 January of each year."""

    rrule: str


@dataclass(frozen=True, slots=True)
class HijriRule:
    """A Hijri month and day (Umm al-Qura), or the whole Hijri month when `whole_month`."""

    month: int
    day: int = 1
    whole_month: bool = False


@dataclass(frozen=True, slots=True)
class HebrewRule:
    """A Hebrew month and day. `adar` means Adar II in leap years (Purim); `adar_i` is explicit."""

    month: str
    day: int


@dataclass(frozen=True, slots=True)
class LunisolarRule:
    """A Hindu, Sikh, Buddhist or Chinese festival known to the lunisolar engine by name."""

    festival: str


@dataclass(frozen=True, slots=True)
class SolarTermRule:
    """An equinox or solstice, on the day a tradition reckons it (Persian Nowruz, Yule)."""

    term: str
    place: str = "london"
    day_starts: str = "midnight"


@dataclass(frozen=True, slots=True)
class BadiRule:
    """A Badí' (Bahá'í) calendar date, or one of the Twin Holy Days (`holy_day`)."""

    month: str | None = None
    day: int = 1
    holy_day: str | None = None
    whole_month: bool = False


@dataclass(frozen=True, slots=True)
class TibetanRule:
    """A day of the Tibetan (Phugpa) lunisolar year; month 1 day 1 is Losar."""

    month: int = 1
    day: int = 1


@dataclass(frozen=True, slots=True)
class EthiopianRule:
    """A day of the Ethiopian calendar: month 1-13 (1 Meskerem ... 13 Pagume), day 1-30."""

    month: int
    day: int


@dataclass(frozen=True, slots=True)
class ZoroastrianRule:
    """A day of the 365-day Zoroastrian year in the Shahenshahi or Kadmi reckoning."""

    calendar: str
    month: int
    day: int


@dataclass(frozen=True, slots=True)
class BankHolidayRule:
    """A UK bank holiday of one nation from the holidays package (`additional`: one-off days)."""

    nation: str
    holiday: str


Rule = (
    FixedRule
    | SpanRule
    | MonthRule
    | NthWeekdayRule
    | EasterRule
    | RRuleRule
    | HijriRule
    | HebrewRule
    | LunisolarRule
    | SolarTermRule
    | BadiRule
    | TibetanRule
    | EthiopianRule
    | ZoroastrianRule
    | BankHolidayRule
)


@dataclass(frozen=True, slots=True)
class AlternativeDate:
    """The dates another convention (community, authority or almanac) gives for an occurrence."""

    convention: str
    label: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class RuleDate:
    """What a rule gives for one year: first and last day (inclusive) and how sure it is."""

    start: dt.date
    end: dt.date
    status: Status
    may_vary_days: int = 0
    #: Where the date came from, e.g. "umm-al-qura", "holidays-table", "astronomical".
    method: str = "rule"
    #: The convention this date follows (e.g. "umm-al-qura"), when traditions differ.
    convention: str | None = None
    convention_label: str | None = None
    #: What the other conventions give for the same occurrence.
    alternatives: tuple[AlternativeDate, ...] = ()
    #: Why the date is what it is when that is not obvious (moved off Shabbat, near a boundary).
    note: str | None = None
    #: A published table the date was taken from (e.g. the Bahá'í World Centre's).
    source: str | None = None


# --- observances ----------------------------------------------------------------------------


class SourceSupport(StrEnum):
    """What a source is cited for."""

    #: The date rule (how the dates are worked out every year).
    RULE = "rule"
    #: The dates of particular years.
    DATES = "dates"
    #: A year's theme.
    THEME = "theme"
    #: The year the observance began (`since`).
    SINCE = "since"
    #: What the observance is (description, history).
    ABOUT = "about"


@dataclass(frozen=True, slots=True)
class Source:
    """A source an observance cites and what it supports (`supports` None: not said)."""

    url: str
    supports: tuple[SourceSupport, ...] = ()
    #: The years a `dates` or `theme` source covers, when it says.
    years: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ObservedShift:
    """Days people keep instead of the calendar date when it falls on certain weekdays.

    `moves` pairs a weekday with the days to move (Yom HaShoah: Friday -1, Sunday +1); `reason`
    says why, for the note each moved occurrence carries.
    """

    moves: tuple[tuple[Weekday, int], ...]
    reason: str


@dataclass(frozen=True, slots=True)
class YearOverride:
    """What is known about one year of an observance: announced dates, theme, link, source."""

    start: dt.date | None = None
    end: dt.date | None = None
    theme: str | None = None
    url: str | None = None
    source: str | None = None
    cancelled: bool = False
    note: str | None = None
    #: The day someone last checked the organiser's page for this year (`dates confirm`).
    checked: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Observance:
    """One awareness day, week, month or faith festival and the rule that dates it."""

    id: str
    name: str
    categories: tuple[Category, ...]
    rule: Rule
    description: str
    url: str | None
    sources: tuple[str, ...]
    calendar: str
    duration_days: int | None = None
    begins_evening_before: bool = False
    #: True when an organiser sets the dates each year: rule dates are then provisional.
    announced: bool = False
    fasting: bool = False
    rest_from_work: bool = False
    #: Free-text guidance for managers and planners (what the day means for colleagues).
    guidance: str | None = None
    tradition: str | None = None
    years: dict[str, YearOverride] = field(default_factory=dict)
    #: The first year the observance was held; no occurrences are given before it.
    since: int | None = None
    #: The days people keep when the calendar date falls next to a rest day, and why.
    observed: ObservedShift | None = None
    #: `sources` with what each supports (a plain string in the data supports nothing said).
    source_refs: tuple[Source, ...] = ()
    #: How to speak about it in communications, and one line of guidance (solemn ones have one).
    tone: Tone | None = None
    tone_guidance: str | None = None
    #: Further calendars the observance is listed in (an optional health campaign with an
    #: equality angle is also in the default awareness calendar).
    also_in: tuple[str, ...] = ()
    #: Other names and spellings people search by ("Chanukah", "Id al-Fitr", "Wesak").
    aliases: tuple[str, ...] = ()
    #: The Welsh name as a Welsh public body or the organiser publishes it, and that page;
    #: None where no such source exists (Welsh pages and feeds then give the English name).
    name_cy: str | None = None
    name_cy_source: str | None = None
    #: The description in Welsh, where someone has written one.
    description_cy: str | None = None
    #: Where this observance is defined, for messages: path and line of its table.
    path: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One observance on concrete dates. `end` is inclusive; ICS output makes it exclusive."""

    observance_id: str
    name: str
    start: dt.date
    end: dt.date
    categories: tuple[Category, ...]
    status: Status
    may_vary_days: int
    begins_evening_before: bool
    description: str
    url: str | None
    calendar: str
    #: The year this occurrence belongs to; `instance` is "2030" or "2030-2" for a second
    #: occurrence in one Gregorian year (Islamic calendar), and is stable forever.
    year: int
    instance: str
    theme: str | None = None
    source: str | None = None
    fasting: bool = False
    rest_from_work: bool = False
    guidance: str | None = None
    method: str = "rule"
    #: The convention the dates follow where communities differ, and what the others give.
    convention: str | None = None
    convention_label: str | None = None
    alternatives: tuple[AlternativeDate, ...] = ()
    #: Why the dates are what they are, when that is not obvious (e.g. moved off Shabbat).
    note: str | None = None
    tone: Tone | None = None
    tone_guidance: str | None = None
    also_in: tuple[str, ...] = ()
    #: The observance's Welsh name, the page that publishes it, and its Welsh description
    #: (see Observance.name_cy), when it has them.
    name_cy: str | None = None
    description_cy: str | None = None
    name_cy_source: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


# --- campaigns ------------------------------------------------------------------------------


class AssetKind(StrEnum):
    BLOG = "blog"
    SOCIAL = "social"
    NEWSLETTER = "newsletter"
    INTRANET = "intranet"
    EVENT = "event"
    VIDEO = "video"
    TOOLKIT = "toolkit"


class AssetStatus(StrEnum):
    """Where an asset is, from planned to published (draft, review, sign-off, live)."""

    PLANNED = "planned"
    #: Being written.
    DRAFTING = "drafting"
    #: With a reviewer (the EDI lead, the staff network, comms).
    IN_REVIEW = "in-review"
    #: Signed off, waiting for its publication date.
    APPROVED = "approved"
    #: Ready to go: what campaign files wrote before `in-review` and `approved` existed.
    READY = "ready"
    PUBLISHED = "published"


#: The statuses offered when a status is chosen, in the order work moves through them
#: (`ready` is still read from campaign files, and shown while an asset has it).
ASSET_STATUS_STEPS = (
    AssetStatus.PLANNED,
    AssetStatus.DRAFTING,
    AssetStatus.IN_REVIEW,
    AssetStatus.APPROVED,
    AssetStatus.PUBLISHED,
)


class Anchor(StrEnum):
    START = "start"
    END = "end"


@dataclass(frozen=True, slots=True)
class RelativeDay:
    """A day relative to an occurrence: `-28d`, `-5 working days`, `start`, `end`, `end+1d`."""

    anchor: Anchor = Anchor.START
    days: int = 0
    working_days: bool = False
    text: str = "start"


@dataclass(frozen=True, slots=True)
class Owner:
    name: str
    email: str | None = None
    slack: str | None = None
    teams: str | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    id: str
    kind: AssetKind
    title: str
    url: str | None = None
    status: AssetStatus = AssetStatus.PLANNED
    publish: RelativeDay | None = None
    placeholder_url: bool = False
    #: Whether the public sees it (None: by kind; intranet, newsletter and toolkit face staff).
    public: bool | None = None
    #: Who prepares it: one of the campaign's owners' names.
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    name: str
    due: RelativeDay
    owner: str | None = None
    allow_after_end: bool = False
    #: The task's outcome is public (it publishes something): communication freezes hold it.
    public: bool = False


@dataclass(frozen=True, slots=True)
class ReminderRule:
    """A campaign's own reminder: when (relative), local time, destinations, message template."""

    id: str
    when: RelativeDay
    time: dt.time
    destinations: tuple[str, ...]
    template: str | None = None
    #: A public-facing publish reminder ("the blog goes live today"): freezes hold it.
    public: bool = False


@dataclass(frozen=True, slots=True)
class CampaignYear:
    """One year's changes to a recurring campaign: skip it, or replace its summary, assets, tasks.

    Assets and tasks listed here replace those with the same id and add the rest; keys are a year
    ("2025") or one occurrence of it ("2030-2").
    """

    skip: bool = False
    summary: str | None = None
    assets: tuple[Asset, ...] = ()
    tasks: tuple[Task, ...] = ()
    note: str | None = None
    line: int | None = None


class CampaignOrigin(StrEnum):
    """Where a campaign is defined."""

    #: A `[[campaign]]` table in a file under `campaigns/` (read-only in the browser).
    FILE = "file"
    #: Made in the browser, through the API or by `campaigns import`: stored in the database.
    DATABASE = "database"


@dataclass(frozen=True, slots=True)
class Campaign:
    """Comms work anchored to one or more observances, for given years or every year."""

    id: str
    title: str
    observances: tuple[str, ...]
    years: tuple[int, ...]
    every_year: bool
    owners: tuple[Owner, ...]
    audience: tuple[str, ...]
    summary: str
    assets: tuple[Asset, ...]
    tasks: tuple[Task, ...]
    reminders: tuple[ReminderRule, ...]
    #: Lead-time reminders in days before the start (default 90, 28, 7, 1) and where they go.
    lead_times: tuple[int, ...] = (90, 28, 7, 1)
    lead_time_at: dt.time = dt.time(9, 0)
    lead_time_destinations: tuple[str, ...] = ()
    #: Day-of announcement destinations (staff channels), with published asset links.
    announce_destinations: tuple[str, ...] = ()
    announce_at: dt.time = dt.time(9, 0)
    #: First year a recurring campaign runs (None: every year the observance has).
    since: int | None = None
    #: Per-year overrides by "2025" or "2030-2" (see :class:`CampaignYear`).
    year_overrides: dict[str, CampaignYear] = field(default_factory=dict)
    path: str = ""
    line: int | None = None
    origin: CampaignOrigin = CampaignOrigin.FILE
    #: A database campaign's revision (1 when made, one more on every change); None for files.
    revision: int | None = None


@dataclass(frozen=True, slots=True)
class DueTask:
    """A campaign task on a concrete due date for one campaign instance."""

    campaign_id: str
    year: int
    instance: str
    task: Task
    due: dt.date
    done: bool = False


@dataclass(frozen=True, slots=True)
class DatedAsset:
    """A campaign asset with its publication date (when the campaign gives one)."""

    asset: Asset
    publish_on: dt.date | None


@dataclass(frozen=True, slots=True)
class CampaignInstance:
    """A campaign rolled onto one occurrence of its observance (one year of a recurring plan)."""

    campaign: Campaign
    year: int
    #: Instance of the anchor occurrence ("2030", "2030-2"), so keys stay unique and stable.
    instance: str
    occurrence: Occurrence
    tasks: tuple[DueTask, ...]
    assets: tuple[DatedAsset, ...]


# --- people ---------------------------------------------------------------------------------


class Role(StrEnum):
    """What a person may do; each role includes the ones before it."""

    #: Sees the private campaign plan and its progress.
    VIEWER = "viewer"
    #: Also creates and edits campaigns and records progress (marks work done).
    EDITOR = "editor"
    #: Also manages people, destinations and freezes.
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what `needed` may."""
        return self.rank >= needed.rank


_RANKS = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}
