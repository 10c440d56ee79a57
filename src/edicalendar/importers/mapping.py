"""Map imported events onto calendar data: which observance each is, and what to change.

Events are grouped by normalised name across years. A group whose name matches an observance
(exactly, or closely, with a difflib score shown to the reviewer) updates that observance's
per-year entries: a date agreeing with its rule is recorded as confirmed for that year; a date
that disagrees is reported and never silently taken. A group matching nothing becomes a new
observance with a slug id, a rule inferred from its dates, and categories guessed from keywords,
all marked for review. The result is a :class:`ImportPlan`; nothing here touches files.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from edicalendar.calendar.catalog import Catalog
from edicalendar.errors import EdicalendarError, SourceError
from edicalendar.importers.names import (
    CLOSE_MATCH,
    guess_categories,
    name_forms,
    normalise,
    normalised_similarity,
    slug,
)
from edicalendar.importers.source import Finding, SourceEvent
from edicalendar.model import Category, Observance, Occurrence, RuleDate, Status, Weekday

#: Two dates of one name in one year closer than this are a conflict, not two occurrences
#: (the Islamic year is 354 days, so a genuine second occurrence is at least that far away).
_SECOND_OCCURRENCE_DAYS = 300
_MAX_DESCRIPTION = 2000
#: Distinct names and new observances one import may bring: a whole NHS calendar has about 200,
#: and every new one needs a reviewer.
MAX_NAMES = 2000
MAX_NEW = 500


class Action(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    #: A date that disagrees with what the calendar holds: shown, not written.
    REPORTED = "reported"
    #: Belongs to an observance in another calendar file, which this import does not write.
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Change:
    """One line of the import report."""

    action: Action
    observance_id: str
    name: str
    year: str | None
    start: dt.date | None
    end: dt.date | None
    detail: str
    line: int | None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class YearEntry:
    """A `years.<key>` table to write: announced or confirmed dates with their source."""

    key: str
    #: None for a year that records only a theme (the rule gives its dates).
    start: dt.date | None
    end: dt.date | None
    source: str
    theme: str | None = None
    cancelled: bool = False
    note: str | None = None


@dataclass
class NewObservance:
    """An observance to append to the calendar file, with why a reviewer should look at it."""

    id: str
    name: str
    categories: list[Category]
    rule: dict[str, Any]
    description: str
    sources: list[str]
    url: str | None = None
    duration_days: int | None = None
    begins_evening_before: bool = False
    announced: bool = False
    tradition: str | None = None
    years: list[YearEntry] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What an import would do to one calendar file."""

    calendar: str
    new: list[NewObservance] = field(default_factory=list)
    #: Year entries to add to existing observances, by observance id.
    updates: dict[str, list[YearEntry]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)


@dataclass
class _Group:
    name: str
    events: list[SourceEvent]


def merge_days(events: Iterable[SourceEvent], findings: list[Finding]) -> list[SourceEvent]:
    """Join rows of one name on consecutive days (calendars kept one row per day); drop repeats."""
    by_name: dict[str, list[SourceEvent]] = {}
    for event in events:
        by_name.setdefault(normalise(event.name), []).append(event)
    merged: list[SourceEvent] = []
    for group in by_name.values():
        group.sort(key=lambda e: (e.start, e.end))
        current: SourceEvent | None = None
        joined = 0
        for event in group:
            if current is not None and (event.start, event.end) == (current.start, current.end):
                findings.append(
                    Finding(
                        event.source,
                        event.line,
                        f"duplicate of line {current.line} (same name and dates); ignored",
                        event.name,
                    )
                )
                continue
            if current is not None and event.start == current.end + dt.timedelta(days=1):
                current = _extend(current, event.end)
                joined += 1
                continue
            if current is not None:
                merged.append(current)
                _note_join(current, joined, findings)
            current, joined = event, 0
        if current is not None:
            merged.append(current)
            _note_join(current, joined, findings)
    merged.sort(key=lambda e: (e.line or 0, e.start))
    return merged


