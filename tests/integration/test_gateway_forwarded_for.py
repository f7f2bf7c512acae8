"""X-Forwarded-For over real sockets against `python -m services.gateway`: uvicorn's own proxy-header trust (any
127.0.0.1 peer, by default) is off, so a local client cannot name its rate-limit bucket; GATEWAY_TRUSTED_PROXIES
turns forwarding on for the proxies named."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.integration.test_gateway_limits import gateway

pytestmark = pytest.mark.integration

SIGN_IN_ONCE = {"GATEWAY_RATE_SIGNIN_BURST": "1", "GATEWAY_RATE_SIGNIN_PER_MINUTE": "0.1"}


def sign_in_status(port: int, forwarded_for: str) -> int:
    """GET /v1/auth/login (a limited route) as the given forwarded client; 429 once its bucket is empty."""
    url = f"http://127.0.0.1:{port}/v1/auth/login"
    return httpx.get(url, headers={"X-Forwarded-For": forwarded_for}, timeout=15).status_code


def test_a_local_client_cannot_spoof_its_bucket_with_x_forwarded_for(tmp_path: Path) -> None:
    with gateway(tmp_path, **SIGN_IN_ONCE) as server:
        assert sign_in_status(server.port, "198.51.100.1") != 429
        assert sign_in_status(server.port, "198.51.100.2") == 429


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket(tmp_path: Path) -> None:
    with gateway(tmp_path, GATEWAY_TRUSTED_PROXIES="127.0.0.1", **SIGN_IN_ONCE) as server:
        assert sign_in_status(server.port, "198.51.100.1") != 429
        assert sign_in_status(server.port, "6.6.6.6, 198.51.100.2") != 429
        assert sign_in_status(server.port, "198.51.100.1") == 429
        assert sign_in_status(server.port, "7.7.7.7, 198.51.100.2") == 429
