"""The campaign tasks people do, in one place for the CLI, the web pages and the JSON API.

:class:`CampaignService` loads the campaigns (files and the database, checked against the
calendar and config), rolls them onto the dated plan with recorded progress applied, records
progress (a task done or open again, an asset's status and address, work reassigned, a comment)
and makes, changes and deletes the campaigns kept in the database, each through the same checks
a campaign file gets. Every caller names a campaign instance the same way and is refused with
the same message for the same mistake, so the CLI, the pages and the API cannot drift apart.
The database is opened only when a campaign exists or is being stored, so a tool without
campaigns never creates one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edicalendar.campaigns.files import DATABASE_DISPLAY, CampaignSet
from edicalendar.campaigns.history import HistoryEntry, describe_edit, history
from edicalendar.campaigns.instances import ItemKey, due_tasks, expand_campaigns, span
from edicalendar.campaigns.progress import (
    ProgressEntry,
    asset_states,
    done_tasks,
    record_asset,
    record_task,
)
from edicalendar.campaigns.progress import history as progress_history
from edicalendar.campaigns.schema import YEAR_KEY
from edicalendar.campaigns.store import (
    CampaignStore,
    Change,
    ChangeAction,
    StoredCampaign,
    Table,
    changed_meanwhile,
    recorded_changes,
)
from edicalendar.errors import (
    CampaignConflictError,
    CampaignInstanceError,
    CampaignInvalidError,
    CampaignLookupError,
    CampaignReadOnlyError,
    Problem,
    UsageError,
)
from edicalendar.i18n import N_, Message
from edicalendar.model import (
    AssetStatus,
    Campaign,
    CampaignInstance,
    CampaignOrigin,
    DueTask,
    Owner,
)
from edicalendar.text import text_problem
from edicalendar.urls import LinkError, check_url

if TYPE_CHECKING:
    from edicalendar.calendar.catalog import Catalog
    from edicalendar.calendar.workdays import WorkingDays
    from edicalendar.storage.engine import Database
    from edicalendar.storage.reads import Reads

#: Longest `by` (who recorded a change) kept in the progress history.
MAX_BY = 200
#: Longest comment kept on a campaign.
MAX_COMMENT = 4000
#: Checks campaign tables (with their revisions) as stored ones are checked, for these years.
TableCheck = Callable[[list[tuple[Table, int | None]], Iterable[int]], CampaignSet]
#: How far back open work still counts as overdue (and names the instance a person means):
#: a year, so last year's campaign stays in view until the next one begins.
OVERDUE_LOOKBACK_DAYS = 366
#: The refusal of a new campaign whose id a campaign file already uses.
_TAKEN_BY_FILE = N_(
    "campaign %(id)s is defined in the file %(where)s; choose another id, or change that file "
    "(campaigns from files are read-only here)"
)


@dataclass
class CampaignPlan:
    """Campaign instances touching a window, the campaigns left out, and date warnings."""

    loaded: CampaignSet
    instances: list[CampaignInstance]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A change that was recorded: on which instance, and the history entry written."""

    instance: CampaignInstance
    entry: ProgressEntry


@dataclass(frozen=True, slots=True)
class Noted:
    """A reassignment or comment that was recorded, and on which instance (None: every year)."""

    instance: CampaignInstance | None
    change: Change


@dataclass(frozen=True)
class Definition:
    """A campaign as written (its `[[campaign]]` table) and where it lives."""

    id: str
    table: Table
    origin: CampaignOrigin
    #: Where it is defined, for people: "campaigns/iwd.toml:3", or "database".
    where: str
    #: The checked campaign; None when it has problems (and is left out of the plan).
    campaign: Campaign | None
    problems: tuple[Problem, ...] = ()
    #: The database row, for a campaign made in the browser, through the API or imported.
    stored: StoredCampaign | None = None

    @property
    def editable(self) -> bool:
        """Whether people may change it here (campaign files are changed by editing them)."""
        return self.origin is CampaignOrigin.DATABASE

    @property
    def revision(self) -> int | None:
        return self.stored.revision if self.stored else None

    @property
    def title(self) -> str:
        return str(self.table.get("title") or self.id)