def _extend(event: SourceEvent, end: dt.date) -> SourceEvent:
    return replace(event, end=end)


def _note_join(event: SourceEvent, joined: int, findings: list[Finding]) -> None:
    if joined:
        findings.append(
            Finding(
                event.source,
                event.line,
                f"{joined + 1} rows on consecutive days joined into {event.start} to {event.end}",
                event.name,
            )
        )


def plan_import(
    events: list[SourceEvent],
    catalog: Catalog,
    calendar: str,
    source_label: str,
    progress: Callable[[int, int], None] | None = None,
    behind: Iterable[str] = (),
) -> ImportPlan:
    """Decide, for every group of events, whether it adds, updates or is only reported.

    Names that turn out to be one observance ("Eid ul-Fitr" and "Eid al-Fitr", or two close
    spellings of a new one) are one group, so nothing is added or recorded twice. `behind`
    names calendars whose observances lose a tie of names (optional calendars switched off).
    """
    plan = ImportPlan(calendar=calendar)
    groups: dict[str, _Group] = {}
    for event in events:
        key = normalise(event.name) or event.name.lower()
        groups.setdefault(key, _Group(name=event.name, events=[])).events.append(event)
    if len(groups) > MAX_NAMES:
        raise SourceError.at(
            events[0].source, None,
            f"{len(groups)} different names; an import takes at most {MAX_NAMES} (split the file)",
        )  # fmt: skip
    taken_ids = set(catalog.observances)
    index = NameIndex(catalog.observances.values(), behind)
    inner_years = covered_years(events)
    # First decide what each name is, joining names that are one observance, then plan each
    # observance once, in the order the source first names it.
    leads: list[tuple[_Group, Observance | None, float]] = []
    by_match: dict[str, _Group] = {}
    new_names: dict[int, list[tuple[str, _Group]]] = {}
    for done, group in enumerate(groups.values(), 1):
        if progress is not None:
            progress(done, len(groups))
        found, score = index.matches(group.name)
        if found:
            # A name several observances share is split by date ("Independence Day").
            parts: dict[str, tuple[Observance, list[SourceEvent]]] = {}
            for event in group.events:
                match = (
                    found[0]
                    if len(found) == 1
                    else closest_by_date(found, event.start, event.end, catalog)[0]
                )
                parts.setdefault(match.id, (match, []))[1].append(event)
            for match, matched_events in parts.values():
                lead = by_match.get(match.id)
                if lead is not None:
                    lead.events.extend(matched_events)
                    continue
                lead = _Group(name=group.name, events=matched_events)
                by_match[match.id] = lead
                leads.append((lead, match, score))
            continue
        key = normalise(group.name)
        same_words = new_names.setdefault(len(key.split()), [])
        twin = next(
            (g for name, g in same_words if normalised_similarity(key, name) >= CLOSE_MATCH), None
        )
        if twin is not None:
            twin.events.extend(group.events)
            continue
        if sum(len(names) for names in new_names.values()) >= MAX_NEW:
            raise SourceError.at(
                group.events[0].source, group.events[0].line,
                f"more than {MAX_NEW} new observances; is this an awareness calendar? "
                "Split the file and review each part",
            )  # fmt: skip
        same_words.append((key, group))
        leads.append((group, None, 0.0))
    for group, matched, score in leads:
        years = _by_year(group, plan.findings)
        if matched is None:
            new = _new_observance(group, years, taken_ids, source_label, inner_years)
            taken_ids.add(new.id)
            plan.new.append(new)
            first = next(iter(years.values()))
            plan.changes.append(
                Change(Action.ADDED, new.id, new.name, _years_text(list(years)), first.start,
                       first.end, "new observance; review it before publishing", first.line)
            )  # fmt: skip
        elif matched.calendar != calendar:
            first = group.events[0]
            plan.changes.append(
                Change(Action.SKIPPED, matched.id, matched.name, None, None, None,
                       f"matches {matched.id!r} in calendar {matched.calendar!r}; import into "
                       "that calendar to update it", first.line, score)
            )  # fmt: skip
        else:
            _update(matched, years, score, plan, source_label)
    return plan


