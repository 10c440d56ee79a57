"""Short-hands for building feeds through an AppContext's publisher, as the CLI and web do."""

from __future__ import annotations

import datetime as dt

from edicalendar.context import AppContext
from edicalendar.feeds.specs import FeedSpec


def build_all(
    ctx: AppContext, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, bytes]:
    """Every default and configured feed for the window, by name, in definition order."""
    return ctx.feeds().build(None, start, end).bodies


def build_feed(
    ctx: AppContext, name: str, start: dt.date | None = None, end: dt.date | None = None
) -> bytes:
    """The feed called `name`, change-tracked."""
    publisher = ctx.feeds()
    return publisher.build_one(publisher.find(name), start, end)[0]


def build_spec(
    ctx: AppContext,
    spec: FeedSpec,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    stateless: bool = False,
) -> bytes:
    """One feed definition's bytes for a window."""
    return ctx.feeds().build_one(spec, start, end, stateless=stateless)[0]
