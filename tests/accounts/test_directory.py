"""People, invitations, passwords, sessions and API tokens on real SQLite and PostgreSQL:
what works once works once, what expires is refused at once, removal revokes everything."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from edicalendar.accounts.directory import Accounts, Client
from edicalendar.accounts.passwords import verify_password
from edicalendar.errors import AccountError, PersonNotFoundError, SignInError
from edicalendar.model import Role
from edicalendar.storage.tables import api_tokens, people, sessions
from support.clock import Clock

from .conftest import HERE, PASSWORD


def _invited(accounts: Accounts, email: str = "Asha.Khan@NHS.net", role: Role = Role.EDITOR) -> str:
    return accounts.add(email, name="Asha  Khan", role=role, by="tests").token


def test_adding_a_person_stores_them_lower_case_with_an_invitation(accounts: Accounts) -> None:
    """The address is trimmed and lower-cased, the name tidied; the person has no password
    until the invitation is used, and the invitation expires after 72 hours by default."""
    invitation = accounts.add(" Asha.Khan@NHS.net ", name=" Asha  Khan ", role=Role.EDITOR, by="op")
    assert invitation.person.email == "asha.khan@nhs.net"
    assert invitation.person.name == "Asha Khan"
    assert invitation.person.role is Role.EDITOR
    assert not invitation.person.has_password
    assert invitation.expires_at == dt.datetime(2026, 3, 8, 10, 0, tzinfo=dt.UTC)
    assert [p.email for p in accounts.people()] == ["asha.khan@nhs.net"]
    with pytest.raises(AccountError, match="already a person here"):
        accounts.add("asha.khan@nhs.net", name="Asha", role=Role.VIEWER, by="op")


@pytest.mark.parametrize("bad", ["asha", "asha@", "@nhs.net", "a b@nhs.net", "asha@nhs"])
def test_addresses_that_are_not_email_addresses_are_refused(accounts: Accounts, bad: str) -> None:
    with pytest.raises(AccountError, match="is not an email address"):
        accounts.add(bad, name="Someone", role=Role.VIEWER, by="op")


def test_an_invitation_sets_a_password_once(accounts: Accounts) -> None:
    """The link signs the person in and stores an argon2id hash; used again, it is refused."""
    token = _invited(accounts)
    assert accounts.invited(token) is not None
    signed = accounts.accept_invitation(token, PASSWORD, HERE)
    assert signed.session.person.email == "asha.khan@nhs.net"
    with accounts.database.engine.connect() as conn:
        stored = conn.execute(select(people.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert accounts.invited(token) is None
    with pytest.raises(SignInError, match="expired or has been used"):
        accounts.accept_invitation(token, PASSWORD, HERE)


def test_a_password_that_breaks_the_rules_leaves_the_link_working(accounts: Accounts) -> None:
    token = _invited(accounts)
    for weak, reason in (
        ("short", "use at least 12"),
        ("asha.khan@nhs.net", "too easy to guess"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("x" * 1025, "longer than 1024"),
    ):
        with pytest.raises(AccountError, match=reason):
            accounts.accept_invitation(token, weak, HERE)
    assert accounts.invited(token) is not None


def test_an_expired_invitation_is_refused(accounts: Accounts, clock: Clock) -> None:
    token = _invited(accounts)
    clock.advance(hours=72)
    assert accounts.invited(token) is None
    with pytest.raises(SignInError):
        accounts.accept_invitation(token, PASSWORD, HERE)


def test_a_new_invitation_replaces_the_old_one(accounts: Accounts) -> None:
    first = _invited(accounts)
    second = accounts.invite("asha.khan@nhs.net", by="op").token
    assert accounts.invited(first) is None
    assert accounts.invited(second) is not None


def test_signing_in_with_a_password_and_out_again(accounts: Accounts) -> None:
    """Sign-in opens a session found by its cookie token; sign-out ends it at once."""
    accounts.accept_invitation(_invited(accounts), PASSWORD, HERE)
    signed = accounts.sign_in("ASHA.KHAN@nhs.net", PASSWORD, HERE)
    found = accounts.session(signed.token)
    assert found is not None and found.person.role is Role.EDITOR
    assert found.csrf_token and found.csrf_token != signed.token
    accounts.sign_out(signed.token)
    assert accounts.session(signed.token) is None


def test_a_wrong_password_and_an_unknown_address_say_the_same(accounts: Accounts) -> None:
    accounts.accept_invitation(_invited(accounts), PASSWORD, HERE)
    with pytest.raises(SignInError) as wrong:
        accounts.sign_in("asha.khan@nhs.net", "not the password at all", HERE)
    with pytest.raises(SignInError) as unknown:
        accounts.sign_in("nobody@nhs.net", PASSWORD, HERE)
    assert str(wrong.value) == str(unknown.value)


def test_an_invited_person_cannot_sign_in_before_setting_a_password(accounts: Accounts) -> None:
    _invited(accounts)
    with pytest.raises(SignInError):
        accounts.sign_in("asha.khan@nhs.net", "", HERE)


def test_sessions_expire_after_the_configured_hours(accounts: Accounts, clock: Clock) -> None:
    """12 hours by default: a second before, the cookie works; at 12 hours it is refused and
    the row is gone."""
    signed = accounts.accept_invitation(_invited(accounts), PASSWORD, HERE)
    clock.advance(hours=12, seconds=-1)
    assert accounts.session(signed.token) is not None
    clock.advance(seconds=1)
    assert accounts.session(signed.token) is None
    with accounts.database.engine.connect() as conn:
        assert conn.execute(select(sessions)).all() == []


def test_removing_a_person_ends_their_sessions_and_tokens_at_once(accounts: Accounts) -> None:
    signed = accounts.accept_invitation(_invited(accounts), PASSWORD, HERE)
    _, secret = accounts.issue_token("asha.khan@nhs.net", label="script")
    assert accounts.token_person(secret) is not None
    person, ended, revoked = accounts.remove("asha.khan@nhs.net", by="op")
    assert (person.email, ended, revoked) == ("asha.khan@nhs.net", 1, 1)
    assert accounts.session(signed.token) is None
    assert accounts.token_person(secret) is None
    with accounts.database.engine.connect() as conn:
        assert conn.execute(select(api_tokens)).all() == []
    with pytest.raises(PersonNotFoundError):
        accounts.remove("asha.khan@nhs.net", by="op")


def test_a_role_change_applies_to_open_sessions_and_tokens(accounts: Accounts) -> None:
    signed = accounts.accept_invitation(_invited(accounts), PASSWORD, HERE)
    _, secret = accounts.issue_token("asha.khan@nhs.net")
    accounts.set_role("asha.khan@nhs.net", Role.VIEWER, by="op")
    found = accounts.session(signed.token)
    assert found is not None and found.person.role is Role.VIEWER
    person = accounts.token_person(secret)
    assert person is not None and person.role is Role.VIEWER


def test_api_tokens_are_stored_as_digests_and_revoked_one_by_one(accounts: Accounts) -> None:
    _invited(accounts)
    first, one = accounts.issue_token("asha.khan@nhs.net", label="weekly report")
    second, two = accounts.issue_token("asha.khan@nhs.net", label="dashboard")
    assert one.startswith("edc_") and one != two
    with accounts.database.engine.connect() as conn:
        hashes = set(conn.execute(select(api_tokens.c.token_hash)).scalars())
    assert one not in hashes and two not in hashes and len(hashes) == 2
    assert [t.label for t in accounts.tokens("asha.khan@nhs.net")] == ["weekly report", "dashboard"]
    accounts.revoke_token(first.id)
    assert accounts.token_person(one) is None
    assert accounts.token_person(two) is not None
    with pytest.raises(AccountError, match=f"no API token {first.id}"):
        accounts.revoke_token(first.id)
    assert accounts.token_person("edc_" + "x" * 43) is None
    assert accounts.token_person("not-a-token") is None
    assert second.last_used_at is None
    assert accounts.tokens()[0].last_used_at is not None  # the use above was recorded


def test_a_new_password_through_a_link_ends_the_old_sessions(accounts: Accounts) -> None:
    """A reset (a new invitation) signs out every browser the old password opened."""
    old = accounts.accept_invitation(_invited(accounts), PASSWORD, HERE)
    token = accounts.invite("asha.khan@nhs.net", by="op").token
    accounts.accept_invitation(token, "a different long passphrase", HERE)
    assert accounts.session(old.token) is None
    with pytest.raises(SignInError):
        accounts.sign_in("asha.khan@nhs.net", PASSWORD, HERE)


def test_a_session_records_where_it_came_from(accounts: Accounts) -> None:
    signed = accounts.accept_invitation(
        _invited(accounts), PASSWORD, Client("198.51.100.7", "Firefox")
    )
    with accounts.database.engine.connect() as conn:
        row = conn.execute(select(sessions)).mappings().one()
    assert (row["address"], row["user_agent"], row["method"]) == (
        "198.51.100.7",
        "Firefox",
        "password",
    )
    assert row["token_hash"] != signed.token
