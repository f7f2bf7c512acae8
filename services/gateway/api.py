"""Gateway routes: the public API (playlists, feedback, exports, genres) and the web page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Request, Response, UploadFile
from fastapi.responses import FileResponse, HTMLResponse

from services.gateway.account import SpotifyAccount, candidates_for
from services.gateway.clients import Upstreams
from services.gateway.playlists import (
    PlaylistNotFound,
    create_playlist,
    export_playlist,
    parse_genres,
    rate_playlist,
    raters,
)
from services.gateway.runtime import get_runtime
from services.gateway.schemas import (
    FeedbackIn,
    FeedbackOut,
    GenreList,
    MyRatings,
    MyRatingsDeleted,
    Playlist,
    StoredPlaylist,
)
from services.gateway.sessions import SessionStore, new_session_token, session_key, valid_session_token
from services.gateway.settings import Settings
from shared.errors import UnsupportedMediaType, error_responses
from shared.genres import SEED_GENRES
from shared.rating import IDEMPOTENCY_PATTERN
from shared.recommendation import ExportFormat, Mode

router = APIRouter(prefix="/v1")
page = APIRouter()
STATIC_DIR = Path(__file__).parent / "static"
_INDEX = STATIC_DIR / "index.html"
_UPSTREAM_ERRORS = (502, 503, 504)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _sessions(request: Request) -> SessionStore:
    return get_runtime(request).sessions


def _upstreams(request: Request) -> Upstreams:
    return get_runtime(request).upstreams


async def find_playlist(request: Request, playlist_id: str) -> tuple[StoredPlaylist, str]:
    missing = PlaylistNotFound(f"no playlist {playlist_id[:64]!r} in this session (it may have expired)")
    token = valid_session_token(request.cookies.get(_settings(request).cookie_name))
    if token is None:
        raise missing
    found = await _sessions(request).get_playlist(session=session_key(token), playlist_id=playlist_id)
    if found is None:
        raise missing
    return found, token


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    # HttpOnly: page scripts never see the token; Lax: sent on top-level navigation, not on cross-site posts.
    response.set_cookie(
        settings.cookie_name,
        token,
        max_age=settings.session_ttl_s,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


@page.get("/", include_in_schema=False)
async def index() -> HTMLResponse:
    # no-cache: the page names its script and style files, so a new release must not meet an old page.
    return HTMLResponse(_INDEX.read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})


@page.get("/favicon.ico", include_in_schema=False)
async def favicon() -> FileResponse:
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


@router.get("/genres", tags=["genres"], response_model=GenreList, summary="The 126 seed genres playlists draw from")
async def list_genres() -> GenreList:
    return GenreList(genres=list(SEED_GENRES))


@router.post(
    "/playlists",
    tags=["playlists"],
    status_code=201,
    response_model=Playlist,
    summary="Make a playlist from a photo (signed in with Spotify: also on your account, with the photo as cover)",
    responses=error_responses(400, 401, 403, 413, 415, 422, *_UPSTREAM_ERRORS),
    # The part must carry an image type (415 otherwise); saying so lets clients and fuzzers send it right.
    openapi_extra={
        "requestBody": {"content": {"multipart/form-data": {"encoding": {"image": {"contentType": "image/*"}}}}}
    },
)
async def post_playlist(
    request: Request,
    response: Response,
    image: Annotated[UploadFile, File(description="The photo (JPEG, PNG, WebP ...), at most the upload limit.")],
    genres: Annotated[str | None, Form(max_length=2000, examples=["pop,indie"])] = None,
    n: Annotated[int, Form(ge=1, le=100, description="How many tracks.")] = 20,
    mode: Annotated[Mode, Form(description="match the photo, boost its energy, or calm it.")] = "match",
) -> Playlist:
    content_type = (image.content_type or "").lower()
    if not content_type.startswith("image/"):
        raise UnsupportedMediaType(f"the `image` part must be an image/* type, not {content_type or 'untyped'}")
    wanted = parse_genres(genres)
    settings = _settings(request)
    known = valid_session_token(request.cookies.get(settings.cookie_name))
    token = known or new_session_token()
    # Signed in with Spotify: the profile's genres stand in for none given, and the playlist goes on the account.
    account = SpotifyAccount(_upstreams(request).playlist, token)
    signed_in, spotify_user = spotify_identity(await account.who() if known is not None else None)
    if signed_in and not wanted:
        wanted = (await account.genres()).genres
    photo = await image.read()
    playlist = await create_playlist(
        upstreams=_upstreams(request),
        image=photo,
        content_type=content_type,
        genres=wanted,
        n=candidates_for(n) if signed_in else n,
        mode=mode,
        spotify_user=spotify_user,
    )
    if signed_in:
        playlist = await account.publish(playlist, photo=photo, content_type=content_type, n=n)
    await _sessions(request).put_playlist(session=session_key(token), playlist=playlist, ttl_s=settings.playlist_ttl_s)
    set_session_cookie(response, settings, token)
    return playlist.public()


@router.get(
    "/playlists/{playlist_id}",
    tags=["playlists"],
    response_model=Playlist,
    summary="A playlist this session made",
    responses=error_responses(404, 503),
)
async def get_playlist(request: Request, playlist_id: str) -> Playlist:
    playlist, _ = await find_playlist(request, playlist_id)
    return playlist.public()


@router.get(
    "/playlists/{playlist_id}/export.{fmt}",
    tags=["playlists"],
    summary="A playlist as a JSON, M3U8 or CSV file",
    response_class=Response,
    responses={
        200: {"content": {"application/json": {}, "audio/x-mpegurl": {}, "text/csv": {}}},
        **error_responses(404, 422, *_UPSTREAM_ERRORS),
    },
)
async def get_export(request: Request, playlist_id: str, fmt: ExportFormat) -> Response:
    playlist, _ = await find_playlist(request, playlist_id)
    body, media_type = await export_playlist(upstreams=_upstreams(request), playlist=playlist, fmt=fmt)
    headers = {"Content-Disposition": f'attachment; filename="pressedplay-{playlist.id}.{fmt}"'}
    return Response(content=body, media_type=media_type, headers=headers)


@router.post(
    "/playlists/{playlist_id}/feedback",
    tags=["playlists"],
    status_code=201,
    response_model=FeedbackOut,
    summary="Like (1) or dislike (-1) a playlist; rating again replaces the earlier rating",
    responses={
        200: {"model": FeedbackOut, "description": "Replaced your rating, or a retry with the same Idempotency-Key"},
        202: {"model": FeedbackOut, "description": "Accepted while the rating store is down; stored when it returns"},
        **error_responses(400, 404, 422, *_UPSTREAM_ERRORS),
    },
)
async def post_feedback(
    request: Request,
    response: Response,
    playlist_id: str,
    body: FeedbackIn,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", pattern=IDEMPOTENCY_PATTERN, description="Retry with the same key: no-op."),
    ] = None,
) -> FeedbackOut:
    playlist, token = await find_playlist(request, playlist_id)
    result, status = await rate_playlist(
        upstreams=_upstreams(request),
        playlist=playlist,
        rating=body.rating,
        session=session_key(token),
        idempotency_key=idempotency_key,
    )
    response.status_code = status
    return result


async def _my_raters(request: Request) -> list[str]:
    token = valid_session_token(request.cookies.get(_settings(request).cookie_name))
    if token is None:
        return []
    _, user = spotify_identity(await SpotifyAccount(_upstreams(request).playlist, token).who())
    return raters(session=session_key(token), spotify_user=user)


def spotify_identity(who: Any) -> tuple[bool, str | None]:
    """(signed in, Spotify user id) from the playlist service's /v1/spotify/me answer (a dict or its model)."""
    if who is None:
        return False, None
    data = who if isinstance(who, dict) else who.model_dump()
    signed_in = bool(data.get("signed_in"))
    return signed_in, (str(data["user_id"]) if signed_in and data.get("user_id") else None)


@router.get(
    "/me/ratings",
    tags=["ratings"],
    response_model=MyRatings,
    summary="Your ratings (this browser's and, signed in, your Spotify account's), photos included",
    responses=error_responses(*_UPSTREAM_ERRORS),
)
async def get_my_ratings(request: Request) -> MyRatings:
    keys = await _my_raters(request)
    if not keys:
        return MyRatings(ratings=[])
    return MyRatings.model_validate((await _upstreams(request).ratings_of(keys)).model_dump())


@router.delete(
    "/me/ratings",
    tags=["ratings"],
    response_model=MyRatingsDeleted,
    summary="Delete your ratings and their photos (also those still waiting to be stored)",
    responses=error_responses(*_UPSTREAM_ERRORS),
)
async def delete_my_ratings(request: Request) -> MyRatingsDeleted:
    keys = await _my_raters(request)
    if not keys:
        return MyRatingsDeleted(deleted=0)
    return MyRatingsDeleted(deleted=(await _upstreams(request).delete_ratings_of(keys)).deleted)
