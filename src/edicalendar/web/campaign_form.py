"""The campaign editor's form: a `[[campaign]]` table as fields, and posted fields back as a table.

The browser never sees TOML. :func:`form_from_table` turns a campaign table into rows of fields
(owners, assets, tasks, reminders) and :func:`form_from_post` reads them back from a posted form,
with rows added ("Add another task") or removed; :meth:`CampaignForm.to_table` builds the table
that the campaign service then checks exactly as it checks a campaign file. What a person did not
change keeps its original spelling (`-6w` stays `-6w`), so saving an untouched campaign changes
nothing. Problems come back as (field id, message) pairs for the NHS.UK error summary and the
messages beside each field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from edicalendar.campaigns.files import FALLS_AFTER_END
from edicalendar.campaigns.relative import parse_relative
from edicalendar.campaigns.schema import PLACEHOLDER_WITHOUT_URL
from edicalendar.errors import Problem, RelativeDayError
from edicalendar.i18n import N_, Message, said
from edicalendar.model import AssetKind, AssetStatus

#: The audiences offered as tick boxes; anything else goes in "Other".
AUDIENCES = ("staff", "managers", "stakeholders", "public")
UNITS = (("d", N_("days")), ("w", N_("weeks")), ("wd", N_("working days")))
DIRECTIONS = (
    ("before-start", N_("before it starts")),
    ("on-start", N_("on the first day")),
    ("after-start", N_("after it starts")),
    ("before-end", N_("before it ends")),
    ("on-end", N_("on the last day")),
    ("after-end", N_("after it ends")),
)
#: The longest list of rows one form may hold (a campaign file may hold more).
MAX_ROWS = 60
_RELATIVE = re.compile(
    r"^\s*(start|end)?\s*(?:([+-])\s*(\d{1,4})\s*(d|days?|w|weeks?|wd|working\s+days?))?\s*\Z",
    re.IGNORECASE,
)
_ID_CHARS = re.compile(r"[^a-z0-9]+")

#: Finds the start and end of the observance in one year, for "on a date": (start, end).
AnchorDates = Callable[[str, int], tuple[dt.date, dt.date] | None]


def slug(text: str, fallback: str = "item") -> str:
    """A lower-case id from a name ("Draft the blog!" -> "draft-the-blog")."""
    found = _ID_CHARS.sub("-", text.lower()).strip("-")[:60].strip("-")
    return found or fallback


@dataclass
class DayField:
    """A day relative to the observance as three controls, or a date on the calendar."""

    amount: str = ""
    unit: str = "d"
    direction: str = "before-start"
    day: str = ""
    month: str = ""
    year: str = ""
    #: The text it was read from, kept when the meaning has not changed.
    original: str | None = None

    @classmethod
    def from_text(cls, text: str | None) -> DayField:
        match = _RELATIVE.match(text or "")
        if text is None or match is None:
            return cls(original=text)
        anchor, sign, count, unit = match.groups()
        anchor = (anchor or "start").lower()
        unit_key = (unit or "d").lower()
        unit_key = "wd" if unit_key.startswith(("wd", "working")) else unit_key[0]
        if not sign or int(count or 0) == 0:
            return cls("", unit_key, f"on-{anchor}", original=text)
        direction = f"{'before' if sign == '-' else 'after'}-{anchor}"
        return cls(str(int(count)), unit_key, direction, original=text)

    @property
    def has_date(self) -> bool:
        return bool(self.day.strip() or self.month.strip() or self.year.strip())

    def text(self, on_date: Callable[[dt.date], str]) -> str:
        """The relative day as a campaign file writes it; ValueError with a message if none."""
        if self.has_date:
            return on_date(_read_date(self.day, self.month, self.year))
        when, _, anchor = self.direction.partition("-")
        if anchor not in ("start", "end") or when not in ("before", "on", "after"):
            raise ValueError(Message(N_("choose when, such as before it starts")))
        if when == "on":
            built = anchor
        else:
            amount = self.amount.strip()
            if not amount.isdigit() or not 0 < int(amount) <= 3660:
                raise ValueError(
                    Message(N_("enter how many days or weeks, as a whole number such as 10"))
                )
            unit = {"d": "d", "w": "w", "wd": " working days"}.get(self.unit)
            if unit is None:
                raise ValueError(Message(N_("choose days, weeks or working days")))
            if unit == " working days" and int(amount) == 1:
                unit = " working day"
            built = ("" if anchor == "start" else "end") + ("-" if when == "before" else "+")
            built += f"{int(amount)}{unit}"
        if self.original is not None and _same_day(self.original, built):
            return self.original
        return built


def _same_day(a: str, b: str) -> bool:
    try:
        return parse_relative(a) == parse_relative(b)
    except RelativeDayError:
        return False


def _read_date(day: str, month: str, year: str) -> dt.date:
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = [name for name, value in parts.items() if not value]
    if missing:
        named = dict(zip("abc", (Message(_DATE_PARTS[name]) for name in missing), strict=False))
        raise ValueError(Message(_MISSING_PARTS[len(named)], False, **named))
    if not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
        raise ValueError(Message(N_("the date must be real, such as 27 3 2026")))
    try:
        return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except (ValueError, OverflowError):  # a day of 99999999999999999999 overflows
        raise ValueError(Message(N_("the date must be a real date, such as 27 3 2026"))) from None


_DATE_PARTS = {"day": N_("day"), "month": N_("month"), "year": N_("year")}
#: A date typed with parts left empty, by how many are missing.
_MISSING_PARTS = {
    1: N_("the date must include a %(a)s"),
    2: N_("the date must include a %(a)s and a %(b)s"),
    3: N_("the date must include a %(a)s and a %(b)s and a %(c)s"),
}


@dataclass
class OwnerRow:
    name: str = ""
    email: str = ""
    slack: str = ""
    teams: str = ""


@dataclass
class AssetRow:
    id: str = ""
    title: str = ""
    kind: str = AssetKind.BLOG.value
    status: str = AssetStatus.PLANNED.value
    url: str = ""
    placeholder: bool = False
    owner: str = ""
    dated: bool = True
    publish: DayField = field(default_factory=lambda: DayField("", "d", "on-start"))
    original: dict[str, Any] | None = None


@dataclass
class TaskRow:
    id: str = ""
    name: str = ""
    owner: str = ""
    after_end: bool = False
    due: DayField = field(default_factory=lambda: DayField("2", "w", "before-start"))
    original: dict[str, Any] | None = None


@dataclass
class ReminderRow:
    id: str = ""
    time: str = ""
    destinations: list[str] = field(default_factory=list)
    template: str = ""
    when: DayField = field(default_factory=lambda: DayField("1", "w", "before-start"))
    original: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class PersonChoice:
    """Someone from the user list who can own work."""

    name: str
    email: str


@dataclass
class CampaignForm:
    """Everything the editor shows, and what it was given back."""

    id: str = ""
    title: str = ""
    observance: str = ""
    runs: str = "every"
    since: str = ""
    years: str = ""
    audience: list[str] = field(default_factory=list)
    audience_other: str = ""
    summary: str = ""
    #: Owners who are people from the user list, by email.
    owner_people: list[str] = field(default_factory=list)
    #: Other owners (a staff network, a role), with their optional contact details.
    owners: list[OwnerRow] = field(default_factory=list)
    assets: list[AssetRow] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    reminders: list[ReminderRow] = field(default_factory=list)
    lead_times: str = ""
    lead_time_at: str = ""
    announce_at: str = ""
    lead_destinations: list[str] = field(default_factory=list)
    announce_destinations: list[str] = field(default_factory=list)
    revision: str = ""
    #: The table the form was opened on (hidden, as JSON), so what is not on the form is kept.
    original: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    error_list: list[tuple[str, str]] = field(default_factory=list)
    #: The form row each table item came from, per list ("tasks" -> [form row, ...]).
    _row_index: dict[str, list[int]] = field(default_factory=dict)

    @property
    def per_year(self) -> list[str]:
        """Years with their own changes (kept as they are; see docs/campaigns.md)."""
        years = self.original.get("years")
        return list(years) if isinstance(years, dict) else []

    def error(self, field_id: str, message: str) -> None:
        message = (
            message.upper_first()
            if isinstance(message, Message)
            else message[:1].upper() + message[1:]
        )
        if field_id not in self.errors:
            self.errors[field_id] = message
            self.error_list.append((field_id, message))
            self.error_list.sort(key=lambda pair: _page_order(pair[0]))

    # --- back to a table -------------------------------------------------------------------

    def to_table(
        self,
        people: Sequence[PersonChoice],
        anchor: AnchorDates,
        *,
        creating: bool,
    ) -> dict[str, Any]:
        """The campaign table these fields describe; a field that cannot be read at all is set
        in `errors` and left out, and the campaign service checks the rest."""
        old = self.original
        self._row_index = {}
        table: dict[str, Any] = {}
        campaign_id = self.id.strip() if creating else str(old.get("id", self.id))
        table["id"] = campaign_id or slug(self.title, "campaign")
        if not campaign_id:
            self.id = table["id"]
        table["title"] = self.title.strip()
        observances = old.get("observance")
        if isinstance(observances, list) and observances and observances[0] == self.observance:
            table["observance"] = observances
        else:
            table["observance"] = self.observance
        self._runs(table)
        audience = [a for a in self.audience if a in AUDIENCES]
        audience += [a.strip() for a in self.audience_other.split(",") if a.strip()]
        _keep(table, old, "audience", audience, _as_list(old.get("audience")) == audience)
        _keep(
            table,
            old,
            "summary",
            self.summary.strip(),
            str(old.get("summary", "")).strip() == self.summary.strip(),
        )
        owners = self._owners(people)
        tasks = self._tasks(owners, people, anchor)
        assets = self._assets(owners, people, anchor)
        _keep(table, old, "owners", owners, False)
        _keep(table, old, "assets", assets, False)
        _keep(table, old, "tasks", tasks, False)
        reminders = self._reminders(anchor)
        _keep(table, old, "reminders", reminders, False)
        self._reminder_settings(table)
        # Keys the form does not edit (per-year changes live inside `years`) stay as they were.
        for key, value in old.items():
            if key not in table and key not in _EDITED:
                table[key] = value
        return table

    def _runs(self, table: dict[str, Any]) -> None:
        old = self.original
        if isinstance(old.get("years"), dict):
            table["years"] = old["years"]
            if old.get("every_year"):
                table["every_year"] = True
        elif self.runs == "every":
            table["every_year"] = True
        else:
            years: list[int] = []
            for part in re.split(r"[,\s]+", self.years.strip()):
                if not part:
                    continue
                if not part.isdigit() or len(part) != 4:
                    self.error(
                        "years",
                        Message(
                            N_("%(value)s is not a year; write years such as 2026, 2027"),
                            value=repr(part),
                        ),
                    )
                    return
                years.append(int(part))
            if not years:
                self.error("years", N_("Enter the year or years the campaign runs, such as 2026"))
                return
            table["years"] = years
        if table.get("every_year") and self.since.strip():
            since = self.since.strip()
            if not since.isdigit() or len(since) != 4:
                self.error("since", N_("Enter the first year as four digits, such as 2026"))
                return
            table["since"] = int(since)

    def _owners(self, people: Sequence[PersonChoice]) -> list[dict[str, Any]]:
        by_email = {p.email: p for p in people}
        before = [o for o in self.original.get("owners", []) or [] if isinstance(o, dict)]
        chosen = [by_email[e] for e in self.owner_people if e in by_email]
        found: list[dict[str, Any]] = []
        for person in chosen:
            kept = next(
                (o for o in before if str(o.get("email", "")).lower() == person.email), None
            )
            entry = dict(kept) if kept else {}
            entry.update(name=person.name, email=person.email)
            found.append(entry)
        for row in self.owners:
            if not row.name.strip():
                continue
            entry = {"name": row.name.strip()}
            for key in ("email", "slack", "teams"):
                value = getattr(row, key).strip()
                if value:
                    entry[key] = value
            found.append(entry)
        # The first owner gets the work no one else is named for: keep the order they had.
        order = {str(o.get("name")): n for n, o in enumerate(before)}
        found.sort(key=lambda o: order.get(str(o["name"]), len(order)))
        return found

    def _owner_name(
        self, choice: str, owners: list[dict[str, Any]], people: Sequence[PersonChoice]
    ) -> str | None:
        kind, _, value = choice.partition(":")
        if kind == "person":
            person = next((p for p in people if p.email == value), None)
            if person is None:
                return None
            if all(str(o.get("email", "")).lower() != person.email for o in owners):
                owners.append({"name": person.name, "email": person.email})
            return next(
                str(o["name"]) for o in owners if str(o.get("email", "")).lower() == person.email
            )
        return value or None

    def _tasks(
        self, owners: list[dict[str, Any]], people: Sequence[PersonChoice], anchor: AnchorDates
    ) -> list[dict[str, Any]]:
        found = []
        ids = _Ids()
        for n, row in enumerate(self.tasks):
            if not row.name.strip():
                continue
            item = dict(row.original or {})
            item["id"] = ids.take(row.id or slug(row.name, "task"))
            item["name"] = row.name.strip()
            owner = self._owner_name(row.owner, owners, people)
            _set(item, "owner", owner)
            try:
                item["due"] = row.due.text(self._on_date(anchor))
            except ValueError as exc:
                self.error(f"task-{n}-due", said(exc))
            _flag(item, "allow_after_end", row.after_end)
            found.append(_ordered(item, ("id", "name", "owner", "due", "allow_after_end")))
            self._row_index.setdefault("tasks", []).append(n)
        return found

    def _assets(
        self, owners: list[dict[str, Any]], people: Sequence[PersonChoice], anchor: AnchorDates
    ) -> list[dict[str, Any]]:
        found = []
        ids = _Ids()
        for n, row in enumerate(self.assets):
            if not row.title.strip():
                continue
            item = dict(row.original or {})
            item["id"] = ids.take(row.id or slug(row.title, "item"))
            item["kind"] = row.kind
            item["title"] = row.title.strip()
            if row.status != "planned" or "status" in item:
                item["status"] = row.status
            if row.dated:
                try:
                    item["publish"] = row.publish.text(self._on_date(anchor))
                except ValueError as exc:
                    self.error(f"asset-{n}-publish", said(exc))
            else:
                item.pop("publish", None)
            _set(item, "url", row.url.strip() or None)
            _flag(item, "placeholder_url", row.placeholder)
            _set(item, "owner", self._owner_name(row.owner, owners, people))
            found.append(
                _ordered(
                    item,
                    ("id", "kind", "title", "status", "publish", "url", "placeholder_url", "owner"),
                )
            )
            self._row_index.setdefault("assets", []).append(n)
        return found

    def _reminders(self, anchor: AnchorDates) -> list[dict[str, Any]]:
        found = []
        ids = _Ids()
        for n, row in enumerate(self.reminders):
            if not row.template.strip() and not row.destinations:
                continue
            item = dict(row.original or {})
            item["id"] = ids.take(row.id or slug(row.template, "reminder"))
            try:
                item["when"] = row.when.text(self._on_date(anchor))
            except ValueError as exc:
                self.error(f"reminder-{n}-when", said(exc))
            _set(item, "time", row.time.strip() or None)
            item["destinations"] = list(row.destinations)
            _set(item, "template", row.template.strip() or None)
            found.append(_ordered(item, ("id", "when", "time", "destinations", "template")))
            self._row_index.setdefault("reminders", []).append(n)
        return found

    def _reminder_settings(self, table: dict[str, Any]) -> None:
        old = self.original
        text = self.lead_times.strip()
        if text:
            days: list[int] = []
            for part in re.split(r"[,\s]+", text):
                if part and not part.isdigit():
                    self.error(
                        "lead_times",
                        Message(
                            N_("%(value)s is not a number of days; write 90, 28, 7, 1"),
                            value=repr(part),
                        ),
                    )
                    return
                if part:
                    days.append(int(part))
            table["lead_times"] = days
        for key, value in (("lead_time_at", self.lead_time_at), ("announce_at", self.announce_at)):
            if value.strip():
                table[key] = value.strip()
        for key, chosen in (
            ("lead_time_destinations", self.lead_destinations),
            ("announce_destinations", self.announce_destinations),
        ):
            if chosen or key in old:
                table[key] = list(chosen)

    def _on_date(self, anchor: AnchorDates) -> Callable[[dt.date], str]:
        def convert(day: dt.date) -> str:
            years = self.years.strip().split(",") if self.runs == "years" else []
            if self.runs != "years" or len(years) != 1 or not years[0].strip().isdigit():
                raise ValueError(
                    Message(
                        N_(
                            "a date works only for a campaign in one year; give the days before "
                            "or after instead (they roll forward every year)"
                        )
                    )
                )
            dates = anchor(self.observance, int(years[0]))
            if dates is None:
                raise ValueError(
                    Message(N_("the observance has no dates in %(year)s"), year=years[0].strip())
                )
            offset = (day - dates[0]).days
            if offset == 0:
                return "start"
            return f"{offset:+d}d"

        return convert

    # --- problems from the campaign service ---------------------------------------------------

    def add_problems(self, problems: Sequence[Problem]) -> None:
        """Place the service's problems (fields such as `tasks.2.due`) on the form's fields."""
        for problem in problems:
            field_id = self._field_id(problem.field or "")
            self.error(field_id, _browser_words(problem.field or "", problem.message))

    def _field_id(self, loc: str) -> str:
        parts = loc.split(".")
        head = parts[0]
        if head in ("tasks", "assets", "reminders") and len(parts) > 1 and parts[1].isdigit():
            rows = self._row_index.get(head, [])
            index = int(parts[1])
            row = rows[index] if index < len(rows) else index
            prefix = {"tasks": "task", "assets": "asset", "reminders": "reminder"}[head]
            name = parts[2] if len(parts) > 2 else "name"
            name = {
                "title": "title",
                "due": "due",
                "publish": "publish",
                "when": "when",
                "placeholder_url": "url",
                "id": "title" if head == "assets" else "name",
            }.get(name, name)
            if head == "reminders" and name in ("id", "name"):
                name = "template"
            return f"{prefix}-{row}-{name}"
        if head == "owners":
            return "owners"
        return {
            "lead_time_destinations": "lead_destinations",
            "announce_destinations": "announce_destinations",
            "every_year": "runs",
            "": "title",
        }.get(head, head)


#: The order fields come in on the page, so the error summary lists problems in that order.
_PAGE = (
    "title",
    "id",
    "observance",
    "runs",
    "years",
    "since",
    "audience",
    "summary",
    "owners",
    "owner-",
    "task-",
    "asset-",
    "lead_times",
    "lead_time_at",
    "lead_destinations",
    "announce_destinations",
    "announce_at",
    "reminder-",
)


def _page_order(field_id: str) -> tuple[int, int, str]:
    for rank, name in enumerate(_PAGE):
        if field_id == name or (name.endswith("-") and field_id.startswith(name)):
            row = field_id[len(name) :].split("-", 1)[0] if name.endswith("-") else "0"
            return rank, int(row) if row.isdigit() else 0, field_id
    return len(_PAGE), 0, field_id


_EDITED = {
    "years",
    "every_year",
    "since",
    "lead_times",
    "lead_time_at",
    "announce_at",
    "lead_time_destinations",
    "announce_destinations",
}


#: What to enter, for a field left empty (shown in the page's language by the templates).
_WANTED = {
    "title": N_("Enter a title"),
    "id": N_("Enter a short name"),
    "observance": N_("Enter the observance"),
    "name": N_("Enter what needs doing"),
    "due": N_("Enter when it is due"),
    "destinations": N_("Choose where it goes"),
}


#: The campaign checks that name a file's keys, in the editor's words (its fields).
_ON_THE_EDITOR = {
    FALLS_AFTER_END: N_(
        "%(due)s falls after %(name)s ends on %(end)s (%(instance)s); tick 'A follow-up, due "
        "after it ends' if that is right"
    ),
    PLACEHOLDER_WITHOUT_URL: N_("a stand-in link needs the link it stands in for"),
}


def _browser_words(loc: str, message: str) -> str:
    """A file-format message in the editor's words (its fields, not its keys)."""
    last = loc.rsplit(".", 1)[-1] if loc else ""
    if isinstance(message, Message) and message.msgid in _ON_THE_EDITOR:
        return Message(_ON_THE_EDITOR[message.msgid], message.capitalised, **message.values)
    if (
        message.startswith("String should have at least 1 character")
        or (message == "required field is missing")
        or message.startswith("List should have at least 1 item")
        # An empty name: the file format's Name type refuses it after stripping.
        or message.startswith("Value should have at least 1 item after validation")
    ):
        if loc.startswith("assets.") and last == "title":
            return N_("Enter a title for the item")
        if loc.startswith("owners.") and last == "name":
            return N_("Enter the owner's name")
        return _WANTED.get(last, N_("Enter this"))
    if isinstance(message, Message):
        return message
    return (
        message.replace(
            "add allow_after_end = true if the task is a follow-up",
            "tick 'A follow-up, due after it ends' if that is right",
        )
        .replace(
            "define it under [destinations.", "an administrator defines it under [destinations."
        )
        .replace(
            "placeholder_url = true needs the placeholder `url` it marks",
            "a stand-in link needs the link it stands in for",
        )
    )


