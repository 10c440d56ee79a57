"""The accounts service: every change to people and every sign-in, for the CLI and the web.

:class:`Accounts` adds people (with an invitation link), changes roles, removes people (their
sessions, invitations and tokens go at once), issues and revokes personal API tokens, and signs
people in: with a password (after the sign-in limits allow it), with an invitation, or with a
verified single sign-on identity. It also answers who a session cookie or an API token belongs
to. Log lines name the address and the outcome, never a password, token or cookie.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from edicalendar.accounts import apitokens, feedlinks, invitations, passwords, sessions, throttle
from edicalendar.accounts.apitokens import ApiToken
from edicalendar.accounts.oidc import OidcIdentity, role_for
from edicalendar.accounts.people import (
    Person,
    clean_name,
    count_people,
    find_person,
    insert_person,
    normalise_email,
    person_from_row,
    require_person,
)
from edicalendar.accounts.sessions import Session, SignInMethod
from edicalendar.config import AccountSettings
from edicalendar.errors import AccountError, SignInError
from edicalendar.model import Role
from edicalendar.storage.engine import Database
from edicalendar.storage.tables import invitations as invitations_table
from edicalendar.storage.tables import people
from edicalendar.storage.timestamps import utc_text

log = logging.getLogger("edicalendar.accounts")

#: What a refused password sign-in says: the same whether or not the address exists.
WRONG_PASSWORD = "That email address and password do not match an account here."


@dataclass(frozen=True, slots=True)
class Invitation:
    """A new invitation: who it is for, the secret for the link, and when it stops working."""

    person: Person
    token: str
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the cookie's token and the session it opens."""

    token: str
    session: Session


@dataclass(frozen=True, slots=True)
class Client:
    """Where a sign-in comes from (for the per-address limit and the session record)."""

    address: str
    user_agent: str | None = None


