"""Freezes over HTTP: the admin page and API, the calendar pages that show them, freezes.ics.

Administrators record and end freezes (form with CSRF, or an API token); viewers see them;
anonymous visitors see only the public ones, on the calendar, observance and date-check pages
and in /api/freezes and /feeds/freezes.ics, which follows the database without a restart.
"""

from __future__ import annotations

import datetime as dt
import re

from edicalendar.model import Role

from .conftest import Site, form_csrf, record_election, record_embargo

D = dt.date


def test_an_admin_records_and_ends_a_freeze_in_the_browser(site: Site) -> None:
    admin = site.signed_in(site.person("asha.khan@nhs.net", Role.ADMIN))
    page = admin.get("/freezes")
    assert page.status_code == 200 and "No freeze is in force or recorded ahead." in page.text
    form = {
        "csrf_token": form_csrf(page.text),
        "kind": "local-election",
        "reason": "Local elections 7 May 2026",
        "polling_day": "2026-05-07",
        "area": "Manchester",
    }
    added = admin.post("/freezes", data=form, follow_redirects=False)
    assert added.status_code == 303
    assert added.headers["location"] == "/freezes?added=1#freeze-1"
    shown = admin.get("/freezes?added=1")
    assert "Recorded freeze 1: Local election pre-election period: Local elections 7 May" in (
        shown.text
    )
    # 25 working days before Thursday 7 May 2026 (the early May bank holiday, Easter Monday
    # and Good Friday skipped), counted on a calendar: Monday 30 March 2026.
    assert '<time datetime="2026-03-30">Mon 30 Mar 2026</time>' in shown.text
    assert "Freeze 1, recorded by asha.khan@nhs.net" in shown.text
    freeze = site.ctx.freezes().get(1)
    assert (freeze.start, freeze.end, freeze.area) == (D(2026, 3, 30), D(2026, 5, 7), "Manchester")

    ended = admin.post(
        "/freezes/1/end", data={"csrf_token": form_csrf(shown.text)}, follow_redirects=False
    )
    assert ended.status_code == 303
    after = admin.get("/freezes")
    assert "No freeze is in force or recorded ahead." in after.text
    assert "Earlier freezes" in after.text and "cancelled (by asha.khan@nhs.net)" in after.text


def test_a_refused_freeze_shows_the_reason_and_keeps_what_was_typed(site: Site) -> None:
    admin = site.signed_in(site.person("asha.khan@nhs.net", Role.ADMIN))
    token = form_csrf(admin.get("/freezes").text)
    refused = admin.post(
        "/freezes",
        data={
            "csrf_token": token,
            "kind": "devolved-election",
            "reason": "Senedd election",
            "polling_day": "2026-05-07",
        },
    )
    assert refused.status_code == 400
    # The form names its Area field, not the command's --area.
    assert "a devolved election needs its area: scotland, wales or" in refused.text
    assert 'value="Senedd election"' in refused.text
    assert '<option value="devolved-election" selected>' in refused.text
    bad_date = admin.post(
        "/freezes",
        data={"csrf_token": token, "kind": "mourning", "reason": "x", "from": "9/9/2022"},
    )
    assert bad_date.status_code == 400 and "from: &#39;9/9/2022&#39; is not a date" in bad_date.text
    assert site.ctx.freezes().all() == []


def test_only_admins_change_freezes_and_anonymous_visitors_sign_in_first(site: Site) -> None:
    viewer = site.signed_in(site.person("viewer@nhs.net", Role.VIEWER))
    editor = site.signed_in(site.person("editor@nhs.net", Role.EDITOR))
    record_election(site)
    page = viewer.get("/freezes")
    assert page.status_code == 200 and "Mayoral election" in page.text
    assert "Record a freeze" not in page.text and "End now" not in page.text
    for person in (viewer, editor):
        token = form_csrf(person.get("/freezes").text)
        refused = person.post("/freezes/1/end", data={"csrf_token": token})
        assert refused.status_code == 403
    assert site.ctx.freezes().get(1).ended_at is None
    assert site.client.get("/freezes").status_code == 401


