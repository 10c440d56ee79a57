"""Welsh and English: `/cy/...` and `?lang=cy` pages, the language switch and hreflang, Welsh
dates, Welsh observance names from the data (each with its source, English marked `lang="en"`
where none exists), Welsh feeds at their own addresses with the same UIDs, and a catalogue that
holds every message the templates and code use."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from edicalendar import i18n
from edicalendar.calendar.catalog import load_catalog
from edicalendar.errors import CatalogError
from edicalendar.model import CATEGORY_LABELS
from edicalendar.web import words
from support.ical_readers import PYTHON_READERS

from .conftest import WebEnv

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "src" / "edicalendar" / "locale" / "cy" / "LC_MESSAGES" / "messages.po"
#: Welsh pages of every public page type (the error page included).
WELSH_PAGES = [
    "/cy/",
    "/cy/calendar?month=2026-03",
    "/cy/calendar?month=2026-10&view=agenda",
    "/cy/observances/international-womens-day",
    "/cy/observances/yom-kippur",
    "/cy/clashes?date=2026-03-08",
    "/cy/search?q=eid",
    "/cy/accessibility",
    "/cy/about",
]
#: Month and weekday names as the Welsh Government's and the Senedd's own pages write dates
#: ("dydd Llun 1 Mawrth"), typed here, not read from Babel or CLDR.
WELSH_MONTHS = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
]
WELSH_WEEKDAYS = ["dydd Llun", "dydd Mawrth", "dydd Mercher", "dydd Iau", "dydd Gwener"]
WELSH_WEEKDAYS += ["dydd Sadwrn", "dydd Sul"]


class Page(HTMLParser):
    """The attributes of a page's elements and the text inside elements with a `lang`."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.mark.parametrize("path", WELSH_PAGES)
def test_welsh_pages_say_they_are_welsh(client: TestClient, path: str) -> None:
    """lang="cy" on <html>, hreflang alternates for both languages, and a switch to English
    that leads to the same page."""
    response = client.get(path)
    assert response.status_code == 200
    page = parse(response.text)
    assert page.all("html")[0]["lang"] == "cy"
    english = path.removeprefix("/cy") or "/"
    alternates = {a["hreflang"]: a["href"] for a in page.all("link") if a.get("rel") == "alternate"}
    base = "https://calendar.example.nhs.uk"
    assert alternates == {
        "en-GB": base + english,
        "cy": base + path,
        "x-default": base + english,
    }
    switch = [a for a in page.all("a") if a.get("hreflang") == "en"]
    assert switch == [{"hreflang": "en", "lang": "en", "href": english}]
    assert "Neidio i’r prif gynnwys" in response.text


def test_the_welsh_calendar_offers_the_printed_year_in_welsh(client: TestClient) -> None:
    """The print links are Welsh on a Welsh page and lead to the Welsh PDFs
    (tests/web/test_print_http.py reads those)."""
    welsh = client.get("/cy/calendar?month=2027-02&category=race").text
    assert "Argraffu’r flwyddyn 2027:" in welsh
    assert "Siart wal A3 (PDF)" in welsh and 'href="/cy/print/2027.pdf?category=race"' in welsh
    assert "llyfryn mis y dudalen (PDF)" in welsh and "yn Saesneg" not in welsh
    assert ", ar gyfer Hil" in welsh
    assert "Print the year" not in welsh
    english = client.get("/calendar?month=2027-02").text
    assert "Print the year 2027:" in english and "A3 wallchart (PDF)" in english


def test_english_pages_offer_welsh(client: TestClient) -> None:
    page = parse(client.get("/calendar?month=2026-03").text)
    assert page.all("html")[0]["lang"] == "en-GB"
    assert [a for a in page.all("a") if a.get("hreflang") == "cy"] == [
        {"hreflang": "cy", "lang": "cy", "href": "/cy/calendar?month=2026-03"}
    ]


def test_lang_query_gives_the_welsh_page(client: TestClient) -> None:
    """`?lang=cy` works as /cy/ does; its canonical address is the /cy/ one."""
    html = client.get("/calendar?month=2026-03&lang=cy").text
    page = parse(html)
    assert page.all("html")[0]["lang"] == "cy"
    canonical = [a["href"] for a in page.all("link") if a.get("rel") == "canonical"]
    assert canonical == ["https://calendar.example.nhs.uk/cy/calendar?month=2026-03"]
    assert parse(client.get("/calendar?lang=fr").text).all("html")[0]["lang"] == "en-GB"


