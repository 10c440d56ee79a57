"""The comms team's pages over HTTP: the planning view by month and quarter (past years a click
away, gaps, overdue, the jump-to-date form), one year of a campaign at the address reminders
link to, the action forms (publish with a link, give work away, comment), the plan as CSV and
Excel, and "My work" with its deadlines feed on a secret address."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest

from edicalendar.calendar.freezes import FreezeKind
from edicalendar.model import Role
from edicalendar.reminders.freeze_book import FreezeRequest
from support.forms import form_fields, post_form, with_fields
from support.ical_readers import read_icalendar, read_vobject

from .conftest import Site

TABLE: dict[str, Any] = {
    "id": "eid-2026",
    "title": "Eid al-Fitr greeting",
    "observance": "eid-al-fitr",
    "years": [2026],
    "owners": [{"name": "Asha.Khan", "email": "asha.khan@nhs.net"}],
    "assets": [{"id": "greeting", "kind": "social", "title": "Eid Mubarak", "publish": "start"}],
    "tasks": [{"id": "guidance", "name": "Guidance for managers", "due": "-14d"}],
    "lead_time_destinations": ["console"],
}


@pytest.fixture
def editor(site: Site) -> Any:
    site.person("asha.khan@nhs.net", Role.EDITOR)
    site.ctx.campaigns().create(dict(TABLE), by="asha.khan@nhs.net")
    return site.signed_in("asha.khan@nhs.net")


def test_the_plan_by_quarter_and_by_month(editor: Any) -> None:
    """5 March 2026 is in January-March; Eid al-Fitr 2026 (Friday 20 March, estimated ±1 day,
    begins the evening before) has a campaign; the IWD guest session's tasks are overdue."""
    quarter = editor.get("/campaigns").text
    assert "January to March 2026" in quarter
    assert 'href="/campaigns?view=quarter&amp;period=2025-Q4"' in quarter
    assert 'href="/campaigns?view=quarter&amp;period=2026-Q2"' in quarter
    overdue = quarter[quarter.index('id="overdue"') : quarter.index('id="due"')]
    assert "Book the guest speaker" in overdue and "Book a room and a Teams link" in overdue
    campaigns = quarter[quarter.index('id="campaigns"') : quarter.index('id="gaps"')]
    assert "Eid al-Fitr greeting" in campaigns and "International Women" in campaigns
    assert "estimated ±1 day" in campaigns and "begins the evening before" in campaigns
    # Guidance for managers 14 days before 20 March: Friday 6 March, tied to the moon.
    due = quarter[quarter.index('id="due"') : quarter.index('id="campaigns"')]
    row = due[due.index('<time datetime="2026-03-06">') :].split("</tr>", 1)[0]
    assert "depends on the moon sighting" in row and "Guidance for managers" in row
    month = editor.get("/campaigns?view=month&period=2026-10").text
    assert "October 2026" in month and "period=2026-09" in month
    gaps = month[month.index('id="gaps"') :]
    assert "Black History Month" in gaps
    assert 'href="/campaigns/new?observance=black-history-month"' in gaps


def test_past_years_stay_visible(editor: Any) -> None:
    """A recurring campaign's earlier years are one click away, from the plan and its page."""
    old = editor.get("/campaigns?view=quarter&period=2021-Q1").text
    assert "January to March 2021" in old and "/campaigns/iwd-guest-session/2021" in old
    page = editor.get("/campaigns/iwd-guest-session").text
    years = re.findall(r'href="/campaigns/iwd-guest-session/(\d{4})"', page)
    assert years[:3] == ["2025", "2026", "2027"]
    earlier = editor.get("/campaigns/iwd-guest-session/2019")
    assert earlier.status_code == 200 and "Fri 8 Mar 2019" in earlier.text


def test_the_jump_to_date_form_uses_three_fields_and_says_what_is_wrong(editor: Any) -> None:
    jumped = editor.get("/campaigns?view=month&jump-day=27&jump-month=3&jump-year=2021")
    assert jumped.status_code == 200 and '<p class="lead">March 2021</p>' in jumped.text
    wrong = editor.get("/campaigns?view=month&jump-day=31&jump-month=2&jump-year=2021")
    assert wrong.status_code == 400
    assert '<a href="#jump">The date must be a real date, such as 27 3 2026</a>' in wrong.text
    assert 'value="31"' in wrong.text
    assert editor.get("/campaigns?period=2026-13").status_code == 400


