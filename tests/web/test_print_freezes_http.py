"""Communication freezes on `/print/YEAR.pdf`, as the month view shows them: the public ones to
everybody, every one to a signed-in person (whose copy is private to their browser), and a new
PDF when a freeze is recorded. Read back with poppler's pdftotext."""

from __future__ import annotations

import datetime as dt

from edicalendar.model import Role
from support import pdfs

from .conftest import Site, record_election, record_embargo

D = dt.date
ELECTION = "Mayoral election pre-election period: Mayoral election"
#: The same freeze on a Welsh chart: its kind in Welsh, its reason as recorded.
ELECTION_CY = "Cyfnod cyn etholiad maer: Mayoral election"
EMBARGO = "Organisation communications freeze: Inspection report embargo"


def _record(site: Site) -> None:
    record_election(site)
    record_embargo(site)


def test_the_public_pdf_shows_public_freezes_only(site: Site) -> None:
    before = site.client.get("/print/2026.pdf")
    assert "Communication freeze" not in pdfs.text(before.content)
    _record(site)
    response = site.client.get("/print/2026.pdf")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert response.headers["etag"] != before.headers["etag"]
    text = pdfs.text(response.content)
    assert f"2–10 Communication freeze: {ELECTION}" in text
    assert (
        f"{ELECTION}: 2 March 2026 to 10 March 2026; holds back public announcements and social "
        "posts." in text
    )
    assert "Inspection report embargo" not in text
    booklet = site.client.get("/print/2026.pdf?layout=booklet")
    march = [w.text for w in pdfs.words(booklet.content, 3)]
    assert march.count("freeze") == 9  # 2 to 10 March
    # Revalidation: the same freezes, the same PDF.
    again = site.client.get("/print/2026.pdf", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_a_signed_in_person_sees_private_freezes_in_a_private_copy(site: Site) -> None:
    _record(site)
    site.person("viewer@nhs.net", Role.VIEWER)
    signed_in = site.signed_in("viewer@nhs.net")
    response = signed_in.get("/print/2026.pdf")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-cache"
    text = pdfs.text(response.content)
    assert ELECTION in text
    assert f"from 16 Mar Communication freeze: {EMBARGO}" in text
    assert f"{EMBARGO}: from 16 March 2026 until it is ended;" in text
    # The next anonymous request still gets the public copy, not the signed-in one.
    public = pdfs.text(site.client.get("/print/2026.pdf").content)
    assert "Inspection report embargo" not in public


def test_the_welsh_pdf_says_freezes_in_welsh(site: Site) -> None:
    _record(site)
    text = pdfs.text(site.client.get("/cy/print/2026.pdf").content)
    assert f"2–10 Cyfnod rhewi cyfathrebu: {ELECTION_CY}" in text
    assert "Cyfnod rhewi cyfathrebu: cyfnod pan fydd y sefydliad yn dal yn ôl" in text
    assert (
        f"{ELECTION_CY}: 2 Mawrth 2026 – 10 Mawrth 2026; yn dal yn ôl cyhoeddiadau cyhoeddus a "
        "negeseuon cyfryngau cymdeithasol." in text
    )
