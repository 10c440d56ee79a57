"""The JSON API and /healthz over HTTP: shapes, filters, dates and bad query values."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from support.net import LOCAL_BASE_URL


def test_observances_lists_the_catalog_sorted_by_name(client: TestClient) -> None:
    """/api/observances returns every observance with its sources; category filters narrow it."""
    everything = client.get("/api/observances").json()
    ids = [o["id"] for o in everything]
    assert set(ids) == {
        "international-womens-day",
        "black-history-month",
        "eid-al-fitr",
        "yom-kippur",
        "mental-health-awareness-week",
        "hostile-text",
    }
    names = [o["name"] for o in everything]
    assert names == sorted(names, key=str.casefold)
    yom = next(o for o in everything if o["id"] == "yom-kippur")
    assert yom["sources"] == ["https://www.hebcal.com/holidays/yom-kippur"]
    assert yom["fasting"] is True and yom["begins_evening_before"] is True
    faith = client.get("/api/observances?category=religion_belief").json()
    assert {o["id"] for o in faith} == {"eid-al-fitr", "yom-kippur"}
    # Feed addresses spell it religion-belief: the API takes that spelling too.
    assert client.get("/api/observances?category=religion-belief").json() == faith
    assert client.get("/api/observances?category=nonsense").status_code == 400


def test_occurrences_in_a_window_carry_the_cli_json_keys(client: TestClient) -> None:
    """/api/occurrences gives dated occurrences with the DESIGN 4.3 keys and honest status."""
    body = client.get("/api/occurrences?from=2026-03-01&to=2026-03-31").json()
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-31"
    by_id = {o["observance"]: o for o in body["occurrences"]}
    iwd = by_id["international-womens-day"]
    for key in ("observance", "name", "start", "end", "categories", "status",
                "begins_evening_before", "url", "description"):  # fmt: skip
        assert key in iwd
    assert (iwd["start"], iwd["end"], iwd["status"]) == ("2026-03-08", "2026-03-08", "confirmed")
    # Umm al-Qura calendar: 1 Shawwal 1447 AH is Friday 20 March 2026 (an estimate in the UK).
    eid = by_id["eid-al-fitr"]
    assert (eid["start"], eid["status"], eid["begins_evening_before"]) == (
        "2026-03-20",
        "estimated",
        True,
    )
    starts = [o["start"] for o in body["occurrences"]]
    assert starts == sorted(starts)


def test_occurrences_category_filter(client: TestClient) -> None:
    """A category parameter keeps only observances in that category (repeatable)."""
    body = client.get("/api/occurrences?from=2026-01-01&to=2026-12-31&category=race").json()
    assert [o["observance"] for o in body["occurrences"]] == ["black-history-month"]
    both = client.get(
        "/api/occurrences?from=2026-01-01&to=2026-12-31&category=race&category=sex"
    ).json()
    assert {o["observance"] for o in both["occurrences"]} == {
        "black-history-month",
        "international-womens-day",
    }


def test_bad_occurrence_queries_are_400_problems_with_a_message(client: TestClient) -> None:
    """Impossible dates, reversed windows, huge windows, unknown categories and missing values
    are all the same mistake (a query value), so all 400, as problem details naming it."""
    cases = (
        ("from=2026-02-30&to=2026-12-31", "from"),
        ("from=2026-12-31&to=2026-01-01", "to 2026-01-01 is before from 2026-12-31"),
        ("from=2000-01-01&to=2030-12-31", "at most 3660 days"),
        ("from=2026-01-01&to=2026-12-31&category=astrology", "category"),
        ("from=2026-01-01", "to"),
        ("from=yesterday&to=2026-01-01", "from"),
    )
    for query, words in cases:
        response = client.get(f"/api/occurrences?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert (problem["status"], problem["title"]) == (400, "Bad Request")
        assert problem["instance"] == f"/api/occurrences?{query}"
        assert isinstance(problem["detail"], str) and words in problem["detail"], problem
        assert "Traceback" not in response.text


def test_clashes_api_matches_the_date_check(client: TestClient) -> None:
    """/api/clashes on 21 Sep 2026 lists Yom Kippur with fasting and rest; the 20th its eve."""
    day = client.get("/api/clashes?date=2026-09-21").json()
    yom = next(c for c in day["clashes"] if c["observance"] == "yom-kippur")
    assert yom["fasting"] is True and yom["rest_from_work"] is True and yom["eve"] is False
    eve = client.get("/api/clashes?date=2026-09-20").json()
    assert [(c["observance"], c["eve"]) for c in eve["clashes"]] == [("yom-kippur", True)]
    ranged = client.get("/api/clashes?date=2026-03-07&to=2026-03-09").json()
    assert [c["date"] for c in ranged["clashes"]] == ["2026-03-08"]


def test_clashes_api_reports_an_estimate_within_its_margin(client: TestClient) -> None:
    """Eid al-Fitr 1448 is estimated for 9 Mar 2027 (Umm al-Qura; the tabular calendar gives
    the 10th): /api/clashes?date=2027-03-10 lists it as possible, with its margin."""
    answer = client.get("/api/clashes?date=2027-03-10").json()
    (eid,) = [c for c in answer["clashes"] if c["observance"] == "eid-al-fitr"]
    assert (eid["certainty"], eid["label"], eid["on_day"]) == (
        "possible",
        "possible (±1 day)",
        True,
    )
    assert (eid["start"], eid["may_vary_days"], eid["rest_from_work"]) == ("2027-03-09", 1, True)


def test_clashes_api_lists_bank_holidays(client: TestClient) -> None:
    """Good Friday 2026 (Easter is 5 April) is a bank holiday in England and Wales."""
    answer = client.get("/api/clashes?date=2026-04-03").json()
    first = answer["clashes"][0]
    assert (first["kind"], first["name"], first["observance"]) == (
        "bank_holiday",
        "Bank holiday: Good Friday",
        None,
    )
    assert first["rest_from_work"] is True and first["label"] == "confirmed"


def test_api_lists_years_it_cannot_date(client: TestClient) -> None:
    """The Umm al-Qura table ends in November 2077: /api/occurrences for 2077 lists Eid al-Fitr
    in `not_computed` with the reason, and /api/clashes says it could not check it."""
    answer = client.get("/api/occurrences?from=2077-01-01&to=2077-12-31").json()
    (eid,) = [m for m in answer["not_computed"] if m["observance"] == "eid-al-fitr"]
    assert eid["year"] == 2077 and "cannot compute 2077" in eid["reason"]
    assert answer["not_held"] == []
    assert "eid-al-fitr" not in {o["observance"] for o in answer["occurrences"]}
    clashes = client.get("/api/clashes?date=2077-03-01").json()
    assert "eid-al-fitr" in {m["observance"] for m in clashes["not_computed"]}
    now = client.get("/api/occurrences?from=2026-01-01&to=2026-12-31").json()
    assert (now["not_computed"], now["not_held"]) == ([], [])


def test_bad_clash_queries(client: TestClient) -> None:
    """A missing or impossible date and a reversed range are all 400, each with a message."""
    missing = client.get("/api/clashes")
    assert missing.status_code == 400
    assert missing.json()["problems"] == [{"field": "date", "message": "required field is missing"}]
    bad = client.get("/api/clashes?date=2026-02-30")
    assert bad.status_code == 400 and "date" in bad.json()["detail"]
    reversed_range = client.get("/api/clashes?date=2026-03-10&to=2026-03-01")
    assert reversed_range.status_code == 400
    assert "before" in reversed_range.json()["detail"]


def test_openapi_documents_the_api(client: TestClient) -> None:
    """/openapi.json lists the public and private API routes; /docs serves the explorer."""
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/observances",
        "/api/occurrences",
        "/api/clashes",
        "/api/campaigns",
        "/healthz",
    ):
        assert path in paths, path
    assert "/feeds/{name}.ics" not in paths
    docs = client.get("/docs")
    assert docs.status_code == 200 and "openapi.json" in docs.text


def test_healthz_tells_strangers_only_the_status(client: TestClient, token_env: str) -> None:
    """Without the access token (or with a wrong one) /healthz is just the status; the detail
    (data, clock, ledger errors) needs the token, as the private routes do."""
    for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}):
        response = client.get("/healthz", headers=headers)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
    detailed = client.get("/healthz", headers={"Authorization": f"Bearer {token_env}"}).json()
    assert set(detailed) == {"status", "data", "scheduler", "ledger"}


def test_healthz_reports_data_scheduler_and_ledger(client: TestClient, token_env: str) -> None:
    """/healthz says ok with the observance count, feeds, scheduler state and a reachable ledger."""
    response = client.get("/healthz", headers={"Authorization": f"Bearer {token_env}"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["data"]["loaded"] is True and body["data"]["observances"] == 6
    assert "all" in body["data"]["feeds"]
    assert body["data"]["problems"] == []
    assert body["ledger"] == {"reachable": True}
    assert body["scheduler"]["running"] is False


def test_healthz_reports_stopped_reminder_channels(client: TestClient, token_env: str) -> None:
    """A channel the bot stopped (recorded in the ledger) makes /healthz degraded, naming it."""
    import datetime as dt
    import json

    from edicalendar.storage.state import Halt, StateStore

    database = client.app.state.live.base.database  # type: ignore[attr-defined]
    since = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC)
    StateStore(database).set_halt(Halt("slack", "x", "webhook revoked (HTTP 404)", since))
    assert client.get("/healthz").json() == {"status": "degraded"}
    body = client.get("/healthz", headers={"Authorization": f"Bearer {token_env}"}).json()
    assert body["status"] == "degraded"
    assert body["scheduler"]["halted"] == {
        "slack": {"reason": "webhook revoked (HTTP 404)", "since": "2026-03-05T09:00:00Z"}
    }
    assert "fingerprint" not in json.dumps(body)


def test_healthz_is_503_when_the_ledger_cannot_be_reached(
    client: TestClient, token_env: str
) -> None:
    """With the database unreachable /healthz answers 503 and says why, without a traceback."""
    from sqlalchemy import create_engine

    from edicalendar.storage.engine import Database

    live = client.app.state.live  # type: ignore[attr-defined]
    url = "sqlite:////proc/no-such-dir/edicalendar.db"
    live.base.__dict__["database"] = Database(engine=create_engine(url), url=url)
    assert client.get("/healthz").json() == {"status": "failing"}
    response = client.get("/healthz", headers={"Authorization": f"Bearer {token_env}"})
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["ledger"]["reachable"] is False
    assert "unable to open database file" in body["ledger"]["error"]
    assert body["data"]["loaded"] is True  # pages and feeds still answer
    assert client.get("/feeds/all.ics").status_code == 200


def test_an_unexpected_error_is_a_500_page_without_a_traceback(
    client: TestClient, monkeypatch: Any
) -> None:
    """A bug while answering gives a plain 500 page (JSON under /api/), never a traceback."""
    from edicalendar.web import api, pages

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(pages, "find_clashes", broken)
    monkeypatch.setattr(api, "find_clashes", broken)
    with TestClient(client.app, base_url=LOCAL_BASE_URL, raise_server_exceptions=False) as quiet:
        page = quiet.get("/clashes?date=2026-09-21")
        api_response = quiet.get("/api/clashes?date=2026-09-21")
    assert page.status_code == 500
    assert "<h1>Something went wrong</h1>" in page.text
    assert api_response.status_code == 500
    for text in (page.text, api_response.text):
        assert "Traceback" not in text and "secret internal detail" not in text


def test_occurrences_api_gives_what_the_cli_prints(
    client: TestClient, web_env: Any, run_cli
) -> None:
    """The API's occurrence objects are exactly `edicalendar occurrences --format json`'s, for a
    window that runs past the Hijri tables too (its warnings are the CLI's warnings)."""
    query = "from=2076-06-01&to=2077-03-31"
    first = client.get(f"/api/occurrences?{query}")
    again = client.get(f"/api/occurrences?{query}")
    assert first.headers["content-type"] == "application/json"
    assert first.content == again.content  # answered from the cached records, unchanged
    body = first.json()
    result = run_cli(
        "--config", str(web_env.config), "occurrences",
        "--from", "2076-06-01", "--to", "2077-03-31", "--format", "json",
    )  # fmt: skip
    assert result.code == 0
    assert body["occurrences"] == json.loads(result.out)
    assert body["warnings"] and all(f"warning: {w}" in result.err for w in body["warnings"])
    assert body["from"] == "2076-06-01" and body["to"] == "2077-03-31"


def test_observances_and_occurrences_carry_the_welsh_name_and_its_source(
    client: TestClient,
) -> None:
    """`name_cy`, `name_cy_source` and `description_cy` are in every observance and occurrence
    (null where the data has none), beside the English keys, which are unchanged."""
    senedd = "https://blog.senedd.cymru/2016/09/30/mis-hanes-pobl-dduon-2016/"
    observances = {o["id"]: o for o in client.get("/api/observances").json()}
    bhm = observances["black-history-month"]
    assert (bhm["name"], bhm["name_cy"], bhm["name_cy_source"]) == (
        "Black History Month",
        "Mis Hanes Pobl Dduon",
        senedd,
    )
    assert bhm["description_cy"].startswith("Ym mis Hydref, mae’r DU yn dathlu")
    yom = observances["yom-kippur"]
    assert (yom["name_cy"], yom["name_cy_source"], yom["description_cy"]) == (None, None, None)
    detail = client.get("/api/observances/black-history-month?from_year=2026&to_year=2026").json()
    assert detail["name_cy"] == "Mis Hanes Pobl Dduon"
    assert detail["occurrences"][0]["name_cy_source"] == senedd
    body = client.get("/api/occurrences?from=2026-10-01&to=2026-10-31").json()
    by_id = {o["observance"]: o for o in body["occurrences"]}
    october = by_id["black-history-month"]
    assert (october["name"], october["name_cy"], october["name_cy_source"]) == (
        "Black History Month",
        "Mis Hanes Pobl Dduon",
        senedd,
    )
    assert october["description_cy"] == bhm["description_cy"]
    assert all(o["name_cy"] is None for k, o in by_id.items() if k != "black-history-month")
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    for model in ("OccurrenceRecord", "ObservanceRecord"):
        for key in ("name_cy", "name_cy_source", "description_cy"):
            assert key in schema[model]["properties"] and key in schema[model]["required"]


def test_occurrences_csv_keeps_its_columns_and_adds_the_welsh_ones_last(
    client: TestClient,
) -> None:
    """The CSV's earlier columns stay in their places; the Welsh ones come after them."""
    import csv
    import io

    text = client.get("/api/occurrences?from=2026-10-01&to=2026-10-31&format=csv").text
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:13] == ["observance", "name", "start", "end", "categories", "status",
                           "may_vary_days", "begins_evening_before", "theme", "url",
                           "calendar", "instance", "description"]  # fmt: skip
    assert header[-4:] == ["also_in", "name_cy", "name_cy_source", "description_cy"]
    bhm = next(r for r in rows[1:] if r[0] == "black-history-month")
    assert bhm[header.index("name_cy")] == "Mis Hanes Pobl Dduon"
