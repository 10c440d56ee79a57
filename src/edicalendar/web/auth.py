"""Who is asking, and may they: identities, roles and CSRF for every private route.

A request is identified from its headers alone, before any body is read: a session cookie
(looked up in the database, see :mod:`edicalendar.accounts.sessions`), a personal API token
(`Authorization: Bearer edc_...`), or, for one release, the old shared `EDICALENDAR_TOKEN`,
which now acts as an admin API token and logs a deprecation warning. :class:`Identify`
(middleware) does that for every request and remembers the result for the page chrome.

Private routes use :class:`GuardedRoute`: before FastAPI reads a body it checks the role the
route needs (the highest :class:`RoleCheck` among its dependencies; at least editor for any
method that changes something), then, for a signed-in browser, the session's CSRF token (the
`csrf_token` form field, or an `X-CSRF-Token` header). Anonymous requests get 401, a role too
low 403. Endpoints take the person with `person: Annotated[Person, Depends(require_editor)]`.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import anyio
from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.responses import Response

from edicalendar.accounts.people import Person
from edicalendar.accounts.sessions import Session
from edicalendar.model import Role
from edicalendar.web.feedserve import ASGIApp, Receive, Scope, Send
from edicalendar.web.render import Chrome, chrome

if TYPE_CHECKING:
    from edicalendar.accounts.directory import Accounts
    from edicalendar.accounts.oidc import OidcClient
    from edicalendar.context import AppContext

log = logging.getLogger("edicalendar.web")

COOKIE_NAME = "edicalendar_session"
#: Double-submit cookie guarding the forms people use before they have a session.
CSRF_COOKIE = "edicalendar_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
#: The old shared token is refused below this length, with a warning at start-up.
MIN_TOKEN_LENGTH = 16
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Largest form body read to find its CSRF token, and the most fields it may hold (the campaign
#: editor sends a few hundred).
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 4000
#: Largest body any private route reads (a campaign as JSON is a few kilobytes).
MAX_BODY_BYTES = 256 * 1024
#: How long "is anybody set up?" is remembered (the CLI may add the first person meanwhile).
SETUP_TTL_SECONDS = 5.0
#: Recorded as the author of changes made with the old shared token when a body names none.
LEGACY_AUTHOR = "EDICALENDAR_TOKEN"


class Via(StrEnum):
    """How a request proved who it is."""

    SESSION = "session"
    API_TOKEN = "api-token"
    LEGACY_TOKEN = "legacy-token"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The identified person behind a request, and how they proved it."""

    person: Person
    via: Via
    session: Session | None = None


class Refusal(StrEnum):
    """Why a private request was refused."""

    #: Nobody can sign in yet: no person, no single sign-on, no shared token (404).
    OFF = "off"
    #: No credentials (401).
    MISSING = "missing"
    #: A bearer token that matches nothing (401, invalid_token).
    WRONG = "wrong"
    #: Signed in, but the role does not allow this (403).
    FORBIDDEN = "forbidden"
    #: A signed-in form without its session's CSRF token (403).
    CSRF = "csrf"
    #: A form too large to check (413).
    TOO_LARGE = "too-large"


class AccessRefused(Exception):
    """Raised by the guard and role checks; the app turns it into a 401/403/404 answer."""

    def __init__(self, refusal: Refusal, needed: Role | None = None) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.needed = needed


def configured_token(token_env: str) -> str | None:
    """The old shared token from the environment, or None (unset or too short)."""
    token = os.environ.get(token_env, "").strip()
    return token if len(token) >= MIN_TOKEN_LENGTH else None


def legacy_token_warning(token_env: str) -> str | None:
    """What `serve` says about the old shared token, if it is set at all."""
    token = os.environ.get(token_env, "").strip()
    if not token:
        return None
    if len(token) < MIN_TOKEN_LENGTH:
        return (
            f"{token_env} is set but shorter than {MIN_TOKEN_LENGTH} characters, so it is "
            "ignored; it is deprecated anyway: give each person an account "
            "(`edicalendar users add`) and scripts a personal token (`edicalendar users token`)"
        )
    return (
        f"{token_env} is deprecated: it still works as an admin API token in this release, but "
        "will stop in the next one. Give each person an account (`edicalendar users add`) and "
        "scripts a personal token (`edicalendar users token EMAIL`)"
    )


def legacy_person() -> Person:
    """The identity of the old shared token: an admin without an account."""
    import datetime as dt

    return Person(
        id=0,
        email=LEGACY_AUTHOR,
        name="Shared access token (deprecated)",
        role=Role.ADMIN,
        has_password=False,
        uses_sso=False,
        created_at=dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
        last_signin_at=None,
        added_by=None,
    )


