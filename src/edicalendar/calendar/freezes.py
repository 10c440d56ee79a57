"""Communication freezes: periods when an organisation holds back what it publishes.

Pre-election periods (general, devolved, local, mayoral and police and crime commissioner
elections), national mourning and an organisation's own freezes. A :class:`Freeze` covers whole
local days, first to last inclusive (open-ended until someone ends it), and says what it
restricts: public announcements and social posts, staff announcements as well, or everything.
A pre-election period can be computed from polling day (:func:`pre_election_start`) with the
timetable rules of UK elections: working days skip weekends, Christmas Eve and the bank holidays
of the nations that vote. Pure: the freezes themselves live in the database (see
`edicalendar.reminders.freeze_book`); everything here takes them as values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from edicalendar.calendar.workdays import WorkingDays
from edicalendar.i18n import N_, Day, Message
from edicalendar.model import Asset, AssetKind


class FreezeKind(StrEnum):
    """Why communications are frozen."""

    #: A UK Parliament general election.
    GENERAL_ELECTION = "general-election"
    #: A Scottish Parliament, Senedd or Northern Ireland Assembly election.
    DEVOLVED_ELECTION = "devolved-election"
    #: Council elections.
    LOCAL_ELECTION = "local-election"
    #: Combined or local authority mayoral elections.
    MAYORAL_ELECTION = "mayoral-election"
    #: Police and crime commissioner elections.
    PCC_ELECTION = "pcc-election"
    #: A period of national mourning (the death of a monarch, a national tragedy).
    MOURNING = "mourning"
    #: The organisation's own freeze (a serious incident, an embargo, a consultation).
    ORGANISATION = "organisation"

    @property
    def is_election(self) -> bool:
        return self not in (FreezeKind.MOURNING, FreezeKind.ORGANISATION)


#: How each kind is named to people.
KIND_LABELS: dict[FreezeKind, Message] = {
    FreezeKind.GENERAL_ELECTION: Message(N_("general election pre-election period")),
    FreezeKind.DEVOLVED_ELECTION: Message(N_("devolved election pre-election period")),
    FreezeKind.LOCAL_ELECTION: Message(N_("local election pre-election period")),
    FreezeKind.MAYORAL_ELECTION: Message(N_("mayoral election pre-election period")),
    FreezeKind.PCC_ELECTION: Message(
        N_("police and crime commissioner election pre-election period")
    ),
    FreezeKind.MOURNING: Message(N_("period of national mourning")),
    FreezeKind.ORGANISATION: Message(N_("organisation communications freeze")),
}


class FreezeScope(StrEnum):
    """Whom a freeze applies to; record only the freezes that apply to this organisation."""

    #: The whole United Kingdom (a general election, national mourning).
    NATIONAL = "national"
    #: One nation: England, Scotland, Wales or Northern Ireland (a devolved election).
    NATION = "nation"
    #: A local area: a council, combined authority or police force area.
    LOCAL = "local"
    #: This organisation only.
    ORGANISATION = "organisation"


class Restriction(StrEnum):
    """What a freeze holds back; each level includes the ones before it."""

    #: Public announcements and social posts: public-facing assets and tasks, and the bot's
    #: day-of announcements and public-facing publish reminders.
    PUBLIC = "public"
    #: Staff announcements as well: intranet, newsletter and toolkit items.
    STAFF = "staff"
    #: Everything the bot sends, internal task reminders and the digest included.
    EVERYTHING = "everything"

    def holds(self, audience: Audience) -> bool:
        """Whether a freeze with this restriction holds back something for `audience`."""
        return _AUDIENCE_RANK[audience] >= _HELD_FROM[self]


#: What a freeze restricts when whoever records it does not say.
DEFAULT_RESTRICTION: dict[FreezeKind, Restriction] = {
    FreezeKind.GENERAL_ELECTION: Restriction.PUBLIC,
    FreezeKind.DEVOLVED_ELECTION: Restriction.PUBLIC,
    FreezeKind.LOCAL_ELECTION: Restriction.PUBLIC,
    FreezeKind.MAYORAL_ELECTION: Restriction.PUBLIC,
    FreezeKind.PCC_ELECTION: Restriction.PUBLIC,
    FreezeKind.MOURNING: Restriction.STAFF,
    FreezeKind.ORGANISATION: Restriction.PUBLIC,
}

#: The scope a kind has when whoever records it does not say.
DEFAULT_SCOPE: dict[FreezeKind, FreezeScope] = {
    FreezeKind.GENERAL_ELECTION: FreezeScope.NATIONAL,
    FreezeKind.DEVOLVED_ELECTION: FreezeScope.NATION,
    FreezeKind.LOCAL_ELECTION: FreezeScope.LOCAL,
    FreezeKind.MAYORAL_ELECTION: FreezeScope.LOCAL,
    FreezeKind.PCC_ELECTION: FreezeScope.LOCAL,
    FreezeKind.MOURNING: FreezeScope.NATIONAL,
    FreezeKind.ORGANISATION: FreezeScope.ORGANISATION,
}

RESTRICTION_LABELS: dict[Restriction, str] = {
    Restriction.PUBLIC: "public announcements and social posts",
    Restriction.STAFF: "public and staff announcements",
    Restriction.EVERYTHING: "everything, internal reminders included",
}


class Audience(StrEnum):
    """Who sees a piece of campaign work or a reminder, for deciding what a freeze holds."""

    #: Only the people doing the work (a task reminder, a lead-time reminder, the digest).
    INTERNAL = "internal"
    #: All staff (an intranet feature, the staff newsletter).
    STAFF = "staff"
    #: The public, patients and partners (a social post, a public blog, a press release), and
    #: the bot's day-of announcement, which shares the published links.
    PUBLIC = "public"


_AUDIENCE_RANK = {Audience.INTERNAL: 0, Audience.STAFF: 1, Audience.PUBLIC: 2}
#: The least public audience each restriction holds back.
_HELD_FROM = {Restriction.PUBLIC: 2, Restriction.STAFF: 1, Restriction.EVERYTHING: 0}

#: Asset kinds that face staff unless the asset says `public = true`; the rest face the public.
STAFF_FACING_KINDS = frozenset({AssetKind.INTRANET, AssetKind.NEWSLETTER, AssetKind.TOOLKIT})


def asset_audience(asset: Asset) -> Audience:
    """Who an asset is for: its own `public` setting, else by kind (intranet, newsletter and
    toolkit items face staff; blogs, social posts, events and videos the public)."""
    if asset.public is not None:
        return Audience.PUBLIC if asset.public else Audience.STAFF
    return Audience.STAFF if asset.kind in STAFF_FACING_KINDS else Audience.PUBLIC


@dataclass(frozen=True, slots=True)
class Freeze:
    """One recorded freeze. Days are local dates; `end` is inclusive and None when open-ended.

    `ended_at` is when someone ended it early (`freeze end`); from then on it is over, and
    `ended_on` (the local date of that moment) is its first open day.
    """

    id: int
    kind: FreezeKind
    start: dt.date
    end: dt.date | None
    reason: str
    scope: FreezeScope = FreezeScope.NATIONAL
    area: str | None = None
    restricts: Restriction = Restriction.PUBLIC
    source: str | None = None
    polling_day: dt.date | None = None
    #: Shown on the public calendar pages and in freezes.ics (an organisation's own freezes
    #: are private unless recorded as public).
    public: bool = True
    created_by: str | None = None
    created_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    ended_on: dt.date | None = None
    ended_by: str | None = None

    @property
    def label(self) -> Message:
        """The kind as people read it: "general election pre-election period"."""
        return KIND_LABELS[self.kind]

    @property
    def title(self) -> Message:
        """The kind and the reason: "General election pre-election period: 4 July 2024" (the
        reason as recorded)."""
        return Message(
            N_("%(kind)s: %(reason)s"), kind=self.label.upper_first(), reason=self.reason
        )

    @property
    def last_day(self) -> dt.date | None:
        """The last frozen day (inclusive), with an early end applied; None while open-ended."""
        if self.ended_on is None:
            return self.end
        cut = self.ended_on - dt.timedelta(days=1)
        return cut if self.end is None else min(self.end, cut)

    @property
    def cancelled(self) -> bool:
        """Ended before its first day: it never froze anything."""
        last = self.last_day
        return last is not None and last < self.start

    def covers(self, day: dt.date) -> bool:
        """Whether `day` is one of the frozen days."""
        last = self.last_day
        return self.start <= day and (last is None or day <= last)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """Whether any frozen day falls in `first`..`last` (inclusive)."""
        mine = self.last_day
        return self.start <= last and (mine is None or mine >= first) and not self.cancelled

    def in_force(self, at: dt.datetime, zone: ZoneInfo) -> bool:
        """Whether the freeze holds at instant `at`: its days, in `zone`, and not yet ended."""
        day = at.astimezone(zone).date()
        if self.ended_at is not None:
            # Before the moment it was ended it ran as recorded, that day included.
            return (
                at < self.ended_at and self.start <= day and (self.end is None or day <= self.end)
            )
        return self.covers(day)

    def holds(self, audience: Audience) -> bool:
        return self.restricts.holds(audience)

    def span_text(self) -> Message:
        """ "Sat 25 May 2024 to Thu 4 Jul 2024", "from Fri 9 Sep 2022 until it is ended"."""
        last = self.last_day
        if last is None:
            return Message(N_("from %(first)s until it is ended"), first=Day(self.start))
        if last == self.start:
            return Message(N_("on %(first)s"), first=Day(self.start))
        return Message(N_("%(first)s to %(last)s"), first=Day(self.start), last=Day(last))


def nice_date(day: dt.date) -> str:
    """ "Sat 25 May 2024"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


