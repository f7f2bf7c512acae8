"""Feedback routes: parse, call the domain, answer with a schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import StringConstraints

from services.feedback.runtime import FeedbackRuntime
from services.feedback.schemas import DeletedRatings, RatingDetail, RatingIn, RatingList, RatingOut
from services.feedback.service import RatingService
from shared.rating import DEADLINE_HEADER, IDEMPOTENCY_PATTERN, RaterTransfer, TransferredRatings
from shared.web.auth import AuthorizationHeader, require_bearer
from shared.web.errors import error_responses
from shared.web.service import runtime_dependency

router = APIRouter(prefix="/v1", tags=["ratings"])
admin = APIRouter(prefix="/v1/admin", tags=["admin"])
_RATER = r"^(spotify|session|anon):[A-Za-z0-9._-]{1,128}$"
# Documented in the OpenAPI schema (pattern, 1-4 values) as well as checked, so a client sees the rule up front.
RaterKey = Annotated[str, StringConstraints(pattern=_RATER)]
_RATER_HELP = "spotify:<id> | session:<key> | anon:<key>; 1 to 4 of them"


RuntimeDep = Annotated[FeedbackRuntime, Depends(runtime_dependency(FeedbackRuntime))]


def get_service(runtime: RuntimeDep) -> RatingService:
    """The use cases every route calls (services/feedback/service.py)."""
    return runtime.service


Service = Annotated[RatingService, Depends(get_service)]
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
        **error_responses(400, 408, 413, 415, 422, 502, 503),
    },
)
async def post_rating(
    body: RatingIn,
    service: Service,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    deadline: Deadline = None,
) -> RatingOut:
    answer, response.status_code = await service.record_rating(body, idempotency_key=idempotency_key, deadline=deadline)
    return answer


@router.get(
    "/ratings",
    response_model=RatingList,
    summary="The ratings of one playlist or of one rater (photos included), oldest first",
    responses=error_responses(422, 502, 503),
)
async def list_ratings(
    service: Service,
    playlist_id: Annotated[str | None, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._-]+$")] = None,
    rater: Annotated[list[RaterKey] | None, Query(max_length=4, description=_RATER_HELP)] = None,
) -> RatingList:
    ratings = await service.ratings_of(playlist_id=playlist_id, raters=rater)
    return RatingList(ratings=[RatingDetail.model_validate(r.model_dump()) for r in ratings])


@router.delete(
    "/ratings",
    response_model=DeletedRatings,
    summary="Delete every rating of these raters, with their photos (also those still waiting in the outbox)",
    responses=error_responses(422, 502, 503),
)
async def delete_ratings(
    service: Service, rater: Annotated[list[RaterKey], Query(min_length=1, max_length=4, description=_RATER_HELP)]
) -> DeletedRatings:
    return DeletedRatings(deleted=await service.delete_ratings_of(rater))


@router.post(
    "/ratings/transfer",
    response_model=TransferredRatings,
    summary="Move a guest session's ratings to the Spotify account signed in from it (idempotent)",
    responses=error_responses(422, 502, 503),
)
async def transfer_ratings(service: Service, body: RaterTransfer) -> TransferredRatings:
    return TransferredRatings(moved=await service.transfer_ratings(session=body.session, user=body.user))


def require_admin(runtime: RuntimeDep, authorization: AuthorizationHeader = None) -> None:
    """A valid `Authorization: Bearer <FEEDBACK_ADMIN_TOKEN>`; admin routes are off without a token set."""
    require_bearer(authorization, runtime.settings.admin_token, variable="FEEDBACK_ADMIN_TOKEN")


@admin.get(
    "/export.parquet",
    dependencies=[Depends(require_admin)],
    summary="Every rating as one Parquet file (the training dataset's schema + reward, model version, timestamps)",
    response_class=Response,
    responses={200: {"content": {"application/vnd.apache.parquet": {}}}, **error_responses(401, 502, 503)},
)
async def export_ratings(
    service: Service,
    delete: Annotated[bool, Query(description="Delete exactly the exported ratings afterwards.")] = False,
) -> Response:
    body, count = await service.export_ratings(delete=delete)
    headers = {"X-Ratings-Exported": str(count), "Content-Disposition": 'attachment; filename="ratings.parquet"'}
    return Response(content=body, media_type="application/vnd.apache.parquet", headers=headers)
