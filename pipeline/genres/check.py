"""`pressedplay genres check`: the resolver on its check set (data/genre_check.csv, pipeline/genres/check_set.py).

The resolver is the product's: GenreMapper.map then resolve_seed_genres' rule (no seed: a 422 UnknownGenre). It
answers with the names of the `heldout` kind held out of every fit: a mapper whose file, text embeddings and letter
model lack all of them (both splits), so they are as new to it as a genre Spotify invents tomorrow.
- real names (heldout, and ../shared's artist genres no source has): accepted = some seed; mapped = the first seed
  is one the shipped file gives the name (artist genres: accepted only, nothing to compare with);
- misspellings: corrected = the first seed is the seed genre misspelled;
- non-genres: refused = UnknownGenre.
The neighbour-confidence floor is chosen on the dev part (the best sum of real names accepted and non-genres refused
among those that reach the neighbours) and reported on the test part.
"""

from __future__ import annotations

import ast
import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.genres.check_set import (
    SIZES,
    CheckItem,
    genre_vocabulary,
    heldout_names,
    markup,
    mashes,
    misspellings,
    plain_words,
    read_check_set,
    sentences,
    write_check_set,
)
from services.playlist.genres.embedding import DEFAULT_EMBEDDINGS_PATH, GenreEmbeddingIndex
from services.playlist.genres.mapping import GenreMapper, UnknownGenre, load_genre_mapper, resolve_seed_genres
from services.playlist.genres.rules import normalise_genre
from services.playlist.genres.spelling import english_words
from shared.paths import shared_data_dir


def heldout_mapper(
    items: Sequence[CheckItem], *, min_confidence: float | None = None, embeddings: GenreEmbeddingIndex | None = None
) -> GenreMapper:
    """The shipped mapper without the held-out names: not in its file, its embeddings or its letter model."""
    shipped = load_genre_mapper()
    held = {i.name for i in items if i.kind == "heldout"}
    mapping = {k: v for k, v in shipped.known.items() if k not in held}
    index = embeddings or GenreEmbeddingIndex.load(DEFAULT_EMBEDDINGS_PATH)
    mapper = GenreMapper(mapping, embeddings=index.restricted_to(set(mapping)))
    if min_confidence is not None:
        mapper.min_confidence = min_confidence
    return mapper


def resolve(mapper: GenreMapper, name: str) -> list[str]:
    """What the API does with one name: its seeds, or [] for a 422 UnknownGenre."""
    try:
        return resolve_seed_genres([name], mapper)
    except UnknownGenre:
        return []


@dataclass
class KindScore:
    """Counts for one kind of name on one split."""

    n: int = 0
    good: int = 0  # accepted and mapped / corrected / refused, by kind
    accepted: int = 0
    misses: list[tuple[str, list[str], tuple[str, ...]]] = field(default_factory=list)

    def add(self, item: CheckItem, answer: list[str]) -> None:
        self.n += 1
        self.accepted += bool(answer)
        if item.should_refuse:
            ok = not answer
        elif item.expected:
            ok = bool(answer) and answer[0] in item.expected
        else:
            ok = bool(answer)
        self.good += ok
        if not ok:
            self.misses.append((item.name, answer, item.expected))

    def rate(self) -> float:
        return round(self.good / self.n, 4) if self.n else 0.0


def artist_genres_no_source_has(mapper: GenreMapper) -> list[CheckItem]:
    """Real micro-genres of ../shared's artist file that the shipped file lacks ([] without ../shared)."""
    path = shared_data_dir() / "artists" / "artist_feature_means.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        names = {g for row in csv.DictReader(fh) for g in ast.literal_eval(row["genres"] or "[]")}
    return [CheckItem(n, "artist_genre", (), "test") for n in sorted(names) if mapper.lookup(n) is None]


def score(mapper: GenreMapper, items: Sequence[CheckItem]) -> dict[tuple[str, str], KindScore]:
    """(kind, split) -> KindScore, with "all" splits too."""
    scores: dict[tuple[str, str], KindScore] = {}
    for item in items:
        answer = resolve(mapper, item.name)
        for split in (item.split, "all"):
            scores.setdefault((item.kind, split), KindScore()).add(item, answer)
    return dict(sorted(scores.items()))


