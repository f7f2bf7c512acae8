"""Measure the genre map against the hand labels in data/genre_labels.csv.

top-1     = share of labelled names whose first predicted seed genre is one of the acceptable ones (a name the
            predictor cannot map counts as wrong);
precision = share of all predicted seed genres (over every labelled name) that are acceptable.
Predictors: the shipped file alone; the runtime mapper alone (rules + embedding neighbours, as if the file lacked
the name: the name itself is left out of the neighbours); and the original 2023 map, as shipped (its non-seed
values count as wrong), when ../shared is present.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from services.playlist.genres.mapping import DEFAULT_MAP_PATH, GenreMapper, load_genre_mapper, read_genre_map
from shared.genres import SEED_GENRE_SET, SEED_GENRES
from shared.paths import REPO_ROOT, shared_data_dir, shared_seed_dir

DEFAULT_LABELS_PATH: Final = REPO_ROOT / "data" / "genre_labels.csv"
Predictor = Callable[[str], list[str]]
# Meaningless input the mapper must answer with []: key mashes, vowel-less runs, repeats (written by hand, not drawn
# from any map). Real words that are no genre ("banana", "test") are not here: mapping them is allowed.
_GARBAGE_TEXT: Final = (
    "zzqx, qwpl, xkcd, hjkl, asdfgh, qwerty, zxcvb, aaaa, !!!, 123, fjdksl, ghjk, qzx, vbnm, xyzzy, wxyz, "
    "pqrst, kjhg, mnbv, plmokn, zqzq, qqq, hhhh, jfjfjf, sdfsdf, bnmbnm, gfhgfh, xqzt, trtrtr, ujmik, "
    "wsxedc, rfvtgb, yhnujm, lkjlkj, oiuoiu, poiuy, fgfgfg, dkdkdk, asdasd, qweqwe, xcxcxc, tyty, klkl, "
    "abcabc, bbbbbb, lorem ipsum, qwpl zzqx"
)
GARBAGE_EXAMPLES: Final = tuple(g.strip() for g in _GARBAGE_TEXT.split(","))


@dataclass(frozen=True)
class Label:
    """One hand-labelled genre: acceptable seed genres (best first), where the name comes from, dev or test."""

    genre: str
    acceptable: tuple[str, ...]
    source: str
    split: str


@dataclass
class Score:
    """Counts behind top-1 and precision for one predictor on one group of labels."""

    n: int = 0
    covered: int = 0
    top1: int = 0
    predicted: int = 0
    correct_predicted: int = 0
    errors: list[tuple[str, list[str], tuple[str, ...]]] = field(default_factory=list)

    def add(self, label: Label, prediction: list[str]) -> None:
        """Count one prediction."""
        self.n += 1
        self.covered += bool(prediction)
        self.predicted += len(prediction)
        self.correct_predicted += sum(p in label.acceptable for p in prediction)
        if prediction and prediction[0] in label.acceptable:
            self.top1 += 1
        else:
            self.errors.append((label.genre, prediction, label.acceptable))

    def as_dict(self) -> dict[str, float | int]:
        """The rates, rounded, and the counts."""
        return {
            "n": self.n,
            "coverage": round(self.covered / self.n, 3) if self.n else 0.0,
            "top1": round(self.top1 / self.n, 3) if self.n else 0.0,
            "precision": round(self.correct_predicted / self.predicted, 3) if self.predicted else 0.0,
            "mean_predicted": round(self.predicted / self.n, 2) if self.n else 0.0,
        }


@dataclass
class EvalReport:
    """Scores keyed by (predictor, split, source), plus coverage/validity of both maps."""

    scores: dict[tuple[str, str, str], Score]
    maps: dict[str, dict[str, float | int]]
    garbage_kept: list[tuple[str, list[str]]] = field(default_factory=list)
    threshold: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        scores = {"/".join(k): s.as_dict() for k, s in self.scores.items()}
        rejected = len(GARBAGE_EXAMPLES) - len(self.garbage_kept)
        garbage = {"n": len(GARBAGE_EXAMPLES), "mapped_to_nothing": rejected, "kept": dict(self.garbage_kept)}
        return {"scores": scores, "maps": self.maps, "garbage": garbage, "confidence_threshold": self.threshold}


def choose_min_confidence(mapper: GenreMapper, labels: Sequence[Label]) -> dict[str, object]:
    """The neighbour-confidence floor with the best Youden J (garbage refused - real names refused) on dev labels.

    Only names that reach the embedding step count (words decide the rest); the floor is the midpoint between the
    highest refused and the lowest kept value, rounded to 3 places. Test labels are never read here.
    """
    dev = [lb for lb in labels if lb.split in ("dev", "dev2")]
    real = [c for lb in dev if (c := mapper.confidence(lb.genre, exclude_key=_leave_out(mapper, lb.genre))) is not None]
    junk = [c for g in GARBAGE_EXAMPLES if (c := mapper.confidence(g)) is not None]
    values = sorted(set(real) | set(junk))
    if not real or not junk:
        return {}
    best = (0.0, 0.0)
    for low, high in zip([0.0, *values], [*values, 1.0], strict=True):
        floor = (low + high) / 2
        j = sum(c < floor for c in junk) / len(junk) - sum(c < floor for c in real) / len(real)
        if j > best[0]:
            best = (j, floor)
    floor = round(best[1], 3)
    return {
        "chosen_on": "dev+dev2 labels and GARBAGE_EXAMPLES",
        "floor": floor,
        "youden_j": round(best[0], 3),
        "dev_names_reaching_neighbours": len(real),
        "dev_names_refused": sum(c < floor for c in real),
        "garbage_reaching_neighbours": len(junk),
        "garbage_refused": sum(c < floor for c in junk),
    }


def _leave_out(mapper: GenreMapper, genre: str) -> str | None:
    return genre if genre in mapper.known else None


def read_labels(path: Path = DEFAULT_LABELS_PATH) -> list[Label]:
    """Parse the labels file (acceptable seeds space-separated, best first); every seed must be valid."""
    with path.open(encoding="utf-8", newline="") as fh:
        labels = [
            Label(r["genre"], tuple(r["acceptable"].split()), r["source"], r["split"]) for r in csv.DictReader(fh)
        ]
    for label in labels:
        bad = [a for a in label.acceptable if a not in SEED_GENRE_SET]
        if bad or not label.acceptable:
            raise ValueError(f"label {label.genre!r} has invalid acceptable seed genres {bad}")
    return labels


def map_stats(mapping: Mapping[str, Sequence[str]], sources: Mapping[str, set[str]]) -> dict[str, float | int]:
    """Size, validity (values that are not seed genres) and coverage of each source for one map."""
    values = [v for vs in mapping.values() for v in vs]
    distinct = set(values)
    stats: dict[str, float | int] = {
        "entries": len(mapping),
        "distinct_values": len(distinct),
        "invalid_distinct_values": len(distinct - SEED_GENRE_SET),
        "entries_with_invalid_value": sum(any(v not in SEED_GENRE_SET for v in vs) for vs in mapping.values()),
        "entries_over_3_values": sum(len(vs) > 3 for vs in mapping.values()),
    }
    for name, names in sources.items():
        stats[f"covers_{name}"] = round(sum(n in mapping for n in names) / len(names), 4) if names else 0.0
    return stats


def _shared_sources() -> tuple[dict[str, list[str]] | None, dict[str, set[str]]]:
    """The original map and the names each source lists, or (None, {}) without ../shared."""
    genres = shared_data_dir() / "genres"
    original_path = shared_seed_dir() / "genremappings.json"
    if not original_path.is_file() or not genres.is_dir():
        return None, {}
    with (genres / "everynoise_genres.csv").open(encoding="utf-8", newline="") as fh:
        everynoise = {r["genre"] for r in csv.DictReader(fh)}
    with (genres / "genre_feature_means.csv").open(encoding="utf-8", newline="") as fh:
        means = {r["genres"] for r in csv.DictReader(fh) if r["genres"] not in ("", "[]")}
    sources = {"everynoise": everynoise, "feature_means": means, "seed_genres": set(SEED_GENRES)}
    return json.loads(original_path.read_text(encoding="utf-8")), sources


def evaluate(
    *, split: str = "all", labels_path: Path = DEFAULT_LABELS_PATH, map_path: Path = DEFAULT_MAP_PATH
) -> EvalReport:
    """Score the file, the runtime mapper alone and the original map on the labels of split (dev, test or all)."""
    labels = [lb for lb in read_labels(labels_path) if split in ("all", lb.split)]
    mapper = load_genre_mapper(map_path)
    original, sources = _shared_sources()
    predictors: dict[str, Predictor] = {
        "file": lambda g: list(mapper.known.get(g, [])),
        "runtime": lambda g: _runtime_alone(mapper, g),
    }
    if original is not None:
        predictors["original"] = lambda g: list(original.get(g, []))
    # Which label groups each predictor is scored on: the file has no novel names by definition, and "in_original"
    # (the labelled Every Noise names the original map has) compares the two maps on equal ground.
    groups = {
        "file": ("everynoise", "in_original"),
        "runtime": ("everynoise", "novel"),
        "original": ("everynoise", "in_original"),
    }
    scores: dict[tuple[str, str, str], Score] = {}
    for label in labels:
        label_groups = [label.source]
        if original is not None and label.genre in original:
            label_groups.append("in_original")
        for name, predict in predictors.items():
            wanted = [g for g in label_groups if g in groups[name]]
            if not wanted:
                continue
            prediction = predict(label.genre)
            splits = (label.split, "all") if split == "all" else (label.split,)
            for group in wanted:
                for part in splits:
                    scores.setdefault((name, part, group), Score()).add(label, prediction)
    maps = {"shipped": map_stats(read_genre_map(map_path), sources)}
    if original is not None:
        maps["original"] = map_stats(original, sources)
    garbage_kept = [(g, mapped) for g in GARBAGE_EXAMPLES if (mapped := mapper.map(g))]
    threshold = choose_min_confidence(mapper, read_labels(labels_path))
    return EvalReport(scores=dict(sorted(scores.items())), maps=maps, garbage_kept=garbage_kept, threshold=threshold)


def _runtime_alone(mapper: GenreMapper, genre: str) -> list[str]:
    """The mapper's answer as if the file lacked genre (leave-one-out for names it has)."""
    return mapper.map_unlisted(genre, exclude_key=_leave_out(mapper, genre))


