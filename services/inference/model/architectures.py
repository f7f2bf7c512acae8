"""The two image -> audio-feature models: the original `seed-cnn` and the default `effnet-vae`.

Both are a VAE with a softmax spatial attention: an encoder gives a spatial map, a 1x1 conv scores each position,
a softmax over all positions turns the scores into an attention map that sums to 1, fc_mu / fc_logvar give a 32-d
latent, and a linear decoder maps the latent to the 8 normalised features.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from services.inference.model.backbone import LITE0_CHANNELS, Lite0Features
from shared.features import N_FEATURES

SEED_CNN = "seed-cnn"
EFFNET_VAE = "effnet-vae"
ARCHITECTURES = (SEED_CNN, EFFNET_VAE)
LATENT_DIM = 32


class VAEOutput(NamedTuple):
    """Decoded features (normalised units), the latent's mean and log-variance, and the (n, h, w) attention map."""

    recon: torch.Tensor
    mu: torch.Tensor
    logvar: torch.Tensor
    attention: torch.Tensor


class VAEAttentionHead(nn.Module):
    """Spatial map -> attention -> latent -> features.

    `flatten=True` is the original's head: the attended map is flattened (positions x channels) into fc_mu, so the
    head is tied to one input size. `flatten=False` pools the map by the attention (a weighted average over
    positions), which is what lets the attention of a pretrained backbone be read as "where the model looked".
    """

    def __init__(
        self, *, channels: int, positions: int, flatten: bool, latent_dim: int = LATENT_DIM, dropout: float = 0.0
    ) -> None:
        super().__init__()
        self.flatten = flatten
        self.positions = positions
        self.attention = nn.Conv2d(channels, 1, kernel_size=1)
        self.dropout = nn.Dropout(dropout)
        hidden = channels * positions if flatten else channels
        self.fc_mu = nn.Linear(hidden, latent_dim)
        self.fc_logvar = nn.Linear(hidden, latent_dim)
        self.decoder = nn.Linear(latent_dim, N_FEATURES)

    def encode(self, fmap: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Map -> (mu, logvar, attention (n, h, w))."""
        n, _, h, w = fmap.shape
        # The original applied Softmax(dim=2), normalising each column separately; one softmax over all h x w
        # positions is what "spatial attention" means and gives a map that sums to 1.
        weights = F.softmax(self.attention(fmap).view(n, 1, h * w), dim=-1).view(n, 1, h, w)
        # Flattened maps are scaled by the number of positions so a uniform map leaves activations at their size.
        hidden = (fmap * weights * (h * w)).reshape(n, -1) if self.flatten else (fmap * weights).sum(dim=(2, 3))
        hidden = self.dropout(hidden)
        return self.fc_mu(hidden), self.fc_logvar(hidden), weights[:, 0]

    def forward(self, fmap: torch.Tensor, *, sample: bool | None = None) -> VAEOutput:
        """Sample the latent while training (or when asked); use its mean otherwise."""
        mu, logvar, attention = self.encode(fmap)
        do_sample = self.training if sample is None else sample
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if do_sample else mu
        return VAEOutput(self.decoder(z), mu, logvar, attention)


class SeedCNN(nn.Module):
    """The 2023 model: three stride-2 4x4 convs (32, 64, 128) on 128x128, flattened attended map, 32-d latent."""

    def __init__(self, *, image_size: int = 128) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(3, 32, kernel_size=4, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 64, kernel_size=4, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(64, 128, kernel_size=4, stride=2, padding=1),
            nn.ReLU(),
        )
        self.head = VAEAttentionHead(channels=128, positions=(image_size // 8) ** 2, flatten=True)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Images -> the encoder's spatial map."""
        return self.encoder(images)

    def forward(self, images: torch.Tensor, *, sample: bool | None = None) -> VAEOutput:
        """Images -> VAEOutput."""
        return self.head(self.encoder(images), sample=sample)


class EffnetVAE(nn.Module):
    """The VAE-with-attention head on EfficientNet-Lite0's 7x7x1280 map; the backbone is frozen by default."""

    def __init__(self, *, pretrained: bool = True, frozen: bool = True, dropout: float = 0.2) -> None:
        super().__init__()
        self.backbone = Lite0Features(pretrained=pretrained, frozen=frozen)
        self.head = VAEAttentionHead(channels=LITE0_CHANNELS, positions=49, flatten=False, dropout=dropout)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Images -> the backbone's spatial map (what training caches when the backbone is frozen)."""
        return self.backbone(images)

    def forward(self, images: torch.Tensor, *, sample: bool | None = None) -> VAEOutput:
        """Images -> VAEOutput."""
        return self.head(self.backbone(images), sample=sample)


def build_model(architecture: str, *, pretrained: bool = True) -> SeedCNN | EffnetVAE:
    """A fresh model by name; raises ValueError naming the valid architectures."""
    if architecture == SEED_CNN:
        return SeedCNN()
    if architecture == EFFNET_VAE:
        return EffnetVAE(pretrained=pretrained)
    raise ValueError(f"unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}")


def vae_loss(
    output: VAEOutput, targets: torch.Tensor, *, beta: float
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(total, reconstruction, KL), each summed over features/latents and averaged over the batch.

    The original summed squared error and KL with equal weight; on normalised targets that weight collapses the
    latent to the prior (every cover predicts the global mean), so KL is scaled by `beta` (chosen by measurement).
    """
    recon = F.mse_loss(output.recon, targets, reduction="none").sum(dim=1).mean()
    kl = (-0.5 * (1 + output.logvar - output.mu.pow(2) - output.logvar.exp())).sum(dim=1).mean()
    return recon + beta * kl, recon, kl
