"""Routes of the playlist service: parse, call the domain (catalog, genre map, recommender), return a schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response

from services.playlist.genres.mapping import resolve_seed_genres
from services.playlist.recommend.exports import to_csv, to_json, to_m3u8
from services.playlist.runtime import PlaylistRuntime
from services.playlist.schemas import (
    ALBUM_EXAMPLE,
    EXPORT_MEDIA_TYPES,
    RECOMMENDATION_EXAMPLE,
    AlbumRequest,
    ExportFormat,
    GenreList,
    GenreMapRequest,
    Recommendation,
    RecommendationRequest,
    ResolvedGenres,
)
from shared.genres import SEED_GENRES
from shared.web.errors import error_responses
from shared.web.service import runtime_dependency

router = APIRouter(prefix="/v1")
EXPORTERS = {"json": to_json, "m3u8": to_m3u8, "csv": to_csv}
RequestBody = Annotated[
    RecommendationRequest,
    Body(
        openapi_examples={"bright photo": {"summary": "An upbeat photo, two genres", "value": RECOMMENDATION_EXAMPLE}}
    ),
]


Runtime = Annotated[PlaylistRuntime, Depends(runtime_dependency(PlaylistRuntime))]


@router.post(
    "/recommendations",
    tags=["recommendations"],
    summary="Tracks from the catalog near the features, in the user's genres",
    response_model=Recommendation,
    responses=error_responses(413, 415, 422, 503),
)
async def recommend(body: RequestBody, runtime: Runtime) -> Recommendation:
    """Features + genres (a list or {genre: weight}) + n + mode -> a playlist, each track with a why."""
    return await runtime.recommend(body)


@router.post(
    "/recommendations/album",
    tags=["recommendations"],
    summary="One list for several photos in playing order, each photo its share of the tracks",
    response_model=Recommendation,
    responses=error_responses(413, 415, 422, 503),
)
async def recommend_album(
    body: Annotated[
        AlbumRequest, Body(openapi_examples={"a day out": {"summary": "Two photos", "value": ALBUM_EXAMPLE}})
    ],
    runtime: Runtime,
) -> Recommendation:
    """Each photo's features in order + genres + n -> a list that moves with the photos, each track with its photo."""
    return await runtime.recommend_album(body)


@router.post(
    "/recommendations/export",
    tags=["recommendations"],
    summary="A playlist as a JSON, M3U8 or CSV file",
    responses={
        200: {"content": {"application/json": {}, "audio/x-mpegurl": {}, "text/csv": {}}},
        **error_responses(413, 415, 422, 503),
    },
)
async def export(
    body: Annotated[
        Recommendation | RecommendationRequest,
        Body(description="A recommendation already made (exported as is) or a request to make one."),
    ],
    runtime: Runtime,
    fmt: Annotated[ExportFormat, Query(alias="format", description="json, m3u8 or csv")] = "json",
) -> Response:
    """Render a playlist for download; the file name says the format."""
    recommendation = body if isinstance(body, Recommendation) else await runtime.recommend(body)
    text = await runtime.run(EXPORTERS[fmt], recommendation)
    headers = {"Content-Disposition": f'attachment; filename="pressedplay.{fmt}"'}
    return Response(content=text, media_type=EXPORT_MEDIA_TYPES[fmt], headers=headers)


@router.get(
    "/genres", tags=["genres"], summary="The seed genres and their catalog track counts", response_model=GenreList
)
async def genres(runtime: Runtime) -> GenreList:
    """The 126 seed genres any request may name, with how many catalog tracks each has (0 if absent)."""
    recommender, _ = runtime.require()
    counts = recommender.catalog.genre_counts()
    return GenreList(genres=list(SEED_GENRES), track_counts={g: int(counts.get(g, 0)) for g in SEED_GENRES})


@router.post(
    "/genres/map",
    tags=["genres"],
    summary="Map any genre names (Spotify micro-genres) onto seed genres",
    response_model=dict[str, list[str]],
    responses=error_responses(413, 415, 422, 503),
)
async def map_genres(body: GenreMapRequest, runtime: Runtime) -> dict[str, list[str]]:
    """{"genres": [...]} -> {name: [up to 3 seed genres, best first]} ([] for names that map to nothing)."""
    _, mapper = runtime.require()
    return await runtime.run(mapper.map_many, body.genres, timeout_s=runtime.settings.genre_map_timeout_s)


@router.post(
    "/genres/resolve",
    tags=["genres"],
    summary="Resolve names to the seed genres a recommendation would use (422 UnknownGenre if any cannot map)",
    response_model=ResolvedGenres,
    responses=error_responses(413, 415, 422, 503),
)
async def resolve_genres(body: GenreMapRequest, runtime: Runtime) -> ResolvedGenres:
    """The same resolution /v1/recommendations applies, alone: lets a caller fail fast before costlier work."""
    _, mapper = runtime.require()
    resolved = await runtime.run(
        resolve_seed_genres, body.genres, mapper, timeout_s=runtime.settings.genre_map_timeout_s
    )
    return ResolvedGenres(genres=resolved)
