"""Micro-batching, the bounded queue and hot reload, driven by concurrent HTTP requests (in-process, fake model)."""

from __future__ import annotations

import asyncio
import io
import re
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import httpx
from PIL import Image
from pydantic import SecretStr

from services.inference.app import create_app
from services.inference.settings import Settings
from tests.fakes.predictor import FakePredictor, fake_loader

ADMIN = "an-admin-token-for-tests-only-123"


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "model_uri": "fake://v1",
        "admin_token": SecretStr(ADMIN),
        "workers": 1,
        "batching": True,
        "device": "cpu",
    }
    return Settings(_env_file=None, **{**values, **overrides})  # type: ignore[arg-type]


def jpeg(shade: int = 120) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (shade, 60, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@asynccontextmanager
async def serving(app_settings: Settings, predictors: dict[str, FakePredictor]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(app_settings, loader=fake_loader(predictors))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://inference", timeout=30) as client:
            while (await client.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.01)
            yield client


async def post_image(client: httpx.AsyncClient, shade: int = 120) -> httpx.Response:
    return await client.post("/v1/predict", content=jpeg(shade), headers={"Content-Type": "image/jpeg"})


async def until(condition: Callable[[], Coroutine[Any, Any, bool]], timeout_s: float = 10.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not await condition():
            await asyncio.sleep(0.005)


async def queue_depth(client: httpx.AsyncClient) -> float:
    match = re.search(r"^inference_queue_depth ([0-9.]+)$", (await client.get("/metrics")).text, re.MULTILINE)
    assert match is not None
    return float(match.group(1))


async def held_batch(model: FakePredictor) -> None:
    await until(lambda: asyncio.to_thread(model.entered.is_set))


def metric(text: str, name: str) -> float:
    match = re.search(rf"^{name} ([0-9.e+]+)$", text, re.MULTILINE)
    assert match is not None, name
    return float(match.group(1))


def test_concurrent_requests_waiting_for_the_model_share_one_batch() -> None:
    gate = threading.Event()
    model = FakePredictor(gate=gate)

    async def scenario() -> tuple[list[httpx.Response], str]:
        async with serving(settings(max_batch=8, max_wait_ms=50), {"fake://v1": model}) as client:
            first = asyncio.create_task(post_image(client))
            await held_batch(model)  # the first image is inside predict(); the next five must queue
            others = [asyncio.create_task(post_image(client, shade)) for shade in (10, 60, 110, 160, 210)]
            await until(lambda: _depth_is(client, 5))
            gate.set()
            responses = await asyncio.gather(first, *others)
            return responses, (await client.get("/metrics")).text

    responses, text = asyncio.run(scenario())
    assert all(r.status_code == 200 for r in responses)
    assert model.batches == [1, 5]
    assert metric(text, "inference_batch_size_count") == 2 and metric(text, "inference_batch_size_sum") == 6
    # each caller got the prediction of its own image, not a neighbour's
    energies = [r.json()["features"]["energy"] for r in responses[1:]]
    assert energies == sorted(energies)


async def _depth_is(client: httpx.AsyncClient, depth: int) -> bool:
    return await queue_depth(client) == depth


def test_batches_never_exceed_max_batch() -> None:
    gate = threading.Event()
    model = FakePredictor(gate=gate)

    async def scenario() -> None:
        async with serving(settings(max_batch=3, max_wait_ms=20), {"fake://v1": model}) as client:
            first = asyncio.create_task(post_image(client))
            await held_batch(model)
            rest = [asyncio.create_task(post_image(client)) for _ in range(7)]
            await until(lambda: _depth_is(client, 7))
            gate.set()
            assert all(r.status_code == 200 for r in await asyncio.gather(first, *rest))

    asyncio.run(scenario())
    assert model.batches == [1, 3, 3, 1]


def test_with_batching_off_every_image_runs_alone() -> None:
    model = FakePredictor(delay_s=0.01)

    async def scenario() -> None:
        async with serving(settings(batching=False, max_batch=8), {"fake://v1": model}) as client:
            responses = await asyncio.gather(*(post_image(client) for _ in range(6)))
            assert all(r.status_code == 200 for r in responses)

    asyncio.run(scenario())
    assert model.batches == [1] * 6


def test_full_queue_answers_503_with_retry_after() -> None:
    gate = threading.Event()
    model = FakePredictor(gate=gate)

    async def scenario() -> httpx.Response:
        async with serving(settings(queue_size=2, retry_after_s=3, max_wait_ms=0), {"fake://v1": model}) as client:
            running = asyncio.create_task(post_image(client))
            await held_batch(model)
            queued = [asyncio.create_task(post_image(client)) for _ in range(2)]
            await until(lambda: _depth_is(client, 2))
            refused = await post_image(client)
            gate.set()
            assert all(r.status_code == 200 for r in await asyncio.gather(running, *queued))
            assert metric((await client.get("/metrics")).text, "inference_rejected_total") == 1
            return refused

    refused = asyncio.run(scenario())
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "3"
    assert refused.json()["error"] == "Overloaded" and "queue is full" in refused.json()["detail"]


def test_prediction_slower_than_the_request_timeout_is_503() -> None:
    gate = threading.Event()
    model = FakePredictor(gate=gate)

    async def scenario() -> httpx.Response:
        async with serving(settings(request_timeout_s=0.2), {"fake://v1": model}) as client:
            response = await post_image(client)
            gate.set()
            return response

    response = asyncio.run(scenario())
    assert response.status_code == 503 and response.json()["error"] == "ComputeTimeout"
    assert "Retry-After" in response.headers


def test_reload_under_concurrent_load_drops_no_request() -> None:
    old, new = FakePredictor(version="fake-1", delay_s=0.005), FakePredictor(version="fake-2", delay_s=0.005)

    async def scenario() -> tuple[list[httpx.Response], httpx.Response]:
        async with serving(
            settings(max_batch=4, max_wait_ms=2, queue_size=128), {"fake://v1": old, "fake://v2": new}
        ) as client:
            load = [asyncio.create_task(post_image(client, shade % 255)) for shade in range(60)]
            await asyncio.sleep(0.02)
            auth = {"Authorization": f"Bearer {ADMIN}"}
            reload = await client.post("/v1/model/reload", json={"uri": "fake://v2"}, headers=auth)
            load += [asyncio.create_task(post_image(client)) for _ in range(20)]
            return await asyncio.gather(*load), reload

    responses, reload = asyncio.run(scenario())
    assert reload.status_code == 200
    assert [r.status_code for r in responses] == [200] * 80
    versions = [r.json()["model_version"] for r in responses]
    assert set(versions) <= {"fake-1", "fake-2"} and versions[-20:] == ["fake-2"] * 20


def test_batch_running_during_a_reload_finishes_on_the_old_model() -> None:
    gate = threading.Event()
    old, new = FakePredictor(version="fake-1", gate=gate), FakePredictor(version="fake-2")

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        async with serving(settings(), {"fake://v1": old, "fake://v2": new}) as client:
            in_flight = asyncio.create_task(post_image(client))
            await held_batch(old)
            auth = {"Authorization": f"Bearer {ADMIN}"}
            assert (await client.post("/v1/model/reload", json={"uri": "fake://v2"}, headers=auth)).status_code == 200
            gate.set()
            return await in_flight, await post_image(client)

    during, after = asyncio.run(scenario())
    assert during.json()["model_version"] == "fake-1" and after.json()["model_version"] == "fake-2"


def test_images_still_queued_at_shutdown_get_503_instead_of_hanging() -> None:
    gate = threading.Event()
    model = FakePredictor(gate=gate)

    async def scenario() -> tuple[httpx.Response, list[httpx.Response]]:
        app = create_app(settings(max_wait_ms=0), loader=fake_loader({"fake://v1": model}))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://inference", timeout=30) as client:
                while (await client.get("/readyz")).status_code != 200:
                    await asyncio.sleep(0.01)
                running = asyncio.create_task(post_image(client))
                await held_batch(model)
                queued = [asyncio.create_task(post_image(client)) for _ in range(2)]
                await until(lambda: _depth_is(client, 2))
                stopping = asyncio.create_task(app.state.runtime.stop())
                refused = await asyncio.gather(*queued)
                gate.set()
                await stopping
                return await running, refused

    finished, refused = asyncio.run(scenario())
    assert finished.status_code == 200  # the batch already running completes
    assert [(r.status_code, r.json()["error"]) for r in refused] == [(503, "NotReady")] * 2
