"""Route modules imported on the first request that could be theirs, not at start-up.

The campaign pages, editor and API are the heaviest routes to import and build (their modules,
forms and models take about a quarter of a second) and nothing a server answers first needs
them. :class:`DeferredRoutes` stands in their place in the app's route list: a request whose
address contains none of their prefixes passes it by without loading anything; the first one
that does (or anything that asks for the whole route list, such as the OpenAPI document)
imports the modules, includes their routers with the app's own ``include_router`` and moves
them into the stand-in's place, so the order, the answers and the OpenAPI document are the
same as when every route was included at start-up. Every campaign address starts with one of
:data:`CAMPAIGN_PREFIXES` (tests/web/test_deferred_routes.py holds them to it).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute, Match, NoMatchFound

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.datastructures import URLPath
    from starlette.types import Receive, Scope, Send

#: The campaign routers, in the order they are tried (the editor's fixed addresses,
#: /campaigns/new and /campaigns/ID/edit, before the pages' patterns /campaigns/ID/INSTANCE).
CAMPAIGN_ROUTERS = (
    ("edicalendar.web.campaign_editor", "router"),
    ("edicalendar.web.campaign_actions", "router"),
    ("edicalendar.web.campaign_api", "router"),
    ("edicalendar.web.campaign_pages", "router"),
    ("edicalendar.web.campaign_pages", "public_router"),
)
#: Every campaign route's address starts with one of these.
CAMPAIGN_PREFIXES = ("/campaigns", "/api/campaigns", "/api/my-work", "/my-work", "/deadlines/")


class DeferredRoutes(BaseRoute):
    """A stand-in for routers that are imported and included on first use."""

    def __init__(
        self, app: FastAPI, routers: Sequence[tuple[str, str]], prefixes: Sequence[str]
    ) -> None:
        self.app_ = app
        self.routers = tuple(routers)
        self.prefixes = tuple(prefixes)
        self.routes: list[BaseRoute] | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self.routes is not None

    def load(self) -> list[BaseRoute]:
        """Import the routers, include them and put their routes in this stand-in's place."""
        with self._lock:
            if self.routes is not None:
                return self.routes
            router = self.app_.router
            before = len(router.routes)
            for module, name in self.routers:
                self.app_.include_router(getattr(importlib.import_module(module), name))
            # Included at the end of the list (after /static and the freeze pages, whose
            # addresses none of these share), then moved into this stand-in's place in one
            # assignment: a request being routed meanwhile reads a list that answers the same.
            current = list(router.routes)
            built = current[before:]
            rest = [route for route in current[:before] if route is not self]
            at = next((i for i, route in enumerate(current) if route is self), len(rest))
            router.routes = [*rest[:at], *built, *rest[at:]]
            self.routes = built
            return built

    def _may_match(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        return scope["type"] == "http" and any(prefix in path for prefix in self.prefixes)

    def _match(self, scope: Scope) -> tuple[Match, Scope, BaseRoute | None]:
        if not self._may_match(scope):
            return Match.NONE, {}, None
        partial: tuple[Scope, BaseRoute] | None = None
        for route in self.load():
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return match, child_scope, route
            if match is Match.PARTIAL and partial is None:
                partial = (child_scope, route)
        if partial is not None:
            return Match.PARTIAL, partial[0], partial[1]
        return Match.NONE, {}, None

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope, _ = self._match(scope)
        return match, child_scope

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The router took this stand-in's answer from `matches` and updated the scope with it;
        # matching again finds the same route (the path and method have not changed).
        _, _, route = self._match(scope)
        assert route is not None
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for route in self.load():
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)
