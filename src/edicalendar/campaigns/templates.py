"""Campaign templates: a ready plan of assets and tasks to start a campaign from.

A template is a TOML file with a `[template]` table (name, description, order) and a
`[campaign]` table shaped like a campaign file's, without `id`, `observance` or the years: those
come from the observance and year the campaign is made for, and `{observance}` in its text
becomes the observance's name. Four ship with edicalendar (awareness month, awareness day, faith
festival with a greeting and guidance for managers, staff story series); the result is an
ordinary campaign table, checked like any other before it is saved.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from edicalendar.errors import CampaignLookupError
from edicalendar.model import Observance

#: Keys a template must not set: they belong to the campaign made from it.
_FILLED_IN = ("id", "observance", "years", "every_year", "since")


@dataclass(frozen=True, slots=True)
class Template:
    """One campaign template."""

    id: str
    name: str
    description: str
    order: int
    #: The `[campaign]` table, with `{observance}` still in its text.
    table: dict[str, Any]


def shipped_templates() -> list[Template]:
    """The templates shipped in the package, in their display order."""
    found = []
    folder = resources.files("edicalendar.campaigns") / "templates"
    for entry in folder.iterdir():
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        about, table = data["template"], data["campaign"]
        clash = [key for key in _FILLED_IN if key in table]
        if clash:
            raise ValueError(f"template {entry.name} sets {', '.join(clash)}")
        found.append(
            Template(
                id=entry.name.removesuffix(".toml"),
                name=str(about["name"]),
                description=str(about["description"]),
                order=int(about.get("order", 99)),
                table=table,
            )
        )
    return sorted(found, key=lambda t: (t.order, t.id))


def find_template(template_id: str, templates: list[Template] | None = None) -> Template:
    """The template `template_id`; CampaignLookupError naming the templates if none."""
    every = templates if templates is not None else shipped_templates()
    for template in every:
        if template.id == template_id:
            return template
    shown = template_id if len(template_id) <= 40 else template_id[:40] + "…"
    raise CampaignLookupError(f"no template {shown!r}; templates: {', '.join(t.id for t in every)}")


def _filled(value: Any, name: str) -> Any:
    if isinstance(value, str):
        return value.replace("{observance}", name)
    if isinstance(value, list):
        return [_filled(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _filled(v, name) for k, v in value.items()}
    return value


def from_template(
    template: Template,
    observance: Observance,
    *,
    campaign_id: str,
    year: int | None,
    owners: list[dict[str, str]] | None = None,
    destinations: list[str] | None = None,
) -> dict[str, Any]:
    """A campaign table from `template` for `observance`: in `year`, or every year (None).

    `owners` start the owners list (the person making it, usually); `destinations` are where
    lead-time reminders and the day-of announcement go.
    """
    body = _filled(copy.deepcopy(template.table), observance.name)
    table: dict[str, Any] = {"id": campaign_id, "title": body.pop("title")}
    table["observance"] = observance.id
    if year is None:
        table["every_year"] = True
    else:
        table["years"] = [year]
    if owners:
        table["owners"] = owners
    table.update(body)
    if destinations:
        table["lead_time_destinations"] = list(destinations)
        table["announce_destinations"] = list(destinations)
    return table
