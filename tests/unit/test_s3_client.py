"""One S3 client factory (shared/s3.py) for every S3 user: the client it makes carries the timeouts, retries and
addressing style of S3ClientSettings (env PRESSEDPLAY_S3_*), and inference's model storage and feedback's photo
store both get theirs from it. No request is sent: the clients are only built and inspected."""

from __future__ import annotations

from typing import Any

import pytest

from services.feedback.adapters.photos import S3PhotoStore
from services.inference.adapters.storage import s3_client as artifact_client
from shared.s3 import S3ClientSettings, s3_client

ENDPOINT = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def no_ambient_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def described(client: Any) -> tuple[float, float, int, str | None]:
    config = client.meta.config
    style = (config.s3 or {}).get("addressing_style")
    return config.connect_timeout, config.read_timeout, config.retries["total_max_attempts"], style


def test_a_client_for_a_self_hosted_endpoint_has_timeouts_retries_and_path_style() -> None:
    client = s3_client(S3ClientSettings(endpoint_url=ENDPOINT))
    assert client.meta.endpoint_url == ENDPOINT
    assert described(client) == (5.0, 60.0, 4, "path")  # 3 retries: 4 tries


def test_against_aws_the_addressing_is_left_to_botocore_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert described(s3_client(S3ClientSettings()))[3] is None
    monkeypatch.setenv("PRESSEDPLAY_S3_ADDRESSING_STYLE", "virtual")
    assert described(s3_client())[3] == "virtual"


def test_every_s3_user_gets_the_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSEDPLAY_S3_CONNECT_TIMEOUT_S", "1.5")
    monkeypatch.setenv("PRESSEDPLAY_S3_READ_TIMEOUT_S", "7")
    monkeypatch.setenv("PRESSEDPLAY_S3_RETRIES", "1")
    artifacts = artifact_client(endpoint_url=ENDPOINT)
    photos = S3PhotoStore("s3://photos/ratings", endpoint_url=ENDPOINT, region="eu-west-1")
    assert described(artifacts) == (1.5, 7.0, 2, "path")
    assert described(photos._client) == (1.5, 7.0, 2, "path")
    assert photos._client.meta.region_name == "eu-west-1"


def test_the_endpoint_falls_back_to_boto3s_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", ENDPOINT)
    assert S3ClientSettings.overriding(endpoint_url=None).endpoint() == ENDPOINT
    assert s3_client().meta.endpoint_url == ENDPOINT


def test_bad_settings_are_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="retries"):
        S3ClientSettings(retries=-1)
    with pytest.raises(ValueError, match="addressing_style"):
        S3ClientSettings(addressing_style="sideways")  # type: ignore[arg-type]
