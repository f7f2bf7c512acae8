"""Feedback routes: parse, call the domain, answer with a schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from services.feedback.ratings import new_rating, record_rating
from services.feedback.runtime import FeedbackRuntime
from services.feedback.schemas import RatingDetail, RatingIn, RatingList, RatingOut
from shared.errors import error_responses

router = APIRouter(prefix="/v1", tags=["ratings"])


def get_runtime(request: Request) -> FeedbackRuntime:
    """The runtime create_app() made (started by the lifespan)."""
    runtime: FeedbackRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[FeedbackRuntime, Depends(get_runtime)]


@router.post(
    "/ratings",
    status_code=201,
    response_model=RatingOut,
    summary="Record a like or dislike of a playlist (201 new; 200 when it replaced the session's earlier rating)",
    responses={
        200: {"model": RatingOut, "description": "Replaced this session's rating"},
        **error_responses(400, 413, 415, 422, 503),
    },
)
async def post_rating(body: RatingIn, runtime: Runtime, response: Response) -> RatingOut:
    rating = new_rating(
        playlist_id=body.playlist_id,
        rating=body.rating,
        features=body.features,
        model_version=body.model_version,
        track_ids=body.track_ids,
        session=body.session,
    )
    created = await record_rating(store=runtime.store, rating=rating)
    response.status_code = 201 if created else 200
    return RatingOut.model_validate(rating.model_dump())


@router.get(
    "/ratings",
    response_model=RatingList,
    summary="The ratings of one playlist, oldest first",
    responses=error_responses(422, 503),
)
async def list_ratings(
    runtime: Runtime,
    playlist_id: Annotated[str, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._-]+$")],
) -> RatingList:
    ratings = await runtime.store.for_playlist(playlist_id)
    return RatingList(ratings=[RatingDetail.model_validate(r.model_dump()) for r in ratings])
