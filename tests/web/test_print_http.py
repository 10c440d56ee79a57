"""`/print/YEAR.pdf`: the wallchart and booklet from the web server, read back with pypdf,
poppler and zbar; caching headers, and a 400 for every query it cannot take."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edicalendar.context import AppContext
from edicalendar.web import create_app
from support import pdfs
from support.clock import Clock
from support.paths import REPO_ROOT

BASE = "https://calendar.example.nhs.uk"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    root = tmp_path_factory.mktemp("print")
    (root / "campaigns").mkdir()
    config = root / "edicalendar.toml"
    config.write_text(
        f'[data]\ncalendars_dir = "{REPO_ROOT / "calendars"}"\n'
        f'campaigns_dir = "{root / "campaigns"}"\ndata_dir = "{root / "state"}"\n\n'
        f'[feeds]\nbase_url = "{BASE}"\norganisation = "Example NHS Foundation Trust"\n',
        encoding="utf-8",
    )
    now = Clock(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    app = create_app(AppContext(config_path=config, now=now), watch_interval=None)
    return TestClient(app, base_url=BASE)


def test_the_wallchart_is_one_a3_page_with_the_organisation_and_key(
    client: TestClient, tmp_path: Path
) -> None:
    response = client.get("/print/2027.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'inline; filename="edi-calendar-2027-wallchart.pdf"'
    )
    assert "max-age" in response.headers["cache-control"]
    sizes = pdfs.page_sizes(response.content)
    assert sizes == [pytest.approx((1190.55, 841.89), abs=0.01)]
    text = pdfs.text(response.content)
    assert "Example NHS Foundation Trust" in text
    assert "Dates marked estimated may move" in text
    assert "Dates as of 1 December 2026" in text
    image = pdfs.page_images(response.content, tmp_path)[0]
    assert pdfs.qr_codes(image) == [BASE + "/"]


def test_the_same_pdf_again_answers_304(client: TestClient) -> None:
    first = client.get("/print/2027.pdf")
    again = client.get("/print/2027.pdf", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get("/print/2027.pdf").content == first.content


def test_the_booklet_and_a_category_filter(client: TestClient) -> None:
    response = client.get("/print/2027.pdf?layout=booklet&category=religion_belief")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'inline; filename="edi-calendar-2027-booklet-religion-belief.pdf"'
    )
    sizes = pdfs.page_sizes(response.content)
    assert len(sizes) == 12
    assert all(s == pytest.approx((841.89, 595.28), abs=0.01) for s in sizes)
    text = pdfs.text(response.content)
    assert "Religion or belief" in text
    assert "Diwali" in text and "International Women's Day" not in text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/print/20x7.pdf", "year: '20x7' is not a year"),
        ("/print/1200.pdf", "year: 1200 is outside the years the calendar computes"),
        ("/print/2027.pdf?layout=poster", "layout: 'poster' is not a layout"),
        ("/print/2027.pdf?category=nope", "category: 'nope' is not a category"),
        ("/print/2027.pdf?colour=1", "'colour' is not an option here"),
    ],
)
def test_bad_addresses_answer_400_saying_why(client: TestClient, path: str, message: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'")


def test_the_calendar_page_links_to_the_printed_calendars(client: TestClient) -> None:
    page = client.get("/calendar?month=2027-02&category=race").text
    assert 'href="/print/2027.pdf?category=race"' in page
    assert 'href="/print/2027.pdf?layout=booklet&amp;category=race"' in page


def test_the_welsh_site_prints_in_welsh(client: TestClient, tmp_path: Path) -> None:
    """/cy/print/YEAR.pdf and ?lang=cy give the same Welsh PDF, whose QR code leads to the
    Welsh subscribe page."""
    response = client.get("/cy/print/2027.pdf")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        'inline; filename="edi-calendar-2027-wallchart-cy.pdf"'
    )
    text = pdfs.text(response.content)
    assert "Allwedd" in text and "Dyddiadau fel yr oeddent ar 1 Rhagfyr 2026" in text
    assert "Diwrnod Rhyngwladol y Menywod" in text and "Hydref" in text
    assert "Dates as of" not in text and "International Women's Day" not in text
    image = pdfs.page_images(response.content, tmp_path)[0]
    assert pdfs.qr_codes(image) == [BASE + "/cy/"]
    assert client.get("/print/2027.pdf?lang=cy").content == response.content
    booklet = client.get("/cy/print/2027.pdf?layout=booklet&category=race")
    assert booklet.headers["content-disposition"] == (
        'inline; filename="edi-calendar-2027-booklet-race-cy.pdf"'
    )
    assert "Hil" in pdfs.text(booklet.content, 10) and "Mis Hanes Pobl Dduon" in pdfs.text(
        booklet.content, 10
    )
    refused = client.get("/print/2027.pdf?lang=fr")
    assert refused.status_code == 400
    assert "lang: 'fr' is not a language; use en or cy" in refused.text.replace("&#39;", "'")


def test_the_welsh_calendar_page_links_to_the_welsh_printed_calendars(client: TestClient) -> None:
    page = client.get("/cy/calendar?month=2027-02&category=race").text
    assert 'href="/cy/print/2027.pdf?category=race"' in page
    assert 'href="/cy/print/2027.pdf?layout=booklet&amp;category=race"' in page
    assert "Siart wal A3 (PDF)" in page and "llyfryn mis y dudalen (PDF)" in page
    assert "Saesneg" not in page.split('class="print-links')[1].split("</p>")[0]