# --- what a freeze means for one day of campaign work ---------------------------------------


@dataclass(frozen=True, slots=True)
class FreezeFlag:
    """A piece of campaign work dated inside a freeze: which one, and the nearest open days."""

    freeze: Freeze
    day: dt.date
    #: The last day before the frozen run and the first after it (None: open-ended).
    open_before: dt.date | None
    open_after: dt.date | None

    @property
    def nearest_open(self) -> dt.date | None:
        """The open day nearest `day`; the earlier one on a tie (an awareness day passes)."""
        before, after = self.open_before, self.open_after
        if before is None or after is None:
            return before or after
        return before if (self.day - before) <= (after - self.day) else after

    @property
    def message(self) -> Message:
        """ "inside the general election pre-election period (…): hold or move; nearest open
        date Fri 24 May 2024"."""
        kind, span = self.freeze.label, self.freeze.span_text()
        nearest = self.nearest_open
        if nearest is None:
            return Message(N_("inside the %(kind)s (%(span)s): hold or move"), kind=kind, span=span)
        return Message(
            N_("inside the %(kind)s (%(span)s): hold or move; nearest open date %(day)s"),
            kind=kind,
            span=span,
            day=Day(nearest),
        )


def holding(freezes: Iterable[Freeze], audience: Audience) -> list[Freeze]:
    """The freezes (not cancelled) that hold back work for `audience`."""
    return [f for f in freezes if f.holds(audience) and not f.cancelled]


