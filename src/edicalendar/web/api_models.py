"""The public JSON API's answers as pydantic models, so each has a schema in the OpenAPI document.

The routes build their answers from the shared records (:mod:`edicalendar.calendar.
occurrence_records`, :meth:`Clash.record`, :func:`freeze_record`), which are the contract
the CLI's JSON prints too; these models describe those records field by field and forbid any
other key, so the contract tests (which check every answer against the document) fail the
day a record and its description part.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from edicalendar.calendar.clashes import Certainty, ClashKind
from edicalendar.calendar.freezes import FreezeKind, FreezeScope, FreezeStatus, Restriction
from edicalendar.model import Category, SourceSupport, Status, Tone, Weekday

#: The Welsh beside the English on observances and occurrences (docs/welsh.md).
WelshName = Annotated[
    str | None,
    Field(
        description="The Welsh name as a Welsh public body or the organiser publishes it, "
        "or null where none is known (Welsh pages and feeds then use `name`)."
    ),
]
WelshNameSource = Annotated[
    str | None, Field(description="The page that publishes `name_cy` (null exactly when it is).")
]
WelshDescription = Annotated[str | None, Field(description="The description in Welsh, if written.")]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AlternativeDateRecord(_Record):
    """The dates another convention (moon sighting, another community) gives."""

    convention: str
    label: str
    start: dt.date
    end: dt.date


class OccurrenceRecord(_Record):
    """One occurrence, as `edicalendar occurrences --format json` prints it."""

    observance: str = Field(description="The observance's id.")
    name: str
    start: dt.date = Field(description="First full day.")
    end: dt.date = Field(description="Last day, inclusive.")
    categories: list[Category]
    status: Status
    may_vary_days: int = Field(ge=0, description="How many days either way the date may move.")
    begins_evening_before: bool
    url: str | None
    description: str
    theme: str | None
    calendar: str = Field(description="The calendar file it comes from.")
    instance: str = Field(description='"2026", or "2030-2" for a second one in a year.')
    fasting: bool
    rest_from_work: bool
    source: str | None = Field(description="Where this year's dates were announced.")
    method: str = Field(description="How the dates were found (rule, table, announced, ...).")
    convention: str | None
    convention_label: str | None
    alternatives: list[AlternativeDateRecord]
    note: str | None
    tone: Tone | None
    tone_guidance: str | None
    also_in: list[str] = Field(description="Other calendars that list it.")
    name_cy: WelshName
    name_cy_source: WelshNameSource
    description_cy: WelshDescription


class SourceRecord(_Record):
    url: str
    supports: list[SourceSupport]
    years: list[int]


class ObservedRecord(_Record):
    """How a date falling on some weekdays is observed on another."""

    moves: dict[Weekday, int]
    reason: str


class ObservanceRecord(_Record):
    """One observance (not dated)."""

    id: str
    name: str
    aliases: list[str]
    categories: list[Category]
    calendar: str
    description: str
    url: str | None
    sources: list[str]
    begins_evening_before: bool
    announced: bool = Field(description="Whether its organiser announces the dates each year.")
    fasting: bool
    rest_from_work: bool
    guidance: str | None
    since: int | None = Field(description="First year it was held.")
    tone: Tone | None
    tone_guidance: str | None
    also_in: list[str]
    source_details: list[SourceRecord]
    observed: ObservedRecord | None
    name_cy: WelshName
    name_cy_source: WelshNameSource
    description_cy: WelshDescription


class NotComputedRecord(_Record):
    """A year a rule cannot date (beyond a table's range), with the reason."""

    observance: str
    name: str
    year: int
    reason: str


class NotHeldRecord(NotComputedRecord):
    """A year before the observance began."""

    since: int | None


class OccurrencesPage(_Record):
    """Occurrences overlapping a window, in date order, a page at a time."""

    from_: dt.date = Field(alias="from")
    to: dt.date
    occurrences: list[OccurrenceRecord]
    warnings: list[str]
    not_computed: list[NotComputedRecord]
    not_held: list[NotHeldRecord]
    total: int = Field(ge=0, description="How many occurrences the window holds in all.")
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)
    next: str | None = Field(description="The address of the next page, or null on the last.")


class ObservancesPage(_Record):
    """Observances sorted by name, a page at a time (when `limit` or `offset` is given)."""

    observances: list[ObservanceRecord]
    total: int = Field(ge=0, description="How many observances match in all.")
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)
    next: str | None = Field(description="The address of the next page, or null on the last.")


class ObservanceDetail(ObservanceRecord):
    """One observance with its occurrences in a window of years."""

    from_year: int
    to_year: int
    occurrences: list[OccurrenceRecord]
    not_computed: list[NotComputedRecord]
    not_held: list[NotHeldRecord]


class ClashRecord(_Record):
    """What falls, or may fall, on one day."""

    date: dt.date
    until: dt.date
    kind: ClashKind
    observance: str | None
    name: str
    what: str
    eve: bool
    on_day: bool
    certainty: Certainty
    label: str = Field(description='"confirmed", "expected" or "possible (±1 day)".')
    start: dt.date
    end: dt.date
    fasting: bool
    rest_from_work: bool
    rest_from_sunset: bool
    begins_evening_before: bool
    status: Status
    may_vary_days: int
    categories: list[Category]
    guidance: str | None
    url: str | None


class ClashesAnswer(_Record):
    from_: dt.date = Field(alias="from")
    to: dt.date
    clashes: list[ClashRecord]
    warnings: list[str]
    not_computed: list[NotComputedRecord]


class FreezeRecord(_Record):
    """One communication freeze, as `edicalendar freeze list --format json` prints it."""

    id: int
    kind: FreezeKind
    title: str
    reason: str
    start: dt.date
    end: dt.date | None = Field(description="Its last day (inclusive), null while open-ended.")
    planned_end: dt.date | None
    polling_day: dt.date | None
    scope: FreezeScope
    area: str | None
    restricts: Restriction
    restricts_text: str
    public: bool
    source: str | None
    status: FreezeStatus
    created_by: str | None
    created_at: dt.datetime | None
    ended_at: dt.datetime | None
    ended_by: str | None


class FreezesAnswer(_Record):
    freezes: list[FreezeRecord]


class EndedFreeze(FreezeRecord):
    """The freeze ended, and the keys of the reminders it held."""

    released: list[str] = Field(description="Held reminders sent on the bot's next tick.")
    expired: list[str] = Field(description="Held reminders now too late to send.")


class HealthData(_Record):
    loaded: bool
    loaded_at: dt.datetime
    observances: int
    feeds: list[str]
    problems: list[str]
    refused_at: dt.datetime | None = None


class HeldBack(_Record):
    reason: str
    since: str | None


class SchedulerHealth(_Record):
    running: bool | None
    runs_in: str | None
    last_tick: dt.datetime | None
    last_error: str | None
    planned_until: str | None = None
    halted: dict[str, HeldBack] = Field(default_factory=dict)
    unhealthy: dict[str, HeldBack] = Field(default_factory=dict)


class LedgerHealth(_Record):
    reachable: bool
    error: str | None = None


class Health(_Record):
    """`status` for anyone; the detail only for an administrator."""

    status: Literal["ok", "degraded", "failing"]
    data: HealthData | None = None
    scheduler: SchedulerHealth | None = None
    ledger: LedgerHealth | None = None