def covered_years(events: list[SourceEvent]) -> list[int]:
    """Years the source spans from about the start to about the end (January to December).

    A calendar's first entry is rarely on 1 January, so a year counts as covered when the
    source's dates run from the end of its January to the start of its December.
    """
    if not events:
        return []
    first = min(e.start for e in events)
    last = max(e.end for e in events)
    return [
        year
        for year in range(first.year, last.year + 1)
        if first <= dt.date(year, 1, 31) and last >= dt.date(year, 12, 1)
    ]


def name_variants(observance: Observance) -> list[tuple[str, int]]:
    """Names an observance may go by, each with a rank (lower wins when names collide): its
    name (0), its id (1), the name without a bracketed part (2), and what a bracket holds (3),
    so "Christmas Day" is the Christian day, not "Christmas Day (Scotland)", the bank holiday."""
    variants = [(observance.name, 0), (observance.id.replace("-", " "), 1)]
    bare = re.sub(r"\s*\([^)]*\)", " ", observance.name).strip()
    if bare and bare != observance.name:
        variants.append((bare, 2))
        variants += [(inner, 3) for inner in re.findall(r"\(([^)]*)\)", observance.name)]
    return variants


def _years_text(keys: list[str]) -> str:
    if len(keys) <= 2:
        return ", ".join(keys)
    return f"{keys[0]}–{keys[-1]} ({len(keys)})"


class NameIndex:
    """Every observance's name variants, normalised once, for matching many imported names.

    Where two observances answer to one name, the better-ranked variant wins (see
    :func:`name_variants`), then an observance outside `behind` (the optional calendars a
    trust has not switched on), then the one defined first.
    """

    def __init__(self, observances: Iterable[Observance], behind: Iterable[str] = ()) -> None:
        later = set(behind)
        self.exact: dict[str, list[tuple[tuple[int, int, int], Observance]]] = {}
        self.by_words: dict[int, list[tuple[str, Observance]]] = {}
        for order, observance in enumerate(observances):
            for variant, rank in name_variants(observance):
                key = normalise(variant)
                if not key:
                    continue
                priority = (rank, observance.calendar in later, order)
                self.exact.setdefault(key, []).append((priority, observance))
                if rank < 3:
                    self.by_words.setdefault(len(key.split()), []).append((key, observance))
        for hits in self.exact.values():
            hits.sort(key=lambda hit: hit[0])

    def best(self, name: str) -> tuple[Observance | None, float]:
        """The observance whose name is most like `name`, if close enough, and the score."""
        found, score = self.matches(name)
        return (found[0], score) if found else (None, 0.0)

    def matches(self, name: str) -> tuple[list[Observance], float]:
        """Observances `name` may be, best first, and the score (1 for an exact name).

        Several come back when observances share the name as written ("Independence Day"),
        best variant first; the caller may choose among them by date.
        """
        forms = name_forms(name)
        for form, _close in forms:
            hits = self.exact.get(form)
            if hits:
                top = hits[0][0][0]
                return [o for (rank, _, _), o in hits if rank == top], 1.0
        best: Observance | None = None
        best_score = 0.0
        for form, close in forms:
            if not close:
                continue
            for variant, observance in self.by_words.get(len(form.split()), []):
                score = normalised_similarity(form, variant)
                if score > best_score:
                    best, best_score = observance, score
            if best is not None and best_score >= CLOSE_MATCH:
                return [best], round(best_score, 2)
        return [], 0.0


def _occurrences_near(
    observance: Observance, day: dt.date, catalog: Catalog
) -> tuple[list[Occurrence], str | None]:
    """Occurrences from the year before `day` to the year after, and any year it cannot date."""
    from edicalendar.calendar.occurrences import occurrences_in_year

    found: list[Occurrence] = []
    problem: str | None = None
    for year in (day.year - 1, day.year, day.year + 1):
        try:
            found += occurrences_in_year(observance, year, catalog.conventions)
        except EdicalendarError as exc:
            if year == day.year:
                problem = str(exc)
    return found, problem