def test_the_year_page_is_where_reminders_link_to(editor: Any) -> None:
    page = editor.get("/campaigns/eid-2026/2026")
    assert page.status_code == 200
    assert "Eid al-Fitr greeting 2026" in page.text and "Guidance for managers" in page.text
    assert editor.get("/campaigns/eid-2026/2031").status_code == 404
    assert editor.get("/campaigns/eid-2026/not-a-year").status_code == 404


def test_publishing_giving_away_and_commenting_from_the_page(site: Site, editor: Any) -> None:
    page = editor.get("/campaigns/eid-2026/2026").text
    statuses = re.findall(
        r'<option value="([a-z-]+)"', page.split('name="status"', 1)[1].split("</select>")[0]
    )
    assert statuses == ["planned", "drafting", "in-review", "approved", "published"]
    fields = form_fields(page, "/campaigns/eid-2026/asset")
    review = post_form(
        editor,
        "/campaigns/eid-2026/asset",
        with_fields(fields, {"status": "in-review"}),
        follow_redirects=False,
    )
    assert review.status_code == 303
    no_link = post_form(
        editor, "/campaigns/eid-2026/asset", with_fields(fields, {"status": "published"})
    )
    assert no_link.status_code == 400 and "give the link where it was published" in no_link.text
    published = post_form(
        editor,
        "/campaigns/eid-2026/asset",
        with_fields(fields, {"status": "published", "url": "https://intranet.example.nhs.uk/eid"}),
        follow_redirects=False,
    )
    assert published.headers["location"] == "/campaigns/eid-2026/2026#asset-2026-greeting"
    site.person("ben.okafor@nhs.net", Role.EDITOR)
    give = form_fields(editor.get("/campaigns/eid-2026/2026").text, "/campaigns/eid-2026/reassign")
    moved = post_form(
        editor,
        "/campaigns/eid-2026/reassign",
        with_fields(give, {"owner": "person:ben.okafor@nhs.net"}),
        follow_redirects=False,
    )
    assert moved.status_code == 303
    comment = form_fields(
        editor.get("/campaigns/eid-2026/2026").text, "/campaigns/eid-2026/comments"
    )
    said = post_form(
        editor,
        "/campaigns/eid-2026/comments",
        with_fields(comment, {"text": "Check with the <b>mosque</b> first"}),
        follow_redirects=False,
    )
    assert said.headers["location"] == "/campaigns/eid-2026/2026#comments"
    after = editor.get("/campaigns/eid-2026/2026").text
    assert '<a href="https://intranet.example.nhs.uk/eid">Eid Mubarak</a>' in after
    assert "Check with the &lt;b&gt;mosque&lt;/b&gt; first" in after
    assert "gave the task &#39;Guidance for managers&#39; to Ben.Okafor" in after
    ben = site.signed_in("ben.okafor@nhs.net").get("/my-work").text
    assert "Guidance for managers" in ben


