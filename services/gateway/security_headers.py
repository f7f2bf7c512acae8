"""Security headers on the web page and its static files: a Content-Security-Policy without inline code, no MIME
sniffing, no referrer beyond the origin, and no framing of the page by anyone.

Only the page's own paths get them: the API answers JSON, and /docs (Swagger UI) loads its code from a CDN with an
inline bootstrap script that this policy would block.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


def is_page_path(path: str) -> bool:
    """The web page, its static files and the favicon."""
    return path in ("/", "/favicon.ico") or path.startswith("/static/")


class PageSecurityHeaders:
    """ASGI middleware adding PAGE_HEADERS to every response on a page path (errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_page_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in PAGE_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
