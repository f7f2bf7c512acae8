"""The served graph as a torch module, its ONNX export, and packing a checkpoint (needs torch and onnx).

Graph: (images (n, 3, 224, 224) normalised, colour stats (n, 3)) -> the outputs `ServedGraph.OUTPUTS` names, today
(genre look (n, g), attention: the mood's heat map (n, 28, 28; mood_map.py), mood (n, 2)); the feature mapping
runs after it in numpy on every path (prediction.py). The output names are declared here once, beside `forward`,
and read back from the graph by whoever runs it (onnx_graph.py), so a new output needs an edit here only.

`pack` writes a checkpoint's graph beside it with the metadata a torch-free server needs (packed.py): what
`pressedplay model pack`, the model store's publish and the image build's pack stage call.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from pathlib import Path
from typing import ClassVar

import torch
from torch import nn

from services.inference.model.architectures import EffnetVAE
from services.inference.model.checkpoint import Checkpoint, load_checkpoint
from services.inference.model.mood_map import mood_map
from services.inference.model.packed import PackedModelInfo, packed_uri

log = logging.getLogger("pressedplay.inference.onnx")

OPSET = 17


class ServedGraph(nn.Module):
    """The part of the model that runs per photo, as one module with plain tensor inputs and outputs."""

    INPUTS: ClassVar[tuple[str, ...]] = ("images", "stats")
    OUTPUTS: ClassVar[tuple[str, ...]] = ("look", "attention", "mood")

    def __init__(self, model: EffnetVAE) -> None:
        super().__init__()
        if model.mood is None or not model.head.config.genre_decoder:
            raise ValueError("only a checkpoint with a mood head and a genre-look head has a served graph")
        self.backbone, self.head, self.mood = model.backbone, model.head, model.mood

    def forward(self, images: torch.Tensor, stats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Images + colour stats -> (genre look, the mood's heat map, mood), the latent's mean (no sampling)."""
        maps = self.backbone.stage_maps(images)
        out = self.head(maps[-1], stats=stats, sample=False)
        assert out.logits is not None  # a genre-look head always has logits
        mood, heat = mood_map(self.mood, maps)
        return torch.softmax(out.logits, dim=-1), heat, mood


# The names bench/ and older callers import.
INPUTS, OUTPUTS = ServedGraph.INPUTS, ServedGraph.OUTPUTS


def export(model: EffnetVAE, path: Path, *, image_size: int = 224, metadata: dict[str, str] | None = None) -> Path:
    """Write the served graph as ONNX (batch size dynamic), with `metadata` in the file's custom metadata; atomic,
    so a crash never leaves half a file."""
    graph = ServedGraph(model).eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    images, stats = torch.zeros(2, 3, image_size, image_size), torch.full((2, 3), 0.5)
    dynamic = {name: {0: "n"} for name in (*graph.INPUTS, *graph.OUTPUTS)}
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".onnx.tmp", delete=False) as handle:
        temp = Path(handle.name)
    try:
        # The TorchScript exporter warns about constant folding and shape inference it cannot do on this graph;
        # harmless (the test compares the outputs), and noise in a service's log.
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(graph, (images, stats), str(temp), input_names=list(graph.INPUTS),
                              output_names=list(graph.OUTPUTS), dynamic_axes=dynamic, opset_version=OPSET,
                              dynamo=False)  # fmt: skip
        if metadata:
            _add_metadata(temp, metadata)
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def _add_metadata(path: Path, metadata: dict[str, str]) -> None:
    import onnx

    proto = onnx.load(str(path))
    for key, value in metadata.items():
        proto.metadata_props.add(key=key, value=value)
    onnx.save(proto, str(path))


def packed_info(checkpoint: Checkpoint, model: EffnetVAE) -> PackedModelInfo:
    """What a torch-free server needs around the graph, from the checkpoint and its model."""
    if checkpoint.feature_mapping is None or not checkpoint.version:
        raise ValueError("only a versioned checkpoint with a feature mapping can be packed")
    return PackedModelInfo(
        version=checkpoint.version,
        architecture=checkpoint.architecture,
        created_at=checkpoint.created_at,
        transform=checkpoint.transform,
        genres=model.head.config.genres,
        centroids=model.head.centroids.detach().float().cpu().numpy(),
        feature_mapping=checkpoint.feature_mapping,
    )


def pack(checkpoint_uri: str | Path, out: Path | None = None) -> Path:
    """Export a (local or s3://) checkpoint's served graph with its metadata; default beside a local checkpoint."""
    checkpoint = load_checkpoint(checkpoint_uri)
    model = checkpoint.build()
    if not isinstance(model, EffnetVAE):
        raise ValueError(f"{checkpoint_uri}: a {checkpoint.architecture} checkpoint has no served graph")
    target = out or Path(packed_uri(checkpoint_uri))
    export(model, target, metadata=packed_info(checkpoint, model).to_metadata())
    log.info("model.packed", extra={"version": checkpoint.version, "path": str(target)})
    return target