def test_the_plan_downloads_for_spreadsheets(editor: Any, site: Site) -> None:
    from openpyxl import load_workbook

    # Text a spreadsheet could mistake for something else, all of it valid in a campaign: an
    # ampersand, a minus sign and a plus inside the title, quotes and a comma.
    site.ctx.campaigns().create(
        {**TABLE, "id": "quoted", "title": 'Staff & allies: "Eid, together" - 1+1 events'}, by="t"
    )
    csv_text = editor.get("/campaigns/plan.csv?year=2026")
    assert csv_text.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="campaign-plan-2026.csv"' in csv_text.headers["content-disposition"]
    lines = csv_text.text.splitlines()
    assert lines[0].startswith("campaign,title,instance,observance,observance_start")
    assert lines[0].endswith(
        ",url,freeze,nearest_open_date,observance_status,may_vary_days,begins_evening_before,source"
    )
    assert any(
        line.startswith("eid-2026,Eid al-Fitr greeting,2026,eid-al-fitr,2026-03-20")
        for line in lines
    )
    # Written as RFC 4180 quoting says, and read back to the same text.
    assert any(',"Staff & allies: ""Eid, together"" - 1+1 events",' in line for line in lines)
    read = list(csv.DictReader(io.StringIO(csv_text.text)))
    assert {r["title"] for r in read if r["campaign"] == "quoted"} == {
        'Staff & allies: "Eid, together" - 1+1 events'
    }
    workbook = load_workbook(io.BytesIO(editor.get("/campaigns/plan.xlsx?year=2026").content))
    sheet = workbook["Plan"]
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    eid = [r for r in rows if r["campaign"] == "eid-2026"]
    assert {r["item_id"]: r["date"] for r in eid} == {
        "guidance": dt.datetime(2026, 3, 6),
        "greeting": dt.datetime(2026, 3, 20),
    }
    assert {r["observance_status"] for r in eid} == {"estimated"}
    quoted = next(r for r in rows if r["campaign"] == "quoted")
    assert quoted["title"] == 'Staff & allies: "Eid, together" - 1+1 events'
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_my_work_and_the_deadlines_feed(site: Site, editor: Any) -> None:
    page = editor.get("/my-work").text
    assert "Guidance for managers" in page and "Eid Mubarak" in page
    assert "Book the guest speaker" not in page  # the women's network chair's, not Asha's
    fields = form_fields(page, "/my-work/feed", "new")
    made = post_form(editor, "/my-work/feed", fields)
    found = re.search(
        r'value="(https://calendar\.example\.nhs\.uk/deadlines/edf_[^"]+\.ics)"', made.text
    )
    assert found, made.text
    address = found.group(1).removeprefix("https://calendar.example.nhs.uk")
    feed = site.client.get(address)  # no sign-in: the address is the key
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.headers["cache-control"] == "private, max-age=900"
    for reader in (read_icalendar, read_vobject):
        events = {e.summary: (e.start, e.all_day) for e in reader(feed.content)}
        assert events == {
            "Due: Guidance for managers (Eid al-Fitr greeting)": (dt.date(2026, 3, 6), True),
            "Publish: Eid Mubarak": (dt.date(2026, 3, 20), True),
        }
    again = site.client.get(address, headers={"If-None-Match": feed.headers["etag"]})
    assert again.status_code == 304
    # A new address stops the old one.
    post_form(
        editor, "/my-work/feed", form_fields(editor.get("/my-work").text, "/my-work/feed", "new")
    )
    assert site.client.get(address).status_code == 404
    assert site.client.get("/deadlines/edf_guess.ics").status_code == 404


def test_work_inside_a_freeze_is_flagged_on_every_campaign_page(site: Site, editor: Any) -> None:
    """A pre-election period over Eid al-Fitr 2026 (20 March, a Friday): the notice is on the
    plan, the campaign, its year and My work; the public greeting is flagged with the nearest
    open day (Monday 23 March: 3 days after, against 5 days back to Sunday 15 March), and the
    staff guidance task (not public) is not. The API and the spreadsheet say the same."""
    site.ctx.freezes().add(
        FreezeRequest(
            FreezeKind.MAYORAL_ELECTION,
            "Mayoral election",
            start=dt.date(2026, 3, 16),
            end=dt.date(2026, 3, 22),
            area="Greater Manchester",
        ),
        by="tests",
    )
    message = (
        "Inside the mayoral election pre-election period (Mon 16 Mar 2026 to Sun 22 Mar 2026): "
        "hold or move; nearest open date Mon 23 Mar 2026."
    )
    for address in ("/campaigns?period=2026-Q1", "/campaigns/eid-2026", "/campaigns/eid-2026/2026",
                    "/my-work"):  # fmt: skip
        html = editor.get(address).text
        assert "Communication freezes" in html, address
        assert "Mayoral election pre-election period: Mayoral election" in html, address
        flags = re.findall(r'<p class="freeze-flag">(.*?)</p>', html)
        assert [re.sub(r"<[^>]+>", "", f) for f in flags] == [f"freeze {message}"], address
    row = editor.get("/campaigns/eid-2026/2026").text.split('id="asset-2026-greeting"')[1]
    assert "freeze-flag" in row.split("</tr>")[0]
    plan = editor.get("/api/campaigns?from=2026-03-01&to=2026-03-31").json()
    eid = next(c for c in plan["campaigns"] if c["campaign"] == "eid-2026")
    assert eid["assets"][0]["freeze"]["nearest_open_date"] == "2026-03-23"
    assert eid["tasks"][0]["freeze"] is None
    read = list(csv.DictReader(io.StringIO(editor.get("/campaigns/plan.csv?year=2026").text)))
    cells = {(r["item_id"], r["freeze"], r["nearest_open_date"]) for r in read}
    assert ("guidance", "", "") in cells
    assert ("greeting", message[0].lower() + message[1:-1], "2026-03-23") in cells