def closest_by_date(
    found: list[Observance], start: dt.date, end: dt.date, catalog: Catalog
) -> tuple[Observance, Occurrence | None, str | None]:
    """Of the observances a name may be, the one whose dates fit `start`..`end` best, with the
    occurrence compared (the one overlapping, else the nearest) or why there is none.

    "Independence Day" on 6 March is Ghana's; on 15 August, India's.
    """
    best: tuple[int, Observance, Occurrence | None, str | None] | None = None
    for observance in found:
        occurrences, problem = _occurrences_near(observance, start, catalog)
        occurrence = _nearest(occurrences, start, end)
        if occurrence is None:
            distance = 10**6
        elif (occurrence.start, occurrence.end) == (start, end):
            distance = 0
        elif occurrence.start <= end and start <= occurrence.end:
            distance = 1
        else:
            distance = 2 + abs((occurrence.start - start).days)
        if best is None or distance < best[0]:
            best = (distance, observance, occurrence, problem)
    assert best is not None
    return best[1], best[2], best[3]


def _nearest(occurrences: list[Occurrence], start: dt.date, end: dt.date) -> Occurrence | None:
    overlapping = [o for o in occurrences if o.start <= end and start <= o.end]
    pool = overlapping or occurrences
    if not pool:
        return None
    return min(pool, key=lambda o: (abs((o.start - start).days), abs((o.end - end).days)))


def _by_year(group: _Group, findings: list[Finding]) -> dict[str, SourceEvent]:
    """Events of one name keyed "2026" (or "2030-2" for a second occurrence a year apart)."""
    keyed: dict[str, SourceEvent] = {}
    for event in sorted(group.events, key=lambda e: e.start):
        key = str(event.start.year)
        earlier = keyed.get(key)
        if earlier is None:
            keyed[key] = event
            continue
        if (event.start - earlier.start).days >= _SECOND_OCCURRENCE_DAYS:
            keyed[f"{key}-2"] = event
            continue
        if (event.start, event.end) == (earlier.start, earlier.end):
            findings.append(
                Finding(event.source, event.line,
                        f"the same day as line {earlier.line} ({earlier.name!r}) under another "
                        "name; a duplicate, ignored", event.name)
            )  # fmt: skip
            continue
        findings.append(
            Finding(
                event.source,
                event.line,
                f"a second date in {key} ({event.start} to {event.end}) besides line "
                f"{earlier.line} ({earlier.start} to {earlier.end}); kept line {earlier.line}",
                event.name,
            )
        )
    return keyed


def _rule_dates(observance: Observance, year: int) -> list[RuleDate] | str:
    from edicalendar.calendar.rules import dates_for_year

    try:
        return dates_for_year(observance.rule, year, observance.duration_days, observance.id)
    except (EdicalendarError, ImportError) as exc:
        return str(exc) or type(exc).__name__


