"""Signing in and out: the sign-in page (password, and single sign-on when configured), the
invitation page where a new person sets a password, and the single sign-on round trip.

These pages are open to everyone. Their forms carry a CSRF token bound to a double-submit
cookie (there is no session yet); sign-out carries the session's own token. Password checks
(argon2id) run in a worker thread so a sign-in never stalls other requests, and the sign-in
limits of :mod:`edicalendar.accounts.throttle` apply before any password is checked.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import HTMLResponse, Response

from edicalendar.accounts.credentials import new_secret
from edicalendar.accounts.directory import Client, SignedIn
from edicalendar.accounts.oidc import CALLBACK_PATH, role_for, save_login, take_login
from edicalendar.errors import AccountError, OidcError, SignInError, SignInThrottledError
from edicalendar.i18n import N_, _
from edicalendar.web.auth import (
    COOKIE_NAME,
    CSRF_COOKIE,
    CSRF_FIELD,
    WebAccess,
    access_of,
    read_form,
    viewer_of,
)
from edicalendar.web.render import error_page, page
from edicalendar.web.service_words import in_page_language

log = logging.getLogger("edicalendar.web")

router = APIRouter(include_in_schema=False)

OIDC_COOKIE = "edicalendar_oidc"
DEFAULT_NEXT = "/campaigns"
MAX_SIGNIN_BYTES = 8192


def first_admin_message() -> str:
    """What the private pages say while nobody can sign in."""
    return _(
        "Nobody can sign in to this server yet. An administrator adds the first person on the "
        'server with `edicalendar users add you@example.nhs.uk --name "Your Name" --role '
        "admin`, which prints an invitation link; or sets up single sign-on in "
        "[accounts.oidc] (see docs/accounts.md)."
    )


def safe_next(value: str | None) -> str:
    """A local path to go to after signing in; anything else (another site) becomes the plan."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return DEFAULT_NEXT
    if any(c in value for c in "\r\n\\") or len(value) > 500:
        return DEFAULT_NEXT
    return value


def client_of(request: Request) -> Client:
    """Where the request comes from (the proxy's X-Forwarded-For when the proxy is trusted)."""
    address = request.client.host if request.client else "unknown"
    return Client(address=address, user_agent=request.headers.get("user-agent"))


def _form_token(request: Request) -> str:
    """The CSRF token for an anonymous form: the double-submit cookie's, or a new one."""
    existing = request.cookies.get(CSRF_COOKIE, "")
    return existing if 20 <= len(existing) <= 100 else new_secret()


def _with_form_cookie(response: Response, request: Request, token: str) -> Response:
    response.set_cookie(
        CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=access_of(request).secure_cookies(request),
        path="/",
    )
    return response


async def _anonymous_form(request: Request) -> dict[str, str] | None:
    """The form of an anonymous POST, or None when it is too large, unreadable or its CSRF
    token does not match the double-submit cookie."""
    form = await read_form(request, MAX_SIGNIN_BYTES)
    if form is None:
        return None
    cookie = request.cookies.get(CSRF_COOKIE, "")
    given = form.get(CSRF_FIELD, "")
    if not cookie or not given or not hmac.compare_digest(cookie.encode(), given.encode()):
        log.warning("refused %s %s: no valid CSRF token", request.method, request.url.path)
        return None
    return form


def _signed_in(request: Request, signed: SignedIn, to: str) -> Response:
    access = access_of(request)
    access.forget_setup()
    response = RedirectResponse(to, status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        signed.token,
        max_age=int((signed.session.expires_at - signed.session.created_at).total_seconds()),
        httponly=True,
        # Lax, not Strict: a link to the plan from Teams or an email, and the return from the
        # sign-in provider, must arrive signed in. Every change also needs the CSRF token.
        samesite="lax",
        secure=access.secure_cookies(request),
        path="/",
    )
    response.delete_cookie(OIDC_COOKIE, path="/signin/oidc")
    return response


