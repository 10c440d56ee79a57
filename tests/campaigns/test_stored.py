"""Campaigns kept in the database, through the one campaign service: made, checked exactly as
campaign files are, changed with revisions, deleted, joined with the files in the plan, work
reassigned for one year, comments and the history of it all. On a real SQLite file and on
PostgreSQL, where two processes (two contexts) must see the same plan."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edicalendar.campaigns.store import ChangeAction
from edicalendar.context import AppContext
from edicalendar.errors import (
    CampaignConflictError,
    CampaignInvalidError,
    CampaignLookupError,
    CampaignReadOnlyError,
)
from edicalendar.model import CampaignOrigin, Owner
from support.clock import Clock, utc

DATA = Path(__file__).parent / "data"
NOW = utc(2026, 1, 12, 9)


def _table(**changes: Any) -> dict[str, Any]:
    """A campaign for International Women's Day 2026 (Sunday 8 March)."""
    table: dict[str, Any] = {
        "id": "iwd-2026",
        "title": "International Women's Day 2026",
        "observance": "international-womens-day",
        "years": [2026],
        "owners": [{"name": "Asha Khan", "email": "asha.khan@nhs.net"}],
        "assets": [{"id": "blog", "kind": "blog", "title": "Guest blog", "publish": "start"}],
        "tasks": [{"id": "draft", "name": "Draft the blog", "due": "-10 working days"}],
        "lead_time_destinations": ["console"],
    }
    table.update(changes)
    return table


@pytest.fixture
def make_ctx(tmp_path: Path, any_url: str) -> Callable[..., AppContext]:
    """Contexts (one per "process") on the fixture calendar, one campaign file folder, and the
    database under test."""
    campaigns = tmp_path / "campaigns"
    shutil.copytree(DATA / "campaigns", campaigns)
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        "[data]\n"
        f'calendars_dir = "{(DATA / "calendars").as_posix()}"\n'
        f'campaigns_dir = "{campaigns.as_posix()}"\n'
        f'database_url = "{any_url}"\n'
        '[destinations.comms]\nkind = "slack"\nurl_env = "UNUSED_SLACK_URL"\n',
        encoding="utf-8",
    )

    def make(now: dt.datetime = NOW) -> AppContext:
        return AppContext(config_path=config, now=Clock(now))

    return make


def test_a_stored_campaign_joins_the_file_campaigns_in_the_plan(
    make_ctx: Callable[..., AppContext],
) -> None:
    ctx = make_ctx()
    service = ctx.campaigns()
    made = service.create(_table(), by="asha.khan@nhs.net")
    assert made.origin is CampaignOrigin.DATABASE and made.revision == 1
    loaded = service.load()
    assert loaded.campaigns["iwd-2026"].origin is CampaignOrigin.DATABASE
    assert loaded.campaigns["lgbt-2021"].origin is CampaignOrigin.FILE
    plan = service.plan(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    instance = next(i for i in plan.instances if i.campaign.id == "iwd-2026")
    # Ten working days before Sunday 8 March 2026 (no bank holiday in between): Mon 23 Feb.
    assert [t.due for t in instance.tasks] == [dt.date(2026, 2, 23)]
    assert [a.publish_on for a in instance.assets] == [dt.date(2026, 3, 8)]
    # A second process on the same database sees the same plan.
    other = make_ctx().campaigns().plan(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert "iwd-2026" in {i.campaign.id for i in other.instances}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"observance": "international-womans-day"}, "observance",
         "unknown observance 'international-womans-day'; did you mean 'international-womens-day'?"),
        ({"lead_time_destinations": ["comms-slack"]}, "lead_time_destinations",
         "unknown destination 'comms-slack'; did you mean 'comms'?"),
        ({"tasks": [{"id": "late", "name": "Late", "due": "end+2d"}]}, "tasks.0.due",
         "falls after International Women's Day ends on 2026-03-08 (2026)"),
        ({"tasks": [{"id": "t", "name": "T", "due": "-1d", "owner": "Ben"}]}, "tasks.0.owner",
         "owner 'Ben' is not one of the campaign's owners (Asha Khan)"),
        ({"assets": [{"id": "a", "kind": "blog", "title": "A", "owner": "Ben"}]}, "assets.0.owner",
         "owner 'Ben' is not one of the campaign's owners"),
        ({"tasks": [{"id": "t", "name": "T", "due": "next tuesday"}]}, "tasks.0.due",
         "cannot read 'next tuesday' as a day"),
        ({"assets": [{"id": "a", "kind": "podcast", "title": "A"}]}, "assets.0.kind",
         "unknown kind 'podcast'"),
        ({"colour": "blue"}, "colour", "unknown key"),
        ({"years": [2026], "every_year": True}, None, "give either every_year = true or a list"),
        ({"id": "Not A Slug"}, "id", "must be a lower-case slug"),
    ],
)  # fmt: skip
def test_a_stored_campaign_gets_the_checks_a_campaign_file_gets(
    make_ctx: Callable[..., AppContext], changes: dict[str, Any], field: str | None, words: str
) -> None:
    service = make_ctx().campaigns()
    with pytest.raises(CampaignInvalidError) as raised:
        service.create(_table(**changes), by="asha.khan@nhs.net")
    found = [(p.field, p.message) for p in raised.value.problems]
    assert any(f == field and words in m for f, m in found), found
    assert service.store().all() == []


