"""Reminder planning: campaign instances and a time window in, reminder occurrences out.

Pure and deterministic. Each :class:`ReminderOccurrence` carries a key
`campaign:rule:local-date:destination` built from the *local date* it is sent on, so a DST change,
a clock jump or a second planning pass can never mint a second key for the same reminder. Send
times are computed on dates, then given a wall-clock time in the configured zone: a time inside
the spring-forward gap moves forward by the gap, an ambiguous autumn time means its first
occurrence (fold=0). Each occurrence also says until when it is still worth sending (`not_after`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from edicalendar.calendar.freezes import (
    RESTRICTION_LABELS,
    Audience,
    Freeze,
    nice_date,
)
from edicalendar.calendar.occurrence_records import (
    date_caveats,
    dated_text,
    status_sentence,
    status_text,
)
from edicalendar.feeds.events import occurrence_uid as feed_uid
from edicalendar.model import (
    Anchor,
    AssetStatus,
    CampaignInstance,
    Occurrence,
    Owner,
    RelativeDay,
    Status,
)
from edicalendar.reminders.date_changes import DateChange
from edicalendar.reminders.messages import EventRef, Link, Message
from edicalendar.urls import public_url


class ReminderKind(StrEnum):
    """What a reminder is for; stored in the ledger's `kind` column."""

    LEAD_TIME = "lead-time"
    TASK_DUE = "task-due"
    ANNOUNCE = "announce"
    DIGEST = "digest"
    RULE = "rule"
    #: A confirmed date replaced an estimate, or a date moved (reminders.date_changes).
    DATE_CHANGE = "date-change"


#: Who each kind of reminder speaks to, for communication freezes. A day-of announcement shares
#: the campaign's published links, so it counts as public; a task or campaign reminder is
#: public when it says `public = true` (it publishes something), else internal.
KIND_AUDIENCE: dict[ReminderKind, Audience] = {
    ReminderKind.LEAD_TIME: Audience.INTERNAL,
    ReminderKind.TASK_DUE: Audience.INTERNAL,
    ReminderKind.ANNOUNCE: Audience.PUBLIC,
    ReminderKind.DIGEST: Audience.INTERNAL,
    ReminderKind.RULE: Audience.INTERNAL,
    ReminderKind.DATE_CHANGE: Audience.INTERNAL,
}


@dataclass(frozen=True, slots=True)
class ReminderOccurrence:
    """One reminder to one destination at one instant; `key` is its identity forever."""

    key: str
    kind: ReminderKind
    campaign_id: str | None
    rule: str
    local_date: dt.date
    destination: str
    due_at: dt.datetime
    not_after: dt.datetime
    message: Message
    #: Who it speaks to: a freeze holds it when its restriction covers this audience.
    audience: Audience = Audience.INTERNAL


@dataclass(frozen=True, slots=True)
class PlannerSettings:
    """Planner knobs, usually built from `[reminders]` and `[destinations]` in config."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    lead_grace: dt.timedelta = dt.timedelta(hours=72)
    digest_destinations: tuple[str, ...] = ()
    digest_weekday: int = 0
    digest_time: dt.time = dt.time(9, 0)
    digest_days: int = 14
    #: Destination names that exist; an owner's `slack`/`teams` value is used when it is one.
    known_destinations: frozenset[str] = frozenset()
    #: Whether task owners may be emailed directly (an SMTP server is configured).
    owner_email: bool = False
    base_url: str | None = None
    #: Destinations with `notify_changes = true`: they hear of every date change.
    change_destinations: tuple[str, ...] = ()

    @property
    def max_grace(self) -> dt.timedelta:
        """The longest any reminder may go out late: the bound on catch-up after downtime."""
        # Day-of and digest reminders are good until the end of their day (< 24 h).
        return max(self.lead_grace, dt.timedelta(hours=24))


@dataclass(frozen=True, slots=True)
class PlannerInput:
    """What the planner reads: campaign instances, and for digests observance occurrences and
    the recorded communication freezes."""

    instances: Sequence[CampaignInstance]
    occurrences: Sequence[Occurrence] = ()
    #: Date changes found by the bot (reminders.date_changes), each announced once.
    date_changes: Sequence[DateChange] = ()
    freezes: Sequence[Freeze] = ()


def zoned(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of wall time `at` on `day` in `zone` (gap: moved forward; fold: first)."""
    local = dt.datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    instant = local.astimezone(dt.UTC)
    # A non-existent wall time does not survive the round trip; PEP 495 maps fold=0 in a gap
    # to the offset *before* the gap, which is exactly "moved forward by the gap".
    return instant


