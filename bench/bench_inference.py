"""Inference service throughput and latency with and without micro-batching, on this machine's CPU (or GPU).

    python -m bench inference
    PRESSEDPLAY_BENCH_IMAGES=96 python -m bench inference   # more images per run (steadier numbers)

Serves the default architecture (effnet-vae: frozen EfficientNet-Lite0 + VAE attention head) through the real app
(create_app, decode pool, batcher, thread pool) over an in-process ASGI transport, so it measures the service minus
sockets. It uses models/effnet-vae.pt when present, else an untrained checkpoint of the same architecture (same
compute). For each concurrency level, `clients` callers send photos back to back. Writes the `inference` section of
bench/RESULTS.md; the batching default (docs/services-inference.md) follows these numbers.
"""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
from PIL import Image

from bench.results import machine_line, write_section
from services.inference.app import create_app
from services.inference.settings import Settings
from shared.paths import REPO_ROOT

CONCURRENCY = (1, 4, 8)
CONFIGS: tuple[tuple[str, dict[str, object]], ...] = (
    ("off", {"batching": False}),
    ("on (max_batch 8, max_wait 5 ms)", {"batching": True, "max_batch": 8, "max_wait_ms": 5.0}),
    # No fixed wait: a batch is whatever queued while the worker was busy (nothing is delayed at low load).
    ("on (max_batch 8, max_wait 0 ms)", {"batching": True, "max_batch": 8, "max_wait_ms": 0.0}),
)


def _photos(count: int) -> list[bytes]:
    rng = np.random.default_rng(0)
    out = []
    for _ in range(count):
        buffer = io.BytesIO()
        Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)).save(buffer, "JPEG", quality=85)
        out.append(buffer.getvalue())
    return out


def _checkpoint(folder: Path) -> Path:
    shipped = REPO_ROOT / "models" / "effnet-vae.pt"
    if shipped.is_file():
        return shipped
    import torch

    from services.inference.model.architectures import build_model
    from services.inference.model.checkpoint import Checkpoint, model_state, save_checkpoint, stamp_version
    from services.inference.model.transforms import effnet_transform

    torch.manual_seed(0)
    model = build_model("effnet-vae", pretrained=False)
    checkpoint = stamp_version(Checkpoint("effnet-vae", model_state(model), effnet_transform()))
    return save_checkpoint(checkpoint, folder / "effnet-vae-untrained.pt")


async def _run(model: Path, overrides: dict[str, object], clients: int, photos: list[bytes]) -> dict[str, float]:
    settings = Settings(_env_file=None, model_uri=str(model), queue_size=256, **overrides)  # type: ignore[call-arg, arg-type]
    app = create_app(settings)
    latencies: list[float] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=120) as client:
            while (await client.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.05)
            # Warm-up: the first calls (per batch shape) are many times slower while kernels are set up.
            warm = [client.post("/v1/predict", content=p, headers={"Content-Type": "image/jpeg"}) for p in photos[:8]]
            await asyncio.gather(*warm)
            for photo in photos[:4]:
                await client.post("/v1/predict", content=photo, headers={"Content-Type": "image/jpeg"})

            async def caller(share: list[bytes]) -> None:
                for photo in share:
                    started = time.perf_counter()
                    response = await client.post("/v1/predict", content=photo, headers={"Content-Type": "image/jpeg"})
                    response.raise_for_status()
                    latencies.append(time.perf_counter() - started)

            started = time.perf_counter()
            await asyncio.gather(*(caller(photos[i::clients]) for i in range(clients)))
            elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {"rate": len(latencies) / elapsed, "p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95))}


def _model_scaling(model: Path, photos: list[bytes], *, repeats: int, sizes: tuple[int, ...]) -> list[str]:
    """Model time per image by backend and batch size, best of `repeats` (the minimum is what a busy machine cannot
    inflate); eager PyTorch against ONNX Runtime, the service's CPU default."""
    from services.inference.model.image_io import decode_image
    from services.inference.model.predictor import Predictor

    images = [decode_image(photo) for photo in photos]
    sizes = tuple(size for size in sizes if size <= len(images))
    rows = []
    for backend in ("eager", "onnx"):
        try:
            predictor = Predictor.load(model, backend=backend)
        except ValueError as exc:  # no onnxruntime, or a checkpoint without a mood head
            rows.append(f"| {backend} | - | unavailable: {exc} | |")
            continue
        for size in sizes:  # the first calls at each batch shape are many times slower (kernels being set up)
            for _ in range(2):
                predictor.predict(images[:size])
        best = dict.fromkeys(sizes, float("inf"))
        for _ in range(repeats):  # sizes interleaved, so a burst of load elsewhere cannot favour one of them
            for size in sizes:
                started = time.perf_counter()
                predictor.predict(images[:size])
                best[size] = min(best[size], time.perf_counter() - started)
        for size in sizes:
            per_image = best[size] / size * 1000
            ran = f"{predictor.backend} on {predictor.device}"  # asked for onnx on a GPU, it runs eager on CUDA
            rows.append(f"| {ran} | {size} | {per_image:.1f} | {1000 / per_image:.1f} |")
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    """Measure every (batching, concurrency) pair, print the table and write it into bench/RESULTS.md."""
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    # A GPU is measured where it fills: batches of 64 and 256 (the issue's GPU sizes).
    sizes = (1, 64, 256) if device == "cuda" else (1, 8, 32)
    count = int(os.environ.get("PRESSEDPLAY_BENCH_IMAGES", str(max(sizes))))
    rounds = int(os.environ.get("PRESSEDPLAY_BENCH_ROUNDS", "3"))
    photos = _photos(count)
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        model = _checkpoint(Path(folder))
        with ThreadPoolExecutor(1) as pool:  # a pool thread, as the service runs the model
            scaling = pool.submit(_model_scaling, model, photos, repeats=5, sizes=sizes).result()
        # Rounds interleave the configurations, so a neighbour's load on a shared machine hits both alike.
        for _ in range(rounds):
            for clients in CONCURRENCY:
                for label, overrides in CONFIGS:
                    result = asyncio.run(_run(model, overrides, clients, photos))
                    results.setdefault((label, clients), []).append(result)
                    print(label, clients, {k: round(v, 1) for k, v in result.items()}, flush=True)
    rows = []
    for label, _ in CONFIGS:
        for clients in CONCURRENCY:
            runs = results[(label, clients)]
            rate, p50, p95 = (float(np.median([r[key] for r in runs])) for key in ("rate", "p50", "p95"))
            rows.append(f"| {label} | {clients} | {rate:.1f} | {p50:.0f} | {p95:.0f} |")
    table = "\n".join(
        [
            "## Inference service: the model alone and through the service",
            "",
            machine_line(device) + f" torch threads {torch.get_num_threads()}.",
            f"Command: `python -m bench inference`. {count} photos of 640x480 JPEG per run, median of {rounds}",
            f"interleaved rounds; model: {model.name}.",
            "",
            "Model alone (Predictor.predict on decoded photos: preprocessing, the model, the feature mapping), best of",
            "interleaved runs:",
            "",
            "| backend | batch size | ms per image | images/s |",
            "|---|---|---|---|",
            *scaling,
            "",
            "Through the service (decode, queue, batcher, pool), median of the rounds:",
            "",
            "| batching | concurrent clients | images/s | p50 ms | p95 ms |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    write_section("inference", table)
    print(table)