def flag_for(
    day: dt.date | None,
    audience: Audience,
    freezes: Sequence[Freeze],
    today: dt.date | None = None,
) -> FreezeFlag | None:
    """The flag for work published (or done) for `audience` on `day`, or None when it is clear.

    Overlapping freezes merge: the open days are outside all of them. An open day before
    `today` is no use to move work to, so it is left out.
    """
    if day is None:
        return None
    relevant = holding(freezes, audience)
    covering = [f for f in relevant if f.covers(day)]
    if not covering:
        return None
    before = _open_day(day, relevant, -1)
    if before is not None and today is not None and before < today:
        before = None
    return FreezeFlag(
        freeze=min(covering, key=lambda f: (f.start, f.id)),
        day=day,
        open_before=before,
        open_after=_open_day(day, relevant, +1),
    )


@dataclass(frozen=True, slots=True)
class FreezeCalendar:
    """The recorded freezes as of `today`: what the campaign plan checks its dates against."""

    freezes: tuple[Freeze, ...] = ()
    today: dt.date | None = None

    def flag(self, day: dt.date | None, audience: Audience) -> FreezeFlag | None:
        return flag_for(day, audience, self.freezes, self.today)

    def __bool__(self) -> bool:
        return bool(self.freezes)


#: No freezes recorded.
NO_FREEZES = FreezeCalendar()