class _Ids:
    """Unique ids within one list: a second "Draft" becomes "draft-2"."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def take(self, wanted: str) -> str:
        candidate, n = wanted, 2
        while candidate in self.seen:
            candidate, n = f"{wanted}-{n}", n + 1
        self.seen.add(candidate)
        return candidate


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _keep(table: dict[str, Any], old: Mapping[str, Any], key: str, value: Any, same: bool) -> None:
    """Set `key`, keeping the old spelling when it means the same; empty values are left out
    unless the old table had the key."""
    if same and key in old:
        table[key] = old[key]
    elif value or key in old:
        table[key] = value


def _set(item: dict[str, Any], key: str, value: Any) -> None:
    """Set `key`, or leave it out when there is no value."""
    if value is None or value == "":
        item.pop(key, None)
    else:
        item[key] = value


def _flag(item: dict[str, Any], key: str, on: bool) -> None:
    """A true/false key: written when true, or when the item already spelt it out."""
    if on or key in item:
        item[key] = on


def _ordered(item: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """Known keys first in the file format's order, then anything else as it was."""
    out = {k: item[k] for k in keys if k in item}
    out.update({k: v for k, v in item.items() if k not in out})
    return out


# --- building the form -----------------------------------------------------------------------


def _owner_choice(name: str | None, owners: list[dict[str, Any]]) -> str:
    if not name:
        return ""
    owner = next((o for o in owners if o.get("name") == name), None)
    if owner is not None and owner.get("email"):
        return f"person:{str(owner['email']).lower()}"
    return f"name:{name}"