def parse_instance(text: str) -> str:
    """`text` when it names a campaign instance ("2026", "2030-2"); CampaignInstanceError if not."""
    if not YEAR_KEY.match(text) or text != text.strip():
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise CampaignInstanceError(
            f"instance {shown!r} is not a campaign instance such as 2026 or 2030-2 "
            "(a year, or a year and the number of the occurrence in it)"
        )
    return text


class CampaignService:
    """Campaigns for one installation: loading, the dated plan, and recording progress."""

    def __init__(
        self,
        *,
        catalog: Catalog | None,
        load: Callable[[Iterable[int]], CampaignSet],
        database: Callable[[], Database],
        workdays: WorkingDays,
        today: Callable[[], dt.date],
        now: Callable[[], dt.datetime],
        check: TableCheck | None = None,
        reads: Callable[[], Reads] | None = None,
    ) -> None:
        """`load(check_years)` reads the campaigns (re-reading files on every call, or returning
        a loaded snapshot, with the database's campaigns read afresh); `check` checks tables to
        be stored as stored ones are; `catalog` is None when the calendars failed to load;
        `reads` is where progress and reassignments are read from (default: the database)."""
        self.catalog = catalog
        self._load = load
        self._database = database
        self._check = check
        self._reads = reads or database
        self.workdays = workdays
        self.today = today
        self.now = now

    def store(self) -> CampaignStore:
        """The campaigns kept in the database, and the record of changes."""
        return CampaignStore(self._database())

    # --- reading --------------------------------------------------------------------------

    def load(self, check_years: Iterable[int] | None = None) -> CampaignSet:
        """Every campaign, checked for `check_years` (default: this year and next)."""
        if check_years is None:
            this_year = self.today().year
            check_years = (this_year, this_year + 1)
        return self._load(check_years)

    def plan(
        self,
        start: dt.date,
        end: dt.date,
        *,
        campaigns: Iterable[Campaign] | None = None,
        check_years: Iterable[int] | None = None,
    ) -> CampaignPlan:
        """Load, check and expand the campaigns for `start`..`end` with progress applied.

        `campaigns` narrows the plan to those campaigns (already loaded); otherwise every valid
        campaign is used.
        """
        loaded = (
            self.load(check_years)
            if campaigns is None
            else CampaignSet({c.id: c for c in campaigns})
        )
        if not loaded.campaigns or self.catalog is None:
            return CampaignPlan(loaded, [])
        reads = self._reads()
        warnings: list[str] = []
        instances = expand_campaigns(
            loaded.campaigns.values(),
            self.catalog,
            start,
            end,
            self.workdays,
            done=done_tasks(reads),
            assets=asset_states(reads),
            owners=self.reassignments(),
            warnings=warnings,
        )
        return CampaignPlan(loaded, instances, list(dict.fromkeys(warnings)))

    def due(
        self, start: dt.date, end: dt.date, *, overdue_since: dt.date | None = None
    ) -> tuple[CampaignPlan, list[tuple[DueTask, CampaignInstance]]]:
        """Open tasks due in `start`..`end`, and overdue ones due from `overdue_since` (default:
        every overdue task of the campaigns' current instances), earliest first."""
        since = overdue_since or start - dt.timedelta(days=OVERDUE_LOOKBACK_DAYS)
        plan = self.plan(since, end, check_years=range(start.year, end.year + 1))
        by_key = {(i.campaign.id, i.instance): i for i in plan.instances}
        found = [
            (task, by_key[(task.campaign_id, task.instance)])
            for task in due_tasks(plan.instances, start, end)
            if task.due >= since
            and (
                task.due >= start
                or not _superseded(by_key[(task.campaign_id, task.instance)], plan.instances, start)
            )
        ]
        return plan, found

    def find(self, campaign_id: str, loaded: CampaignSet | None = None) -> Campaign:
        """The valid campaign `campaign_id`; CampaignLookupError (with a suggestion) if none."""
        loaded = loaded if loaded is not None else self.load()
        campaign = loaded.get(campaign_id)
        if campaign is None:
            close = get_close_matches(campaign_id, list(loaded.campaigns), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            shown = campaign_id if len(campaign_id) <= 60 else campaign_id[:60] + "…"
            raise CampaignLookupError(f"no valid campaign {shown!r}{hint}")
        return campaign

    def unfinished(self, campaign: Campaign) -> list[CampaignInstance]:
        """The campaign's instances a person may still be working on, earliest first: the
        current and coming ones (to a year ahead), and a past one with an open task or an
        unpublished asset whose date has passed (overdue work, as `upcoming` lists it) until
        the campaign's next instance begins."""
        today = self.today()
        window = self.plan(
            today - dt.timedelta(days=OVERDUE_LOOKBACK_DAYS),
            today + dt.timedelta(days=366),
            campaigns=[campaign],
        )
        return sorted(
            (
                i
                for i in window.instances
                if span(i)[1] >= today
                or (_open_work(i, today) and not _superseded(i, window.instances, today))
            ),
            key=lambda i: span(i)[0],
        )

    def instance(
        self,
        campaign: Campaign,
        *,
        year: int | None = None,
        instance: str | None = None,
        prefer: Callable[[CampaignInstance], bool] | None = None,
    ) -> CampaignInstance:
        """The instance a person means: `instance`, else `year`'s, else the earliest unfinished
        one (see :meth:`unfinished`); with `prefer`, the latest instance begun within the last
        year for which it holds comes first (reopening a task picks where it was done).

        Raises CampaignInstanceError for text that is not an instance, CampaignLookupError when
        the campaign has no such instance, UsageError when a year has two and none is named.
        """
        if instance is not None:
            year = int(parse_instance(instance)[:4])
        if year is not None:
            plan = self.plan(dt.date(year, 1, 1), dt.date(year, 12, 31), campaigns=[campaign])
            found = [i for i in plan.instances if i.year == year]
        else:
            candidates = self.unfinished(campaign)
            found = candidates[:1]
            if prefer is not None:
                today = self.today()
                back = self.plan(
                    today - dt.timedelta(days=OVERDUE_LOOKBACK_DAYS), today, campaigns=[campaign]
                )
                preferred = [i for i in back.instances if span(i)[0] <= today and prefer(i)]
                found = preferred[-1:] or found
        if instance is not None:
            found = [i for i in found if i.instance == instance]
        if not found:
            when = instance or year or "the coming year"
            raise CampaignLookupError(f"campaign {campaign.id!r} has no instance in {when}")
        if len(found) > 1:
            keys = ", ".join(i.instance for i in found)
            raise UsageError(
                f"{campaign.id!r} runs {len(found)} times that year ({keys}); use --instance"
            )
        return found[0]

    # --- recording progress ---------------------------------------------------------------

    def mark_task(
        self,
        campaign_id: str,
        task_id: str,
        *,
        done: bool = True,
        by: str | None,
        year: int | None = None,
        instance: str | None = None,
    ) -> Recorded:
        """Record a task of one campaign instance as done (its reminders stop) or open again."""
        campaign = self.find(campaign_id)

        def done_there(candidate: CampaignInstance) -> bool:
            return any(t.task.id == task_id and t.done for t in candidate.tasks)

        # Reopening means the instance where the task was done, even one now finished.
        chosen = self.instance(
            campaign, year=year, instance=instance, prefer=None if done else done_there
        )
        tasks = {t.task.id: t for t in chosen.tasks}
        if task_id not in tasks:
            raise CampaignLookupError(
                f"{campaign.id} {chosen.instance} has no task {_shown(task_id)}; "
                f"tasks: {', '.join(tasks) or 'none'}"
            )
        entry = record_task(
            self._database(),
            campaign.id,
            chosen.instance,
            task_id,
            done=done,
            by=_by(by),
            at=self.now(),
        )
        return Recorded(chosen, entry)

    def set_asset(
        self,
        campaign_id: str,
        asset_id: str,
        status: AssetStatus,
        *,
        url: str | None,
        by: str | None,
        year: int | None = None,
        instance: str | None = None,
    ) -> Recorded:
        """Record an asset's status for one campaign instance (and its address once published)."""
        if url is not None:
            try:
                check_url(url)
            except LinkError as exc:
                raise UsageError(f"url {_shown(url)} is not a link we publish: it {exc}") from None
        campaign = self.find(campaign_id)
        chosen = self.instance(campaign, year=year, instance=instance)
        assets = {d.asset.id: d for d in chosen.assets}
        if asset_id not in assets:
            raise CampaignLookupError(
                f"{campaign.id} {chosen.instance} has no asset {_shown(asset_id)}; "
                f"assets: {', '.join(assets) or 'none'}"
            )
        entry = record_asset(
            self._database(),
            campaign.id,
            chosen.instance,
            asset_id,
            status,
            url=url,
            by=_by(by),
            at=self.now(),
        )
        return Recorded(chosen, entry)

    def reassign(
        self,
        campaign_id: str,
        kind: str,
        item_id: str,
        owner: Owner,
        *,
        by: str | None,
        year: int | None = None,
        instance: str | None = None,
    ) -> Noted:
        """Give one instance's task or asset to someone else (that year only; the campaign's
        plan for other years is unchanged). Their reminders follow the new owner."""
        if kind not in ("task", "asset"):
            raise UsageError(f"kind {_shown(kind)} is neither task nor asset")
        name = " ".join((owner.name or "").split())
        if not name or len(name) > 200:
            raise UsageError("give the name of the person the work goes to (up to 200 characters)")
        campaign = self.find(campaign_id)
        chosen = self.instance(campaign, year=year, instance=instance)
        ids = (
            [t.task.id for t in chosen.tasks]
            if kind == "task"
            else [a.asset.id for a in chosen.assets]
        )
        if item_id not in ids:
            raise CampaignLookupError(
                f"{campaign.id} {chosen.instance} has no {kind} {_shown(item_id)}; "
                f"{kind}s: {', '.join(ids) or 'none'}"
            )
        detail = json.dumps({"name": name, "email": owner.email}, ensure_ascii=False)
        change = self.store().record(
            campaign.id,
            ChangeAction.REASSIGNED,
            by=_by(by),
            at=self.now(),
            instance=chosen.instance,
            item_kind=kind,
            item_id=item_id,
            detail=detail,
        )
        return Noted(chosen, change)

    def reassignments(self) -> dict[ItemKey, Owner]:
        """Whom each reassigned task or asset now belongs to, by (campaign, instance, kind, id)."""
        found: dict[ItemKey, Owner] = {}
        for change in recorded_changes(self._reads(), actions=(ChangeAction.REASSIGNED,)):
            given = json.loads(change.detail or "{}")
            key = (
                change.campaign_id,
                change.instance or "",
                change.item_kind or "",
                change.item_id or "",
            )
            found[key] = Owner(str(given.get("name") or ""), given.get("email"))
        return found

    def comment(
        self,
        campaign_id: str,
        text: str,
        *,
        by: str | None,
        instance: str | None = None,
    ) -> Noted:
        """Add a comment to a campaign (about one instance when `instance` is given)."""
        cleaned = "\n".join(line.rstrip() for line in text.strip().splitlines())
        cleaned = "".join(c for c in cleaned if c == "\n" or c.isprintable())
        if not cleaned:
            raise UsageError("write a comment first")
        if len(cleaned) > MAX_COMMENT:
            raise UsageError(f"a comment can be at most {MAX_COMMENT} characters")
        campaign = self.find(campaign_id)
        chosen = self.instance(campaign, instance=instance) if instance else None
        change = self.store().record(
            campaign.id,
            ChangeAction.COMMENTED,
            by=_by(by),
            at=self.now(),
            instance=chosen.instance if chosen else None,
            detail=cleaned,
        )
        return Noted(chosen, change)

    def history(self, campaign_id: str) -> list[HistoryEntry]:
        """Everything recorded about a campaign (progress, changes, comments), newest first."""
        database = self._database()
        table: Table | None = None
        stored = self.store().get(campaign_id)
        if stored is not None:
            table = stored.table
        else:
            table = self.load().tables.get(campaign_id)
        return history(
            progress_history(database, campaign_id), self.store().changes(campaign_id), table
        )

    # --- campaigns in the database -------------------------------------------------------

    def definitions(self) -> list[Definition]:
        """Every campaign: valid ones from files and the database, and stored ones with
        problems (so they can be mended), by title."""
        loaded = self.load()
        found = {
            c.id: self._definition(c.id, loaded, None)
            for c in loaded.campaigns.values()
            if c.origin is CampaignOrigin.FILE
        }
        for stored in self.store().all():
            found[stored.id] = self._definition(stored.id, loaded, stored)
        return sorted(found.values(), key=lambda d: (d.title.casefold(), d.id))

    def definition(self, campaign_id: str) -> Definition:
        """The campaign `campaign_id` as written; CampaignLookupError when there is none."""
        stored = self.store().get(campaign_id)
        loaded = self.load()
        if stored is None and campaign_id not in loaded.campaigns:
            self.find(campaign_id, loaded)  # raises, with a suggestion
        return self._definition(campaign_id, loaded, stored)

    def _definition(
        self, campaign_id: str, loaded: CampaignSet, stored: StoredCampaign | None
    ) -> Definition:
        campaign = loaded.campaigns.get(campaign_id)
        if stored is not None:
            problems = tuple(
                p
                for p in loaded.problems
                if p.path == DATABASE_DISPLAY and (p.subject or "") == campaign_id
            )
            if campaign is not None and campaign.origin is not CampaignOrigin.DATABASE:
                campaign = None
            return Definition(
                campaign_id,
                stored.table,
                CampaignOrigin.DATABASE,
                DATABASE_DISPLAY,
                campaign,
                problems,
                stored,
            )
        assert campaign is not None
        where = f"{campaign.path}:{campaign.line}" if campaign.line else campaign.path
        return Definition(
            campaign_id, loaded.tables.get(campaign_id, {}), CampaignOrigin.FILE, where, campaign
        )

    def check_table(self, table: Any, *, revision: int | None = None) -> Campaign:
        """The campaign `table` describes, checked as a campaign file is (shape, observance,
        destinations, owners, dates); CampaignInvalidError listing every problem."""
        if not isinstance(table, dict):
            raise CampaignInvalidError(
                [Problem(DATABASE_DISPLAY, None, None, None, "a campaign is a table of keys")]
            )
        if self._check is None:
            raise RuntimeError("this campaign service was built without a table check")
        this_year = self.today().year
        checked = self._check([(table, revision)], range(this_year, this_year + 3))
        if checked.problems:
            raise CampaignInvalidError(checked.problems)
        return next(iter(checked.campaigns.values()))

    def _refuse_file(self, campaign_id: str, loaded: CampaignSet, doing: str) -> None:
        """Refuse a change to `campaign_id` when a campaign file defines it; `doing` is the
        refusal's message id (with `%(id)s` and `%(where)s`)."""
        campaign = loaded.campaigns.get(campaign_id)
        in_files = campaign is not None and campaign.origin is CampaignOrigin.FILE
        broken = [
            p
            for p in loaded.problems
            if p.path != DATABASE_DISPLAY and (p.subject or "").split()[:1] == [campaign_id]
        ]
        if in_files or broken:
            where = (
                f"{campaign.path}:{campaign.line}"
                if campaign is not None
                else f"{broken[0].path}:{broken[0].line or ''}".rstrip(":")
            )
            raise CampaignReadOnlyError(Message(doing, id=repr(campaign_id), where=where))

    def create(self, table: Any, *, by: str | None) -> Definition:
        """Store a new campaign after the checks a campaign file gets; refused when its id is
        taken by a file or a stored campaign."""
        campaign = self.check_table(table)
        loaded = self.load()
        self._refuse_file(campaign.id, loaded, _TAKEN_BY_FILE)
        stored = self.store().create(table, by=_by(by), at=self.now())
        return self._definition(stored.id, self.load(), stored)

    def update(
        self, campaign_id: str, table: Any, *, by: str | None, revision: int | None = None
    ) -> Definition:
        """Replace a stored campaign (at `revision`, when given: refused if someone saved it
        since). The id cannot change: progress and reminders are keyed on it."""
        loaded = self.load()
        self._refuse_file(
            campaign_id,
            loaded,
            N_(
                "campaign %(id)s is defined in the file %(where)s; edit that file (campaigns "
                "from files are read-only here)"
            ),
        )
        current = self.store().get(campaign_id)
        if current is None:
            self.find(campaign_id, loaded)  # raises, with a suggestion
            raise CampaignLookupError(f"no campaign {_shown(campaign_id)} in the database")
        if isinstance(table, dict):
            table = {"id": campaign_id, **table} if "id" not in table else table
            if table.get("id") != campaign_id:
                raise CampaignInvalidError(
                    [
                        Problem(
                            DATABASE_DISPLAY,
                            None,
                            campaign_id,
                            "id",
                            "the id of a campaign cannot change (progress, reminders and feed "
                            "events are keyed on it); make a new campaign instead",
                        )
                    ]
                )
        self.check_table(table, revision=current.revision)
        if revision is not None and revision != current.revision:
            raise changed_meanwhile(current)
        detail = describe_edit(current.table, table)
        if detail == "nothing":
            return self._definition(campaign_id, loaded, current)
        stored = self.store().update(
            table, by=_by(by), at=self.now(), revision=current.revision, detail=detail
        )
        return self._definition(campaign_id, self.load(), stored)

    def delete(self, campaign_id: str, *, by: str | None, revision: int | None = None) -> None:
        """Delete a stored campaign; its progress and history stay in the database."""
        loaded = self.load()
        self._refuse_file(
            campaign_id,
            loaded,
            N_(
                "campaign %(id)s is defined in the file %(where)s; remove it from that file "
                "(campaigns from files are read-only here)"
            ),
        )
        if self.store().get(campaign_id) is None:
            self.find(campaign_id, loaded)
            raise CampaignLookupError(f"no campaign {_shown(campaign_id)} in the database")
        self.store().delete(campaign_id, by=_by(by), at=self.now(), revision=revision)

    def export(self, directory: Path) -> list[Path]:
        """Write every stored campaign to `directory` as a campaign file named after its id."""
        from edicalendar.campaigns.exchange import export_tables

        return export_tables((s.table for s in self.store().all()), directory)

    def import_tables(
        self, tables: list[tuple[Table, str]], *, by: str | None, replace: bool = False
    ) -> ImportReport:
        """Store campaign tables read from files (each with the file it came from).

        All are checked before any is stored: a problem in one stores none. An id already in
        the database is replaced only with `replace`; an id a campaign file uses is refused.
        """
        for table, _source in tables:
            self.check_table(table)
        loaded = self.load()
        ids = [str(t.get("id")) for t, _ in tables]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise CampaignConflictError(
                f"the files being imported define {', '.join(map(repr, doubled))} more than once"
            )
        stored = {s.id: s for s in self.store().all()}
        for table, _source in tables:
            self._refuse_file(str(table.get("id")), loaded, _TAKEN_BY_FILE)
        taken = [i for i in ids if i in stored and stored[i].table != dict(_t(tables, i))]
        if taken and not replace:
            raise CampaignConflictError(
                f"already in the database: {', '.join(map(repr, taken))}; add --replace to "
                "replace them with the imported ones"
            )
        report = ImportReport()
        for table, source in tables:
            campaign_id = str(table["id"])
            current = stored.get(campaign_id)
            if current is not None and current.table == dict(table):
                report.unchanged.append(campaign_id)
                continue
            if current is None:
                self.store().create(
                    dict(table),
                    by=_by(by),
                    at=self.now(),
                    action=ChangeAction.IMPORTED,
                    detail=source,
                )
                report.created.append(campaign_id)
            else:
                self.store().update(
                    dict(table),
                    by=_by(by),
                    at=self.now(),
                    revision=current.revision,
                    action=ChangeAction.IMPORTED,
                    detail=source,
                )
                report.replaced.append(campaign_id)
        return report


@dataclass
class ImportReport:
    """What `campaigns import` did, by campaign id."""

    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{len(self.created)} added, {len(self.replaced)} replaced, "
            f"{len(self.unchanged)} unchanged"
        )


