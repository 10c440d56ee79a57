"""A real OpenID Connect provider on 127.0.0.1, built on Authlib's authorization server.

It publishes discovery and a JWKS, runs the authorization code grant with PKCE (S256 required)
and OpenID Connect's code flow, and signs ID tokens with an RSA key of its own. The
authorization endpoint signs in whoever the test chose (:attr:`OidcProvider.user`) without a
login form, like a provider where the person is already signed in. Tests can also make it
misbehave (:attr:`OidcProvider.tamper`) to prove that the client refuses what it should.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from support.net import free_port
from support.serving import serving

CLIENT_ID = "edicalendar-test-client"
CLIENT_SECRET = "provider-test-secret-0123456789"


@dataclass
class User:
    """Who the provider signs in."""

    sub: str
    email: str
    name: str
    groups: list[str] = field(default_factory=list)
    email_verified: bool = True
    preferred_username: str | None = None


@dataclass
class Client:
    """The one registered relying party."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "email", "profile", "groups"}
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    """An issued authorization code and what it was issued for."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Request(OAuth2Request):
    """An Authlib request from a Starlette one: query parameters for GET, the form for POST."""

    def __init__(self, method: str, uri: str, headers: Any, data: dict[str, str]) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self.payload = BasicOAuth2Payload(data)
        self._data = data

    @property
    def args(self) -> dict[str, str]:
        return self._data if self.method == "GET" else {}

    @property
    def form(self) -> dict[str, str]:
        return self._data if self.method == "POST" else {}


class OidcProvider:
    """The provider: `issuer` is its address; `user` is who signs in next."""

    def __init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig"})
        #: A second key, published only after `rotate()`.
        self.next_key = RSAKey.generate_key(2048, parameters={"kid": "key-2", "use": "sig"})
        self.signing_key = self.key
        self.published = [self.key]
        self.user = User(sub="entra-oid-0001", email="asha.khan@nhs.net", name="Asha Khan")
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        #: Called with the ID token claims before signing, to make the provider misbehave.
        self.tamper: Callable[[dict[str, Any]], None] | None = None
        #: Sign ID tokens with this key instead (a key the JWKS does not publish).
        self.rogue_key: RSAKey | None = None
        self.token_requests: list[dict[str, str]] = []
        self.authorize_requests: list[dict[str, str]] = []
        self.server = self._authorization_server()

    def register(self, redirect_uri: str, client_id: str = CLIENT_ID) -> Client:
        client = Client(client_id, CLIENT_SECRET, [redirect_uri])
        self.clients[client_id] = client
        return client

    def rotate(self) -> None:
        """Sign with a new key from now on and publish both (a provider's key rollover)."""
        self.published = [self.key, self.next_key]
        self.signing_key = self.next_key

    # --- Authlib's server ---------------------------------------------------------------------

    def _authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):  # type: ignore[misc]
            def query_client(self, client_id: str) -> Client | None:
                return provider.clients.get(client_id)

            def save_token(self, token: dict[str, Any], request: Any) -> None:
                return None

            def create_oauth2_request(self, request: Any) -> OAuth2Request:
                assert isinstance(request, _Request)
                return request

            def handle_response(self, status: int, body: Any, headers: Any) -> Response:
                if isinstance(body, dict):
                    return JSONResponse(body, status_code=status, headers=dict(headers))
                return Response(body, status_code=status, headers=dict(headers))

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                return None

        class CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [
                "client_secret_basic",
                "client_secret_post",
            ]

            def save_authorization_code(self, code: str, request: Any) -> None:
                payload = request.payload.data
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=payload.get("redirect_uri", ""),
                    scope=payload.get("scope", ""),
                    user=request.user,
                    nonce=payload.get("nonce"),
                    code_challenge=payload.get("code_challenge"),
                    code_challenge_method=payload.get("code_challenge_method"),
                    auth_time=int(time.time()),
                )

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> User:
                return authorization_code.user

        class OpenID(OpenIDCode):  # type: ignore[misc]
            def exists_nonce(self, nonce: str, request: Any) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def get_client_algorithm(self, client: Any) -> str:
                return "RS256"

            def resolve_client_private_key(self, client: Any) -> Any:
                return provider.rogue_key or provider.signing_key

            def get_client_claims(self, client: Any) -> dict[str, Any]:
                now = int(time.time())
                return {
                    "iss": provider.issuer,
                    "aud": [client.client_id],
                    "iat": now,
                    "exp": now + 3600,
                }

            def get_encode_header(self, client: Any) -> dict[str, Any]:
                return {"alg": "RS256", "kid": provider.signing_key.kid}

            def generate_user_info(self, user: User, scope: str) -> UserInfo:
                info: dict[str, Any] = {"sub": user.sub, "name": user.name}
                if "email" in scope:
                    info["email"] = user.email
                    info["email_verified"] = user.email_verified
                if user.preferred_username:
                    info["preferred_username"] = user.preferred_username
                if user.groups:
                    info["groups"] = list(user.groups)
                if provider.tamper is not None:
                    provider.tamper(info)
                return UserInfo(info)

        server = Server()
        server.register_token_generator(
            "default", BearerTokenGenerator(lambda *a, **k: secrets.token_urlsafe(32))
        )
        server.register_grant(CodeGrant, [OpenID(require_nonce=True), CodeChallenge(required=True)])
        return server

    # --- HTTP -----------------------------------------------------------------------------

    def _metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "name"],
        }

    async def _discovery(self, request: Request) -> Response:
        return JSONResponse(self._metadata())

    async def _jwks(self, request: Request) -> Response:
        keys = KeySet(list(self.published))
        return JSONResponse(keys.as_dict(private=False))

    async def _authorize(self, request: Request) -> Response:
        data = dict(request.query_params)
        self.authorize_requests.append(data)
        oauth_request = _Request("GET", str(request.url), request.headers, data)
        grant = self.server.get_consent_grant(oauth_request, end_user=self.user)
        return self.server.create_authorization_response(
            oauth_request, grant_user=self.user, grant=grant
        )  # type: ignore[no-any-return]

    async def _token(self, request: Request) -> Response:
        body = (await request.body()).decode()
        data = dict(parse_qsl(body, keep_blank_values=True))
        self.token_requests.append(data)
        oauth_request = _Request("POST", str(request.url), request.headers, data)
        return self.server.create_token_response(oauth_request)  # type: ignore[no-any-return]

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self._discovery),
                Route("/jwks", self._jwks),
                Route("/authorize", self._authorize),
                Route("/token", self._token, methods=["POST"]),
            ]
        )

    @contextmanager
    def running(self) -> Iterator[OidcProvider]:
        """Serve on 127.0.0.1 (in a thread) for the duration of the block."""
        with serving(self.app(), port=self.port):
            yield self
