"""The API's one error format: RFC 9457 problem details (`application/problem+json`).

Every error under `/api/` and `/healthz` is a problem object: `type` (always `about:blank`, so
`title` is the HTTP status phrase), `title`, `status`, `detail` (what was wrong and what to
do, naming the parameter or field), `instance` (the address asked for) and `problems`, one
`{field, message}` per field at fault. The same mistake gets the same status everywhere: a
query or path value that cannot be read or is out of range (a bad date, an end before the
start, a window too long, an unknown category) is 400; a request body whose content is
wrong is 422; then 401, 403, 404, 405, 409, 412, 413 and 500 as HTTP defines them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
#: Where the API's answers are JSON, and so its errors problem details.
JSON_PREFIXES = ("/api/", "/healthz", "/openapi.json")


class FieldProblem(BaseModel):
    """One field at fault: `field` is a parameter (`from`) or a path in the body
    (`tasks.2.due`), null when the problem is with the request as a whole."""

    model_config = ConfigDict(extra="forbid")

    field: str | None
    message: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(default="about:blank", description="Always about:blank (RFC 9457 4.2.1).")
    title: str = Field(description='The HTTP status phrase, e.g. "Bad Request".')
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="What was wrong and what to do about it.")
    instance: str | None = Field(
        default=None, description="The address asked for (path and query)."
    )
    problems: list[FieldProblem] = Field(
        default_factory=list, description="Each field at fault; empty when none is."
    )


class ProblemError(HTTPException):
    """Raised by an API route to answer with a problem (rendered by the app's handler)."""

    def __init__(
        self,
        status: int,
        detail: str,
        problems: Sequence[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status, detail, dict(headers) if headers else None)
        self.problems = [dict(p) for p in problems]


def wants_problem(path: str) -> bool:
    """Whether an error at `path` is answered as problem details (else an HTML page)."""
    return path.startswith(JSON_PREFIXES)


def problem_body(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    problems: Sequence[Mapping[str, Any]] = (),
) -> bytes:
    """The problem object as UTF-8 JSON bytes."""
    record = {
        "type": "about:blank",
        "title": _title(status),
        "status": status,
        "detail": detail,
        "instance": instance,
        "problems": [{"field": p.get("field"), "message": p["message"]} for p in problems],
    }
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def problem_response(
    request: Request | None,
    status: int,
    detail: str,
    *,
    problems: Sequence[Mapping[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An `application/problem+json` answer for `request` (its address is the `instance`)."""
    instance = None if request is None else _instance(request)
    body = problem_body(status, detail, instance=instance, problems=problems)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _instance(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for these error statuses, each a :class:`Problem`."""
    return {status: {"model": Problem, "description": _title(status)} for status in statuses}


def use_problem_media_type(document: dict[str, Any]) -> dict[str, Any]:
    """Rewrite an OpenAPI document so every error response is a :class:`Problem` sent as
    `application/problem+json`, with the statuses the API really gives.

    FastAPI files a response model under the route's own media type (`application/json`) and
    documents FastAPI's own 422 validation error for every route with parameters; here a
    query or path value that cannot be read is a 400 problem and only a body is a 422 one.
    """
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    ref = {"$ref": "#/components/schemas/Problem"}
    for name, schema in (
        Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        .pop("$defs", {})
        .items()
    ):
        schemas.setdefault(name, schema)
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["Problem"].pop("$defs", None)
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            fastapi_422 = responses.get("422", {}).get("content", {}).get("application/json", {})
            if fastapi_422.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                del responses["422"]
                if "requestBody" in operation:
                    responses["422"] = {"description": "The body's content is not valid"}
                responses.setdefault("400", {"description": _title(400)})
            for status, response in responses.items():
                if not (status == "default" or str(status)[:1] in "45"):
                    continue
                content = response.setdefault("content", {})
                given = content.get("application/json", {}).get("schema", {})
                if given and not given.get("$ref", "").endswith("/Problem"):
                    continue  # an answer of its own (/healthz's 503 is a health report)
                content.pop("application/json", None)
                content[PROBLEM_JSON] = {"schema": ref}
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused not in json.dumps(document["paths"]):
            schemas.pop(unused, None)
    return document
