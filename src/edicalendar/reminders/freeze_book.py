"""The freeze book: recording, listing and ending communication freezes, for the CLI and web.

A freeze lives in the `freezes` table, so every worker and the web server see one as soon as it
is recorded: the bot checks before each message it sends (`edicalendar.reminders.holding`).
:class:`FreezeBook` is the one service both `edicalendar freeze ...` and the admin page call, so
their checks cannot drift: dates in order, an election given its polling day or its dates, a
devolved election its nation, links and text by the shared rules (`edicalendar.urls`,
`edicalendar.text`), no freeze ended twice. A pre-election period recorded with only its polling
day is computed with the `[freezes]` settings (see docs/freezes.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, select, update

from edicalendar.calendar.freezes import (
    DEFAULT_RESTRICTION,
    DEFAULT_SCOPE,
    DEVOLVED_NATIONS,
    Freeze,
    FreezeKind,
    FreezeScope,
    PeriodError,
    Restriction,
    election_nations,
    nice_date,
    parse_period,
    pre_election_start,
)
from edicalendar.config import FreezeSettings
from edicalendar.errors import FreezeError, FreezeNotFoundError
from edicalendar.fields import link_message, shown
from edicalendar.i18n import N_, Message
from edicalendar.reminders.freeze_rows import current_freezes, freeze_from_row, recorded_freezes
from edicalendar.reminders.holding import Released
from edicalendar.storage.engine import Database
from edicalendar.storage.tables import freezes as freezes_table
from edicalendar.storage.timestamps import utc_text
from edicalendar.text import formula_problem, text_problem
from edicalendar.urls import LinkError, check_url

#: Longest reason and area kept.
MAX_REASON = 300
MAX_AREA = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The earliest and latest years a freeze may name (a typo otherwise).
_YEARS = (1900, 2200)
#: The checks that name the command's options (the web form words them by its labels).
NOT_AN_ELECTION = N_("a polling day (--polling-day) is for elections; a %(kind)s freeze has none")
NO_AREA = N_(
    "a devolved election needs its area (--area): scotland, wales or "
    "northern-ireland, the nation that votes"
)
POLLING_OUTSIDE = N_(
    "polling day %(polling)s is outside the period %(start)s to %(end)s; "
    "give first and last days around it (--from, --to), or leave them out to compute them"
)
NO_START_ELECTION = N_(
    "say when it starts: its first day (--from), or the election's polling day (--polling-day)"
)
NO_START = N_("say when it starts: its first day (--from)")
NO_END = N_(
    "a pre-election period ends: give its last day (--to) or its polling day "
    "(--polling-day); only mourning and organisation freezes may be open-ended"
)
LAST_BEFORE_FIRST = N_("the last day (--to) %(end)s is before the first (--from) %(start)s")


@dataclass(frozen=True, slots=True)
class FreezeRequest:
    """What someone asks to record; unset values come from the kind and the settings."""

    kind: FreezeKind
    reason: str
    start: dt.date | None = None
    end: dt.date | None = None
    polling_day: dt.date | None = None
    scope: FreezeScope | None = None
    area: str | None = None
    restricts: Restriction | None = None
    source: str | None = None
    public: bool | None = None


def _freeze(row: Row[object]) -> Freeze:
    return freeze_from_row(row._mapping)


def _clean(text: str, field: str, limit: int) -> str:
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    if not cleaned:
        raise FreezeError(
            Message(N_("%(field)s: say why, such as 'General election 4 July 2024'"), field=field)
        )
    if len(cleaned) > limit:
        raise FreezeError(
            Message(
                N_("%(field)s: at most %(limit)s characters (this one has %(count)s)"),
                field=field,
                limit=limit,
                count=len(cleaned),
            )
        )
    # What folding leaves (bidirectional overrides, C1 controls) and a formula start are
    # refused by the same rules as names in data files: the reason reaches CSV and chat.
    problem = text_problem(cleaned) or formula_problem(cleaned)
    if problem:
        raise FreezeError(
            Message(
                N_("%(field)s: %(value)s %(problem)s"),
                field=field,
                value=shown(cleaned),
                problem=problem,
            )
        )
    return cleaned


def _in_range(day: dt.date | None, field: str) -> None:
    if day is not None and not _YEARS[0] <= day.year <= _YEARS[1]:
        raise FreezeError(
            Message(
                N_("%(field)s: %(day)s is outside the years %(first)s-%(last)s"),
                field=field,
                day=day.isoformat(),
                first=_YEARS[0],
                last=_YEARS[1],
            )
        )


class FreezeBook:
    """The freezes of one installation, read from and written to its database."""

    def __init__(
        self,
        database: Database,
        settings: FreezeSettings,
        *,
        nation: str,
        timezone: ZoneInfo,
        now: Callable[[], dt.datetime],
    ) -> None:
        """`nation` is the organisation's (`Settings.nation`): local elections' bank holidays."""
        self.database = database
        self.settings = settings
        self.nation = nation
        self.timezone = timezone
        self.now = now

    # --- reading --------------------------------------------------------------------------

    def all(self) -> list[Freeze]:
        """Every freeze ever recorded, earliest first (ended and cancelled ones included).
        Read afresh each time (the dispatcher asks before every message)."""
        return recorded_freezes(self.database.quick_reads())

    def get(self, freeze_id: int) -> Freeze:
        """The freeze with `freeze_id`; FreezeNotFoundError when there is none."""
        with self.database.engine.connect() as conn:
            row = conn.execute(
                select(freezes_table).where(freezes_table.c.id == freeze_id)
            ).one_or_none()
        if row is None:
            raise FreezeNotFoundError(
                f"no freeze {freeze_id}; `edicalendar freeze list --all` shows every freeze"
            )
        return _freeze(row)

    def current(self) -> list[Freeze]:
        """Freezes in force now or still to come (not over, not ended, not cancelled)."""
        return current_freezes(self.all(), self.now(), self.today())

    def in_force(self, at: dt.datetime | None = None) -> list[Freeze]:
        """Freezes holding at `at` (default now)."""
        moment = self.now() if at is None else at
        return [f for f in self.all() if f.in_force(moment, self.timezone)]

    def version(self) -> tuple[int, str]:
        """A cheap fingerprint of the table (count and last change), for caches to compare."""
        with self.database.engine.connect() as conn:
            row = conn.execute(
                select(func.count(), func.max(freezes_table.c.updated_at)).select_from(
                    freezes_table
                )
            ).one()
        return int(row[0]), str(row[1] or "")

    def today(self) -> dt.date:
        return self.now().astimezone(self.timezone).date()

    # --- recording ------------------------------------------------------------------------

    def resolve(self, request: FreezeRequest) -> Freeze:
        """The freeze `request` describes, checked and completed, without recording it.

        An election recorded with its polling day and no first day starts as the settings say
        (`[freezes.pre_election]`) and runs `days_after_polling_day` past polling day.
        """
        kind = request.kind
        reason = _clean(request.reason, "reason", MAX_REASON)
        area = _clean(request.area, "area", MAX_AREA) if request.area else None
        for value, field in (
            (request.start, "from"),
            (request.end, "to"),
            (request.polling_day, "polling day"),
        ):
            _in_range(value, field)
        if request.source is not None:
            try:
                check_url(request.source)
            except LinkError as exc:
                raise FreezeError(
                    Message(N_("source: %(problem)s"), problem=link_message(request.source, exc))
                ) from None
        polling = request.polling_day
        if polling is not None and not kind.is_election:
            raise FreezeError(
                Message(
                    NOT_AN_ELECTION,
                    kind=Message(kind.value),
                )
            )
        nation = None
        if kind is FreezeKind.DEVOLVED_ELECTION:
            nation = (area or "").lower().replace(" ", "-")
            if nation not in DEVOLVED_NATIONS:
                raise FreezeError(Message(NO_AREA))
            area = nation
        start, end = request.start, request.end
        if polling is not None:
            if start is None:
                key = kind.value if nation is None else f"{kind.value}-{nation}"
                try:
                    before = parse_period(self.settings.period_before(key))
                    nations = election_nations(kind, nation, self.nation)
                except PeriodError as exc:
                    raise FreezeError(str(exc)) from None
                start = pre_election_start(polling, before, nations)
            if end is None:
                end = polling + dt.timedelta(days=self.settings.days_after_polling_day)
            if polling < start or polling > end:
                raise FreezeError(
                    Message(
                        POLLING_OUTSIDE,
                        polling=polling.isoformat(),
                        start=start.isoformat(),
                        end=end.isoformat(),
                    )
                )
        if start is None:
            raise FreezeError(Message(NO_START_ELECTION) if kind.is_election else Message(NO_START))
        if kind.is_election and end is None:
            raise FreezeError(Message(NO_END))
        if end is not None and end < start:
            raise FreezeError(
                Message(
                    LAST_BEFORE_FIRST,
                    end=end.isoformat(),
                    start=start.isoformat(),
                )
            )
        scope = request.scope or DEFAULT_SCOPE[kind]
        return Freeze(
            id=0,
            kind=kind,
            start=start,
            end=end,
            reason=reason,
            scope=scope,
            area=area,
            restricts=request.restricts or DEFAULT_RESTRICTION[kind],
            source=request.source,
            polling_day=polling,
            public=(kind is not FreezeKind.ORGANISATION)
            if request.public is None
            else request.public,
        )

    def add(self, request: FreezeRequest, *, by: str | None) -> Freeze:
        """Record a freeze; the bot holds what it restricts from its next message on.

        The same freeze recorded twice (kind, dates, area and reason) is refused, naming the
        first, so a script that runs again records nothing new.
        """
        freeze = self.resolve(request)
        now = self.now()
        now_text = utc_text(now)
        with self.database.write() as conn:
            duplicate = conn.execute(
                select(freezes_table.c.id).where(
                    freezes_table.c.kind == freeze.kind.value,
                    freezes_table.c.starts_on == freeze.start.isoformat(),
                    freezes_table.c.ends_on.is_(None)
                    if freeze.end is None
                    else freezes_table.c.ends_on == freeze.end.isoformat(),
                    freezes_table.c.reason == freeze.reason,
                    freezes_table.c.ended_at.is_(None),
                )
            ).first()
            if duplicate is not None:
                raise FreezeError(
                    f"this freeze is already recorded as freeze {duplicate[0]}; "
                    f"`edicalendar freeze end {duplicate[0]}` ends it"
                )
            new_id = conn.execute(
                freezes_table.insert()
                .values(
                    kind=freeze.kind.value,
                    scope=freeze.scope.value,
                    area=freeze.area,
                    restricts=freeze.restricts.value,
                    starts_on=freeze.start.isoformat(),
                    ends_on=freeze.end.isoformat() if freeze.end else None,
                    polling_day=freeze.polling_day.isoformat() if freeze.polling_day else None,
                    reason=freeze.reason,
                    source=freeze.source,
                    public=1 if freeze.public else 0,
                    created_by=(by or "").strip()[:320] or None,
                    created_at=now_text,
                    updated_at=now_text,
                )
                .returning(freezes_table.c.id)
            ).scalar_one()
        return self.get(int(new_id))

    def end(self, freeze_id: int, *, by: str | None) -> Freeze:
        """End a freeze now: what it held may be sent again from this moment (release_held).

        A freeze that has not begun is cancelled (it ends before its first day); one already
        ended or already over is refused with when it ended.
        """
        freeze = self.get(freeze_id)
        now = self.now()
        if freeze.ended_at is not None:
            raise FreezeError(
                f"freeze {freeze.id} was already ended at "
                f"{freeze.ended_at.astimezone(self.timezone):%Y-%m-%d %H:%M}"
                + (f" by {freeze.ended_by}" if freeze.ended_by else "")
            )
        today = now.astimezone(self.timezone).date()
        if freeze.last_day is not None and freeze.last_day < today:
            raise FreezeError(
                f"freeze {freeze.id} is already over: its last day was {nice_date(freeze.last_day)}"
            )
        now_text = utc_text(now)
        with self.database.write() as conn:
            changed = conn.execute(
                update(freezes_table)
                .where(freezes_table.c.id == freeze.id, freezes_table.c.ended_at.is_(None))
                .values(
                    ended_at=now_text,
                    ended_on=today.isoformat(),
                    ended_by=(by or "").strip()[:320] or None,
                    updated_at=now_text,
                )
            ).rowcount
        if not changed:
            # Another process ended it between the read and the write.
            return self.end(freeze_id, by=by)
        return self.get(freeze.id)

    def release_held(self) -> Released:
        """Release, once, the reminders held back that no freeze holds now (still timely),
        and expire with the reason those too late to send; `freeze end` calls it so the
        answer says what became of them. The bot does the same on its every planning pass."""
        from edicalendar.reminders.holding import FreezeGate, release_held
        from edicalendar.reminders.ledger import Ledger

        gate = FreezeGate(self.all, self.timezone)
        return release_held(Ledger(self.database), gate, self.now())
