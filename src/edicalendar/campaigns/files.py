"""Load and validate the comms campaigns in `campaigns/*.toml` into campaign objects.

A file holds one or more `[[campaign]]` tables (format in docs/campaigns.md). Loading has two
passes: the shape of each table (pydantic), then its links to the rest of the world (observance
ids, destinations, the dates its years give). Every problem in every file is collected as
`path:line: campaign-id: field: message`; a campaign with a problem is left out of the plan and
the others carry on, so one typo never stops the reminders or feeds of every other campaign.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from edicalendar import model
from edicalendar.calendar.workdays import WorkingDays
from edicalendar.campaigns.relative import RelativeDayError, is_after_end, parse_relative
from edicalendar.errors import CatalogError, Problem, UnsupportedYearError
from edicalendar.tomlsource import TomlSource

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.context import AppContext

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_KEY = re.compile(r"^(\d{4})(?:-([2-9]))?$")
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

#: A destination that always exists: it prints reminders on the bot's standard output.
CONSOLE_DESTINATION = "console"

#: What a reminder template may mention; the reminder planner fills these in.
TEMPLATE_FIELDS = ("campaign", "observance", "start", "end", "year", "when")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _Identified(_Strict):
    @field_validator("id", check_fields=False)
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"id {value!r} must be a lower-case slug such as 'staff-blog'")
        return value


def _relative(value: str) -> model.RelativeDay:
    try:
        return parse_relative(value)
    except RelativeDayError as exc:
        raise ValueError(str(exc)) from None


def _time(value: str) -> dt.time:
    match = TIME.match(value)
    if not match:
        raise ValueError(f"time {value!r} must be 24-hour HH:MM, such as '09:00'")
    return dt.time(int(match[1]), int(match[2]))


class OwnerIn(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: str | None = None
    slack: str | None = None
    teams: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            raise ValueError(f"{value!r} is not an email address")
        return value


class AssetIn(_Identified):
    id: str
    kind: model.AssetKind
    title: Annotated[str, Field(min_length=1, max_length=300)]
    url: str | None = None
    status: model.AssetStatus = model.AssetStatus.PLANNED
    publish: str | None = None
    placeholder_url: bool = False

    @field_validator("kind", "status", mode="before")
    @classmethod
    def _enum(cls, value: Any, info: Any) -> Any:
        enum = model.AssetKind if info.field_name == "kind" else model.AssetStatus
        if isinstance(value, str) and value in {m.value for m in enum}:
            return enum(value)
        if isinstance(value, str):
            raise ValueError(f"unknown {info.field_name} {value!r}; use one of: " + ", ".join(enum))
        return value

    @field_validator("publish")
    @classmethod
    def _publish(cls, value: str | None) -> str | None:
        if value is not None:
            _relative(value)
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://\S+$", value):
            raise ValueError(f"{value!r} is not an http(s) address")
        return value

    @model_validator(mode="after")
    def _placeholder(self) -> AssetIn:
        if self.placeholder_url and not self.url:
            raise ValueError("placeholder_url = true needs the placeholder `url` it marks")
        return self


class TaskIn(_Identified):
    id: str
    name: Annotated[str, Field(min_length=1, max_length=300)]
    due: str
    owner: str | None = None
    allow_after_end: bool = False

    @field_validator("due")
    @classmethod
    def _due(cls, value: str) -> str:
        _relative(value)
        return value


class ReminderIn(_Identified):
    id: str
    when: str
    time: str = "09:00"
    destinations: Annotated[list[str], Field(min_length=1)]
    template: str | None = None

    @field_validator("when")
    @classmethod
    def _when(cls, value: str) -> str:
        _relative(value)
        return value

    @field_validator("time")
    @classmethod
    def _at(cls, value: str) -> str:
        _time(value)
        return value

    @field_validator("template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        for name in _PLACEHOLDER.findall(value or ""):
            if name not in TEMPLATE_FIELDS:
                known = ", ".join(f"{{{f}}}" for f in TEMPLATE_FIELDS)
                raise ValueError(f"unknown placeholder {{{name}}}; a template may use {known}")
        return value


class YearIn(_Strict):
    skip: bool = False
    summary: str | None = None
    assets: list[AssetIn] = Field(default_factory=list)
    tasks: list[TaskIn] = Field(default_factory=list)
    note: str | None = None


class CampaignIn(_Identified):
    id: str
    title: Annotated[str, Field(min_length=1, max_length=300)]
    observance: str | Annotated[list[str], Field(min_length=1)]
    every_year: bool = False
    since: Annotated[int, Field(ge=1900, le=2200)] | None = None
    years: list[int] | dict[str, YearIn] = Field(default_factory=list)
    owners: list[OwnerIn] = Field(default_factory=list)
    audience: str | list[str] = Field(default_factory=list)
    summary: str = ""
    assets: list[AssetIn] = Field(default_factory=list)
    tasks: list[TaskIn] = Field(default_factory=list)
    reminders: list[ReminderIn] = Field(default_factory=list)
    lead_times: list[Annotated[int, Field(ge=0, le=3660)]] = Field(
        default_factory=lambda: [90, 28, 7, 1]
    )
    lead_time_at: str = "09:00"
    lead_time_destinations: list[str] = Field(default_factory=list)
    announce_destinations: list[str] = Field(default_factory=list)
    announce_at: str = "09:00"

    @field_validator("lead_time_at", "announce_at")
    @classmethod
    def _at(cls, value: str) -> str:
        _time(value)
        return value

    @field_validator("years")
    @classmethod
    def _years(cls, value: list[int] | dict[str, YearIn]) -> list[int] | dict[str, YearIn]:
        keys = [str(y) for y in value] if isinstance(value, list) else list(value)
        for key in keys:
            match = YEAR_KEY.match(key)
            if not match or not 1900 <= int(match[1]) <= 2200:
                raise ValueError(f'year {key!r} must be a year such as "2026" (or "2030-2")')
        return value

    @model_validator(mode="after")
    def _when(self) -> CampaignIn:
        if self.every_year and isinstance(self.years, list) and self.years:
            raise ValueError(
                "give either every_year = true or a list of years; per-year changes to a "
                "recurring campaign go in [campaign.years.YYYY] tables"
            )
        if not self.every_year and not self.years:
            raise ValueError("say when: every_year = true, or years = [2026, ...]")
        if self.since is not None and not self.every_year:
            raise ValueError("`since` is the first year of a recurring (every_year) campaign")
        return self


@dataclass
class CampaignSet:
    """The campaigns that validated, by id, plus every problem found in the others."""

    campaigns: dict[str, model.Campaign] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, campaign_id: str) -> model.Campaign | None:
        return self.campaigns.get(campaign_id)

    def require(self) -> dict[str, model.Campaign]:
        """The campaigns, or :class:`CatalogError` listing every problem."""
        if self.problems:
            raise CatalogError(self.problems)
        return self.campaigns


# --- where things are in the file -----------------------------------------------------------


def _header(text: str) -> str | None:
    match = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", text)
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


# --- shape ----------------------------------------------------------------------------------


def _message(error: Any) -> str:
    text = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        text = text.removeprefix(prefix)
    if error["type"] == "extra_forbidden":
        return "unknown key; see docs/campaigns.md for the keys a campaign takes"
    if error["type"] == "missing":
        return "required field is missing"
    return text


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # pydantic names union branches ('list[int]', 'str', 'dict[str,YearIn]'); drop them.
    return tuple(p for p in loc if isinstance(p, int) or not re.search(r"[\[\]]|^str$|^int$", p))


def _asset(a: AssetIn) -> model.Asset:
    return model.Asset(
        id=a.id,
        kind=a.kind,
        title=a.title,
        url=a.url,
        status=a.status,
        publish=_relative(a.publish) if a.publish else None,
        placeholder_url=a.placeholder_url,
    )


def _task(t: TaskIn) -> model.Task:
    return model.Task(
        id=t.id, name=t.name, due=_relative(t.due), owner=t.owner, allow_after_end=t.allow_after_end
    )


def _campaign(entry: CampaignIn, source: TomlSource, index: int) -> model.Campaign:
    observances = (entry.observance,) if isinstance(entry.observance, str) else entry.observance
    overrides: dict[str, model.CampaignYear] = {}
    years: tuple[int, ...] = ()
    if isinstance(entry.years, list):
        years = tuple(sorted(set(entry.years)))
    else:
        for key, year in entry.years.items():
            overrides[key] = model.CampaignYear(
                skip=year.skip,
                summary=year.summary,
                assets=tuple(_asset(a) for a in year.assets),
                tasks=tuple(_task(t) for t in year.tasks),
                note=year.note,
                line=locate(source, index, ("years", key)),
            )
        if not entry.every_year:
            years = tuple(sorted({int(k[:4]) for k, y in entry.years.items() if not y.skip}))
    audience = (entry.audience,) if isinstance(entry.audience, str) else tuple(entry.audience)
    return model.Campaign(
        id=entry.id,
        title=entry.title,
        observances=tuple(observances),
        years=years,
        every_year=entry.every_year,
        owners=tuple(model.Owner(o.name, o.email, o.slack, o.teams) for o in entry.owners),
        audience=audience,
        summary=entry.summary.strip(),
        assets=tuple(_asset(a) for a in entry.assets),
        tasks=tuple(_task(t) for t in entry.tasks),
        reminders=tuple(
            model.ReminderRule(
                id=r.id,
                when=_relative(r.when),
                time=_time(r.time),
                destinations=tuple(r.destinations),
                template=r.template,
            )
            for r in entry.reminders
        ),
        lead_times=tuple(entry.lead_times),
        lead_time_at=_time(entry.lead_time_at),
        lead_time_destinations=tuple(entry.lead_time_destinations),
        announce_destinations=tuple(entry.announce_destinations),
        announce_at=_time(entry.announce_at),
        since=entry.since,
        year_overrides=overrides,
        path=source.display,
        line=source.entry_lines("campaign")[index],
    )


@dataclass
class _Loaded:
    campaign: model.Campaign
    source: TomlSource
    index: int


def _load_file(path: Path, display: str, problems: list[Problem]) -> list[_Loaded]:
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
                loc = _clean_loc(tuple(err["loc"]))
                problems.append(
                    Problem(
                        display,
                        locate(source, index, loc),
                        subject,
                        ".".join(str(p) for p in loc) or None,
                        _message(err),
                    )
                )
            continue
        loaded.append(_Loaded(_campaign(entry, source, index), source, index))
    return loaded


# --- links to observances, destinations and dates --------------------------------------------


@dataclass
class _Linker:
    #: None when the calendars failed to load: only the campaigns' own shape is checked then.
    catalog: Catalog | None
    destinations: frozenset[str]
    workdays: WorkingDays
    check_years: tuple[int, ...]
    found: list[Problem] = field(default_factory=list)

    def problem(self, item: _Loaded, loc: tuple[str | int, ...], message: str) -> None:
        self.found.append(
            Problem(
                item.source.display,
                locate(item.source, item.index, loc),
                item.campaign.id,
                ".".join(str(p) for p in loc) or None,
                message,
            )
        )

    def check(self, item: _Loaded) -> None:
        campaign = item.campaign
        self._people(item)
        self._destinations(item)
        if self.catalog is None:
            return
        observances = self.catalog.observances
        known = list(observances)
        for position, observance_id in enumerate(campaign.observances):
            if observance_id not in observances:
                close = get_close_matches(observance_id, known, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                loc: tuple[str | int, ...] = ("observance",)
                self.problem(item, loc, f"unknown observance {observance_id!r}{hint}")
                if position == 0:
                    return
        self._dates(item, self.catalog)

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
                    self.problem(item, (kind, i, "id"), f"duplicate {kind[:-1]} id {thing_id!r}")
                seen.add(thing_id)
        seen_rules: set[str] = set()
        for i, rule in enumerate(campaign.reminders):
            if rule.id in seen_rules:
                self.problem(item, ("reminders", i, "id"), f"duplicate reminder id {rule.id!r}")
            seen_rules.add(rule.id)
        for i, task in enumerate(campaign.tasks):
            if task.owner and names and task.owner not in names:
                self.problem(
                    item,
                    ("tasks", i, "owner"),
                    f"owner {task.owner!r} is not one of the campaign's owners "
                    f"({', '.join(sorted(names))})",
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
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.problem(
                    item,
                    loc,
                    f"unknown destination {name!r}{hint}; define it under [destinations.{name}] "
                    f"in the config (known: {', '.join(sorted(self.destinations))})",
                )

    def _dates(self, item: _Loaded, catalog: Catalog) -> None:
        from edicalendar.calendar.occurrences import occurrences_in_year

        campaign = item.campaign
        observance = catalog.observances[campaign.observances[0]]
        years = campaign.years if not campaign.every_year else self.check_years
        years = tuple(y for y in years if campaign.since is None or y >= campaign.since)
        for year in years:
            try:
                occurrences = occurrences_in_year(observance, year)
            except UnsupportedYearError as exc:
                self.problem(item, ("years",), f"cannot date {year}: {exc}")
                continue
            if not occurrences:
                if not campaign.every_year:
                    self.problem(
                        item,
                        ("years",),
                        f"{observance.id!r} has no occurrence in {year} (cancelled that year?)",
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
            self.problem(
                item,
                (*loc, "due"),
                f"{task.due.text!r} falls after {occurrence.name} ends on {occurrence.end} "
                f"({occurrence.instance}); add allow_after_end = true if the task is a follow-up",
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
    )


def load_campaign_files(
    paths: Iterable[Path],
    catalog: Catalog | None,
    *,
    destinations: Collection[str] = (),
    nation: str = "england-and-wales",
    check_years: Iterable[int] = (),
    display_root: Path | None = None,
) -> CampaignSet:
    """Load and check the given campaign files (see :func:`load_campaigns`)."""
    from edicalendar.calendar.catalog import _display

    result = CampaignSet()
    loaded: list[_Loaded] = []
    for path in paths:
        loaded.extend(_load_file(path, _display(path, display_root), result.problems))
    linker = _Linker(
        catalog=catalog,
        destinations=frozenset(destinations) | {CONSOLE_DESTINATION},
        workdays=WorkingDays(nation),
        check_years=tuple(check_years),
    )
    first_seen: dict[str, _Loaded] = {}
    for item in loaded:
        campaign = item.campaign
        earlier = first_seen.get(campaign.id)
        if earlier is not None:
            message = (
                f"duplicate campaign id; also defined at "
                f"{earlier.campaign.path}:{earlier.campaign.line}"
            )
            linker.problem(item, ("id",), message)
            # Neither copy is trusted: which one is meant is for a person to say.
            result.campaigns.pop(campaign.id, None)
            continue
        first_seen[campaign.id] = item
        before = len(linker.found)
        linker.check(item)
        if len(linker.found) == before:
            result.campaigns[campaign.id] = campaign
    result.problems.extend(linker.found)
    result.problems.sort(key=lambda p: (p.path, p.line or 0))
    return result


def load_for_context(ctx: AppContext, *, check_years: Iterable[int] | None = None) -> CampaignSet:
    """Campaigns from the configured folder, checked against the context's calendar and config.

    A calendar that fails to load leaves only the campaigns' own shape checked (its problems
    are reported by `check` on their own).
    """
    catalog: Catalog | None
    try:
        catalog = ctx.catalog
    except CatalogError:
        catalog = None
    loaded = ctx.loaded
    settings = loaded.settings
    if check_years is None:
        this_year = ctx.today().year
        check_years = (this_year, this_year + 1)
    return load_campaigns(
        loaded.campaigns_dir,
        catalog,
        destinations=settings.destinations.keys(),
        nation=settings.nation,
        check_years=check_years,
    )
