"""effnet-vae's genre-decoder head: posterior decoding, the genre loss, colour inputs, checkpoints that keep it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from services.inference.model.architectures import VAEAttentionHead, build_model, vae_loss
from services.inference.model.checkpoint import (
    Checkpoint,
    InvalidCheckpoint,
    load_checkpoint,
    model_state,
    save_checkpoint,
)
from services.inference.model.genre_head import HeadConfig, median_decode, mixture_decode, tempered_posterior
from services.inference.model.predictor import Predictor
from services.inference.model.transforms import effnet_transform

CENTROIDS = torch.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 5.0]])


def genre_head(**options: object) -> VAEAttentionHead:
    config = HeadConfig(genres=("A", "B", "C"), **options)  # type: ignore[arg-type]
    head = VAEAttentionHead(channels=4, positions=9, flatten=False, config=config).eval()
    with torch.no_grad():
        head.centroids.copy_(CENTROIDS[:, :2].repeat(1, 4))
    return head


def test_median_decoding_takes_each_features_posterior_weighted_median_centroid() -> None:
    posterior = torch.tensor([[0.2, 0.2, 0.6], [0.5, 0.3, 0.2], [0.1, 0.45, 0.45]])
    decoded = median_decode(posterior, CENTROIDS)
    assert decoded.tolist() == [[2.0, 5.0], [0.0, 1.0], [1.0, 1.0]]


def test_a_lower_temperature_moves_the_mixture_towards_the_most_likely_genre() -> None:
    logits = torch.tensor([[2.0, 1.0, 0.0]])
    warm = mixture_decode(tempered_posterior(logits, temperature=1.0), CENTROIDS)
    cold = mixture_decode(tempered_posterior(logits, temperature=0.2), CENTROIDS)
    assert torch.linalg.norm(cold - CENTROIDS[0]) < torch.linalg.norm(warm - CENTROIDS[0])


def test_genre_loss_is_reconstruction_plus_beta_kl_plus_lambda_cross_entropy() -> None:
    head = genre_head()
    out = head(torch.randn(5, 4, 3, 3))
    targets, labels = torch.rand(5, 8), torch.tensor([0, 1, 2, 0, 1])
    assert out.logits is not None
    total, recon, kl = vae_loss(out, targets, beta=0.1, genre_targets=labels, genre_weight=2.0)
    ce = torch.nn.functional.cross_entropy(out.logits, labels)
    assert torch.isclose(total, recon + 0.1 * kl + 2.0 * ce)


def test_served_features_follow_the_decode_rule_and_lie_on_the_centroids_for_the_median() -> None:
    head = genre_head(decode="median", temperature=0.5)
    out = head(torch.randn(6, 4, 3, 3))
    served = head.served(out)
    centroid_values = set(head.centroids.flatten().tolist())
    assert set(served.flatten().tolist()) <= centroid_values
    assert torch.allclose(head.served(out, config=HeadConfig(genres=("A", "B", "C"))), out.recon)


def test_a_head_that_reads_colour_statistics_refuses_to_run_without_them() -> None:
    head = genre_head(colour_inputs=True)
    with pytest.raises(ValueError, match="colour statistics"):
        head(torch.randn(1, 4, 3, 3))
    assert head(torch.randn(1, 4, 3, 3), stats=torch.rand(1, 3)).recon.shape == (1, 8)


def test_checkpoint_keeps_the_genre_head_and_its_chosen_decode_rule(tmp_path: Path) -> None:
    config = HeadConfig(genres=("A", "B"), pool_std=True, colour_inputs=True, decode="median", temperature=0.7)
    model = build_model("effnet-vae", pretrained=False, head=config)
    with torch.no_grad():
        model.head.centroids.copy_(torch.rand(2, 8))
    path = save_checkpoint(
        Checkpoint("effnet-vae", model_state(model), effnet_transform(), head=config), tmp_path / "m.pt"
    )
    loaded = load_checkpoint(path)
    assert loaded.head == config
    predictor = Predictor(loaded, loaded.build(pretrained_backbone=False), device="cpu")
    (prediction,) = predictor.predict([Image.new("RGB", (40, 30), (200, 90, 30))])
    assert 0.0 <= prediction.features.valence <= 1.0


def test_a_checkpoint_without_a_head_entry_loads_the_original_linear_head(tmp_path: Path) -> None:
    model = build_model("effnet-vae", pretrained=False)
    payload = Checkpoint("effnet-vae", model_state(model), effnet_transform()).to_payload()
    payload.pop("head")
    torch.save(payload, tmp_path / "old.pt")
    loaded = load_checkpoint(tmp_path / "old.pt")
    assert not loaded.head.genre_decoder
    assert hasattr(loaded.build(pretrained_backbone=False).head, "decoder")


def test_an_unknown_decode_rule_in_a_checkpoint_is_refused_with_its_name(tmp_path: Path) -> None:
    model = build_model("effnet-vae", pretrained=False)
    payload = Checkpoint("effnet-vae", model_state(model), effnet_transform()).to_payload()
    payload["head"] = {"genres": ["A"], "decode": "mode"}
    torch.save(payload, tmp_path / "bad.pt")
    with pytest.raises(InvalidCheckpoint, match="'mode'"):
        load_checkpoint(tmp_path / "bad.pt")


def test_cached_maps_are_served_by_the_heads_own_decode_rule() -> None:
    config = HeadConfig(genres=("A", "B", "C"), decode="median", temperature=0.7)
    model = build_model("effnet-vae", pretrained=False, head=config)
    with torch.no_grad():
        model.head.centroids.copy_(torch.rand(3, 8))
    predictor = Predictor(Checkpoint("effnet-vae", model_state(model), effnet_transform(), head=config),
                          model, device="cpu")  # fmt: skip
    fmaps, stats = torch.randn(4, 1280, 7, 7), np.random.default_rng(0).uniform(0, 1, (4, 3)).astype(np.float32)
    served, _ = predictor.predict_maps(fmaps, stats)
    with torch.inference_mode():
        median = model.head.served(model.head(fmaps))
    assert np.allclose(served, np.clip(median.numpy(), 0, 1), atol=1e-5)
