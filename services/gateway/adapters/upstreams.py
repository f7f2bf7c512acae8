"""Typed calls to the three upstreams (inference, playlist, feedback), over shared.http.ServiceClient."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from services.gateway.schemas import FeedbackOut, UpstreamPrediction
from services.gateway.settings import Settings
from shared.errors import DeadlinePassed, UpstreamError, UpstreamTimeout
from shared.http import ServiceClient
from shared.rating import DEADLINE_HEADER, IDEMPOTENCY_HEADER, DeletedRatings, RatingIn, RatingList
from shared.recommendation import (
    EXPORT_MEDIA_TYPES,
    AlbumRequest,
    ExportFormat,
    Recommendation,
    RecommendationRequest,
    ResolvedGenres,
)
from shared.server_timing import HEADER as SERVER_TIMING
from shared.server_timing import ServerTiming

M = TypeVar("M", bound=BaseModel)
READY_TIMEOUT_S = 2.0
GENRES_TIMEOUT_S = 5.0


def parse_upstream(model: type[M], response: httpx.Response, *, service: str) -> M:
    """Validate an upstream's JSON; a body that breaks its contract is a 502, never a 500."""
    try:
        return model.model_validate(response.json())
    except (ValueError, ValidationError) as exc:
        raise UpstreamError(f"{service} answered with an unexpected body: {str(exc)[:300]}") from exc


@dataclass(frozen=True)
class Upstreams:
    """The gateway's clients, one per upstream service."""

    inference: ServiceClient
    playlist: ServiceClient
    feedback: ServiceClient

    @classmethod
    def from_settings(
        cls, settings: Settings, transports: dict[str, httpx.AsyncBaseTransport] | None = None
    ) -> Upstreams:
        """Build the clients; `transports` lets unit tests put httpx.MockTransport fakes in place of the network."""
        transports = transports or {}
        return cls(
            **{
                name: ServiceClient(name, settings.upstream(name), transport=transports.get(name))
                for name in ("inference", "playlist", "feedback")
            }
        )

    async def aclose(self) -> None:
        """Close every client's connection pool."""
        for client in (self.inference, self.playlist, self.feedback):
            await client.aclose()

    async def predict(
        self, *, image: bytes, content_type: str, timing: ServerTiming | None = None
    ) -> UpstreamPrediction:
        """Audio features and attention map of a photo (inference POST /v1/predict?attention=true, raw image body);
        the inference service's own Server-Timing (decode, model) goes into `timing` as inference-*."""
        # The model computes the heat map on every prediction; asking for it costs a 28x28 grid in the answer.
        response = await self.inference.request(
            "POST",
            "/v1/predict",
            params={"attention": "true"},
            content=image,
            headers={"Content-Type": content_type},
        )
        if timing is not None:
            timing.merge(response.headers.get(SERVER_TIMING, ""), prefix="inference")
        return parse_upstream(UpstreamPrediction, response, service="inference")

    async def resolve_genres(self, names: list[str]) -> list[str]:
        """Names -> the seed genres a recommendation would use (playlist POST /v1/genres/resolve; 422 if unknown)."""
        response = await self.playlist.request(
            "POST", "/v1/genres/resolve", json={"genres": names}, timeout=GENRES_TIMEOUT_S
        )
        return parse_upstream(ResolvedGenres, response, service="playlist").genres

    async def recommend(self, request: RecommendationRequest) -> Recommendation:
        """Tracks near the features (playlist POST /v1/recommendations)."""
        body = request.model_dump(mode="json")
        response = await self.playlist.request("POST", "/v1/recommendations", json=body)
        return parse_upstream(Recommendation, response, service="playlist")

    async def recommend_album(self, request: AlbumRequest) -> Recommendation:
        """One list for an album's photos (playlist POST /v1/recommendations/album)."""
        body = request.model_dump(mode="json")
        response = await self.playlist.request("POST", "/v1/recommendations/album", json=body)
        return parse_upstream(Recommendation, response, service="playlist")

    async def export(self, *, recommendation: Recommendation, fmt: ExportFormat) -> tuple[bytes, str]:
        """A recommendation rendered as json, m3u8 or csv (playlist POST /v1/recommendations/export): the file and
        its media type."""
        response = await self.playlist.request(
            "POST", "/v1/recommendations/export", params={"format": fmt}, json=recommendation.model_dump(mode="json")
        )
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        return response.content, media_type or EXPORT_MEDIA_TYPES[fmt]

    async def rate(self, rating: RatingIn, *, idempotency_key: str | None = None) -> tuple[FeedbackOut, int]:
        """Store a rating (feedback POST /v1/ratings); the stored rating and the status (201 new, 200 replaced or a
        retry, 202 queued in the feedback service's outbox)."""
        body = rating.model_dump(mode="json", exclude_none=True)
        # The feedback service keeps the rating only if it can before this deadline: past it this call has timed
        # out and the person is told it failed, so it must not be stored (issue 14, finding 4).
        deadline = time.time() + self.feedback.timeout_s - min(1.0, self.feedback.timeout_s / 4)
        headers = {DEADLINE_HEADER: f"{deadline:.3f}"}
        if idempotency_key:
            headers[IDEMPOTENCY_HEADER] = idempotency_key
        try:
            response = await self.feedback.request("POST", "/v1/ratings", json=body, headers=headers)
        except DeadlinePassed as exc:  # the feedback service ran out of the time this call gave it
            raise UpstreamTimeout("feedback did not keep the rating in time; nothing was kept") from exc
        return parse_upstream(FeedbackOut, response, service="feedback"), response.status_code

    async def ratings_of(self, raters: list[str]) -> RatingList:
        """Every rating of these raters, photos included (feedback GET /v1/ratings?rater=...)."""
        response = await self.feedback.request("GET", "/v1/ratings", params=[("rater", r) for r in raters])
        return parse_upstream(RatingList, response, service="feedback")

    async def delete_ratings_of(self, raters: list[str]) -> DeletedRatings:
        """Delete every rating of these raters with their photos (feedback DELETE /v1/ratings?rater=...)."""
        response = await self.feedback.request("DELETE", "/v1/ratings", params=[("rater", r) for r in raters])
        return parse_upstream(DeletedRatings, response, service="feedback")

    async def ready(self, name: str) -> bool:
        """True when the upstream's /readyz says it is ready (asked past the breaker: ServiceClient.probe)."""
        client: ServiceClient = getattr(self, name)
        # A readiness probe should not hang on a frozen upstream.
        return await client.probe("/readyz", timeout_s=READY_TIMEOUT_S)
