"""The HTML pages over HTTP: content, structure, navigation links and bad query values."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urlsplit

from fastapi.testclient import TestClient


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links[" ".join("".join(self._text).split())] = self._href
            self._href = None


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_subscribe_page_offers_each_listed_feed_every_way(client: TestClient) -> None:
    """The recommended feed and every other feed worth offering are listed with the https
    address, webcal, Google add-by-URL and Outlook subscribe links; the duplicate "faith"
    feed is not offered but still answers."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    base = "https://calendar.example.nhs.uk/feeds/"
    offered = ["all", "religion-belief", "race", "awareness"]
    for name in offered:
        assert f'value="{base}{name}.ics"' in html, name
        assert f'href="webcal://calendar.example.nhs.uk/feeds/{name}.ics"' in html
        google = f"https://calendar.google.com/calendar/r?cid=webcal://calendar.example.nhs.uk/feeds/{name}.ics"
        assert f'href="{google}"' in html
        assert len(google) < 256  # Google silently fails on longer subscribe links (T5)
        outlook = "https://outlook.office.com/calendar/0/addfromweb?url=" + quote(
            f"{base}{name}.ics", safe=""
        )
        assert f'href="{outlook}&amp;name=' in html, name
    assert html.index('value="' + base + 'all.ics"') < html.index('id="builder"')
    assert f"{base}faith.ics" not in html
    assert client.get("/feeds/faith.ics").status_code == 200


def test_subscribe_page_explains_clients_and_labels(client: TestClient) -> None:
    """Step-by-step sections for each client and the meaning of the status labels are present."""
    html = client.get("/").text
    for heading in (
        "Outlook on the web",
        "New Outlook for Windows",
        "Classic Outlook for Windows",
        "Apple Calendar",
        "Google Calendar",
        "Thunderbird",
    ):
        assert re.search(rf"<summary>{re.escape(heading)}", html), heading
    assert "Subscribe from web" in html and "From Internet" in html
    for term in ("provisional", "estimated", "begins the evening before"):
        assert f">{term}</span></dt>" in html, term


def test_every_page_has_lang_landmarks_and_skip_link(client: TestClient) -> None:
    """Pages declare their language, a skip link to main, header, nav, main and footer."""
    for path in ("/", "/calendar", "/calendar?view=agenda", "/observances/yom-kippur", "/clashes"):
        html = client.get(path).text
        assert '<html lang="en-GB">' in html, path
        assert '<a class="skip-link" href="#main">' in html
        for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
            assert landmark in html, (path, landmark)
        assert len(re.findall(r"<h1[ >]", html)) == 1, path


def test_month_view_is_a_captioned_table_with_column_headers(client: TestClient) -> None:
    """The month grid is a table with a caption and seven scope=col weekday headers."""
    html = client.get("/calendar?month=2026-03").text
    assert "<caption>March 2026</caption>" in html
    headers = re.findall(r'<th scope="col"><abbr title="(\w+)">', html)
    assert headers == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    # 8 March 2026 is a Sunday (timeanddate.com); International Women's Day sits in that cell.
    cell = re.search(r"Sunday </span>8</span>(.*?)</td>", html, re.S)
    assert cell is not None and "International Women&#39;s Day" in cell.group(1)


def test_default_month_is_the_current_one_with_today_marked(client: TestClient) -> None:
    """Without a month the calendar shows the injected clock's month and marks today."""
    html = client.get("/calendar").text
    assert "<caption>March 2026</caption>" in html
    assert re.search(
        r'class="today[^"]*">\s*<span class="day"><span class="day-name">Thursday </span>5', html
    )


def test_long_observances_are_listed_once_above_the_grid(client: TestClient) -> None:
    """A whole-month observance is listed above the grid, not repeated in 31 cells."""
    html = client.get("/calendar?month=2026-10").text
    above, grid = html.split("<table", 1)
    assert "Black History Month" in above
    assert grid.count("Black History Month") == 1  # only on its first day


