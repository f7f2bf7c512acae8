"""The genre-aware decoder of effnet-vae's head: latent -> genre posterior -> features built from genre centroids.

Why: the dataset pairs each cover with tracks drawn at random from its genre's pool, so all a cover can tell about
its tracks is its genre. A linear decoder trained with squared error learns the posterior-weighted mean of the genre
centroids, which under uncertainty collapses towards the most central genre (Pop). Here the latent feeds a genre
classifier (trained with cross-entropy beside the VAE loss), and the features are decoded from its posterior:

- while training, and with `decode="mean"`, the posterior-weighted mean of the centroids (the squared-error optimum);
- with `decode="median"`, per feature the posterior-weighted median of the centroids: the optimum for absolute
  error, which is what the held-out MAE metrics score; it commits to a genre's value once that genre holds half the
  posterior mass on that feature instead of averaging every genre in.

A temperature T sharpens (T < 1) or flattens the posterior before decoding; T and the rule are chosen on the
validation split after training (`pipeline/training/train.py`) and stored in the checkpoint's `head` entry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import torch

DECODE_RULES = ("mean", "median")


@dataclass(frozen=True)
class HeadConfig:
    """How the head is built and decoded; the default is the original linear-decoder head."""

    genres: tuple[str, ...] = ()
    pool_std: bool = False
    colour_inputs: bool = False
    decode: str = "mean"
    temperature: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def genre_decoder(self) -> bool:
        """True when features are decoded from a genre posterior rather than by a linear layer."""
        return bool(self.genres)

    def to_dict(self) -> dict[str, Any]:
        """For the checkpoint (plain values)."""
        data = asdict(self)
        data["genres"] = list(self.genres)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> HeadConfig:
        """From checkpoint metadata; None (checkpoints from before this field) gives the linear head."""
        if not data:
            return cls()
        decode = str(data.get("decode", "mean"))
        if decode not in DECODE_RULES:
            raise ValueError(f"unknown decode rule {decode!r}; choose one of {', '.join(DECODE_RULES)}")
        return cls(
            genres=tuple(str(g) for g in data.get("genres", [])),
            pool_std=bool(data.get("pool_std", False)),
            colour_inputs=bool(data.get("colour_inputs", False)),
            decode=decode,
            temperature=float(data.get("temperature", 1.0)),
            extra=dict(data.get("extra", {})),
        )


def tempered_posterior(logits: torch.Tensor, *, temperature: float) -> torch.Tensor:
    """softmax(logits / T): T < 1 sharpens, T > 1 flattens."""
    return torch.softmax(logits / max(temperature, 1e-3), dim=-1)


def mixture_decode(posterior: torch.Tensor, centroids: torch.Tensor) -> torch.Tensor:
    """(n, g) posterior x (g, f) centroids -> (n, f) posterior-weighted mean."""
    return posterior @ centroids


def median_decode(posterior: torch.Tensor, centroids: torch.Tensor) -> torch.Tensor:
    """Per feature, the posterior-weighted median of the g centroid values (the absolute-error optimum)."""
    order = centroids.argsort(dim=0)  # (g, f): genres sorted by their value of each feature
    weights = posterior[:, order]  # (n, g, f): each genre's mass, in that feature's order
    first_half = (weights.cumsum(dim=1) >= 0.5).float().argmax(dim=1)  # (n, f): rank holding the median
    genre = order.gather(0, first_half)  # (n, f): the genre at that rank (gather's index may have any length n)
    return centroids.gather(0, genre)


def decode(posterior: torch.Tensor, centroids: torch.Tensor, *, rule: str) -> torch.Tensor:
    """Features from a genre posterior by `rule` ("mean" or "median")."""
    if rule == "median":
        return median_decode(posterior, centroids)
    return mixture_decode(posterior, centroids)