def day_start(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant at which local `day` begins."""
    return zoned(day, dt.time(0, 0), zone)


def is_weekday(day: dt.date) -> bool:
    return day.weekday() < 5


def relative_date(
    occurrence: Occurrence,
    when: RelativeDay,
    is_workday: Callable[[dt.date], bool] = is_weekday,
) -> dt.date:
    """The date `when` names for `occurrence`; working days skip non-workdays."""
    anchor = occurrence.start if when.anchor is Anchor.START else occurrence.end
    if not when.working_days:
        return anchor + dt.timedelta(days=when.days)
    step = 1 if when.days > 0 else -1
    day, remaining = anchor, abs(when.days)
    while remaining:
        day += dt.timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def occurrence_uid(occurrence: Occurrence) -> str:
    """The feed's UID for this occurrence, so an emailed `.ics` updates the same calendar entry
    a feed subscriber already has instead of adding a second one."""
    return feed_uid(occurrence.observance_id, occurrence.instance)


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill `{name}` placeholders from `values`; unknown names are left as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _when_text(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days % 7 == 0 and days >= 14:
        return f"in {days // 7} weeks"
    return f"in {days} days"


def _event(occurrence: Occurrence) -> EventRef:
    from edicalendar.feeds.events import occurrence_description

    # The feed's own description, so an attached event matches the subscribed one word for word.
    return EventRef(
        uid=occurrence_uid(occurrence),
        name=occurrence.name,
        start=occurrence.start,
        end=occurrence.end,
        description=occurrence_description(occurrence),
        url=public_url(occurrence.url),
    )


def _key(campaign: str, rule: str, day: dt.date, destination: str) -> str:
    return f"{campaign}:{rule}:{day.isoformat()}:{destination}"


class _Builder:
    """Accumulates occurrences inside [start, end) for one planning pass."""

    def __init__(self, settings: PlannerSettings, start: dt.datetime, end: dt.datetime) -> None:
        self.settings = settings
        self.start = start
        self.end = end
        self.out: dict[str, ReminderOccurrence] = {}

    def add(
        self,
        *,
        kind: ReminderKind,
        campaign_id: str | None,
        rule: str,
        day: dt.date,
        at: dt.time,
        destinations: Iterable[str],
        message: Message,
        not_after: Callable[[dt.datetime], dt.datetime],
        audience: Audience | None = None,
    ) -> None:
        due = zoned(day, at, self.settings.timezone)
        if not self.start <= due < self.end:
            return
        limit = max(due, not_after(due))
        for destination in destinations:
            key = _key(campaign_id or kind.value, rule, day, destination)
            self.out.setdefault(
                key,
                ReminderOccurrence(
                    key=key,
                    kind=kind,
                    campaign_id=campaign_id,
                    rule=rule,
                    local_date=day,
                    destination=destination,
                    due_at=due,
                    not_after=limit,
                    message=message,
                    audience=KIND_AUDIENCE[kind] if audience is None else audience,
                ),
            )


def plan_reminders(
    source: PlannerInput,
    settings: PlannerSettings,
    start: dt.datetime,
    end: dt.datetime,
    *,
    is_workday: Callable[[dt.date], bool] = is_weekday,
) -> list[ReminderOccurrence]:
    """Every reminder due in [start, end) (UTC instants), sorted by due time then key."""
    builder = _Builder(settings, start, end)
    zone = settings.timezone
    for instance in source.instances:
        _plan_instance(builder, instance, zone, settings, is_workday)
    _plan_digests(builder, source, settings)
    _plan_date_changes(builder, source, settings)
    return sorted(builder.out.values(), key=lambda r: (r.due_at, r.key))


def _until_start_or(
    grace: dt.timedelta, start: dt.date, zone: ZoneInfo
) -> Callable[[dt.datetime], dt.datetime]:
    """Lead-time grace, but never past the start of the event (a "tomorrow" is then useless)."""
    event_start = day_start(start, zone)
    return lambda due: min(due + grace, event_start)


def _end_of_day(day: dt.date, zone: ZoneInfo) -> Callable[[dt.datetime], dt.datetime]:
    end = day_start(day + dt.timedelta(days=1), zone)
    return lambda _due: end


def _plan_instance(
    builder: _Builder,
    instance: CampaignInstance,
    zone: ZoneInfo,
    settings: PlannerSettings,
    is_workday: Callable[[dt.date], bool],
) -> None:
    campaign = instance.campaign
    occurrence = instance.occurrence
    event = _event(occurrence)
    values = {
        "campaign": campaign.title,
        "observance": occurrence.name,
        "start": occurrence.start.isoformat(),
        "end": occurrence.end.isoformat(),
        "year": str(instance.year),
        "dates": dated_text(occurrence),
        "status": status_text(occurrence),
    }
    campaign_link = _campaign_link(settings, campaign.id, instance.instance)
    base_links = tuple(x for x in (campaign_link, _observance_link(occurrence)) if x)
    for days in sorted(set(campaign.lead_times), reverse=True):
        day = occurrence.start - dt.timedelta(days=days)
        when = _when_text(days)
        open_tasks = [t for t in instance.tasks if not t.done and t.due >= day]
        lines = [f"{occurrence.name} starts {when}: {dated_text(occurrence)}."]
        lines += [f"- {t.task.name}: due {_nice(t.due)}" for t in open_tasks[:10]]
        if campaign.summary:
            lines.append(campaign.summary)
        if occurrence.tone_guidance:
            lines.append(f"For communications: {occurrence.tone_guidance}")
        builder.add(
            kind=ReminderKind.LEAD_TIME,
            campaign_id=campaign.id,
            rule=f"lead-{days}",
            day=day,
            at=campaign.lead_time_at,
            destinations=campaign.lead_time_destinations,
            message=Message(
                title=f"{occurrence.name} {when}{_caveated(occurrence)}: {campaign.title}",
                body="\n".join(lines),
                links=base_links,
                event=event,
            ),
            not_after=(
                _until_start_or(settings.lead_grace, occurrence.start, zone)
                if days > 0
                else _end_of_day(day, zone)
            ),
        )
    if campaign.announce_destinations:
        published = tuple(
            Link(dated.asset.title, url)
            for dated in instance.assets
            if (url := public_url(dated.asset.url))
            and not dated.asset.placeholder_url
            and (
                dated.asset.status is AssetStatus.PUBLISHED
                or (dated.publish_on is not None and dated.publish_on <= occurrence.start)
            )
        )
        builder.add(
            kind=ReminderKind.ANNOUNCE,
            campaign_id=campaign.id,
            rule="announce",
            day=occurrence.start,
            at=campaign.announce_at,
            destinations=campaign.announce_destinations,
            message=Message(
                title=f"Today: {occurrence.name}{_caveated(occurrence)}",
                body=_with_status(
                    occurrence,
                    _with_tone(
                        occurrence, occurrence.description or campaign.summary or occurrence.name
                    ),
                ),
                links=published + tuple(x for x in (_observance_link(occurrence),) if x),
                event=event,
            ),
            not_after=_end_of_day(occurrence.start, zone),
        )
    for due_task in instance.tasks:
        if due_task.done:
            continue
        task = due_task.task
        builder.add(
            kind=ReminderKind.TASK_DUE,
            campaign_id=campaign.id,
            rule=f"task-{task.id}",
            day=due_task.due,
            at=campaign.lead_time_at,
            destinations=_owner_destinations(
                campaign.owners, task.owner, campaign.lead_time_destinations, settings
            ),
            message=Message(
                title=f"Due today: {task.name} ({campaign.title})",
                body=(
                    f"{task.name} is due today for {campaign.title}; "
                    f"{occurrence.name} starts {dated_text(occurrence)}."
                ),
                links=base_links,
                event=event,
            ),
            not_after=lambda due: due + settings.lead_grace,
            audience=Audience.PUBLIC if task.public else Audience.INTERNAL,
        )
    for rule in campaign.reminders:
        day = relative_date(occurrence, rule.when, is_workday)
        values_here = dict(values, when=_when_text((occurrence.start - day).days))
        default = f"{occurrence.name} starts {{when}}: {campaign.title}"
        title = render_template(rule.template or default, values_here)
        builder.add(
            kind=ReminderKind.RULE,
            campaign_id=campaign.id,
            rule=rule.id,
            day=day,
            at=rule.time,
            destinations=rule.destinations,
            message=Message(
                title=title,
                body=_with_status(occurrence, campaign.summary or title),
                links=base_links,
                event=event,
            ),
            not_after=(
                _until_start_or(settings.lead_grace, occurrence.start, zone)
                if day < occurrence.start
                else _end_of_day(day, zone)
            ),
            audience=Audience.PUBLIC if rule.public else Audience.INTERNAL,
        )


def _owner_destinations(
    owners: Sequence[Owner],
    owner_name: str | None,
    fallback: Sequence[str],
    settings: PlannerSettings,
) -> tuple[str, ...]:
    """Where a task owner hears about a task: their Slack/Teams destination, else their email."""
    owner = next(
        (o for o in owners if owner_name and owner_name in (o.name, o.email)),
        owners[0] if owners and owner_name is None else None,
    )
    if owner is None:
        return tuple(fallback)
    named = tuple(
        name for name in (owner.slack, owner.teams) if name and name in settings.known_destinations
    )
    if named:
        return named
    if owner.email and settings.owner_email:
        return (f"email:{owner.email}",)
    return tuple(fallback)


def _plan_digests(builder: _Builder, source: PlannerInput, settings: PlannerSettings) -> None:
    if not settings.digest_destinations:
        return
    zone = settings.timezone
    first = builder.start.astimezone(zone).date() - dt.timedelta(days=1)
    last = builder.end.astimezone(zone).date() + dt.timedelta(days=1)
    day = first + dt.timedelta(days=(settings.digest_weekday - first.weekday()) % 7)
    while day <= last:
        builder.add(
            kind=ReminderKind.DIGEST,
            campaign_id=None,
            rule="weekly",
            day=day,
            at=settings.digest_time,
            destinations=settings.digest_destinations,
            message=digest_message(source, day, settings.digest_days),
            not_after=_end_of_day(day, zone),
        )
        day += dt.timedelta(days=7)


def _plan_date_changes(builder: _Builder, source: PlannerInput, settings: PlannerSettings) -> None:
    """One notice per change and destination, due when the change was found and worth
    sending until the occurrence is over."""
    if not settings.change_destinations:
        return
    zone = settings.timezone
    for change in source.date_changes:
        local = change.detected_at.astimezone(zone)
        links = [Link(f"About {change.name}", change.url)] if change.url else []
        if change.source and change.source != change.url:
            links.append(Link("Source", change.source))
        builder.add(
            kind=ReminderKind.DATE_CHANGE,
            campaign_id=None,
            rule=change.rule,
            day=local.date(),
            at=local.time().replace(tzinfo=None, fold=0),
            destinations=settings.change_destinations,
            message=Message(
                title=change.title,
                body=change.body,
                links=tuple(links),
                event=EventRef(
                    uid=feed_uid(change.observance_id, change.instance),
                    name=change.name,
                    start=change.new_start,
                    end=change.new_end,
                    description=change.description,
                    url=change.url,
                ),
            ),
            not_after=_end_of_day(change.new_end, zone),
        )


def freeze_lines(freezes: Sequence[Freeze], day: dt.date, until: dt.date) -> list[str]:
    """What the digest says about freezes: those in force on `day` and until when, then those
    starting before `until`."""
    live = [f for f in freezes if not f.cancelled]
    now = sorted((f for f in live if f.covers(day)), key=lambda f: (f.start, f.id))
    ahead = sorted((f for f in live if day < f.start < until), key=lambda f: (f.start, f.id))
    lines: list[str] = []
    for freeze in now:
        last = freeze.last_day
        till = f"until {nice_date(last)}" if last is not None else "until it is ended"
        lines.append(
            f"Communication freeze in force: {freeze.title}, {till}. It holds back "
            f"{RESTRICTION_LABELS[freeze.restricts]}: hold or move what falls inside it."
        )
    for freeze in ahead:
        lines.append(
            f"Communication freeze from {nice_date(freeze.start)}: {freeze.title} "
            f"({freeze.span_text()}); it holds back {RESTRICTION_LABELS[freeze.restricts]}."
        )
    return lines


def digest_message(source: PlannerInput, day: dt.date, days: int) -> Message:
    """The "coming up" digest: freezes in force or starting soon, then observances and open
    campaign tasks in [day, day + days)."""
    until = day + dt.timedelta(days=days)
    seen: set[tuple[str, str]] = set()
    lines: list[str] = freeze_lines(source.freezes, day, until)
    if lines:
        lines.append("")
    frozen_lines = len(lines)
    events = sorted(
        [o for o in source.occurrences if o.start < until and o.end >= day]
        + [
            i.occurrence
            for i in source.instances
            if i.occurrence.start < until and i.occurrence.end >= day
        ],
        key=lambda o: (o.start, o.name),
    )
    for occ in events:
        if (occ.observance_id, occ.instance) in seen:
            continue
        seen.add((occ.observance_id, occ.instance))
        span = _nice(occ.start) if occ.days == 1 else f"{_nice(occ.start)} to {_nice(occ.end)}"
        lines.append(f"- {span}: {occ.name}{_caveated(occ, with_status=True)}")
    tasks = sorted(
        (t for i in source.instances for t in i.tasks if not t.done and day <= t.due < until),
        key=lambda t: (t.due, t.campaign_id, t.task.id),
    )
    if tasks:
        if len(lines) > frozen_lines:
            lines.append("")
        lines.append("Tasks due:")
        lines += [f"- {_nice(t.due)}: {t.task.name} ({t.campaign_id})" for t in tasks]
    if len(lines) == frozen_lines:
        lines.append("Nothing in the calendar for the next two weeks.")
    return Message(
        title=f"Coming up: {_nice(day)} to {_nice(until - dt.timedelta(days=1))}",
        body="\n".join(lines),
    )


def _with_tone(occurrence: Occurrence, body: str) -> str:
    """`body` and, for a day with tone guidance (a solemn day), how to speak of it."""
    if not occurrence.tone_guidance:
        return body
    return f"{body}\n\nFor communications: {occurrence.tone_guidance}"


def _caveated(occurrence: Occurrence, *, with_status: bool = False) -> str:
    """ " (±1 day, begins the evening before)" after a name, or "" when there is nothing to say.

    `with_status` names a status that is not confirmed too ("(estimated ±1 day, ...)").
    """
    if with_status and occurrence.status is not Status.CONFIRMED:
        return f" ({status_text(occurrence)})"
    caveats = date_caveats(occurrence)
    return f" ({', '.join(caveats)})" if caveats else ""


def _with_status(occurrence: Occurrence, body: str) -> str:
    """`body` after the date's status line, when the date has anything uncertain to say."""
    status = status_sentence(occurrence)
    return f"{status}\n{body}" if status else body


def _nice(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _campaign_link(settings: PlannerSettings, campaign_id: str, instance: str) -> Link | None:
    """The campaign's page for this occurrence ("2026", "2030-2"), where the work is done."""
    if not settings.base_url:
        return None
    return Link(
        "Campaign plan", f"{settings.base_url.rstrip('/')}/campaigns/{campaign_id}/{instance}"
    )


def _observance_link(occurrence: Occurrence) -> Link | None:
    url = public_url(occurrence.url)
    return Link(f"About {occurrence.name}", url) if url else None
