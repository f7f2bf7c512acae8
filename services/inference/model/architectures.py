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
from services.inference.model.genre_head import HeadConfig, decode, tempered_posterior
from services.inference.model.mood_head import MoodHead
from shared.features import N_FEATURES

SEED_CNN = "seed-cnn"
EFFNET_VAE = "effnet-vae"
ARCHITECTURES = (SEED_CNN, EFFNET_VAE)
LATENT_DIM = 32
LOGVAR_LIMIT = 10.0
COLOUR_STATS = 3  # brightness, saturation, warmth (transforms.colour_stats)


class VAEOutput(NamedTuple):
    """Decoded features (normalised units), the latent's mean and log-variance, the (n, h, w) attention map, and
    the genre logits (genre-decoder heads only)."""

    recon: torch.Tensor
    mu: torch.Tensor
    logvar: torch.Tensor
    attention: torch.Tensor
    logits: torch.Tensor | None = None


class VAEAttentionHead(nn.Module):
    """Spatial map -> attention -> latent -> features.

    `flatten=True` is the original's head: the attended map is flattened (positions x channels) into fc_mu, so the
    head is tied to one input size. `flatten=False` pools the map by the attention (a weighted average over
    positions), which is what lets the attention of a pretrained backbone be read as "where the model looked".
    """

    # Buffers of a genre-decoder head (declared for the type checker; registered in __init__).
    input_mean: torch.Tensor
    input_std: torch.Tensor
    centroids: torch.Tensor

    def __init__(
        self,
        *,
        channels: int,
        positions: int,
        flatten: bool,
        latent_dim: int = LATENT_DIM,
        dropout: float = 0.0,
        config: HeadConfig | None = None,
    ) -> None:
        super().__init__()
        self.config = config or HeadConfig()
        self.flatten = flatten
        self.positions = positions
        self.attention = nn.Conv2d(channels, 1, kernel_size=1)
        self.dropout = nn.Dropout(dropout)
        hidden = channels * positions if flatten else channels
        if not flatten:
            hidden += (channels if self.config.pool_std else 0) + (COLOUR_STATS if self.config.colour_inputs else 0)
        self.fc_mu = nn.Linear(hidden, latent_dim)
        self.fc_logvar = nn.Linear(hidden, latent_dim)
        if self.config.genre_decoder:
            # Pooled inputs are standardised with training-set statistics (set by the trainer, stored as buffers)
            # so one weight decay regularises every input alike; the centroids are the training genre means.
            self.register_buffer("input_mean", torch.zeros(hidden))
            self.register_buffer("input_std", torch.ones(hidden))
            self.register_buffer("centroids", torch.zeros(len(self.config.genres), N_FEATURES))
            self.classifier = nn.Linear(latent_dim, len(self.config.genres))
        else:
            self.decoder = nn.Linear(latent_dim, N_FEATURES)

    def pooled(self, fmap: torch.Tensor, stats: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Map (+ colour stats) -> (the head's input vector, the (n, h, w) attention)."""
        n, _, h, w = fmap.shape
        # The original applied Softmax(dim=2), normalising each column separately; one softmax over all h x w
        # positions is what "spatial attention" means and gives a map that sums to 1.
        weights = F.softmax(self.attention(fmap).view(n, 1, h * w), dim=-1).view(n, 1, h, w)
        if self.flatten:
            # Flattened maps are scaled by the number of positions so a uniform map leaves activations at their size.
            return (fmap * weights * (h * w)).reshape(n, -1), weights[:, 0]
        mean = (fmap * weights).sum(dim=(2, 3))
        parts = [mean]
        if self.config.pool_std:  # the attention-weighted spread of each channel: texture and contrast
            var = (fmap.pow(2) * weights).sum(dim=(2, 3)) - mean.pow(2)
            parts.append(var.clamp_min(1e-6).sqrt())
        if self.config.colour_inputs:
            if stats is None:
                raise ValueError("this head reads colour statistics: pass stats=(n, 3) brightness/saturation/warmth")
            parts.append(stats.to(fmap.dtype))
        hidden = torch.cat(parts, dim=1)
        if self.config.genre_decoder:
            hidden = (hidden - self.input_mean) / self.input_std
        return hidden, weights[:, 0]

    def encode(
        self, fmap: torch.Tensor, stats: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Map -> (mu, logvar, attention (n, h, w))."""
        hidden, attention = self.pooled(fmap, stats)
        hidden = self.dropout(hidden)
        logvar = self.fc_logvar(hidden)
        if self.config.genre_decoder:
            # Standardised inputs can be large for a channel that was nearly constant in training; bounding the
            # log-variance keeps exp() and the KL finite (the shipped model's stays within [-7, 4] on every split).
            logvar = logvar.clamp(-LOGVAR_LIMIT, LOGVAR_LIMIT)
        return self.fc_mu(hidden), logvar, attention

    def forward(
        self, fmap: torch.Tensor, *, sample: bool | None = None, stats: torch.Tensor | None = None
    ) -> VAEOutput:
        """Sample the latent while training (or when asked); use its mean otherwise.

        A genre-decoder head's `recon` is the posterior-weighted mean of the centroids at temperature 1 (what the
        loss trains); `served(out)` applies the decode rule chosen on validation.
        """
        mu, logvar, attention = self.encode(fmap, stats)
        do_sample = self.training if sample is None else sample
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if do_sample else mu
        if not self.config.genre_decoder:
            return VAEOutput(self.decoder(z), mu, logvar, attention)
        logits = self.classifier(z)
        recon = decode(torch.softmax(logits, dim=-1), self.centroids, rule="mean")
        return VAEOutput(recon, mu, logvar, attention, logits)

    def served(self, out: VAEOutput, *, config: HeadConfig | None = None) -> torch.Tensor:
        """The features a prediction reports: `out.recon`, or for a genre decoder its tempered posterior decoded by
        the chosen rule (`config` overrides the head's own, which is how the trainer tries rules on validation)."""
        cfg = config or self.config
        if out.logits is None:
            return out.recon
        return decode(tempered_posterior(out.logits, temperature=cfg.temperature), self.centroids, rule=cfg.decode)


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
        # nn.Module.__call__ is typed as returning Any: the annotations say what each forward() gives.
        spatial_map: torch.Tensor = self.encoder(images)
        return spatial_map

    def forward(self, images: torch.Tensor, *, sample: bool | None = None) -> VAEOutput:
        """Images -> VAEOutput."""
        out: VAEOutput = self.head(self.encoder(images), sample=sample)
        return out


class EffnetVAE(nn.Module):
    """The VAE-with-attention head on EfficientNet-Lite0's 7x7x1280 map (the genre look), and optionally the mood
    head on the pooled outputs of every backbone stage, both fed by one backbone pass; the backbone is frozen by
    default."""

    mood: MoodHead | None

    def __init__(
        self, *, pretrained: bool = True, frozen: bool = True, dropout: float = 0.2, head: HeadConfig | None = None
    ) -> None:
        super().__init__()
        self.backbone = Lite0Features(pretrained=pretrained, frozen=frozen)
        self.head = VAEAttentionHead(channels=LITE0_CHANNELS, positions=49, flatten=False, dropout=dropout, config=head)
        self.mood = None  # attached by `pressedplay mood fit` (or a checkpoint that has one)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Images -> the backbone's spatial map (what training caches when the backbone is frozen)."""
        spatial_map: torch.Tensor = self.backbone(images)
        return spatial_map

    def forward(
        self, images: torch.Tensor, *, sample: bool | None = None, stats: torch.Tensor | None = None
    ) -> VAEOutput:
        """Images (+ their colour stats, for a head that reads them) -> VAEOutput."""
        out: VAEOutput = self.head(self.backbone(images), sample=sample, stats=stats)
        return out


def build_model(architecture: str, *, pretrained: bool = True, head: HeadConfig | None = None) -> SeedCNN | EffnetVAE:
    """A fresh model by name; raises ValueError naming the valid architectures."""
    if architecture == SEED_CNN:
        return SeedCNN()
    if architecture == EFFNET_VAE:
        return EffnetVAE(pretrained=pretrained, head=head)
    raise ValueError(f"unknown architecture {architecture!r}; choose one of {', '.join(ARCHITECTURES)}")


def vae_loss(
    output: VAEOutput,
    targets: torch.Tensor,
    *,
    beta: float,
    genre_targets: torch.Tensor | None = None,
    genre_weight: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(total, reconstruction, KL), each summed over features/latents and averaged over the batch.

    The original summed squared error and KL with equal weight; on normalised targets that weight collapses the
    latent to the prior (every cover predicts the global mean), so KL is scaled by `beta` (chosen by measurement).
    A genre-decoder head adds `genre_weight` x the cross-entropy of its genre logits against `genre_targets`
    (class indices): total = recon + beta KL + lambda CE.
    """
    recon = F.mse_loss(output.recon, targets, reduction="none").sum(dim=1).mean()
    kl = (-0.5 * (1 + output.logvar - output.mu.pow(2) - output.logvar.exp())).sum(dim=1).mean()
    total = recon + beta * kl
    if output.logits is not None and genre_targets is not None and genre_weight > 0:
        total = total + genre_weight * F.cross_entropy(output.logits, genre_targets)
    return total, recon, kl
