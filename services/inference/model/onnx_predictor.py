"""`OnnxPredictor`: a packed model (packed.py) served by ONNX Runtime alone, without PyTorch: the CPU image's
predictor. It answers exactly as `Predictor` does on its ONNX path (same preprocessing in float32, same graph, same
feature composition: prediction.py); only sampling the VAE latent needs PyTorch's image."""

from __future__ import annotations

import numpy as np
from PIL import Image

from services.inference.adapters.storage import fetch_artifact
from services.inference.model.onnx_graph import OnnxGraph
from services.inference.model.packed import InvalidPackedModel, PackedModelInfo, packed_uri
from services.inference.model.prediction import (
    READ_OUTPUTS,
    BatchOutputs,
    Prediction,
    composed_outputs,
    predictions,
)
from services.inference.model.transforms import colour_stats
from shared.errors import InvalidInput


class SamplingNeedsTorch(InvalidInput):
    """`sample=true` draws from the VAE latent, which only the PyTorch image can do (422)."""


SAMPLING_NEEDS_TORCH = "sampling the latent needs the PyTorch (GPU) image; this one serves its mean"


class OnnxPredictor:
    """A packed model ready to predict on the CPU; build with `OnnxPredictor.load(uri)`."""

    device = "cpu"
    backend = "onnx"
    can_sample = False

    def __init__(self, graph: OnnxGraph, info: PackedModelInfo) -> None:
        missing = [name for name in READ_OUTPUTS if name not in graph.output_names]
        if missing:
            raise InvalidPackedModel(f"{graph.path} has no output {missing} (outputs: {list(graph.output_names)})")
        self.graph = graph
        self.info = info
        self.version = info.version

    @classmethod
    def load(cls, uri: str, *, threads: int | None = None) -> OnnxPredictor:
        """The packed graph of a checkpoint URI (local or s3://; `x.pt` reads `x.onnx`), or an `.onnx` URI itself;
        ArtifactNotFound (404) when it was never packed, InvalidPackedModel (422) for a file that is not one."""
        path = fetch_artifact(packed_uri(uri))
        try:
            graph = OnnxGraph(path, threads=threads)
        except Exception as exc:  # onnxruntime raises its own types for a file that is not a model
            raise InvalidPackedModel(f"{packed_uri(uri)} could not be opened as an ONNX graph: {exc}"[:500]) from exc
        return cls(graph, PackedModelInfo.from_metadata(graph.metadata, source=packed_uri(uri)))

    @property
    def architecture(self) -> str:
        """The packed checkpoint's architecture."""
        return self.info.architecture

    @property
    def genres(self) -> tuple[str, ...]:
        """The cover genres of the genre look, in the order of its probabilities."""
        return self.info.genres

    def outputs(self, images: list[Image.Image]) -> BatchOutputs:
        """Photos -> features, attention, mood and genre look, from one run of the graph."""
        batch = self.info.transform.arrays(images)
        stats = np.stack([colour_stats(image).as_array() for image in images])
        named = self.graph.run(batch, stats)
        return composed_outputs(named, centroids=self.info.centroids, mapping=self.info.feature_mapping)

    def predict(
        self, images: list[Image.Image], *, with_attention: bool = False, sample: bool = False
    ) -> list[Prediction]:
        """Photos -> one Prediction each (the latent's mean)."""
        if sample:
            raise SamplingNeedsTorch(SAMPLING_NEEDS_TORCH)
        if not images:
            return []
        return predictions(
            self.outputs(images), version=self.version, genres=self.genres, with_attention=with_attention
        )