def test_ids_are_unique_across_files_and_the_database(make_ctx: Callable[..., AppContext]) -> None:
    service = make_ctx().campaigns()
    with pytest.raises(CampaignReadOnlyError, match=r"defined in the file .*seeds\.toml:\d+"):
        service.create(_table(id="lgbt-2021"), by="a@nhs.net")
    service.create(_table(), by="a@nhs.net")
    with pytest.raises(CampaignConflictError, match="already exists"):
        service.create(_table(), by="a@nhs.net")


def test_file_campaigns_are_read_only_and_say_which_file(
    make_ctx: Callable[..., AppContext],
) -> None:
    service = make_ctx().campaigns()
    table = service.definition("lgbt-2021").table
    assert table["title"] == "LGBTQ+ History Month celebration"
    with pytest.raises(CampaignReadOnlyError, match=r"seeds\.toml:3; edit that file"):
        service.update("lgbt-2021", table, by="a@nhs.net")
    with pytest.raises(CampaignReadOnlyError, match=r"seeds\.toml"):
        service.delete("lgbt-2021", by="a@nhs.net")


def test_edits_need_the_revision_they_started_from(make_ctx: Callable[..., AppContext]) -> None:
    """Two people open revision 1; the first to save wins, the second is told who saved."""
    service = make_ctx().campaigns()
    service.create(_table(), by="asha.khan@nhs.net")
    first = service.update(
        "iwd-2026", _table(title="IWD: guest blog"), by="ben@nhs.net", revision=1
    )
    assert first.revision == 2
    with pytest.raises(CampaignConflictError, match=r"changed by ben@nhs.net .*revision 2"):
        service.update("iwd-2026", _table(title="IWD 2026"), by="cara@nhs.net", revision=1)
    # Saving what is already stored writes nothing.
    assert (
        service.update("iwd-2026", _table(title="IWD: guest blog"), by="x", revision=2).revision
        == 2
    )
    with pytest.raises(CampaignInvalidError, match="the id of a campaign cannot change"):
        service.update("iwd-2026", _table(id="iwd-renamed"), by="x")
    actions = [c.action for c in service.store().changes("iwd-2026")]
    assert actions == [ChangeAction.CREATED, ChangeAction.EDITED]


def test_deleting_keeps_the_history(make_ctx: Callable[..., AppContext]) -> None:
    clock = Clock(NOW)
    ctx = make_ctx()
    ctx.now = clock
    service = ctx.campaigns()
    service.create(_table(), by="asha.khan@nhs.net")
    clock.advance(minutes=1)
    service.mark_task("iwd-2026", "draft", by="asha.khan@nhs.net", year=2026)
    clock.advance(minutes=1)
    service.delete("iwd-2026", by="ben@nhs.net", revision=1)
    assert "iwd-2026" not in service.load().campaigns
    with pytest.raises(CampaignLookupError):
        service.definition("iwd-2026")
    texts = [(h.by, h.text) for h in service.history("iwd-2026")]
    assert texts == [
        ("ben@nhs.net", "deleted the campaign"),
        ("asha.khan@nhs.net", "marked the task 'Draft the blog' done"),
        ("asha.khan@nhs.net", "made the campaign"),
    ]


