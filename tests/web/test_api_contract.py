"""API contract tests driven by the OpenAPI document at /openapi.json.

The document is read as a client generator would read it: every documented operation must
give each of its responses a real schema (no `{}`), every error must be problem details, and
real answers from every documented operation, successes and mistakes alike, must validate
against the schema the document gives for their status and media type (with `jsonschema`,
an implementation independent of pydantic, which wrote the schemas).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from edicalendar.model import Role

from .conftest import Site
from .test_campaign_api_http import TABLE

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture
def document(site: Site) -> dict[str, Any]:
    answer = site.client.get("/openapi.json")
    assert answer.status_code == 200
    doc: dict[str, Any] = answer.json()
    return doc


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in METHODS
    ]


def _empty_schemas(value: Any, where: str) -> list[str]:
    """Where in `value` a schema says nothing: `{}` (or only a title/description)."""
    found = []
    if isinstance(value, dict):
        if "schema" in value and isinstance(value["schema"], dict):
            keys = set(value["schema"]) - {"title", "description"}
            if not keys:
                found.append(where)
        for key, item in value.items():
            found += _empty_schemas(item, f"{where}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _empty_schemas(item, f"{where}/{index}")
    return found


def test_every_operation_documents_a_schema_for_every_answer(document: dict[str, Any]) -> None:
    """Each response of each operation has content with a schema (204 and redirects aside),
    errors are `application/problem+json` with the Problem schema (but /healthz's 503, which
    is the health report a load balancer reads), and no schema anywhere is `{}`."""
    assert _operations(document), "the document lists no operations"
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        assert any(s.startswith("2") for s in responses), (path, method)
        for status, response in responses.items():
            if status in ("204", "301", "304"):
                continue
            content = response.get("content")
            assert content, f"{method.upper()} {path} {status} has no content"
            for media, body in content.items():
                assert body.get("schema"), f"{method.upper()} {path} {status} {media}"
            if status[0] in "45" and (path, status) != ("/healthz", "503"):
                assert list(content) == ["application/problem+json"], (path, status)
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }
    assert _empty_schemas(document["paths"], "paths") == []
    assert _empty_schemas({"schema": document["components"]["schemas"]}, "components") == []
    # FastAPI's own validation error is never sent, so it is not documented either.
    assert "HTTPValidationError" not in json.dumps(document)


def test_the_document_has_the_new_endpoints_and_paging(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert "/api/observances/{observance_id}" in paths
    params = {p["name"]: p for p in paths["/api/occurrences"]["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 1000
    ref = params["format"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert document["components"]["schemas"][ref]["enum"] == ["json", "csv", "ics"]
    ok = paths["/api/occurrences"]["get"]["responses"]["200"]["content"]
    assert set(ok) == {"application/json", "text/csv", "text/calendar"}


def _operation_for(
    document: dict[str, Any], method: str, path: str
) -> tuple[str, dict[str, Any]] | None:
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method in operations:
            return template, operations[method]
    return None


def _check(document: dict[str, Any], answer: Any, method: str = "get") -> str:
    """Validate one real answer against the document; returns the operation it matched."""
    path = answer.request.url.path
    found = _operation_for(document, method, path)
    assert found is not None, f"{method.upper()} {path} is not documented"
    template, operation = found
    status = str(answer.status_code)
    responses = operation["responses"]
    assert status in responses, f"{method.upper()} {template} answered {status}, undocumented"
    if status == "204":
        return f"{method} {template}"
    media = answer.headers["content-type"].split(";")[0]
    content = responses[status]["content"]
    assert media in content, f"{method.upper()} {template} {status}: {media} not documented"
    if media in ("application/json", "application/problem+json"):
        schema = {**content[media]["schema"], "components": document["components"]}
        errors = sorted(
            Draft202012Validator(schema).iter_errors(answer.json()), key=lambda e: e.path
        )
        assert not errors, f"{method.upper()} {template} {status}: " + "; ".join(
            f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]
        )
    return f"{method} {template}"


def test_every_operation_answers_what_the_document_says(
    site: Site, document: dict[str, Any]
) -> None:
    """Real answers of every documented operation, successes and errors, validate against
    the document; the test fails if an operation is documented but never exercised here."""
    admin = {"Authorization": f"Bearer {site.api_token('admin@nhs.net', Role.ADMIN)}"}
    client = site.client
    covered: set[str] = set()

    def get(url: str, headers: dict[str, str] | None = None, status: int = 200) -> Any:
        answer = client.get(url, headers=headers or {})
        assert answer.status_code == status, (url, answer.text[:300])
        covered.add(_check(document, answer))
        return answer

    def send(method: str, url: str, body: Any = None, status: int = 200) -> Any:
        answer = client.request(method, url, json=body, headers=admin)
        assert answer.status_code == status, (method, url, answer.text[:300])
        covered.add(_check(document, answer, method.lower()))
        return answer

    # The calendar.
    get("/api/observances")
    get("/api/observances?category=religion_belief")
    get("/api/observances?category=astrology", status=400)
    get("/api/observances?limit=5&offset=2")
    get("/api/observances?limit=0", status=400)
    get("/api/observances/yom-kippur")
    get("/api/observances/yom-kippur?from_year=2026&to_year=2035")
    get("/api/observances/eid-al-fitr?from_year=2070&to_year=2079")  # not_computed
    get("/api/observances/no-such-day", status=404)
    get("/api/observances/yom-kippur?from_year=2030&to_year=2020", status=400)
    get("/api/occurrences?from=2026-01-01&to=2026-12-31")
    get("/api/occurrences?from=2026-01-01&to=2030-12-31&limit=3&offset=3")
    get("/api/occurrences?from=2077-01-01&to=2077-12-31")
    get("/api/occurrences?from=2026-02-30&to=2026-12-31", status=400)
    get("/api/occurrences?from=2026-01-01&to=2026-12-31&limit=0", status=400)
    get("/api/occurrences?from=2026-01-01&to=2026-12-31&format=pdf", status=400)
    get("/api/clashes?date=2026-09-21")
    get("/api/clashes?date=2026-03-10&to=2026-03-01", status=400)
    get("/api/search?q=chanukah")
    get("/api/search?q=", status=400)
    # Health: a stranger sees the status, an administrator the detail.
    get("/healthz")
    get("/healthz", headers=admin)
    # Freezes and campaigns.
    get("/api/freezes")
    freeze = {"kind": "general-election", "reason": "Election", "polling_day": "2026-10-22"}
    made = send("POST", "/api/freezes", freeze, status=201)
    send("POST", "/api/freezes", {"kind": "purdah", "reason": "x"}, status=422)
    send("POST", f"/api/freezes/{made.json()['id']}/end")
    send("POST", "/api/freezes/99/end", status=404)
    get("/api/campaigns", headers={"Authorization": "Bearer edc_made-up-000000"}, status=401)
    get("/api/campaigns", headers=admin)
    get("/api/campaigns?from=2026-12-01&to=2026-01-01", headers=admin, status=400)
    send("POST", "/api/campaigns", TABLE, status=201)
    send("POST", "/api/campaigns", {**TABLE, "tasks": [{"id": "x"}]}, status=422)
    get("/api/campaigns/iwd-2026", headers=admin)
    get("/api/campaigns/nothing", headers=admin, status=404)
    send("PUT", "/api/campaigns/iwd-2026", {**TABLE, "title": "IWD"})
    get("/api/campaigns/iwd-2026/instances", headers=admin)
    send("POST", "/api/campaigns/iwd-2026/tasks/2026/draft", {"done": True})
    send(
        "POST",
        "/api/campaigns/iwd-2026/assets/2026/blog",
        {"status": "published", "url": "https://intranet.example.nhs.uk/iwd"},
    )
    send("POST", "/api/campaigns/iwd-2026/assets/2026/blog", {"status": "viral"}, status=422)
    owner = {"name": "Ben Okafor", "email": "ben.okafor@nhs.net"}
    send("POST", "/api/campaigns/iwd-2026/tasks/2026/draft/owner", owner)
    send("POST", "/api/campaigns/iwd-2026/comments", {"text": "Booked"}, status=201)
    get("/api/campaigns/iwd-2026/history", headers=admin)
    get("/api/my-work", headers=admin)
    send("DELETE", "/api/campaigns/iwd-2026", status=204)
    documented = {f"{m} {p}" for p, m, _ in _operations(document)}
    assert documented - covered == set()


def test_an_unknown_api_address_is_a_problem_too(site: Site, document: dict[str, Any]) -> None:
    answer = site.client.get("/api/nothing-here?x=1")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    schema = {"$ref": "#/components/schemas/Problem", "components": document["components"]}
    Draft202012Validator(schema).validate(answer.json())
    assert answer.json()["instance"] == "/api/nothing-here?x=1"
    wrong_method = site.client.delete("/api/observances")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["title"] == "Method Not Allowed"
