"""Single sign-on against a real OpenID Connect provider on 127.0.0.1 (Authlib's server side):
the client uses discovery, PKCE and a nonce, and trusts an ID token only when its signature
verifies against the provider's JWKS and its issuer, audience, nonce and times are right."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from joserfc.jwk import RSAKey

from edicalendar.accounts.oidc import OidcClient, OidcIdentity, PendingLogin, role_for
from edicalendar.config import OidcSettings
from edicalendar.errors import OidcError
from edicalendar.model import Role
from support.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, User

CALLBACK = "http://127.0.0.1:8000/signin/oidc/callback"


@pytest.fixture(scope="module")
def running_provider() -> Iterator[OidcProvider]:
    provider = OidcProvider()
    provider.register(CALLBACK)
    with provider.running():
        yield provider


@pytest.fixture
def provider(running_provider: OidcProvider) -> Iterator[OidcProvider]:
    """The provider, put back to signing in Asha Khan honestly after each test."""
    yield running_provider
    running_provider.tamper = None
    running_provider.rogue_key = None
    running_provider.signing_key = running_provider.key
    running_provider.published = [running_provider.key]
    running_provider.user = User(sub="entra-oid-0001", email="asha.khan@nhs.net", name="Asha Khan")


def _client(provider: OidcProvider, **settings: Any) -> OidcClient:
    return OidcClient(
        OidcSettings(issuer=provider.issuer, client_id=CLIENT_ID, **settings),
        client_secret=CLIENT_SECRET,
        redirect_uri=CALLBACK,
        now=lambda: dt.datetime.now(dt.UTC),
    )


def _pending(nonce: str | None = None) -> PendingLogin:
    """A fresh sign-in (the provider refuses a nonce it has already seen, as it should)."""
    return PendingLogin(
        nonce=nonce or secrets.token_urlsafe(16),
        code_verifier=secrets.token_urlsafe(48),
        return_to="/campaigns",
    )


def _code(client: OidcClient, pending: PendingLogin, state: str = "state-1") -> str:
    """Go to the provider as a browser would and read the code from its redirect back."""
    answer = requests.get(
        client.authorization_url(state, pending), allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(CALLBACK)
    query = parse_qs(urlparse(location).query)
    assert query["state"] == [state]
    return query["code"][0]


def test_a_person_signs_in_with_pkce_and_a_verified_id_token(provider: OidcProvider) -> None:
    client = _client(provider)
    pending = _pending()
    identity = client.identity(_code(client, pending), pending)
    assert identity == OidcIdentity(
        issuer=provider.issuer,
        subject="entra-oid-0001",
        email="asha.khan@nhs.net",
        name="Asha Khan",
        groups=(),
    )
    asked = provider.authorize_requests[-1]
    assert asked["code_challenge_method"] == "S256"
    assert asked["nonce"] == pending.nonce and asked["scope"] == "openid email profile"
    # The token request proves possession of the PKCE verifier behind that challenge.
    assert provider.token_requests[-1]["code_verifier"] == pending.code_verifier


def test_a_code_is_refused_without_its_pkce_verifier(provider: OidcProvider) -> None:
    client = _client(provider)
    pending = _pending()
    code = _code(client, pending)
    other = PendingLogin(pending.nonce, "another-verifier-" + "w" * 40, pending.return_to)
    with pytest.raises(OidcError, match="refused the sign-in code"):
        client.identity(code, other)


def test_an_id_token_with_another_nonce_is_refused(provider: OidcProvider) -> None:
    """A token minted for one sign-in cannot complete another (replay)."""
    client = _client(provider)
    sent = _pending()
    code = _code(client, sent)
    other = PendingLogin("a-different-nonce", sent.code_verifier, sent.return_to)
    with pytest.raises(OidcError, match="nonce"):
        client.identity(code, other)


@pytest.mark.parametrize(
    ("claim", "value", "reason"),
    [
        ("aud", ["someone-elses-app"], "aud"),
        ("iss", "https://login.microsoftonline.com/other-tenant/v2.0", "iss"),
        ("exp", 1_000_000_000, "expired"),
        # Issued a day from now: the time is worked out when the token is made.
        ("iat", None, "issued in the future"),
    ],
    ids=["audience", "issuer", "expired", "issued-in-the-future"],
)
def test_an_id_token_with_wrong_claims_is_refused(
    provider: OidcProvider, claim: str, value: Any, reason: str
) -> None:
    client = _client(provider)
    pending = _pending()
    provider.tamper = lambda claims: claims.__setitem__(
        claim, int(time.time()) + 86_400 if value is None else value
    )
    code = _code(client, pending)
    with pytest.raises(OidcError) as refused:
        client.identity(code, pending)
    assert reason in str(refused.value)


def test_an_id_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    provider: OidcProvider,
) -> None:
    client = _client(provider)
    pending = _pending()
    rogue = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
    provider.rogue_key = rogue  # same key id as the published key, different key
    code = _code(client, pending)
    with pytest.raises(OidcError, match="signature"):
        client.identity(code, pending)


def test_an_unsigned_id_token_is_refused(provider: OidcProvider) -> None:
    """`alg: none` (and any non-public-key algorithm) never passes, whatever the claims say."""
    client = _client(provider)

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"iss": provider.issuer, "aud": CLIENT_ID, "sub": "x", "iat": now, "exp": now + 60}
    forged = f"{part({'alg': 'none'})}.{part({**claims, 'nonce': 'n'})}."
    with pytest.raises(OidcError, match="signature"):
        client.verify_id_token(forged, "n")


def test_a_key_rollover_is_followed(provider: OidcProvider) -> None:
    """After the client has read the key set, the provider signs with a new key: the client
    reads the set again once and accepts the token."""
    client = _client(provider)
    pending = _pending()
    client.identity(_code(client, pending), pending)
    provider.rotate()
    pending = _pending("second-sign-in")
    assert client.identity(_code(client, pending), pending).email == "asha.khan@nhs.net"


def test_groups_and_the_email_claim_come_from_the_token(provider: OidcProvider) -> None:
    provider.user = User(
        sub="entra-oid-0002",
        email="",
        name="Ben Okafor",
        groups=["3f1c0e9a-comms", "a77d-edi-network"],
        preferred_username="Ben.Okafor@nhs.net",
    )
    client = _client(provider)
    pending = _pending()
    identity = client.identity(_code(client, pending), pending)
    assert identity.email == "ben.okafor@nhs.net"  # from preferred_username, as Entra sends
    assert identity.groups == ("3f1c0e9a-comms", "a77d-edi-network")
    only_email = _client(provider, email_claims=["email"])
    pending = _pending("third")
    with pytest.raises(OidcError, match="no email address"):
        only_email.identity(_code(only_email, pending), pending)


def test_an_unverified_email_is_refused(provider: OidcProvider) -> None:
    provider.user = User(sub="s-3", email="mallory@nhs.net", name="M", email_verified=False)
    client = _client(provider)
    pending = _pending()
    with pytest.raises(OidcError, match="not verified"):
        client.identity(_code(client, pending), pending)


def test_discovery_must_name_the_configured_issuer(httpserver: Any) -> None:
    """A discovery document for another issuer (a mistyped tenant, a hostile host) is refused."""
    httpserver.expect_request("/.well-known/openid-configuration").respond_with_json(
        {"issuer": "https://login.microsoftonline.com/another/v2.0"}
    )
    settings = OidcSettings(issuer=httpserver.url_for("").rstrip("/"), client_id=CLIENT_ID)
    client = OidcClient(settings, client_secret=None, redirect_uri=CALLBACK, now=dt.datetime.now)
    with pytest.raises(OidcError, match="names issuer"):
        client.metadata()


def test_an_unreachable_provider_is_a_clear_error() -> None:
    from support.net import free_port

    settings = OidcSettings(issuer=f"http://127.0.0.1:{free_port()}", client_id=CLIENT_ID)
    client = OidcClient(settings, client_secret=None, redirect_uri=CALLBACK, now=dt.datetime.now)
    with pytest.raises(OidcError, match=r"discovery document .* could not be read"):
        client.metadata()


def _identity(email: str, groups: tuple[str, ...] = ()) -> OidcIdentity:
    return OidcIdentity("https://idp", "sub", email, "Name", groups)


def test_roles_come_from_addresses_domains_and_groups() -> None:
    settings = OidcSettings(
        issuer="https://idp",
        client_id="c",
        admins=["Asha.Khan@nhs.net"],
        editors=["group:3f1c0e9a-comms", "@gmicp.nhs.uk"],
        viewers=["@nhs.net"],
    )
    assert role_for(_identity("asha.khan@nhs.net"), settings) is Role.ADMIN
    assert role_for(_identity("ben@nhs.net", ("3f1c0e9a-comms",)), settings) is Role.EDITOR
    assert role_for(_identity("cara@gmicp.nhs.uk"), settings) is Role.EDITOR
    assert role_for(_identity("dev@nhs.net"), settings) is Role.VIEWER
    assert role_for(_identity("eve@example.com"), settings) is None
    # A domain entry is the whole domain, not a suffix: "@nhs.net" is not "@evilnhs.net".
    assert role_for(_identity("mallory@evilnhs.net"), settings) is None
