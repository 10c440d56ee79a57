"""Welsh pages give in Welsh what the code writes from data fields (which convention a date
follows and what the others give, error messages), and keep English only for free text from the
data, marked `lang="en"`."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from edicalendar import i18n
from edicalendar.calendar.conventions import CONVENTIONS
from edicalendar.web import words
from edicalendar.web.render import error_text

#: Weekdays as Welsh short dates abbreviate them (Llun, Mawrth, Mercher...), typed here.
WELSH_WEEKDAYS = {"Mon": "Llun", "Tue": "Maw", "Wed": "Mer", "Thu": "Iau", "Fri": "Gwen"}
WELSH_WEEKDAYS |= {"Sat": "Sad", "Sun": "Sul"}
MOON_SIGHTING = r"UK moon sighting \(crescent visible from London\) gives (\w+) (\d+) \w+ (\d{4})"


def _notes(html: str) -> list[tuple[str, str]]:
    """(attributes, text) of each date note on a page."""
    return re.findall(r'<p class="note"([^>]*)>([^<]*)</p>', html)


def test_a_convention_note_is_in_welsh_on_a_welsh_page(client: TestClient) -> None:
    """Eid al-Fitr's note says in Welsh which calendar its dates follow and what UK moon
    sighting gives; the English page keeps the English sentence."""
    english = _notes(client.get("/observances/eid-al-fitr").text)
    welsh = _notes(client.get("/cy/observances/eid-al-fitr").text)
    assert english and len(english) == len(welsh)
    umm_al_qura = "Dates follow the Umm al-Qura calendar (Saudi Arabia)"
    assert all(t.startswith(umm_al_qura) for _, t in english)
    for attributes, text in welsh:
        assert 'lang="en"' not in attributes
        assert text.startswith("Mae’r dyddiadau’n dilyn calendr Umm al-Qura (Sawdi Arabia)")
        assert "Dates follow" not in text and " gives " not in text
    # Where UK moon sighting gives another day, the Welsh note gives it as a Welsh date.
    for (_, en), (_, cy) in zip(english, welsh, strict=True):
        other = re.search(MOON_SIGHTING, en)
        if other:
            weekday, day, year = other.groups()
            sighting = "mae gweld y lleuad yn y DU (y cilgant i’w weld o Lundain) yn rhoi"
            assert re.search(
                f"{re.escape(sighting)} {WELSH_WEEKDAYS[weekday]} {day} \\w+ {year}", cy
            )
        else:
            assert "yn rhoi’r un dyddiadau" in cy or "mae’r confensiynau eraill yn cytuno" in cy


def test_the_welsh_calendar_gives_convention_notes_in_welsh(client: TestClient) -> None:
    html = client.get("/cy/calendar?month=2026-03&view=agenda").text
    notes = _notes(html)
    assert notes, "March 2026 has Eid al-Fitr, whose dates have a note"
    assert all("Mae’r dyddiadau’n dilyn" in t for _, t in notes if "Umm al-Qura" in t)
    assert not [t for _, t in notes if "Dates follow" in t]


def test_every_convention_is_named_in_welsh() -> None:
    """Every convention a note can name is in the word list and has Welsh in the catalogue."""
    labels = {item.label for family in CONVENTIONS.values() for item in family}
    assert labels == set(words.CONVENTIONS)
    for label in labels:
        assert i18n.gettext(label, "cy") != label


def test_a_welsh_error_page_is_welsh_and_an_error_from_elsewhere_is_marked_english(
    client: TestClient,
) -> None:
    missing = client.get("/cy/observances/no-such-day")
    assert missing.status_code == 404
    assert "<p>Nid oes achlysur â’r enw hwnnw.</p>" in missing.text
    assert "There is no observance" not in missing.text
    english = client.get("/observances/no-such-day").text
    assert "<p>There is no observance with that name.</p>" in english
    view = client.get("/cy/calendar?view=grid")
    assert view.status_code == 400
    assert "nid yw &#39;grid&#39; yn olwg" in view.text
    # The date checks shared with the API are Welsh on a Welsh page...
    month = client.get("/cy/calendar?month=2026-13")
    assert month.status_code == 400
    assert "<p>month: nid yw &#39;2026-13&#39; yn fis; defnyddiwch BBBB-MM" in month.text
    assert "<h1>Gwiriwch yr hyn y gofynnoch amdano</h1>" in month.text
    # ...and so are the feed options' checks (on an event download here)...
    option = client.get("/cy/observances/international-womens-day/2026.ics?colour=red")
    assert option.status_code == 400
    assert (
        "<p>Mae camgymeriad yn y cyfeiriad hwnnw: nid yw &#39;colour&#39; yn baramedr ffrwd;"
        in option.text
    )
    # ...while a message the catalogue does not have stays English, marked so, under a Welsh
    # heading.
    token = i18n.language.set("cy")
    try:
        elsewhere = error_text(400, "The upstream calendar answered 'maybe'.")
    finally:
        i18n.language.reset(token)
    assert '<p lang="en">The upstream calendar answered &#39;maybe&#39;.</p>' in elsewhere
    assert "<h1>Gwiriwch yr hyn y gofynnoch amdano</h1>" in elsewhere
    assert "<h1>Gwiriwch yr hyn y gofynnoch amdano</h1>" in option.text


#: Welsh public bodies and organisers whose pages the shipped Welsh names come from (host names
#: typed here): the Welsh Government and its services, the Senedd, NHS Wales health boards,
#: councils, commissioners, and the organisers' own Welsh pages.
WELSH_SOURCES = {
    "senedd.cymru", "blog.senedd.cymru", "llyw.cymru", "businesswales.gov.wales",
    "www.gov.uk", "www.visitwales.com", "croeso.cymru", "www.sirgar.llyw.cymru",
    "einpobl.sirgar.llyw.cymru", "www.meiccymru.org", "www.mentalhealth.org.uk",
    "bipab.gig.cymru", "bipbc.gig.cymru", "www.bwrdddiogelugogleddcymru.cymru",
    "www.newport.gov.uk", "gwent.pcc.police.uk", "newyddioncaerdydd.co.uk",
    "www.gwynedd.llyw.cymru", "comisiynyddph.cymru", "timetochangewales.org.uk",
    "www.southwales.ac.uk",
}  # fmt: skip


def test_more_shipped_observances_have_welsh_names_from_welsh_public_bodies() -> None:
    from pathlib import Path
    from urllib.parse import urlsplit

    from edicalendar.calendar.catalog import load_catalog

    catalog = load_catalog(Path(__file__).resolve().parents[2] / "calendars")
    named = {o.id: o.name_cy for o in catalog.observances.values() if o.name_cy}
    assert named["mental-health-awareness-week"] == "Wythnos Ymwybyddiaeth Iechyd Meddwl"
    assert named["carers-week"] == "Wythnos Gofalwyr"
    assert named["remembrance-sunday"] == "Sul y Cofio"
    assert named["world-aids-day"] == "Diwrnod AIDS y Byd"
    # Time to Change Wales (the day's organiser in Wales), the Welsh Government's TermCymru,
    # the University of South Wales and Meic (the Welsh Government's helpline for young people).
    assert named["time-to-talk-day"] == "Diwrnod Amser i Siarad"
    assert named["international-day-of-persons-with-disabilities"] == (
        "Diwrnod Rhyngwladol Pobl Anabl"
    )
    assert named["uk-disability-history-month"] == "Mis Hanes Anabledd"
    assert named["diwali"] == "Diwali"
    assert len(named) >= 34
    hosts = {
        urlsplit(o.name_cy_source or "").hostname for o in catalog.observances.values() if o.name_cy
    }
    assert hosts <= WELSH_SOURCES, hosts - WELSH_SOURCES


def test_the_welsh_widget_is_welsh_and_links_to_welsh_pages(client: TestClient) -> None:
    """`/cy/embed/upcoming` says everything in Welsh (heading, dates, statuses, links), with
    English names marked as English, and its links lead to the Welsh pages."""
    html = client.get("/cy/embed/upcoming?n=20").text
    assert '<html lang="cy">' in html
    assert '<h1 id="widget-heading">I ddod</h1>' in html
    assert "Y calendr llawn" in html and "(mae’r dolenni’n agor mewn tab newydd)" in html
    assert "/cy/observances/international-womens-day" in html
    assert re.search(r'/cy/calendar" target="_blank"', html)
    assert re.search(r'lang="en">Yom Kippur</a>', html)
    assert "amcangyfrif ±1 diwrnod, yn dechrau’r noson cynt" in html  # Eid al-Fitr, 2026
    assert "estimated" not in html and "Full calendar" not in html
    english = client.get("/embed/upcoming?n=20").text
    assert '<html lang="en-GB">' in english and "Full calendar" in english
    assert "estimated ±1 day, begins the evening before" in english


def test_the_welsh_clash_table_says_how_and_how_sure_in_welsh(client: TestClient) -> None:
    """The table's words the code composes (on the day, rest from work, how sure) are Welsh on
    the Welsh page; sentences built from dates and conventions stay English, marked so; the
    English page and the API keep their words."""
    query = "date=2026-03-05&to=2026-03-25"
    html = client.get(f"/cy/clashes?{query}").text
    for welsh in (
        "<td>ar y diwrnod hwn</td>",
        ">O fachlud haul</td>",
        ">Ie</td>",
        '<span class="certainty certainty-confirmed">wedi’i gadarnhau</span>',
        '<span class="certainty certainty-expected">disgwyliedig</span>',
    ):
        assert welsh in html, welsh
    assert re.search(r'<td lang="en">may begin at sunset this evening \(expected', html)
    english = client.get(f"/clashes?{query}").text
    for said in ("<td>on this day</td>", ">From sunset</td>", ">Yes</td>", ">confirmed</span>"):
        assert said in english, said
    rows = client.get(f"/api/clashes?{query}").json()["clashes"]
    assert {r["label"] for r in rows} >= {"confirmed", "expected"}
    assert "on this day" in {r["what"] for r in rows}
