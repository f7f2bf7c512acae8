"""Gateway routes for Spotify: sign-in and out, who is signed in, their genres, and saving a generated playlist.

The browser only ever holds the session cookie; Spotify's tokens stay in the playlist service.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import RedirectResponse

from services.gateway.account import InvalidSignIn, SpotifyAccount, SpotifySignInRequired
from services.gateway.account_schemas import GenreProfile, GenresIn, Me
from services.gateway.api.cookies import clear_session_cookie, remember_session, set_session_cookie
from services.gateway.api.dependencies import GatewaySettings, Known, OwnedPlaylist, Service, SessionToken
from services.gateway.schemas import Playlist
from shared.web.errors import error_responses

router = APIRouter(prefix="/v1")
_SPOTIFY_ERRORS = (401, 403, 502, 503, 504)
OptionalText = Annotated[str | None, Query(max_length=2048)]


def signed_in_account(token: SessionToken, service: Service) -> SpotifyAccount:
    """This session's Spotify account; SpotifySignInRequired without a session."""
    if token is None:
        raise SpotifySignInRequired("sign in with Spotify first (GET /v1/auth/login)")
    return service.account(token)


SignedInAccount = Annotated[SpotifyAccount, Depends(signed_in_account)]


@router.get(
    "/auth/login",
    tags=["auth"],
    status_code=302,
    response_class=RedirectResponse,
    summary="Sign in with Spotify: redirects to Spotify's consent page",
    responses={302: {"description": "To Spotify"}, **error_responses(502, 503, 504)},
)
async def login(known: Known, service: Service, settings: GatewaySettings) -> Response:
    url, token = await service.begin_sign_in(known.token)
    response = RedirectResponse(url, status_code=302)
    remember_session(response, settings, known, token)
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
    service: Service,
    settings: GatewaySettings,
    code: OptionalText = None,
    state: OptionalText = None,
    error: OptionalText = None,
) -> Response:
    if token is None:
        raise InvalidSignIn("no session cookie: start the sign-in at /v1/auth/login in this browser")
    new_token = await service.finish_sign_in(token=token, code=code, state=state, error=error)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, settings, new_token)
    return response


@router.post(
    "/auth/logout",
    tags=["auth"],
    status_code=204,
    summary="Sign out: Spotify's tokens are deleted",
    responses=error_responses(502, 503, 504),
)
async def logout(token: SessionToken, service: Service, settings: GatewaySettings) -> Response:
    if token is not None:
        await service.account(token).sign_out()
    response = Response(status_code=204)
    clear_session_cookie(response, settings)
    return response


@router.get(
    "/me",
    tags=["auth"],
    response_model=Me,
    summary="Who is signed in, and their genres",
    responses=error_responses(502, 503, 504),
)
async def me(token: SessionToken, service: Service) -> Me:
    return await service.me(token)


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
    responses=error_responses(401, 404, 409, *_SPOTIFY_ERRORS),
)
async def save_playlist(owned: OwnedPlaylist, service: Service) -> Playlist:
    playlist, token = owned
    return (await service.save_on_spotify(playlist=playlist, token=token)).public()


@router.post(
    "/playlists/{playlist_id}/spotify",
    tags=["playlists"],
    response_model=Playlist,
    summary="Save to Spotify again: put a playlist Spotify could not take (spotify_pending) on your account",
    responses=error_responses(401, 403, 404, 502, 503, 504),
)
async def save_to_spotify_again(owned: OwnedPlaylist, service: Service) -> Playlist:
    playlist, token = owned
    return (await service.publish_again(playlist=playlist, token=token)).public()
