"""What each DynamoDB failure becomes: waiting can cure throttling, DynamoDB's 5xx, the network and the store's setup
(StoreUnavailable: the rating waits in the outbox); anything else DynamoDB refuses for good (StoreRefused: it must
not block the ratings queued behind it)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ParamValidationError, ReadTimeoutError

from services.feedback.adapters.dynamodb_errors import store_error
from shared.errors import StoreRefused, StoreUnavailable


def answered(code: str, status: int) -> ClientError:
    response = {"Error": {"Code": code, "Message": "..."}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(response, "PutItem")


@pytest.mark.parametrize(
    "failure",
    [
        answered("ProvisionedThroughputExceededException", 400),
        answered("ThrottlingException", 400),
        answered("RequestLimitExceeded", 400),
        answered("InternalServerError", 500),
        answered("SomethingNew", 503),
        answered("AccessDeniedException", 400),
        answered("ResourceNotFoundException", 400),
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
    ],
    ids=lambda failure: type(failure).__name__ + ":" + str(failure)[:40],
)
def test_what_waiting_can_cure_is_store_unavailable(failure: Exception) -> None:
    assert isinstance(store_error(failure), StoreUnavailable)


@pytest.mark.parametrize(
    "failure",
    [
        answered("ValidationException", 400),  # an item over 400 KB, an empty key attribute ...
        answered("SerializationException", 400),
        answered("SomethingNew", 400),
        ParamValidationError(report="Invalid type for parameter Item"),
    ],
    ids=lambda failure: type(failure).__name__ + ":" + str(failure)[:40],
)
def test_a_refusal_for_good_is_store_refused_a_502(failure: Exception) -> None:
    error = store_error(failure)
    assert isinstance(error, StoreRefused) and not isinstance(error, StoreUnavailable)
    assert error.status_code == 502 and error.retry_after is None