def format_report(report: EvalReport, *, errors: bool = False) -> str:
    """A plain-text table of the scores and map statistics (and the mistakes, if asked)."""
    head = f"{'predictor':9s} {'split':5s} {'labels':11s} {'n':>4s} {'cover':>6s} {'top-1':>6s} {'prec':>6s} {'k':>5s}"
    lines = [head]
    for (predictor, split, source), score in report.scores.items():
        d = score.as_dict()
        lines.append(
            f"{predictor:9s} {split:5s} {source:11s} {d['n']:4d} {d['coverage']:6.3f} {d['top1']:6.3f}"
            f" {d['precision']:6.3f} {d['mean_predicted']:5.2f}"
        )
    for name, stats in report.maps.items():
        lines.append(f"{name} map: " + ", ".join(f"{k}={v}" for k, v in stats.items()))
    rejected = len(GARBAGE_EXAMPLES) - len(report.garbage_kept)
    kept = ", ".join(f"{g!r} -> {m}" for g, m in report.garbage_kept)
    lines.append(
        f"garbage: {rejected}/{len(GARBAGE_EXAMPLES)} examples map to []" + (f"; kept: {kept}" if kept else "")
    )
    if report.threshold:
        lines.append("confidence floor: " + ", ".join(f"{k}={v}" for k, v in report.threshold.items()))
    if errors:
        for (predictor, split, source), score in report.scores.items():
            if split == "all" or source == "in_original":
                continue
            for genre, predicted, acceptable in score.errors:
                lines.append(f"  miss {predictor}/{split}/{source}: {genre!r} -> {predicted} (want {list(acceptable)})")
    return "\n".join(lines)