def _update(
    observance: Observance,
    years: dict[str, SourceEvent],
    score: float,
    plan: ImportPlan,
    source_label: str,
) -> None:
    matched = "" if score >= 1 else f" (close match, score {score:.2f})"
    for key, event in years.items():
        year = int(key[:4])
        index = 1 if key.endswith("-2") else 0

        def change(action: Action, detail: str, event: SourceEvent = event, key: str = key) -> None:
            plan.changes.append(
                Change(action, observance.id, observance.name, key, event.start, event.end,
                       detail + matched, event.line, score)
            )  # fmt: skip

        existing = observance.years.get(key)
        if existing is not None and existing.start is not None:
            if (existing.start, existing.end) == (event.start, event.end):
                change(Action.UNCHANGED, "already recorded")
            else:
                change(Action.REPORTED, f"years.{key} records {existing.start} to {existing.end}")
                plan.findings.append(
                    Finding(event.source, event.line,
                            f"source gives {event.start} to {event.end} but the calendar records "
                            f"{existing.start} to {existing.end} for {key}; not changed",
                            event.name)
                )  # fmt: skip
            continue
        computed = _rule_dates(observance, year)
        if isinstance(computed, str):
            change(Action.REPORTED, f"the rule cannot compute {key}: {computed}")
            plan.findings.append(
                Finding(event.source, event.line,
                        f"{observance.id}: the rule cannot compute {key}; add years.{key} by "
                        "hand if this date is announced", event.name)
            )  # fmt: skip
            continue
        rule_date = computed[index] if index < len(computed) else None
        if rule_date is not None and (rule_date.start, rule_date.end) == (event.start, event.end):
            if rule_date.status is Status.CONFIRMED and not observance.announced:
                change(Action.UNCHANGED, "agrees with the rule")
            else:
                change(Action.UPDATED, "agrees with the rule; recorded as confirmed")
                plan.updates.setdefault(observance.id, []).append(
                    YearEntry(key, event.start, event.end, source_label, event.theme)
                )
            continue
        change(Action.REPORTED, _disagreement(observance, rule_date))
        plan.findings.append(
            Finding(event.source, event.line, _disagreement_finding(observance, event, rule_date),
                    event.name)
        )  # fmt: skip


def _disagreement(observance: Observance, rule_date: RuleDate | None) -> str:
    if rule_date is None:
        return "the rule gives no date this year; not taken"
    return f"the rule gives {rule_date.start} to {rule_date.end}; not taken"


def _disagreement_finding(
    observance: Observance, event: SourceEvent, rule_date: RuleDate | None
) -> str:
    if rule_date is None:
        return f"{observance.id} has no occurrence in {event.start.year} by its rule; not taken"
    shift = (event.start - rule_date.start).days
    if rule_date.status is Status.ESTIMATED:
        allowed = rule_date.may_vary_days
        if abs(shift) <= allowed and event.end - event.start == rule_date.end - rule_date.start:
            return (
                f"{shift:+d} day{'s' if abs(shift) != 1 else ''} from the computed "
                f"{rule_date.start}, within the ±{allowed} the calendar allows "
                f"({rule_date.method}); "
                f"not taken: record years.{event.start.year} by hand if your community keeps it"
            )
        return (
            f"{shift:+d} days from the computed {rule_date.start} ({rule_date.method}), more than "
            f"the ±{allowed} day{'s' if allowed != 1 else ''} it may vary; check the source"
        )
    return (
        f"{event.start} to {event.end} contradicts the rule of {observance.id} "
        f"({rule_date.start} to {rule_date.end}); not taken"
    )


# --- new observances ------------------------------------------------------------------------


