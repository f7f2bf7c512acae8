"""The heat map the page shows: which parts of the photo moved its mood to the answer (a class-activation map of
the mood head).

Why this map: the mood head is linear over the mean, over positions, of every backbone stage (mood_head.py), so
its answer splits exactly into one contribution per position (Zhou et al.'s class-activation map, CAM, for a linear
read-out of globally pooled maps): for dimension k, stage s and channel c,

    cam_k(p) = sum_s sum_c  w_kc / std_c * (stage_s,c(p) - mean_c)      and      mood_k - bias_k = mean_p cam_k(p)

once every stage is brought to one grid (finer stages averaged down, coarser ones repeated up; both keep the
mean). The mood moved from the average rated photo (`bias`) in the direction d = (mood - bias) / |mood - bias| in
the (valence, arousal) plane; d . cam(p) is how far position p pushed it that way, and its positive part,
normalised to sum to 1, is the map: "what made it feel <the mood words>". It is exact, costs one small einsum per
stage in the served forward pass, and passes the saliency sanity checks (tests/unit/test_mood_map.py: it changes
when the head's weights are randomised; its peak lands on an object pasted at random places on a plain background).

The genre look's own class-activation map (its attention-weighted 7x7 map times the classifier's weights) was
measured the same way and fails the pointing test (its peak lands on the object in about 1 case in 10), so it is
not served; nor is the genre-look head's softmax attention, which no longer drives any answer.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812

from services.inference.model.mood_head import MoodHead

# The grid of the map: the third stage's (stride 8: 28 x 28 at 224 px), fine enough to outline a subject, coarse
# enough to stay a few kilobytes of JSON.
MAP_STAGE = 2


def stage_contributions(mood: MoodHead, stage_maps: list[torch.Tensor]) -> torch.Tensor:
    """Stage outputs (each (n, c_s, h_s, w_s), in the mood head's input order) -> (n, 2, h, w) per-position
    contributions to valence and arousal, on the grid of stage MAP_STAGE; their mean over positions is exactly
    the head's output less its bias (before the head's clip to the 1-9 scale)."""
    weights = mood.linear.weight / mood.input_std  # (2, inputs): a standardised input's weight, per raw unit
    height, width = (int(size) for size in stage_maps[MAP_STAGE].shape[-2:])
    total: torch.Tensor | None = None
    start = 0
    for stage in stage_maps:
        channels = int(stage.shape[1])
        w = weights[:, start : start + channels]
        centred = stage - mood.input_mean[start : start + channels].view(1, -1, 1, 1)
        start += channels
        cam = torch.einsum("kc,nchw->nkhw", w, centred)
        h = int(cam.shape[-2])
        if h > height:  # a finer stage: the mean of each block, which keeps the map's mean
            cam = F.avg_pool2d(cam, kernel_size=h // height)
        elif h < height:  # a coarser stage: each cell repeated, which keeps it too
            cam = F.interpolate(cam, size=(height, width), mode="nearest")
        total = cam if total is None else total + cam
    if total is None or start != mood.input_mean.shape[0]:
        raise ValueError(f"the stage maps give {start} mood inputs, the head reads {mood.input_mean.shape[0]}")
    return total


def mood_map(mood: MoodHead, stage_maps: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Stage outputs -> ((n, 2) mood on the 1-9 scale, (n, h, w) the map: non-negative, summing to 1)."""
    pooled = torch.cat([stage.mean(dim=(2, 3)) for stage in stage_maps], dim=1)
    answer = mood(pooled)
    cam = stage_contributions(mood, stage_maps)
    moved = cam.mean(dim=(2, 3))  # (n, 2): mood - bias, unclipped
    direction = moved / moved.norm(dim=1, keepdim=True).clamp_min(1e-6)
    toward = torch.einsum("nk,nkhw->nhw", direction, cam).clamp_min(0.0)
    # A photo exactly at the average mood has no direction: an even map (nothing stands out) rather than 0 / 0.
    cells = toward.shape[-2] * toward.shape[-1]
    toward = toward + 1e-9 / cells
    return answer, toward / toward.sum(dim=(1, 2), keepdim=True)
