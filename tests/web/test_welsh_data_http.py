"""Welsh pages give in Welsh what the code writes from data fields (which convention a date
follows and what the others give, error messages), and keep English only for free text from the
data, marked `lang="en"`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edicalendar import i18n
from edicalendar.calendar.conventions import CONVENTIONS
from edicalendar.context import AppContext
from edicalendar.web import create_app, words
from edicalendar.web.render import error_text
from support.net import LOCAL_BASE_URL

CALENDARS = Path(__file__).resolve().parents[2] / "calendars"

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
    """The table's words the code composes (on the day, rest from work, how sure, and the
    sentences built from dates and conventions) are Welsh on the Welsh page, with no
    `lang="en"` on them; the English page and the API keep their words."""
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
    eve = "gall ddechrau ar fachlud haul heno (disgwylir o noswaith Iau 19 Maw 2026 yn ôl"
    assert f"<td>{eve} calendr Umm al-Qura, ±1 diwrnod)</td>" in html
    assert '<td lang="en">' not in html and "sunset" not in html
    english = client.get(f"/clashes?{query}").text
    for said in ("<td>on this day</td>", ">From sunset</td>", ">Yes</td>", ">confirmed</span>"):
        assert said in english, said
    assert (
        "<td>may begin at sunset this evening (expected from the evening of Thu 19 Mar 2026 by"
        " the Umm al-Qura calendar, ±1 day)</td>"
    ) in english
    rows = client.get(f"/api/clashes?{query}").json()["clashes"]
    assert {r["label"] for r in rows} >= {"confirmed", "expected"}
    assert "on this day" in {r["what"] for r in rows}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., TestClient]]:
    """A client on the shipped calendars for a nation, with optional calendars switched on."""
    made: dict[tuple[str, tuple[str, ...]], TestClient] = {}
    with ExitStack() as stack:

        def client_for(nation: str = "england-and-wales", *enabled: str) -> TestClient:
            if (nation, enabled) not in made:
                root = tmp_path_factory.mktemp("shipped")
                (root / "campaigns").mkdir()
                config = root / "edicalendar.toml"
                config.write_text(
                    f'nation = "{nation}"\n\n[data]\ncalendars_dir = {json.dumps(str(CALENDARS))}'
                    '\ncampaigns_dir = "campaigns"\ndata_dir = "state"\n\n[calendars]\n'
                    f"enabled = {json.dumps(list(enabled))}\n",
                    encoding="utf-8",
                )
                app = create_app(AppContext(config_path=config), watch_interval=None)
                made[nation, enabled] = stack.enter_context(
                    TestClient(app, base_url=LOCAL_BASE_URL)
                )
            return made[nation, enabled]

        yield client_for


def _clash_cells(html: str) -> list[str]:
    """The "On this day" cell of each row of the clash table, as HTML."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.findall(r"<td[^>]*>(.*?)</td>", row)[1] for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


#: English words of the clash table's sentences, none of which a Welsh page may show unmarked.
CLASH_ENGLISH = re.compile(
    r"\b(expected|evening|sunset|may|possible|days?|runs|calendar|bank holiday|gives?)\b", re.I
)


def _no_unmarked_english(html: str) -> None:
    for cell in _clash_cells(html):
        assert not cell.startswith('<span lang="en">'), cell
        assert not CLASH_ENGLISH.search(re.sub(r'<span lang="en">.*?</span>', "", cell)), cell
    assert '<td lang="en">' not in html


