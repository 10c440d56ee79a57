"""The organisation's own site: name, logo, contact, link previews, favicon, the accessibility
statement, the about page (data licence, sources, API limits) and "last updated", all from
`[site]` and `feeds.organisation`, with defaults when nothing is set."""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from edicalendar.config import load_settings
from edicalendar.errors import ConfigError
from edicalendar.web import create_app
from support.net import LOCAL_BASE_URL

from .conftest import HTTPS, NOW, WebEnv

#: Pages every visitor can reach; each must carry the footer links.
PUBLIC = ["/", "/calendar", "/observances/yom-kippur", "/clashes", "/search?q=eid"]
PUBLIC += ["/accessibility", "/about", "/no-such-page"]
FOOTER = ["/accessibility", "/about", "/about#licence", "/docs", "/about#api-limits"]


class Links(HTMLParser):
    """Every element's attributes, in document order, and the text of each heading."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[str] = []
        self._heading: list[str] | None = None
        self._in_footer = False
        self.footer_links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.elements.append((tag, values))
        if tag in ("h1", "h2", "h3"):
            self._heading = []
        if tag == "footer":
            self._in_footer = True
        if tag == "a" and self._in_footer and values.get("href"):
            self.footer_links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None
        if tag == "footer":
            self._in_footer = False

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading.append(data)

    def meta(self, key: str) -> str | None:
        for tag, attrs in self.elements:
            if tag == "meta" and key in (attrs.get("property"), attrs.get("name")):
                return attrs.get("content")
        return None

    def link(self, rel: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == "link" and a.get("rel") == rel]


def parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def configure(web_env: WebEnv, extra: str) -> None:
    web_env.config.write_text(web_env.config.read_text(encoding="utf-8") + extra, encoding="utf-8")


@pytest.fixture
def site_client(web_env: WebEnv) -> Iterator[TestClient]:
    """A client on the test data with an organisation, a logo file and contact details."""
    (web_env.root / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" '
        'height="10" fill="#005eb8"/></svg>',
        encoding="utf-8",
    )
    configure(
        web_env,
        'organisation = "NHS Example Trust"\n\n[site]\nlogo = "logo.svg"\n'
        'contact_email = "edi@example.nhs.uk"\ncontact_phone = "0161 123 4567"\n'
        "response_days = 10\nstatement_prepared = 2026-09-15\n"
        'known_issues = ["Our own PDF posters are not tagged for screen readers."]\n',
    )
    app = create_app(web_env.context(), watch_interval=None)
    with TestClient(app, base_url=HTTPS) as client:
        yield client


def test_config_defaults() -> None:
    """With no [site] table the site still has everything: no organisation named, the shipped
    description, a five-working-day reply, and the statement dated by this release's tests."""
    site = load_settings(None).settings.site
    assert (site.logo, site.contact_email, site.contact_url, site.contact_phone) == ("",) * 4
    assert site.response_days == 5
    assert site.statement_prepared is None and site.known_issues == []
    assert "faith festivals" in site.description


def test_unnamed_pages_name_no_organisation(client: TestClient) -> None:
    """Left at its default, `feeds.organisation` ("edicalendar") is not shown as a name."""
    html = client.get("/calendar?month=2026-03").text
    assert "<title>Calendar: March 2026 – EDI awareness calendar</title>" in html
    assert "Run by" not in html and "edicalendar" not in html.split("<footer", 1)[1]


@pytest.mark.parametrize("path", PUBLIC)
def test_every_page_links_to_the_site_pages_in_its_footer(client: TestClient, path: str) -> None:
    """Accessibility statement, about, licence, API docs and limits, contact: on every page."""
    response = client.get(path)
    assert response.status_code in (200, 404)
    links = parse(response.text).footer_links
    for href in FOOTER:
        assert href in links, f"{path}: footer has no link to {href}"
    # No contact configured: the footer's contact link leads to the statement's contact part.
    assert "/accessibility#contact" in links


def test_organisation_name_logo_and_contact(site_client: TestClient) -> None:
    html = site_client.get("/").text
    page = parse(html)
    assert (
        "<title>Subscribe to the calendar – EDI awareness calendar – NHS Example Trust</title>"
        in html
    )
    logos = [a for t, a in page.elements if t == "img" and "site-logo" in str(a.get("class"))]
    assert logos == [{"class": "site-logo", "src": "/site/logo", "alt": "NHS Example Trust"}]
    assert "mailto:edi@example.nhs.uk" in page.footer_links
    assert "Run by NHS Example Trust." in html


def test_logo_file_is_served_and_cannot_run_script(site_client: TestClient) -> None:
    response = site_client.get("/site/logo")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in response.headers["content-security-policy"]
    assert response.text.startswith("<svg")