def _open_day(day: dt.date, freezes: Sequence[Freeze], step: int) -> dt.date | None:
    current = day
    # Each step leaves at least one freeze behind, so this ends within len(freezes) + 1 hops.
    for _ in range(len(freezes) + 1):
        covering = [f for f in freezes if f.covers(current)]
        if not covering:
            return current
        if step < 0:
            current = min(f.start for f in covering) - dt.timedelta(days=1)
        else:
            lasts = [f.last_day for f in covering]
            if any(last is None for last in lasts):
                return None
            current = max(last for last in lasts if last is not None) + dt.timedelta(days=1)
    return None


def in_force(freezes: Iterable[Freeze], at: dt.datetime, zone: ZoneInfo) -> list[Freeze]:
    """The freezes holding at instant `at`, earliest first."""
    return sorted((f for f in freezes if f.in_force(at, zone)), key=lambda f: (f.start, f.id))


# --- pre-election periods computed from polling day -----------------------------------------


class PeriodError(ValueError):
    """Text that is not a period length; the message says what is accepted."""


@dataclass(frozen=True, slots=True)
class PeriodLength:
    """How long before polling day a pre-election period starts: N working days, weeks or days."""

    count: int
    unit: str  # "working days", "weeks" or "days"

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.count == 1 else self.unit
        return f"{self.count} {unit}"


_LENGTH = re.compile(r"^\s*(\d{1,3})\s*(working\s+days?|wd|weeks?|w|days?|d)\s*\Z", re.IGNORECASE)


def parse_period(text: str) -> PeriodLength:
    """Parse "25 working days", "3 weeks" or "42 days" (at most 999 of a unit)."""
    match = _LENGTH.match(text)
    if match is None:
        raise PeriodError(
            f"{text!r} is not a length of time before polling day; write '25 working days', "
            "'3 weeks' or '42 days'"
        )
    unit = re.sub(r"\s+", " ", match[2].lower())
    if unit in ("wd",) or unit.startswith("working"):
        name = "working days"
    elif unit in ("w", "week", "weeks"):
        name = "weeks"
    else:
        name = "days"
    return PeriodLength(int(match[1]), name)


#: Nations whose bank holidays an election's timetable skips, by kind; None: the nation of the
#: organisation (local elections happen where it is). A general election's timetable skips a
#: bank holiday in any part of the UK (Representation of the People Act 1983, Schedule 1, rule
#: 2), which is why 2 December 2019, St Andrew's Day's substitute in Scotland, did not count.
ELECTION_NATIONS: dict[FreezeKind, tuple[str, ...] | None] = {
    FreezeKind.GENERAL_ELECTION: ("england-and-wales", "scotland", "northern-ireland"),
    FreezeKind.LOCAL_ELECTION: None,
    FreezeKind.MAYORAL_ELECTION: None,
    FreezeKind.PCC_ELECTION: None,
}

#: Devolved elections and the nation each belongs to (its settings key and bank holidays).
DEVOLVED_NATIONS = {
    "scotland": "scotland",
    "wales": "england-and-wales",
    "northern-ireland": "northern-ireland",
}


