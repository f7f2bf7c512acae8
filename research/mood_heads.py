"""Which linear mood head reads valence and arousal best, by the mood fit's own nested cross-validation.

`python -m research.mood_heads [--seeds 0] [--only NAME,...]`  (from the repository root; needs ../shared/data)

Every variant is scored by `pipeline.mood.fit.out_of_fold` on the Emotion6 dev half (994 photos): 5 outer folds
(seed 0), every setting (ridge strength, stage weighting, rank, ...) chosen inside each training fold, so each
prediction is out of sample twice over. Only the dev half is read. Variants (docs/model.md "The mood head"):
- `ridge`: today's head (per dimension, ridge on the 2,064 pooled stage means, strength chosen inside the fold);
- `stack-emotion`: ridge also predicts the 7 emotion shares of ratings.csv (inner out-of-fold), and a small linear
  layer reads valence and arousal from those 9 predictions (still linear in the stage means);
- `rrr-emotion`: reduced-rank ridge on valence, arousal and the 7 shares together (rank chosen inside the fold);
- `tta-*` / `aug-*`: other views of each photo (mirror, 288 and 160 px, 80 % crops; research/mood_views.py):
  `tta` averages the stage means over views when fitting and predicting (costs a backbone pass per view when
  serving), `aug` fits on every view as its own row (a photo's views kept in one fold) and predicts from the
  served view alone (no serving cost);
- `stage-weight`: per-stage ridge penalty, stage s's inputs scaled by (width_s)^-g/2, g chosen inside the fold
  (`stage-g*`: g fixed, for the record);
- `rank-target`: ridge on the ratings' normal scores (what Spearman reads), mapped back by a linear fit;
- `pairwise`: a linear scorer from a pairwise logistic (rank) loss, penalty chosen inside the fold;
- `moments`: the stage means and the means of their squares (4,128 inputs; still per-position, so a heat map
  stays exact).

Cost on this 2-core machine at one thread (another job running): the backbone passes ~15 min once (cached under
var/cache/mood-views/), the variants ~40 min a seed (`pairwise` alone ~20 more).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from pipeline.mood.fit import (
    Learner,
    choose_alpha,
    cross_predict,
    out_of_fold,
    read_ratings,
    ridge_learner,
    spearman,
)
from research.mood_views import view_stages
from services.inference.model.backbone import LITE0_STAGE_CHANNELS
from services.inference.model.mood_head import ridge_fit, ridge_predict
from services.inference.model.predictor import Predictor
from shared.paths import REPO_ROOT, shared_data_dir

AFFECT = shared_data_dir() / "affect" / "emotion6-dev"
EMOTIONS = ("p_anger", "p_disgust", "p_fear", "p_joy", "p_sadness", "p_surprise", "p_neutral")
WIDTH = sum(LITE0_STAGE_CHANNELS)
RANKS = (1, 2, 3, 4, 6, 9)
GAMMAS = (0.0, 0.5, 1.0)


def stage_scale(gamma: float) -> np.ndarray:
    """Per-input penalty scale: stage s's inputs times width_s^(-gamma/2), so at gamma 1 each stage weighs the
    same in the kernel however many channels it has (the head conv's 1,280 dominate at 0)."""
    return np.concatenate([np.full(c, c ** (-gamma / 2)) for c in LITE0_STAGE_CHANNELS])


def stacked_learner(seed: int) -> Learner:
    """Ridge predicts valence, arousal and the emotion shares; a 9 -> 2 linear layer fitted on their inner
    out-of-fold values reads the mood. Inputs: stage means then the 7 shares (targets, used on training rows)."""

    def learn(inputs: np.ndarray, ratings: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        x, targets = inputs[:, :WIDTH], np.hstack([ratings, inputs[:, WIDTH:]])
        base = ridge_learner(seed=seed)
        inner = cross_predict(x, targets, base, seed=seed + 2)
        top = ridge_fit(inner, ratings, alpha=1.0)
        full = base(x, targets)
        return lambda rows: ridge_predict(top, full(rows[:, :WIDTH]))

    return learn


def reduced_rank(x: np.ndarray, targets: np.ndarray, alpha: float, rank: int) -> Callable[[np.ndarray], np.ndarray]:
    """Ridge on standardised targets, its fitted values projected on their top `rank` directions."""
    centre, spread = targets.mean(axis=0), targets.std(axis=0) + 1e-9
    weights, bias, mean, std = ridge_fit(x, (targets - centre) / spread, alpha=alpha)
    fitted = ((x - mean) / std) @ weights
    directions = np.linalg.svd(fitted, full_matrices=False)[2][:rank]
    projected = weights @ directions.T @ directions
    return lambda rows: (((rows - mean) / std) @ projected + bias) * spread + centre


def rrr_learner(seed: int) -> Learner:
    """Reduced-rank ridge on valence, arousal and the shares; one strength for all (chosen on the standardised
    targets), the rank by an inner cross-validation of valence and arousal."""

    def learn(inputs: np.ndarray, ratings: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        x, targets = inputs[:, :WIDTH], np.hstack([ratings, inputs[:, WIDTH:]])
        alpha = choose_alpha(x, (targets - targets.mean(0)) / (targets.std(0) + 1e-9), seed=seed)

        def at_rank(rank: int) -> Learner:
            def fit(xs: np.ndarray, ts: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
                model = reduced_rank(xs[:, :WIDTH], ts, alpha, rank)
                return lambda rows: model(rows[:, :WIDTH])

            return fit

        scores = []
        for rank in RANKS:
            inner = cross_predict(inputs, targets, at_rank(rank), seed=seed + 1)
            scores.append(np.mean([spearman(inner[:, d], ratings[:, d]) for d in range(2)]))
        model = reduced_rank(x, targets, alpha, RANKS[int(np.argmax(scores))])
        return lambda rows: model(rows[:, :WIDTH])[:, :2]

    return learn


def view_learner(seed: int, *, augment: bool, tta: bool) -> Learner:
    """Inputs (n, views, 2064), view 0 the served one. augment: each view its own training row (a photo's views
    in one inner fold), else the views' mean; tta: predict from the views' mean, else from view 0."""

    def learn(views: np.ndarray, ratings: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        count = views.shape[1]
        if augment:
            x, y = views.reshape(-1, WIDTH), np.repeat(ratings, count, axis=0)
            groups = np.repeat(np.arange(len(ratings)), count)
        else:
            x, y, groups = views.mean(axis=1), ratings, None
        models = [ridge_fit(x, y[:, d], alpha=choose_alpha(x, y[:, d], seed=seed, groups=groups)) for d in range(2)]
        return lambda rows: np.hstack([ridge_predict(m, rows.mean(axis=1) if tta else rows[:, 0]) for m in models])

    return learn


def stage_weight_learner(seed: int) -> Learner:
    """Per-stage penalty scale `stage_scale(g)`, g chosen by an inner cross-validation (alpha inside that)."""

    def learn(x: np.ndarray, ratings: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        columns = []
        for d in range(2):
            scores = [
                spearman(cross_predict(x, ratings[:, d : d + 1], ridge_learner(seed=seed, scale=stage_scale(g)),
                                       seed=seed + 1)[:, 0], ratings[:, d])
                for g in GAMMAS
            ]  # fmt: skip
            columns.append(
                ridge_learner(seed=seed, scale=stage_scale(GAMMAS[int(np.argmax(scores))]))(x, ratings[:, d : d + 1])
            )
        return lambda rows: np.hstack([column(rows) for column in columns])

    return learn


def rank_target_learner(seed: int) -> Learner:
    """Ridge on the normal scores of the ratings' ranks, then a linear map back to the 1-9 scale."""
    from scipy.stats import norm, rankdata

    def learn(x: np.ndarray, ratings: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        scores = norm.ppf((np.apply_along_axis(rankdata, 0, ratings) - 0.5) / len(ratings))
        model = ridge_learner(seed=seed)(x, scores)
        fitted = model(x)
        back = [np.polyfit(fitted[:, d], ratings[:, d], 1) for d in range(2)]
        return lambda rows: np.stack([np.polyval(b, col) for b, col in zip(back, model(rows).T, strict=True)], 1)

    return learn


PAIR_PENALTIES = (1e-3, 1e-2, 1e-1)
PAIR_MARGIN = 0.5  # pairs whose ratings differ by less are not ranked (raters disagree by more than that)


def pairwise_fit(z: np.ndarray, target: np.ndarray, penalty: float) -> np.ndarray:
    """Weights (inputs,) of a linear scorer on standardised `z` minimising the mean logistic loss over pairs rated
    at least PAIR_MARGIN apart, plus penalty * |w|^2 (in the dual: w = z^T beta, one number per training photo)."""
    z = np.asarray(z, dtype=np.float64)
    kernel = torch.from_numpy(z @ z.T / z.shape[1])
    y = torch.from_numpy(np.asarray(target, dtype=np.float64))
    ordered = (y[:, None] - y[None, :]) >= PAIR_MARGIN
    beta = torch.zeros(len(y), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([beta], max_iter=100, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimiser.zero_grad()
        scores = kernel @ beta
        value = torch.nn.functional.softplus(scores[None, :] - scores[:, None])[ordered].mean()
        value = value + penalty * beta @ kernel @ beta
        value.backward()  # type: ignore[no-untyped-call]
        return value

    optimiser.step(loss)  # type: ignore[no-untyped-call]
    return np.asarray(z.T @ beta.detach().numpy() / z.shape[1])


def pairwise_learner(seed: int) -> Learner:
    """A linear scorer per dimension from the pairwise logistic loss (penalty chosen inside the fold), put on the
    1-9 scale by a least-squares line on the training photos."""

    def fit_one(x: np.ndarray, target: np.ndarray, penalty: float) -> Callable[[np.ndarray], np.ndarray]:
        mean, std = x.mean(0), np.maximum(x.std(0), 1e-6)
        weights = pairwise_fit((x - mean) / std, target, penalty)
        line = np.polyfit(((x - mean) / std) @ weights, target, 1)
        return lambda rows: np.polyval(line, ((rows - mean) / std) @ weights)[:, None]

    def at_penalty(penalty: float) -> Learner:
        return lambda xs, ys: fit_one(xs, ys[:, 0], penalty)

    def learn(x: np.ndarray, ratings: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        columns = []
        for d in range(2):
            scores = [
                spearman(cross_predict(x, ratings[:, d : d + 1], at_penalty(p), seed=seed + 1)[:, 0], ratings[:, d])
                for p in PAIR_PENALTIES
            ]
            columns.append(fit_one(x, ratings[:, d], PAIR_PENALTIES[int(np.argmax(scores))]))
        return lambda rows: np.hstack([column(rows) for column in columns])

    return learn


TTA_SETS = {
    "flip": ("flip224",),
    "scales": ("orig288", "orig160"),
    "flip-scales": ("flip224", "orig288", "flip288"),
    "crops": ("crop80c", "crop80tl", "crop80tr", "crop80bl", "crop80br"),
    "all": ("flip224", "orig288", "flip288", "orig160", "crop80c", "crop80tl", "crop80tr", "crop80bl", "crop80br"),
}


def variants(seed: int) -> dict[str, tuple[str, Learner]]:
    """name -> (which inputs it reads, learner)."""
    table: dict[str, tuple[str, Learner]] = {
        "ridge": ("stages", ridge_learner(seed=seed)),
        "stack-emotion": ("stages+emotion", stacked_learner(seed)),
        "rrr-emotion": ("stages+emotion", rrr_learner(seed)),
        "stage-weight": ("stages", stage_weight_learner(seed)),
        "rank-target": ("stages", rank_target_learner(seed)),
        "pairwise": ("stages", pairwise_learner(seed)),
        "moments": ("stages+square", ridge_learner(seed=seed)),
    }
    for g in GAMMAS[1:]:
        table[f"stage-g{g}"] = ("stages", ridge_learner(seed=seed, scale=stage_scale(g)))
    for name in TTA_SETS:
        table[f"tta-{name}"] = (f"views:{name}", view_learner(seed, augment=False, tta=True))
        table[f"aug-{name}"] = (f"views:{name}", view_learner(seed, augment=True, tta=False))
    table["aug+tta-flip"] = ("views:flip", view_learner(seed, augment=True, tta=True))
    return table


def inputs_for(kind: str, predictor: Predictor, frame_shares: np.ndarray) -> np.ndarray:
    """The input array a variant reads, one row per photo."""
    stages = view_stages(predictor, AFFECT, "orig224")
    if kind == "stages":
        return stages
    if kind == "stages+emotion":
        return np.hstack([stages, frame_shares])
    if kind == "stages+square":
        return np.hstack([stages, view_stages(predictor, AFFECT, "square224")])
    views = [stages, *(view_stages(predictor, AFFECT, v) for v in TTA_SETS[kind.split(":", 1)[1]])]
    return np.stack(views, axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(REPO_ROOT / "models" / "effnet-vae.pt"))
    parser.add_argument("--seeds", default="0", help="outer-fold seeds, comma-separated")
    parser.add_argument("--only", default="", help="variant names, comma-separated (default: all)")
    parser.add_argument("--out", default=str(REPO_ROOT / "var" / "mood-heads.json"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    predictor = Predictor.load(args.model, device="cpu", backend="eager")
    frame = read_ratings(AFFECT)
    ratings = frame[["valence", "arousal"]].to_numpy(dtype=np.float64)
    shares = frame[list(EMOTIONS)].to_numpy(dtype=np.float64)
    out = Path(args.out)
    results = json.loads(out.read_text()) if out.is_file() else {}
    for seed in (int(s) for s in args.seeds.split(",")):
        for name, (kind, learner) in variants(seed).items():
            if args.only and name not in args.only.split(","):
                continue
            started = time.perf_counter()
            oof = out_of_fold(inputs_for(kind, predictor, shares), ratings, seed=seed, learner=learner)
            row = {f"{dim}_{metric}": round(value, 4) for d, dim in enumerate(("valence", "arousal"))
                   for metric, value in (("spearman", spearman(oof[:, d], ratings[:, d])),
                                         ("mae", float(np.abs(oof[:, d] - ratings[:, d]).mean())),
                                         ("spread", float(oof[:, d].std())))}  # fmt: skip
            row["seconds"] = round(time.perf_counter() - started)
            results[f"{name}@{seed}"] = row
            print(f"{name:16s} seed {seed}: " + ", ".join(f"{k} {v}" for k, v in row.items()), flush=True)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
