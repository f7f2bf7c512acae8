"""Real servers for integration tests, started once per test session on free loopback ports."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.servers.dynamodb import DYNAMODB_ENV, dynamodb_server, dynamodb_url
from tests.servers.redis import redis_server, redis_url


@pytest.fixture(scope="session")
def redis_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running redis-server; yields its URL."""
    with redis_server(tmp_path_factory.mktemp("redis-logs")) as server:
        yield redis_url(server)


@pytest.fixture(scope="session")
def dynamodb_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running DynamoDB-API server (dynalite); yields its endpoint URL, with dummy AWS credentials in the env."""
    saved = {key: os.environ.get(key) for key in DYNAMODB_ENV}
    os.environ.update(DYNAMODB_ENV)
    try:
        with dynamodb_server(tmp_path_factory.mktemp("dynamodb-logs")) as server:
            yield dynamodb_url(server)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
