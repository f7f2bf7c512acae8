"""Image -> tensor preprocessing for each architecture, and the colour statistics the mood prior reads.

torch is imported only by the methods that make tensors: the torch-free CPU image (ONNX Runtime) preprocesses with
`arrays` alone, the same arithmetic in float32.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    import torch

# The original's normalisation (ImageNet statistics) for seed-cnn; EfficientNet-Lite was trained on inputs scaled
# to [-1, 1] ((x - 127) / 128 in its TFLite reference), so it gets mean = std = 0.5.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
LITE_MEAN = (0.5, 0.5, 0.5)
LITE_STD = (0.5, 0.5, 0.5)


@dataclass(frozen=True)
class ImageTransform:
    """Squash-resize to a square and normalise; squashing (not cropping) keeps every pixel under the attention map."""

    size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]

    def pixels(self, image: Image.Image) -> np.ndarray:
        """One image -> resized (size, size, 3) uint8 pixels."""
        return np.asarray(image.convert("RGB").resize((self.size, self.size), Image.Resampling.BILINEAR))

    def from_pixels(self, pixels: torch.Tensor) -> torch.Tensor:
        """(n, 3, size, size) uint8 pixels -> the normalised float input."""
        import torch

        mean = torch.tensor(self.mean, dtype=torch.float32).view(1, 3, 1, 1)
        std = torch.tensor(self.std, dtype=torch.float32).view(1, 3, 1, 1)
        return (pixels.float() / 255.0 - mean) / std

    def __call__(self, image: Image.Image) -> torch.Tensor:
        """One image -> a (3, size, size) float tensor."""
        import torch

        chw = torch.from_numpy(self.pixels(image).transpose(2, 0, 1).copy())
        return self.from_pixels(chw.unsqueeze(0))[0]

    def batch(self, images: list[Image.Image]) -> torch.Tensor:
        """Several images -> a (n, 3, size, size) tensor."""
        import torch

        return torch.stack([self(image) for image in images])

    def arrays(self, images: list[Image.Image]) -> np.ndarray:
        """Several images -> the (n, 3, size, size) float32 input `batch` makes, in numpy (no torch)."""
        pixels = np.stack([self.pixels(image) for image in images]).transpose(0, 3, 1, 2)
        mean = np.asarray(self.mean, dtype=np.float32).reshape(1, 3, 1, 1)
        std = np.asarray(self.std, dtype=np.float32).reshape(1, 3, 1, 1)
        return np.ascontiguousarray((pixels.astype(np.float32) / np.float32(255.0) - mean) / std)

    def to_dict(self) -> dict[str, object]:
        """The settings, for the checkpoint."""
        return {"size": self.size, "mean": list(self.mean), "std": list(self.std)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ImageTransform:
        """Rebuild from checkpoint settings."""
        mean = tuple(float(v) for v in data["mean"])  # type: ignore[attr-defined]
        std = tuple(float(v) for v in data["std"])  # type: ignore[attr-defined]
        return cls(size=int(data["size"]), mean=mean, std=std)  # type: ignore[call-overload, arg-type]


def seed_cnn_transform() -> ImageTransform:
    """The original's 128x128 ImageNet-normalised input."""
    return ImageTransform(size=128, mean=IMAGENET_MEAN, std=IMAGENET_STD)


def effnet_transform() -> ImageTransform:
    """EfficientNet-Lite0's 224x224 input scaled to [-1, 1]."""
    return ImageTransform(size=224, mean=LITE_MEAN, std=LITE_STD)


@dataclass(frozen=True)
class ColourStats:
    """Mean brightness, saturation and warmth of an image, each in [0, 1] (warmth: 0 cold, 0.5 neutral, 1 warm)."""

    brightness: float
    saturation: float
    warmth: float

    def as_array(self) -> np.ndarray:
        """(brightness, saturation, warmth) as float32."""
        return np.array([self.brightness, self.saturation, self.warmth], dtype=np.float32)


def colour_stats(image: Image.Image, *, size: int = 64) -> ColourStats:
    """HSV brightness and saturation means and a saturation-weighted hue warmth, on a small copy for speed."""
    small = image.convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
    hsv = np.asarray(small.convert("HSV"), dtype=np.float32) / 255.0
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    # Warm hues (reds through yellows, centred on orange at 30 degrees) score +1, cold blues (210 degrees) -1; grey
    # pixels carry no hue, so each pixel's vote is weighted by its chroma (saturation x value).
    angle = 2.0 * np.pi * (hue - 30.0 / 360.0)
    chroma = sat * val
    warm = float((np.cos(angle) * chroma).sum() / max(float(chroma.sum()), 1e-6)) if chroma.sum() > 1e-3 else 0.0
    return ColourStats(brightness=float(val.mean()), saturation=float(sat.mean()), warmth=0.5 + 0.5 * warm)