def signin_page(
    request: Request,
    *,
    status: int = 200,
    error: str | None = None,
    email: str = "",
    next_path: str = DEFAULT_NEXT,
    message: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The sign-in page (also the answer to an anonymous request for a private page)."""
    access = access_of(request)
    token = _form_token(request)
    response = page(
        "signin.html",
        status=status,
        current="/signin",
        title=N_("Sign in"),
        message=message,
        error=error,
        email=email,
        next=safe_next(next_path),
        form_token=token,
        oidc_label=access.oidc_settings.label if access.oidc_enabled else None,
    )
    response.headers.update(headers or {})
    return _with_form_cookie(response, request, token)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(
    request: Request, next_path: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    if viewer_of(request) is not None:
        return RedirectResponse(safe_next(next_path), status_code=303)
    if not access_of(request).is_set_up():
        return error_page(404, first_admin_message())
    return signin_page(request, next_path=safe_next(next_path))


@router.post("/signin", response_class=HTMLResponse)
async def signin(request: Request) -> Response:
    access = access_of(request)
    form = await _anonymous_form(request)
    if form is None:
        return signin_page(
            request, status=400, error=_("The sign-in form had expired. Please try again.")
        )
    email, next_path = form.get("email", "").strip(), safe_next(form.get("next"))
    try:
        signed = await anyio.to_thread.run_sync(
            access.accounts.sign_in, email, form.get("password", ""), client_of(request)
        )
    except SignInThrottledError as exc:
        return signin_page(
            request,
            status=429,
            error=in_page_language(f"{str(exc).capitalize()}."),
            email=email,
            next_path=next_path,
            headers={"Retry-After": str(exc.retry_after)},
        )
    except SignInError as exc:
        return signin_page(
            request, status=401, error=in_page_language(str(exc)), email=email, next_path=next_path
        )
    return _signed_in(request, signed, next_path)


@router.post("/signout")
async def signout(request: Request) -> Response:
    access = access_of(request)
    cookie = request.cookies.get(COOKIE_NAME)
    viewer = viewer_of(request)
    if cookie and viewer is not None and viewer.session is not None:
        given = (await read_form(request, MAX_SIGNIN_BYTES) or {}).get(CSRF_FIELD, "")
        if not hmac.compare_digest(given.encode(), viewer.session.csrf_token.encode()):
            return error_page(
                403, _("The sign-out form had expired; reload the page and try again.")
            )
        await anyio.to_thread.run_sync(access.accounts.sign_out, cookie)
        log.info("signed out: %s", viewer.person.email)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


# --- invitations ----------------------------------------------------------------------------


def _invitation_page(
    request: Request, token: str, *, status: int = 200, error: str | None = None
) -> Response:
    access = access_of(request)
    person = access.accounts.invited(token)
    if person is None:
        return error_page(
            404,
            _("This invitation link has expired or has already been used."),
            hint=_("Ask an administrator for a new one (`edicalendar users invite EMAIL`)."),
        )
    form_token = _form_token(request)
    response = page(
        "invitation.html",
        status=status,
        title=N_("Set your password"),
        person=person,
        token=token,
        form_token=form_token,
        error=error,
        min_length=access.accounts.settings.password_min_length,
    )
    return _with_form_cookie(response, request, form_token)


@router.get("/invitation", response_class=HTMLResponse)
def invitation_form(
    request: Request, token: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    return _invitation_page(request, token)


@router.post("/invitation", response_class=HTMLResponse)
async def invitation(request: Request) -> Response:
    access = access_of(request)
    form = await _anonymous_form(request)
    if form is None:
        return error_page(400, _("The form had expired. Open the invitation link again."))
    token, password = form.get("token", "")[:200], form.get("password", "")
    if password != form.get("confirm", ""):
        return await anyio.to_thread.run_sync(
            lambda: _invitation_page(
                request, token, status=400, error=_("The two passwords are not the same.")
            )
        )
    try:
        signed = await anyio.to_thread.run_sync(
            access.accounts.accept_invitation, token, password, client_of(request)
        )
    except AccountError as exc:
        message = str(exc)
        return await anyio.to_thread.run_sync(
            lambda: _invitation_page(
                request, token, status=400, error=in_page_language(message.capitalize())
            )
        )
    except SignInError as exc:
        return error_page(400, str(exc))
    return _signed_in(request, signed, DEFAULT_NEXT)


# --- single sign-on -------------------------------------------------------------------------


def _oidc_or_404(access: WebAccess) -> Response | None:
    if access.oidc_enabled:
        return None
    return error_page(404, _("Single sign-on is not set up on this server."))


@router.get("/signin/oidc")
def oidc_start(
    request: Request, next_path: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    access = access_of(request)
    if (off := _oidc_or_404(access)) is not None:
        return off
    client = access.oidc()
    database = access.accounts.database
    try:
        with database.write() as conn:
            state, pending = save_login(conn, safe_next(next_path), access.ctx.now())
        target = client.authorization_url(state, pending)
    except OidcError as exc:
        log.error("single sign-on unavailable: %s", exc)
        return error_page(502, _("The sign-in provider cannot be reached just now."), hint=str(exc))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        OIDC_COOKIE,
        state,
        max_age=600,
        httponly=True,
        # The provider sends the person back with a cross-site navigation: Lax lets it through.
        samesite="lax",
        secure=access.secure_cookies(request),
        path="/signin/oidc",
    )
    return response


@router.get(CALLBACK_PATH)
def oidc_callback(
    request: Request,
    code: Annotated[str, Query(max_length=4096)] = "",
    state: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
    error_description: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    access = access_of(request)
    if (off := _oidc_or_404(access)) is not None:
        return off
    cookie = request.cookies.get(OIDC_COOKIE, "")
    if not state or not cookie or not hmac.compare_digest(cookie.encode(), state.encode()):
        log.warning(
            "single sign-on refused from %s: state does not match", client_of(request).address
        )
        return signin_page(
            request,
            status=400,
            error=_(
                "That sign-in did not start in this browser, or took too long. Please try again."
            ),
        )
    with access.accounts.database.write() as conn:
        pending = take_login(conn, state, access.ctx.now())
    if pending is None:
        return signin_page(
            request,
            status=400,
            error=_("That sign-in took too long or was used. Please try again."),
        )
    if error or not code:
        log.warning("single sign-on refused by the provider: %s", error or "no code")
        reason = error_description or error or _("no sign-in code came back")
        return signin_page(
            request,
            status=401,
            error=_("The sign-in provider did not sign you in: %(reason)s") % {"reason": reason},
        )
    try:
        identity = access.oidc().identity(code, pending)
        role = role_for(identity, access.oidc_settings)
        signed = access.accounts.sign_in_sso(identity, role, client_of(request))
    except OidcError as exc:
        log.error("single sign-on failed: %s", exc)
        return signin_page(
            request,
            status=401,
            error=_("Single sign-on failed: %(reason)s") % {"reason": in_page_language(str(exc))},
        )
    except SignInError as exc:
        return signin_page(request, status=403, error=str(exc))
    return _signed_in(request, signed, pending.return_to)