class Accounts:
    """People, roles, sessions and tokens of one installation."""

    def __init__(
        self,
        database: Database,
        settings: AccountSettings,
        *,
        now: Callable[[], dt.datetime],
    ) -> None:
        self.database = database
        self.settings = settings
        self.now = now

    # --- people ---------------------------------------------------------------------------

    def anyone(self) -> bool:
        """Whether at least one person has been added."""
        with self.database.engine.connect() as conn:
            return count_people(conn) > 0

    def people(self) -> list[Person]:
        """Everyone, by email address."""
        with self.database.engine.connect() as conn:
            rows = conn.execute(select(people).order_by(people.c.email)).mappings().all()
        return [person_from_row(r) for r in rows]

    def person(self, email: str) -> Person:
        """The person with `email`; PersonNotFoundError if there is none."""
        with self.database.engine.connect() as conn:
            return person_from_row(require_person(conn, normalise_email(email)))

    def add(self, email: str, *, name: str, role: Role, by: str | None) -> Invitation:
        """Add a person and invite them: the invitation's token goes in their link."""
        address = normalise_email(email)
        shown = clean_name(name)
        now = self.now()
        with self.database.write() as conn:
            person_id = insert_person(
                conn, email=address, name=shown, role=role, added_by=by, now=now
            )
            invitation = self._invite(conn, person_id, by)
        log.info("person added: %s as %s by %s", address, role.value, by or "unknown")
        return invitation

    def invite(self, email: str, *, by: str | None) -> Invitation:
        """A new invitation link for an existing person (older links stop working). It also
        serves to reset a forgotten password: the new one is set through the link."""
        with self.database.write() as conn:
            row = require_person(conn, normalise_email(email))
            invitation = self._invite(conn, int(row["id"]), by)
        log.info("invitation issued for %s by %s", row["email"], by or "unknown")
        return invitation

    def _invite(self, conn: Connection, person_id: int, by: str | None) -> Invitation:
        token, expires = invitations.create_invitation(
            conn,
            person_id,
            now=self.now(),
            lifetime=dt.timedelta(hours=self.settings.invitation_hours),
            created_by=by,
        )
        row = conn.execute(select(people).where(people.c.id == person_id)).mappings().one()
        return Invitation(person_from_row(row), token, expires)

    def set_role(self, email: str, role: Role, *, by: str | None) -> Person:
        """Change a person's role; it applies to their open sessions and tokens at once."""
        address = normalise_email(email)
        with self.database.write() as conn:
            row = require_person(conn, address)
            conn.execute(
                update(people)
                .where(people.c.id == row["id"])
                .values(role=role.value, updated_at=utc_text(self.now()))
            )
            changed = person_from_row(find_person(conn, address) or row)
        log.info("role of %s set to %s by %s", address, role.value, by or "unknown")
        return changed

    def remove(self, email: str, *, by: str | None) -> tuple[Person, int, int]:
        """Remove a person: their sessions, invitations and API tokens stop working at once.
        Returns the person and how many sessions and tokens were ended."""
        address = normalise_email(email)
        with self.database.write() as conn:
            row = require_person(conn, address)
            person_id = int(row["id"])
            ended = sessions.end_sessions_of(conn, person_id)
            revoked = apitokens.delete_tokens(conn, person_id=person_id)
            conn.execute(
                invitations_table.delete().where(invitations_table.c.person_id == person_id)
            )
            conn.execute(people.delete().where(people.c.id == person_id))
        log.info("person removed: %s by %s", address, by or "unknown")
        return person_from_row(row), ended, revoked

    # --- API tokens -----------------------------------------------------------------------

    def issue_token(self, email: str, *, label: str = "") -> tuple[ApiToken, str]:
        """A new personal API token for `email`: its listing and the secret, shown once."""
        now = self.now()
        with self.database.write() as conn:
            row = require_person(conn, normalise_email(email))
            token_id, secret = apitokens.create_token(
                conn, int(row["id"]), label.strip()[:200], now
            )
            listed = next(
                t for t in apitokens.list_tokens(conn, int(row["id"])) if t.id == token_id
            )
        log.info("API token %d issued for %s", token_id, row["email"])
        return listed, secret

    def tokens(self, email: str | None = None) -> list[ApiToken]:
        """Personal API tokens (of one person, or everyone's)."""
        with self.database.engine.connect() as conn:
            person_id = None
            if email is not None:
                person_id = int(require_person(conn, normalise_email(email))["id"])
            return apitokens.list_tokens(conn, person_id)

    def revoke_token(self, token_id: int) -> None:
        """Revoke one personal API token; AccountError when there is no such token."""
        with self.database.write() as conn:
            if not apitokens.delete_tokens(conn, token_id=token_id):
                raise AccountError(
                    f"there is no API token {token_id}; `edicalendar users tokens` lists them"
                )
        log.info("API token %d revoked", token_id)

    def token_person(self, token: str) -> Person | None:
        """Who a personal API token acts for, or None."""
        return apitokens.token_person(self.database, token, self.now())

    # --- personal deadline feeds ---------------------------------------------------------

    def new_feed_link(self, person: Person) -> str:
        """A new secret address for `person`'s deadlines feed (the old one stops); shown once."""
        secret = feedlinks.replace_link(self.database, person.id, self.now())
        log.info("deadlines feed address made for %s", person.email)
        return secret

    def stop_feed_link(self, person: Person) -> bool:
        """Stop `person`'s deadlines feed address; whether there was one."""
        return feedlinks.stop_link(self.database, person.id)

    def feed_link_made(self, person: Person) -> dt.datetime | None:
        """When `person`'s current deadlines feed address was made (None: there is none)."""
        return feedlinks.link_made_at(self.database, person.id)

    def feed_person(self, secret: str) -> Person | None:
        """Whose deadlines feed the secret in an address opens, or None."""
        return feedlinks.link_person(self.database, secret, self.now())

    # --- sessions -------------------------------------------------------------------------

    def session(self, token: str) -> Session | None:
        """The live session of a cookie token, or None."""
        return sessions.find_session(self.database, token, self.now())

    def sign_out(self, token: str) -> None:
        """End the session of a cookie token (no error when it already ended)."""
        sessions.end_session(self.database, token)

    def _open(self, conn: Connection, person_id: int, method: SignInMethod, client: Client) -> str:
        now = self.now()
        sessions.prune_sessions(conn, now)
        conn.execute(
            update(people).where(people.c.id == person_id).values(last_signin_at=utc_text(now))
        )
        return sessions.open_session(
            conn,
            person_id,
            method,
            now=now,
            lifetime=dt.timedelta(hours=self.settings.session_hours),
            address=client.address,
            user_agent=client.user_agent,
        )

    def _signed_in(self, token: str) -> SignedIn:
        session = self.session(token)
        assert session is not None
        return SignedIn(token, session)

    # --- signing in -----------------------------------------------------------------------

    def invited(self, token: str) -> Person | None:
        """The person an unused, unexpired invitation token is for, or None."""
        return invitations.invited_person(self.database, token, self.now())

    def accept_invitation(self, token: str, password: str, client: Client) -> SignedIn:
        """Set the password through an invitation and sign in; the link then stops working.

        AccountError when the password breaks the rules (the link still works), SignInError
        when the link is unknown, used or expired."""
        person = self.invited(token)
        if person is None:
            raise SignInError(
                "This invitation link has expired or has been used. Ask an administrator for "
                "a new one (`edicalendar users invite EMAIL`)."
            )
        passwords.check_new_password(
            password, email=person.email, min_length=self.settings.password_min_length
        )
        hashed = passwords.hash_password(password)
        with self.database.write() as conn:
            person_id = invitations.use_invitation(conn, token, self.now())
            if person_id is None:
                raise SignInError("This invitation link has expired or has been used.")
            conn.execute(
                update(people)
                .where(people.c.id == person_id)
                .values(password_hash=hashed, updated_at=utc_text(self.now()))
            )
            # A password set through a link replaces the old one: sessions opened with the
            # old password (perhaps by someone who guessed it) end.
            sessions.end_sessions_of(conn, person_id)
            cookie = self._open(conn, person_id, SignInMethod.PASSWORD, client)
        log.info("invitation used: %s set a password from %s", person.email, client.address)
        return self._signed_in(cookie)

    def sign_in(self, email: str, password: str, client: Client) -> SignedIn:
        """Sign in with a local password. SignInThrottledError while the account or address is
        over its limit; SignInError (one message for every reason) when refused."""
        account = email.strip().lower()[:320]
        window = dt.timedelta(minutes=self.settings.signin_window_minutes)
        now = self.now()
        with self.database.write() as conn:
            throttle.check_attempt(
                conn,
                account=account,
                address=client.address,
                now=now,
                window=window,
                per_account=self.settings.signin_failures_per_account,
                per_address=self.settings.signin_failures_per_address,
            )
            row = find_person(conn, account)
        stored = row["password_hash"] if row is not None else None
        matched = passwords.verify_password(stored or passwords.unknown_hash(), password)
        if row is None or stored is None or not matched:
            with self.database.write() as conn:
                throttle.record_failure(
                    conn, account=account, address=client.address, now=now, window=window
                )
            reason = (
                "no such account"
                if row is None
                else "no password set"
                if stored is None
                else "wrong password"
            )
            log.warning("sign-in refused for %s from %s: %s", account, client.address, reason)
            raise SignInError(WRONG_PASSWORD)
        with self.database.write() as conn:
            throttle.clear_failures(conn, account)
            if passwords.needs_rehash(stored):
                conn.execute(
                    update(people)
                    .where(people.c.id == row["id"])
                    .values(password_hash=passwords.hash_password(password))
                )
            cookie = self._open(conn, int(row["id"]), SignInMethod.PASSWORD, client)
        log.info("signed in: %s with a password from %s", account, client.address)
        return self._signed_in(cookie)

    def sign_in_sso(self, identity: OidcIdentity, role: Role | None, client: Client) -> SignedIn:
        """Sign in a person the provider vouched for, with the role the allow-lists give
        (`role`), else the role an administrator gave them; SignInError when neither."""
        now = self.now()
        with self.database.write() as conn:
            row = conn.execute(
                select(people).where(
                    people.c.oidc_issuer == identity.issuer,
                    people.c.oidc_subject == identity.subject,
                )
            ).mappings().first() or find_person(conn, identity.email)
            if row is None and role is None:
                log.warning(
                    "single sign-on refused for %s from %s: not on any allow-list",
                    identity.email,
                    client.address,
                )
                raise SignInError(
                    f"{identity.email} signed in with the provider but has no access here. "
                    "Ask an administrator to add you."
                )
            if row is None:
                assert role is not None
                person_id = insert_person(
                    conn,
                    email=identity.email,
                    name=clean_name(identity.name),
                    role=role,
                    added_by="single sign-on",
                    now=now,
                    oidc=(identity.issuer, identity.subject),
                )
            else:
                person_id = int(row["id"])
                if row["oidc_subject"] not in (None, identity.subject) or row[
                    "oidc_issuer"
                ] not in (None, identity.issuer):
                    log.warning(
                        "single sign-on refused for %s: the address belongs to another "
                        "provider account",
                        identity.email,
                    )
                    raise SignInError(
                        f"{identity.email} is linked to a different single sign-on account."
                    )
                values: dict[str, object] = {
                    "oidc_issuer": identity.issuer,
                    "oidc_subject": identity.subject,
                    "updated_at": utc_text(now),
                }
                if role is not None:
                    values["role"] = role.value
                conn.execute(update(people).where(people.c.id == person_id).values(**values))
            cookie = self._open(conn, person_id, SignInMethod.OIDC, client)
        log.info("signed in: %s with single sign-on from %s", identity.email, client.address)
        return self._signed_in(cookie)


def sso_role(identity: OidcIdentity, settings: AccountSettings) -> Role | None:
    """The role `[accounts.oidc]` maps `identity` to, or None."""
    return role_for(identity, settings.oidc)
