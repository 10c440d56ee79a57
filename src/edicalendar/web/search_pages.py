"""Search: the `/search?q=` page (the header's search box leads there) and `/api/search?q=`.

Both read the catalog's in-memory :class:`~edicalendar.calendar.search.SearchIndex` (built once
per data version) and give each observance found with its next date. A query that is too long
or holds control characters is refused with a 400 that says so; an empty one shows the box.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import HTMLResponse, Response

from edicalendar import i18n
from edicalendar.calendar.filters import ObservanceFilter
from edicalendar.calendar.occurrence_records import status_text
from edicalendar.calendar.search import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    Match,
    clean_query,
)
from edicalendar.errors import QueryError
from edicalendar.i18n import N_, _
from edicalendar.model import Category, Occurrence, Status
from edicalendar.web.conditional import conditional, data_etag
from edicalendar.web.live import Snapshot
from edicalendar.web.render import page

router = APIRouter()

#: How far ahead a result's next date is looked for.
NEXT_DATE_DAYS = 400


class NextDate(BaseModel):
    """The next (or current) dates of an observance found."""

    start: dt.date
    end: dt.date = Field(description="Last day, inclusive.")
    status: Status
    status_text: str = Field(
        description='The status with its caveats, e.g. "estimated ±1 day, begins the evening '
        'before".'
    )
    may_vary_days: int = Field(ge=0, description="How many days either way the date may move.")
    begins_evening_before: bool
    instance: str = Field(description='The occurrence\'s stable instance, e.g. "2027".')


class SearchResult(BaseModel):
    """One observance found."""

    id: str
    name: str
    aliases: list[str] = Field(description="Other names and spellings it is known by.")
    categories: list[Category]
    tradition: str | None
    calendar: str
    matched_field: str = Field(
        description="What the query matched: name, alias, tradition, calendar or category."
    )
    matched_text: str = Field(description="The text of that field, as in the data.")
    score: float = Field(ge=0, le=100, description="How well it matched (100: exactly).")
    url: str = Field(description="The observance's page on this site.")
    next: NextDate | None = Field(
        description=f"Its next dates within {NEXT_DATE_DAYS} days, or null if none."
    )


class SearchResponse(BaseModel):
    """Observances matching a query, best first."""

    query: str
    count: int
    results: list[SearchResult]


def _next_dates(snapshot: Snapshot, matches: list[Match]) -> dict[str, Occurrence]:
    if not matches:
        return {}
    today = snapshot.ctx.today()
    only = ObservanceFilter.of(observances=[m.observance.id for m in matches])
    expansion = snapshot.occurrences(today, today + dt.timedelta(days=NEXT_DATE_DAYS), only)
    first: dict[str, Occurrence] = {}
    for occ in expansion.occurrences:
        first.setdefault(occ.observance_id, occ)
    return first


def search_results(snapshot: Snapshot, query: str, limit: int) -> list[SearchResult]:
    """What `query` (already cleaned) finds, with next dates, best first."""
    matches = snapshot.catalog.search.search(query, limit)
    upcoming = _next_dates(snapshot, matches)
    results = []
    for m in matches:
        obs = m.observance
        occ = upcoming.get(obs.id)
        results.append(
            SearchResult(
                id=obs.id,
                name=obs.name,
                aliases=list(obs.aliases),
                categories=list(obs.categories),
                tradition=obs.tradition,
                calendar=obs.calendar,
                matched_field=m.field,
                matched_text=m.text,
                score=m.score,
                url=f"/observances/{obs.id}",
                next=None
                if occ is None
                else NextDate(
                    start=occ.start,
                    end=occ.end,
                    status=occ.status,
                    status_text=status_text(occ),
                    may_vary_days=occ.may_vary_days,
                    begins_evening_before=occ.begins_evening_before,
                    instance=occ.instance,
                ),
            )
        )
    return results


def _snapshot(request: Request) -> Snapshot:
    snapshot = request.app.state.live.snapshot
    assert isinstance(snapshot, Snapshot)
    return snapshot


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request) -> HTMLResponse:
    raw = request.query_params.get("q", "")
    context: dict[str, Any] = {
        "title": N_("Search"),
        "results": [],
        "error": None,
        "query": "",
        "searched": False,
    }
    try:
        query = clean_query(raw)
    except QueryError as exc:
        context.update(error=i18n.said(exc), title=N_("Search: check what you typed"))
        return page("search.html", status=400, search_query="", **context)
    if query:
        results = search_results(_snapshot(request), query, MAX_LIMIT)
        context.update(
            query=query,
            searched=True,
            results=results,
            title=_("Search: %(query)s") % {"query": query},
        )
    return page("search.html", search_query=query, **context)


@router.get(
    "/api/search",
    tags=["calendar"],
    summary="Find observances by name, other name, tradition or category",
    response_model=SearchResponse,
    responses={400: {"description": "The query is empty, too long or has control characters."}},
)
def api_search(
    request: Request,
    q: Annotated[
        str,
        Query(
            description=f"What to look for: a name, another name or spelling (Chanukah, Id, "
            f"Wesak), a tradition or a category. Typos are tolerated. At most "
            f"{MAX_QUERY_CHARS} characters."
        ),
    ] = "",
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Most results to give.")
    ] = DEFAULT_LIMIT,
) -> Response:
    """Observances whose name, other names, tradition, calendar or category match `q`, best
    first, each with its next dates. Matching ignores case, accents and punctuation, accepts
    the start of a word, and tolerates a typo or two in words of four letters or more."""
    try:
        query = clean_query(q)
    except QueryError as exc:
        raise HTTPException(400, str(exc)) from None
    if not query:
        raise HTTPException(400, "q: give a name or a few words to search for")
    snapshot = _snapshot(request)

    def answer() -> Response:
        results = search_results(snapshot, query, limit)
        found = SearchResponse(query=query, count=len(results), results=results)
        return Response(found.model_dump_json(), media_type="application/json")

    return conditional(request, data_etag(request, snapshot), answer)