@pytest.mark.parametrize(
    ("day", "welsh", "how_sure", "english"),
    [
        (  # the evening before Eid al-Fitr may be, by the margin of its estimated date
            "2027-03-07",
            "gall ddechrau ar fachlud haul heno (disgwylir o noswaith Llun 8 Maw 2027 yn ôl "
            "calendr Umm al-Qura, ±1 diwrnod)",
            "posibl (±1 diwrnod)",
            "may begin at sunset this evening (expected from the evening of Mon 8 Mar 2027 by "
            "the Umm al-Qura calendar, ±1 day)",
        ),
        (  # the day before Eid: it may fall on the day, and is expected to begin that evening
            "2027-03-08",
            "gall fod ar y diwrnod hwn (disgwylir ar Maw 9 Maw 2027 yn ôl calendr Umm al-Qura, "
            "±1 diwrnod); disgwylir iddo ddechrau ar fachlud haul heno",
            "posibl (±1 diwrnod)",
            "may fall on this day (expected Tue 9 Mar 2027 by the Umm al-Qura calendar, ±1 day); "
            "expected to begin at sunset this evening",
        ),
        (  # the day after: UK moon sighting gives it
            "2027-03-10",
            "gall fod ar y diwrnod hwn (disgwylir ar Maw 9 Maw 2027 yn ôl calendr Umm al-Qura, "
            "±1 diwrnod); mae gweld y lleuad yn y DU yn rhoi’r dyddiad hwn",
            "posibl (±1 diwrnod)",
            "may fall on this day (expected Tue 9 Mar 2027 by the Umm al-Qura calendar, ±1 day); "
            "the UK moon sighting gives this date",
        ),
        (  # Ramadan 2027's last expected day is 8 March: the 9th is possible
            "2027-03-09",
            "gall fod ar y diwrnod hwn (disgwylir ar Lun 8 Chwef 2027 – Llun 8 Maw 2027 yn ôl "
            "calendr Umm al-Qura, ±1 diwrnod); mae gweld y lleuad yn y DU yn rhoi’r dyddiad hwn",
            "posibl (±1 diwrnod)",
            "may fall on this day (expected Mon 8 Feb 2027 – Mon 8 Mar 2027 by the Umm al-Qura "
            "calendar, ±1 day); the UK moon sighting gives this date",
        ),
        (  # Vesak by full moon in May, and two other traditions' dates
            "2026-05-31",
            "gall fod ar y diwrnod hwn (disgwylir ar Gwen 1 Mai 2026 yn ôl lleuad lawn mis Mai, "
            "±2 diwrnod); mae Singapôr a Malaysia a Gwlad Thai yn rhoi’r dyddiad hwn",
            "posibl (Singapôr a Malaysia)",
            "may fall on this day (expected Fri 1 May 2026 by the full moon in May, ±2 days); the "
            "Singapore and Malaysia and the Thailand give this date",
        ),
        (  # Boxing Day 2026 is a Saturday: the Monday is its substitute day
            "2026-12-28",
            "gŵyl banc yng Nghymru a Lloegr",
            "wedi’i gadarnhau",
            "bank holiday in England and Wales",
        ),
    ],
)
def test_the_welsh_clash_check_says_its_sentences_in_welsh(
    shipped: Callable[..., TestClient], day: str, welsh: str, how_sure: str, english: str
) -> None:
    """Eves, possible days, other conventions' dates and bank holidays, in the words of the
    catalogue and with Welsh dates; none of it marked English. The English page and the API
    give the English sentences they always have."""
    client = shipped()
    html = client.get(f"/cy/clashes?date={day}").text
    assert f"<td>{welsh}</td>" in html
    assert f'">{how_sure}</span></td>' in html
    _no_unmarked_english(html)
    assert f"<td>{english}</td>" in client.get(f"/clashes?date={day}").text
    rows = client.get(f"/api/clashes?date={day}").json()["clashes"]
    assert english in {r["what"] for r in rows}


