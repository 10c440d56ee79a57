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
from edicalendar.i18n import N_, Message


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One thing that happened to a campaign."""

    at: dt.datetime
    by: str | None
    #: created, edited, imported, deleted, reassigned, commented, task, asset.
    action: str
    #: The occurrence it is about ("2026", "2030-2"), or None for the whole campaign.
    instance: str | None
    #: What happened, in words ("marked the task 'Book a room' done"); a :class:`Message`, so a
    #: page can say it in its own language.
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


def progress_text(entry: ProgressEntry, names: Mapping[tuple[str, str], str]) -> Message:
    """A progress entry in words."""
    if entry.kind is ItemKind.TASK:
        name = names.get(("tasks", entry.item_id), entry.item_id)
        if entry.status == TaskState.DONE:
            return Message(N_("marked the task '%(name)s' done"), name=name)
        return Message(N_("marked the task '%(name)s' not done"), name=name)
    name = names.get(("assets", entry.item_id), entry.item_id)
    status = Message(str(entry.status))
    if entry.url:
        return Message(
            N_("set '%(name)s' to %(status)s at %(url)s"), name=name, status=status, url=entry.url
        )
    return Message(N_("set '%(name)s' to %(status)s"), name=name, status=status)


def change_text(change: Change, names: Mapping[tuple[str, str], str]) -> Message:
    """A recorded change in words."""
    action = change.action
    if action is ChangeAction.CREATED:
        return Message(N_("made the campaign"))
    if action is ChangeAction.IMPORTED:
        if change.detail:
            return Message(N_("imported the campaign from %(source)s"), source=change.detail)
        return Message(N_("imported the campaign"))
    if action is ChangeAction.DELETED:
        return Message(N_("deleted the campaign"))
    if action is ChangeAction.EDITED:
        if not change.detail:
            return Message(N_("changed the campaign"))
        return Message(N_("changed %(what)s"), what=_edit_words(change.detail))
    if action is ChangeAction.COMMENTED:
        return Message(N_("commented"))
    name = names.get(("tasks" if change.item_kind == "task" else "assets", change.item_id or ""))
    name = name or change.item_id or ""
    owner = json.loads(change.detail or "{}").get("name") or Message(N_("someone"))
    if change.item_kind == "task":
        return Message(N_("gave the task '%(name)s' to %(owner)s"), name=name, owner=owner)
    return Message(N_("gave the asset '%(name)s' to %(owner)s"), name=name, owner=owner)


def _edit_words(detail: str) -> str:
    """What an edit changed, as :func:`describe_edit` stored it ("the title; lead times"): the
    field names it is made of are said in the page's language when it is made only of them;
    anything else (items added or removed, by name) stays as stored."""
    parts = detail.split("; ")
    if all(part in _LABELS for part in parts):
        if len(parts) == 1:
            return _LABELS[parts[0]]
        return Message(
            N_("%(first)s; %(rest)s"),
            first=_LABELS[parts[0]],
            rest=_edit_words("; ".join(parts[1:])),
        )
    return detail


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
    "title": N_("the title"),
    "observance": N_("the observance"),
    "every_year": N_("when it runs"),
    "years": N_("when it runs"),
    "since": N_("the first year"),
    "owners": N_("owners"),
    "audience": N_("the audience"),
    "summary": N_("the summary"),
    "lead_times": N_("lead times"),
    "lead_time_at": N_("the reminder time"),
    "lead_time_destinations": N_("where reminders go"),
    "announce_destinations": N_("where the announcement goes"),
    "announce_at": N_("the announcement time"),
}
#: Each field's words as a message (history entries say them in the page's language).
_LABELS = {label: Message(label) for label in _FIELD_NAMES.values()}


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
