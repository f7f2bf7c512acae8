"""Gateway routes for Spotify: sign-in and out, who is signed in, their genres, and saving a generated playlist.

The browser only ever holds the session cookie; Spotify's tokens stay in the playlist service.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import RedirectResponse

from services.gateway.account import InvalidSignIn, SpotifyAccount, SpotifySignInRequired
from services.gateway.account_schemas import GenreProfile, GenresIn, Me
from services.gateway.api.dependencies import GatewaySettings, OwnedPlaylist, Sessions, SessionToken, UpstreamClients
from services.gateway.carry import carry_guest_session
from services.gateway.schemas import Playlist
from services.gateway.sessions import new_session_token, session_key, set_session_cookie
from shared.errors import ServiceError
from shared.web.errors import error_responses

router = APIRouter(prefix="/v1")
_SPOTIFY_ERRORS = (401, 403, 502, 503, 504)
OptionalText = Annotated[str | None, Query(max_length=2048)]


def _account(upstreams: UpstreamClients, token: str) -> SpotifyAccount:
    return SpotifyAccount(upstreams.playlist, token)


def signed_in_account(token: SessionToken, upstreams: UpstreamClients) -> SpotifyAccount:
    """This session's Spotify account; SpotifySignInRequired without a session."""
    if token is None:
        raise SpotifySignInRequired("sign in with Spotify first (GET /v1/auth/login)")
    return _account(upstreams, token)


SignedInAccount = Annotated[SpotifyAccount, Depends(signed_in_account)]


@router.get(
    "/auth/login",
    tags=["auth"],
    status_code=302,
    response_class=RedirectResponse,
    summary="Sign in with Spotify: redirects to Spotify's consent page",
    responses={302: {"description": "To Spotify"}, **error_responses(502, 503, 504)},
)
async def login(known: SessionToken, upstreams: UpstreamClients, settings: GatewaySettings) -> Response:
    token = known or new_session_token()
    url = await _account(upstreams, token).sign_in_url()
    response = RedirectResponse(url, status_code=302)
    set_session_cookie(response, settings, token)
    return response


@router.get(
    "/auth/callback",
    tags=["auth"],
    status_code=303,
    response_class=RedirectResponse,
    summary="Where Spotify sends the browser back; signs in and redirects to the page",
    responses={303: {"description": "To the web page, signed in"}, **error_responses(400, *_SPOTIFY_ERRORS)},
)
async def callback(
    token: SessionToken,
    upstreams: UpstreamClients,
    settings: GatewaySettings,
    sessions: Sessions,
    code: OptionalText = None,
    state: OptionalText = None,
    error: OptionalText = None,
) -> Response:
    if token is None:
        raise InvalidSignIn("no session cookie: start the sign-in at /v1/auth/login in this browser")
    # A fresh session id at sign-in: a session id fixed by someone else before it never becomes signed in.
    new_token = new_session_token()
    who = await _account(upstreams, token).finish(new_token=new_token, state=state, code=code, error=error)
    if who.user_id:  # what the guest made and rated comes along into the account
        await carry_guest_session(
            upstreams=upstreams,
            sessions=sessions,
            guest_token=token,
            new_token=new_token,
            user_id=who.user_id,
            ttl_s=settings.playlist_ttl_s,
        )
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, settings, new_token)
    return response


@router.post("/auth/logout", tags=["auth"], status_code=204, summary="Sign out: Spotify's tokens are deleted")
async def logout(token: SessionToken, upstreams: UpstreamClients, settings: GatewaySettings) -> Response:
    if token is not None:
        await _account(upstreams, token).sign_out()
    response = Response(status_code=204)
    response.delete_cookie(settings.cookie_name, httponly=True, samesite="lax", secure=settings.cookie_secure)
    return response


@router.get("/me", tags=["auth"], response_model=Me, summary="Who is signed in, and their genres")
async def me(token: SessionToken, upstreams: UpstreamClients) -> Me:
    account = _account(upstreams, token or new_session_token())
    who = await account.who()
    if token is None or not who.signed_in:
        return Me(signed_in=False, spotify_configured=who.configured)
    try:
        genres = await account.genres()
    except ServiceError as exc:
        if exc.status_code == 401:  # refused after a refresh: the playlist service has signed the session out
            return Me(signed_in=False, spotify_configured=True)
        raise
    return Me(
        signed_in=True,
        spotify_configured=True,
        display_name=who.display_name,
        spotify_user_id=who.user_id,
        genres=genres,
    )


@router.get(
    "/me/genres",
    tags=["auth"],
    response_model=GenreProfile,
    summary="The signed-in user's genre profile (cached; refresh=true rebuilds it from Spotify)",
    responses=error_responses(*_SPOTIFY_ERRORS),
)
async def get_genres(account: SignedInAccount, refresh: bool = False) -> GenreProfile:
    return await account.genres(refresh=refresh)


@router.put(
    "/me/genres",
    tags=["auth"],
    response_model=GenreProfile,
    summary="Choose the genres playlists use (seed genres or micro-genres; at most 5 after mapping)",
    responses=error_responses(400, 422, *_SPOTIFY_ERRORS),
)
async def put_genres(account: SignedInAccount, body: GenresIn) -> GenreProfile:
    return await account.set_genres(body.genres)


@router.post(
    "/me/genres/shuffle",
    tags=["auth"],
    response_model=GenreProfile,
    summary='"Mix it up": draw the genres again from the profile',
    responses=error_responses(*_SPOTIFY_ERRORS),
)
async def shuffle_genres(account: SignedInAccount) -> GenreProfile:
    return await account.shuffle()


@router.post(
    "/playlists/{playlist_id}/save",
    tags=["playlists"],
    response_model=Playlist,
    summary="Keep this playlist on Spotify when the next one is made (unsaved ones are replaced)",
    responses=error_responses(401, 404, 503),
)
async def save_playlist(
    owned: OwnedPlaylist, upstreams: UpstreamClients, sessions: Sessions, settings: GatewaySettings
) -> Playlist:
    playlist, token = owned
    if playlist.spotify is None:
        raise SpotifySignInRequired("this playlist is not on Spotify: sign in with Spotify before making one")
    await _account(upstreams, token).save(playlist.spotify.id)
    saved = playlist.model_copy(update={"spotify": playlist.spotify.model_copy(update={"saved": True})})
    await sessions.put_playlist(session=session_key(token), playlist=saved, ttl_s=settings.playlist_ttl_s)
    return saved.public()


@router.post(
    "/playlists/{playlist_id}/spotify",
    tags=["playlists"],
    response_model=Playlist,
    summary="Save to Spotify again: put a playlist Spotify could not take (spotify_pending) on your account",
    responses=error_responses(401, 403, 404, 502, 503, 504),
)
async def save_to_spotify_again(
    owned: OwnedPlaylist, upstreams: UpstreamClients, sessions: Sessions, settings: GatewaySettings
) -> Playlist:
    playlist, token = owned
    if playlist.spotify is not None:  # already there (a retry of a retry): nothing to do twice
        return playlist.public()
    account = _account(upstreams, token)
    if not (await account.who()).signed_in:
        raise SpotifySignInRequired("sign in with Spotify first (GET /v1/auth/login)")
    # Spotify failing again is this request's error (503 / 504); the playlist stays as it was, ready to retry.
    published = await account.publish(playlist, photo=playlist.photo, content_type="image/jpeg")
    await sessions.put_playlist(session=session_key(token), playlist=published, ttl_s=settings.playlist_ttl_s)
    return published.public()