def test_the_history_says_what_changed_and_who_did_it(make_ctx: Callable[..., AppContext]) -> None:
    clock = Clock(NOW)
    ctx = make_ctx()
    ctx.now = clock
    service = ctx.campaigns()
    service.create(_table(), by="asha.khan@nhs.net")
    clock.advance(minutes=5)
    tasks = [*_table()["tasks"], {"id": "room", "name": "Book a room", "due": "-7d"}]
    service.update("iwd-2026", _table(tasks=tasks, summary="With a guest."), by="ben@nhs.net")
    clock.advance(minutes=5)
    service.set_asset(
        "iwd-2026",
        "blog",
        _published(),
        url="https://intranet.example.nhs.uk/b",
        by="ben@nhs.net",
        year=2026,
    )
    clock.advance(minutes=5)
    service.comment(
        "iwd-2026", "Speaker confirmed:\nDr Amara Osei", by="cara@nhs.net", instance="2026"
    )
    history = service.history("iwd-2026")
    assert [(h.by, h.text) for h in history] == [
        ("cara@nhs.net", "commented"),
        ("ben@nhs.net", "set 'Guest blog' to published at https://intranet.example.nhs.uk/b"),
        ("ben@nhs.net", "changed the summary; tasks: added 'Book a room'"),
        ("asha.khan@nhs.net", "made the campaign"),
    ]
    assert history[0].comment == "Speaker confirmed:\nDr Amara Osei"
    assert history[0].instance == "2026"
    assert [h.at for h in history] == [NOW + dt.timedelta(minutes=m) for m in (15, 10, 5, 0)]


def _published() -> Any:
    from edicalendar.model import AssetStatus

    return AssetStatus.PUBLISHED