def test_links_on_a_welsh_page_stay_welsh(client: TestClient) -> None:
    """Every link to one of the site's pages goes to its Welsh address; feeds, the API, files
    and the switch to English do not."""
    page = parse(client.get("/cy/calendar?month=2026-03").text)
    shared = ("/static/", "/feeds/", "/api/", "/docs", "/healthz", "/openapi.json")
    for attrs in page.all("a") + page.all("form"):
        target = attrs.get("href") or attrs.get("action") or ""
        if not target.startswith("/") or target.startswith(shared) or attrs.get("lang") == "en":
            continue
        assert target.startswith("/cy/"), target
    assert any((a.get("href") or "").startswith("/cy/observances/") for a in page.all("a"))


def test_redirects_from_a_welsh_page_stay_welsh(client: TestClient) -> None:
    response = client.get("/cy/licence", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/cy/about#licence"


def test_welsh_dates_against_an_independent_list() -> None:
    """1 March 2027 is a Monday (checked with the proleptic Gregorian ordinal, not a calendar
    library): "dydd Llun, 1 Mawrth 2027"; every month and weekday name matches Welsh usage."""
    day = dt.date(2027, 3, 1)
    assert day.toordinal() % 7 == 1  # ordinal 1 (1 January AD 1) was a Monday
    assert i18n.format_day(day, "full", "cy") == "dydd Llun, 1 Mawrth 2027"
    assert i18n.format_day(day, "long", "cy") == "1 Mawrth 2027"
    for month, name in enumerate(WELSH_MONTHS, 1):
        assert i18n.format_day(dt.date(2027, month, 15), "long", "cy") == f"15 {name} 2027"
    monday = dt.date(2027, 3, 1)
    for offset, name in enumerate(WELSH_WEEKDAYS):
        text = i18n.format_day(monday + dt.timedelta(days=offset), "full", "cy")
        assert text.startswith(f"{name}, ")
    assert [full for _abbr, full in i18n.weekday_names("cy")] == [
        w.replace("dydd", "Dydd") for w in WELSH_WEEKDAYS
    ]
    assert i18n.format_day(day, "full", "en") == "Monday 1 March 2027"


def test_welsh_calendar_page(client: TestClient) -> None:
    html = client.get("/cy/calendar?month=2026-03").text
    assert re.search(r"<h1[^>]*>Calendr: Mawrth 2026</h1>", html)
    assert '<abbr title="Dydd Llun">Llun</abbr>' in html
    # The observance with a published Welsh name shows it; the others are English, marked so.
    assert ">Diwrnod Rhyngwladol y Menywod</a>" in html
    assert "Mis Hanes Pobl Dduon" not in html  # October
    assert "<title>Calendr: Mawrth 2026 – Calendr ymwybyddiaeth" in html


def test_welsh_date_check_writes_the_day_in_welsh(client: TestClient) -> None:
    html = client.get("/cy/clashes?date=2026-03-08").text
    assert "Beth sy’n digwydd: dydd Sul, 8 Mawrth 2026" in html
    assert dt.date(2026, 3, 8).isoweekday() == 7


def test_observance_page_gives_the_welsh_name_and_its_source(client: TestClient) -> None:
    html = client.get("/cy/observances/black-history-month").text
    assert "<h1>Mis Hanes Pobl Dduon</h1>" in html
    assert "Ym mis Hydref, mae’r DU yn dathlu" in html  # description_cy
    assert 'href="https://blog.senedd.cymru/2016/09/30/mis-hanes-pobl-dduon-2016/"' in html


def test_an_observance_without_a_welsh_name_is_given_in_english_and_says_so(
    client: TestClient,
) -> None:
    html = client.get("/cy/observances/yom-kippur").text
    assert '<h1><span lang="en">Yom Kippur</span></h1>' in html
    assert "felly rhoddir yr enw Saesneg" in html
    assert re.search(r'<p lang="en">[^<]*Jewish', html) or 'lang="en">' in html


def test_welsh_subscribe_page_offers_welsh_feeds(client: TestClient) -> None:
    html = client.get("/cy/").text
    page = parse(html)
    addresses = [a["value"] for a in page.all("input") if (a.get("class") or "") == "url"]
    assert addresses and all(v and v.endswith("?lang=cy") for v in addresses if "freezes" not in v)
    assert "Calendr CAC: popeth" in html
    checked = [a for a in page.all("input") if a.get("name") == "lang" and "checked" in a]
    assert [a["value"] for a in checked] == ["cy"]


def test_english_subscribe_page_builds_a_welsh_feed_and_stays_english(client: TestClient) -> None:
    html = client.get("/?kind=all&lang=cy").text
    page = parse(html)
    assert page.all("html")[0]["lang"] == "en-GB"
    built = [a["value"] for a in page.all("input") if a.get("id") == "built-url"]
    assert built == ["https://calendar.example.nhs.uk/feeds/all.ics?lang=cy"]


def _uids(text: str) -> list[str]:
    return re.findall(r"^UID:(.*)\r$", text, flags=re.MULTILINE)


def test_welsh_feed_has_the_same_events_in_welsh(client: TestClient) -> None:
    english = client.get("/feeds/all.ics").content
    welsh = client.get("/feeds/all.ics?lang=cy").content
    assert _uids(english.decode()) == _uids(welsh.decode()) and _uids(english.decode())
    for name, read in PYTHON_READERS.items():
        seen_en = {e.uid: e for e in read(english)}
        seen_cy = {e.uid: e for e in read(welsh)}
        assert seen_en.keys() == seen_cy.keys(), name
        summaries = {e.summary for e in seen_cy.values()}
        assert "Diwrnod Rhyngwladol y Menywod" in summaries, name
        assert "Yom Kippur" in summaries, name  # no Welsh name published: English
        for uid, event in seen_cy.items():
            assert (event.start, event.end) == (seen_en[uid].start, seen_en[uid].end), name
    text = welsh.decode()
    assert "X-WR-CALNAME:Calendr CAC: popeth\r\n" in text
    assert "Dyddiad wedi’i gadarnhau." in text
    assert "CATEGORIES:Rhyw\r\n" in text


def test_a_bad_feed_language_is_refused(client: TestClient) -> None:
    response = client.get("/feeds/all.ics?lang=fr")
    assert response.status_code == 400
    assert "lang" in response.text and "lang=cy" in response.text


def test_welsh_name_needs_its_source(web_env: WebEnv, tmp_path: Path) -> None:
    """A Welsh name without the page that publishes it is refused, naming the field."""
    folder = tmp_path / "cal"
    folder.mkdir()
    (folder / "x.toml").write_text(
        '[[observance]]\nid = "x-day"\nname = "X Day"\nname_cy = "Diwrnod X"\n'
        'categories = ["general_edi"]\nrule = { kind = "fixed", month = 1, day = 2 }\n'
        'description = "A day."\nsources = ["https://example.org/"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder)
    assert "name_cy needs name_cy_source" in str(caught.value)
    assert "x.toml" in str(caught.value)


def test_shipped_welsh_names_have_sources() -> None:
    catalog = load_catalog(ROOT / "calendars")
    named = {o.id: o for o in catalog.observances.values() if o.name_cy}
    assert {"holocaust-memorial-day", "international-womens-day", "black-history-month"} <= set(
        named
    )
    assert named["lgbt-history-month"].name_cy == "Mis Hanes LHDTC+"
    for observance in named.values():
        assert observance.name_cy_source and observance.name_cy_source.startswith("https://")


def test_every_message_in_the_code_is_in_the_welsh_catalogue() -> None:
    """What `pybabel extract -F babel.cfg` finds is all in messages.po, translated; nothing in
    the catalogue is left over from text that is gone."""
    # The same mapping `pybabel extract -F babel.cfg` reads (docs/welsh.md).
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options = parse_mapping_cfg(handle)
    assert ("src/edicalendar/calendar/expansion.py", "python") in method_map
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    extracted = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        extracted.add(message if isinstance(message, str) else message[0])
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    translated = {}
    for entry in catalog:
        if entry.id:
            key = entry.id if isinstance(entry.id, str) else entry.id[0]
            strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            translated[key] = all(strings)
    assert len(extracted) > 200
    assert sorted(extracted - translated.keys()) == []
    assert sorted(k for k, ok in translated.items() if not ok) == []
    assert sorted(translated.keys() - extracted) == []


def test_data_labels_are_in_the_word_list() -> None:
    """Every category label the data can show is marked for translation (web.words)."""
    assert set(CATEGORY_LABELS.values()) == set(words.CATEGORIES)
    for label in CATEGORY_LABELS.values():
        assert i18n.gettext(label, "cy") != label


def test_catalogue_is_read_from_the_installed_package() -> None:
    """The .po ships inside the package and is compiled when first used: no build step."""
    from importlib import resources

    assert (resources.files("edicalendar") / "locale/cy/LC_MESSAGES/messages.po").is_file()
    assert i18n.gettext("Skip to main content", "cy") == "Neidio i’r prif gynnwys"
    assert i18n.ngettext("±%(num)d day", "±%(num)d days", 2, "cy") == "±%(num)d diwrnod"
