"""The feed options, the widget's options, the campaign plan's view and year and a year beyond a
date table, checked on Welsh pages: each check is said in Welsh (not marked `lang="en"`), with
the option names and values as the address spells them; the feeds' own 400 answer, the CLI and
the English pages give the English they always have.

The Welsh below is typed from the catalogue's terms ("nid yw … yn …; defnyddiwch …"), not read
from the code's output."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from fastapi.testclient import TestClient

from edicalendar import i18n
from edicalendar.calendar.expansion import Skipped, year_warnings
from edicalendar.context import AppContext
from edicalendar.errors import UnsupportedYearError
from edicalendar.model import Role
from edicalendar.web import create_app
from support.cli import CliRunner
from support.clock import Clock
from support.serving import serving
from support.sites import copy_site

from .conftest import NOW, Site

#: The feed option checks: (query, the Welsh page's sentence, the English one), HTML-escaped.
FEED_CHECKS = [
    (
        "expected=maybe",
        "expected: nid yw &#39;maybe&#39; yn ie neu na; defnyddiwch expected=1 neu expected=0",
        "expected: &#39;maybe&#39; is not a yes or no; use expected=1 or expected=0",
    ),
    (
        "colour=red",
        "nid yw &#39;colour&#39; yn baramedr ffrwd; mae ffrydiau’n derbyn: category, tradition, "
        "kind, eves, expected, busy, alarm, lang",
        "&#39;colour&#39; is not a feed parameter; feeds take: category, tradition, kind, eves, "
        "expected, busy, alarm, lang",
    ),
    (
        "category=faith",
        "category: nid yw &#39;faith&#39; yn gategori; defnyddiwch un o: age, disability, "
        "gender-reassignment, marriage-civil-partnership, pregnancy-maternity, race, "
        "religion-belief, sex, sexual-orientation, health-wellbeing, general-edi",
        "category: &#39;faith&#39; is not a category; use one of: age, disability, "
        "gender-reassignment, marriage-civil-partnership, pregnancy-maternity, race, "
        "religion-belief, sex, sexual-orientation, health-wellbeing, general-edi",
    ),
    (
        "tradition=sikh",
        "tradition: nid yw &#39;sikh&#39; yn draddodiad; defnyddiwch un o: dim un yn y calendr hwn",
        "tradition: &#39;sikh&#39; is not a tradition; use one of: none in this calendar",
    ),
    (
        "kind=some",
        "kind: nid yw &#39;some&#39; yn fath; defnyddiwch all, awareness neu faith",
        "kind: &#39;some&#39; is not a kind; use all, awareness or faith",
    ),
    (
        "eves=both",
        "eves: nid yw &#39;both&#39; yn ddewis; defnyddiwch eves=events (digwyddiad ar wahân ar y "
        "noswyl), eves=start (digwyddiadau’n dechrau ar y noswyl) neu eves=none",
        "eves: &#39;both&#39; is not a choice; use eves=events (a separate event on the eve), "
        "eves=start (events start on the eve) or eves=none",
    ),
    (
        "alarm=99",
        "alarm: nid yw &#39;99&#39; yn nifer o ddiwrnodau o 0 i 28; mae alarm=2 yn eich atgoffa am "
        "09:00 ddau ddiwrnod ymlaen llaw",
        "alarm: &#39;99&#39; is not a number of days from 0 to 28; alarm=2 reminds you at 09:00 "
        "two days before",
    ),
    (
        "lang=fr",
        "lang: nid yw &#39;fr&#39; yn un o ieithoedd y ffrydiau; defnyddiwch lang=cy ar gyfer "
        "Cymraeg neu lang=en ar gyfer Saesneg",
        "lang: &#39;fr&#39; is not a language of the feeds; use lang=cy for Welsh or lang=en for "
        "English",
    ),
    (
        "eves=events&eves=start",
        "eves: rhowch ef unwaith (cafodd ei roi fel &#39;events&#39; a &#39;start&#39;)",
        "eves: give it once (it was given as &#39;events&#39; and &#39;start&#39;)",
    ),
]

#: The widget's checks on /cy/embed/upcoming and /embed/upcoming.
WIDGET_CHECKS = [
    (
        "n=0",
        "n: nid yw &#39;0&#39; yn rhif o 1 i 20",
        "n: &#39;0&#39; is not a number from 1 to 20",
    ),
    ("n=1&n=2", "n: rhowch ef unwaith", "n: give it once"),
    (
        "target=_self",
        "target: nid yw &#39;_self&#39; yn _blank nac yn _top",
        "target: &#39;_self&#39; is not _blank or _top",
    ),
    (
        "heading=",
        "heading: rhowch 1 i 60 nod argraffadwy",
        "heading: give 1 to 60 printable characters",
    ),
    (
        "colour=red",
        "nid yw &#39;colour&#39; yn ddewis; defnyddiwch n, category, target, heading",
        "&#39;colour&#39; is not an option; use n, category, target, heading",
    ),
    (
        "category=faith",
        "category: nid yw &#39;faith&#39; yn gategori; defnyddiwch un o: age, disability, "
        "gender_reassignment, marriage_civil_partnership, pregnancy_maternity, race, "
        "religion_belief, sex, sexual_orientation, health_wellbeing, general_edi",
        "category: &#39;faith&#39; is not a category; use one of: age, disability, "
        "gender_reassignment, marriage_civil_partnership, pregnancy_maternity, race, "
        "religion_belief, sex, sexual_orientation, health_wellbeing, general_edi",
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test site served on 127.0.0.1 (Thursday 5 March 2026)."""
    root = tmp_path_factory.mktemp("options")
    config = copy_site(root, '[feeds]\nbase_url = "https://calendar.example.nhs.uk"\n')
    app = create_app(AppContext(config_path=config, now=Clock(NOW)), watch_interval=None)
    with serving(app) as base:
        yield base


