"""The signed-in pages in Welsh: sign-in, invitation, the campaign plan and its campaigns, the
editor, freezes and My work at `/cy/...`, with `lang="cy"`, Welsh labels, Welsh dates and Welsh
messages; forms post to the Welsh page and come back to it; sign-in and CSRF work as in English.
A page is checked against the catalogue itself: no English interface message may be left on it."""

from __future__ import annotations

import html as markup
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from babel.messages.pofile import read_po

from edicalendar.model import Role
from support.forms import form_fields, post_form, with_fields

from .conftest import HTTPS, PASSWORD, Site, form_csrf
from .test_welsh_http import PO

NEW = (
    "/cy/campaigns/new?observance=international-womens-day&template=awareness-day&runs=year"
    "&year=2026"
)


class _Text(HTMLParser):
    """The text of a page and its attribute values people read, outside `lang="en"` parts."""

    _VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.english: list[bool] = []
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        english = found.get("lang") == "en" or bool(self.english and self.english[-1])
        for name in ("aria-label", "label", "title", "placeholder", "data-label"):
            if found.get(name) and not english:
                self.parts.append(str(found[name]))
        if tag in self._VOID:
            return
        self.english.append(english)
        if tag in ("script", "style", "title", "code"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._VOID:
            return
        if self.english:
            self.english.pop()
        if tag in ("script", "style", "title", "code"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and not (self.english and self.english[-1]):
            self.parts.append(data)


def _welsh_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def _english_messages() -> list[str]:
    """Interface messages of some length whose Welsh differs from the English: none of them
    may appear on a Welsh page (their placeholders cut them into the fixed pieces)."""
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    pieces = set()
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        welsh = message.string if isinstance(message.string, str) else ""
        for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>", message.id):
            piece = markup.unescape(piece).strip(" .,;:()")
            if len(piece) >= 14 and piece not in welsh:
                pieces.add(piece)
    return sorted(pieces)


ENGLISH = _english_messages()


def assert_welsh(response: Any) -> str:
    """The page is Welsh (`lang="cy"`, the switch to English) and shows no English message."""
    html = str(response.text)
    assert '<html lang="cy">' in html
    assert 'hreflang="en" lang="en"' in html
    text = _welsh_text(html)
    left = [piece for piece in ENGLISH if piece in text]
    assert left == [], left
    return html


@pytest.fixture
def people(site: Site) -> Site:
    site.person("asha.khan@nhs.net", Role.EDITOR)
    site.person("ada.admin@nhs.net", Role.ADMIN)
    site.person("ben.okafor@nhs.net", Role.VIEWER)
    return site


def _welsh_sign_in(site: Site, email: str) -> Any:
    """A browser that signs in through the Welsh sign-in page."""
    from fastapi.testclient import TestClient

    client = TestClient(site.app, base_url=HTTPS)
    page = client.get("/cy/signin")
    response = client.post(
        "/cy/signin",
        data={"email": email, "password": PASSWORD, "csrf_token": form_csrf(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/cy/campaigns"
    return client


@pytest.fixture
def editor(people: Site) -> Any:
    return _welsh_sign_in(people, "asha.khan@nhs.net")


@pytest.fixture
def admin(people: Site) -> Any:
    return _welsh_sign_in(people, "ada.admin@nhs.net")


def test_the_welsh_sign_in_page_and_its_messages(people: Site) -> None:
    client = people.client
    page = client.get("/cy/signin")
    html = assert_welsh(page)
    assert "<h1>Mewngofnodi</h1>" in html and 'action="/cy/signin"' in html
    wrong = client.post(
        "/cy/signin",
        data={"email": "asha.khan@nhs.net", "password": "wrong", "csrf_token": form_csrf(html)},
    )
    assert wrong.status_code == 401
    assert "Nid yw’r cyfeiriad e-bost a’r cyfrinair hwnnw’n cyfateb i gyfrif yma." in wrong.text
    assert_welsh(wrong)
    # A form without its CSRF token is refused, in Welsh.
    stale = client.post("/cy/signin", data={"email": "asha.khan@nhs.net", "password": PASSWORD})
    assert stale.status_code == 400
    assert "Roedd y ffurflen fewngofnodi wedi dod i ben." in stale.text


def test_a_private_page_asks_a_stranger_to_sign_in_in_welsh(people: Site) -> None:
    response = people.client.get("/cy/my-work", follow_redirects=False)
    assert response.status_code == 401
    assert "Mae’r dudalen hon yn breifat: mewngofnodwch i’w gweld." in response.text
    assert 'name="next" value="/my-work"' in response.text
    assert_welsh(response)


def test_too_many_failed_sign_ins_are_refused_in_welsh(people: Site) -> None:
    client = people.client
    token = form_csrf(client.get("/cy/signin").text)
    for _attempt in range(12):
        answer = client.post(
            "/cy/signin",
            data={"email": "asha.khan@nhs.net", "password": "nope", "csrf_token": token},
        )
        if answer.status_code == 429:
            break
    assert answer.status_code == 429
    assert re.search(
        r"Gormod o ymdrechion aflwyddiannus i fewngofnodi; rhowch gynnig arall arni "
        r"ymhen \d+ munud\.",
        answer.text,
    )


def test_the_welsh_invitation_page_and_its_password_rules(site: Site) -> None:
    accounts = site.ctx.accounts()
    token = accounts.add("cerys@nhs.net", name="Cerys", role=Role.EDITOR, by="tests").token
    client = site.client
    page = client.get(f"/cy/invitation?token={token}")
    html = assert_welsh(page)
    assert "Fe’ch gwahoddir fel <strong>Cerys</strong>" in html
    assert "gyda’r rôl <strong>golygydd</strong>" in html
    fields = {"token": token, "csrf_token": form_csrf(html)}
    mismatch = client.post("/cy/invitation", data={**fields, "password": "a", "confirm": "b"})
    assert mismatch.status_code == 400
    assert "Nid yw’r ddau gyfrinair yr un fath." in mismatch.text
    short = client.post("/cy/invitation", data={**fields, "password": "abc", "confirm": "abc"})
    assert short.status_code == 400
    assert re.search(r"Mae’r cyfrinair yn 3 nod; defnyddiwch o leiaf \d+", short.text)
    assert_welsh(short)
    done = client.post(
        "/cy/invitation",
        data={**fields, "password": PASSWORD, "confirm": PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/cy/")
    used = client.get(f"/cy/invitation?token={token}")
    assert used.status_code == 404
    assert "Mae’r ddolen wahodd hon wedi dod i ben neu wedi’i defnyddio eisoes." in used.text


@pytest.mark.parametrize(
    "path",
    [
        "/cy/campaigns",
        "/cy/campaigns?view=month&period=2026-03",
        "/cy/my-work",
        "/cy/freezes",
        "/cy/campaigns/new",
        "/cy/campaigns/new?observance=international-womens-day",
        NEW,
        "/cy/campaigns/iwd-guest-session",
        "/cy/campaigns/iwd-guest-session/2026",
    ],
)
def test_every_signed_in_page_is_welsh(editor: Any, path: str) -> None:
    response = editor.get(path)
    assert response.status_code == 200, response.text[:500]
    html = assert_welsh(response)
    # Its own links stay Welsh; the header says who is signed in, with the role in Welsh.
    assert 'href="/cy/campaigns"' in html and 'action="/cy/signout"' in html
    assert '<span class="role">(golygydd)</span>' in html


def test_the_plan_page_in_welsh_words_and_dates(editor: Any) -> None:
    html = editor.get("/cy/campaigns?view=quarter&period=2026-Q1").text
    assert "<h1>Cynllun ymgyrchoedd</h1>" in html
    assert '<p class="lead">Ionawr i Fawrth 2026</p>' in html
    assert "Y chwarter nesaf" in html and "Dangos fesul mis" in html
    month = editor.get("/cy/campaigns?view=month&period=2026-03").text
    assert '<p class="lead">Mawrth 2026</p>' in month and "Y mis nesaf" in month
    # Dates of work are written the Welsh way ("Sul 8 Maw 2026" for International Women's Day).
    assert re.search(r"<time datetime=\"2026-03-08\">Sul 8 Maw 2026</time>", month)


def test_a_campaign_made_in_welsh_stays_welsh(site: Site, editor: Any) -> None:
    """The editor's form posts to the Welsh page, a problem comes back in Welsh beside its
    field, and the saved campaign's page, its task buttons and the delete page are Welsh."""
    page = editor.get(NEW)
    assert 'action="/cy/campaigns/new"' in page.text
    fields = form_fields(page.text, "/cy/campaigns/new", "save")
    refused = post_form(editor, "/cy/campaigns/new", with_fields(fields, {"title": ""}))
    assert refused.status_code == 400
    html = assert_welsh(refused)
    assert '<h2 class="error-summary-title" id="error-summary-title">Mae problem</h2>' in html
    assert '<li><a href="#title">Rhowch deitl</a></li>' in html
    # The same mistake in English says what to do in the editor's words too.
    english = editor.get(NEW.removeprefix("/cy"))
    fields_en = form_fields(english.text, "/campaigns/new", "save")
    refused_en = post_form(editor, "/campaigns/new", with_fields(fields_en, {"title": ""}))
    assert '<li><a href="#title">Enter a title</a></li>' in refused_en.text
    saved = post_form(editor, "/cy/campaigns/new", fields, follow_redirects=False)
    assert saved.status_code == 303
    location = saved.headers["location"]
    assert location == "/cy/campaigns/international-womens-day-2026?done=created"
    shown = editor.get(location)
    html = assert_welsh(shown)
    assert "Cafodd yr ymgyrch ei chadw." in html
    assert "Wedi’i gwneud yn y porwr (neu wedi’i mewnforio); fersiwn 1" in html
    assert 'action="/cy/campaigns/international-womens-day-2026/progress"' in html
    # Marking a task done comes back to the Welsh page.
    instance = "/cy/campaigns/international-womens-day-2026/2026"
    work = editor.get(instance).text
    task = re.search(r'name="task" value="([^"]+)"', work)
    assert task
    done = post_form(
        editor,
        "/cy/campaigns/international-womens-day-2026/progress",
        {
            "csrf_token": form_csrf(work),
            "instance": "2026",
            "task": task.group(1),
            "back": "instance",
            "state": "done",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith(instance)
    after = editor.get(done.headers["location"].split("#")[0])
    assert "Marcio heb ei gwneud" in assert_welsh(after)
    # The history says what happened in Welsh (the core's messages, through the catalogue).
    name = re.search(r"<span>nododd fod y dasg ‘([^’]+)’ wedi’i gwneud</span>", after.text)
    assert name, "the task marked done is in the Welsh history"
    english = editor.get(done.headers["location"].split("#")[0].removeprefix("/cy")).text
    assert (
        f"<span>marked the task '{markup.escape(name.group(1), quote=True)}' done</span>"
        in (english)
        or f"<span>marked the task &#39;{markup.escape(name.group(1))}&#39; done</span>" in english
    )
    assert re.search(r'<span class="progress-done">wedi’i wneud</span>', after.text)
    edit = editor.get("/cy/campaigns/international-womens-day-2026/edit")
    assert "<h1>Golygu: " in assert_welsh(edit)
    delete = editor.get("/cy/campaigns/international-womens-day-2026/delete")
    assert "Dileu’r ymgyrch" in assert_welsh(delete)
    gone = post_form(
        editor,
        "/cy/campaigns/international-womens-day-2026/delete",
        form_fields(delete.text, "/cy/campaigns/international-womens-day-2026/delete", None),
        follow_redirects=False,
    )
    assert gone.headers["location"] == "/cy/campaigns?done=deleted"
    assert "Cafodd yr ymgyrch ei dileu." in editor.get(gone.headers["location"]).text


def test_a_freeze_recorded_in_welsh(admin: Any) -> None:
    page = admin.get("/cy/freezes")
    html = assert_welsh(page)
    assert "<h1>Cyfnodau rhewi cyfathrebu</h1>" in html and 'action="/cy/freezes"' in html
    assert "Cyfnod cyn etholiad cyffredinol" in html  # the kinds, in the form's list
    recorded = post_form(
        admin,
        "/cy/freezes",
        {
            "csrf_token": form_csrf(html),
            "kind": "organisation",
            "reason": "Staff survey results",
            "from": "2026-03-10",
            "to": "2026-03-12",
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303
    assert recorded.headers["location"].startswith("/cy/freezes?added=")
    shown = admin.get(recorded.headers["location"].split("#")[0])
    html = assert_welsh(shown)
    assert re.search(r"Cofnodwyd cyfnod rhewi \d+: Cyfnod rhewi cyfathrebu’r sefydliad: ", html)
    assert '<span lang="en">Staff survey results</span>' in html
    assert "Mawrth 2026" in html or "Maw 2026" in html


def test_a_freeze_refused_in_welsh_and_in_english(admin: Any) -> None:
    """The freeze book's checks (dates the wrong way round, a missing reason, a date that
    cannot be read) are Welsh on the Welsh form, word for word what they were in English."""
    html = admin.get("/cy/freezes").text
    cases = (
        (
            {"reason": "Staff survey", "from": "2026-03-20", "to": "2026-03-12"},
            # The form has no command-line options: it names its own fields in both languages.
            "mae’r diwrnod olaf 2026-03-12 cyn y diwrnod cyntaf 2026-03-20",
            "the last day 2026-03-12 is before the first day 2026-03-20",
        ),
        (
            {"reason": "By-election", "kind": "general-election", "from": "", "to": ""},
            "dywedwch pryd mae’n dechrau: ei ddiwrnod cyntaf, neu ddiwrnod pleidleisio’r etholiad",
            "say when it starts: its first day, or the election&#39;s polling day",
        ),
        (
            {"reason": "Council election", "kind": "general-election", "from": "2026-04-01"},
            "mae cyfnod cyn etholiad yn dod i ben: rhowch ei ddiwrnod olaf neu ei ddiwrnod "
            "pleidleisio; dim ond cyfnodau galar a chyfnodau rhewi’r sefydliad all fod heb ddiwedd",
            "a pre-election period ends: give its last day or its polling day; only mourning and "
            "organisation freezes may be open-ended",
        ),
        (
            {"reason": " ", "from": "2026-03-10", "to": "2026-03-12"},
            "reason: dywedwch pam, fel ‘Etholiad cyffredinol 4 Gorffennaf 2024’",
            "reason: say why, such as &#39;General election 4 July 2024&#39;",
        ),
        (
            {"reason": "Staff survey", "from": "10/03/2026", "to": "2026-03-12"},
            "from: nid yw &#39;10/03/2026&#39; yn ddyddiad; defnyddiwch BBBB-MM-DD",
            "from: &#39;10/03/2026&#39; is not a date; use YYYY-MM-DD",
        ),
    )
    for fields, welsh, english in cases:
        refused = post_form(
            admin,
            "/cy/freezes",
            {"csrf_token": form_csrf(html), "kind": "organisation"} | fields,
        )
        assert refused.status_code == 400
        page = assert_welsh(refused)
        assert welsh in page
        assert 'id="freeze-error" role="alert">' in page  # Welsh, so not marked English
        en = admin.get("/freezes").text
        refused_en = post_form(
            admin, "/freezes", {"csrf_token": form_csrf(en), "kind": "organisation"} | fields
        )
        assert english in refused_en.text


def test_core_messages_keep_their_english_and_say_it_in_welsh() -> None:
    """A core message is the English the CLI and API always showed; in Welsh it is the
    catalogue's sentence with its values (dates in Welsh too)."""
    import datetime as dt

    from edicalendar import i18n
    from edicalendar.calendar.freezes import Audience, Freeze, FreezeKind, flag_for

    freeze = Freeze(
        id=1,
        kind=FreezeKind.GENERAL_ELECTION,
        start=dt.date(2024, 5, 25),
        end=dt.date(2024, 7, 4),
        reason="4 July 2024",
    )
    assert freeze.title == "General election pre-election period: 4 July 2024"
    assert str(freeze.span_text()) == "Sat 25 May 2024 to Thu 4 Jul 2024"
    flag = flag_for(dt.date(2024, 6, 1), Audience.PUBLIC, [freeze], today=dt.date(2024, 1, 1))
    assert flag is not None
    assert flag.message == (
        "inside the general election pre-election period (Sat 25 May 2024 to Thu 4 Jul 2024):"
        " hold or move; nearest open date Fri 24 May 2024"
    )
    assert freeze.title.translated("cy") == "Cyfnod cyn etholiad cyffredinol: 4 July 2024"
    assert flag.message.translated("cy") == (
        "o fewn y cyfnod cyn etholiad cyffredinol (Sad 25 Mai 2024 i Iau 4 Gorff 2024): daliwch"
        " yn ôl neu symudwch; y dyddiad agored agosaf yw Gwen 24 Mai 2024"
    )
    token = i18n.language.set("cy")
    try:
        assert i18n.in_language(flag.message) == (flag.message.translated("cy"), False)
    finally:
        i18n.language.reset(token)


def test_my_work_in_welsh(editor: Any) -> None:
    html = assert_welsh(editor.get("/cy/my-work"))
    assert "<h1>Fy ngwaith</h1>" in html
    assert "Eich terfynau amser yn eich calendr" in html


def test_a_viewer_refused_a_change_is_told_in_welsh(people: Site) -> None:
    viewer = _welsh_sign_in(people, "ben.okafor@nhs.net")
    refused = viewer.get("/cy/campaigns/new")
    assert refused.status_code == 403
    assert "Ni all eich rôl (gwyliwr) wneud hyn; mae angen golygydd." in refused.text
    assert_welsh(refused)


def test_the_english_pages_are_unchanged(editor: Any) -> None:
    """The same pages in English keep their English words."""
    english = editor.get("/campaigns?view=quarter&period=2026-Q1").text
    assert '<html lang="en-GB">' in english
    assert "<h1>Campaign plan</h1>" in english and "January to March 2026" in english
    assert "Next quarter" in english and "Cynllun" not in english


def test_every_word_the_private_pages_take_from_data_has_welsh() -> None:
    """Roles, asset kinds and statuses, audiences, freeze kinds, restrictions, scopes and states
    are all in the word list (so in the catalogue), and each has Welsh."""
    from edicalendar import i18n
    from edicalendar.calendar.freezes import (
        KIND_LABELS,
        RESTRICTION_LABELS,
        FreezeScope,
        FreezeStatus,
    )
    from edicalendar.model import AssetKind, AssetStatus
    from edicalendar.web import campaign_form, words

    assert {r.value for r in Role} | {"none"} == set(words.ROLES)
    assert {k.value for k in AssetKind} == set(words.ASSET_KINDS)
    assert {s.value for s in AssetStatus} == set(words.ASSET_STATUSES)
    assert set(campaign_form.AUDIENCES) == set(words.AUDIENCES)
    assert set(KIND_LABELS.values()) == set(words.FREEZE_KINDS)
    assert set(RESTRICTION_LABELS.values()) == set(words.FREEZE_RESTRICTIONS)
    assert {s.value for s in FreezeScope} == set(words.FREEZE_SCOPES)
    assert {s.value for s in FreezeStatus} == set(words.FREEZE_STATES)
    listed = [*words.ROLES, *words.ASSET_KINDS, *words.ASSET_STATUSES, *words.FREEZE_KINDS]
    listed += [*words.FREEZE_RESTRICTIONS, *words.FREEZE_SCOPES, *words.FREEZE_STATES]
    listed += [text for _, text in (*campaign_form.UNITS, *campaign_form.DIRECTIONS)]
    # "blog", "staff" and "video" are the same word in Welsh.
    untranslated = [w for w in listed if i18n.gettext(w, "cy") == w]
    assert set(untranslated) <= {"blog", "staff"}


def test_a_campaign_id_in_both_a_file_and_the_database_is_reported_in_welsh(
    site: Site, editor: Any, web_env: Any
) -> None:
    """A campaign file added later with the id of a campaign made in the browser: the plan
    page's warnings and the stored campaign's page say so in Welsh (the database named in
    Welsh, the file and field as they are); the English page keeps its English."""
    site.ctx.campaigns().create(
        {
            "id": "iwd-2026",
            "title": "IWD 2026",
            "observance": "international-womens-day",
            "years": [2026],
        },
        by="asha.khan@nhs.net",
    )
    late = web_env.campaigns / "late.toml"
    late.write_text(
        '[[campaign]]\nid = "iwd-2026"\ntitle = "Same id"\nobservance = "international-womens-day"'
        "\nyears = [2026]\n",
        encoding="utf-8",
    )
    assert site.app.state.live.reload_if_changed() is True
    welsh = editor.get("/cy/campaigns?view=quarter&period=2026-Q1")
    html = assert_welsh(welsh)
    assert (
        f'<p class="warning">cronfa ddata: iwd-2026: id: id ymgyrch dyblyg; wedi’i diffinio '
        f"hefyd yn {late}:1</p>"
    ) in html
    assert (
        f'<p class="warning">{late}:1: iwd-2026: id: id ymgyrch dyblyg; wedi’i chadw hefyd yn y '
        "gronfa ddata (wedi’i gwneud yn y porwr neu wedi’i mewnforio); ailenwch neu dilëwch un "
        "ohonynt</p>"
    ) in html
    about = assert_welsh(editor.get("/cy/campaigns/iwd-2026"))
    assert f"<span>id ymgyrch dyblyg; wedi’i diffinio hefyd yn {late}:1</span>" in about
    english = editor.get("/campaigns?view=quarter&period=2026-Q1").text
    assert (
        f'<p class="warning">database: iwd-2026: id: duplicate campaign id; also defined at '
        f"{late}:1</p>"
    ) in english
    assert (
        f'<p class="warning">{late}:1: iwd-2026: id: duplicate campaign id; also stored in the '
        "database (made in the browser or imported); rename or delete one of them</p>"
    ) in english


def test_a_campaign_changed_meanwhile_is_refused_in_welsh(site: Site, editor: Any) -> None:
    """Someone else saves the campaign after the Welsh editor was opened: the save is refused
    with a Welsh message naming who changed it and when; nothing is lost."""
    page = editor.get(NEW)
    fields = form_fields(page.text, "/cy/campaigns/new", "save")
    saved = post_form(editor, "/cy/campaigns/new", fields, follow_redirects=False)
    assert saved.status_code == 303
    edit = editor.get("/cy/campaigns/international-womens-day-2026/edit")
    stale = form_fields(edit.text, "/cy/campaigns/international-womens-day-2026/edit", "save")
    service = site.ctx.campaigns()
    table = service.definition("international-womens-day-2026").table
    service.update(
        "international-womens-day-2026", {**table, "title": "Changed meanwhile"}, by="ada@nhs.net"
    )
    refused = post_form(
        editor,
        "/cy/campaigns/international-womens-day-2026/edit",
        with_fields(stale, {"title": "My change"}),
    )
    assert refused.status_code == 409
    html = markup.unescape(assert_welsh(refused))
    assert re.search(
        r"Newidiwyd 'international-womens-day-2026' gan ada@nhs\.net am 2026-03-05 \d\d:\d\d UTC "
        r"\(fersiwn 2\) ar ôl i chi ei agor; ail-lwythwch ef a gwnewch eich newid eto",
        html,
    ), html[:3000]
    assert service.definition("international-womens-day-2026").table["title"] == (
        "Changed meanwhile"
    )


def test_an_english_name_inside_a_welsh_check_is_marked_as_english(editor: Any) -> None:
    """A task after the end of Eid al-Fitr (which has no published Welsh name): the Welsh
    sentence keeps the English name, marked `lang="en"` so a screen reader says it as English
    (WCAG 2.2 3.1.2, language of parts); the rest of the sentence is Welsh."""
    new = NEW.replace("international-womens-day", "eid-al-fitr")
    page = editor.get(new)
    fields = form_fields(page.text, "/cy/campaigns/new", "save")
    due = {"task-0-due-direction": "after-end", "task-0-due-amount": "3", "task-0-due-unit": "d"}
    refused = post_form(editor, "/cy/campaigns/new", with_fields(fields, due))
    assert refused.status_code == 400
    html = assert_welsh(refused)
    assert re.search(
        r"Mae &#39;end\+3d&#39; ar ôl diwedd <span lang=\"en\">Eid al-Fitr</span> ar "
        r"2026-03-2\d \(2026\); ticiwch ‘Gwaith dilynol, i’w wneud ar ôl iddo orffen’ os yw "
        r"hynny’n gywir",
        html,
    ), re.findall(r"Mae &#39;end.{0,300}", html)
