"""`pressedplay finetune --feedback DIR`: a reward-weighted refit of the mood head from exported ratings.

What is fine-tuned, and why the mood head. A served playlist's eight features are composed by a fixed mapping
(`FeatureMapping.compose`) from two things the model reads in the photo: the mood (valence, arousal: a ridge head
on the frozen backbone's pooled stages) and the genre look (a head trained on album covers). A rating says whether
the playlist felt right for the photo; the part of the reading a person judges is its feeling, and the mood head is
the part that maps a photo to it. It is linear with a closed form, so the refit is exact, seconds on a CPU, and
cannot drift the way gradient steps on ~100 ratings could. The genre-look head stays the parent's: it is trained
on ~10^4 labelled covers and a like or dislike says little about which genre a photo looks like. So held-out genre
metrics are the parent's exactly, and the mood metrics are checked against a stated bound.

The objective, over the head's weights beta (per mood dimension, on the parent's standardised inputs z):

    L(beta) =   sum_{original i}  (f(x_i) - y_i)^2                                  human mood ratings (anchor)
              + W * sum_{liked j}   r_j * ||f(x_j) - s_j||^2                          pull toward what was served
              + W * sum_{disliked k} |r_k| * max(0, m - ||f(x_k) - s_k||)^2           push away, within a margin m
              + alpha * ||beta||^2                                                     the parent's ridge strength

where s is the served mood (recorded with the rating), r the reward (+1 / -1), m the margin in mood units (default
1.0 on the 1-9 scale) and W = lambda * N_original / sum |r| so that all feedback together weighs lambda (default
0.5) against the original rated photos. Liked pairs are regression targets; disliked pairs are a squared hinge
(a contrastive loss): a dislike says "not this", not what instead, so it only pushes the prediction out of a ball
of radius m around what was served and is silent once outside; an unbounded push would reward predicting
nonsense. The original data keep the head calibrated to people's ratings (no forgetting).

The hinge makes L non-quadratic; it is minimised by majorise-minimise: max(0, m - d)^2 is the squared distance
to the region outside the ball, so at each step a disliked pair inside the ball gets the target "its current
prediction pushed out to the ball's surface" (s + m * u, u the unit direction from s to the prediction; toward
the original ratings' mean when the prediction sits exactly on s) and a weighted ridge is solved in closed form.
Each step cannot increase L; a few steps converge.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.feedback.feedback_set import FeedbackSet
from pipeline.mood.fit import AffectSet, fold_ids, model_state_of, spearman
from services.inference.model.checkpoint import Checkpoint, stamp_version
from services.inference.model.mood_head import MOOD_DIMENSIONS, MOOD_SCALE, MoodHead
from shared.errors import InvalidInput


class FinetuneRejected(InvalidInput):
    """The fine-tuned head broke the stated bound on held-out mood metrics; nothing was written."""


@dataclass(frozen=True)
class Objective:
    """The knobs of the loss (module docstring) and the acceptance bound."""

    feedback_weight: float = 0.5  # lambda: all feedback against all original photos
    margin: float = 1.0  # m, mood units (1-9 scale)
    iterations: int = 8  # majorise-minimise steps
    holdout_fold: int = 0  # which of 5 folds of the original photos is held out for the bound
    mae_bound: float = 0.15  # held-out MAE may rise at most this much (mood units) per dimension
    seed: int = 0


def weighted_ridge(z: np.ndarray, y: np.ndarray, w: np.ndarray, *, alpha: float) -> tuple[np.ndarray, float]:
    """argmin sum_i w_i (z_i . beta + c - y_i)^2 + alpha ||beta||^2 -> (beta, c); solved in the dual (n < d)."""
    w = np.maximum(w, 0.0)
    total = w.sum()
    z_mean = (w[:, None] * z).sum(axis=0) / total
    y_mean = float((w * y).sum() / total)
    root = np.sqrt(w)[:, None]
    zs = (z - z_mean) * root
    ys = (y - y_mean) * root[:, 0]
    n, d = zs.shape
    if n < d:
        beta = zs.T @ np.linalg.solve(zs @ zs.T + alpha * np.eye(n), ys)
    else:
        beta = np.linalg.solve(zs.T @ zs + alpha * np.eye(d), zs.T @ ys)
    return beta, y_mean - float(z_mean @ beta)


def hinge_targets(
    prediction: np.ndarray, served: np.ndarray, *, margin: float, centre: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For disliked pairs: (targets on the margin's surface, 1 where inside the margin else 0)."""
    diff = prediction - served
    dist = np.linalg.norm(diff, axis=1)
    toward_centre = centre[None, :] - served
    norm = np.linalg.norm(toward_centre, axis=1, keepdims=True)
    fallback = np.where(norm > 1e-6, toward_centre / np.maximum(norm, 1e-6), np.array([[1.0, 0.0]]))
    direction = np.where(dist[:, None] > 1e-6, diff / np.maximum(dist, 1e-6)[:, None], fallback)
    targets = np.clip(served + margin * direction, *MOOD_SCALE)
    return targets, (dist < margin).astype(np.float64)