class WebAccess:
    """What the web needs to identify people: the accounts service, the shared token, single
    sign-on and whether anybody is set up. One per app."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        settings = ctx.loaded.settings
        self.token_env = settings.web.token_env
        self.base_url = settings.feeds.base_url.rstrip("/")
        self.oidc_settings = settings.accounts.oidc
        self._accounts: Accounts | None = None
        self._oidc: OidcClient | None = None
        self._lock = threading.Lock()
        self._setup: tuple[float, bool] | None = None
        self._warned = False

    @property
    def accounts(self) -> Accounts:
        with self._lock:
            if self._accounts is None:
                self._accounts = self.ctx.accounts()
            return self._accounts

    @property
    def oidc_enabled(self) -> bool:
        return self.oidc_settings.enabled

    def oidc(self) -> OidcClient:
        """The single sign-on client (discovery is read on first use)."""
        from edicalendar.accounts.oidc import CALLBACK_PATH, OidcClient

        with self._lock:
            if self._oidc is None:
                secret = os.environ.get(self.oidc_settings.client_secret_env) or None
                self._oidc = OidcClient(
                    self.oidc_settings,
                    client_secret=secret,
                    redirect_uri=self.base_url + CALLBACK_PATH,
                    now=self.ctx.now,
                )
            return self._oidc

    def secure_cookies(self, request: Request) -> bool:
        """Cookies are Secure whenever the public address, or this request, is https."""
        return self.base_url.startswith("https://") or request.url.scheme == "https"

    def known_set_up(self) -> bool | None:
        """Whether anyone can sign in, when that is known without asking the database."""
        if self.oidc_enabled or configured_token(self.token_env) is not None:
            return True
        cached = self._setup
        if cached is not None and time.monotonic() - cached[0] < SETUP_TTL_SECONDS:
            return cached[1]
        return None

    def is_set_up(self) -> bool:
        """Whether anyone can sign in: a person exists, single sign-on or the shared token is
        configured. Remembered for a few seconds."""
        known = self.known_set_up()
        if known is not None:
            return known
        answer = self.accounts.anyone()
        self._setup = (time.monotonic(), answer)
        return answer

    def forget_setup(self) -> None:
        """Ask the database again next time (after someone signs in for the first time)."""
        self._setup = None

    def identify(self, request: Request) -> Viewer | None:
        """Who `request` is from its headers: None when anonymous; AccessRefused(WRONG) for a
        bearer token that matches nothing. Never reads the body."""
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, given = header.partition(" ")
            given = given.strip()
            if scheme.lower() != "bearer" or not given:
                raise AccessRefused(Refusal.WRONG)
            person = self.accounts.token_person(given)
            if person is not None:
                return Viewer(person, Via.API_TOKEN)
            legacy = configured_token(self.token_env)
            if legacy is not None and hmac.compare_digest(given.encode(), legacy.encode()):
                if not self._warned:
                    self._warned = True
                    log.warning("%s", legacy_token_warning(self.token_env))
                return Viewer(legacy_person(), Via.LEGACY_TOKEN)
            raise AccessRefused(Refusal.WRONG)
        cookie = request.cookies.get(COOKIE_NAME)
        if cookie:
            session = self.accounts.session(cookie)
            if session is not None:
                return Viewer(session.person, Via.SESSION, session)
        return None


def access_of(request: Request) -> WebAccess:
    found = request.app.state.access
    assert isinstance(found, WebAccess)
    return found


_UNSET = object()


def viewer_of(request: Request) -> Viewer | None:
    """The identified viewer (worked out once per request by :class:`Identify`)."""
    found = request.scope.setdefault("state", {}).get("edicalendar.viewer", _UNSET)
    if found is _UNSET:
        raise RuntimeError("the Identify middleware did not run for this request")
    if isinstance(found, Exception):
        raise found
    assert found is None or isinstance(found, Viewer)
    return found


class Identify:
    """ASGI middleware: identify each request from its headers (before any body is read) and
    set the page chrome (navigation, signed-in person, CSRF token) for its pages."""

    def __init__(self, app: ASGIApp, access: WebAccess) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith("/static/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        found: Viewer | Exception | None = None
        needs_lookup = "authorization" in request.headers or COOKIE_NAME in request.cookies
        if needs_lookup:

            def lookup() -> Viewer | Exception | None:
                # A refusal, or a database that cannot answer, surfaces only when a private
                # route asks who this is: public pages and feeds keep answering.
                try:
                    return self.access.identify(request)
                except Exception as exc:
                    return exc

            found = await anyio.to_thread.run_sync(lookup)
        viewer = found if isinstance(found, Viewer) else None
        set_up = viewer is not None or self.access.known_set_up()
        if set_up is None:
            set_up = await anyio.to_thread.run_sync(self._set_up)
        scope.setdefault("state", {})["edicalendar.viewer"] = found
        token = chrome.set(
            Chrome(
                private=set_up,
                person=viewer.person if viewer else None,
                csrf_token=viewer.session.csrf_token if viewer and viewer.session else None,
                oidc_label=self.access.oidc_settings.label if self.access.oidc_enabled else None,
            )
        )
        try:
            await self.app(scope, receive, send)
        finally:
            chrome.reset(token)

    def _set_up(self) -> bool:
        try:
            return self.access.is_set_up()
        except Exception:
            log.warning("cannot tell whether anyone can sign in", exc_info=True)
            return True


# --- role checks ----------------------------------------------------------------------------


class RoleCheck:
    """A FastAPI dependency that yields the signed-in person when their role allows `role`."""

    def __init__(self, role: Role) -> None:
        self.role = role

    def __call__(self, request: Request) -> Person:
        return require_role(request, self.role).person


def require_role(request: Request, needed: Role) -> Viewer:
    """The viewer of `request` if their role allows `needed`; AccessRefused otherwise."""
    viewer = viewer_of(request)
    if viewer is None:
        refusal = Refusal.MISSING if access_of(request).is_set_up() else Refusal.OFF
        raise AccessRefused(refusal, needed)
    if not viewer.person.role.allows(needed):
        log.warning(
            "refused %s %s to %s (%s; needs %s)",
            request.method,
            request.url.path,
            viewer.person.email,
            viewer.person.role.value,
            needed.value,
        )
        raise AccessRefused(Refusal.FORBIDDEN, needed)
    return viewer


#: Sees the private plan.
require_viewer = RoleCheck(Role.VIEWER)
#: Changes campaigns and records progress.
require_editor = RoleCheck(Role.EDITOR)
#: Manages people, destinations and freezes.
require_admin = RoleCheck(Role.ADMIN)


def _roles_in(dependant: Dependant) -> list[Role]:
    found = [dependant.call.role] if isinstance(dependant.call, RoleCheck) else []
    for child in dependant.dependencies:
        found.extend(_roles_in(child))
    return found


def needed_role(dependant: Dependant, methods: set[str]) -> Role:
    """The role a route needs: the highest RoleCheck it depends on, and at least editor for a
    method that changes something (so a write route can never be left open to viewers)."""
    roles = _roles_in(dependant) or [Role.VIEWER]
    if methods - SAFE_METHODS:
        roles.append(Role.EDITOR)
    return max(roles, key=lambda r: r.rank)


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse a change from a signed-in browser that lacks its session's CSRF token.

    The token is the `X-CSRF-Token` header or, in a form, the `csrf_token` field; reading the
    form here leaves it cached for the endpoint (Starlette keeps the body on the request)."""
    given = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given is None and content_type == "application/x-www-form-urlencoded":
        body = await read_body(request, MAX_FORM_BYTES)
        if body is None:
            raise AccessRefused(Refusal.TOO_LARGE)
        try:
            fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=MAX_FORM_FIELDS)
        except ValueError:
            fields = {}
        given = (fields.get(CSRF_FIELD) or [""])[-1]
    elif given is None and content_type == "multipart/form-data":
        if await read_body(request, MAX_FORM_BYTES) is None:
            raise AccessRefused(Refusal.TOO_LARGE)
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        log.warning("refused %s %s: no valid CSRF token", request.method, request.url.path)
        raise AccessRefused(Refusal.CSRF)


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is larger than `limit` (read no further). The body
    stays on the request, so reading it again (or its form) costs nothing."""
    cached = getattr(request, "_body", None)
    if isinstance(cached, bytes):
        return cached if len(cached) <= limit else None
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # Starlette's own cache: request.form() and .body() reuse it
    return body


async def read_form(request: Request, limit: int, max_fields: int = 20) -> dict[str, str] | None:
    """A URL-encoded form (the last value of each field), or None when it is larger than
    `limit`, not UTF-8 or has more than `max_fields` fields."""
    body = await read_body(request, limit)
    if body is None:
        return None
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=max_fields)
    except (UnicodeDecodeError, ValueError):
        return None
    return {key: values[-1] for key, values in parsed.items()}


async def read_fields(
    request: Request, limit: int, max_fields: int = MAX_FORM_FIELDS
) -> dict[str, list[str]] | None:
    """A URL-encoded form with every value of each field (tick boxes repeat a name), or None
    when it is larger than `limit`, not UTF-8 or has more than `max_fields` fields."""
    body = await read_body(request, limit)
    if body is None:
        return None
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=max_fields)
    except (UnicodeDecodeError, ValueError):
        return None


#: How a private route's answer may be kept when the route does not say.
PRIVATE_NO_STORE = "private, no-store"


class GuardedRoute(APIRoute):
    """A route whose role (and CSRF token) is checked before FastAPI reads its body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        needed = needed_role(self.dependant, set(self.methods or ()))

        async def guarded(request: Request) -> Response:
            viewer = require_role(request, needed)
            session = viewer.session
            if request.method not in SAFE_METHODS and viewer.via is Via.SESSION:
                assert session is not None
                await check_csrf(request, session.csrf_token)
            if (
                request.method not in SAFE_METHODS
                and await read_body(request, MAX_BODY_BYTES) is None
            ):
                # Read here, with a limit, so FastAPI never holds more than that in memory.
                raise AccessRefused(Refusal.TOO_LARGE)
            response = await handler(request)
            # What a signed-in person sees is theirs: never kept by a shared cache or on disk,
            # unless the route says how it may be kept (a private read revalidated by ETag).
            response.headers.setdefault("cache-control", PRIVATE_NO_STORE)
            return response

        return guarded