def test_work_given_to_someone_else_moves_that_year_only(
    make_ctx: Callable[..., AppContext],
) -> None:
    """A recurring campaign's 2026 task goes to Ben; 2027 stays with the first owner, and the
    2026 task reminder (the planner's owner lookup) now finds Ben."""
    service = make_ctx().campaigns()
    service.create(_table(years=[2026, 2027]), by="asha.khan@nhs.net")
    service.reassign(
        "iwd-2026",
        "task",
        "draft",
        Owner("Ben Okafor", "ben@nhs.net"),
        by="asha.khan@nhs.net",
        instance="2026",
    )
    plan = service.plan(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    by_year = {i.instance: i for i in plan.instances if i.campaign.id == "iwd-2026"}
    assert by_year["2026"].tasks[0].task.owner == "Ben Okafor"
    assert Owner("Ben Okafor", "ben@nhs.net") in by_year["2026"].campaign.owners
    assert by_year["2027"].tasks[0].task.owner is None
    assert [o.name for o in by_year["2027"].campaign.owners] == ["Asha Khan"]
    with pytest.raises(CampaignLookupError, match="has no task 'drafting'; tasks: draft"):
        service.reassign("iwd-2026", "task", "drafting", Owner("Ben"), by="x", instance="2026")
    # Files' campaigns can be reassigned too: it is progress, not a change to the file.
    service.reassign(
        "lgbt-2021", "task", "draft-blog", Owner("Ben Okafor", "ben@nhs.net"), by="x", year=2021
    )
    old = service.plan(dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert next(i for i in old.instances if i.campaign.id == "lgbt-2021").tasks[0].task.owner == (
        "Ben Okafor"
    )


def test_a_file_added_later_with_a_stored_id_leaves_both_out_and_says_so(
    make_ctx: Callable[..., AppContext], tmp_path: Path
) -> None:
    ctx = make_ctx()
    ctx.campaigns().create(_table(), by="a@nhs.net")
    (tmp_path / "campaigns" / "late.toml").write_text(
        '[[campaign]]\nid = "iwd-2026"\ntitle = "Same id"\nobservance = "international-womens-day"'
        "\nyears = [2026]\n",
        encoding="utf-8",
    )
    loaded = ctx.campaigns().load()
    assert "iwd-2026" not in loaded.campaigns
    messages = sorted(str(p) for p in loaded.problems if p.subject == "iwd-2026")
    assert any(m.startswith("database: iwd-2026: id: duplicate campaign id") for m in messages)
    assert any(
        "late.toml:1: iwd-2026: id: duplicate campaign id; also stored in the database" in m
        for m in messages
    )


def test_a_stored_campaign_that_goes_bad_is_left_out_and_can_be_mended(
    make_ctx: Callable[..., AppContext],
) -> None:
    """A destination removed from the settings after the campaign was made: the campaign is
    reported and left out, the others carry on, and its table can still be read and fixed."""
    ctx = make_ctx()
    service = ctx.campaigns()
    service.create(_table(lead_time_destinations=["comms"]), by="a@nhs.net")
    config = ctx.config_path
    assert config is not None
    config.write_text(config.read_text("utf-8").split("[destinations.comms]")[0], "utf-8")
    fresh = make_ctx().campaigns()
    loaded = fresh.load()
    assert "iwd-2026" not in loaded.campaigns and "lgbt-2021" in loaded.campaigns
    definition = fresh.definition("iwd-2026")
    assert definition.campaign is None
    assert [p.field for p in definition.problems] == ["lead_time_destinations"]
    fresh.update("iwd-2026", _table(), by="a@nhs.net")
    assert "iwd-2026" in fresh.load().campaigns


def test_comments_are_plain_text_with_limits(make_ctx: Callable[..., AppContext]) -> None:
    from edicalendar.errors import UsageError

    service = make_ctx().campaigns()
    service.create(_table(), by="a@nhs.net")
    noted = service.comment("iwd-2026", "  Done\x07 by Friday  \n\n", by="a@nhs.net")
    assert noted.change.detail == "Done by Friday"
    with pytest.raises(UsageError, match="write a comment first"):
        service.comment("iwd-2026", " \n ", by="a@nhs.net")
    with pytest.raises(UsageError, match="at most 4000 characters"):
        service.comment("iwd-2026", "x" * 4001, by="a@nhs.net")


@pytest.mark.parametrize("revision", [1, None], ids=["same-revision", "no-revision"])
def test_two_saves_at_once_never_overwrite_each_other(
    make_ctx: Callable[..., AppContext],
    monkeypatch: pytest.MonkeyPatch,
    revision: int | None,
) -> None:
    """Two editors save revision 1 at the same moment (each read the row before either wrote):
    one save wins, the other is refused as a conflict that names the winner, never a database
    error and never a second revision 2 over the first. Saves that give no revision (an import
    with --replace) both go in, one after the other, as revisions 2 and 3."""
    import contextlib
    import threading

    from edicalendar.campaigns.store import CampaignStore

    ctx = make_ctx()
    ctx.campaigns().create(_table(), by="asha.khan@nhs.net")
    # Each save waits after reading until the other has read too, if it can get that far.
    both_read = threading.Barrier(2, timeout=1.5)
    read = CampaignStore._get

    def read_then_wait(self: CampaignStore, conn: Any, campaign_id: str, **how: Any) -> Any:
        found = read(self, conn, campaign_id, **how)
        if threading.current_thread().name.startswith("editor-"):
            # Broken when the other save is held back until this one commits: as it should be.
            with contextlib.suppress(threading.BrokenBarrierError):
                both_read.wait()
        return found

    monkeypatch.setattr(CampaignStore, "_get", read_then_wait)
    outcomes: dict[str, Any] = {}

    def save(who: str) -> None:
        store = CampaignStore(ctx.database)
        try:
            outcomes[who] = store.update(
                _table(title=f"IWD by {who}"), by=who, at=NOW, revision=revision
            ).revision
        except Exception as exc:  # what went wrong is the test's subject
            outcomes[who] = exc

    threads = [threading.Thread(target=save, args=(w,), name=f"editor-{w}") for w in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    stored = CampaignStore(ctx.database).get("iwd-2026")
    assert stored is not None
    edits = [c for c in CampaignStore(ctx.database).changes("iwd-2026") if c.action == "edited"]
    if revision is None:
        assert sorted(outcomes.values()) == [2, 3], outcomes
        assert stored.revision == 3 and sorted(c.revision for c in edits) == [2, 3]
        return
    won = [w for w, o in outcomes.items() if o == 2]
    lost = [w for w, o in outcomes.items() if o != 2]
    assert len(won) == 1 and len(lost) == 1, outcomes
    refused = outcomes[lost[0]]
    assert isinstance(refused, CampaignConflictError), repr(refused)
    assert f"changed by {won[0]} at" in str(refused) and "(revision 2)" in str(refused)
    assert stored.revision == 2 and stored.table["title"] == f"IWD by {won[0]}"
    assert [c.revision for c in edits] == [2]
