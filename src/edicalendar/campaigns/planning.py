"""The planning view's arithmetic: periods (a month, a quarter), the work in them, the gaps.

Pure functions over the dated plan. A :class:`WorkItem` is one task or one dated asset of one
campaign instance, with whose work it is: the task's (or asset's) named owner, else the
campaign's first owner, as the reminder bot decides. The gaps of a period are its observances
that no campaign covers; overdue work is open work whose date has passed; "my work" is the items
whose owner is a given person (by email, else by name).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from edicalendar.errors import QueryError
from edicalendar.i18n import N_, Message
from edicalendar.model import (
    AssetStatus,
    CampaignInstance,
    HijriRule,
    Observance,
    Occurrence,
    Owner,
    Status,
)

_MONTH = re.compile(r"^(\d{4})-(\d{2})\Z")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])\Z")
#: Open work older than this is no longer listed as overdue (that campaign is long over).
OVERDUE_DAYS = 90


@dataclass(frozen=True, slots=True)
class Period:
    """A month or a quarter of the plan."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.start:%B} to {self.end:%B %Y}"
        return f"{self.start:%B %Y}"

    def shifted(self, steps: int) -> Period:
        months = 3 if self.kind == "quarter" else 1
        return period_of(_add_months(self.start, months * steps), self.kind)

    def as_kind(self, kind: str) -> Period:
        """The month or quarter this period starts in."""
        return period_of(self.start, kind)

    def months(self) -> list[Period]:
        """The months of this period, in order."""
        months = 3 if self.kind == "quarter" else 1
        return [period_of(_add_months(self.start, n), "month") for n in range(months)]


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_of(day: dt.date, kind: str) -> Period:
    """The month (or quarter) that `day` falls in."""
    if kind == "quarter":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        end = _add_months(start, 3) - dt.timedelta(days=1)
    else:
        start = day.replace(day=1)
        end = _add_months(start, 1) - dt.timedelta(days=1)
    return Period(kind, start, end)


def parse_period(text: str) -> Period:
    """`2026-03` (a month) or `2026-Q1` (a quarter); QueryError naming the value otherwise."""
    month = _MONTH.match(text)
    if month and 1 <= int(month[2]) <= 12 and 1900 <= int(month[1]) <= 2200:
        return period_of(dt.date(int(month[1]), int(month[2]), 1), "month")
    quarter = _QUARTER.match(text)
    if quarter and 1900 <= int(quarter[1]) <= 2200:
        return period_of(dt.date(int(quarter[1]), (int(quarter[2]) - 1) * 3 + 1, 1), "quarter")
    shown = text if len(text) <= 20 else text[:20] + "…"
    raise QueryError(
        Message(
            N_("period: %(value)s is not a month or quarter; use 2026-03 or 2026-Q1"),
            value=repr(shown),
        )
    )


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One task or dated asset of one campaign instance."""

    kind: str
    instance: CampaignInstance
    item_id: str
    name: str
    date: dt.date | None
    #: The name the work is given to (the item's owner, else the campaign's first owner).
    owner: Owner | None
    done: bool
    #: "open"/"done" for tasks; the asset's status for assets.
    status: str
    url: str | None = None

    @property
    def campaign_id(self) -> str:
        return self.instance.campaign.id

    def overdue(self, today: dt.date) -> bool:
        return not self.done and self.date is not None and self.date < today


def _owner(instance: CampaignInstance, name: str | None) -> Owner | None:
    owners = instance.campaign.owners
    if name:
        return next((o for o in owners if name in (o.name, o.email)), Owner(name))
    return owners[0] if owners else None


def work_items(instances: Iterable[CampaignInstance]) -> list[WorkItem]:
    """Every task and asset of `instances`, by date (undated assets last)."""
    found: list[WorkItem] = []
    for instance in instances:
        for task in instance.tasks:
            found.append(
                WorkItem(
                    "task",
                    instance,
                    task.task.id,
                    task.task.name,
                    task.due,
                    _owner(instance, task.task.owner),
                    task.done,
                    "done" if task.done else "open",
                )
            )
        for dated in instance.assets:
            asset = dated.asset
            found.append(
                WorkItem(
                    "asset",
                    instance,
                    asset.id,
                    asset.title,
                    dated.publish_on,
                    _owner(instance, asset.owner),
                    asset.status is AssetStatus.PUBLISHED,
                    asset.status.value,
                    asset.url,
                )
            )
    far = dt.date.max
    return sorted(found, key=lambda w: (w.date or far, w.campaign_id, w.kind, w.item_id))


def overdue(items: Iterable[WorkItem], today: dt.date) -> list[WorkItem]:
    """Open work whose date has passed, in the last :data:`OVERDUE_DAYS` days."""
    since = today - dt.timedelta(days=OVERDUE_DAYS)
    return [w for w in items if w.overdue(today) and w.date is not None and w.date >= since]


def due_between(items: Iterable[WorkItem], start: dt.date, end: dt.date) -> list[WorkItem]:
    """Work dated `start`..`end` (inclusive), done or not."""
    return [w for w in items if w.date is not None and start <= w.date <= end]


def belongs_to(item: WorkItem, name: str, email: str) -> bool:
    """Whether `item` is the work of the person called `name` with address `email`."""
    owner = item.owner
    if owner is None:
        return False
    if owner.email:
        return owner.email.casefold() == email.casefold()
    return owner.name.casefold() in (name.casefold(), email.casefold())


def gaps(
    occurrences: Iterable[Occurrence], instances: Sequence[CampaignInstance]
) -> list[Occurrence]:
    """The occurrences no campaign covers: no instance is anchored on it, and no campaign that
    names its observance runs that year."""
    anchored = {(i.occurrence.observance_id, i.occurrence.instance) for i in instances}
    named = {(o, i.year) for i in instances for o in i.campaign.observances}
    return [
        o
        for o in occurrences
        if (o.observance_id, o.instance) not in anchored and (o.observance_id, o.year) not in named
    ]


def depends_on_moon(observance: Observance | None) -> bool:
    """Whether dates tied to this observance move with a sighting of the new moon."""
    return observance is not None and isinstance(observance.rule, HijriRule)


def certainty(occurrence: Occurrence) -> str | None:
    """How sure the observance's dates are, in words, when they are not simply confirmed."""
    if occurrence.status is Status.CONFIRMED:
        return None
    if occurrence.status is Status.ESTIMATED and occurrence.may_vary_days:
        days = occurrence.may_vary_days
        return f"estimated ±{days} day{'s' if days != 1 else ''}"
    return occurrence.status.value