def test_category_filter_and_navigation_keep_each_other(client: TestClient) -> None:
    """Filtering by category narrows the list; previous/next links keep view and filter."""
    html = client.get("/calendar?month=2026-10&view=agenda&category=race").text
    assert "Black History Month" in html
    assert "Yom Kippur" not in html
    links = _parse(html).links
    previous = parse_qs(urlsplit(links["Previous month: September 2026"]).query)
    following = parse_qs(urlsplit(links["Next month: November 2026"]).query)
    assert previous == {"month": ["2026-09"], "view": ["agenda"], "category": ["race"]}
    assert following == {"month": ["2026-11"], "view": ["agenda"], "category": ["race"]}
    unfiltered = client.get("/calendar?month=2026-09&view=agenda").text
    assert "Yom Kippur" in unfiltered


def test_year_boundaries_in_navigation(client: TestClient) -> None:
    """December's next month is January of the next year, and January's previous is December."""
    links = _parse(client.get("/calendar?month=2026-12").text).links
    assert "month=2027-01" in links["Next month: January 2027"]
    links = _parse(client.get("/calendar?month=2026-01").text).links
    assert "month=2025-12" in links["Previous month: December 2025"]


def test_filter_form_controls_are_labelled(client: TestClient) -> None:
    """Every checkbox and radio button of the filter form sits inside its label."""
    html = client.get("/calendar").text
    inputs = re.findall(r"<label><input type=\"(checkbox|radio)\"", html)
    assert len(inputs) == 11 + 2
    assert "<legend>Categories" in html and "<legend>View</legend>" in html


def test_bad_calendar_queries_answer_400_pages(client: TestClient) -> None:
    """Impossible months, unknown categories and views give a 400 page naming the value."""
    for query, words in (
        ("month=2026-13", "month: '2026-13' is not a month"),
        ("month=March", "month: 'March' is not a month"),
        ("category=astrology", "category: 'astrology' is not a category"),
        ("view=year", "view: 'year' is not a view"),
    ):
        response = client.get(f"/calendar?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"].startswith("text/html")
        assert words in response.text.replace("&#39;", "'"), query


def test_observance_page_lists_next_dates_sources_and_feeds(client: TestClient) -> None:
    """Yom Kippur shows 21 September 2026 (hebcal.com), its guidance flags, sources and feeds."""
    html = client.get("/observances/yom-kippur").text
    assert '<time datetime="2026-09-21">Mon 21 Sep 2026</time>' in html
    # hebcal.com: Yom Kippur 2027 is Monday 11 October.
    assert '<time datetime="2027-10-11">' in html
    assert "begins the evening before" in html
    assert "Usually involves fasting." in html
    assert "A solemn day: do not send 'happy' greetings." in html
    assert "wish colleagues &#39;an easy fast&#39;" in html
    assert 'href="https://www.hebcal.com/holidays/yom-kippur"' in html
    links = _parse(html).links
    feed_links = {text for text, href in links.items() if href.startswith("/#")}
    assert links["EDI calendar: everything"] == "/#recommended"
    assert links["EDI calendar: Religion or belief"] == "/#feed-religion-belief"
    # "faith festivals" is the same feed by another name, so it is not offered twice.
    assert "EDI calendar: faith festivals" not in feed_links
    assert "EDI calendar: awareness days" not in feed_links


def test_observance_page_marks_estimated_and_provisional_dates(client: TestClient) -> None:
    """Eid shows an estimated status; a yearly-announced week shows provisional."""
    eid = client.get("/observances/eid-al-fitr").text
    assert "status-estimated" in eid
    week = client.get("/observances/mental-health-awareness-week").text
    assert "status-provisional" in week


def test_unknown_observance_is_a_404_page(client: TestClient) -> None:
    """An unknown observance id gives a 404 HTML page."""
    response = client.get("/observances/no-such-day")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text


def test_clash_form_and_answer(client: TestClient) -> None:
    """The date check lists Yom Kippur with fasting on 21 Sep 2026 and its eve on the 20th."""
    empty = client.get("/clashes")
    assert empty.status_code == 200
    assert '<label for="date">Date</label>' in empty.text
    day = client.get("/clashes?date=2026-09-21").text
    assert "Yom Kippur" in day
    cells = r"\s*<td>(.*?)</td>\s*<td[^>]*>(\w+)</td>\s*<td[^>]*>(\w+)</td>"
    row = re.search(r"Yom Kippur</a></th>" + cells, day)
    assert row is not None and row.groups() == ("on this day", "Yes", "Yes")
    eve = client.get("/clashes?date=2026-09-20").text
    eve_cells = r"\s*<td>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>"
    row = re.search(r"Yom Kippur</a></th>" + eve_cells, eve)
    # The eve is not the rest day: work stops at sunset.
    assert row is not None
    assert row.groups() == ("begins at sunset this evening", "No", "From sunset")
    possible = client.get("/clashes?date=2027-03-10").text
    assert re.search(r"Eid al-Fitr</a></th>\s*<td>may fall on this day", possible)
    assert "possible (±1 day)" in possible
    quiet = client.get("/clashes?date=2026-07-07").text
    assert "Nothing in the calendar falls on Tuesday 7 July 2026" in quiet