def test_the_welsh_clash_check_names_bank_holidays_in_welsh(
    shipped: Callable[..., TestClient],
) -> None:
    """A bank holiday row is named with the Welsh name the data gives the holiday (though its
    calendar is off); where the data has none (Scotland's) the name is English, marked so."""
    html = shipped().get("/cy/clashes?date=2026-12-28").text
    assert "<span>Gŵyl banc: Dydd San Steffan (diwrnod amgen)</span>" in html
    assert "Bank holiday" not in html
    english = shipped().get("/clashes?date=2026-12-28").text
    assert "<span>Bank holiday: Boxing Day (substitute day)</span>" in english
    scotland = shipped("scotland").get("/cy/clashes?date=2026-11-30").text
    assert '<span>Gŵyl banc: <span lang="en">Saint Andrew&#39;s Day</span></span>' in scotland
    assert "<td>gŵyl banc yn yr Alban</td>" in scotland
    _no_unmarked_english(scotland)
    ireland = shipped("northern-ireland").get("/cy/clashes?date=2027-03-17").text
    assert "<td>gŵyl banc yng Ngogledd Iwerddon</td>" in ireland
    # With the nation's bank-holiday calendar on, the row is that calendar's observance.
    on = shipped("england-and-wales", "bank-holidays-england-and-wales")
    html = on.get("/cy/clashes?date=2026-12-28").text
    assert ">Dydd San Steffan</a></th>\n    <td>gŵyl banc yng Nghymru a Lloegr</td>" in html


def test_the_welsh_clash_check_summarises_long_observances_in_welsh(
    shipped: Callable[..., TestClient],
) -> None:
    """Over a range, a month, Ramadan or Navaratri is one row: its days, its dates, the days it
    may also fall on and the evening it may begin, in Welsh."""
    client = shipped()
    october = client.get("/cy/clashes?date=2026-10-01&to=2026-10-31").text
    assert (
        "Mis Hanes Pobl Dduon</a></th>\n    <td>pob un o’r 31 diwrnod (yn rhedeg Iau 1 Hyd 2026 – "
        "Sad 31 Hyd 2026)</td>"
    ) in october
    assert (
        "<td>pob un o’r 9 diwrnod (yn rhedeg Sul 11 Hyd 2026 – Llun 19 Hyd 2026); gall hefyd fod "
        "ar Sad 10 Hyd 2026 – Maw 20 Hyd 2026 (±1 diwrnod); gall ddechrau ar fachlud haul ar "
        "noswaith Gwen 9 Hyd 2026 (disgwylir o noswaith Sad 10 Hyd 2026, ±1 diwrnod)</td>"
    ) in october  # Navaratri (Sharad)
    _no_unmarked_english(october)
    english = client.get("/clashes?date=2026-10-01&to=2026-10-31").text
    assert (
        "<td>all 9 days (runs Sun 11 Oct 2026 – Mon 19 Oct 2026); may also fall on Sat 10 Oct "
        "2026 – Tue 20 Oct 2026 (±1 day); may begin at sunset on the evening of Fri 9 Oct 2026 "
        "(expected from the evening of Sat 10 Oct 2026, ±1 day)</td>"
    ) in english
    march = client.get("/cy/clashes?date=2027-03-01&to=2027-03-09").text
    assert (
        "<td>diwrnodau 22–29 o 29 (yn rhedeg Llun 8 Chwef 2027 – Llun 8 Maw 2027); gall hefyd fod "
        "ar Maw 9 Maw 2027 (±1 diwrnod)</td>"
    ) in march  # Ramadan
    _no_unmarked_english(march)
    inside = client.get("/cy/clashes?date=2027-02-20").text
    assert "<td>diwrnod 13 o 29</td>" in inside  # a day inside Ramadan


def test_a_note_from_the_data_stays_english_inside_a_welsh_sentence(
    shipped: Callable[..., TestClient],
) -> None:
    """Yom HaShoah 2028 is kept on the Monday; on its calendar date the Welsh sentence keeps
    the data's English note, marked `lang="en"`, inside it."""
    html = shipped().get("/cy/clashes?date=2028-04-23").text
    assert (
        '<td>ei ddyddiad calendr. <span lang="en">The date falls on Sunday 23 April 2028; it is '
        "kept on Monday 24 April 2028: Yom HaShoah is moved so that it does not fall next to "
        "Shabbat</span>; disgwylir iddo ddechrau ar fachlud haul heno</td>"
    ) in html
    assert '">posibl (y dyddiad calendr)</span></td>' in html
    _no_unmarked_english(html)
