"""`sample=true` on a model that cannot sample (the torch-free image's OnnxPredictor) is that request's 422 alone: it
is refused before it is queued, so it never shares a batch with other people's photos; and should it be queued
just before a reload to such a model, only its own group of the batch gets the error."""

from __future__ import annotations

import asyncio
import threading

import httpx

from tests.fakes.predictor import FakePredictor
from tests.unit.test_inference_batching import ADMIN, held_batch, jpeg, post_image, serving, settings, until
from tests.unit.test_inference_batching import _depth_is as depth_is


async def post_sample(client: httpx.AsyncClient) -> httpx.Response:
    headers = {"Content-Type": "image/jpeg"}
    return await client.post("/v1/predict", params={"sample": "true"}, content=jpeg(90), headers=headers)


def test_sample_on_a_model_that_cannot_sample_is_refused_at_once_and_fails_no_one_else() -> None:
    gate = threading.Event()
    model = FakePredictor(gate=gate, can_sample=False)

    async def scenario() -> tuple[httpx.Response, list[httpx.Response]]:
        async with serving(settings(max_batch=8, max_wait_ms=50), {"fake://v1": model}) as client:
            first = asyncio.create_task(post_image(client))
            await held_batch(model)  # the model is busy: what comes next waits in the queue
            others = [asyncio.create_task(post_image(client, shade)) for shade in (10, 110, 210)]
            await until(lambda: depth_is(client, 3))
            sampled = await post_sample(client)  # answered while the model is still held: it never queued
            gate.set()
            return sampled, await asyncio.gather(first, *others)

    sampled, others = asyncio.run(scenario())
    assert sampled.status_code == 422 and sampled.json()["error"] == "SamplingNeedsTorch"
    # before: the sample job joined the batch and every photo in it got the 422
    assert [r.status_code for r in others] == [200] * 4
    assert model.batches == [1, 3]


def test_sample_queued_before_a_reload_to_a_model_that_cannot_sample_fails_only_its_own_request() -> None:
    gate = threading.Event()
    torch_model = FakePredictor(version="fake-1", gate=gate)
    onnx_model = FakePredictor(version="fake-2", can_sample=False)

    async def scenario() -> tuple[httpx.Response, list[httpx.Response]]:
        async with serving(
            settings(max_batch=8, max_wait_ms=50), {"fake://v1": torch_model, "fake://v2": onnx_model}
        ) as client:
            first = asyncio.create_task(post_image(client))
            await held_batch(torch_model)
            sampled = asyncio.create_task(post_sample(client))  # accepted: the serving model can sample
            others = [asyncio.create_task(post_image(client, shade)) for shade in (10, 210)]
            await until(lambda: depth_is(client, 3))
            auth = {"Authorization": f"Bearer {ADMIN}"}
            assert (await client.post("/v1/model/reload", json={"uri": "fake://v2"}, headers=auth)).status_code == 200
            gate.set()  # the queued three run together on the model that cannot sample
            return await sampled, await asyncio.gather(first, *others)

    sampled, others = asyncio.run(scenario())
    assert sampled.status_code == 422 and sampled.json()["error"] == "SamplingNeedsTorch"
    assert [r.status_code for r in others] == [200] * 3
    assert [r.json()["model_version"] for r in others[1:]] == ["fake-2", "fake-2"]
