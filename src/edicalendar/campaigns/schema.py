"""The shape of a campaign as written in `campaigns/*.toml` (and sent to the JSON API).

Pydantic models, strict and closed (unknown keys are errors), with messages that say what is
accepted; :func:`to_campaign` turns a validated table into the frozen
:class:`~edicalendar.model.Campaign`. Defaults a campaign does not set (lead times, the time of
day reminders go) come from the `[reminders]` settings through :class:`CampaignDefaults`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from edicalendar import model
from edicalendar.campaigns.relative import parse_relative
from edicalendar.errors import RelativeDayError
from edicalendar.fields import Line, Link, Name, Paragraphs
from edicalendar.i18n import N_, Message, said

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
YEAR_KEY = re.compile(r"^(\d{4})(?:-([2-9]))?\Z")
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)\Z")

#: A destination that always exists: it prints reminders on the bot's standard output.
CONSOLE_DESTINATION = "console"
#: A stand-in link flag without the link (the editor words it as a tick box: campaign_form).
PLACEHOLDER_WITHOUT_URL = N_("placeholder_url = true needs the placeholder `url` it marks")

#: What a reminder template may mention; the reminder planner fills these in.
TEMPLATE_FIELDS = ("campaign", "observance", "start", "end", "year", "when")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True, slots=True)
class CampaignDefaults:
    """What a campaign gets when it does not say: from `[reminders]` in the settings."""

    lead_times: tuple[int, ...] = (90, 28, 7, 1)
    send_time: dt.time = dt.time(9, 0)


#: The settings' own defaults, for callers without settings (tests, tools).
DEFAULTS = CampaignDefaults()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _Identified(_Strict):
    @field_validator("id", check_fields=False)
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(
                Message(
                    N_("id %(value)s must be a lower-case slug such as 'staff-blog'"),
                    value=repr(value),
                )
            )
        return value


def _relative(value: str) -> model.RelativeDay:
    try:
        return parse_relative(value)
    except RelativeDayError as exc:
        raise ValueError(said(exc)) from None


def _time(value: str) -> dt.time:
    match = TIME.match(value)
    if not match:
        raise ValueError(
            Message(N_("time %(value)s must be 24-hour HH:MM, such as '09:00'"), value=repr(value))
        )
    return dt.time(int(match[1]), int(match[2]))


class OwnerIn(_Strict):
    name: Annotated[Name, Field(min_length=1, max_length=200)]
    email: str | None = None
    slack: Line | None = None
    teams: Line | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z", value):
            raise ValueError(Message(N_("%(value)s is not an email address"), value=repr(value)))
        return value


class AssetIn(_Identified):
    id: str
    kind: model.AssetKind
    title: Annotated[Name, Field(min_length=1, max_length=300)]
    url: Link | None = None
    status: model.AssetStatus = model.AssetStatus.PLANNED
    publish: str | None = None
    placeholder_url: bool = False
    #: Unset: by kind (intranet, newsletter and toolkit items face staff, the rest the public).
    public: bool | None = None
    #: Who prepares it: one of the campaign's owners' names.
    owner: Annotated[Name, Field(min_length=1, max_length=200)] | None = None

    @field_validator("kind", "status", mode="before")
    @classmethod
    def _enum(cls, value: Any, info: Any) -> Any:
        enum = model.AssetKind if info.field_name == "kind" else model.AssetStatus
        if isinstance(value, str) and value in {m.value for m in enum}:
            return enum(value)
        if isinstance(value, str):
            raise ValueError(
                Message(
                    N_("unknown kind %(value)s; use one of: %(known)s")
                    if info.field_name == "kind"
                    else N_("unknown status %(value)s; use one of: %(known)s"),
                    value=repr(value),
                    known=", ".join(enum),
                )
            )
        return value

    @field_validator("publish")
    @classmethod
    def _publish(cls, value: str | None) -> str | None:
        if value is not None:
            _relative(value)
        return value

    @model_validator(mode="after")
    def _placeholder(self) -> AssetIn:
        if self.placeholder_url and not self.url:
            raise ValueError(Message(PLACEHOLDER_WITHOUT_URL))
        return self


class TaskIn(_Identified):
    id: str
    name: Annotated[Name, Field(min_length=1, max_length=300)]
    due: str
    owner: Name | None = None
    allow_after_end: bool = False
    public: bool = False

    @field_validator("due")
    @classmethod
    def _due(cls, value: str) -> str:
        _relative(value)
        return value


class ReminderIn(_Identified):
    id: str
    when: str
    #: Unset: `[reminders] send_time` from the settings.
    time: str | None = None
    destinations: Annotated[list[str], Field(min_length=1)]
    template: Paragraphs | None = None
    public: bool = False

    @field_validator("when")
    @classmethod
    def _when(cls, value: str) -> str:
        _relative(value)
        return value

    @field_validator("time")
    @classmethod
    def _at(cls, value: str | None) -> str | None:
        if value is not None:
            _time(value)
        return value

    @field_validator("template")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        for name in _PLACEHOLDER.findall(value or ""):
            if name not in TEMPLATE_FIELDS:
                known = ", ".join(f"{{{f}}}" for f in TEMPLATE_FIELDS)
                raise ValueError(
                    Message(
                        N_("unknown placeholder %(name)s; a template may use %(known)s"),
                        name=f"{{{name}}}",
                        known=known,
                    )
                )
        return value


class YearIn(_Strict):
    skip: bool = False
    summary: Paragraphs | None = None
    assets: list[AssetIn] = Field(default_factory=list)
    tasks: list[TaskIn] = Field(default_factory=list)
    note: Paragraphs | None = None


class CampaignIn(_Identified):
    id: str
    title: Annotated[Name, Field(min_length=1, max_length=300)]
    observance: str | Annotated[list[str], Field(min_length=1)]
    every_year: bool = False
    since: Annotated[int, Field(ge=1900, le=2200)] | None = None
    years: list[int] | dict[str, YearIn] = Field(default_factory=list)
    owners: list[OwnerIn] = Field(default_factory=list)
    audience: Line | list[Line] = Field(default_factory=list)
    summary: Paragraphs = ""
    assets: list[AssetIn] = Field(default_factory=list)
    tasks: list[TaskIn] = Field(default_factory=list)
    reminders: list[ReminderIn] = Field(default_factory=list)
    #: Unset: `[reminders] lead_times` from the settings.
    lead_times: list[Annotated[int, Field(ge=0, le=3660)]] | None = None
    #: Unset: `[reminders] send_time` from the settings.
    lead_time_at: str | None = None
    lead_time_destinations: list[str] = Field(default_factory=list)
    announce_destinations: list[str] = Field(default_factory=list)
    announce_at: str | None = None

    @field_validator("lead_time_at", "announce_at")
    @classmethod
    def _at(cls, value: str | None) -> str | None:
        if value is not None:
            _time(value)
        return value

    @field_validator("years")
    @classmethod
    def _years(cls, value: list[int] | dict[str, YearIn]) -> list[int] | dict[str, YearIn]:
        keys = [str(y) for y in value] if isinstance(value, list) else list(value)
        for key in keys:
            match = YEAR_KEY.match(key)
            if not match or not 1900 <= int(match[1]) <= 2200:
                raise ValueError(
                    Message(
                        N_('year %(key)s must be a year such as "2026" (or "2030-2")'),
                        key=repr(key),
                    )
                )
        return value

    @model_validator(mode="after")
    def _when(self) -> CampaignIn:
        if self.every_year and isinstance(self.years, list) and self.years:
            raise ValueError(
                Message(
                    N_(
                        "give either every_year = true or a list of years; per-year changes to "
                        "a recurring campaign go in [campaign.years.YYYY] tables"
                    )
                )
            )
        if not self.every_year and not self.years:
            raise ValueError(Message(N_("say when: every_year = true, or years = [2026, ...]")))
        if self.since is not None and not self.every_year:
            raise ValueError(
                Message(N_("`since` is the first year of a recurring (every_year) campaign"))
            )
        return self


def error_message(error: Any) -> str:
    """A pydantic error in the project's words (no \"Value error, \" prefix): a
    :class:`~edicalendar.i18n.Message` where the check that failed said one, or where pydantic's
    own English for a length or a bound is one the catalogue has (so a Welsh page can say it)."""
    text = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        text = text.removeprefix(prefix)
    if error["type"] == "extra_forbidden":
        return Message(N_("unknown key; see docs/campaigns.md for the keys a campaign takes"))
    if error["type"] == "missing":
        return Message(N_("required field is missing"))
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, Exception) and said(cause) == text:
        return said(cause)
    for template in _PYDANTIC.get(error["type"], ()):
        try:
            message = Message(template, **(error.get("ctx") or {}))
        except (KeyError, TypeError, ValueError):
            continue
        # Only where it is word for word what pydantic said, so the English never changes.
        if message == text:
            return message
    return text


#: What pydantic says for a bound, a length or a wrong type, by error type, as the catalogue
#: has it (each error type's wordings, tried in turn).
_PYDANTIC: dict[str, tuple[str, ...]] = {
    "greater_than_equal": (N_("Input should be greater than or equal to %(ge)s"),),
    "less_than_equal": (N_("Input should be less than or equal to %(le)s"),),
    "string_too_long": (N_("String should have at most %(max_length)s characters"),),
    "string_too_short": (
        N_("String should have at least %(min_length)s characters"),
        N_("String should have at least 1 character"),
    ),
    "string_type": (N_("Input should be a valid string"),),
    "int_type": (N_("Input should be a valid integer"),),
    "int_parsing": (N_("Input should be a valid integer, unable to parse string as an integer"),),
    "int_from_float": (N_("Input should be a valid integer, got a number with a fractional part"),),
    "bool_type": (N_("Input should be a valid boolean"),),
    "bool_parsing": (N_("Input should be a valid boolean, unable to interpret input"),),
    "list_type": (N_("Input should be a valid list"),),
    "dict_type": (N_("Input should be a valid dictionary"),),
}


def clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """A pydantic error location without the names of union branches."""
    # pydantic names union branches ('list[int]', 'str', 'dict[str,YearIn]'); drop them.
    return tuple(p for p in loc if isinstance(p, int) or not re.search(r"[\[\]]|^str\Z|^int\Z", p))


def _asset(a: AssetIn) -> model.Asset:
    return model.Asset(
        id=a.id,
        kind=a.kind,
        title=a.title,
        url=a.url,
        status=a.status,
        publish=_relative(a.publish) if a.publish else None,
        placeholder_url=a.placeholder_url,
        public=a.public,
        owner=a.owner,
    )


def _task(t: TaskIn) -> model.Task:
    return model.Task(
        id=t.id,
        name=t.name,
        due=_relative(t.due),
        owner=t.owner,
        allow_after_end=t.allow_after_end,
        public=t.public,
    )


def to_campaign(
    entry: CampaignIn,
    defaults: CampaignDefaults = DEFAULTS,
    *,
    path: str = "",
    line: int | None = None,
    year_line: Callable[[str], int | None] = lambda _key: None,
    origin: model.CampaignOrigin = model.CampaignOrigin.FILE,
    revision: int | None = None,
) -> model.Campaign:
    """The campaign a validated table describes; `path`, `line` and `year_line` say where
    (`origin` and `revision` for one stored in the database)."""
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
                line=year_line(key),
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
                time=_time(r.time) if r.time is not None else defaults.send_time,
                destinations=tuple(r.destinations),
                template=r.template,
                public=r.public,
            )
            for r in entry.reminders
        ),
        lead_times=defaults.lead_times if entry.lead_times is None else tuple(entry.lead_times),
        lead_time_at=(
            defaults.send_time if entry.lead_time_at is None else _time(entry.lead_time_at)
        ),
        lead_time_destinations=tuple(entry.lead_time_destinations),
        announce_destinations=tuple(entry.announce_destinations),
        announce_at=(defaults.send_time if entry.announce_at is None else _time(entry.announce_at)),
        since=entry.since,
        year_overrides=overrides,
        path=path,
        line=line,
        origin=origin,
        revision=revision,
    )
