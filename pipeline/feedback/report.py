"""`pressedplay feedback report`: the like rate per model version with a 95 % Wilson interval, and a PNG plot."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa

Z95 = 1.959964


@dataclass(frozen=True)
class VersionRate:
    """One model version's ratings."""

    model_version: str
    ratings: int
    likes: int
    like_rate: float
    low: float
    high: float
    first: str
    last: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def wilson(likes: int, n: int, *, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (good at small n and near 0 or 1, unlike the normal one)."""
    if n == 0:
        return 0.0, 1.0
    p = likes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def like_rates(table: pa.Table) -> list[VersionRate]:
    """Per model version, oldest first rated first: ratings, likes, like rate and its interval."""
    by_version: dict[str, list[tuple[float, str]]] = {}
    for row in table.select(["model_version", "reward", "created_at"]).to_pylist():
        by_version.setdefault(str(row["model_version"]), []).append((float(row["reward"]), str(row["created_at"])))
    rates = []
    for version, group in by_version.items():
        likes = sum(1 for reward, _ in group if reward > 0)
        low, high = wilson(likes, len(group))
        times = sorted(when for _, when in group)
        rates.append(VersionRate(version, len(group), likes, likes / len(group), low, high, times[0], times[-1]))
    return sorted(rates, key=lambda r: (r.first, r.model_version))


def render(rates: list[VersionRate]) -> str:
    """A plain-text table."""
    lines = [f"{'model version':<40} {'ratings':>8} {'likes':>6} {'like rate':>10}  95 % interval"]
    for r in rates:
        lines.append(
            f"{r.model_version:<40} {r.ratings:>8} {r.likes:>6} {r.like_rate:>10.1%}  [{r.low:.1%}, {r.high:.1%}]"
        )
    return "\n".join(lines)


def plot(rates: list[VersionRate], path: Path) -> Path:
    """Like rate per version with its interval as error bars, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(4.0, 1.4 * len(rates) + 2), 3.6), dpi=120)
    x = list(range(len(rates)))
    y = [r.like_rate for r in rates]
    err = [[r.like_rate - r.low for r in rates], [r.high - r.like_rate for r in rates]]
    ax.bar(x, y, color="#d9487a", alpha=0.8)
    ax.errorbar(x, y, yerr=err, fmt="none", ecolor="#222", capsize=5)
    ax.set_xticks(x, [f"{r.model_version}\n(n={r.ratings})" for r in rates], fontsize=7)
    ax.set_ylim(0, 1)
    ax.set_ylabel("like rate (95 % Wilson interval)")
    ax.set_title("Likes per model version")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