class ElectionDays:
    """Working days as election timetables count them: weekends, Christmas Eve and the bank
    holidays of every nation given are skipped."""

    def __init__(self, nations: Iterable[str]) -> None:
        self.calendars = [WorkingDays(n) for n in dict.fromkeys(nations)]

    def is_working_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5 or (day.month, day.day) == (12, 24):
            return False
        return all(c.bank_holiday(day) is None for c in self.calendars)

    def before(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day before `day` (`day` itself is not counted)."""
        current, remaining = day, count
        while remaining:
            current -= dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current


def election_nations(kind: FreezeKind, nation: str | None, home: str) -> tuple[str, ...]:
    """The nations whose bank holidays the timetable of an election of `kind` skips.

    `nation` is the devolved election's nation (scotland, wales or northern-ireland); `home` is
    the organisation's own (`Settings.nation`), for local, mayoral and PCC elections.
    """
    if kind is FreezeKind.DEVOLVED_ELECTION:
        if nation not in DEVOLVED_NATIONS:
            raise PeriodError(
                "a devolved election needs its nation: scotland, wales or northern-ireland"
            )
        return (DEVOLVED_NATIONS[nation],)
    fixed = ELECTION_NATIONS.get(kind)
    return fixed if fixed is not None else (home,)


def pre_election_start(
    polling_day: dt.date, before: PeriodLength, nations: Iterable[str]
) -> dt.date:
    """The first day of a pre-election period that starts `before` polling day.

    "25 working days" counts back over the election timetable's working days (polling day is
    day 25, the start day 0), as UK election law counts a timetable: a general election on
    Thursday 4 July 2024 gives Thursday 30 May 2024, the day Parliament was dissolved.
    """
    if before.unit == "working days":
        return ElectionDays(nations).before(polling_day, before.count)
    days = before.count * (7 if before.unit == "weeks" else 1)
    return polling_day - dt.timedelta(days=days)


# --- how a freeze is shown -------------------------------------------------------------------


class FreezeStatus(StrEnum):
    """Where a freeze is in its life at a given moment."""

    UPCOMING = "upcoming"
    IN_FORCE = "in force"
    OVER = "over"
    #: Ended early with `freeze end` after it began.
    ENDED = "ended"
    #: Ended before it began: it never froze anything.
    CANCELLED = "cancelled"


def freeze_status(freeze: Freeze, at: dt.datetime, zone: ZoneInfo) -> FreezeStatus:
    """The freeze's status at instant `at` in `zone`."""
    today = at.astimezone(zone).date()
    if freeze.ended_at is not None and at >= freeze.ended_at:
        began = freeze.ended_at.astimezone(zone).date() > freeze.start
        return FreezeStatus.ENDED if began else FreezeStatus.CANCELLED
    if today < freeze.start:
        return FreezeStatus.UPCOMING
    if freeze.in_force(at, zone):
        return FreezeStatus.IN_FORCE
    return FreezeStatus.OVER


def freeze_record(freeze: Freeze, at: dt.datetime, zone: ZoneInfo) -> dict[str, Any]:
    """The JSON object for one freeze (`freeze list --format json`, `/api/freezes`): its keys
    are a public contract and only grow."""
    last = freeze.last_day
    return {
        "id": freeze.id,
        "kind": freeze.kind.value,
        "title": freeze.title,
        "reason": freeze.reason,
        "start": freeze.start.isoformat(),
        "end": last.isoformat() if last else None,
        "planned_end": freeze.end.isoformat() if freeze.end else None,
        "polling_day": freeze.polling_day.isoformat() if freeze.polling_day else None,
        "scope": freeze.scope.value,
        "area": freeze.area,
        "restricts": freeze.restricts.value,
        "restricts_text": RESTRICTION_LABELS[freeze.restricts],
        "public": freeze.public,
        "source": freeze.source,
        "status": freeze_status(freeze, at, zone).value,
        "created_by": freeze.created_by,
        "created_at": freeze.created_at.isoformat() if freeze.created_at else None,
        "ended_at": freeze.ended_at.isoformat() if freeze.ended_at else None,
        "ended_by": freeze.ended_by,
    }


def flag_record(flag: FreezeFlag | None) -> dict[str, Any] | None:
    """The JSON object for a plan item's freeze flag (None when the item is clear)."""
    if flag is None:
        return None
    nearest = flag.nearest_open
    return {
        "freeze": flag.freeze.id,
        "kind": flag.freeze.kind.value,
        "title": flag.freeze.title,
        "start": flag.freeze.start.isoformat(),
        "end": flag.freeze.last_day.isoformat() if flag.freeze.last_day else None,
        "message": flag.message,
        "nearest_open_date": nearest.isoformat() if nearest else None,
        "open_before": flag.open_before.isoformat() if flag.open_before else None,
        "open_after": flag.open_after.isoformat() if flag.open_after else None,
    }
