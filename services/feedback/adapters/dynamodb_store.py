"""The shared rating store: a DynamoDB table keyed on (playlist_id, id), created on first use if missing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from services.feedback.ratings import Rating
from shared.errors import StoreUnavailable

T = TypeVar("T")
log = logging.getLogger("pressedplay.feedback.dynamodb")


class DynamoRatingStore:
    """RatingStore on DynamoDB; boto3 is synchronous, so every call runs in a worker thread with a deadline."""

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

    async def _run(self, fn: Callable[[], T]) -> T:
        try:
            return await asyncio.wait_for(asyncio.to_thread(fn), timeout=self.timeout_s)
        except TimeoutError as exc:
            raise StoreUnavailable("DynamoDB did not answer in time", retry_after=2) from exc
        except (BotoCoreError, ClientError) as exc:
            raise StoreUnavailable(f"DynamoDB failed: {exc}", retry_after=2) from exc

    async def ensure_table(self) -> None:
        """Create the ratings table (on-demand billing) if it does not exist yet, and wait until it is active."""
        async with self._table_ready:
            if self._table_exists:
                return
            await self._run(self._create_table_if_missing)
            self._table_exists = True

    def _create_table_if_missing(self) -> None:
        try:
            self._client.describe_table(TableName=self.table)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            try:
                self._client.create_table(
                    TableName=self.table,
                    KeySchema=[
                        {"AttributeName": "playlist_id", "KeyType": "HASH"},
                        {"AttributeName": "id", "KeyType": "RANGE"},
                    ],
                    AttributeDefinitions=[
                        {"AttributeName": "playlist_id", "AttributeType": "S"},
                        {"AttributeName": "id", "AttributeType": "S"},
                    ],
                    BillingMode="PAY_PER_REQUEST",
                )
                log.info("dynamodb.table_created", extra={"table": self.table})
            except ClientError as race:  # another replica created it first
                if race.response.get("Error", {}).get("Code") != "ResourceInUseException":
                    raise
        waiter = self._client.get_waiter("table_exists")
        waiter.wait(TableName=self.table, WaiterConfig={"Delay": 0.2, "MaxAttempts": 25})

    async def put(self, rating: Rating) -> bool:
        """Insert or replace the rating with this id; True when it was new."""
        await self.ensure_table()
        item = {key: self._serialise(value) for key, value in _to_item(rating).items()}

        def put_item() -> bool:
            response = self._client.put_item(TableName=self.table, Item=item, ReturnValues="ALL_OLD")
            return "Attributes" not in response

        return await self._run(put_item)

    async def for_playlist(self, playlist_id: str) -> list[Rating]:
        """Every rating of one playlist, oldest first."""
        await self.ensure_table()

        def query() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = []
            kwargs: dict[str, Any] = {
                "TableName": self.table,
                "KeyConditionExpression": "playlist_id = :p",
                "ExpressionAttributeValues": {":p": {"S": playlist_id}},
            }
            while True:
                page = self._client.query(**kwargs)
                items.extend(page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    return items
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

        raw = await self._run(query)
        ratings = [_from_item({k: self._deserialise(v) for k, v in item.items()}) for item in raw]
        return sorted(ratings, key=lambda r: (r.created_at, r.id))

    async def ping(self) -> bool:
        """True when the table exists (or could be created) and answers."""
        await self.ensure_table()
        await self._run(lambda: self._client.describe_table(TableName=self.table))
        return True

    async def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.close()


def _to_item(rating: Rating) -> dict[str, Any]:
    # DynamoDB numbers must be Decimal; str() keeps the float's shortest exact decimal form.
    item: dict[str, Any] = {
        "playlist_id": rating.playlist_id,
        "id": rating.id,
        "rating": rating.rating,
        "features": {k: Decimal(str(v)) for k, v in rating.features.model_dump().items()},
        "model_version": rating.model_version,
        "track_ids": list(rating.track_ids),
        "created_at": rating.created_at.isoformat(),
    }
    if rating.session is not None:
        item["session"] = rating.session
    return item


def _from_item(item: dict[str, Any]) -> Rating:
    return Rating.model_validate(
        {
            **item,
            "rating": int(item["rating"]),
            "features": {k: float(v) for k, v in item["features"].items()},
            "session": item.get("session"),
        }
    )
