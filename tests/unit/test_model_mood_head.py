"""The mood head: an exact ridge read-out of pooled backbone stages, on the ratings' 1-9 scale."""

from __future__ import annotations

import numpy as np
import torch

from services.inference.model.mood_head import MOOD_INPUTS, MoodHead, ridge_fit, ridge_path, ridge_predict


def _data(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * rng.uniform(0.1, 10, d)  # inputs on very different scales
    y = 5 + (x[:, :3] / x[:, :3].std(axis=0)) @ np.array([0.3, -0.2, 0.1]) + rng.normal(0, 0.1, n)
    return x, y


def test_ridge_matches_the_normal_equations_on_standardised_inputs_in_both_primal_and_dual_form() -> None:
    for n, d in ((200, 20), (30, 80)):  # more rows than inputs (primal), fewer (dual)
        x, y = _data(n, d)
        weights, bias, _, _ = ridge_fit(x, y, alpha=3.0)
        z = (x - x.mean(0)) / x.std(0)
        expected = np.linalg.solve(z.T @ z + 3.0 * np.eye(d), z.T @ (y - y.mean()))
        assert np.allclose(weights[:, 0], expected, atol=1e-4)
        assert np.isclose(bias[0], y.mean(), atol=1e-5)


def test_the_path_gives_each_strengths_fit_from_one_decomposition() -> None:
    for n, d in ((200, 20), (30, 80)):
        x, y = _data(n, d)
        path = ridge_path(x, y, alphas=(0.1, 3.0, 300.0))
        for alpha, model in zip((0.1, 3.0, 300.0), path, strict=True):
            assert np.allclose(model[0], ridge_fit(x, y, alpha=alpha)[0], atol=1e-5)
        assert not np.allclose(path[0][0], path[2][0], atol=1e-3)  # the strengths do differ


def test_a_per_input_scale_penalises_that_input_by_alpha_over_its_square_and_serves_as_a_plain_head() -> None:
    for n, d in ((200, 20), (30, 80)):
        x, y = _data(n, d)
        scale = np.where(np.arange(d) < d // 2, 3.0, 0.5)
        model = ridge_fit(x, y, alpha=5.0, scale=scale)
        z = (x - x.mean(0)) / x.std(0)
        # the same fit as ridge on standardised inputs with penalty 5 / scale^2 on each input's own weight
        own = np.linalg.solve(z.T @ z + np.diag(5.0 / scale**2), z.T @ (y - y.mean()))
        assert np.allclose(ridge_predict(model, x)[:, 0], z @ own + y.mean(), atol=1e-4)
        head = MoodHead(d).set_ridge(model)
        with torch.no_grad():
            served = head(torch.from_numpy(x.astype(np.float32))).numpy()[:, 0]
        assert np.allclose(served, np.clip(ridge_predict(model, x)[:, 0], 1, 9), atol=1e-3)


def test_a_constant_input_does_not_divide_by_zero() -> None:
    x, y = _data(50, 5)
    x[:, 2] = 7.0
    model = ridge_fit(x, y, alpha=1.0)
    assert np.isfinite(ridge_predict(model, x)).all()


def test_the_head_reproduces_the_ridge_predictions_and_clips_to_the_rating_scale() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, MOOD_INPUTS)).astype(np.float32)
    y = np.stack([rng.uniform(1, 9, 40), rng.uniform(1, 9, 40)], axis=1)
    model = ridge_fit(x, y, alpha=10.0)
    head = MoodHead().set_ridge(model)
    with torch.no_grad():
        out = head(torch.from_numpy(x)).numpy()
    assert np.allclose(out, np.clip(ridge_predict(model, x), 1, 9), atol=1e-3)
    with torch.no_grad():
        extreme = head(torch.from_numpy(x * 1000)).numpy()
    assert extreme.min() >= 1.0 and extreme.max() <= 9.0