def form_from_table(table: Mapping[str, Any], people: Sequence[PersonChoice]) -> CampaignForm:
    """The editor's fields for a campaign table (a template's, or a stored campaign's)."""
    emails = {p.email for p in people}
    owners = [o for o in table.get("owners", []) or [] if isinstance(o, dict)]
    observance = table.get("observance", "")
    audience = _as_list(table.get("audience"))
    years = table.get("years", [])
    form = CampaignForm(
        id=str(table.get("id", "")),
        title=str(table.get("title", "")),
        observance=observance[0]
        if isinstance(observance, list) and observance
        else str(observance or ""),
        runs="every" if table.get("every_year") else "years",
        since=str(table.get("since", "") or ""),
        years=", ".join(str(y) for y in years) if isinstance(years, list) else ", ".join(years),
        audience=[a for a in audience if a in AUDIENCES],
        audience_other=", ".join(a for a in audience if a not in AUDIENCES),
        summary=str(table.get("summary", "")),
        owner_people=[
            str(o["email"]).lower() for o in owners if str(o.get("email", "")).lower() in emails
        ],
        owners=[
            OwnerRow(
                str(o.get("name", "")),
                str(o.get("email", "") or ""),
                str(o.get("slack", "") or ""),
                str(o.get("teams", "") or ""),
            )
            for o in owners
            if str(o.get("email", "")).lower() not in emails
        ],
        lead_times=", ".join(str(d) for d in table.get("lead_times", []) or []),
        lead_time_at=str(table.get("lead_time_at", "") or ""),
        announce_at=str(table.get("announce_at", "") or ""),
        lead_destinations=list(table.get("lead_time_destinations", []) or []),
        announce_destinations=list(table.get("announce_destinations", []) or []),
        original=dict(table),
    )
    for item in table.get("tasks", []) or []:
        form.tasks.append(
            TaskRow(
                id=str(item.get("id", "")),
                name=str(item.get("name", "")),
                owner=_owner_choice(item.get("owner"), owners),
                after_end=bool(item.get("allow_after_end")),
                due=DayField.from_text(item.get("due")),
                original=dict(item),
            )
        )
    for item in table.get("assets", []) or []:
        form.assets.append(
            AssetRow(
                id=str(item.get("id", "")),
                title=str(item.get("title", "")),
                kind=str(item.get("kind", "blog")),
                status=str(item.get("status", "planned")),
                url=str(item.get("url", "") or ""),
                placeholder=bool(item.get("placeholder_url")),
                owner=_owner_choice(item.get("owner"), owners),
                dated=item.get("publish") is not None,
                publish=DayField.from_text(item.get("publish") or "start"),
                original=dict(item),
            )
        )
    for item in table.get("reminders", []) or []:
        form.reminders.append(
            ReminderRow(
                id=str(item.get("id", "")),
                time=str(item.get("time", "") or ""),
                destinations=list(item.get("destinations", []) or []),
                template=str(item.get("template", "") or ""),
                when=DayField.from_text(item.get("when")),
                original=dict(item),
            )
        )
    return form


