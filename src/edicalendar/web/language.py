"""Which language a page is in: `/cy/...` addresses (and `?lang=cy`) are Welsh, everything
else English.

:class:`Language` (middleware) strips the `/cy` prefix before routing, so every route answers
in both languages with one handler, and sets :data:`edicalendar.i18n.language` for the request;
redirects from a Welsh page stay Welsh. :func:`localise_links` puts the prefix back on a Welsh
page's own links (never on feeds, the API, static files or the switch back to English), so a
reader who chose Welsh stays in Welsh however they move around.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from edicalendar.i18n import DEFAULT, LANGUAGES, language
from edicalendar.web.feedserve import ASGIApp, Message, Receive, Scope, Send

PREFIX = "/cy"
#: Paths that are the same in every language: files, feeds and machine interfaces.
_SHARED = ("static/", "feeds/", "api/", "docs", "openapi.json", "healthz", "site/", "favicon")
_LINK = re.compile(
    r'(?<!lang="en")(\s(?:href|action)=")/(?!cy/|cy"|' + "|".join(map(re.escape, _SHARED)) + ")"
)


def localise_links(html: str) -> str:
    """`html` with its links to the site's own pages moved under `/cy/`."""
    return _LINK.sub(r"\1/cy/", html)


def is_page(path: str) -> bool:
    """Whether `path` (starting "/") is one of the site's pages, which have a Welsh address."""
    return not (path == PREFIX or path.startswith(PREFIX + "/") or path[1:].startswith(_SHARED))


def welsh_path(path: str) -> str:
    """The Welsh address of the English page at `path` ("/calendar?month=2027-03")."""
    return PREFIX + path if path != "/" else PREFIX + "/"


def chosen_language(path: str, query: str) -> tuple[str, str]:
    """(language, path without its language prefix) for a request."""
    if path == PREFIX or path.startswith(PREFIX + "/"):
        return "cy", path[len(PREFIX) :] or "/"
    # On the subscribe page `lang` is the feed builder's choice of feed language, not the page's.
    if path != "/":
        for key, value in parse_qsl(query, keep_blank_values=True):
            if key == "lang" and value in LANGUAGES:
                return value, path
    return DEFAULT, path


class Language:
    """ASGI middleware: set the request's language and route Welsh addresses to their page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope["path"])
        query = scope.get("query_string", b"").decode("latin-1")
        lang, routed = chosen_language(path, query)
        if routed != path:
            raw = routed.encode("utf-8")
            scope = {**scope, "path": routed, "raw_path": raw}
        token = language.set(lang)
        outgoing = send
        if routed != path:

            async def welsh_redirects(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = []
                    for name, value in message.get("headers", []):
                        text = value.decode("latin-1")
                        if name.lower() == b"location" and text.startswith("/") and is_page(text):
                            value = welsh_path(text).encode("latin-1")
                        headers.append((name, value))
                    message = {**message, "headers": headers}
                await send(message)

            outgoing = welsh_redirects
        try:
            await self.app(scope, receive, outgoing)
        finally:
            language.reset(token)
