"""The CPU paths `python -m bench backends` compares, each one callable: a preprocessed batch in, outputs out.

A path takes (images (n, 3, 224, 224) normalised, colour stats (n, 3)) and returns (features (n, 8) normalised, mood
(n, 2) on the 1-9 scale, genre look (n, g)): the served graph (onnx_graph.ServedGraph) run one way, then the
checkpoint's feature mapping in numpy, as the service does. Every path pins its intra-op threads to `threads`.

The int8 paths are calibrated on generated scenes only (`generated_scenes`), so a clone without ../shared/data
builds the same graphs.
"""

from __future__ import annotations

import copy
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageEnhance

from pipeline.mood.scenes import night_street, sunset, variants
from services.inference.model.architectures import EffnetVAE
from services.inference.model.onnx_graph import OnnxGraph
from services.inference.model.predictor import Predictor
from services.inference.model.served_graph import INPUTS, OUTPUTS, ServedGraph, export
from services.inference.model.transforms import colour_stats

Outputs = tuple[np.ndarray, np.ndarray, np.ndarray]
Run = Callable[[np.ndarray, np.ndarray], Outputs]
Raw = Callable[[np.ndarray, np.ndarray], list[np.ndarray]]
# Node-name prefixes of the exported graph kept in fp32 by the "mixed" int8 variant: the heads (tiny, and what the
# metrics read), the stem, the first block and the conv head (the layers whose int8 error moved the genre look most).
HEADS = ("/mood", "/head", "/Softmax", "/Concat", "/ReduceMean")
EDGES = ("/_conv_stem", "/_blocks.0/", "/_conv_head")


def generated_scenes(count: int, *, seed: int) -> list[Image.Image]:
    """Photo-like scenes the repository can make: random skies, shapes, noise and lighting, plus pipeline/mood's
    sunset and night street with their vivid / dull variants."""
    rng = np.random.default_rng(seed)
    fixed = [sunset(), night_street()]
    fixed += [v for image in list(fixed) for v in variants(image).values()]
    out = fixed[:count]
    size = 256
    while len(out) < count:
        top, bottom = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        y = np.linspace(0, 1, size)[:, None, None]
        image = Image.fromarray((top + (bottom - top) * y).astype(np.uint8) * np.ones((1, size, 1), np.uint8))
        draw = ImageDraw.Draw(image)
        for _ in range(int(rng.integers(3, 40))):
            x0, y0 = (int(v) for v in rng.integers(0, size, 2))
            w, h = (int(v) for v in rng.integers(5, size // 2, 2))
            shape = draw.ellipse if rng.random() < 0.3 else draw.rectangle
            shape((x0, y0, x0 + w, y0 + h), fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
        noisy = np.asarray(image, np.float32) + rng.normal(0, rng.uniform(0, 12), (size, size, 3))
        image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
        image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.4, 1.5))
        out.append(ImageEnhance.Color(image).enhance(rng.uniform(0.3, 1.7)))
    return out


def model_inputs(predictor: Predictor, images: list[Image.Image]) -> tuple[np.ndarray, np.ndarray]:
    """Photos -> (normalised image batch, colour stats), as Predictor.outputs prepares them."""
    batch = predictor.checkpoint.transform.batch(images).numpy()
    return batch, np.stack([colour_stats(image).as_array() for image in images]).astype(np.float32)


def with_mapping(predictor: Predictor, raw: Raw) -> Run:
    """A raw (look, attention, mood) runner -> a path that also composes the served features."""
    mapping = predictor.checkpoint.feature_mapping
    assert mapping is not None and isinstance(predictor.model, EffnetVAE)
    centroids = predictor.model.head.centroids.float().cpu().numpy()

    def run(images: np.ndarray, stats: np.ndarray) -> Outputs:
        look, _, mood = raw(images, stats)
        return np.clip(mapping.compose(look @ centroids, mood), 0.0, 1.0), mood, look

    return run


def torch_path(predictor: Predictor, *, channels_last: bool = False, compiled: bool = False) -> Raw:
    """Eager PyTorch (optionally channels_last), or torch.compile's inductor over the same module."""
    assert isinstance(predictor.model, EffnetVAE)
    graph = ServedGraph(copy.deepcopy(predictor.model)).eval()
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    graph = graph.to(memory_format=fmt)
    module: Callable[..., tuple[torch.Tensor, ...]] = torch.compile(graph, dynamic=False) if compiled else graph

    def run(images: np.ndarray, stats: np.ndarray) -> list[np.ndarray]:
        with torch.inference_mode():
            batch = torch.from_numpy(images).contiguous(memory_format=fmt)
            return [t.float().numpy() for t in module(batch, torch.from_numpy(stats))]

    return run


def ort_path(path: Path, *, threads: int) -> Raw:
    """ONNX Runtime as the service configures it (onnx_graph.OnnxGraph), threads pinned."""
    session = OnnxGraph(path, threads=threads).session
    return lambda images, stats: session.run(list(OUTPUTS), {"images": images, "stats": stats})


def openvino_path(path: Path, *, threads: int, precision: str) -> Raw:
    """OpenVINO's CPU plugin on the same ONNX file; `precision` f32 or bf16 (its inference precision hint)."""
    import openvino

    core = openvino.Core()
    config = {"INFERENCE_NUM_THREADS": threads, "INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "LATENCY"}
    compiled = core.compile_model(core.read_model(str(path)), "CPU", config)
    request = compiled.create_infer_request()

    def run(images: np.ndarray, stats: np.ndarray) -> list[np.ndarray]:
        result = request.infer({"images": images, "stats": stats})
        return [np.array(result[compiled.output(name)]) for name in OUTPUTS]

    return run


def export_fp32(predictor: Predictor, folder: Path) -> Path:
    """The served graph as ONNX, as the service exports it."""
    assert isinstance(predictor.model, EffnetVAE)
    return export(predictor.model, folder / "fp32.onnx")


def quantise_int8(
    predictor: Predictor, fp32: Path, out: Path, *, calibration: list[Image.Image], keep_fp32: tuple[str, ...]
) -> Path:
    """Static QDQ int8 (per-channel int8 weights, uint8 activations, min-max calibration on `calibration`), with
    the nodes whose names start with `keep_fp32` left in fp32."""
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    batches = [model_inputs(predictor, calibration[i : i + 16]) for i in range(0, len(calibration), 16)]

    class Reader(CalibrationDataReader):  # type: ignore[misc]  # onnxruntime is untyped
        def __init__(self) -> None:
            self.batches = iter(batches)

        def get_next(self) -> dict[str, np.ndarray] | None:
            batch = next(self.batches, None)
            return None if batch is None else dict(zip(INPUTS, batch, strict=True))

    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepared = Path(folder) / "prepared.onnx"
        quant_pre_process(str(fp32), str(prepared))
        names = [node.name for node in onnx.load(str(prepared)).graph.node]
        quantize_static(
            str(prepared), str(out), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
            nodes_to_exclude=[name for name in names if name.startswith(keep_fp32)],
        )  # fmt: skip
    return out
