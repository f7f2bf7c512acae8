"""Security headers on every gateway response. The web page and its static files: a Content-Security-Policy
without inline code, no MIME sniffing, no referrer beyond the origin, and no framing of the page by anyone. The API
(JSON, errors included): the same with a CSP that allows nothing (`default-src 'none'`), so a response opened as a
document runs and frames nothing (issue 14). /docs and /redoc load Swagger UI and ReDoc from the gateway itself
(api/docs.py) under a CSP of their own: scripts only from the gateway, no inline script; inline styles, which both
viewers write at run time (ReDoc's styled-components, Swagger UI's React), and blob: workers for ReDoc's search.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.ops_endpoints import DOCS_PATHS

# frame-src: the embedded Spotify player of a playlist made signed in; img-src data:/blob: for the photo preview,
# the cover drawn on a canvas and the heat map.
CONTENT_SECURITY_POLICY: Final = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "frame-src https://open.spotify.com",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PAGE_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}

API_HEADERS: Final = {**PAGE_HEADERS, "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
DOCS_CSP: Final = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
DOCS_HEADERS: Final = {**PAGE_HEADERS, "Content-Security-Policy": DOCS_CSP}
# The docs viewers' pages; the document they read (/openapi.json) is JSON and gets the API's headers.
DOCS_PAGES: Final = DOCS_PATHS - {"/openapi.json"}


def headers_for(path: str) -> dict[str, str]:
    """The security headers of a response on this path."""
    if is_page_path(path):
        return PAGE_HEADERS
    return DOCS_HEADERS if path in DOCS_PAGES else API_HEADERS


def is_page_path(path: str) -> bool:
    """The web page, its static files (the API docs' viewers' too) and the favicon."""
    return path in ("/", "/favicon.ico") or path.startswith(("/static/", "/docs-assets/"))


class PageSecurityHeaders:
    """ASGI middleware adding headers_for(path) to every response (errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chosen = headers_for(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in chosen.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
