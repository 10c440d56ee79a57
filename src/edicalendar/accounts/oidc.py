"""Single sign-on with OpenID Connect: Microsoft Entra ID (NHSmail, Microsoft 365) or any
provider, through Authlib.

The flow is the authorization code flow with PKCE (S256). The provider is found by discovery
(`ISSUER/.well-known/openid-configuration`, whose `issuer` must equal the configured one);
each sign-in gets a fresh state, nonce and code verifier kept server-side in `oidc_logins` for
ten minutes. The ID token that comes back is trusted only after its signature checks against
the provider's JWKS (asymmetric algorithms only; the key set is fetched again once when a new
key id appears) and its issuer, audience, nonce, expiry and issue time check out. The role
comes from the allow-lists in `[accounts.oidc]`: email addresses, `@domain`, `group:ID`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, select

from edicalendar.accounts.credentials import digest, new_secret
from edicalendar.config import OidcSettings
from edicalendar.errors import OidcError
from edicalendar.model import Role
from edicalendar.storage.tables import oidc_logins
from edicalendar.storage.timestamps import parse_utc, utc_text

if TYPE_CHECKING:
    # The HTTP and JOSE libraries load only when sign-in with a provider is set up (they are a
    # tenth of a second of every server's start-up otherwise).
    import requests
    from authlib.integrations.requests_client import OAuth2Session
    from joserfc.jwk import KeySet

log = logging.getLogger("edicalendar.accounts")

#: Where the provider sends people back, below the public address.
CALLBACK_PATH = "/signin/oidc/callback"
#: How long a person has to finish signing in at the provider.
LOGIN_LIFETIME = dt.timedelta(minutes=10)
#: Signature algorithms accepted for ID tokens: public-key ones only (never "none" or HMAC).
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
#: Clock difference tolerated between the provider and this server.
LEEWAY_SECONDS = 120
HTTP_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class OidcIdentity:
    """Who the provider vouched for, from a verified ID token."""

    issuer: str
    subject: str
    email: str
    name: str
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PendingLogin:
    """A sign-in under way at the provider."""

    nonce: str
    code_verifier: str
    return_to: str


def save_login(conn: Connection, return_to: str, now: dt.datetime) -> tuple[str, PendingLogin]:
    """Start a sign-in: a new state (returned, for the URL and a cookie) and its secrets."""
    conn.execute(delete(oidc_logins).where(oidc_logins.c.expires_at <= utc_text(now)))
    state = new_secret()
    pending = PendingLogin(nonce=new_secret(), code_verifier=new_secret(), return_to=return_to)
    conn.execute(
        oidc_logins.insert().values(
            state_hash=digest(state),
            nonce=pending.nonce,
            code_verifier=pending.code_verifier,
            return_to=return_to[:500],
            created_at=utc_text(now),
            expires_at=utc_text(now + LOGIN_LIFETIME),
        )
    )
    return state, pending


def take_login(conn: Connection, state: str, now: dt.datetime) -> PendingLogin | None:
    """The sign-in `state` belongs to, used up (a state works once), or None if none is live."""
    key = digest(state)
    row = (
        conn.execute(select(oidc_logins).where(oidc_logins.c.state_hash == key)).mappings().first()
    )
    if row is None:
        return None
    deleted = conn.execute(delete(oidc_logins).where(oidc_logins.c.state_hash == key))
    if not deleted.rowcount or parse_utc(row["expires_at"]) <= now:
        return None
    return PendingLogin(row["nonce"], row["code_verifier"], row["return_to"])


def role_for(identity: OidcIdentity, settings: OidcSettings) -> Role | None:
    """The highest role whose allow-list names the person's address, domain or a group."""
    domain = "@" + identity.email.rsplit("@", 1)[-1]
    keys = {identity.email, domain} | {f"group:{g}" for g in identity.groups}
    for role, entries in (
        (Role.ADMIN, settings.admins),
        (Role.EDITOR, settings.editors),
        (Role.VIEWER, settings.viewers),
    ):
        if keys & {e.strip().lower() if not e.startswith("group:") else e for e in entries}:
            return role
    return None


