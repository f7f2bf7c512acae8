"""The shared rating store: a DynamoDB table keyed on (playlist_id, id) with a `by_rater` index (rater,
created_at), created on first use if missing. Writes are conditional (services/feedback/ratings.py)."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import boto3
from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from services.feedback.adapters.dynamodb_errors import error_code, store_error
from services.feedback.ratings import PutResult, Rating, timestamp
from shared.errors import StoreUnavailable

T = TypeVar("T")
log = logging.getLogger("pressedplay.feedback.dynamodb")
RATER_INDEX = "by_rater"
_WRITE_CONDITION = "attribute_not_exists(id) OR created_at < :t"
_WRITE_CONDITION_KEYED = (
    "attribute_not_exists(id) OR (created_at < :t AND (attribute_not_exists(idempotency_key) OR idempotency_key <> :k))"
)
_RATER_INDEX_SPEC = {
    "IndexName": RATER_INDEX,
    "KeySchema": [{"AttributeName": "rater", "KeyType": "HASH"}, {"AttributeName": "created_at", "KeyType": "RANGE"}],
    "Projection": {"ProjectionType": "ALL"},
}
_ATTRIBUTES = [
    {"AttributeName": "playlist_id", "AttributeType": "S"},
    {"AttributeName": "id", "AttributeType": "S"},
    {"AttributeName": "rater", "AttributeType": "S"},
    {"AttributeName": "created_at", "AttributeType": "S"},
]


class DynamoRatingStore:
    """RatingStore on DynamoDB; boto3 is synchronous, so every call runs in a worker thread with a deadline.

    The threads are the store's own: a call cut off by the deadline keeps its thread until boto3 gives up, and in
    the shared default pool a stalled DynamoDB would starve the outbox that is meant to take over."""

    def __init__(
        self,
        *,
        table: str,
        region: str,
        endpoint_url: str | None = None,
        timeout_s: float = 5.0,
        client: Any | None = None,
    ) -> None:
        self.table = table
        self.timeout_s = timeout_s
        config = Config(
            connect_timeout=min(timeout_s, 2.0),
            read_timeout=timeout_s,
            retries={"max_attempts": 2, "mode": "standard"},
        )
        self._client = client or boto3.client("dynamodb", region_name=region, endpoint_url=endpoint_url, config=config)
        self._serialise = TypeSerializer().serialize
        self._deserialise = TypeDeserializer().deserialize
        self._table_ready = asyncio.Lock()
        self._table_exists = False
        self._threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dynamodb")

    async def _run(self, fn: Callable[[], T]) -> T:
        call = asyncio.get_running_loop().run_in_executor(self._threads, fn)
        try:
            return await asyncio.wait_for(call, timeout=self.timeout_s)
        except TimeoutError as exc:
            raise StoreUnavailable("DynamoDB did not answer in time", retry_after=2) from exc
        except (BotoCoreError, ClientError) as exc:
            raise store_error(exc) from exc

    async def ensure_table(self) -> None:
        """Create the ratings table (on-demand billing) if it does not exist yet, and wait until it is active."""
        async with self._table_ready:
            if self._table_exists:
                return
            await self._run(self._create_table_if_missing)
            self._table_exists = True

    def _create_table_if_missing(self) -> None:
        try:
            described = self._client.describe_table(TableName=self.table)["Table"]
        except ClientError as exc:
            if error_code(exc) != "ResourceNotFoundException":
                raise
            try:
                self._client.create_table(
                    TableName=self.table,
                    KeySchema=[
                        {"AttributeName": "playlist_id", "KeyType": "HASH"},
                        {"AttributeName": "id", "KeyType": "RANGE"},
                    ],
                    AttributeDefinitions=_ATTRIBUTES,
                    GlobalSecondaryIndexes=[_RATER_INDEX_SPEC],
                    BillingMode="PAY_PER_REQUEST",
                )
                log.info("dynamodb.table_created", extra={"table": self.table})
            except ClientError as race:  # another replica created it first
                if error_code(race) != "ResourceInUseException":
                    raise
        else:
            indexes = {index["IndexName"] for index in described.get("GlobalSecondaryIndexes", [])}
            if RATER_INDEX not in indexes:  # a table from before ratings had raters
                self._client.update_table(
                    TableName=self.table,
                    AttributeDefinitions=_ATTRIBUTES,
                    GlobalSecondaryIndexUpdates=[{"Create": _RATER_INDEX_SPEC}],
                )
                log.info("dynamodb.index_added", extra={"table": self.table, "index": RATER_INDEX})
        waiter = self._client.get_waiter("table_exists")
        waiter.wait(TableName=self.table, WaiterConfig={"Delay": 0.2, "MaxAttempts": 25})

    def _item(self, rating: Rating) -> dict[str, Any]:
        return {key: self._serialise(value) for key, value in to_item(rating).items()}

    def _rating(self, item: dict[str, Any]) -> Rating:
        return from_item({key: self._deserialise(value) for key, value in item.items()})

    async def put(self, rating: Rating) -> PutResult:
        """Conditional put: new, or newer and not a retry of the stored one; else unchanged."""
        await self.ensure_table()
        item = self._item(rating)
        values: dict[str, Any] = {":t": {"S": timestamp(rating.created_at)}}
        if rating.idempotency_key is not None:
            values[":k"] = {"S": rating.idempotency_key}

        def put_item() -> PutResult:
            try:
                response = self._client.put_item(
                    TableName=self.table,
                    Item=item,
                    ConditionExpression=_WRITE_CONDITION_KEYED if ":k" in values else _WRITE_CONDITION,
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_OLD",
                )
            except ClientError as exc:
                if error_code(exc) == "ConditionalCheckFailedException":
                    return PutResult("unchanged", self._stored_photo_ref(item))
                raise
            if "Attributes" not in response:
                return PutResult("created")
            return PutResult("replaced", response["Attributes"].get("photo_ref", {}).get("S"))

        return await self._run(put_item)

    def _stored_photo_ref(self, item: dict[str, Any]) -> str | None:
        # A failed condition returns nothing (dynalite ignores ReturnValuesOnConditionCheckFailure): read the one
        # attribute. Should a newer rating replace the stored one in between, we see its photo_ref and delete ours,
        # which is right either way: that write deletes the photo of the one it replaced.
        key = {"playlist_id": item["playlist_id"], "id": item["id"]}
        found = self._client.get_item(
            TableName=self.table, Key=key, ConsistentRead=True, ProjectionExpression="photo_ref"
        ).get("Item", {})
        ref = found.get("photo_ref", {}).get("S")
        return str(ref) if ref is not None else None

    async def get(self, playlist_id: str, rating_id: str) -> Rating | None:
        """One rating (strongly consistent), or None."""
        await self.ensure_table()
        key = {"playlist_id": {"S": playlist_id}, "id": {"S": rating_id}}
        answer = await self._run(lambda: self._client.get_item(TableName=self.table, Key=key, ConsistentRead=True))
        return self._rating(answer["Item"]) if "Item" in answer else None

    async def _query(self, **kwargs: Any) -> list[Rating]:
        await self.ensure_table()

        def query() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = []
            args = {"TableName": self.table, **kwargs}
            while True:
                page = self._client.query(**args)
                items.extend(page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    return items
                args["ExclusiveStartKey"] = page["LastEvaluatedKey"]

        ratings = [self._rating(item) for item in await self._run(query)]
        return sorted(ratings, key=lambda r: (r.created_at, r.id))

    async def for_playlist(self, playlist_id: str) -> list[Rating]:
        """Every rating of one playlist, oldest first."""
        return await self._query(
            KeyConditionExpression="playlist_id = :p", ExpressionAttributeValues={":p": {"S": playlist_id}}
        )

    async def for_rater(self, rater: str) -> list[Rating]:
        """Every rating of one rater, oldest first (the by_rater index)."""
        return await self._query(
            IndexName=RATER_INDEX,
            KeyConditionExpression="rater = :r",
            ExpressionAttributeValues={":r": {"S": rater}},
        )

    async def delete(self, playlist_id: str, rating_id: str, *, created_at: datetime | None = None) -> bool:
        """Delete one rating (only the version made at `created_at`, when given); True when something went."""
        await self.ensure_table()
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "Key": {"playlist_id": {"S": playlist_id}, "id": {"S": rating_id}},
            "ReturnValues": "ALL_OLD",
        }
        if created_at is not None:
            kwargs["ConditionExpression"] = "created_at = :t"
            kwargs["ExpressionAttributeValues"] = {":t": {"S": timestamp(created_at)}}

        def delete_item() -> bool:
            try:
                return "Attributes" in self._client.delete_item(**kwargs)
            except ClientError as exc:
                if error_code(exc) == "ConditionalCheckFailedException":
                    return False
                raise

        return await self._run(delete_item)

    async def scan(self, *, limit: int, cursor: str | None = None) -> tuple[list[Rating], str | None]:
        """One Scan page (at most `limit` items); the cursor is DynamoDB's LastEvaluatedKey, base64 JSON."""
        await self.ensure_table()
        kwargs: dict[str, Any] = {"TableName": self.table, "Limit": limit, "ConsistentRead": True}
        if cursor:
            kwargs["ExclusiveStartKey"] = json.loads(base64.urlsafe_b64decode(cursor))
        page = await self._run(lambda: self._client.scan(**kwargs))
        last = page.get("LastEvaluatedKey")
        following = base64.urlsafe_b64encode(json.dumps(last).encode()).decode() if last else None
        return [self._rating(item) for item in page.get("Items", [])], following

    async def ping(self) -> bool:
        """True when the table exists (or could be created) and answers."""
        await self.ensure_table()
        await self._run(lambda: self._client.describe_table(TableName=self.table))
        return True

    async def close(self) -> None:
        """Release the HTTP connection pool and the threads (a call still stuck in boto3 finishes on its own)."""
        self._client.close()
        self._threads.shutdown(wait=False, cancel_futures=True)


def _to_dynamo(value: Any) -> Any:
    # DynamoDB numbers must be Decimal; str() keeps the float's shortest exact decimal form.
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, Binary):
        return bytes(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


def to_item(rating: Rating) -> dict[str, Any]:
    """The item for a rating: its fields, timestamps as fixed-width UTC strings, no empty attributes."""
    raw = rating.model_dump(mode="python")
    raw["created_at"] = timestamp(rating.created_at)
    raw["stored_at"] = timestamp(rating.stored_at) if rating.stored_at else None
    return {key: _to_dynamo(value) for key, value in raw.items() if value is not None}


def from_item(item: dict[str, Any]) -> Rating:
    """A rating from its item (legacy items without a rater are rated by their session)."""
    plain = _from_dynamo(item)
    plain.setdefault("rater", f"session:{plain.get('session')}" if plain.get("session") else f"anon:{plain['id']}")
    plain["features"] = {k: float(v) for k, v in plain["features"].items()}
    if "genre_look" in plain:
        plain["genre_look"] = {k: float(v) for k, v in plain["genre_look"].items()}
    if "mood" in plain:
        plain["mood"] = {k: float(v) for k, v in plain["mood"].items()}
    return Rating.model_validate(plain)
