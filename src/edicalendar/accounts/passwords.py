"""Passwords of local accounts: argon2id hashes (argon2-cffi's RFC 9106 profile) and the rules a
new password must meet.

The rules follow the NCSC's advice: a minimum length (set in `[accounts]
password_min_length`), no composition rules, no expiry; a password that is the person's own
email address or one character repeated is refused. Verifying against :func:`unknown_hash` when
no account matches keeps the time a sign-in takes the same whether or not the address exists.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from edicalendar.errors import AccountError

#: Longer passwords are refused: hashing megabytes on request is a denial of service.
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher()


@cache
def unknown_hash() -> str:
    """A hash no password matches, verified when the account does not exist.

    Made on the first sign-in rather than at import: hashing costs a third of a second of CPU,
    which every start of `serve` and of the CLI would otherwise pay.
    """
    return _hasher.hash("no account has this password: it only keeps timing even")


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (salted; every call differs)."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Whether `password` matches the `stored` hash (False for a damaged hash)."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether `stored` was made with weaker parameters than today's and should be redone."""
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def check_new_password(password: str, *, email: str, min_length: int) -> None:
    """Refuse a new password that is too short, too long, or guessable from the account."""
    if len(password) < min_length:
        raise AccountError(
            f"the password is {len(password)} characters; use at least {min_length} "
            "(three random words make a strong one)"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password is longer than {MAX_PASSWORD_LENGTH} characters")
    if password.strip().lower() == email.lower() or len(set(password)) < 3:
        raise AccountError("the password is too easy to guess; choose another")