class OidcClient:
    """The relying party for one provider: discovery, the sign-in URL, and the code exchange."""

    def __init__(
        self,
        settings: OidcSettings,
        *,
        client_secret: str | None,
        redirect_uri: str,
        now: Callable[[], dt.datetime],
        http: requests.Session | None = None,
    ) -> None:
        self.settings = settings
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.now = now
        if http is None:
            import requests

            http = requests.Session()
        self._http = http
        self._metadata: dict[str, Any] | None = None
        self._jwks: dict[str, Any] | None = None

    # --- discovery ------------------------------------------------------------------------

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        import requests

        try:
            response = self._http.get(url, timeout=HTTP_TIMEOUT, allow_redirects=False)
            response.raise_for_status()
            data = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise OidcError(
                f"the sign-in provider's {what} at {url} could not be read: {exc}"
            ) from None
        if not isinstance(data, dict):
            raise OidcError(f"the sign-in provider's {what} at {url} is not a JSON object")
        return data

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (read once), checked against the issuer."""
        if self._metadata is None:
            url = self.settings.issuer + "/.well-known/openid-configuration"
            data = self._get_json(url, "discovery document")
            if str(data.get("issuer", "")).rstrip("/") != self.settings.issuer:
                raise OidcError(
                    f"the discovery document at {url} names issuer {data.get('issuer')!r}, "
                    f"not {self.settings.issuer!r}; check [accounts.oidc] issuer"
                )
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(data.get(key), str):
                    raise OidcError(f"the discovery document at {url} has no {key}")
            self._metadata = data
        return self._metadata

    def _key_set(self, refresh: bool = False) -> KeySet:
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        if self._jwks is None or refresh:
            self._jwks = self._get_json(self.metadata()["jwks_uri"], "key set (JWKS)")
        try:
            return KeySet.import_key_set(self._jwks)  # type: ignore[arg-type]
        except (JoseError, ValueError, KeyError, TypeError) as exc:
            raise OidcError(f"the sign-in provider's key set cannot be used: {exc}") from None

    def _session(self) -> OAuth2Session:
        from authlib.integrations.requests_client import OAuth2Session

        methods = self.metadata().get("token_endpoint_auth_methods_supported") or [
            "client_secret_basic"
        ]
        if self.client_secret is None:
            auth_method = "none"
        elif "client_secret_basic" in methods:
            auth_method = "client_secret_basic"
        else:
            auth_method = "client_secret_post"
        return OAuth2Session(
            client_id=self.settings.client_id,
            client_secret=self.client_secret,
            scope=" ".join(self.settings.scopes),
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method=auth_method,
            default_timeout=HTTP_TIMEOUT,
        )

    # --- the flow ---------------------------------------------------------------------------

    def authorization_url(self, state: str, pending: PendingLogin) -> str:
        """Where to send the person to sign in at the provider."""
        with self._session() as session:
            url, _ = session.create_authorization_url(
                self.metadata()["authorization_endpoint"],
                state=state,
                code_verifier=pending.code_verifier,
                nonce=pending.nonce,
            )
        return str(url)

    def identity(self, code: str, pending: PendingLogin) -> OidcIdentity:
        """Exchange the code (with the PKCE verifier) and verify the ID token that comes back."""
        import requests
        from authlib.common.errors import AuthlibBaseError

        with self._session() as session:
            try:
                token = session.fetch_token(
                    self.metadata()["token_endpoint"],
                    code=code,
                    code_verifier=pending.code_verifier,
                    grant_type="authorization_code",
                )
            except (AuthlibBaseError, requests.RequestException, ValueError) as exc:
                raise OidcError(f"the sign-in provider refused the sign-in code: {exc}") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("the sign-in provider sent no ID token (is the scope openid set?)")
        claims = self.verify_id_token(id_token, pending.nonce, token.get("access_token"))
        return self._identity(claims)

    def verify_id_token(
        self, id_token: str, nonce: str, access_token: str | None = None
    ) -> Mapping[str, Any]:
        """The claims of `id_token` once signature, issuer, audience, nonce and times check."""
        from authlib.oidc.core import CodeIDToken
        from joserfc import jwt
        from joserfc.errors import InvalidKeyIdError, JoseError
        from joserfc.jws import JWSRegistry

        offered = self.metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in offered if a in ASYMMETRIC]
        if not algorithms:
            raise OidcError(
                f"the sign-in provider signs ID tokens with {', '.join(offered)}; "
                "only public-key signatures are accepted"
            )
        registry = JWSRegistry(algorithms=algorithms)
        try:
            try:
                decoded = jwt.decode(id_token, self._key_set(), algorithms, registry=registry)
            except InvalidKeyIdError:
                # The provider rotated its keys since the set was read: read it once more.
                decoded = jwt.decode(id_token, self._key_set(True), algorithms, registry=registry)
        except (JoseError, ValueError) as exc:
            raise OidcError(f"the ID token's signature does not verify: {exc}") from None
        params: dict[str, Any] = {"nonce": nonce, "client_id": self.settings.client_id}
        if access_token:
            params["access_token"] = access_token
        options = {
            "iss": {"essential": True, "value": self.metadata()["issuer"]},
            "aud": {"essential": True, "value": self.settings.client_id},
            "nonce": {"essential": True},
        }
        claims = CodeIDToken(decoded.claims, decoded.header, options, params)
        try:
            claims.validate(now=int(self.now().timestamp()), leeway=LEEWAY_SECONDS)
        except (JoseError, ValueError) as exc:
            raise OidcError(f"the ID token was refused: {exc}") from None
        if decoded.claims.get("nonce") != nonce:
            raise OidcError("the ID token was refused: its nonce is not this sign-in's")
        return decoded.claims

    def _identity(self, claims: Mapping[str, Any]) -> OidcIdentity:
        email = next(
            (
                str(claims[name]).strip().lower()
                for name in self.settings.email_claims
                if isinstance(claims.get(name), str) and "@" in claims[name]
            ),
            None,
        )
        if email is None:
            raise OidcError(
                "the ID token holds no email address in "
                f"{', '.join(self.settings.email_claims)}; set [accounts.oidc] email_claims"
            )
        if claims.get("email_verified") is False and "email" in self.settings.email_claims[:1]:
            raise OidcError(f"the provider says {email} is not verified")
        groups = claims.get(self.settings.groups_claim) or []
        if isinstance(groups, str):
            groups = [groups]
        name = claims.get("name")
        return OidcIdentity(
            issuer=str(claims["iss"]),
            subject=str(claims["sub"]),
            email=email,
            name=str(name).strip() if isinstance(name, str) and name.strip() else email,
            groups=tuple(str(g) for g in groups if isinstance(g, str | int)),
        )
