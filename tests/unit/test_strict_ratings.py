"""Issue 14, finding 6 (ratings): a rating is the integer 1 or -1; `true`, `1.0` and "1" are 422, at the gateway
and in the shared contract the feedback service validates with."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from services.gateway.schemas import FeedbackIn
from shared.rating import RatingIn
from tests.unit.test_gateway_api import assert_envelope, client, fakes, make_playlist

__all__ = ["client", "fakes"]  # fixtures
NOT_RATINGS = [True, False, 1.0, -1.0, "1", 0, 2, None]


@pytest.mark.parametrize("value", NOT_RATINGS)
def test_only_the_integers_one_and_minus_one_are_ratings(value: object) -> None:
    with pytest.raises(ValidationError):
        FeedbackIn.model_validate({"rating": value})
    assert FeedbackIn.model_validate({"rating": 1}).rating == 1
    assert FeedbackIn.model_validate_json('{"rating": -1}').rating == -1


def test_the_shared_rating_contract_refuses_a_boolean() -> None:
    fields = RatingIn.model_json_schema()["properties"]
    assert fields["rating"]["enum"] == [1, -1]
    with pytest.raises(ValidationError, match="integer 1"):
        RatingIn.model_validate({"rating": True})


@pytest.mark.parametrize("body", ['{"rating": true}', '{"rating": 1.0}'])
def test_the_gateway_answers_422_for_a_boolean_or_float_rating(client: TestClient, body: str) -> None:
    made = make_playlist(client).json()
    response = client.post(
        f"/v1/playlists/{made['id']}/feedback", content=body, headers={"Content-Type": "application/json"}
    )
    assert_envelope(response, 422, "ValidationError")