def test_calendar_pages_show_public_freezes_and_signed_in_people_see_private_ones(
    site: Site,
) -> None:
    site.person("viewer@nhs.net", Role.VIEWER)
    record_election(site)
    record_embargo(site)
    month = site.client.get("/calendar?month=2026-03").text
    assert "Communication freezes" in month
    assert "Mayoral election pre-election period: Mayoral election" in month
    assert "Holds back public announcements and social posts." in month
    assert "Inspection report embargo" not in month  # private
    frozen = re.findall(
        r'<td class="[^"]*frozen[^"]*">\s*<span class="day">'
        r'<span class="day-name">\w+ </span>(\d+)',
        month,
    )
    assert [int(d) for d in frozen] == list(range(2, 11))
    agenda = site.client.get("/calendar?month=2026-03&view=agenda").text
    assert "Mayoral election pre-election period" in agenda
    assert "Communication freezes" not in site.client.get("/calendar?month=2026-04").text

    signed_in = site.signed_in("viewer@nhs.net")
    assert "Inspection report embargo" in signed_in.get("/calendar?month=2026-03").text

    observance = site.client.get("/observances/international-womens-day").text
    assert '<th scope="col">Communication freeze</th>' in observance
    assert "Mayoral election pre-election period: Mayoral election (" in observance

    check = site.client.get("/clashes?date=2026-03-09").text
    assert "Mayoral election pre-election period: Mayoral election" in check
    clear = site.client.get("/clashes?date=2026-03-11").text
    assert "Communication freezes" not in clear