def test_logo_at_an_address_is_allowed_by_the_pages_policy(
    web_env: WebEnv, client: TestClient
) -> None:
    """A logo on the intranet's host: the page's CSP lets that host's images load, and link
    previews use it; without a logo the policy stays the site-wide one."""
    assert "intranet" not in client.get("/").headers["content-security-policy"]
    configure(
        web_env,
        '\n[site]\nlogo = "https://intranet.example.nhs.uk/img/logo.png"\nlogo_alt = "Example"\n',
    )
    app = create_app(web_env.context(), watch_interval=None)
    with TestClient(app, base_url=HTTPS) as other:
        response = other.get("/about")
    policy = response.headers["content-security-policy"]
    assert "img-src 'self' data: https://intranet.example.nhs.uk;" in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    page = parse(response.text)
    assert page.meta("og:image") == "https://intranet.example.nhs.uk/img/logo.png"
    assert page.meta("og:image:alt") == "Example"


def test_a_missing_logo_file_is_a_config_error_with_its_line(web_env: WebEnv) -> None:
    configure(web_env, '\n[site]\nlogo = "missing.png"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(web_env.config)
    problem = caught.value.problems[0]
    line = web_env.config.read_text(encoding="utf-8").splitlines().index('logo = "missing.png"')
    assert (problem.field, problem.line) == ("site.logo", line + 1)
    assert "missing.png" in problem.message


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ('contact_email = "not an address"', "not an email address"),
        ('contact_phone = "call us"', "not a telephone number"),
        ('contact_url = "javascript:alert(1)"', "not a public address"),
        ('logo = "logo.pdf"', "give an image file"),
    ],
)
def test_bad_site_settings_are_refused(web_env: WebEnv, setting: str, named: str) -> None:
    configure(web_env, f"\n[site]\n{setting}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(web_env.config)
    assert named in str(caught.value)


def test_link_previews_and_canonical_address(client: TestClient) -> None:
    """Open Graph and Twitter cards carry the page's title, the site's description and the
    canonical address built from feeds.base_url (the test config's https address)."""
    page = parse(client.get("/calendar?month=2026-03").text)
    assert page.meta("og:title") == page.meta("twitter:title") == "Calendar: March 2026"
    assert page.meta("og:site_name") == "EDI awareness calendar"
    assert page.meta("twitter:card") == "summary"
    assert page.meta("og:description") == page.meta("description")
    assert "faith festivals" in str(page.meta("description"))
    canonical = f"{HTTPS}/calendar?month=2026-03"
    assert page.meta("og:url") == canonical
    assert [link["href"] for link in page.link("canonical")] == [canonical]


def test_no_canonical_address_without_a_public_one(web_env: WebEnv) -> None:
    """Left at its 127.0.0.1 default, base_url is no public address to point previews at."""
    web_env.config.write_text(
        web_env.config.read_text(encoding="utf-8").replace(
            'base_url = "https://calendar.example.nhs.uk"', ""
        ),
        encoding="utf-8",
    )
    app = create_app(web_env.context(), watch_interval=None)
    with TestClient(app, base_url=LOCAL_BASE_URL) as client:
        page = parse(client.get("/about").text)
    assert page.link("canonical") == [] and page.meta("og:url") is None


def test_favicon_svg_and_ico(client: TestClient) -> None:
    """The page names both icons; the SVG is SVG, and /favicon.ico (which browsers ask for
    anyway) is an ICO holding 16, 32 and 48 pixel PNGs."""
    page = parse(client.get("/").text)
    icons = {str(link.get("type") or "ico"): link["href"] for link in page.link("icon")}
    assert icons == {"ico": "/static/favicon.ico", "image/svg+xml": "/static/favicon.svg"}
    svg = client.get("/static/favicon.svg")
    assert ET.fromstring(svg.content).tag == "{http://www.w3.org/2000/svg}svg"
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.headers["content-type"] == "image/vnd.microsoft.icon"
    assert ico.content == client.get("/static/favicon.ico").content
    reserved, kind, count = struct.unpack("<HHH", ico.content[:6])
    assert (reserved, kind, count) == (0, 1, 3)
    sizes = []
    for n in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack(
            "<BBBBHHII", ico.content[6 + 16 * n : 22 + 16 * n]
        )
        png = ico.content[offset : offset + length]
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (width, height)
        sizes.append(width)
    assert sizes == [16, 32, 48]


def test_accessibility_statement_follows_the_model_statement(site_client: TestClient) -> None:
    """The sections of the GOV.UK model statement, in its order, with this site's details."""
    response = site_client.get("/accessibility")
    assert response.status_code == 200
    html = response.text
    headings = parse(html).headings
    expected = [
        "Accessibility statement for the EDI awareness calendar",
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "What we’re doing to improve accessibility",
        "Preparation of this accessibility statement",
    ]
    assert [h for h in headings if h in expected] == expected
    assert "This accessibility statement applies to" in html and f"{HTTPS}/" in html
    assert "This website is run by NHS Example Trust." in html
    assert "Web Content Accessibility Guidelines version 2.2</a> AA standard" in html
    assert "mailto:edi@example.nhs.uk" in html and "0161 123 4567" in html
    assert "get back to you in 10 working days" in html
    assert "Equality and Human Rights Commission (EHRC)" in html
    assert 'href="https://www.equalityadvisoryservice.com/"' in html
    assert "Equality Advisory and Support Service (EASS)" in html
    assert "axe-core" in html and "keyboard" in html
    assert "Our own PDF posters are not tagged for screen readers." in html
    assert (
        'This statement was prepared on <time datetime="2026-09-15">15 September 2026</time>'
        in html
    )


def test_statement_without_contact_details_says_where_to_ask(client: TestClient) -> None:
    html = client.get("/accessibility").text
    assert "has not yet added contact details here" in html
    assert "get back to you in 5 working days" in html
    assert 'prepared on <time datetime="2026-12-01">1 December 2026</time>' in html


def test_calendar_data_last_updated_is_when_the_files_changed(web_env: WebEnv) -> None:
    """The footer and about page give the day the newest calendar file was written (here set
    to 14 February 2026, 23:30 UTC: already 14 February in London, before BST)."""
    stamp = dt.datetime(2026, 2, 14, 23, 30, tzinfo=dt.UTC).timestamp()
    for path in web_env.calendars.rglob("*.toml"):
        os.utime(path, (stamp, stamp))
    app = create_app(web_env.context(), watch_interval=None)
    with TestClient(app, base_url=HTTPS) as client:
        footer = client.get("/").text.split("<footer", 1)[1]
        about = client.get("/about").text
    assert 'last updated <time datetime="2026-02-14">14 February 2026</time>' in footer
    assert 'last updated on <time datetime="2026-02-14">14 February 2026</time>' in about


def test_about_page_states_the_licences_and_the_sources(
    client: TestClient, web_env: WebEnv
) -> None:
    html = client.get("/about").text
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert "Creative Commons Attribution 4.0 International (CC BY 4.0)" in html
    assert "MIT licence" in html
    # The sites cited, counted here from the data files themselves.
    hosts: dict[str, set[str]] = {}
    for path in web_env.calendars.glob("*.toml"):
        for obs in tomllib.loads(path.read_text(encoding="utf-8")).get("observance", []):
            for source in obs["sources"]:
                url = source if isinstance(source, str) else source["url"]
                host = (urlsplit(url).hostname or "").removeprefix("www.")
                if host:  # a source may be a book or a statement, not a web page
                    hosts.setdefault(host, set()).add(obs["id"])
    assert f"cites {len(hosts)} websites" in html
    for host, ids in hosts.items():
        assert f"<li>{host} ({len(ids)})</li>" in html


def test_about_page_lists_the_api_limits(client: TestClient) -> None:
    html = client.get("/about").text
    page = parse(html)
    assert "API limits" in page.headings
    assert 'href="/docs"' in html and 'href="/openapi.json"' in html
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", html)
    limits = dict(rows)
    assert limits["Request body (any form or API call)"].startswith("64 KB")
    assert (
        "3,660 days"
        in limits["Date range of one request (/api/occurrences, /api/clashes, the date check)"]
    )
    assert limits["Search query (/api/search, /search)"] == "100 characters"
    assert limits["Failed sign-ins"].startswith(
        "5 per account and 20 per client address in 15 minutes"
    )
    assert "P1D" in limits["How often to fetch a feed"]


def test_licence_address_leads_to_the_licence(client: TestClient) -> None:
    response = client.get("/licence", follow_redirects=False)
    assert response.status_code == 308 and response.headers["location"] == "/about#licence"


def test_feed_names_carry_the_organisation_and_uids_do_not(
    web_env: WebEnv, client: TestClient
) -> None:
    """Calendar names gain the organisation; every UID stays what it was."""
    before = client.get("/feeds/all.ics").text
    configure(web_env, "")
    web_env.config.write_text(
        web_env.config.read_text(encoding="utf-8").replace(
            "[feeds]\n", '[feeds]\norganisation = "NHS Example Trust"\n'
        ),
        encoding="utf-8",
    )
    app = create_app(web_env.context(), watch_interval=None)
    with TestClient(app, base_url=HTTPS) as other:
        after = other.get("/feeds/all.ics").text
    assert "X-WR-CALNAME:EDI calendar: everything\r\n" in before
    assert "X-WR-CALNAME:EDI calendar: everything – NHS Example Trust\r\n" in after
    uids = re.compile(r"^UID:(.*)$", re.MULTILINE)
    assert uids.findall(before) == uids.findall(after) and uids.findall(before)


def test_static_export_has_the_site_pages(web_env: WebEnv, tmp_path: Path) -> None:
    from edicalendar.web.export import export_site

    (web_env.root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    configure(web_env, '\n[site]\nlogo = "logo.png"\n')
    ctx = web_env.context(NOW)
    export_site(ctx.feeds(), tmp_path / "site", loaded=ctx.loaded)
    site = tmp_path / "site"
    index = (site / "index.html").read_text(encoding="utf-8")
    links = parse(index).footer_links
    assert "accessibility.html" in links and "about.html#licence" in links
    assert "/docs" not in links
    assert 'src="static/logo.png"' in index
    assert (site / "static" / "logo.png").read_bytes().startswith(b"\x89PNG")
    assert (site / "static" / "favicon.ico").is_file()
    statement = (site / "accessibility.html").read_text(encoding="utf-8")
    assert "Enforcement procedure" in statement
    assert "CC BY 4.0" in (site / "about.html").read_text(encoding="utf-8")
