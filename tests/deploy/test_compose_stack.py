"""The Compose stack built and run for real (`make test-compose`), driven through the published gateway alone: a
photo becomes the playlist `make run` makes of it, a rating lands in the DynamoDB container, the page and /docs
answer as configured, a crashed container comes back healthy, Redis and `down` keep what they should, `down -v`
leaves nothing. The images are held to their budgets. Where no image registry answers, the local stand-ins
(deploy/local-images/) are built and used through docker-compose.local.yml.

The tests run in file order on one stack; each leaves it healthy for the next. Marked `compose`: `make test`
leaves them out (they build images); docs/deploy.md says when CI runs them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.deploy.compose_project import (
    SERVICES,
    ComposeProject,
    build_local_images,
    docker,
    engine_answers,
    registry_answers,
)
from tests.e2e.test_playlist_flow import assert_envelope, sunset_photo
from tests.servers.stack import Stack

pytestmark = [pytest.mark.compose, pytest.mark.timeout(3600)]

MB = 1000**2  # as `docker images` counts
# Prints what a runtime image must not carry: a C compiler, pip.
TOOLING = "import importlib.util as u, shutil as s; print([t for t in ('gcc', 'cc') if s.which(t)], u.find_spec('pip'))"
BUDGETS_MB = {"gateway": 450, "playlist": 450, "feedback": 450, "inference": 900}
PHOTO = {"image": ("sunset.jpg", sunset_photo(), "image/jpeg")}


@pytest.fixture(scope="module")
def project() -> Iterator[ComposeProject]:
    if not engine_answers():
        pytest.skip("no Docker engine answers: `make test-compose` starts one (scripts/docker-engine.sh)")
    local = not registry_answers()
    if local:
        build_local_images()
    stack = ComposeProject.create(local_images=local)
    stack.compose("down", "-v", "--remove-orphans")  # whatever a failed run left
    try:
        stack.timed("build", "build")
        stack.timed("up_to_healthy", "up", "--detach", "--wait", "--wait-timeout", "600")
        yield stack
    finally:
        stack.record({"images_mb": image_sizes(stack)})
        stack.compose("down", "-v", "--remove-orphans", check=False)


@pytest.fixture(scope="module")
def client(project: ComposeProject) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=project.gateway, timeout=120) as http:
        yield http


def image_sizes(project: ComposeProject) -> dict[str, float]:
    sizes = {}
    for service in (*SERVICES, "models-upload"):
        found = docker("image", "inspect", "-f", "{{.Size}}", project.image(service), check=False)
        if found.returncode == 0:
            sizes[service] = round(int(found.stdout) / MB, 1)
    return sizes


def run_in_image(image: str, script: str) -> str:
    """A Python one-liner in a fresh container of the image; its stdout."""
    return docker("run", "--rm", "--entrypoint", "python", image, "-c", script).stdout.strip()


def make_playlist(client: httpx.Client) -> dict[str, Any]:
    made = client.post("/v1/playlists", files=PHOTO, data={"n": "5"})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def test_the_images_are_slim_non_root_and_within_their_budgets(project: ComposeProject) -> None:
    sizes = image_sizes(project)
    over = {name: size for name, size in sizes.items() if name in BUDGETS_MB and size > BUDGETS_MB[name]}
    assert not over, f"images over budget (MB): {over}; budgets {BUDGETS_MB}"
    inference = project.image("inference")
    assert run_in_image(inference, "import importlib.util as u; print(u.find_spec('torch'))") == "None"
    for service in SERVICES:
        image = project.image(service)
        assert run_in_image(image, TOOLING) == "[] None", f"{service}: a compiler or pip in the runtime image"
        config = project.inspect(service)
        assert config["Config"]["User"] == "10001:10001", service
        assert config["HostConfig"]["ReadonlyRootfs"] is True, service


def test_a_photo_becomes_the_playlist_make_run_makes_of_it(client: httpx.Client, stack: Stack) -> None:
    ours = make_playlist(client)
    with httpx.Client(base_url=stack.gateway, timeout=120) as local:
        theirs = local.post("/v1/playlists", files=PHOTO, data={"n": "5"}).json()
    assert ours["tracks"] and ours["genre_look"] and ours["model_version"] == theirs["model_version"]
    for name, value in theirs["features"].items():
        assert ours["features"][name] == pytest.approx(value, abs=1e-4), name
    for name, value in theirs["mood"].items():
        assert ours["mood"][name] == pytest.approx(value, abs=1e-4), name


def test_a_rating_is_stored_in_the_dynamodb_container_and_read_back(
    client: httpx.Client, project: ComposeProject
) -> None:
    playlist = make_playlist(client)
    rated = client.post(f"/v1/playlists/{playlist['id']}/feedback", json={"rating": 1})
    assert rated.status_code == 201, rated.text  # stored, not queued in the outbox
    mine = client.get("/v1/me/ratings").json()
    assert playlist["id"] in {r["playlist_id"] for r in mine["ratings"]}
    scan = (
        "import boto3, os; t = boto3.resource('dynamodb', endpoint_url=os.environ['FEEDBACK_DYNAMODB_ENDPOINT_URL'])"
        ".Table('pressedplay-ratings'); print(sorted({i['playlist_id'] for i in t.scan()['Items']}))"
    )
    in_table = project.compose("exec", "-T", "feedback", "python", "-c", scan).stdout
    assert playlist["id"] in in_table


def test_the_page_and_the_docs_answer_as_configured(client: httpx.Client, project: ComposeProject) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert client.get("/docs").status_code == 401  # production: the docs need the ops token
    authorised = client.get("/docs", headers={"Authorization": f"Bearer {project.env['GATEWAY_OPS_TOKEN']}"})
    assert authorised.status_code == 200 and "swagger" in authorised.text.lower()


@pytest.mark.parametrize("service", SERVICES)
def test_a_crashed_service_container_comes_back_healthy_and_loses_no_request(
    service: str, client: httpx.Client, project: ComposeProject
) -> None:
    restarts = project.crash(service)
    deadline = time.monotonic() + 60
    while project.inspect(service)["RestartCount"] == restarts:
        assert time.monotonic() < deadline, f"{service} was not restarted by its restart policy"
        time.sleep(0.5)
    project.wait_healthy(service)
    project.wait_healthy("gateway")
    for _ in range(3):
        playlist = make_playlist(client)
        rated = client.post(f"/v1/playlists/{playlist['id']}/feedback", json={"rating": -1})
        assert rated.status_code == 201, rated.text


def test_a_redis_restart_keeps_a_playlist(client: httpx.Client, project: ComposeProject) -> None:
    playlist = make_playlist(client)
    project.compose("restart", "redis")
    project.wait_healthy("redis")
    kept = client.get(f"/v1/playlists/{playlist['id']}")
    assert kept.status_code == 200, kept.text
    assert [t["id"] for t in kept.json()["tracks"]] == [t["id"] for t in playlist["tracks"]]


def test_a_wrong_model_uri_leaves_inference_unready_and_the_gateway_answers_503(
    client: httpx.Client, project: ComposeProject
) -> None:
    wrong = "s3://pressedplay-models/no-such-model.pt"
    project.compose("up", "--detach", "--no-deps", "inference", env={"INFERENCE_MODEL_URI": wrong})
    deadline = time.monotonic() + 120
    while "model.load_failed" not in (logs := project.compose("logs", "--no-color", "inference").stdout):
        assert time.monotonic() < deadline, logs[-2000:]
        time.sleep(1)
    assert "no-such-model.onnx" in logs  # the CPU image looks for the packed graph beside the named checkpoint
    answer = client.post("/v1/playlists", files=PHOTO)
    assert_envelope(answer, 503, "UpstreamUnavailable")
    project.compose("up", "--detach", "--no-deps", "--wait", "inference")
    project.wait_healthy("gateway")
    assert make_playlist(client)["tracks"]


def test_down_then_up_keeps_ratings(client: httpx.Client, project: ComposeProject) -> None:
    before = {r["playlist_id"] for r in client.get("/v1/me/ratings").json()["ratings"]}
    assert before
    project.compose("down")
    project.timed("up_again_to_healthy", "up", "--detach", "--wait", "--wait-timeout", "600")
    after = {r["playlist_id"] for r in client.get("/v1/me/ratings").json()["ratings"]}
    assert after == before


def test_down_with_volumes_leaves_nothing_behind(project: ComposeProject) -> None:
    project.compose("down", "-v", "--remove-orphans")
    assert project.leftovers() == {"containers": [], "volumes": [], "networks": []}