def get(server: str, path: str) -> requests.Response:
    return requests.get(server + path, timeout=30)


def assert_said(html: str, sentence: str, english: bool = False) -> None:
    """`sentence` is on the page, in an element marked `lang="en"` only when `english`."""
    found = re.search(r"<(p|span)([^>]*)>([^<]*)" + re.escape(sentence), html)
    assert found, f"not on the page: {sentence}"
    assert ('lang="en"' in found.group(2)) is english, found.group(0)


@pytest.mark.parametrize(("query", "welsh", "english"), FEED_CHECKS)
def test_a_feed_option_check_on_the_welsh_subscribe_page(
    server: str, query: str, welsh: str, english: str
) -> None:
    page = get(server, f"/cy/?{query}")
    assert page.status_code == 400
    assert '<html lang="cy">' in page.text
    assert_said(page.text, welsh + ".")
    assert english not in page.text
    # The English page and the feed's own answer keep the English.
    en = get(server, f"/?{query}")
    assert en.status_code == 400
    assert_said(en.text, english + ".")
    feed = get(server, f"/feeds/all.ics?{query}")
    assert feed.status_code == 400
    assert english in feed.text and welsh not in feed.text


def test_a_feed_option_check_on_a_welsh_event_download(server: str) -> None:
    path = "/observances/international-womens-day/2026.ics?alarm=x"
    page = get(server, "/cy" + path)
    assert page.status_code == 400
    assert_said(
        page.text,
        "Mae camgymeriad yn y cyfeiriad hwnnw: alarm: nid yw &#39;x&#39; yn nifer o ddiwrnodau "
        "o 0 i 28; mae alarm=2 yn eich atgoffa am 09:00 ddau ddiwrnod ymlaen llaw.",
    )
    en = get(server, path)
    assert_said(
        en.text,
        "That address has a mistake: alarm: &#39;x&#39; is not a number of days from 0 to 28; "
        "alarm=2 reminds you at 09:00 two days before.",
    )


def test_a_query_that_is_not_pairs_on_a_welsh_event_download(server: str) -> None:
    page = get(server, "/cy/observances/international-womens-day/2026.ics?a=1&&b")
    assert page.status_code == 400
    assert_said(
        page.text,
        "Mae camgymeriad yn y cyfeiriad hwnnw: nid yw’r ymholiad &#39;a=1&amp;&amp;b&#39; yn "
        "barau enw=gwerth wedi’u cysylltu ag &amp;.",
    )


def test_the_cli_keeps_the_english_of_the_feed_checks(tmp_path: Path, run_cli: CliRunner) -> None:
    result = run_cli.with_config(copy_site(tmp_path))("feed", "--query", "busy=2&lang=cy")
    assert result.code == 2
    assert "--query: busy: '2' is not a yes or no; use busy=1 or busy=0" in result.err


@pytest.mark.parametrize(("query", "welsh", "english"), WIDGET_CHECKS)
def test_a_widget_option_check_in_welsh(server: str, query: str, welsh: str, english: str) -> None:
    widget = get(server, f"/cy/embed/upcoming?{query}")
    assert widget.status_code == 400
    assert "Mae camgymeriad yng nghyfeiriad y teclyn hwn:" in widget.text
    assert_said(widget.text, welsh + "</span>.")
    en = get(server, f"/embed/upcoming?{query}")
    assert en.status_code == 400
    assert_said(en.text, english + "</span>.")


def test_a_year_beyond_the_table_on_the_welsh_calendar(server: str) -> None:
    page = get(server, "/cy/calendar?month=2077-10")
    assert page.status_code == 200
    assert_said(
        page.text,
        "Ni ellir rhoi dyddiadau ar gyfer 2077 (y blynyddoedd a gefnogir yw 1925-2076, tabl "
        "Umm al-Qura): Eid al-Fitr.",
    )
    en = get(server, "/calendar?month=2077-10")
    assert_said(
        en.text,
        "No dates can be given for 2077 (supported years are 1925-2076, Umm al-Qura table): "
        "Eid al-Fitr.",
    )
    api = get(server, "/api/clashes?date=2077-10-01").json()
    assert api["warnings"] == [
        "eid-al-fitr: cannot compute 2077; supported years are 1925-2076 (Umm al-Qura table)"
    ]