def _t(tables: list[tuple[Table, str]], campaign_id: str) -> Table:
    return next(t for t, _ in tables if str(t.get("id")) == campaign_id)


def _superseded(
    instance: CampaignInstance, instances: Iterable[CampaignInstance], today: dt.date
) -> bool:
    """Whether a later instance of the same campaign has begun by `today` (its first task or
    publication is due): the earlier one's open work is then history, not overdue."""
    first = span(instance)[0]
    return any(
        other.campaign.id == instance.campaign.id and first < span(other)[0] <= today
        for other in instances
    )


def _open_work(instance: CampaignInstance, today: dt.date) -> bool:
    """Whether a past instance still has a task open or an asset unpublished after its date."""
    if any(not t.done for t in instance.tasks):
        return True
    return any(
        d.asset.status is not AssetStatus.PUBLISHED
        and d.publish_on is not None
        and d.publish_on < today
        for d in instance.assets
    )


def _by(by: str | None) -> str | None:
    """Who recorded a change, as stored: trimmed, at most MAX_BY characters, one plain line
    (it is printed by `campaign show` and in pages, so no control characters)."""
    cleaned = (by or "").strip()
    problem = text_problem(cleaned)
    if problem:
        raise UsageError(f"by {_shown(cleaned)} {problem}")
    return cleaned[:MAX_BY] or None


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:60] + "…")
