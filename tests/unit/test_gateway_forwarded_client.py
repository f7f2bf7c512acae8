"""Behind a proxy: the rate limit's client is the X-Forwarded-For client only when the peer is a trusted proxy, and
then the right-most untrusted hop, so a client can neither spoof its bucket nor share the proxy's with everyone."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from services.gateway.app import create_app
from services.gateway.forwarded import client_address, parse_networks
from services.gateway.settings import Settings
from tests.unit.test_gateway_api import FakeUpstreams, make_playlist

PROXIES = parse_networks(["10.0.0.0/8", "fd00::/8"])
PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),  # not a proxy: its header is the client's word
        (PROXY, ["198.51.100.1"], "198.51.100.1"),
        (PROXY, ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),  # the forged left-most hop is not believed
        (PROXY, ["6.6.6.6, 198.51.100.1, 10.0.0.7"], "198.51.100.1"),  # two proxies: skip both
        (PROXY, ["6.6.6.6", "198.51.100.1"], "198.51.100.1"),  # header lines join in order
        (PROXY, ["198.51.100.1:4711"], "198.51.100.1"),
        (PROXY, ["[2001:db8::1]:4711"], "2001:db8::1"),
        (PROXY, ["2001:db8::1"], "2001:db8::1"),
        (PROXY, ["::ffff:198.51.100.1"], "198.51.100.1"),
        (PROXY, ["10.0.0.9, 10.0.0.7"], "10.0.0.9"),  # every hop a proxy: the left-most
        ("fd00::5", ["198.51.100.1"], "198.51.100.1"),
        ("::ffff:10.0.0.2", ["198.51.100.1"], "198.51.100.1"),
    ],
)
def test_the_client_is_the_right_most_untrusted_hop_when_the_peer_is_a_trusted_proxy(
    peer: str, forwarded: list[str], expected: str
) -> None:
    assert client_address(peer, forwarded, PROXIES) == expected


@pytest.mark.parametrize(
    "forwarded",
    [[""], ["unknown"], ["not-an-ip, 198.51.100.1, garbage"], [" , ,"], ["1.2.3.4.5"], ["[::1"], ["x" * 60_000]],
)
def test_a_malformed_forwarded_chain_leaves_the_proxy_address(forwarded: list[str]) -> None:
    assert client_address(PROXY, forwarded, PROXIES) == PROXY


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address(PROXY, ["198.51.100.1"], ()) == PROXY
    assert client_address("testclient", ["198.51.100.1"], PROXIES) == "testclient"


def test_trusted_proxies_are_read_comma_separated_and_a_typo_is_a_settings_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GATEWAY_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7 ,fd00::/8")
    assert Settings().trusted_proxies == ["10.0.0.0/8", "192.0.2.7", "fd00::/8"]
    assert Settings(_env_file=None, trusted_proxies=[]).trusted_proxies == []
    monkeypatch.setenv("GATEWAY_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal")
    with pytest.raises(ValidationError, match=r"proxy\.internal"):
        Settings()
    monkeypatch.delenv("GATEWAY_TRUSTED_PROXIES")
    assert Settings().trusted_proxies == []


def gateway_seen_from(peer: str, **settings: Any) -> TestClient:
    app = create_app(Settings(rate_uploads_burst=1, **settings), transports=FakeUpstreams().transports())
    return TestClient(app, client=(peer, 50000))


def upload_as(client: TestClient, forwarded_for: str | None) -> int:
    client.cookies.clear()
    client.headers.pop("X-Forwarded-For", None)
    if forwarded_for is not None:
        client.headers["X-Forwarded-For"] = forwarded_for
    status: int = make_playlist(client).status_code
    return status


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_does_not_change_the_bucket() -> None:
    with gateway_seen_from("203.0.113.9", trusted_proxies=[PROXY]) as client:
        assert upload_as(client, "198.51.100.1") == 201
        assert upload_as(client, "198.51.100.2") == 429
        assert upload_as(client, None) == 429


def test_a_forwarded_for_is_ignored_when_no_proxy_is_trusted() -> None:
    with gateway_seen_from(PROXY) as client:
        assert [upload_as(client, f"198.51.100.{i}") for i in (1, 2)] == [201, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket() -> None:
    with gateway_seen_from(PROXY, trusted_proxies=["10.0.0.0/8"]) as client:
        assert upload_as(client, "198.51.100.1") == 201
        assert upload_as(client, "198.51.100.2") == 201
        assert upload_as(client, "198.51.100.1") == 429
        # A client that forges hops to the left of what the proxy appended is still its own, emptied bucket.
        assert upload_as(client, "192.0.2.50, 198.51.100.2") == 429


def test_behind_a_trusted_proxy_a_malformed_forwarded_for_shares_the_proxy_bucket() -> None:
    with gateway_seen_from(PROXY, trusted_proxies=[PROXY]) as client:
        assert upload_as(client, "garbage") == 201
        assert upload_as(client, "unknown") == 429
        assert upload_as(client, "") == 429
