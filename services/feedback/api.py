"""Feedback routes: parse, call the domain, answer with a schema."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import StringConstraints

from services.feedback.export import export_parquet_bytes
from services.feedback.ratings import new_rating
from services.feedback.runtime import FeedbackRuntime
from services.feedback.schemas import DeletedRatings, RatingDetail, RatingIn, RatingList, RatingOut
from services.feedback.transfer import move_session_ratings
from shared.errors import InvalidInput, StoreUnavailable
from shared.rating import DEADLINE_HEADER, IDEMPOTENCY_PATTERN, RaterTransfer, TransferredRatings
from shared.web.auth import AuthorizationHeader, require_bearer
from shared.web.errors import error_responses

router = APIRouter(prefix="/v1", tags=["ratings"])
admin = APIRouter(prefix="/v1/admin", tags=["admin"])
_STATUS = {"created": 201, "replaced": 200, "unchanged": 200, "queued": 202}
_RATER = r"^(spotify|session|anon):[A-Za-z0-9._-]{1,128}$"
# Documented in the OpenAPI schema (pattern, 1-4 values) as well as checked, so a client sees the rule up front.
RaterKey = Annotated[str, StringConstraints(pattern=_RATER)]
_RATER_HELP = "spotify:<id> | session:<key> | anon:<key>; 1 to 4 of them"


def get_runtime(request: Request) -> FeedbackRuntime:
    """The runtime create_app() made (started by the lifespan)."""
    runtime: FeedbackRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[FeedbackRuntime, Depends(get_runtime)]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", pattern=IDEMPOTENCY_PATTERN, description="A retry with the same key is a no-op."),
]

Deadline = Annotated[
    float | None,
    Header(alias=DEADLINE_HEADER, description="Unix time after which the caller no longer waits: keep nothing then."),
]


@router.post(
    "/ratings",
    status_code=201,
    response_model=RatingOut,
    summary="Record a like or dislike (201 new; 200 replaced or a retry; 202 queued while the store is down)",
    responses={
        200: {"model": RatingOut, "description": "Replaced the rater's earlier rating, or a retry changed nothing"},
        202: {"model": RatingOut, "description": "Accepted into the outbox; delivered when the store returns"},
        **error_responses(400, 408, 413, 415, 422, 503),
    },
)
async def post_rating(
    body: RatingIn,
    runtime: Runtime,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    deadline: Deadline = None,
) -> RatingOut:
    rating = new_rating(
        playlist_id=body.playlist_id,
        rating=body.rating,
        features=body.features,
        model_version=body.model_version,
        track_ids=body.track_ids,
        session=body.session,
        user=body.user,
        mood=body.mood,
        genre_look=body.genre_look,
        genres=body.genres,
        mode=body.mode,
        photo=body.photo,
        idempotency_key=idempotency_key,
        now=body.rated_at,
    )
    outcome = await runtime.recorder.record(rating, deadline=deadline)
    if hasattr(runtime, "outcomes"):
        runtime.outcomes.labels(outcome).inc()
    if outcome == "queued":
        runtime.wake()
    response.status_code = _STATUS[outcome]
    # A retry gets the original's answer: what is stored (unless the store stalls now; it is stored either way).
    with contextlib.suppress(StoreUnavailable):
        stored = await runtime.store.get(rating.playlist_id, rating.id) if outcome == "unchanged" else None
        if stored is not None:
            return RatingOut.model_validate(stored.model_dump())
    return RatingOut.model_validate({**rating.model_dump(), "queued": outcome == "queued"})


@router.get(
    "/ratings",
    response_model=RatingList,
    summary="The ratings of one playlist or of one rater (photos included), oldest first",
    responses=error_responses(422, 503),
)
async def list_ratings(
    runtime: Runtime,
    playlist_id: Annotated[str | None, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._-]+$")] = None,
    rater: Annotated[list[RaterKey] | None, Query(max_length=4, description=_RATER_HELP)] = None,
) -> RatingList:
    if (playlist_id is None) == (not rater):
        raise InvalidInput("give either playlist_id or rater")
    if playlist_id is not None:
        ratings = [await runtime.recorder.with_photo(r) for r in await runtime.store.for_playlist(playlist_id)]
    else:
        ratings = await runtime.recorder.for_raters(_raters(rater))
    return RatingList(ratings=[RatingDetail.model_validate(r.model_dump()) for r in ratings])


@router.delete(
    "/ratings",
    response_model=DeletedRatings,
    summary="Delete every rating of these raters, with their photos (also those still waiting in the outbox)",
    responses=error_responses(422, 503),
)
async def delete_ratings(
    runtime: Runtime, rater: Annotated[list[RaterKey], Query(min_length=1, max_length=4, description=_RATER_HELP)]
) -> DeletedRatings:
    return DeletedRatings(deleted=await runtime.recorder.delete_raters(_raters(rater)))


@router.post(
    "/ratings/transfer",
    response_model=TransferredRatings,
    summary="Move a guest session's ratings to the Spotify account signed in from it (idempotent)",
    responses=error_responses(422, 503),
)
async def transfer_ratings(runtime: Runtime, body: RaterTransfer) -> TransferredRatings:
    outbox = runtime.recorder.outbox
    moved = await move_session_ratings(runtime.store, session=body.session, user=body.user, outbox=outbox)
    return TransferredRatings(moved=moved)


def _raters(raters: list[str] | None) -> list[str]:
    """The rater keys once each (their pattern and count are checked by the query's schema)."""
    return list(dict.fromkeys(raters or []))


def require_admin(runtime: Runtime, authorization: AuthorizationHeader = None) -> None:
    """A valid `Authorization: Bearer <FEEDBACK_ADMIN_TOKEN>`; admin routes are off without a token set."""
    require_bearer(authorization, runtime.settings.admin_token, variable="FEEDBACK_ADMIN_TOKEN")


@admin.get(
    "/export.parquet",
    dependencies=[Depends(require_admin)],
    summary="Every rating as one Parquet file (the training dataset's schema + reward, model version, timestamps)",
    response_class=Response,
    responses={200: {"content": {"application/vnd.apache.parquet": {}}}, **error_responses(401, 503)},
)
async def export_ratings(
    runtime: Runtime,
    delete: Annotated[bool, Query(description="Delete exactly the exported ratings afterwards.")] = False,
) -> Response:
    body, count = await export_parquet_bytes(
        runtime.recorder.store, runtime.recorder.photos, page_size=runtime.settings.export_page_size, delete=delete
    )
    headers = {"X-Ratings-Exported": str(count), "Content-Disposition": 'attachment; filename="ratings.parquet"'}
    return Response(content=body, media_type="application/vnd.apache.parquet", headers=headers)
