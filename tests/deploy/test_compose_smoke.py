"""The Compose smoke `.ci/run` runs (docs/deploy.md says why not the whole stack there): the gateway image built
from the repo's compose files (the local stand-in base where no image registry answers) and started alone, its
neighbours absent: alive (/healthz 200), honestly not ready (/readyz 503 in the envelope), as user 10001 on a
read-only root filesystem; `down -v` leaves nothing. A few minutes on a machine with no image layers, no PyTorch."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.deploy.compose_project import ComposeProject, build_local_images, engine_answers, registry_answers

pytestmark = [pytest.mark.compose_smoke, pytest.mark.timeout(1800)]


@pytest.fixture(scope="module")
def gateway_alone() -> Iterator[ComposeProject]:
    if not engine_answers():
        pytest.skip("no Docker engine answers: `make test-compose` starts one (scripts/docker-engine.sh)")
    local = not registry_answers()
    if local:
        build_local_images()
    project = ComposeProject.create(local_images=local)
    project.compose("down", "-v", "--remove-orphans")
    try:
        project.timed("build_gateway", "build", "gateway")
        project.compose("up", "--detach", "--no-deps", "gateway")
        yield project
    finally:
        project.record({"smoke": True})
        project.compose("down", "-v", "--remove-orphans", check=False)


def test_the_gateway_image_starts_alive_but_not_ready_without_its_neighbours(gateway_alone: ComposeProject) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            alive = httpx.get(f"{gateway_alone.gateway}/healthz", timeout=5)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the gateway never answered on its published port"
            time.sleep(1)
    assert alive.status_code == 200
    ready = httpx.get(f"{gateway_alone.gateway}/readyz", timeout=10)
    assert ready.status_code == 503 and ready.json()["status"] != "ready"
    config = gateway_alone.inspect("gateway")
    assert config["Config"]["User"] == "10001:10001" and config["HostConfig"]["ReadonlyRootfs"] is True


def test_down_with_volumes_leaves_nothing_behind(gateway_alone: ComposeProject) -> None:
    gateway_alone.compose("down", "-v", "--remove-orphans")
    assert gateway_alone.leftovers() == {"containers": [], "volumes": [], "networks": []}