def test_clash_page_says_what_it_could_not_check(client: TestClient) -> None:
    """Islamic dates in 2077 are past the Umm al-Qura table: the page names Eid al-Fitr as not
    checked, in one sentence, and does not call the day clear."""
    html = client.get("/clashes?date=2077-03-01").text
    assert re.search(r"No dates can be given for 2077 \(supported years are \d{4}-2076", html)
    assert "Eid al-Fitr." in html or "Eid al-Fitr," in html
    assert "Nothing that the calendar could date falls on Monday 1 March 2077" in html
    assert "Nothing in the calendar falls on" not in html


def test_clash_range_covers_every_day(client: TestClient) -> None:
    """A date range lists each day an observance touches."""
    html = client.get("/clashes?date=2026-03-07&to=2026-03-09").text
    assert html.count("International Women&#39;s Day</a>") == 1
    assert '<time datetime="2026-03-08">' in html


def test_bad_clash_queries_answer_400_with_the_form(client: TestClient) -> None:
    """An impossible date or a range ending before it starts gives 400 and an error by the form."""
    for query, words in (
        ("date=2026-02-30", "date: '2026-02-30' is not a date"),
        # A web user typed two days into the form: the page names them as the form does.
        (
            "date=2026-03-10&to=2026-03-01",
            "the last day 2026-03-01 is before the first day 2026-03-10",
        ),
        ("date=2026-01-01&to=2027-06-01", "at most 367 days"),
    ):
        response = client.get(f"/clashes?{query}")
        assert response.status_code == 400, query
        assert 'role="alert"' in response.text
        assert words in response.text.replace("&#39;", "'"), query


def test_long_query_strings_are_refused(client: TestClient) -> None:
    """A 10 kB query string answers 400 with a message, for pages and the API alike."""
    long = "x=" + "a" * 10_000
    page = client.get(f"/calendar?{long}")
    assert page.status_code == 400
    assert "query string is longer" in page.text
    api = client.get(f"/api/occurrences?{long}")
    assert api.status_code == 400
    assert api.headers["content-type"] == "application/problem+json"
    assert "query string is longer" in api.json()["detail"]


def test_unknown_page_is_a_404_page(client: TestClient) -> None:
    """Any unknown address answers 404 with the site's HTML page."""
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert '<html lang="en-GB">' in response.text


def test_pages_send_a_strict_content_security_policy(client: TestClient) -> None:
    """Pages forbid inline scripts and framing: CSP default-src 'none', scripts only from the
    site itself, nosniff, frame-ancestors."""
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    # Only the site's own script file, never inline script.
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", response.text, re.S)
    assert scripts and all(body == "" for body in scripts)
    assert re.findall(r"<script ([^>]*)>", response.text) == ['src="/static/subscribe.js" defer']


def test_stylesheet_is_served(client: TestClient) -> None:
    """The one stylesheet is served as text/css."""
    response = client.get("/static/site.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ":focus-visible" in response.text


def test_head_answers_wherever_get_does(client: TestClient) -> None:
    """HEAD on pages, the API, health and static files gives GET's status, type and length
    with no body (link checkers, uptime probes and `curl -I` use it)."""
    for path in (
        "/",
        "/calendar?month=2026-03",
        "/observances/black-history-month",
        "/clashes?date=2026-09-21",
        "/api/observances",
        "/api/occurrences?from=2026-01-01&to=2026-12-31",
        "/healthz",
        "/static/site.css",
        "/no-such-page",
    ):
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"], path
        # Measured before the client undoes any gzip: HEAD's length is GET's on the wire.
        assert head.headers["content-length"] == get.headers["content-length"], path
        assert head.headers.get("content-encoding") == get.headers.get("content-encoding")
    assert client.head("/calendar?month=2026-13").status_code == 400
