"""Random secrets handed to people (session cookies, invitation links, API tokens) and how they
are stored: only a SHA-256 digest, so a copy of the database opens no session.

The secrets carry 256 bits from :mod:`secrets`; that is why a fast digest is enough here
(passwords, which people choose, use argon2id in :mod:`edicalendar.accounts.passwords`).
"""

from __future__ import annotations

import hashlib
import secrets

#: Prefix of personal API tokens, so secret scanners and people recognise one.
API_TOKEN_PREFIX = "edc_"


def new_secret() -> str:
    """A fresh URL-safe secret of 32 random bytes."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The stored form of a secret: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
