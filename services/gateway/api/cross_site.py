"""Requests from another site's page that would change something are refused (403 CrossSiteRequest), unless the
site is a CORS-listed origin (GATEWAY_CORS_ORIGINS).

A form on any site can POST to /v1/playlists with no script and no preflight. The browser sends no session cookie
with it (SameSite=Lax), so the gateway would start a new session and its Set-Cookie would replace the person's own:
signed out of their playlists by a page they merely visited. Browsers say where a request comes from
(`Sec-Fetch-Site`, sent by every current browser); a native app, curl and the services send none and pass, and so
does a page of this gateway or of its own site.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.web.errors import envelope_response

UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CrossSiteGuard:
    """ASGI middleware: 403 for an unsafe request a browser marks cross-site from an origin not listed."""

    def __init__(self, app: ASGIApp, *, listed_origins: Sequence[str]) -> None:
        self.app = app
        self.listed = frozenset(listed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            headers = Headers(scope=scope)
            origin = headers.get("origin", "")
            if headers.get("sec-fetch-site") == "cross-site" and origin not in self.listed:
                detail = f"a page on {origin[:100] or 'another site'} may not change anything here (not listed)"
                await envelope_response(403, "CrossSiteRequest", detail)(scope, receive, send)
                return
        await self.app(scope, receive, send)
