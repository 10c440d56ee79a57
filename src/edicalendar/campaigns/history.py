"""A campaign's history in words: every change and every piece of progress, with who and when.

Two append-only records feed it: progress (:mod:`edicalendar.campaigns.progress`: tasks done,
asset statuses and links) and changes (:mod:`edicalendar.campaigns.store`: made, edited,
imported, deleted, work reassigned, comments). :func:`history` merges them, newest first, into
entries a page or a script can show as they are; :func:`describe_edit` says what an edit
changed, so the history reads "tasks: added 'Book a room'" rather than "edited".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from edicalendar.campaigns.progress import ItemKind, ProgressEntry, TaskState
from edicalendar.campaigns.store import Change, ChangeAction


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One thing that happened to a campaign."""

    at: dt.datetime
    by: str | None
    #: created, edited, imported, deleted, reassigned, commented, task, asset.
    action: str
    #: The occurrence it is about ("2026", "2030-2"), or None for the whole campaign.
    instance: str | None
    #: What happened, in words ("marked 'Book a room' done").
    text: str
    #: A comment's own words (shown as written, never as markup).
    comment: str | None = None
    url: str | None = None


def _names(table: Mapping[str, Any] | None) -> dict[tuple[str, str], str]:
    """(kind, id) -> display name of each task, asset and reminder in a table."""
    found: dict[tuple[str, str], str] = {}
    for kind, label in (("tasks", "name"), ("assets", "title"), ("reminders", "id")):
        for item in (table or {}).get(kind, []) or []:
            if isinstance(item, dict) and "id" in item:
                found[(kind, str(item["id"]))] = str(item.get(label) or item["id"])
    return found


def progress_text(entry: ProgressEntry, names: Mapping[tuple[str, str], str]) -> str:
    """A progress entry in words."""
    if entry.kind is ItemKind.TASK:
        name = names.get(("tasks", entry.item_id), entry.item_id)
        state = "done" if entry.status == TaskState.DONE else "not done"
        return f"marked the task '{name}' {state}"
    name = names.get(("assets", entry.item_id), entry.item_id)
    return f"set '{name}' to {entry.status}" + (f" at {entry.url}" if entry.url else "")


def change_text(change: Change, names: Mapping[tuple[str, str], str]) -> str:
    """A recorded change in words."""
    action = change.action
    if action is ChangeAction.CREATED:
        return "made the campaign"
    if action is ChangeAction.IMPORTED:
        return "imported the campaign" + (f" from {change.detail}" if change.detail else "")
    if action is ChangeAction.DELETED:
        return "deleted the campaign"
    if action is ChangeAction.EDITED:
        return "changed " + (change.detail or "the campaign")
    if action is ChangeAction.COMMENTED:
        return "commented"
    kind = "tasks" if change.item_kind == "task" else "assets"
    name = names.get((kind, change.item_id or ""), change.item_id or "")
    owner = json.loads(change.detail or "{}").get("name", "someone")
    return f"gave the {change.item_kind} '{name}' to {owner}"


def history(
    progress: Iterable[ProgressEntry],
    changes: Iterable[Change],
    table: Mapping[str, Any] | None,
) -> list[HistoryEntry]:
    """Every change and piece of progress, newest first; `table` names the items."""
    names = _names(table)
    changes = list(changes)
    for change in changes:
        # Items deleted since keep the names they had when the change was made.
        for key, name in _names(change.definition).items():
            names.setdefault(key, name)
    entries = [
        HistoryEntry(
            at=e.recorded_at,
            by=e.recorded_by,
            action=e.kind.value,
            instance=e.instance,
            text=progress_text(e, names),
            url=e.url,
        )
        for e in progress
    ]
    entries.extend(
        HistoryEntry(
            at=c.recorded_at,
            by=c.recorded_by,
            action=c.action.value,
            instance=c.instance,
            text=change_text(c, names),
            comment=c.detail if c.action is ChangeAction.COMMENTED else None,
        )
        for c in changes
    )
    order = {id(e): n for n, e in enumerate(entries)}
    return sorted(entries, key=lambda e: (e.at, order[id(e)]), reverse=True)


# --- what an edit changed --------------------------------------------------------------------

_FIELD_NAMES = {
    "title": "the title",
    "observance": "the observance",
    "every_year": "when it runs",
    "years": "when it runs",
    "since": "the first year",
    "owners": "owners",
    "audience": "the audience",
    "summary": "the summary",
    "lead_times": "lead times",
    "lead_time_at": "the reminder time",
    "lead_time_destinations": "where reminders go",
    "announce_destinations": "where the announcement goes",
    "announce_at": "the announcement time",
}


def _items(table: Mapping[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    key = "name" if kind == "owners" else "id"
    return {str(i.get(key)): i for i in table.get(kind, []) or [] if isinstance(i, dict)}


def describe_edit(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """What changed between two tables of one campaign, in words ("the title; tasks: added
    'Book a room'"); "nothing" when they are the same."""
    parts: list[str] = []
    for key, label in _FIELD_NAMES.items():
        if key in ("years", "since") and "when it runs" in parts:
            continue
        if key == "owners":
            continue
        if old.get(key) != new.get(key) and label not in parts:
            parts.append(label)
    for kind, label_key in (
        ("owners", "name"),
        ("tasks", "name"),
        ("assets", "title"),
        ("reminders", "id"),
    ):
        before, after = _items(old, kind), _items(new, kind)
        added = [after[k].get(label_key, k) for k in after if k not in before]
        removed = [before[k].get(label_key, k) for k in before if k not in after]
        changed = [
            after[k].get(label_key, k) for k in after if k in before and before[k] != after[k]
        ]
        bits = [f"added {', '.join(repr(str(n)) for n in added)}"] if added else []
        bits += [f"removed {', '.join(repr(str(n)) for n in removed)}"] if removed else []
        bits += [f"changed {', '.join(repr(str(n)) for n in changed)}"] if changed else []
        if bits:
            parts.append(f"{kind}: {'; '.join(bits)}")
    others = sorted(set(old) ^ set(new) | {k for k in old if k in new and old[k] != new[k]})
    leftover = [
        k
        for k in others
        if k not in _FIELD_NAMES and k not in ("owners", "tasks", "assets", "reminders", "id")
    ]
    if leftover:
        parts.append(", ".join(leftover))
    return "; ".join(parts) or "nothing"
