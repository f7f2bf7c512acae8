"""The browser's side of a session: the HttpOnly cookie that carries its token (services/gateway/sessions.py)."""

from __future__ import annotations

from fastapi import Response

from services.gateway.api.dependencies import KnownSession
from services.gateway.settings import Settings


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    """Give the browser its session token."""
    # HttpOnly: page scripts never see the token; Lax: sent on top-level navigation, not on cross-site posts.
    response.set_cookie(
        settings.cookie_name,
        token,
        max_age=settings.session_ttl_s,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Tell the browser to forget its session token."""
    response.delete_cookie(settings.cookie_name, httponly=True, samesite="lax", secure=settings.cookie_secure)


def remember_session(response: Response, settings: Settings, known: KnownSession, token: str) -> None:
    """Give the browser its session token, unless the request came with a bearer session: a native app's token is
    never planted in a cookie jar (a page on a CORS-listed origin could otherwise make it someone's cookie)."""
    if not known.by_bearer:
        set_session_cookie(response, settings, token)