def _day(fields: Mapping[str, list[str]], prefix: str, original: str | None) -> DayField:
    def one(name: str, default: str = "") -> str:
        return (fields.get(f"{prefix}-{name}") or [default])[-1]

    return DayField(
        amount=one("amount"),
        unit=one("unit", "d"),
        direction=one("direction", "before-start"),
        day=one("day"),
        month=one("month"),
        year=one("year"),
        original=original,
    )


def form_from_post(fields: Mapping[str, list[str]]) -> tuple[CampaignForm, str]:
    """The form as posted, and what was asked for: "save", or "add-task" and the like (rows
    ticked "Remove" are gone either way)."""

    def one(name: str) -> str:
        return (fields.get(name) or [""])[-1]

    def many(name: str) -> list[str]:
        return [v for v in fields.get(name, []) if v]

    try:
        original = json.loads(one("original") or "{}")
    except ValueError:
        original = {}
    if not isinstance(original, dict):
        original = {}
    by_id = {
        kind: {str(i.get("id")): i for i in original.get(kind, []) or [] if isinstance(i, dict)}
        for kind in ("tasks", "assets", "reminders")
    }
    form = CampaignForm(
        id=one("id"),
        title=one("title"),
        observance=one("observance"),
        runs=one("runs") or "every",
        since=one("since"),
        years=one("years"),
        audience=many("audience"),
        audience_other=one("audience_other"),
        summary=one("summary"),
        owner_people=many("owner_people"),
        lead_times=one("lead_times"),
        lead_time_at=one("lead_time_at"),
        announce_at=one("announce_at"),
        lead_destinations=many("lead_destinations"),
        announce_destinations=many("announce_destinations"),
        revision=one("revision"),
        original=original,
    )
    for n in range(min(_count(one("owner_rows")), MAX_ROWS)):
        if one(f"owner-{n}-remove"):
            continue
        form.owners.append(
            OwnerRow(*(one(f"owner-{n}-{k}") for k in ("name", "email", "slack", "teams")))
        )
    for n in range(min(_count(one("task_rows")), MAX_ROWS)):
        if one(f"task-{n}-remove"):
            continue
        row_id = one(f"task-{n}-id")
        before = by_id["tasks"].get(row_id) if row_id else None
        form.tasks.append(
            TaskRow(
                id=row_id,
                name=one(f"task-{n}-name"),
                owner=one(f"task-{n}-owner"),
                after_end=bool(one(f"task-{n}-after_end")),
                due=_day(fields, f"task-{n}-due", before.get("due") if before else None),
                original=before,
            )
        )
    for n in range(min(_count(one("asset_rows")), MAX_ROWS)):
        if one(f"asset-{n}-remove"):
            continue
        row_id = one(f"asset-{n}-id")
        before = by_id["assets"].get(row_id) if row_id else None
        form.assets.append(
            AssetRow(
                id=row_id,
                title=one(f"asset-{n}-title"),
                kind=one(f"asset-{n}-kind") or "blog",
                status=one(f"asset-{n}-status") or "planned",
                url=one(f"asset-{n}-url"),
                placeholder=bool(one(f"asset-{n}-placeholder")),
                owner=one(f"asset-{n}-owner"),
                dated=one(f"asset-{n}-publish-direction") != "none",
                publish=_day(
                    fields, f"asset-{n}-publish", before.get("publish") if before else None
                ),
                original=before,
            )
        )
    for n in range(min(_count(one("reminder_rows")), MAX_ROWS)):
        if one(f"reminder-{n}-remove"):
            continue
        row_id = one(f"reminder-{n}-id")
        before = by_id["reminders"].get(row_id) if row_id else None
        form.reminders.append(
            ReminderRow(
                id=row_id,
                time=one(f"reminder-{n}-time"),
                destinations=many(f"reminder-{n}-destinations"),
                template=one(f"reminder-{n}-template"),
                when=_day(fields, f"reminder-{n}-when", before.get("when") if before else None),
                original=before,
            )
        )
    action = one("action") or "save"
    if action == "add-task" and len(form.tasks) < MAX_ROWS:
        form.tasks.append(TaskRow())
    elif action == "add-asset" and len(form.assets) < MAX_ROWS:
        form.assets.append(AssetRow())
    elif action == "add-reminder" and len(form.reminders) < MAX_ROWS:
        form.reminders.append(ReminderRow())
    elif action == "add-owner" and len(form.owners) < MAX_ROWS:
        form.owners.append(OwnerRow())
    return form, action


def _count(text: str) -> int:
    return int(text) if text.isdigit() else 0
