"""The middleware that puts the forwarded client's address into the request's scope (the rule: forwarded.py)."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from services.gateway.forwarded import Network, client_address


class ForwardedClientMiddleware:
    """Rewrites the scope's client to the forwarded client when the peer is a trusted proxy (else leaves it)."""

    def __init__(self, app: ASGIApp, *, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("client"):
            peer = str(scope["client"][0])
            lines = [value.decode("latin-1") for name, value in scope["headers"] if name == b"x-forwarded-for"]
            client = client_address(peer, lines, self.trusted)
            if client != peer:
                scope["client"] = (client, 0)
        await self.app(scope, receive, send)
