"""The public JSON API (documented by OpenAPI at /docs) and the `/healthz` probe.

Occurrence objects use the CLI's JSON shape (`occurrence_records`, DESIGN 4.3), so a script
can move between `edicalendar occurrences --format json` and the API unchanged, and
`/api/occurrences` gives the same page as CSV (the CLI's columns, which are the JSON keys) or
iCalendar (the feeds' renderer and UIDs) with `format=csv|ics`. Every answer has a model in
the OpenAPI document (:mod:`.api_models`); every error is problem details (:mod:`.problems`):
400 for a query value that cannot be used. Calendar answers carry a weak ETag derived from the
data version and answer `If-None-Match` with 304 (:mod:`.conditional`).
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from edicalendar.calendar.clashes import find_clashes
from edicalendar.calendar.filters import ObservanceFilter
from edicalendar.calendar.occurrence_records import (
    OCCURRENCE_CSV_COLUMNS,
    missing_records,
    observance_record,
    occurrence_csv_record,
    occurrence_json,
)
from edicalendar.calendar.occurrences import check_years
from edicalendar.errors import DateRangeError, QueryError
from edicalendar.model import CATEGORY_LABELS, Category
from edicalendar.web.api_models import (
    ClashesAnswer,
    Health,
    ObservanceDetail,
    ObservanceRecord,
    ObservancesPage,
    OccurrencesPage,
)
from edicalendar.web.conditional import conditional, data_etag
from edicalendar.web.live import LiveData, Snapshot
from edicalendar.web.problems import ProblemError, problem_responses
from edicalendar.web.views import MAX_WINDOW_DAYS, check_window, observances_in

router = APIRouter()

#: Most occurrences one page of `/api/occurrences` holds (and the default page size).
MAX_PAGE = 1000
#: How many years one `/api/observances/{id}` answer may span.
MAX_DETAIL_YEARS = 10
#: Years an observance's answer covers by default: this one and the next three.
DETAIL_YEARS_AHEAD = 3


CategoryQuery = Annotated[
    list[Category], Query(description="Only observances in any of these categories (repeatable).")
]


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    ICS = "ics"


def _live(request: Request) -> LiveData:
    live = request.app.state.live
    assert isinstance(live, LiveData)
    return live


def _window(start: dt.date, end: dt.date, start_name: str, end_name: str) -> None:
    try:
        check_window(start, end, start_name, end_name)
    except QueryError as exc:
        field = end_name if "before" in str(exc) else start_name
        raise ProblemError(400, str(exc), [{"field": field, "message": str(exc)}]) from None


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.get(
    "/api/observances",
    tags=["calendar"],
    summary="Every observance in the calendar, whole or a page at a time",
    response_model=list[ObservanceRecord] | ObservancesPage,
    responses=problem_responses(400),
)
def api_observances(
    request: Request,
    category: CategoryQuery = [],  # noqa: B006 - FastAPI copies defaults
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_PAGE,
            description=f"Most observances in one page (at most {MAX_PAGE}); "
            "with `limit` or `offset` the answer is a page object.",
        ),
    ] = None,
    offset: Annotated[int | None, Query(ge=0, description="How many to skip (see `next`).")] = None,
) -> Response:
    """Observances (not dated) with categories, description, sources and flags, sorted by name.

    Asked for nothing more, the answer is the whole list as a JSON array, as it always was.
    With `limit` or `offset` it comes a page at a time, as `/api/occurrences` does: an object
    with `observances`, `total`, `offset`, `limit` and `next` (also a `Link: rel="next"`
    header), `next` being null on the last page."""
    snapshot = _live(request).snapshot

    def answer() -> Response:
        chosen = observances_in(snapshot.catalog, category)
        if limit is None and offset is None:
            return _json(_compact([observance_record(o) for o in chosen]))
        size, start = limit or MAX_PAGE, offset or 0
        page = chosen[start : start + size]
        following = _next_page(request, start + size, len(chosen))
        body = {
            "observances": [observance_record(o) for o in page],
            "total": len(chosen),
            "offset": start,
            "limit": size,
            "next": following,
        }
        headers = {"Link": f'<{following}>; rel="next"'} if following else {}
        return Response(_compact(body), media_type="application/json", headers=headers)

    return conditional(request, data_etag(request, snapshot), answer)


def _next_page(request: Request, offset: int, total: int) -> str | None:
    """The address of the page starting at `offset` (the same query otherwise), or None when
    there is nothing there."""
    if offset >= total:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    return f"{request.url.path}?{urlencode([*params, ('offset', offset)])}"


@router.get(
    "/api/observances/{observance_id}",
    tags=["calendar"],
    summary="One observance, with its dates in a window of years",
    response_model=ObservanceDetail,
    responses=problem_responses(400, 404),
)
def api_observance(
    request: Request,
    observance_id: str,
    from_year: Annotated[
        int | None, Query(ge=1, le=9999, description="First year of dates (default: this year).")
    ] = None,
    to_year: Annotated[
        int | None,
        Query(
            ge=1,
            le=9999,
            description=f"Last year of dates (default: {DETAIL_YEARS_AHEAD} years after "
            f"`from_year`); at most {MAX_DETAIL_YEARS} years in all.",
        ),
    ] = None,
) -> Response:
    """The observance as `/api/observances` lists it, plus `occurrences` in the years asked
    for (with `not_computed` and `not_held`, as `/api/occurrences`). 404 for an unknown id."""
    snapshot = _live(request).snapshot
    catalog = snapshot.catalog
    obs = catalog.get(observance_id)
    if obs is None:
        optional = catalog.where(observance_id)
        detail = (
            f"{observance_id[:60]!r} is in the optional calendar {optional!r}, which is not "
            "switched on here"
            if optional is not None
            else f"there is no observance {observance_id[:60]!r}; /api/observances lists them"
        )
        raise ProblemError(404, detail)
    first = from_year if from_year is not None else snapshot.ctx.today().year
    last = to_year if to_year is not None else min(first + DETAIL_YEARS_AHEAD, 9999)
    for year, name in ((first, "from_year"), (last, "to_year")):
        try:
            check_years(dt.date(year, 1, 1), what=name)
        except DateRangeError as exc:
            raise ProblemError(400, str(exc), [{"field": name, "message": str(exc)}]) from None
    if last < first:
        message = f"to_year {last} is before from_year {first}"
        raise ProblemError(400, message, [{"field": "to_year", "message": message}])
    if last - first >= MAX_DETAIL_YEARS:
        message = f"ask for at most {MAX_DETAIL_YEARS} years"
        raise ProblemError(
            400, f"from_year to to_year: {message}", [{"field": "to_year", "message": message}]
        )

    def answer() -> Response:
        expansion = snapshot.occurrences(
            dt.date(first, 1, 1), dt.date(last, 12, 31), ObservanceFilter.of(observances=[obs.id])
        )
        index = catalog.index
        records = b",".join(
            index.derived(o, "json", occurrence_json) for o in expansion.occurrences
        )
        missing = missing_records(expansion.skipped, catalog)
        body = b"".join(
            (
                _compact(observance_record(obs))[:-1],
                b',"from_year":%d,"to_year":%d,"occurrences":[' % (first, last),
                records,
                b"],",
                _compact(missing)[1:],
            )
        )
        return _json(body)

    return conditional(request, data_etag(request, snapshot), answer)


@router.get(
    "/api/occurrences",
    tags=["calendar"],
    summary="Dated occurrences in a window, as JSON, CSV or iCalendar",
    response_model=OccurrencesPage,
    responses={
        **problem_responses(400),
        200: {
            "description": "A page of occurrences: JSON, or with `format=csv` or `format=ics` "
            "the same page as CSV or iCalendar.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "text/calendar": {"schema": {"type": "string"}},
            },
        },
    },
)
def api_occurrences(
    request: Request,
    from_: Annotated[dt.date, Query(alias="from", description="First day, YYYY-MM-DD.")],
    to: Annotated[
        dt.date,
        Query(description=f"Last day, YYYY-MM-DD (inclusive); at most {MAX_WINDOW_DAYS} days."),
    ],
    category: CategoryQuery = [],  # noqa: B006 - FastAPI copies defaults
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_PAGE, description=f"Most occurrences in one page (at most {MAX_PAGE})."),
    ] = MAX_PAGE,
    offset: Annotated[int, Query(ge=0, description="How many to skip (see `next`).")] = 0,
    format: Annotated[
        Format,
        Query(
            description="json; csv (columns are the JSON keys); ics (iCalendar, the feeds' UIDs)."
        ),
    ] = Format.JSON,
) -> Response:
    """Occurrences overlapping `from`..`to` (at most ten years), in date order, with status.

    `not_computed` lists the years a rule cannot date (with the reason) and `not_held` the
    years before an observance began, so nothing is missing without saying why. A window
    holding more than `limit` occurrences comes a page at a time: `total` says how many there
    are, and `next` (also a `Link: rel="next"` header, in every format) gives the next page.
    """
    _window(from_, to, "from", "to")
    snapshot = _live(request).snapshot

    def answer() -> Response:
        return _occurrences(request, snapshot, from_, to, category, limit, offset, format)

    return conditional(request, data_etag(request, snapshot), answer)


def _occurrences(
    request: Request,
    snapshot: Snapshot,
    start: dt.date,
    end: dt.date,
    categories: list[Category],
    limit: int,
    offset: int,
    fmt: Format,
) -> Response:
    expansion = snapshot.occurrences(start, end, ObservanceFilter.of(categories=categories))
    everything = expansion.occurrences
    page = everything[offset : offset + limit]
    following = _next_page(request, offset + limit, len(everything))
    headers = {"Link": f'<{following}>; rel="next"'} if following else {}
    if fmt is Format.CSV:
        from edicalendar.csvwriter import records_csv

        text = records_csv(OCCURRENCE_CSV_COLUMNS, (occurrence_csv_record(o) for o in page))
        name = f"occurrences-{start}-{end}.csv"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
    if fmt is Format.ICS:
        labels = ", ".join(CATEGORY_LABELS[c] for c in categories)
        title = f"EDI calendar{': ' + labels if labels else ''}, {start} to {end}"
        body = snapshot.feeds.publisher.calendar_of(title, "", page)
        headers["Content-Disposition"] = f'inline; filename="occurrences-{start}-{end}.ics"'
        return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
    index = snapshot.catalog.index
    # Each occurrence's JSON is encoded once per data version and reused by every answer.
    records = b",".join(index.derived(o, "json", occurrence_json) for o in page)
    head = {"from": start.isoformat(), "to": end.isoformat()}
    tail = {"total": len(everything), "offset": offset, "limit": limit, "next": following}
    body = b"".join(
        (
            _compact(head)[:-1],
            b',"occurrences":[',
            records,
            b'],"warnings":',
            _compact(expansion.warnings),
            b",",
            _compact(missing_records(expansion.skipped, snapshot.catalog))[1:-1],
            b",",
            _compact(tail)[1:],
        )
    )
    return Response(body, media_type="application/json", headers=headers)


def _compact(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.get(
    "/api/clashes",
    tags=["calendar"],
    summary="What falls on a date",
    response_model=ClashesAnswer,
    responses=problem_responses(400),
)
def api_clashes(
    request: Request,
    date: Annotated[dt.date, Query(description="The day to check, YYYY-MM-DD.")],
    to: Annotated[
        dt.date | None, Query(description="Check every day up to this one (at most 367 days).")
    ] = None,
) -> Response:
    """What falls, or may fall, on each day, labelled confirmed, expected or possible (±N
    days): observances, festival eves, bank holidays of the configured nation, fasting and
    rest (as `edicalendar clashes`). `not_computed` lists years that could not be dated."""
    end = to or date
    _window(date, end, "date", "to")
    if (end - date).days > 366:
        message = "check at most 367 days at once"
        raise ProblemError(400, f"to: {message}", [{"field": "to", "message": message}])
    snapshot = _live(request).snapshot

    def answer() -> Response:
        report = find_clashes(snapshot.catalog, date, end, workdays=snapshot.ctx.workdays)
        record = {
            "from": date.isoformat(),
            "to": end.isoformat(),
            "clashes": [c.record() for c in report.clashes],
            "warnings": report.warnings,
            "not_computed": missing_records(report.skipped, snapshot.catalog)["not_computed"],
        }
        return _json(_compact(record))

    return conditional(request, data_etag(request, snapshot), answer)


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


@router.get(
    "/healthz",
    tags=["operations"],
    summary="Health for load balancers and systemd",
    response_model=Health,
    responses={503: {"model": Health, "description": "The ledger database cannot be reached."}},
)
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
    never_kept = {"Cache-Control": "no-store"}
    if not _with_detail(request):
        return JSONResponse({"status": status}, status_code=code, headers=never_kept)
    body = {"status": status, "data": data, "scheduler": scheduler, "ledger": ledger}
    return JSONResponse(_redacted(body), status_code=code, headers=never_kept)


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
