"""Gateway routes: the public API (playlists, feedback, exports, genres) and the web page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Header, Query, Response, UploadFile
from fastapi.responses import FileResponse, HTMLResponse

from services.gateway.account import SpotifyAccount
from services.gateway.adapters.upstreams import Upstreams
from services.gateway.album_photos import AlbumOrder, Upload
from services.gateway.albums import Asked, make_playlist
from services.gateway.api.dependencies import GatewaySettings, OwnedPlaylist, Sessions, SessionToken, UpstreamClients
from services.gateway.playlists import (
    export_playlist,
    parse_genres,
    rate_playlist,
    raters,
)
from services.gateway.schemas import (
    FeedbackIn,
    FeedbackOut,
    GenreList,
    GenreResolution,
    MyRatings,
    MyRatingsDeleted,
    Playlist,
)
from services.gateway.sessions import new_session_token, session_key, set_session_cookie
from services.gateway.takes import keep_takes, next_take
from services.gateway.warmup import warmed_up
from shared.genres import SEED_GENRES
from shared.rating import IDEMPOTENCY_PATTERN
from shared.recommendation import ExportFormat, Mode
from shared.server_timing import HEADER as SERVER_TIMING
from shared.server_timing import ServerTiming
from shared.spotify_account import SpotifyUser
from shared.web.errors import error_responses

router = APIRouter(prefix="/v1")
page = APIRouter()
STATIC_DIR = Path(__file__).parent.parent / "static"
_INDEX = STATIC_DIR / "index.html"
_UPSTREAM_ERRORS = (502, 503, 504)


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


@router.get(
    "/genres/resolve",
    tags=["genres"],
    response_model=GenreResolution,
    summary="The seed genres a name maps to (422 UnknownGenre, listing the valid ones, for a name it cannot map)",
    responses=error_responses(422, *_UPSTREAM_ERRORS),
)
async def resolve_genre(
    upstreams: UpstreamClients, name: Annotated[str, Query(min_length=1, max_length=60, examples=["bedroom pop"])]
) -> GenreResolution:
    """The page checks a typed micro-genre with this before offering it as a chip."""
    return GenreResolution(name=name, genres=await upstreams.resolve_genres([name]))


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
    dependencies=[Depends(warmed_up)],  # an upload sent while the stack warms up waits for it (bounded)
)
async def post_playlist(
    response: Response,
    settings: GatewaySettings,
    sessions: Sessions,
    upstreams: UpstreamClients,
    known: SessionToken,
    # format: binary beside OpenAPI 3.1's contentMediaType: generators (openapi-python-client) read it as a file.
    image: Annotated[
        list[UploadFile],
        File(
            description="The photo (JPEG, PNG, WebP ...), at most the photo limit; repeat the part for an album of up "
            "to 30 photos, one playlist that moves with them in their order.",
            json_schema_extra={"items": {"type": "string", "format": "binary"}},
        ),
    ],
    genres: Annotated[str | None, Form(max_length=2000, examples=["pop,indie"])] = None,
    n: Annotated[int, Form(ge=1, le=100, description="How many tracks.")] = 20,
    mode: Annotated[Mode, Form(description="match the photo, boost its energy, or calm it.")] = "match",
    order: Annotated[
        AlbumOrder, Form(description="An album's order: as given, or as taken (EXIF DateTimeOriginal, then given).")
    ] = "given",
) -> Playlist:
    wanted = dict.fromkeys(parse_genres(genres), 1.0)
    token = known or new_session_token()
    # Signed in with Spotify: the profile's genres stand in for none given, and the playlist goes on the account.
    account = SpotifyAccount(upstreams.playlist, token)
    signed_in, spotify_user = spotify_identity(await account.who() if known is not None else None)
    profile_warning = None
    if signed_in and not wanted:
        wanted, profile_warning = await account.genres_or_warn()
    uploads = [await as_upload(part) for part in image]
    timing = ServerTiming()
    asked = Asked(genres=wanted, n=n, mode=mode, order=order, spotify_user=spotify_user)
    playlist, cover, cover_type = await make_playlist(upstreams, settings, uploads, asked, timing=timing)
    if profile_warning:
        playlist = playlist.model_copy(update={"warnings": [*playlist.warnings, profile_warning]})
    if signed_in:
        with timing.span("spotify"):
            playlist = await account.publish_or_warn(playlist, photo=cover, content_type=cover_type)
    with timing.span("store"):
        await sessions.put_playlist(session=session_key(token), playlist=playlist, ttl_s=settings.playlist_ttl_s)
    set_session_cookie(response, settings, token)
    response.headers[SERVER_TIMING] = timing.header()
    return playlist.public()


async def as_upload(part: UploadFile) -> Upload:
    """One `image` part, read."""
    return Upload(filename=part.filename, content_type=(part.content_type or "").lower(), data=await part.read())


@router.get(
    "/playlists/{playlist_id}",
    tags=["playlists"],
    response_model=Playlist,
    summary="A playlist this session made",
    responses=error_responses(404, 503),
)
async def get_playlist(owned: OwnedPlaylist) -> Playlist:
    playlist, _ = owned
    return playlist.public()


@router.post(
    "/playlists/{playlist_id}/takes",
    tags=["playlists"],
    status_code=201,
    response_model=Playlist,
    summary="Another take of a playlist's photo: the same settings, other tracks (a new playlist, listed in `takes`)",
    responses=error_responses(404, 409, *_UPSTREAM_ERRORS),
)
async def post_take(
    owned: OwnedPlaylist, settings: GatewaySettings, sessions: Sessions, upstreams: UpstreamClients
) -> Playlist:
    origin, token = owned
    session = session_key(token)
    earlier, take = await next_take(upstreams=upstreams, sessions=sessions, session=session, origin=origin)
    account = SpotifyAccount(upstreams.playlist, token)
    if origin.spotify is not None and origin.photo is not None and (await account.who()).signed_in:
        take = await account.publish_or_warn(take, photo=origin.photo, content_type="image/jpeg")
    await keep_takes(sessions=sessions, session=session, earlier=earlier, take=take, ttl_s=settings.playlist_ttl_s)
    return take.public()


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
async def get_export(owned: OwnedPlaylist, upstreams: UpstreamClients, fmt: ExportFormat) -> Response:
    playlist, _ = owned
    body, media_type = await export_playlist(upstreams=upstreams, playlist=playlist, fmt=fmt)
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
    response: Response,
    owned: OwnedPlaylist,
    upstreams: UpstreamClients,
    body: FeedbackIn,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", pattern=IDEMPOTENCY_PATTERN, description="Retry with the same key: no-op."),
    ] = None,
) -> FeedbackOut:
    playlist, token = owned
    result, status = await rate_playlist(
        upstreams=upstreams,
        playlist=playlist,
        rating=body.rating,
        session=session_key(token),
        idempotency_key=idempotency_key,
    )
    response.status_code = status
    return result


async def _my_raters(token: str | None, upstreams: Upstreams) -> list[str]:
    if token is None:
        return []
    _, user = spotify_identity(await SpotifyAccount(upstreams.playlist, token).who())
    return raters(session=session_key(token), spotify_user=user)


def spotify_identity(who: SpotifyUser | None) -> tuple[bool, str | None]:
    """(signed in, Spotify user id) from the playlist service's /v1/spotify/me answer."""
    if who is None or not who.signed_in:
        return False, None
    return True, who.user_id or None


@router.get(
    "/me/ratings",
    tags=["ratings"],
    response_model=MyRatings,
    summary="Your ratings (this browser's and, signed in, your Spotify account's), photos included",
    responses=error_responses(*_UPSTREAM_ERRORS),
)
async def get_my_ratings(token: SessionToken, upstreams: UpstreamClients) -> MyRatings:
    keys = await _my_raters(token, upstreams)
    if not keys:
        return MyRatings(ratings=[])
    return MyRatings.model_validate((await upstreams.ratings_of(keys)).model_dump())


@router.delete(
    "/me/ratings",
    tags=["ratings"],
    response_model=MyRatingsDeleted,
    summary="Delete your ratings and their photos (also those still waiting to be stored)",
    responses=error_responses(*_UPSTREAM_ERRORS),
)
async def delete_my_ratings(token: SessionToken, upstreams: UpstreamClients) -> MyRatingsDeleted:
    keys = await _my_raters(token, upstreams)
    if not keys:
        return MyRatingsDeleted(deleted=0)
    return MyRatingsDeleted(deleted=(await upstreams.delete_ratings_of(keys)).deleted)