def test_the_freezes_api_lists_public_ones_and_admins_record_with_a_token(site: Site) -> None:
    record_election(site)
    record_embargo(site)
    public = site.client.get("/api/freezes").json()["freezes"]
    assert [f["reason"] for f in public] == ["Mayoral election"]
    assert public[0]["status"] == "in force" and public[0]["area"] == "Greater Manchester"
    admin = site.api_token("script@nhs.net", Role.ADMIN)
    editor = site.api_token("editor@nhs.net", Role.EDITOR)
    every = site.client.get("/api/freezes", headers={"Authorization": f"Bearer {admin}"})
    assert [f["reason"] for f in every.json()["freezes"]] == [
        "Mayoral election",
        "Inspection report embargo",
    ]
    body = {
        "kind": "general-election",
        "reason": "General election",
        "polling_day": "2026-10-22",
    }
    refused = site.client.post(
        "/api/freezes", json=body, headers={"Authorization": f"Bearer {editor}"}
    )
    assert refused.status_code == 403
    made = site.client.post("/api/freezes", json=body, headers={"Authorization": f"Bearer {admin}"})
    assert made.status_code == 201, made.text
    # Parliament dissolves 25 working days before Thursday 22 October 2026, counted back on a
    # calendar (no bank holiday anywhere in the UK between): Thursday 17 September.
    assert (made.json()["start"], made.json()["end"]) == ("2026-09-17", "2026-10-22")
    assert made.json()["created_by"] == "script@nhs.net"
    bad = site.client.post(
        "/api/freezes",
        json={"kind": "purdah", "reason": "x"},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert bad.status_code == 422 and bad.json()["detail"].startswith("body: kind:")
    twice = site.client.post(
        "/api/freezes", json=body, headers={"Authorization": f"Bearer {admin}"}
    )
    assert twice.status_code == 400 and "already recorded as freeze 3" in twice.json()["detail"]
    # The API speaks as the command does (the web form names its own fields instead).
    backwards = site.client.post(
        "/api/freezes",
        json={"kind": "organisation", "reason": "Survey", "from": "2026-03-20", "to": "2026-03-12"},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert backwards.status_code == 400
    assert backwards.json()["detail"] == (
        "the last day (--to) 2026-03-12 is before the first (--from) 2026-03-20"
    )
    ended = site.client.post(
        f"/api/freezes/{made.json()['id']}/end", headers={"Authorization": f"Bearer {admin}"}
    )
    assert ended.status_code == 200 and ended.json()["status"] == "cancelled"
    missing = site.client.post("/api/freezes/99/end", headers={"Authorization": f"Bearer {admin}"})
    assert missing.status_code == 404


def test_freezes_ics_follows_the_database_and_revalidates(site: Site) -> None:
    first = site.client.get("/feeds/freezes.ics")
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VEVENT" not in first.content
    tag = first.headers["etag"]
    assert site.client.get("/feeds/freezes.ics", headers={"If-None-Match": tag}).status_code == 304
    record_election(site)  # as `edicalendar freeze add` in another process would
    site.app.state.freeze_feed.check_seconds = 0
    second = site.client.get("/feeds/freezes.ics", headers={"If-None-Match": tag})
    assert second.status_code == 200 and second.headers["etag"] != tag
    assert b"SUMMARY:Freeze: Mayoral election" in second.content
    assert b"DTSTART;VALUE=DATE:20260302" in second.content
    assert b"DTEND;VALUE=DATE:20260311" in second.content
    head = site.client.head("/feeds/freezes.ics")
    assert head.status_code == 200 and head.content == b""
    assert site.client.post("/feeds/freezes.ics").status_code == 405
    # No choice or option applies to freezes: a query is refused, never the plain feed.
    asked = site.client.get("/feeds/freezes.ics?category=race")
    assert asked.status_code == 400 and asked.headers["content-type"].startswith("text/html")
    assert "freezes.ics takes no choices or options" in asked.text
    subscribe = site.client.get("/").text
    assert "https://calendar.example.nhs.uk/feeds/freezes.ics" in subscribe
    assert "webcal://calendar.example.nhs.uk/feeds/freezes.ics" in subscribe


def _held_reminders(site: Site, freeze_id: int, *spans: tuple[D, int]) -> list[str]:
    """Public reminders the bot held back under `freeze_id`, as the ledger records them: one
    per (day, hours it stays worth sending), planned together as one complete plan."""
    from edicalendar.reminders.claims import Settlement
    from edicalendar.reminders.delivery import DeliveryState
    from edicalendar.reminders.ledger import Ledger
    from edicalendar.reminders.messages import Message
    from support.builders import make_reminder

    now = site.clock()
    planned = [
        make_reminder(
            "iwd",
            day,
            "slack",
            now - dt.timedelta(minutes=5),
            now + dt.timedelta(hours=hours),
            Message("The blog goes live today", "body"),
        )
        for day, hours in spans
    ]
    ledger = Ledger(site.ctx.database)
    ledger.sync(planned, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1), now)
    claimed = ledger.claim(now, dt.timedelta(minutes=5), destination="slack")
    held = [
        Settlement(d, DeliveryState.HELD, now, "held", undo_attempt=True, held_by=freeze_id)
        for d in claimed
    ]
    ledger.settle_and_claim(held, None)
    assert {d.state for d in ledger.deliveries()} >= {DeliveryState.HELD}
    return [p.key for p in planned]


def test_ending_a_freeze_on_the_web_releases_or_expires_what_it_held_once(site: Site) -> None:
    """The admin form says how many held reminders go out and how many expired; the API
    answers with their keys; ending again releases nothing twice."""
    from edicalendar.reminders.ledger import DeliveryState, Ledger

    admin = site.signed_in(site.person("asha.khan@nhs.net", Role.ADMIN))
    first = record_election(site)
    timely, late = _held_reminders(site, first, (D(2026, 3, 5), 6), (D(2026, 3, 4), 1))
    site.clock.advance(hours=2)  # the second is past its not_after now
    page = admin.get("/freezes")
    ended = admin.post(
        f"/freezes/{first}/end", data={"csrf_token": form_csrf(page.text)}, follow_redirects=False
    )
    assert ended.status_code == 303
    assert (
        ended.headers["location"] == f"/freezes?ended={first}&released=1&expired=1#freeze-{first}"
    )
    shown = admin.get(ended.headers["location"]).text
    assert (
        "1 held reminder goes out on the bot&#39;s next tick; 1 expired: too late to send"
    ) in shown
    ledger = Ledger(site.ctx.database)
    assert ledger.get(timely).state is DeliveryState.PENDING  # type: ignore[union-attr]
    assert ledger.get(late).state is DeliveryState.EXPIRED  # type: ignore[union-attr]

    second = record_embargo(site)  # from 16 March: not yet in force, so cancelled when ended
    site.clock.set(dt.datetime(2026, 3, 16, 10, tzinfo=dt.UTC))
    (held,) = _held_reminders(site, second, (D(2026, 3, 16), 6))
    token = site.api_token("script@nhs.net", Role.ADMIN)
    answer = site.client.post(
        f"/api/freezes/{second}/end", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["released"], answer.json()["expired"]) == ([held], [])
    assert ledger.get(held).state is DeliveryState.PENDING  # type: ignore[union-attr]
    assert site.ctx.freezes().release_held().released == []
