"""The calendar's month picker: a plain GET form of month and year that works without script,
and the 400 pages for values it cannot take."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from support.net import LOCAL_BASE_URL

from .conftest import WebEnv


def _caption(html: str) -> str:
    found = re.search(r"<caption>([^<:]+)", html)
    assert found, "no month grid"
    return found.group(1).strip()


def test_the_picker_shows_the_month_and_year_it_is_given(client: TestClient) -> None:
    page = client.get("/calendar?m=06&year=2028")
    assert page.status_code == 200
    assert _caption(page.text) == "June 2028"
    assert '<option value="06" selected>June</option>' in page.text
    assert 'id="pick-year" name="year" type="number"' in page.text
    assert 'value="2028"' in page.text
    # One-digit months are what people type; the links it gives are ordinary month links.
    single = client.get("/calendar?m=6&year=2028")
    assert _caption(single.text) == "June 2028"
    assert 'href="/calendar?month=2028-07&amp;view=month" rel="next"' in single.text


def test_the_picker_keeps_the_view_and_the_categories(client: TestClient) -> None:
    page = client.get("/calendar?view=agenda&category=religion_belief&m=09&year=2026")
    assert page.status_code == 200
    assert "<h1>Calendar: September 2026</h1>" in page.text
    form = page.text[page.text.index('<form class="month-picker"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="view" value="agenda">' in form
    assert '<input type="hidden" name="category" value="religion_belief">' in form
    assert 'name="category" value="race"' not in form


def test_the_month_links_come_before_the_filters(client: TestClient) -> None:
    """Keyboard users meet Previous/Next month before the filter form's fourteen controls."""
    html = client.get("/calendar?month=2026-09").text
    assert html.index('rel="next"') < html.index('<form class="filters"')
    assert html.index('<form class="month-picker"') < html.index('<form class="filters"')


def test_bad_picker_values_answer_400_naming_the_field(client: TestClient) -> None:
    for query, named in (
        ("m=13&year=2027", "m: '13' is not a month"),
        ("m=0&year=2027", "m: '0' is not a month"),
        ("m=&year=2027", "m: '' is not a month"),
        ("m=03&year=twenty", "year: 'twenty' is not a year"),
        ("m=03", "year: '' is not a year"),
        ("m=03&year=99999", "year: '99999' is not a year"),
        ("m=03&year=1200", "outside the years the calendar computes"),
    ):
        page = client.get(f"/calendar?{query}")
        assert page.status_code == 400, query
        assert named in page.text.replace("&#39;", "'"), (query, page.text[:500])


def test_the_theme_column_is_shown_only_when_a_date_has_a_theme(
    web_env: WebEnv, app_factory: Callable[..., FastAPI]
) -> None:
    """An observance whose dates carry no theme has no empty Theme column; one that does has."""
    with TestClient(app_factory(), base_url=LOCAL_BASE_URL) as plain:
        page = plain.get("/observances/international-womens-day").text
    assert '<th scope="col">Dates</th>' in page
    assert ">Theme</th>" not in page
    calendar = web_env.calendars / "test-days.toml"
    text = calendar.read_text(encoding="utf-8")
    marker = 'sources = ["https://www.un.org/en/observances/womens-day"]\n'
    # A made-up theme: only whether the column shows is tested here.
    calendar.write_text(
        text.replace(
            marker,
            marker + "\n[observance.years.2026]\nstart = 2026-03-08\nend = 2026-03-08\n"
            'theme = "A theme for the test"\n'
            'source = "https://www.internationalwomensday.com/Theme"\n',
        ),
        encoding="utf-8",
    )
    with TestClient(app_factory(), base_url=LOCAL_BASE_URL) as themed:
        page = themed.get("/observances/international-womens-day").text
    assert '<th scope="col">Theme</th>' in page
    assert '<td data-label="Theme">A theme for the test</td>' in page