def test_the_unsupported_year_sentence_in_both_languages() -> None:
    error = UnsupportedYearError("eid-al-fitr", 2080, 1925, 2076, "Umm al-Qura table")
    assert str(error) == (
        "eid-al-fitr: cannot compute 2080; supported years are 1925-2076 (Umm al-Qura table)"
    )
    said = i18n.said(error)
    assert isinstance(said, i18n.Message)
    assert said.translated("cy") == (
        "eid-al-fitr: ni ellir cyfrifo 2080; y blynyddoedd a gefnogir yw 1925-2076 "
        "(tabl Umm al-Qura)"
    )
    plain = i18n.said(UnsupportedYearError("yom-kippur", 1500, 1583, 4099))
    assert plain == "yom-kippur: cannot compute 1500; supported years are 1583-4099"
    assert isinstance(plain, i18n.Message)
    assert plain.translated("cy") == (
        "yom-kippur: ni ellir cyfrifo 1500; y blynyddoedd a gefnogir yw 1583-4099"
    )


@pytest.fixture
def viewer(site: Site) -> TestClient:
    site.person("ben.okafor@nhs.net", Role.VIEWER)
    return site.signed_in("ben.okafor@nhs.net")


@pytest.mark.parametrize(
    ("path", "welsh", "english"),
    [
        (
            "/campaigns?view=week",
            "view: nid yw &#39;week&#39; yn olwg; defnyddiwch month neu quarter",
            "view: &#39;week&#39; is not a view; use month or quarter",
        ),
        (
            "/campaigns?period=2026-13",
            "period: nid yw &#39;2026-13&#39; yn fis nac yn chwarter; defnyddiwch 2026-03 neu "
            "2026-Q1",
            "period: &#39;2026-13&#39; is not a month or quarter; use 2026-03 or 2026-Q1",
        ),
        (
            "/campaigns/plan.csv?year=20x6",
            "year: nid yw &#39;20x6&#39; yn flwyddyn fel 2026",
            "year: &#39;20x6&#39; is not a year such as 2026",
        ),
    ],
)
def test_a_campaign_plan_check_in_welsh(
    viewer: TestClient, path: str, welsh: str, english: str
) -> None:
    page = viewer.get("/cy" + path)
    assert page.status_code == 400
    assert '<html lang="cy">' in page.text
    assert_said(page.text, welsh)
    en = viewer.get(path)
    assert en.status_code == 400
    assert_said(en.text, english)


def test_a_day_to_jump_to_that_is_not_real_on_the_welsh_plan(viewer: TestClient) -> None:
    query = "?view=month&jump-day=31&jump-month=2&jump-year=2021"
    page = viewer.get("/cy/campaigns" + query)
    assert page.status_code == 400
    assert '<a href="#jump">Rhaid i’r dyddiad fod yn ddyddiad go iawn, fel 27 3 2026</a>' in (
        page.text
    )
    en = viewer.get("/campaigns" + query)
    assert '<a href="#jump">The date must be a real date, such as 27 3 2026</a>' in en.text


def test_a_year_beyond_the_table_on_the_welsh_campaign_plan(viewer: TestClient) -> None:
    page = viewer.get("/cy/campaigns?period=2077-Q4")
    assert page.status_code == 200
    assert_said(
        page.text,
        "eid-al-fitr: ni ellir cyfrifo 2077; y blynyddoedd a gefnogir yw 1925-2076 "
        "(tabl Umm al-Qura)",
    )
    en = viewer.get("/campaigns?period=2077-Q4")
    assert_said(
        en.text,
        "eid-al-fitr: cannot compute 2077; supported years are 1925-2076 (Umm al-Qura table)",
    )


def test_years_beyond_the_table_as_ranges_in_both_languages() -> None:
    skipped = [
        Skipped("eid-al-fitr", "Eid al-Fitr", year, "not_computable", str(error))
        for year in (2077, 2078, 2079, 2081)
        for error in [UnsupportedYearError("eid-al-fitr", year, 1925, 2076, "Umm al-Qura table")]
    ]
    skipped.append(
        Skipped("odd", "Odd", 2080, "not_computable", "odd: the almanac has no 2080 page")
    )
    warnings = year_warnings(skipped)
    assert warnings == [
        "eid-al-fitr: cannot compute 2077-2079, 2081; supported years are 1925-2076 "
        "(Umm al-Qura table)",
        "odd: the almanac has no 2080 page",
    ]
    said = warnings[0]
    assert isinstance(said, i18n.Message)
    assert said.translated("cy") == (
        "eid-al-fitr: ni ellir cyfrifo 2077-2079, 2081; y blynyddoedd a gefnogir yw 1925-2076 "
        "(tabl Umm al-Qura)"
    )
    assert not isinstance(warnings[1], i18n.Message)
