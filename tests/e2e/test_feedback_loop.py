"""Ratings are never lost: the DynamoDB-API server stops mid-run, people keep rating through the gateway (accepted
into the feedback service's outbox, shown by /readyz and /metrics), the server comes back, and every rating is in
the table exactly once with the person's latest verdict. Also a person's own ratings (list, delete, photos
included) and the token-protected export."""

from __future__ import annotations

import base64
import io
import time
import uuid

import boto3
import httpx
import pyarrow.parquet as pq
import pytest
from PIL import Image

from tests.e2e.conftest import Stack
from tests.e2e.test_playlist_flow import sunset_photo
from tests.servers.dynamodb import DYNAMODB_ENV

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def table_items(stack: Stack) -> list[dict[str, object]]:
    client = boto3.client(
        "dynamodb",
        endpoint_url=stack.dynamodb,
        region_name=DYNAMODB_ENV["AWS_DEFAULT_REGION"],
        aws_access_key_id=DYNAMODB_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DYNAMODB_ENV["AWS_SECRET_ACCESS_KEY"],
    )
    items: list[dict[str, object]] = []
    kwargs: dict[str, object] = {"TableName": stack.ratings_table, "ConsistentRead": True}
    while True:
        page = client.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def make_playlists(client: httpx.Client, count: int) -> list[str]:
    photo = sunset_photo()
    ids = []
    for _ in range(count):
        made = client.post("/v1/playlists", files={"image": ("s.jpg", photo, "image/jpeg")}, data={"n": "3"})
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    return ids


def rate(client: httpx.Client, playlist_id: str, value: int, key: str | None = None) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/v1/playlists/{playlist_id}/feedback", json={"rating": value}, headers=headers)


def test_every_rating_survives_a_store_outage_exactly_once(stack: Stack) -> None:
    client = httpx.Client(base_url=stack.gateway, timeout=120)
    ids = make_playlists(client, 6)
    assert rate(client, ids[0], 1).status_code == 201
    assert rate(client, ids[1], -1).status_code == 201
    expected = {ids[0]: 1, ids[1]: -1}

    stack.dynamodb_server.stop()
    try:
        for playlist_id, value in zip(ids[2:], (1, -1, 1, 1), strict=True):
            answer = rate(client, playlist_id, value, key=f"k-{playlist_id}")
            assert answer.status_code == 202, answer.text
            assert answer.json()["queued"] is True
            expected[playlist_id] = value
        # A retry with the same key and a change of mind, both while the store is down.
        assert rate(client, ids[2], 1, key=f"k-{ids[2]}").status_code == 202
        assert rate(client, ids[0], -1).status_code == 202
        expected[ids[0]] = -1
        ready = httpx.get(f"{stack.feedback}/readyz").json()
        assert ready["status"] == "ready" and ready["store"] is False
        assert ready["outbox"]["backlog"] == 6
        assert "feedback_outbox_backlog 6.0" in httpx.get(f"{stack.feedback}/metrics").text
    finally:
        stack.dynamodb_server.start()

    deadline = time.monotonic() + 60
    while httpx.get(f"{stack.feedback}/readyz").json()["outbox"]["backlog"] != 0:
        assert time.monotonic() < deadline, "the outbox was not delivered within 60 s"
        time.sleep(0.5)
    ours = [item for item in table_items(stack) if item["playlist_id"]["S"] in expected]  # type: ignore[index]
    assert sorted(item["playlist_id"]["S"] for item in ours) == sorted(expected)  # type: ignore[index]
    for item in ours:
        assert int(item["rating"]["N"]) == expected[item["playlist_id"]["S"]]  # type: ignore[index]
    photo = Image.open(io.BytesIO(ours[0]["photo"]["B"]))  # type: ignore[index]
    assert photo.format == "JPEG" and len(ours[0]["photo"]["B"]) <= 250_000  # type: ignore[index]
    assert "feedback_outbox_backlog 0.0" in httpx.get(f"{stack.feedback}/metrics").text


def test_a_person_lists_and_deletes_their_own_ratings_with_photos(stack: Stack) -> None:
    client = httpx.Client(base_url=stack.gateway, timeout=120)
    ids = make_playlists(client, 2)
    for playlist_id in ids:
        assert rate(client, playlist_id, 1).status_code == 201
    mine = client.get("/v1/me/ratings").json()["ratings"]
    assert sorted(r["playlist_id"] for r in mine) == sorted(ids)
    assert all(base64.urlsafe_b64decode(r["photo"])[:2] == b"\xff\xd8" for r in mine)
    assert all(r["mood"] and r["genre_look"] and r["model_version"] for r in mine)
    stranger = httpx.Client(base_url=stack.gateway, timeout=30)
    assert stranger.get("/v1/me/ratings").json() == {"ratings": []}
    assert client.delete("/v1/me/ratings").json() == {"deleted": 2}
    assert client.get("/v1/me/ratings").json() == {"ratings": []}
    assert not [i for i in table_items(stack) if i["playlist_id"]["S"] in ids]  # type: ignore[index]


def test_the_admin_export_is_token_protected_and_holds_every_rating(stack: Stack) -> None:
    client = httpx.Client(base_url=stack.gateway, timeout=120)
    (playlist_id,) = make_playlists(client, 1)
    rate(client, playlist_id, -1)
    url = f"{stack.feedback}/v1/admin/export.parquet"
    assert httpx.get(url, headers={"Authorization": f"Bearer {uuid.uuid4().hex}"}).status_code == 401
    answer = httpx.get(url, headers={"Authorization": f"Bearer {stack.feedback_admin_token}"}, timeout=60)
    assert answer.status_code == 200
    table = pq.read_table(io.BytesIO(answer.content)).to_pylist()
    assert len(table) == len(table_items(stack))
    (row,) = [r for r in table if r["playlist_id"] == playlist_id]
    assert row["reward"] == -1 and row["split"] == "feedback" and row["cover"][:2] == b"\xff\xd8"
