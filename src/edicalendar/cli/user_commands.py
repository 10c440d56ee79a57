"""People commands: `users add`, `invite`, `list`, `role`, `remove`, `token`, `tokens`,
`revoke-token`.

`users add` prints a one-time invitation link that expires (`[accounts] invitation_hours`);
the person opens it, sets a password and is signed in. `users token` prints a personal API
token for scripts on its own last line, so `TOKEN=$(edicalendar users token me@nhs.net | tail
-n 1)` works. Every change goes through :class:`~edicalendar.accounts.directory.Accounts`, the
same service the web server uses.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from edicalendar.cli.output import OutputFormat, emit, warn
from edicalendar.cli.root import app, context
from edicalendar.model import Role

if TYPE_CHECKING:
    from edicalendar.accounts.directory import Invitation
    from edicalendar.context import AppContext

users_app = typer.Typer(
    help="People who may sign in, their roles, invitation links and personal API tokens.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")

EmailArg = Annotated[str, typer.Argument(help="The person's email address (their sign-in).")]


def _operator() -> str:
    """Who ran the command, as recorded beside the change."""
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "command line"


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def _short(iso: object) -> str | None:
    """An ISO instant as `2026-03-05 10:00` for tables."""
    return f"{str(iso)[:10]} {str(iso)[11:16]}" if iso else None


def _print_invitation(app_ctx: AppContext, invitation: Invitation) -> None:
    from urllib.parse import quote

    from edicalendar.accounts.invitations import INVITATION_PATH

    base = app_ctx.loaded.settings.feeds.base_url.rstrip("/")
    if base.startswith(("http://127.0.0.1", "http://localhost")):
        warn(
            f"the link uses [feeds] base_url ({base}), which only this machine can open; "
            "set base_url to the server's public address"
        )
    link = f"{base}{INVITATION_PATH}?token={quote(invitation.token)}"
    sys.stdout.write(
        f"Send this link to {invitation.person.name} <{invitation.person.email}>. It works once, "
        f"until {_when(invitation.expires_at)}, to set a password and sign in:\n{link}\n"
    )


@users_app.command("add")
def add(
    ctx: typer.Context,
    email: EmailArg,
    name: Annotated[str, typer.Option("--name", help="The name shown to others.")],
    role: Annotated[
        Role, typer.Option("--role", help="viewer (sees the plan), editor (changes it), admin.")
    ] = Role.VIEWER,
) -> None:
    """Add a person and print their one-time invitation link."""
    app_ctx = context(ctx)
    invitation = app_ctx.accounts().add(email, name=name, role=role, by=_operator())
    person = invitation.person
    sys.stdout.write(f"Added {person.name} <{person.email}> as {person.role.value}.\n")
    _print_invitation(app_ctx, invitation)


@users_app.command("invite")
def invite(ctx: typer.Context, email: EmailArg) -> None:
    """Print a new invitation link for a person (older links stop working); also resets a
    forgotten password."""
    app_ctx = context(ctx)
    _print_invitation(app_ctx, app_ctx.accounts().invite(email, by=_operator()))


@users_app.command("list")
def list_people(
    ctx: typer.Context,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="table, json or csv.")
    ] = OutputFormat.TABLE,
) -> None:
    """Everyone who may sign in, with their role and how they sign in."""
    rows = [
        {
            "email": p.email,
            "name": p.name,
            "role": p.role.value,
            "password": p.has_password,
            "single_sign_on": p.uses_sso,
            "last_signin": p.last_signin_at.isoformat() if p.last_signin_at else None,
            "added": p.created_at.isoformat(),
            "added_by": p.added_by,
        }
        for p in context(ctx).accounts().people()
    ]
    if fmt is OutputFormat.TABLE:
        for row in rows:
            how = [
                w for w, on in (("password", row["password"]), ("SSO", row["single_sign_on"])) if on
            ]
            row["signs_in"] = ", ".join(how) or "invited"
            for key in ("last_signin", "added"):
                row[key] = _short(row[key])
    emit(
        rows,
        fmt,
        columns=[
            ("email", "Email"),
            ("name", "Name"),
            ("role", "Role"),
            *([("signs_in", "Signs in with")] if fmt is OutputFormat.TABLE else []),
            *(
                [("password", "password"), ("single_sign_on", "single_sign_on")]
                if fmt is not OutputFormat.TABLE
                else []
            ),
            ("last_signin", "Last sign-in"),
            ("added", "Added"),
            ("added_by", "Added by"),
        ],
        title="People",
    )


@users_app.command("role")
def set_role(
    ctx: typer.Context,
    email: EmailArg,
    role: Annotated[Role, typer.Argument(help="viewer, editor or admin.")],
) -> None:
    """Change a person's role; their open sessions and API tokens get it at once."""
    person = context(ctx).accounts().set_role(email, role, by=_operator())
    sys.stdout.write(f"{person.name} <{person.email}> is now {person.role.value}.\n")


@users_app.command("remove")
def remove(ctx: typer.Context, email: EmailArg) -> None:
    """Remove a person: their sessions, invitation and API tokens stop working at once."""
    person, ended, revoked = context(ctx).accounts().remove(email, by=_operator())
    sys.stdout.write(
        f"Removed {person.name} <{person.email}>: {ended} session{'s' if ended != 1 else ''} "
        f"ended, {revoked} API token{'s' if revoked != 1 else ''} revoked.\n"
    )


@users_app.command("token")
def token(
    ctx: typer.Context,
    email: EmailArg,
    label: Annotated[
        str, typer.Option("--label", help="What the token is for (shown in `users tokens`).")
    ] = "",
) -> None:
    """Print a new personal API token for scripts, on its own last line (shown only once)."""
    listed, secret = context(ctx).accounts().issue_token(email, label=label)
    sys.stdout.write(
        f"API token {listed.id} for {listed.email}: scripts send it as "
        "`Authorization: Bearer TOKEN` and act with this person's role. It is shown only "
        f"now; `edicalendar users revoke-token {listed.id}` revokes it.\n{secret}\n"
    )


@users_app.command("tokens")
def tokens(
    ctx: typer.Context,
    email: Annotated[str | None, typer.Argument(help="Only this person's tokens.")] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="table, json or csv.")
    ] = OutputFormat.TABLE,
) -> None:
    """Personal API tokens (never the secrets): id, person, label, made and last used."""
    rows = [
        {
            "id": t.id,
            "email": t.email,
            "label": t.label,
            "created": t.created_at.isoformat(),
            "last_used": t.last_used_at.isoformat() if t.last_used_at else None,
        }
        for t in context(ctx).accounts().tokens(email)
    ]
    if fmt is OutputFormat.TABLE:
        for row in rows:
            for key in ("created", "last_used"):
                row[key] = _short(row[key])
    emit(
        rows,
        fmt,
        columns=[
            ("id", "Id"),
            ("email", "Email"),
            ("label", "Label"),
            ("created", "Created"),
            ("last_used", "Last used"),
        ],
        title="API tokens",
    )


@users_app.command("revoke-token")
def revoke_token(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(help="The token's id from `users tokens`.")],
) -> None:
    """Revoke a personal API token: scripts using it are refused from now on."""
    context(ctx).accounts().revoke_token(token_id)
    sys.stdout.write(f"API token {token_id} revoked.\n")