def _head_arrays(checkpoint: Checkpoint) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    state = checkpoint.mood_state
    if state is None or checkpoint.feature_mapping is None:
        raise InvalidInput(f"{checkpoint.version} has no mood head to fine-tune")
    return (
        state["linear.weight"].double().numpy(),
        state["linear.bias"].double().numpy(),
        state["input_mean"].double().numpy(),
        state["input_std"].double().numpy(),
    )


def _mood_metrics(pred: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    pred = np.clip(pred, *MOOD_SCALE)
    out: dict[str, float] = {}
    for d, dim in enumerate(MOOD_DIMENSIONS):
        out[f"{dim}_mae"] = round(float(np.abs(pred[:, d] - truth[:, d]).mean()), 4)
        out[f"{dim}_spearman"] = round(spearman(pred[:, d], truth[:, d]), 4)
    return out


@dataclass(frozen=True)
class _Problem:
    """The refit's data on the parent's standardised inputs."""

    z_train: np.ndarray  # original photos not held out, then the feedback photos
    y_train: np.ndarray  # (n_train_original, 2) people's ratings
    z_held: np.ndarray
    y_held: np.ndarray
    z_feedback: np.ndarray
    liked: np.ndarray
    strength: np.ndarray  # |reward|
    scale: float  # W: all feedback weighs feedback_weight against the original photos
    centre: np.ndarray  # the original ratings' mean (the dislike push's direction when undefined)


def _problem(parent: Checkpoint, original: AffectSet, feedback: FeedbackSet, objective: Objective) -> _Problem:
    _, _, mean, std = _head_arrays(parent)
    z_orig = (original.stages.astype(np.float64) - mean) / std
    z_fb = (feedback.stages.astype(np.float64) - mean) / std
    held = fold_ids(len(original.ratings), seed=objective.seed) == objective.holdout_fold
    y_orig = original.ratings.astype(np.float64)
    strength = np.abs(feedback.reward)
    return _Problem(
        z_train=np.concatenate([z_orig[~held], z_fb]),
        y_train=y_orig[~held],
        z_held=z_orig[held],
        y_held=y_orig[held],
        z_feedback=z_fb,
        liked=feedback.reward > 0,
        strength=strength,
        scale=objective.feedback_weight * float((~held).sum()) / float(strength.sum()),
        centre=y_orig[~held].mean(axis=0),
    )


def _refit(
    problem: _Problem, feedback: FeedbackSet, objective: Objective, weight: np.ndarray, bias: np.ndarray, alphas: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Majorise-minimise: hinge targets from the current predictions, then a closed-form weighted ridge."""
    new_weight, new_bias = weight.copy(), bias.copy()
    prediction = problem.z_feedback @ weight.T + bias
    n_original = len(problem.y_train)
    for _ in range(objective.iterations):
        pushed, inside = hinge_targets(prediction, feedback.served, margin=objective.margin, centre=problem.centre)
        targets_fb = np.where(problem.liked[:, None], feedback.served, pushed)
        w_fb = problem.scale * problem.strength * np.where(problem.liked, 1.0, inside)
        w = np.concatenate([np.ones(n_original), w_fb])
        for d, dim in enumerate(MOOD_DIMENSIONS):
            y = np.concatenate([problem.y_train[:, d], targets_fb[:, d]])
            beta, c = weighted_ridge(problem.z_train, y, w, alpha=float(alphas.get(dim, 1000.0)))
            new_weight[d], new_bias[d] = beta, c
        prediction = problem.z_feedback @ new_weight.T + new_bias
    return new_weight, new_bias


def _movement(
    parent: Checkpoint, feedback: FeedbackSet, liked: np.ndarray, before: np.ndarray, after: np.ndarray
) -> dict[str, Any]:
    """Mean distance to what was served (mood, and the eight normalised features), parent vs child."""
    mapping = parent.feature_mapping
    assert mapping is not None  # _head_arrays checked it

    def distances(mood: np.ndarray, rows: np.ndarray) -> dict[str, float]:
        clipped = np.clip(mood[rows], *MOOD_SCALE)
        features = np.clip(mapping.compose(feedback.mixture[rows], clipped), 0.0, 1.0)
        return {
            "mood": round(float(np.linalg.norm(clipped - feedback.served[rows], axis=1).mean()), 4),
            "features": round(float(np.linalg.norm(features - feedback.served_features[rows], axis=1).mean()), 4),
        }

    return {
        name: {"n": int(rows.sum()), "parent": distances(before, rows), "child": distances(after, rows)}
        for name, rows in (("liked", liked), ("disliked", ~liked))
        if rows.any()
    }


def _check_bound(metrics: dict[str, Any], objective: Objective) -> None:
    parent, child = metrics["held_out_mood"]["parent"], metrics["held_out_mood"]["child"]
    worse = {
        dim: round(child[f"{dim}_mae"] - parent[f"{dim}_mae"], 4)
        for dim in MOOD_DIMENSIONS
        if child[f"{dim}_mae"] > parent[f"{dim}_mae"] + objective.mae_bound
    }
    if worse:
        raise FinetuneRejected(f"the fine-tuned mood head broke the bound ({metrics['bound']}): {worse}")


def _child(parent: Checkpoint, weight: np.ndarray, bias: np.ndarray, metrics: dict[str, Any]) -> Checkpoint:
    _, _, mean, std = _head_arrays(parent)
    head = MoodHead()
    arrays = (weight.T.astype(np.float32), bias.astype(np.float32), mean.astype(np.float32), std.astype(np.float32))
    head.set_ridge(arrays)
    mood_training = {
        **parent.training.get("mood", {}),
        "parent": parent.version,
        "feedback": {**metrics["feedback"], "served_by": metrics["served_by"]},
    }
    child = Checkpoint(
        architecture=parent.architecture,
        state_dict=parent.state_dict,
        transform=parent.transform,
        training={**parent.training, "mood": mood_training, "parent": parent.version, "kind": "feedback-finetune"},
        metrics={**parent.metrics, "feedback_finetune": metrics},
        head=parent.head,
        mood_state=model_state_of(head),
        feature_mapping=parent.feature_mapping,
        backbone_state=parent.backbone_state,
    )
    return stamp_version(child)


def finetune_mood(
    parent: Checkpoint, original: AffectSet, feedback: FeedbackSet, objective: Objective | None = None
) -> tuple[Checkpoint, dict[str, Any]]:
    """A new checkpoint with the refitted mood head, and its metrics; raises FinetuneRejected past the bound."""
    objective = objective or Objective()
    weight, bias, _, _ = _head_arrays(parent)
    problem = _problem(parent, original, feedback, objective)
    alphas = parent.training.get("mood", {}).get("alphas", {})
    new_weight, new_bias = _refit(problem, feedback, objective, weight, bias, alphas)
    before = problem.z_feedback @ weight.T + bias
    after = problem.z_feedback @ new_weight.T + new_bias
    liked = problem.liked
    metrics: dict[str, Any] = {
        "objective": dataclasses.asdict(objective),
        "feedback": {"ratings": len(feedback.reward), "liked": int(liked.sum()), "disliked": int((~liked).sum())},
        "served_by": sorted(set(feedback.versions)),
        "distance_to_served": _movement(parent, feedback, liked, before, after),
        "held_out_mood": {
            "photos": len(problem.y_held),
            "parent": _mood_metrics(problem.z_held @ weight.T + bias, problem.y_held),
            "child": _mood_metrics(problem.z_held @ new_weight.T + new_bias, problem.y_held),
        },
        "genre_look": {"head": "the parent's, unchanged", "max_abs_change": 0.0},
        "bound": f"held-out mood MAE within +{objective.mae_bound} of the parent per dimension",
    }
    _check_bound(metrics, objective)
    return _child(parent, new_weight, new_bias, metrics), metrics
