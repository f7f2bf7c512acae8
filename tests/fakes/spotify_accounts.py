"""The fake accounts.spotify.com: `/authorize` (code + PKCE S256 + state) and `/api/token` (three grants).

There is no browser: `/authorize` signs in `state.signed_in_user` (default: the first user), approves at once
and redirects to the app's redirect URI with `code` and `state`, exactly as Spotify does after consent.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from tests.fakes.spotify_definition import load_definition
from tests.fakes.spotify_state import FakeApp, PendingCode, SpotifyState


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier (base64url of its SHA-256, no padding)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _redirect(uri: str, **params: str) -> RedirectResponse:
    separator = "&" if "?" in uri else "?"
    return RedirectResponse(f"{uri}{separator}{urlencode(params)}", status_code=303)


def _client_from_request(request: Request, form: dict[str, str], state: SpotifyState) -> FakeApp | None:
    # Confidential clients send HTTP Basic; PKCE clients send client_id in the form and no secret.
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        app = state.apps.get(client_id)
        return app if app is not None and app.client_secret == secret else None
    client_id = form.get("client_id", "")
    app = state.apps.get(client_id)
    if app is None:
        return None
    if "client_secret" in form and form["client_secret"] != app.client_secret:
        return None
    return app


def create_accounts_router(state: SpotifyState) -> APIRouter:
    """Routes of the accounts host, bound to one state."""
    router = APIRouter()

    @router.get("/authorize", response_model=None)
    def authorize(request: Request) -> Response:
        query = request.query_params
        app = state.apps.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        # Spotify shows an error page (no redirect) for an unknown client or an unregistered redirect URI.
        if app is None:
            return PlainTextResponse("INVALID_CLIENT: Invalid client", status_code=400)
        if redirect_uri not in app.redirect_uris:
            return PlainTextResponse("INVALID_CLIENT: Invalid redirect URI", status_code=400)
        params = {"state": query["state"]} if "state" in query else {}
        if query.get("response_type") != "code":
            return _redirect(redirect_uri, error="unsupported_response_type", **params)
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return _redirect(redirect_uri, error="invalid_request", **params)
        scopes = frozenset(query.get("scope", "").split())
        if not scopes <= load_definition().scopes:
            return _redirect(redirect_uri, error="invalid_scope", **params)
        with state.lock:
            if state.deny_next_authorization:
                state.deny_next_authorization = False
                return _redirect(redirect_uri, error="access_denied", **params)
            user_id = state.signed_in_user or next(iter(state.users), None)
            if user_id is None:
                return PlainTextResponse("no user to sign in: seed one with add_user()", status_code=500)
            code = state.new_id("code") + hashlib.sha256(query["code_challenge"].encode()).hexdigest()[:16]
            state.codes[code] = PendingCode(app.client_id, user_id, redirect_uri, query["code_challenge"], scopes)
        return _redirect(redirect_uri, code=code, **params)

    @router.post("/api/token")
    async def token(request: Request) -> JSONResponse:
        form = {k: str(v) for k, v in (await request.form()).items()}
        app = _client_from_request(request, form, state)
        if app is None:
            return _oauth_error(400, "invalid_client", "Invalid client")
        grant_type = form.get("grant_type")
        with state.lock:
            if grant_type == "client_credentials":
                basic = request.headers.get("authorization", "").lower().startswith("basic")
                if not basic and form.get("client_secret") != app.client_secret:
                    return _oauth_error(400, "invalid_client", "client credentials need the client secret")
                return JSONResponse(state.issue_token(client_id=app.client_id, user_id=None, scopes=frozenset()))
            if grant_type == "authorization_code":
                pending = state.codes.pop(form.get("code", ""), None)  # single use, even when it fails below
                if pending is None or pending.client_id != app.client_id:
                    return _oauth_error(400, "invalid_grant", "Invalid authorization code")
                if form.get("redirect_uri") != pending.redirect_uri:
                    return _oauth_error(400, "invalid_grant", "Invalid redirect URI")
                if s256(form.get("code_verifier", "")) != pending.code_challenge:
                    return _oauth_error(400, "invalid_grant", "code_verifier was incorrect")
                body = state.issue_token(client_id=app.client_id, user_id=pending.user_id, scopes=pending.scopes)
                return JSONResponse(body)
            if grant_type == "refresh_token":
                held = state.refresh_tokens.pop(form.get("refresh_token", ""), None)  # rotation: old one dies
                if held is None or held[0] != app.client_id:
                    return _oauth_error(400, "invalid_grant", "Invalid refresh token")
                return JSONResponse(state.issue_token(client_id=held[0], user_id=held[1], scopes=held[2]))
        return _oauth_error(400, "unsupported_grant_type", f"grant_type must be one of the three, got {grant_type}")

    return router
