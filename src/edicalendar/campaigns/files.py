"""Load and validate the comms campaigns in `campaigns/*.toml` into campaign objects.

A file holds one or more `[[campaign]]` tables (format in docs/campaigns.md). Loading has two
passes: the shape of each table (pydantic), then its links to the rest of the world (observance
ids, destinations, the dates its years give). Every problem in every file is collected as
`path:line: campaign-id: field: message`; a campaign with a problem is left out of the plan and
the others carry on, so one typo never stops the reminders or feeds of every other campaign.
Campaigns stored in the database are the same tables and pass the same two checks
(:func:`check_stored`), so a campaign made in the browser is held to the file format's rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from edicalendar import model
from edicalendar.calendar.workdays import WorkingDays
from edicalendar.campaigns.relative import is_after_end
from edicalendar.campaigns.schema import (
    CONSOLE_DESTINATION,
    DEFAULTS,
    CampaignDefaults,
    CampaignIn,
    clean_loc,
    error_message,
    to_campaign,
)
from edicalendar.campaigns.tone import celebratory_words
from edicalendar.errors import CatalogError, Problem, UnsupportedYearError
from edicalendar.i18n import N_, Message, Named, said
from edicalendar.tomlsource import TomlSource

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog


#: A task dated after its observance ends without saying it is a follow-up (the editor words
#: the fix as its tick box: web.campaign_form).
FALLS_AFTER_END = N_(
    "%(due)s falls after %(name)s ends on %(end)s (%(instance)s); add allow_after_end = true if "
    "the task is a follow-up"
)

#: The fill-in-the-blanks text `edicalendar campaign new` writes; `check` refuses a campaign
#: that still holds any of it, so an unfilled skeleton never reaches the plan or reminders.
SKELETON_PLACEHOLDERS = (
    "(what the campaign is)",
    "(One paragraph: what you will do and why.)",
    "(owner's name or role)",
    "(blog title)",
    "owner@example.nhs.uk",
)


def placeholder_in(text: str | None) -> str | None:
    """The skeleton placeholder `text` still holds, if any."""
    return next((p for p in SKELETON_PLACEHOLDERS if text and p in text), None)


@dataclass
class CampaignSet:
    """The campaigns that validated, by id, plus every problem found in the others, and
    warnings that leave a campaign in the plan (celebratory wording on a solemn day)."""

    campaigns: dict[str, model.Campaign] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: The `[[campaign]]` table each valid campaign was read from, as written.
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, campaign_id: str) -> model.Campaign | None:
        return self.campaigns.get(campaign_id)

    def require(self) -> dict[str, model.Campaign]:
        """The campaigns, or :class:`CatalogError` listing every problem."""
        if self.problems:
            raise CatalogError(self.problems)
        return self.campaigns


# --- where things are in the file -----------------------------------------------------------


def _header(text: str) -> str | None:
    match = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?\Z", text)
    return re.sub(r"\s+", "", match[1]).replace('"', "") if match else None


def locate(source: TomlSource, index: int, loc: tuple[str | int, ...]) -> int | None:
    """Line of `loc` (such as ("tasks", 2, "due")) inside the `index`-th `[[campaign]]`."""
    starts = source.entry_lines("campaign")
    if index >= len(starts):
        return None
    begin = starts[index]
    end = starts[index + 1] - 1 if index + 1 < len(starts) else len(source.lines)
    prefix = "campaign"
    best = begin
    parts = list(loc)
    i = 0
    while i < len(parts):
        part = str(parts[i])
        following = parts[i + 1] if i + 1 < len(parts) else None
        nth = following if isinstance(following, int) else None
        name = f"{prefix}.{part}"
        headers = [n for n in range(begin, end + 1) if _header(source.lines[n - 1]) == name]
        if not headers and isinstance(following, str):
            # `[campaign.years.2027]` names two parts at once (there is no `[campaign.years]`).
            joined = f"{name}.{following}"
            found = [n for n in range(begin, end + 1) if _header(source.lines[n - 1]) == joined]
            if found:
                name, headers = joined, found
                i += 1
                following = parts[i + 1] if i + 1 < len(parts) else None
                nth = following if isinstance(following, int) else None
        if headers:
            chosen = headers[nth] if nth is not None and nth < len(headers) else headers[0]
            best, begin = chosen, chosen + 1
            # The table runs until a header outside it (its own sub-tables stay inside).
            for n in range(begin, end + 1):
                other = _header(source.lines[n - 1])
                if other is not None and not other.startswith(name + "."):
                    end = n - 1
                    break
            prefix = name
            i += 2 if nth is not None else 1
            continue
        key = re.compile(rf"^\s*\"?{re.escape(part)}\"?\s*=|[{{,]\s*{re.escape(part)}\s*=")
        for n in range(begin, end + 1):
            if n != begin and _header(source.lines[n - 1]) is not None:
                break
            if key.search(source.lines[n - 1]):
                best = n
                break
        break
    return best


@dataclass
class _Loaded:
    """A table whose shape validated, with how to name where its fields are."""

    campaign: model.Campaign
    table: dict[str, Any]
    display: str
    where: Callable[[tuple[str | int, ...]], int | None]


def _load_file(
    path: Path, display: str, problems: list[Problem], defaults: CampaignDefaults
) -> list[_Loaded]:
    source = TomlSource.read(path, display)
    if isinstance(source, Problem):
        problems.append(source)
        return []
    data = dict(source.data)
    entries = data.pop("campaign", [])
    for key in data:
        problems.append(
            Problem(display, None, None, key, "unknown top-level key; use [[campaign]] tables")
        )
    if not isinstance(entries, list):
        problems.append(Problem(display, None, None, "campaign", "use [[campaign]] tables"))
        return []
    loaded: list[_Loaded] = []
    for index, raw in enumerate(entries):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        subject = raw_id if isinstance(raw_id, str) else f"campaign #{index + 1}"
        try:
            entry = CampaignIn.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = clean_loc(tuple(err["loc"]))
                problems.append(
                    Problem(
                        display,
                        locate(source, index, loc),
                        subject,
                        ".".join(str(p) for p in loc) or None,
                        error_message(err),
                    )
                )
            continue
        line = source.entry_lines("campaign")[index]

        def where(loc: tuple[str | int, ...], index: int = index) -> int | None:
            return locate(source, index, loc)

        campaign = to_campaign(
            entry, defaults, path=display, line=line, year_line=lambda key: where(("years", key))
        )
        loaded.append(_Loaded(campaign, raw, display, where))
    return loaded


#: How problems with a campaign stored in the database name where it is.
DATABASE_DISPLAY = Message(N_("database"))
#: The problem with an id used twice in one campaign, by what it names.
_DUPLICATE_IDS = {
    "assets": N_("duplicate asset id %(id)s"),
    "tasks": N_("duplicate task id %(id)s"),
    "reminders": N_("duplicate reminder id %(id)s"),
}
_DEFINED_AT = N_("duplicate campaign id; also defined at %(where)s")


def _nowhere(_loc: tuple[str | int, ...]) -> int | None:
    return None


def parse_table(
    raw: Any,
    problems: list[Problem],
    defaults: CampaignDefaults = DEFAULTS,
    *,
    revision: int | None = None,
    display: str = DATABASE_DISPLAY,
) -> _Loaded | None:
    """Check the shape of one table that is not in a file (stored, sent, being imported)."""
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    subject = raw_id if isinstance(raw_id, str) else "campaign"
    try:
        entry = CampaignIn.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = clean_loc(tuple(err["loc"]))
            field_name = ".".join(str(p) for p in loc) or None
            problems.append(Problem(display, None, subject, field_name, error_message(err)))
        return None
    campaign = to_campaign(
        entry, defaults, path=display, origin=model.CampaignOrigin.DATABASE, revision=revision
    )
    return _Loaded(campaign, raw, display, _nowhere)


# --- links to observances, destinations and dates --------------------------------------------


@dataclass
class _Linker:
    #: None when the calendars failed to load: only the campaigns' own shape is checked then.
    catalog: Catalog | None
    destinations: frozenset[str]
    workdays: WorkingDays
    check_years: tuple[int, ...]
    found: list[Problem] = field(default_factory=list)
    warned: list[Problem] = field(default_factory=list)

    def _at(self, item: _Loaded, loc: tuple[str | int, ...], message: str) -> Problem:
        return Problem(
            item.display,
            item.where(loc),
            item.campaign.id,
            ".".join(str(p) for p in loc) or None,
            message,
        )

    def problem(self, item: _Loaded, loc: tuple[str | int, ...], message: str) -> None:
        self.found.append(self._at(item, loc, message))

    def warn(self, item: _Loaded, loc: tuple[str | int, ...], message: str) -> None:
        self.warned.append(self._at(item, loc, message))

    def check(self, item: _Loaded) -> None:
        campaign = item.campaign
        self._unfilled(item)
        self._people(item)
        self._destinations(item)
        if self.catalog is None:
            return
        observances = self.catalog.observances
        known = list(observances)
        for position, observance_id in enumerate(campaign.observances):
            if observance_id not in observances:
                loc: tuple[str | int, ...] = ("observance",)
                optional = self.catalog.where(observance_id)
                if optional is not None:
                    self.problem(
                        item,
                        loc,
                        Message(
                            N_(
                                "%(id)s is in the optional calendar %(calendar)s, which is "
                                "switched off; add %(calendar)s to [calendars] enabled in the "
                                "config"
                            ),
                            id=repr(observance_id),
                            calendar=repr(optional),
                        ),
                    )
                    if position == 0:
                        return
                    continue
                close = get_close_matches(observance_id, known, n=1, cutoff=0.6)
                self.problem(
                    item,
                    loc,
                    Message(
                        N_("unknown observance %(id)s; did you mean %(close)s?"),
                        id=repr(observance_id),
                        close=repr(close[0]),
                    )
                    if close
                    else Message(N_("unknown observance %(id)s"), id=repr(observance_id)),
                )
                if position == 0:
                    return
        self._dates(item, self.catalog)
        self._tone(item, self.catalog)

    def _tone(self, item: _Loaded, catalog: Catalog) -> None:
        """Warn about celebratory words in titles on a solemn observance (campaigns.tone)."""
        campaign = item.campaign
        solemn = [
            catalog.observances[o]
            for o in campaign.observances
            if o in catalog.observances and catalog.observances[o].tone is model.Tone.SOLEMN
        ]
        if not solemn:
            return
        observance = solemn[0]
        texts: list[tuple[tuple[str | int, ...], str]] = [(("title",), campaign.title)]
        texts += [(("assets", i, "title"), a.title) for i, a in enumerate(campaign.assets)]
        texts += [
            (("reminders", i, "template"), r.template)
            for i, r in enumerate(campaign.reminders)
            if r.template
        ]
        for key, year in campaign.year_overrides.items():
            texts += [
                (("years", key, "assets", i, "title"), a.title) for i, a in enumerate(year.assets)
            ]
        for loc, text in texts:
            words = celebratory_words(text)
            if not words:
                continue
            unique = list(dict.fromkeys(words))
            quoted = ", ".join(f"'{w}'" for w in unique)
            verb = "reads" if len(unique) == 1 else "read"
            guidance = f" ({observance.tone_guidance})" if observance.tone_guidance else ""
            self.warn(
                item,
                loc,
                f"{quoted} {verb} as celebratory, but {observance.name} is a solemn "
                f"observance{guidance}",
            )

    def _unfilled(self, item: _Loaded) -> None:
        campaign = item.campaign
        fields: list[tuple[tuple[str | int, ...], str | None]] = [
            (("title",), campaign.title),
            (("summary",), campaign.summary),
        ]
        for i, owner in enumerate(campaign.owners):
            fields += [(("owners", i, "name"), owner.name), (("owners", i, "email"), owner.email)]
        fields += [(("assets", i, "title"), a.title) for i, a in enumerate(campaign.assets)]
        fields += [(("tasks", i, "owner"), t.owner) for i, t in enumerate(campaign.tasks)]
        for loc, text in fields:
            found = placeholder_in(text)
            if found is not None:
                self.problem(
                    item,
                    loc,
                    Message(
                        N_("still holds the skeleton's %(found)s; fill it in or remove it"),
                        found=repr(found),
                    ),
                )

    def _people(self, item: _Loaded) -> None:
        campaign = item.campaign
        names = {o.name for o in campaign.owners}
        ids: tuple[tuple[str, list[str]], ...] = (
            ("assets", [a.id for a in campaign.assets]),
            ("tasks", [t.id for t in campaign.tasks]),
        )
        for kind, listed in ids:
            seen: set[str] = set()
            for i, thing_id in enumerate(listed):
                if thing_id in seen:
                    self.problem(
                        item, (kind, i, "id"), Message(_DUPLICATE_IDS[kind], id=repr(thing_id))
                    )
                seen.add(thing_id)
        seen_rules: set[str] = set()
        for i, rule in enumerate(campaign.reminders):
            if rule.id in seen_rules:
                self.problem(
                    item,
                    ("reminders", i, "id"),
                    Message(_DUPLICATE_IDS["reminders"], id=repr(rule.id)),
                )
            seen_rules.add(rule.id)
        owned: list[tuple[str, int, str | None]] = [
            ("tasks", i, t.owner) for i, t in enumerate(campaign.tasks)
        ] + [("assets", i, a.owner) for i, a in enumerate(campaign.assets)]
        for kind, i, owner in owned:
            if owner and names and owner not in names:
                self.problem(
                    item,
                    (kind, i, "owner"),
                    Message(
                        N_("owner %(owner)s is not one of the campaign's owners (%(owners)s)"),
                        owner=repr(owner),
                        owners=", ".join(sorted(names)),
                    ),
                )

    def _destinations(self, item: _Loaded) -> None:
        campaign = item.campaign
        named: list[tuple[tuple[str | int, ...], str]] = []
        for i, rule in enumerate(campaign.reminders):
            named.extend((("reminders", i, "destinations"), d) for d in rule.destinations)
        named.extend((("lead_time_destinations",), d) for d in campaign.lead_time_destinations)
        named.extend((("announce_destinations",), d) for d in campaign.announce_destinations)
        for loc, name in named:
            if name not in self.destinations:
                close = get_close_matches(name, list(self.destinations), n=1)
                table, known = f"[destinations.{name}]", ", ".join(sorted(self.destinations))
                self.problem(
                    item,
                    loc,
                    Message(
                        N_(
                            "unknown destination %(name)s; did you mean %(close)s?; define it "
                            "under %(table)s in the config (known: %(known)s)"
                        ),
                        name=repr(name),
                        close=repr(close[0]),
                        table=table,
                        known=known,
                    )
                    if close
                    else Message(
                        N_(
                            "unknown destination %(name)s; define it under %(table)s in the "
                            "config (known: %(known)s)"
                        ),
                        name=repr(name),
                        table=table,
                        known=known,
                    ),
                )

    def _dates(self, item: _Loaded, catalog: Catalog) -> None:
        from edicalendar.calendar.occurrences import occurrences_in_year

        campaign = item.campaign
        observance = catalog.observances[campaign.observances[0]]
        years = campaign.years if not campaign.every_year else self.check_years
        years = tuple(y for y in years if campaign.since is None or y >= campaign.since)
        for year in years:
            try:
                occurrences = occurrences_in_year(observance, year, catalog.conventions)
            except UnsupportedYearError as exc:
                self.problem(
                    item,
                    ("years",),
                    Message(N_("cannot date %(year)s: %(why)s"), year=year, why=said(exc)),
                )
                continue
            if not occurrences:
                if not campaign.every_year:
                    self.problem(
                        item,
                        ("years",),
                        Message(
                            N_("%(id)s has no occurrence in %(year)s (cancelled that year?)"),
                            id=repr(observance.id),
                            year=year,
                        ),
                    )
                continue
            for occurrence in occurrences:
                self._after_end(item, occurrence)

    def _after_end(self, item: _Loaded, occurrence: model.Occurrence) -> None:
        campaign = item.campaign
        override = campaign.year_overrides.get(occurrence.instance) or campaign.year_overrides.get(
            str(occurrence.year)
        )
        base: list[tuple[tuple[str | int, ...], model.Task]] = [
            (("tasks", i), t) for i, t in enumerate(campaign.tasks)
        ]
        if override is not None:
            key = (
                occurrence.instance
                if occurrence.instance in campaign.year_overrides
                else str(occurrence.year)
            )
            base.extend((("years", key, "tasks", i), t) for i, t in enumerate(override.tasks))
        for loc, task in base:
            if task.allow_after_end or not is_after_end(task.due, occurrence, self.workdays):
                continue
            observance = (
                self.catalog.observances.get(occurrence.observance_id) if self.catalog else None
            )
            self.problem(
                item,
                (*loc, "due"),
                Message(
                    FALLS_AFTER_END,
                    due=repr(task.due.text),
                    name=Named(occurrence.name, getattr(observance, "name_cy", None)),
                    end=occurrence.end.isoformat(),
                    instance=occurrence.instance,
                ),
            )


def campaign_files(directory: Path) -> list[Path]:
    """The campaign files in a directory, sorted by name so loading order is stable."""
    return sorted(p for p in directory.glob("*.toml") if p.is_file())


def load_campaigns(
    directory: Path,
    catalog: Catalog | None,
    *,
    destinations: Collection[str] = (),
    nation: str = "england-and-wales",
    check_years: Iterable[int] = (),
    display_root: Path | None = None,
    defaults: CampaignDefaults = DEFAULTS,
    workdays: WorkingDays | None = None,
) -> CampaignSet:
    """Load and check every campaign in `directory`; bad campaigns are listed, never raised.

    `catalog` is the loaded calendar (None when it failed to load: then only the files' own
    shape and destinations are checked). `destinations` are the names defined in config;
    ``console`` always exists. Recurring campaigns are checked against `check_years`.
    """
    if not directory.is_dir():
        # No campaigns folder simply means no campaigns.
        return CampaignSet()
    return load_campaign_files(
        campaign_files(directory),
        catalog,
        destinations=destinations,
        nation=nation,
        check_years=check_years,
        display_root=display_root,
        defaults=defaults,
        workdays=workdays,
    )


def load_campaign_files(
    paths: Iterable[Path],
    catalog: Catalog | None,
    *,
    destinations: Collection[str] = (),
    nation: str = "england-and-wales",
    check_years: Iterable[int] = (),
    display_root: Path | None = None,
    defaults: CampaignDefaults = DEFAULTS,
    workdays: WorkingDays | None = None,
) -> CampaignSet:
    """Load and check the given campaign files (see :func:`load_campaigns`); `workdays`, when
    given, must be for `nation`."""
    from edicalendar.calendar.catalog import _display

    result = CampaignSet()
    loaded: list[_Loaded] = []
    for path in paths:
        loaded.extend(_load_file(path, _display(path, display_root), result.problems, defaults))
    linker = _Linker(
        catalog=catalog,
        destinations=frozenset(destinations) | {CONSOLE_DESTINATION},
        workdays=workdays if workdays is not None else WorkingDays(nation),
        check_years=tuple(check_years),
    )
    first_seen: dict[str, _Loaded] = {}
    for item in loaded:
        campaign = item.campaign
        earlier = first_seen.get(campaign.id)
        if earlier is not None:
            where = f"{earlier.campaign.path}:{earlier.campaign.line}"
            linker.problem(item, ("id",), Message(_DEFINED_AT, where=where))
            # Neither copy is trusted: which one is meant is for a person to say.
            result.campaigns.pop(campaign.id, None)
            result.tables.pop(campaign.id, None)
            continue
        first_seen[campaign.id] = item
        _link(linker, item, result)
    result.problems.extend(linker.found)
    result.problems.sort(key=lambda p: (p.path, p.line or 0))
    result.warnings.extend(sorted(linker.warned, key=lambda p: (p.path, p.line or 0)))
    return result


def _link(linker: _Linker, item: _Loaded, result: CampaignSet) -> None:
    before = len(linker.found)
    linker.check(item)
    if len(linker.found) == before:
        result.campaigns[item.campaign.id] = item.campaign
        result.tables[item.campaign.id] = item.table


#: What checking one stored table gave: the campaign (None when it has problems), its problems
#: and its warnings.
Checked = tuple[model.Campaign | None, tuple[Problem, ...], tuple[Problem, ...]]
#: A memo of checked tables is emptied when it holds more than this (old revisions pile up).
MEMO_LIMIT = 5000


def check_stored(
    stored: Iterable[tuple[dict[str, Any], int]],
    files: CampaignSet,
    catalog: Catalog | None,
    *,
    destinations: Collection[str] = (),
    nation: str = "england-and-wales",
    check_years: Iterable[int] = (),
    defaults: CampaignDefaults = DEFAULTS,
    workdays: WorkingDays | None = None,
    memo: dict[str, Checked] | None = None,
) -> CampaignSet:
    """`files` joined by the campaigns stored in the database, checked as files are.

    `stored` holds each stored table with its revision. A stored campaign with the id of a file
    campaign leaves both out (as two files with one id do), with a problem on each side.
    `workdays`, when given, is the shared bank-holiday calendar (as for :func:`load_campaigns`).
    `memo` keeps each table's own result between calls, for callers whose calendar, settings
    and `check_years` stay the same (a server checks the same tables on every request).
    """
    result = CampaignSet(
        campaigns=dict(files.campaigns),
        problems=list(files.problems),
        warnings=list(files.warnings),
        tables=dict(files.tables),
    )
    file_ids = set(files.campaigns) | {
        (p.subject or "").split()[0] for p in files.problems if p.subject
    }
    years = tuple(check_years)
    if memo is not None and len(memo) > MEMO_LIMIT:
        memo.clear()
    linker = _Linker(
        catalog=catalog,
        destinations=frozenset(destinations) | {CONSOLE_DESTINATION},
        workdays=workdays if workdays is not None else WorkingDays(nation),
        check_years=years,
    )
    for table, revision in stored:
        key = f"{revision}:{years}:{json.dumps(table, sort_keys=True)}"
        known = memo.get(key) if memo is not None else None
        if known is None:
            known = _check_one(table, revision, linker, defaults)
            if memo is not None:
                memo[key] = known
        campaign, problems, warnings = known
        result.problems.extend(problems)
        result.warnings.extend(warnings)
        if campaign is None:
            continue
        if campaign.id in file_ids:
            in_file = files.campaigns.get(campaign.id)
            result.problems.append(
                Problem(
                    DATABASE_DISPLAY,
                    None,
                    campaign.id,
                    "id",
                    Message(_DEFINED_AT, where=f"{in_file.path}:{in_file.line}")
                    if in_file
                    else Message(N_("duplicate campaign id; also defined in a campaign file")),
                )
            )
            if in_file is not None:
                result.problems.append(
                    Problem(
                        in_file.path,
                        in_file.line,
                        campaign.id,
                        "id",
                        Message(
                            N_(
                                "duplicate campaign id; also stored in the database (made in "
                                "the browser or imported); rename or delete one of them"
                            )
                        ),
                    )
                )
                result.campaigns.pop(campaign.id, None)
                result.tables.pop(campaign.id, None)
            continue
        result.campaigns[campaign.id] = campaign
        result.tables[campaign.id] = table
    result.problems.sort(key=lambda p: (p.path, p.line or 0))
    result.warnings.sort(key=lambda p: (p.path, p.line or 0))
    return result


def _check_one(
    table: dict[str, Any], revision: int, linker: _Linker, defaults: CampaignDefaults
) -> Checked:
    """One stored table's shape and links, on its own."""
    problems: list[Problem] = []
    item = parse_table(table, problems, defaults, revision=revision)
    if item is None:
        return None, tuple(problems), ()
    before, warned_before = len(linker.found), len(linker.warned)
    linker.check(item)
    found = tuple(linker.found[before:])
    warned = tuple(linker.warned[warned_before:])
    del linker.found[before:]
    del linker.warned[warned_before:]
    return (None if found else item.campaign), (*problems, *found), warned
