"""`python -m pipeline.training.look_summary OUT BASE`: the last step of scripts/cpu-look-finetune.sh. The numbers of
the fine-tuned model beside its parent's, against the issue-21 bounds, and whether to ship it: so whoever ran it on
an idle machine can decide, and knows what docs/model.md and the model card must then say.

Ship when all three hold:
- the served genre look (`look score`: each held-out test cover as its file is, through the served path, counted per
  label; pipeline/evaluation/served_look.py) reaches the 42 % bound;
- it beats its parent's served look on the same covers (the parent scored the same way by the script);
- the mood refitted on the new backbone reads the rated photos no worse than the parent's mood did (cross-validated
  Spearman, valence and arousal): a better genre look must not cost the mood the features follow.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from services.inference.model.checkpoint import load_checkpoint

LOOK_BOUND = 0.42  # genre look top-1 on held-out covers (issue 21)


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.is_file() else {}


def _pct(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.1%}"


def verdict(
    served_top1: float | None,
    parent_top1: float | None,
    mood: dict[str, float],
    base_mood: dict[str, float],
) -> list[str]:
    """The reasons not to ship (empty: ship). `served_top1` and `parent_top1`: the served look per label on the same
    held-out covers (None: not measured, which never ships)."""
    reasons = []
    if served_top1 is None or not served_top1 >= LOOK_BOUND:
        reasons.append(f"served genre look top-1 {_pct(served_top1)} is below the {LOOK_BOUND:.0%} bound")
    if served_top1 is None or parent_top1 is None or not served_top1 > parent_top1:
        reasons.append(
            f"no better than the parent as served on the same test covers ({_pct(served_top1)} vs {_pct(parent_top1)})"
        )
    for dim in ("valence", "arousal"):
        key = f"{dim}_spearman"
        if key in base_mood and not mood.get(key, math.nan) >= base_mood[key]:
            reasons.append(
                f"the refitted mood reads {dim} worse ({mood.get(key, math.nan):.3f} vs the parent's "
                f"{base_mood[key]:.3f})"
            )
    return reasons


def summary_lines(out: Path, base_uri: str) -> list[str]:
    """What the run gave, one line per number, the parent's beside it, and the decision."""
    tuned = load_checkpoint(out / "effnet-vae.pt")
    base = load_checkpoint(base_uri)
    look = tuned.metrics.get("look", {})
    served, parent = _read(out / "served-look.json"), _read(out / "served-look-parent.json")
    distorted = _read(out / "evaluate.json").get("extra", {}).get("genre_look_top1")
    report = _read(out / "mood-report.json")
    cv, base_cv = tuned.metrics.get("mood_cv", {}), base.metrics.get("mood_cv", {})
    lines = [
        f"model {tuned.version} (from {base.version}); written to {out / 'effnet-vae.pt'}",
        f"genre look top-1 on the fine-tune's covers, flip-averaged: val {_pct(look.get('val_top1'))} (parent "
        f"{_pct(look.get('parent_val_top1'))}), test {_pct(look.get('test_top1'))} (parent "
        f"{_pct(look.get('parent_test_top1'))})",
        f"genre look top-1 as served, held-out test covers as their files are (`look score`): "
        f"{_pct(served.get('top1_per_label'))} per label (bound >= {LOOK_BOUND:.0%}; parent "
        f"{_pct(parent.get('top1_per_label'))}), {_pct(served.get('top1_per_cover'))} per cover (parent "
        f"{_pct(parent.get('top1_per_cover'))})",
        f"genre look top-1 on the model dataset's distorted copies of the test covers (`evaluate`): {_pct(distorted)}",
    ]
    for dim in ("valence", "arousal"):
        key = f"{dim}_spearman"
        lines.append(
            f"mood {dim}, cross-validated Spearman on the dev half: {cv.get(key, math.nan):.3f} "
            f"(parent {base_cv.get(key, math.nan):.3f})"
        )
    if report:
        lines += [
            f"dev half, out of fold: served valence vs people's {report['served_valence_spearman']:.3f}, served "
            f"energy vs people's arousal {report['served_energy_arousal_spearman']:.3f} (held-out bounds 0.76, 0.42)",
            f"served valence spread {report['valence_spread']:.3f} (>= 0.15); fewest distinct values of a feature "
            f"{min(report['distinct_values'].values())} (>= 200)",
            f"playlists: pairwise overlap {report['playlist_jaccard']:.3f} (<= 0.10), valence vs people's "
            f"{report['playlist_valence_spearman']:.3f} (>= 0.60)",
        ]
    reasons = verdict(served.get("top1_per_label"), parent.get("top1_per_label"), cv, base_cv)
    if reasons:
        lines.append("DO NOT SHIP: " + "; ".join(reasons))
    else:
        lines.append(
            f"SHIP: cp {out / 'effnet-vae.pt'} models/effnet-vae.pt && pressedplay model pack; then docs/model.md and "
            "the model card get the numbers above"
        )
    return lines


def main(argv: list[str]) -> int:
    """Print the summary of the run in folder argv[0] against the base checkpoint argv[1]."""
    if len(argv) != 2:
        print("usage: python -m pipeline.training.look_summary OUT BASE", file=sys.stderr)
        return 2
    print("\n".join(summary_lines(Path(argv[0]), argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
