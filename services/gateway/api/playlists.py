"""Gateway routes: the public API (playlists, feedback, exports, genres) and the web page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Header, Query, Response, UploadFile
from fastapi.responses import FileResponse, HTMLResponse

from services.gateway.album_photos import AlbumOrder, Photo
from services.gateway.api.cookies import remember_session
from services.gateway.api.dependencies import Known, OwnedPlaylist, Service, SessionToken
from services.gateway.api.warmup import warmed_up
from services.gateway.schemas import (
    FeedbackIn,
    FeedbackOut,
    GenreList,
    GenreResolution,
    MyRatings,
    MyRatingsDeleted,
    Playlist,
)
from shared.genres import SEED_GENRES
from shared.rating import IDEMPOTENCY_PATTERN
from shared.recommendation import ExportFormat, Mode
from shared.server_timing import HEADER as SERVER_TIMING
from shared.web.errors import error_responses

router = APIRouter(prefix="/v1")
# The upload's form fields. format: binary beside OpenAPI 3.1's contentMediaType: generators (openapi-python-client)
# read it as a file.
PhotoParts = Annotated[
    list[UploadFile],
    File(
        description="The photo (JPEG, PNG, WebP ...), at most the photo limit; repeat the part for an album of up to "
        "30 photos, one playlist that moves with them in their order.",
        json_schema_extra={"items": {"type": "string", "format": "binary"}},
    ),
]
OrderField = Annotated[
    AlbumOrder, Form(description="An album's order: as given, or as taken (EXIF DateTimeOriginal, then given).")
]
GenresField = Annotated[str | None, Form(max_length=2000, examples=["pop,indie"])]
CountField = Annotated[int, Form(ge=1, le=100, description="How many tracks.")]
ModeField = Annotated[Mode, Form(description="match the photo, boost its energy, or calm it.")]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", pattern=IDEMPOTENCY_PATTERN, description="Retry with the same key: no-op."),
]
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
    service: Service, name: Annotated[str, Query(min_length=1, max_length=60, examples=["bedroom pop"])]
) -> GenreResolution:
    """The page checks a typed micro-genre with this before offering it as a chip."""
    return GenreResolution(name=name, genres=await service.resolve_genres(name))


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
    service: Service,
    known: Known,
    image: PhotoParts,
    genres: GenresField = None,
    n: CountField = 20,
    mode: ModeField = "match",
    order: OrderField = "given",
) -> Playlist:
    photos = [Photo(data=await part.read(), content_type=part.content_type, filename=part.filename) for part in image]
    made = await service.make_playlist(token=known.token, photos=photos, genres=genres, n=n, mode=mode, order=order)
    remember_session(response, service.settings, known, made.token)
    response.headers[SERVER_TIMING] = made.timing.header()
    return made.playlist.public()


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
async def post_take(owned: OwnedPlaylist, service: Service) -> Playlist:
    origin, token = owned
    return (await service.another_take(origin=origin, token=token)).public()


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
async def get_export(owned: OwnedPlaylist, service: Service, fmt: ExportFormat) -> Response:
    playlist, _ = owned
    body, media_type = await service.export(playlist=playlist, fmt=fmt)
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
    service: Service,
    body: FeedbackIn,
    idempotency_key: IdempotencyKey = None,
) -> FeedbackOut:
    playlist, token = owned
    result, status = await service.rate(
        playlist=playlist, token=token, rating=body.rating, idempotency_key=idempotency_key
    )
    response.status_code = status
    return result


@router.get(
    "/me/ratings",
    tags=["ratings"],
    response_model=MyRatings,
    summary="Your ratings (this browser's and, signed in, your Spotify account's), photos included",
    responses=error_responses(*_UPSTREAM_ERRORS),
)
async def get_my_ratings(token: SessionToken, service: Service) -> MyRatings:
    return MyRatings.model_validate((await service.my_ratings(token)).model_dump())


@router.delete(
    "/me/ratings",
    tags=["ratings"],
    response_model=MyRatingsDeleted,
    summary="Delete your ratings and their photos (also those still waiting to be stored)",
    responses=error_responses(*_UPSTREAM_ERRORS),
)
async def delete_my_ratings(token: SessionToken, service: Service) -> MyRatingsDeleted:
    return MyRatingsDeleted(deleted=await service.delete_my_ratings(token))
