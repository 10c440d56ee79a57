"""The public JSON API (documented by OpenAPI at /docs) and the `/healthz` probe.

Occurrence objects use the CLI's JSON shape (`output.occurrence_record`, DESIGN 4.3), so a
script can move between `edicalendar occurrences --format json` and the API unchanged. Bad
query values are answered with 400 or 422 and a message naming the parameter.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from edicalendar.calendar.clashes import find_clashes
from edicalendar.calendar.filters import ObservanceFilter
from edicalendar.calendar.occurrence_records import (
    missing_records,
    observance_record,
    occurrence_json,
)
from edicalendar.errors import QueryError
from edicalendar.model import Category
from edicalendar.web.live import LiveData
from edicalendar.web.views import check_window, observances_in

router = APIRouter()


CategoryQuery = Annotated[
    list[Category], Query(description="Only observances in any of these categories (repeatable).")
]


def _live(request: Request) -> LiveData:
    live = request.app.state.live
    assert isinstance(live, LiveData)
    return live


def _window(start: dt.date, end: dt.date, start_name: str, end_name: str) -> None:
    try:
        check_window(start, end, start_name, end_name)
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from None


@router.get("/api/observances", tags=["calendar"], summary="Every observance in the calendar")
def api_observances(request: Request, category: CategoryQuery = []) -> list[dict[str, Any]]:  # noqa: B006 - FastAPI copies defaults
    """Observances (not dated) with categories, description, sources and flags, sorted by name."""
    catalog = _live(request).snapshot.catalog
    return [observance_record(o) for o in observances_in(catalog, category)]


_OCCURRENCES_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "`from`, `to`, `occurrences` (objects as `edicalendar occurrences "
        "--format json` prints them) and `warnings` (years a rule cannot date).",
        "content": {"application/json": {}},
    }
}


@router.get(
    "/api/occurrences",
    tags=["calendar"],
    summary="Dated occurrences in a window",
    response_class=Response,
    responses=_OCCURRENCES_RESPONSE,
)
def api_occurrences(
    request: Request,
    from_: Annotated[dt.date, Query(alias="from", description="First day, YYYY-MM-DD.")],
    to: Annotated[dt.date, Query(description="Last day, YYYY-MM-DD (inclusive).")],
    category: CategoryQuery = [],  # noqa: B006 - FastAPI copies defaults
) -> Response:
    """Occurrences overlapping `from`..`to` (at most ten years), in date order, with status.

    `not_computed` lists the years a rule cannot date (with the reason) and `not_held` the
    years before an observance began, so nothing is missing without saying why.
    """
    _window(from_, to, "from", "to")
    snapshot = _live(request).snapshot
    expansion = snapshot.occurrences(from_, to, ObservanceFilter.of(categories=category))
    index = snapshot.catalog.index
    # Each occurrence's JSON is encoded once per data version and reused by every answer.
    records = b",".join(index.derived(o, "json", occurrence_json) for o in expansion.occurrences)
    head = {"from": from_.isoformat(), "to": to.isoformat()}
    body = b"".join(
        (
            _compact(head)[:-1],
            b',"occurrences":[',
            records,
            b'],"warnings":',
            _compact(expansion.warnings),
            b",",
            _compact(missing_records(expansion.skipped, snapshot.catalog))[1:],
        )
    )
    return Response(body, media_type="application/json")


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.get("/api/clashes", tags=["calendar"], summary="What falls on a date")
def api_clashes(
    request: Request,
    date: Annotated[dt.date, Query(description="The day to check, YYYY-MM-DD.")],
    to: Annotated[dt.date | None, Query(description="Check every day up to this one.")] = None,
) -> dict[str, Any]:
    """What falls, or may fall, on each day, labelled confirmed, expected or possible (±N
    days): observances, festival eves, bank holidays of the configured nation, fasting and
    rest (as `edicalendar clashes`). `not_computed` lists years that could not be dated."""
    end = to or date
    _window(date, end, "date", "to")
    if (end - date).days > 366:
        raise HTTPException(400, "to: check at most 367 days at once")
    snapshot = _live(request).snapshot
    report = find_clashes(snapshot.catalog, date, end, workdays=snapshot.ctx.workdays)
    return {
        "from": date.isoformat(),
        "to": end.isoformat(),
        "clashes": [c.record() for c in report.clashes],
        "warnings": report.warnings,
        "not_computed": missing_records(report.skipped, snapshot.catalog)["not_computed"],
    }


def _scheduler_health(clock: Any, elsewhere: str | None) -> dict[str, Any]:
    """The in-process reminder clock's state (`edicalendar serve` without --no-scheduler).

    With `--workers N` the clock runs in the supervising process, which this worker cannot
    see; `planned_until` (from the ledger) then shows whether it is keeping up.
    """
    if clock is None:
        return {"running": None if elsewhere else False, "runs_in": elsewhere,
                "last_tick": None, "last_error": None}  # fmt: skip
    last_tick = clock.last_successful_tick
    return {
        "running": bool(clock.scheduler.running),
        "runs_in": "this process",
        "last_tick": last_tick.isoformat() if last_tick is not None else None,
        "last_error": clock.last_error,
    }


def _reminder_state(database: Any) -> dict[str, Any]:
    """What the reminder bot recorded in the ledger: how far it planned, and any channel
    stopped or destination marked unhealthy (each needs an operator)."""
    from edicalendar.reminders.health import read_health

    health = read_health(database, counts=False)
    return {
        "planned_until": health.record()["planned_until"],
        **health.problems(),
    }


def _with_detail(request: Request) -> bool:
    """Whether the request may see operational detail: an administrator (signed in, or with an
    admin's API token), who manages the destinations whose failures the detail names."""
    from edicalendar.model import Role
    from edicalendar.web.auth import viewer_of

    try:
        viewer = viewer_of(request)
    except Exception:  # credentials refused, or the accounts database cannot answer
        return False
    return viewer is not None and viewer.person.role.allows(Role.ADMIN)


@router.get("/healthz", tags=["operations"], summary="Health for load balancers and systemd")
def healthz(request: Request) -> JSONResponse:
    """`{"status": "ok"}`: `ok`, `degraded` (a data edit was refused and the last good data is
    served, or the reminder bot needs an operator) or `failing` (503: the ledger database
    cannot be reached).

    For an administrator (signed in, or with an admin's API token) it also carries the detail:
    what data is loaded and why an edit was refused, the reminder clock's last tick and error,
    halted channels and unhealthy destinations, and the ledger. Strangers see only the status:
    delivery errors can name accounts and echo parts of credentials.
    """
    live = _live(request)
    snapshot = live.snapshot
    data: dict[str, Any] = {
        "loaded": True,
        "loaded_at": snapshot.loaded_at.isoformat(),
        "observances": len(snapshot.catalog),
        "feeds": sorted(snapshot.feeds),
        "problems": [],
    }
    status = "ok"
    if live.problem is not None:
        status = "degraded"
        data["problems"] = live.problem.messages
        data["refused_at"] = live.problem.at.isoformat()
    ledger: dict[str, Any] = {"reachable": True}
    scheduler = _scheduler_health(request.app.state.clock, request.app.state.clock_elsewhere)
    try:
        database = live.base.database
        with database.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        scheduler.update(_reminder_state(database))
    except Exception as exc:  # any failure to reach the ledger is the answer, not a crash
        ledger = {"reachable": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        status = "failing"
    if scheduler.get("halted") or scheduler.get("unhealthy"):
        status = "degraded" if status == "ok" else status
    if scheduler["running"] and scheduler["last_error"]:
        status = "degraded" if status == "ok" else status
    code = 503 if status == "failing" else 200
    if not _with_detail(request):
        return JSONResponse({"status": status}, status_code=code)
    body = {"status": status, "data": data, "scheduler": scheduler, "ledger": ledger}
    return JSONResponse(_redacted(body), status_code=code)


def _redacted(value: Any) -> Any:
    """`value` with every string passed through the redaction of logs and stored errors."""
    from edicalendar.redact import redact

    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value