def _unique_id(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _new_observance(
    group: _Group,
    years: dict[str, SourceEvent],
    taken: set[str],
    source_label: str,
    inner_years: list[int],
) -> NewObservance:
    events = list(years.values())
    hints = tuple(h for e in events for h in e.categories)
    tradition = next((e.tradition for e in events if e.tradition), None)
    description = next((e.description for e in events if e.description), "")
    if len(description) > _MAX_DESCRIPTION:
        description = description[: _MAX_DESCRIPTION - 1].rstrip() + "…"
    rule, duration, exact, why = infer_rule([(e.start, e.end) for e in events])
    new = NewObservance(
        id=_unique_id(slug(group.name), taken),
        name=group.name[:200],
        categories=guess_categories(group.name, hints, tradition),
        rule=rule,
        duration_days=duration,
        description=description or f"Imported from {source_label}.",
        sources=[source_label],
        url=next((e.url for e in events if e.url), None),
        tradition=tradition,
        begins_evening_before=any(e.evening_before for e in events),
    )
    new.review.append("categories guessed from the name and source; check them")
    if exact and len(events) == 1 and Category.RELIGION_BELIEF in new.categories:
        # Most festivals follow a lunar or lunisolar calendar: one year's date says nothing
        # about the next, so it is recorded as that year's date, not made a yearly rule.
        exact, why = False, "one year of a festival's dates"
    if exact:
        new.years = [
            YearEntry(key, None, None, source_label, e.theme) for key, e in years.items() if e.theme
        ]
    else:
        new.announced = True
        new.review.append(f"rule is a placeholder ({why}); set the real rule")
        new.years = [
            YearEntry(key, e.start, e.end, source_label, e.theme) for key, e in years.items()
        ]
        # A moving date (a lunar festival) can skip a Gregorian year; the placeholder rule would
        # invent one, so a year the source covers without this name is recorded as having none.
        starts = {e.start.year for e in years.values()}
        new.years += [
            YearEntry(str(year), None, None, source_label, cancelled=True,
                      note=f"no date in {source_label}")
            for year in inner_years if year not in starts
        ]  # fmt: skip
        new.years.sort(key=lambda y: y.key)
    if not description:
        new.review.append("no description in the source; write one")
    return new


def infer_rule(
    spans: list[tuple[dt.date, dt.date]],
) -> tuple[dict[str, Any], int | None, bool, str]:
    """A rule reproducing every (start, end), its duration, whether it is exact, and why not.

    Tries, in order: a fixed day, a whole month, a fixed span, the nth weekday of a month (only
    from two or more years, since one date fits many weekday rules). Otherwise the first span
    becomes a placeholder rule and each year is recorded as announced.
    """
    starts = {(s.month, s.day) for s, _ in spans}
    lengths = {(e - s).days + 1 for s, e in spans}
    if len(starts) == 1 and lengths == {1}:
        month, day = starts.pop()
        return {"kind": "fixed", "month": month, "day": day}, None, True, ""
    if all(_whole_month(s, e) for s, e in spans) and len({s.month for s, _ in spans}) == 1:
        return {"kind": "month", "month": spans[0][0].month}, None, True, ""
    ends = {(e.month, e.day) for _, e in spans}
    if (
        len(starts) == 1
        and len(ends) == 1
        and not any((s.month, s.day) == (2, 29) or (e.month, e.day) == (2, 29) for s, e in spans)
    ):
        (start_month, start_day), (end_month, end_day) = starts.pop(), ends.pop()
        rule = {"kind": "span", "start_month": start_month, "start_day": start_day,
                "end_month": end_month, "end_day": end_day}  # fmt: skip
        return rule, None, True, ""
    if len(spans) >= 2 and len(lengths) == 1:
        weekday_rule = _nth_weekday([s for s, _ in spans])
        if weekday_rule is not None:
            length = lengths.pop()
            return weekday_rule, (length if length > 1 else None), True, ""
    why = "dates differ between years" if len(spans) > 1 else "one year of dates"
    first_start, first_end = spans[0]
    length = (first_end - first_start).days + 1
    rule = {"kind": "fixed", "month": first_start.month, "day": first_start.day}
    if (first_start.month, first_start.day) == (2, 29):
        rule["day"] = 28
    return rule, (length if length > 1 else None), False, why


def _whole_month(start: dt.date, end: dt.date) -> bool:
    last = gregorian.monthrange(start.year, start.month)[1]
    return start.day == 1 and end == start.replace(day=last)


def _nth_weekday(starts: list[dt.date]) -> dict[str, Any] | None:
    weekdays = {s.weekday() for s in starts}
    months = {s.month for s in starts}
    if len(weekdays) != 1 or len(months) != 1:
        return None
    nths = {(s.day - 1) // 7 + 1 for s in starts}
    lasts = {s.day + 7 > gregorian.monthrange(s.year, s.month)[1] for s in starts}
    if len(nths) == 1:
        nth = nths.pop()
    elif lasts == {True}:
        nth = -1
    else:
        return None
    weekday = list(Weekday)[weekdays.pop()].value
    return {"kind": "nth_weekday", "month": months.pop(), "weekday": weekday, "nth": nth}
