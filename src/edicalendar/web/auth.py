"""Who may see the campaign plan and record progress: holders of the bearer token.

The token lives in an environment variable named by `web.token_env` (never in a file). With the
variable unset the private routes are off and say how to turn them on. Scripts send
`Authorization: Bearer <token>`; people sign in once with a form that sets a SameSite=Strict,
HttpOnly cookie holding a keyed hash of the token (never the token), so rotating the token
signs everyone out. Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from enum import StrEnum

from starlette.requests import Request

COOKIE_NAME = "edicalendar_session"
#: Tokens shorter than this are refused: a guessable token protects nothing.
MIN_TOKEN_LENGTH = 16


class Access(StrEnum):
    """The outcome of checking a request against the token."""

    OFF = "off"
    MISSING = "missing"
    WRONG = "wrong"
    GRANTED = "granted"


def configured_token(token_env: str) -> str | None:
    """The token from the environment, or None when private routes are off."""
    token = os.environ.get(token_env, "").strip()
    return token if len(token) >= MIN_TOKEN_LENGTH else None


def session_value(token: str) -> str:
    """What the sign-in cookie holds: a keyed hash of the token, useless anywhere else."""
    return hmac.new(token.encode(), b"edicalendar-session-v1", hashlib.sha256).hexdigest()


def check_access(request: Request, token_env: str) -> Access:
    """Whether `request` carries the configured token (header or sign-in cookie)."""
    token = configured_token(token_env)
    if token is None:
        return Access.OFF
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given:
            return Access.WRONG
        ok = hmac.compare_digest(given.strip().encode(), token.encode())
        return Access.GRANTED if ok else Access.WRONG
    cookie = request.cookies.get(COOKIE_NAME)
    if cookie is None:
        return Access.MISSING
    ok = hmac.compare_digest(cookie.encode(), session_value(token).encode())
    return Access.GRANTED if ok else Access.WRONG


def same_origin(request: Request) -> bool:
    """False when a browser says a form post came from another site (a CSRF attempt)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def off_message(token_env: str) -> str:
    """How to turn the private routes on, shown when they are off."""
    return (
        "Campaign pages and progress updates are turned off on this server because no access "
        f"token is set. To turn them on, set the environment variable {token_env} to a random "
        f"secret of at least {MIN_TOKEN_LENGTH} characters (for example the output of "
        '`python -c "import secrets; print(secrets.token_urlsafe(32))"`) and restart '
        "`edicalendar serve`. Scripts then send it as `Authorization: Bearer <token>`; people "
        "sign in with it at /signin."
    )