def choose_min_confidence(items: Sequence[CheckItem]) -> dict[str, Any]:
    """The floor with the best Youden J on the dev part (non-genres refused share - real names refused share) among
    the names that reach the neighbours: real names and non-genres weigh the same, however many of each reach it."""
    dev = [i for i in items if i.split == "dev" and i.kind != "misspelling"]
    mapper = heldout_mapper(items)
    reached = [(i, c) for i in dev if (c := mapper.confidence(i.name)) is not None]
    real = [c for i, c in reached if not i.should_refuse]
    junk = [c for i, c in reached if i.should_refuse]
    if not real or not junk:
        return {}
    values = sorted(set(real) | set(junk))
    best = (-1.0, 0.0)
    for low, high in zip([0.0, *values], [*values, 1.0], strict=True):
        floor = (low + high) / 2
        j = sum(c < floor for c in junk) / len(junk) - sum(c < floor for c in real) / len(real)
        if j > best[0]:
            best = (j, floor)
    floor = round(best[1], 3)
    return {
        "floor": floor,
        "youden_j": round(best[0], 3),
        "dev_real_reaching_neighbours": len(real),
        "dev_real_refused": sum(c < floor for c in real),
        "dev_nongenres_reaching_neighbours": len(junk),
        "dev_nongenres_refused": sum(c < floor for c in junk),
    }


def build_check_set() -> list[CheckItem]:
    """Draw the check set again and write data/genre_check.csv."""
    items = draw_check_set()
    write_check_set(items)
    return items


def draw_check_set() -> list[CheckItem]:
    """The check set from Every Noise (../shared), the text model's vocabulary, track titles and the hand-written
    sentences: the same names on every run (seeded draws)."""
    from services.playlist.recommend.catalog import load_catalog

    shipped = load_genre_mapper()
    with (shared_data_dir() / "genres" / "everynoise_genres.csv").open(encoding="utf-8", newline="") as fh:
        everynoise = [row["genre"] for row in csv.DictReader(fh)]
    vocabulary = genre_vocabulary(shipped.known)
    dictionary = english_words()
    known = {normalise_genre(k) for k in shipped.known}
    titles = {w for name in load_catalog().names for w in normalise_genre(name).split()}
    words = sorted(vocabulary)
    items = [
        *heldout_names(dict(shipped.known), everynoise, count=SIZES["heldout"]),
        *misspellings(dictionary, known, count=SIZES["misspelling"]),
        *plain_words(dictionary, vocabulary, kind="word", count=SIZES["word"], seed=41),
        *plain_words(titles - dictionary, vocabulary, kind="title_word", count=SIZES["title_word"], seed=43),
        *markup(words, count=SIZES["markup"]),
        *mashes(count=SIZES["mash"]),
        *sentences(),
    ]
    return sorted(items, key=lambda i: (i.kind, i.name))


def run_check(*, split: str = "test", sweep: bool = False) -> dict[str, Any]:
    """Score the resolver on the check set (and ../shared's unseen artist genres, when there); with sweep, at the
    floor the dev part chooses instead of the shipped MIN_CONFIDENCE."""
    items = read_check_set()
    chosen = choose_min_confidence(items) if sweep else {}
    mapper = heldout_mapper(items, min_confidence=chosen.get("floor"))
    scores = score(mapper, [i for i in items if split in ("all", i.split)])
    extra = artist_genres_no_source_has(load_genre_mapper())
    if extra and split in ("test", "all"):
        scores.update(score(mapper, extra))
    return {
        "split": split,
        "min_confidence": mapper.min_confidence,
        "sweep": chosen,
        "kinds": {kind: _as_dict(s) for (kind, part), s in scores.items() if part == split or kind == "artist_genre"},
        "misses": {kind: s.misses for (kind, part), s in scores.items() if part == split or kind == "artist_genre"},
    }


def _as_dict(s: KindScore) -> dict[str, Any]:
    return {"n": s.n, "right": s.good, "rate": s.rate(), "accepted": s.accepted}


WHAT_RIGHT_MEANS = {
    "heldout": "accepted and mapped",
    "artist_genre": "accepted",
    "misspelling": "corrected",
}


def format_check(report: dict[str, Any], *, errors: bool = False) -> str:
    """A plain-text table of the kinds, and the misses if asked."""
    lines = [f"split {report['split']}, neighbour-confidence floor {report['min_confidence']}"]
    if report["sweep"]:
        lines.append("floor chosen on dev: " + ", ".join(f"{k}={v}" for k, v in report["sweep"].items()))
    for kind, d in report["kinds"].items():
        means = WHAT_RIGHT_MEANS.get(kind, "refused")
        lines.append(f"{kind:13s} n={d['n']:4d}  {means:20s} {d['rate']:.3f} ({d['right']}/{d['n']})")
    real = [d for k, d in report["kinds"].items() if k in ("heldout", "artist_genre")]
    junk = [d for k, d in report["kinds"].items() if k not in WHAT_RIGHT_MEANS]
    for label, group in (("real names", real), ("non-genres", junk)):
        n = sum(d["n"] for d in group)
        right = sum(d["right"] for d in group)
        lines.append(f"{label}: {right}/{n} = {right / n:.3f}" if n else f"{label}: none")
    if errors:
        for kind, misses in report["misses"].items():
            wanted = "refused" if kind not in WHAT_RIGHT_MEANS else "accepted"
            lines.extend(
                f"  miss {kind}: {name!r} -> {answer} (want {list(want) or wanted})" for name, answer, want in misses
            )
    return "\n".join(lines)
