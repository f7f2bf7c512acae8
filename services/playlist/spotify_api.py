"""Routes of the playlist service's Spotify side (internal: only the gateway calls them).

The caller names the browser session with the `X-Account-Key` header: the gateway's hash of the session cookie.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from services.playlist.api import Runtime
from services.playlist.spotify.errors import SpotifyNotConfigured
from services.playlist.spotify.naming import playlist_description, playlist_name
from services.playlist.spotify.profile import UserGenreProfile
from services.playlist.spotify.runtime import SpotifyRuntime
from services.playlist.spotify.service import SpotifyService
from shared.errors import NotReady
from shared.spotify_account import (
    ACCOUNT_HEADER,
    ACCOUNT_PATTERN,
    CallbackIn,
    GenresIn,
    PublishedPlaylist,
    PublishIn,
    SignInStart,
    SpotifyUser,
)
from shared.web.errors import error_responses

router = APIRouter(prefix="/v1/spotify", tags=["spotify"])
Account = Annotated[str, Header(alias=ACCOUNT_HEADER, pattern=ACCOUNT_PATTERN, description="The session's key.")]
SPOTIFY_CODES: Final = (401, 403, 422, 502, 503, 504)
SPOTIFY_ERRORS: Final = error_responses(*SPOTIFY_CODES)


def get_spotify(runtime: Runtime) -> SpotifyRuntime:
    """The Spotify side of the running service (NotReady before start)."""
    if runtime.spotify is None:
        raise NotReady("the service is starting", retry_after=2)
    return runtime.spotify


Spotify = Annotated[SpotifyRuntime, Depends(get_spotify)]


def get_spotify_service(spotify: Spotify) -> SpotifyService:
    """The configured Spotify service; SpotifyNotConfigured (503) without a client id."""
    if spotify.service is None:
        raise SpotifyNotConfigured(
            "Spotify sign-in is not set up here: set SPOTIFY_CLIENT_ID (see the README), or run with "
            "PRESSEDPLAY_SPOTIFY=fake for the local fake Spotify"
        )
    return spotify.service


Service = Annotated[SpotifyService, Depends(get_spotify_service)]


@router.post("/sign-in", response_model=SignInStart, responses=error_responses(503))
async def sign_in(service: Service, account: Account) -> SignInStart:
    """Start a sign-in for this session: the URL of Spotify's consent page."""
    return SignInStart(authorize_url=await service.access.start_sign_in(account))


@router.post("/callback", response_model=SpotifyUser, responses=error_responses(400, *SPOTIFY_CODES))
async def callback(service: Service, account: Account, body: CallbackIn) -> SpotifyUser:
    """Finish the sign-in begun by `account`; the tokens are kept under `new_account`."""
    tokens = await service.access.finish_sign_in(
        account=account, new_account=body.new_account, state=body.state, code=body.code, error=body.error
    )
    return SpotifyUser(configured=True, signed_in=True, user_id=tokens.user_id, display_name=tokens.display_name)


@router.post("/sign-out", status_code=204, responses=error_responses(503))
async def sign_out(spotify: Spotify, account: Account) -> Response:
    """Delete the session's tokens and cached profile."""
    if spotify.service is not None:
        await spotify.service.sign_out(account)
    return Response(status_code=204)


@router.get("/me", response_model=SpotifyUser, responses=error_responses(503))
async def me(spotify: Spotify, account: Account) -> SpotifyUser:
    """Who is signed in under this session (no Spotify call)."""
    service = spotify.service
    tokens = await service.who(account) if service is not None else None
    if tokens is None:
        return SpotifyUser(configured=service is not None, signed_in=False)
    return SpotifyUser(configured=True, signed_in=True, user_id=tokens.user_id, display_name=tokens.display_name)


@router.get("/genres", response_model=UserGenreProfile, responses=SPOTIFY_ERRORS)
async def genres(
    service: Service, account: Account, refresh: Annotated[bool, Query(description="Rebuild from Spotify")] = False
) -> UserGenreProfile:
    """The user's genre profile (cached; `refresh=true` rebuilds it from Spotify)."""
    return await service.profile(account, refresh=refresh)


@router.put("/genres", response_model=UserGenreProfile, responses=SPOTIFY_ERRORS)
async def put_genres(service: Service, account: Account, body: GenresIn) -> UserGenreProfile:
    """Set the genres playlists use (names map to seed genres; at most five)."""
    return await service.set_genres(account, body.genres)


@router.post("/genres/shuffle", response_model=UserGenreProfile, responses=SPOTIFY_ERRORS)
async def shuffle(service: Service, account: Account) -> UserGenreProfile:
    """Draw the genres again from the profile's weights."""
    return await service.shuffle(account)


@router.post("/playlists", status_code=201, response_model=PublishedPlaylist, responses=SPOTIFY_ERRORS)
async def publish(service: Service, account: Account, body: PublishIn) -> PublishedPlaylist:
    """Create the playlist on the user's account with the first n candidates Spotify accepts."""
    return await service.publish(
        account,
        name=playlist_name(features=body.features, mood=body.mood, mode=body.mode),
        description=playlist_description(genres=body.genres, mode=body.mode, photos=body.photos),
        public=body.public,
        candidates=body.candidates,
        n=body.n,
    )


@router.put(
    "/playlists/{playlist_id}/cover",
    status_code=204,
    responses=error_responses(401, 403, 413, 422, 502, 503, 504),
    openapi_extra={"requestBody": {"content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def put_cover(request: Request, service: Service, account: Account, playlist_id: str) -> Response:
    """The photo (raw image body) as the playlist's cover, cropped square and compressed for Spotify."""
    photo = await request.body()  # bounded by the body guard (PLAYLIST_MAX_COVER_UPLOAD_BYTES)
    await service.upload_cover(account, playlist_id, photo)
    return Response(status_code=204)


@router.post("/playlists/{playlist_id}/save", status_code=204, responses=error_responses(401, 404, 503))
async def save(service: Service, account: Account, playlist_id: str) -> Response:
    """Keep this generated playlist when the next one is made."""
    await service.save(account, playlist_id)
    return Response(status_code=204)
