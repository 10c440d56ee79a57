"""Sign-in limits: after too many failures for one account, or from one client address, within
a window, further attempts are refused (even with the right password) until failures age out.

Failures are rows in `signin_failures`, so every worker of a PostgreSQL deployment counts the
same attempts. Limits and window come from `[accounts]`; rows older than the window are
deleted as new ones arrive. A successful sign-in clears the account's failures.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import Connection, delete, func, select

from edicalendar.errors import SignInThrottledError
from edicalendar.storage.tables import signin_failures
from edicalendar.storage.timestamps import parse_utc, utc_text


def check_attempt(
    conn: Connection,
    *,
    account: str,
    address: str,
    now: dt.datetime,
    window: dt.timedelta,
    per_account: int,
    per_address: int,
) -> None:
    """Raise SignInThrottledError when `account` or `address` has used up its failures."""
    since = utc_text(now - window)
    for column, value, limit in (
        (signin_failures.c.account, account, per_account),
        (signin_failures.c.address, address, per_address),
    ):
        count, oldest = conn.execute(
            select(func.count(), func.min(signin_failures.c.at)).where(
                column == value, signin_failures.c.at > since
            )
        ).one()
        if count >= limit:
            wait = parse_utc(oldest) + window - now
            seconds = max(1, math.ceil(wait.total_seconds()))
            minutes = max(1, math.ceil(seconds / 60))
            raise SignInThrottledError(
                f"too many failed sign-ins; try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}",
                retry_after=seconds,
            )


def record_failure(
    conn: Connection, *, account: str, address: str, now: dt.datetime, window: dt.timedelta
) -> None:
    """Count one failed sign-in, and forget failures older than the window."""
    conn.execute(delete(signin_failures).where(signin_failures.c.at <= utc_text(now - window)))
    conn.execute(
        signin_failures.insert().values(
            at=utc_text(now), account=account[:320], address=address[:64]
        )
    )


def clear_failures(conn: Connection, account: str) -> None:
    """Forget an account's failures after it signs in."""
    conn.execute(delete(signin_failures).where(signin_failures.c.account == account))
