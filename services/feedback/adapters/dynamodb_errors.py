"""Which DynamoDB failures are worth waiting out and which are a refusal for good: the outbox keeps and retries a
rating on the first (StoreUnavailable), and sets it aside on the second (StoreRefused) so it blocks nothing."""

from __future__ import annotations

from typing import Final

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from shared.errors import ServiceError, StoreRefused, StoreUnavailable

# What waiting can cure, as botocore's own retry policy names it: throttling and DynamoDB's transient errors. Also the
# store's setup (credentials, permissions, the table), which an operator mends, after which every waiting rating
# should flow on its own. Any other code is DynamoDB refusing this request for good (ValidationException: an item
# over 400 KB, a bad attribute ...): queueing it would block every rating behind it.
RETRYABLE_CODES: Final = frozenset(
    {
        # throttled
        "ProvisionedThroughputExceededException", "ThrottlingException", "Throttling", "RequestLimitExceeded",
        "LimitExceededException", "TransactionInProgressException",
        # DynamoDB's own trouble
        "InternalServerError", "ServiceUnavailable", "RequestTimeout", "RequestTimeoutException",
        # the store's setup: credentials, permissions, the table
        "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "ExpiredToken",
        "AccessDeniedException", "MissingAuthenticationTokenException", "ResourceNotFoundException",
        "ResourceInUseException",
    }
)  # fmt: skip


def error_code(exc: ClientError) -> str:
    """The error code DynamoDB answered with."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def store_error(exc: BotoCoreError | ClientError) -> ServiceError:
    """StoreUnavailable (503, the outbox keeps the rating and retries) for what waiting can cure: throttling,
    DynamoDB's 5xx, the network, the store's setup; StoreRefused (502) for a request DynamoDB will never take."""
    if isinstance(exc, ParamValidationError):  # boto3 refused to send it: no retry makes it valid
        return StoreRefused(f"DynamoDB refused the request: {exc}")
    if isinstance(exc, BotoCoreError):  # could not connect, read timeout, no credentials ...
        return StoreUnavailable(f"DynamoDB failed: {exc}", retry_after=2)
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if error_code(exc) in RETRYABLE_CODES or status >= 500:
        return StoreUnavailable(f"DynamoDB failed: {exc}", retry_after=2)
    return StoreRefused(f"DynamoDB refused the request: {exc}")
