"""The mistakes a person can make on a Welsh page, made in headless Chromium: each is answered
in Welsh on a page with `lang="cy"` that axe-core finds no WCAG 2.2 A/AA violation on, and the
same mistake on the English page still gets the English it always had."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.browser import run_axe

from .conftest import invited_admin_server

pytestmark = pytest.mark.browser

PASSWORD = "three random words here"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server on the test data with an administrator invited: (address, invitation link)."""
    with invited_admin_server(tmp_path_factory.mktemp("welsh-errors")) as found:
        yield found


@pytest.fixture(scope="module")
def signed_in(browser: Any, site: tuple[str, str]) -> Iterator[Any]:
    """A browser context signed in through the Welsh invitation page."""
    base, link = site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(link)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/cy/campaigns")
    page.close()
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(signed_in: Any) -> Iterator[Any]:
    opened = signed_in.new_page()
    try:
        yield opened
    finally:
        opened.close()


def _assert_welsh_and_clean(page: Any) -> str:
    """The page is Welsh and axe-clean; its main text."""
    assert page.evaluate("document.documentElement.lang") == "cy"
    violations = [
        {"id": v["id"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
        for v in run_axe(page)["violations"]
    ]
    assert violations == []
    text: str = page.locator("main").inner_text()
    return text


def _english_marks(page: Any, selector: str) -> list[str]:
    """The `lang` of `selector` and of everything inside it that sets one."""
    return list(
        page.eval_on_selector(
            selector,
            "el => [el, ...el.querySelectorAll('[lang]')].map(e => e.getAttribute('lang') || '')",
        )
    )


def test_a_range_typed_backwards_into_the_welsh_clash_form(
    page: Any, site: tuple[str, str]
) -> None:
    base = site[0]
    page.goto(f"{base}/cy/clashes")
    page.fill("#date", "2026-03-20")
    page.fill("#to", "2026-03-12")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#date-error")
    text = _assert_welsh_and_clean(page)
    assert "mae’r diwrnod olaf 2026-03-12 cyn y diwrnod cyntaf 2026-03-20" in text
    assert "en" not in _english_marks(page, "#date-error")
    page.goto(f"{base}/clashes?date=2026-03-20&to=2026-03-12")
    assert (
        "the last day 2026-03-12 is before the first day 2026-03-20"
        in page.locator("#date-error").inner_text()
    )


@pytest.mark.parametrize(
    ("path", "welsh"),
    [
        (
            "/cy/calendar?month=2026-13",
            "month: nid yw '2026-13' yn fis; defnyddiwch BBBB-MM (blwyddyn-mis), fel 2026-10",
        ),
        (
            "/cy/calendar?year=9999&m=3",
            "year: mae 9999-03-01 y tu allan i’r blynyddoedd y mae’r calendr yn eu cyfrifo "
            "(1583-4099); dewiswch ddiwrnod rhwng 1583-01-01 a 4099-12-31",
        ),
        (
            "/cy/calendar?category=faith",
            "category: nid yw 'faith' yn gategori; defnyddiwch un o: age, disability,",
        ),
        (
            "/cy/clashes?date=2026-02-30",
            "date: nid yw '2026-02-30' yn ddyddiad; defnyddiwch BBBB-MM-DD",
        ),
        (
            "/cy/clashes?date=2026-01-01&to=2027-06-01",
            "to: gwiriwch 367 diwrnod ar y mwyaf ar y tro",
        ),
        (
            "/cy/search?q=" + "a" * 120,
            "q: mae’r chwiliad yn 120 nod o hyd; defnyddiwch 100 ar y mwyaf",
        ),
        (
            "/cy/print/20x7.pdf",
            "Mae camgymeriad yn y cyfeiriad hwnnw: year: nid yw '20x7' yn flwyddyn; defnyddiwch "
            "bedwar digid, fel 2027.",
        ),
    ],
)
def test_an_address_with_a_mistake_is_answered_in_welsh(
    page: Any, site: tuple[str, str], path: str, welsh: str
) -> None:
    response = page.goto(site[0] + path)
    assert response.status == 400
    text = _assert_welsh_and_clean(page)
    assert welsh in text
    assert "Gwirio" in page.title() or "Gwiriwch" in page.title() or "Chwilio" in page.title()


def test_a_freeze_typed_backwards_names_the_form_fields_in_welsh(
    page: Any, site: tuple[str, str]
) -> None:
    base = site[0]
    page.goto(f"{base}/cy/freezes")
    page.select_option("#kind", "organisation")
    page.fill("#reason", "Arolwg staff")
    page.fill("#from", "2026-03-20")
    page.fill("#to", "2026-03-12")
    page.click("form.freeze-form button[type=submit]")
    page.wait_for_selector("#freeze-error")
    text = _assert_welsh_and_clean(page)
    assert "mae’r diwrnod olaf 2026-03-12 cyn y diwrnod cyntaf 2026-03-20" in text
    assert "--to" not in text and "--from" not in text
    # The reason's example is Welsh on the Welsh form.
    assert page.locator("#reason-hint").inner_text() == (
        "Beth ydyw, er enghraifft “Etholiad cyffredinol 4 Gorffennaf 2024”."
    )


NEW_CAMPAIGN = (
    "/cy/campaigns/new?observance=international-womens-day&template=awareness-day&runs=year"
    "&year=2026"
)


def _set(page: Any, values: dict[str, str]) -> None:
    """Fill the editor's fields (some sit in closed disclosures, as a person opens them)."""
    for selector, value in values.items():
        page.locator(selector).evaluate("(box, value) => { box.value = value; }", value)


def _save(page: Any) -> str:
    page.click("main form button[type=submit] >> nth=-1")
    page.wait_for_selector(".error-summary")
    return _assert_welsh_and_clean(page)


def test_days_typed_wrongly_into_the_welsh_campaign_editor(
    page: Any, site: tuple[str, str]
) -> None:
    page.goto(site[0] + NEW_CAMPAIGN)
    _set(page, {"#task-0-due-amount": "soon", "#task-2-due-day": "31"})
    text = _save(page)
    assert "Rhowch sawl diwrnod neu wythnos, fel rhif cyfan megis 10" in text
    assert "Mae angen mis a blwyddyn ar y dyddiad" in text
    assert "whole number" not in text and "must include" not in text
    assert "en" not in _english_marks(page, ".error-summary")


def test_campaign_checks_in_the_welsh_campaign_editor(page: Any, site: tuple[str, str]) -> None:
    page.goto(site[0] + NEW_CAMPAIGN)
    _set(
        page,
        {
            "#title": "=SUM(A1)",
            "#asset-0-url": "javascript:alert(1)",
            "#lead_time_at": "9am",
        },
    )
    text = _save(page)
    for welsh in (
        "'=SUM(A1)': mae’n dechrau gyda’r nod '=', y mae taenlenni’n ei drin fel fformiwla",
        "Nid yw 'javascript:alert(1)' yn ddolen a gyhoeddwn: mae’n dechrau gyda javascript:",
        "Rhaid i’r amser '9am' fod yn HH:MM 24 awr, fel '09:00'",
    ):
        assert welsh in text, welsh
    for english in ("spreadsheets", "is not a link we publish", "24-hour"):
        assert english not in text
    assert "en" not in _english_marks(page, ".error-summary")


def test_a_task_after_the_end_in_the_welsh_campaign_editor(
    page: Any, site: tuple[str, str]
) -> None:
    """The check names the editor's tick box, not the file's `allow_after_end`."""
    page.goto(site[0] + NEW_CAMPAIGN)
    _set(
        page,
        {"#task-0-due-direction": "after-end", "#task-0-due-amount": "3", "#task-0-due-unit": "d"},
    )
    text = _save(page)
    assert (
        "Mae 'end+3d' ar ôl diwedd Diwrnod Rhyngwladol y Menywod ar 2026-03-08 (2026); "
        "ticiwch ‘Gwaith dilynol, i’w wneud ar ôl iddo orffen’ os yw hynny’n gywir"
    ) in text
    assert "allow_after_end" not in text and "falls after" not in text
    page.goto(site[0] + NEW_CAMPAIGN.replace("/cy/", "/"))
    _set(
        page,
        {"#task-0-due-direction": "after-end", "#task-0-due-amount": "3", "#task-0-due-unit": "d"},
    )
    page.click("main form button[type=submit] >> nth=-1")
    page.wait_for_selector(".error-summary")
    assert (
        "'end+3d' falls after International Women's Day ends on 2026-03-08 (2026); tick 'A "
        "follow-up, due after it ends' if that is right"
    ) in page.locator(".error-summary").inner_text()
