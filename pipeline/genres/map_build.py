"""Build genremappings.json (and its shipped name embeddings) from ../shared, reproducibly.

Every name in the sources gets 1-3 seed genres, decided in this order:
  1. a seed genre maps to itself;
  2. a curated override (data/genre_overrides.json, reviewed by hand);
  3. the word rules, when they read every word of the name and find a style;
  4. the original 2023 map, its non-seed values translated ("r&b" -> r-n-b) or dropped, and region values that
     contradict the name's own place word dropped ("canadian pop" is not british);
  5. otherwise the runtime fallback's evidence: the style/place words the rules read in the name or, with none, the
     best vote of the nearest names already decided by text embedding, Every Noise map position and audio-feature
     means (the means are read, never shipped).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np

from services.playlist.genres.embedding import DEFAULT_EMBEDDINGS_PATH, GenreEmbeddingIndex, write_embeddings
from services.playlist.genres.mapping import DEFAULT_MAP_PATH
from services.playlist.genres.rules import MAX_SEEDS, match_rules, normalise_genre
from services.playlist.genres.votes import combine_evidence, vote_seeds
from shared.errors import NotFound
from shared.features import AUDIO_FEATURES
from shared.genres import SEED_GENRE_SET, SEED_GENRES
from shared.paths import REPO_ROOT, shared_data_dir, shared_seed_dir

DEFAULT_OVERRIDES_PATH: Final = REPO_ROOT / "data" / "genre_overrides.json"

# The original map's 94 non-seed values: the seed genre each stands for, or None (dropped: a place with no seed,
# a mood or an instrument that says nothing a seed genre can carry).
ORIGINAL_TRANSLATIONS: Final[Mapping[str, str | None]] = {
    "r&b": "r-n-b",
    "rap": "hip-hop",
    "hip hop": "hip-hop",
    "trap": "hip-hop",
    "grime": "hip-hop",
    "east-coast": "hip-hop",
    "west-coast": "hip-hop",
    "chinese": "mandopop",
    "japanese": "j-pop",
    "korean": "k-pop",
    "mexican": "latin",
    "cumbia": "latin",
    "welsh": "british",
    "lo-fi": "chill",
    "lounge": "chill",
    "mellow": "chill",
    "new-wave": "synth-pop",
    "psychedelic": "psych-rock",
    "prog-rock": "psych-rock",
    "christian": "gospel",
    "religious": "gospel",
    "oldies": "rock-n-roll",
    "games": "soundtracks",
    "video-games": "soundtracks",
    "gaming": "soundtracks",
    "thrash-metal": "metal",
    "power-metal": "heavy-metal",
    "rap-metal": "metal",
    "choir": "classical",
    "choral": "classical",
    "orchestral": "classical",
    "orchestra": "classical",
    "swing": "jazz",
    "boogie": "funk",
    "musicals": "show-tunes",
    "post-rock": "alt-rock",
    "indie-rock": "indie",
    "middle-eastern": "world-music",
    "arabic": "world-music",
    "native-american": "world-music",
}
# Seeds that only say where music is from; the original sometimes put the wrong one ("canadian pop" -> british).
REGION_SEEDS: Final = frozenset(
    {"british", "french", "german", "spanish", "swedish", "turkish", "iranian", "indian", "malay", "brazil"}
    | {"philippines-opm", "latin", "latino", "k-pop", "j-pop", "mandopop", "cantopop"}
)
POSITION_NEIGHBOURS: Final = 8
FEATURE_NEIGHBOURS: Final = 8
# Weights against the text neighbours (1.0), chosen by leave-one-out on names the map already decides (no labels):
# position alone agrees 38-40% of the time, feature means 57-68%, text 72-94%; a quarter each helps on names
# without any style word (49% -> 51%) and a half hurts everywhere.
POSITION_WEIGHT: Final = 0.25
FEATURE_WEIGHT: Final = 0.25
# Seeds of Brazilian styles: a "latin" or "spanish" value beside one of them is the original map's confusion.
BRAZILIAN_SEEDS: Final = frozenset({"brazil", "forro", "sertanejo", "pagode", "mpb", "samba", "bossanova"})


class SharedDataMissing(NotFound):
    """The development data (../shared) the builder reads is not there."""


@dataclass(frozen=True)
class GenreSources:
    """Everything the builder reads from ../shared."""

    everynoise: Mapping[str, tuple[float, float]]
    feature_means: Mapping[str, np.ndarray]
    original: Mapping[str, Sequence[str]]

    def names(self) -> list[str]:
        """Every name to cover: the seed genres, Every Noise, the feature means and the original map's keys."""
        return sorted(set(SEED_GENRES) | set(self.everynoise) | set(self.feature_means) | set(self.original))


@dataclass
class BuildResult:
    """The built map and where each entry came from."""

    mapping: dict[str, list[str]]
    provenance: dict[str, str] = field(default_factory=dict)

    def counts(self) -> Counter[str]:
        """How many entries each step decided."""
        return Counter(self.provenance.values())


def load_sources(data_dir: Path | None = None, seed_dir: Path | None = None) -> GenreSources:
    """Read Every Noise, the feature means and the original map; SharedDataMissing names what is absent."""
    data_dir = data_dir or shared_data_dir()
    seed_dir = seed_dir or shared_seed_dir()
    needed = [data_dir / "genres" / f for f in ("everynoise_genres.csv", "genre_feature_means.csv", "seed_genres.json")]
    missing = [p for p in [*needed, seed_dir / "genremappings.json"] if not p.is_file()]
    if missing:
        raise SharedDataMissing(
            f"the genre map builder needs the development data (../shared); missing: {', '.join(map(str, missing))}"
            " (set PRESSEDPLAY_SHARED_DATA to its data folder)"
        )
    seeds = json.loads(needed[2].read_text(encoding="utf-8"))["genres"]
    if sorted(seeds) != sorted(SEED_GENRES):
        raise SharedDataMissing(f"{needed[2]} does not list the 126 seed genres shared/genres.py knows")
    with needed[0].open(encoding="utf-8", newline="") as fh:
        everynoise = {r["genre"]: (float(r["x"]), float(r["y"])) for r in csv.DictReader(fh)}
    with needed[1].open(encoding="utf-8", newline="") as fh:
        # "[]" is the bucket of tracks with no genre at all, not a genre name.
        means = {
            r["genres"]: np.array([float(r[f]) for f in AUDIO_FEATURES], dtype=np.float64)
            for r in csv.DictReader(fh)
            if r["genres"].strip() not in ("", "[]")
        }
    original = json.loads((seed_dir / "genremappings.json").read_text(encoding="utf-8"))
    return GenreSources(everynoise=everynoise, feature_means=means, original=original)


def read_overrides(path: Path = DEFAULT_OVERRIDES_PATH) -> dict[str, list[str]]:
    """Curated name -> seeds entries (keys starting with "_" are comments); every value checked."""
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    out = {k: list(v) for k, v in raw.items() if not k.startswith("_")}
    for key, values in out.items():
        if not 1 <= len(values) <= MAX_SEEDS or any(v not in SEED_GENRE_SET for v in values):
            raise ValueError(f"override {key!r} -> {values!r} is not 1-3 seed genres")
    return out


def translate_original(name: str, values: Sequence[str]) -> list[str]:
    """The original entry with non-seed values translated or dropped, and contradicting region values dropped."""
    rules = match_rules(normalise_genre(name))
    out: list[str] = []
    for value in values:
        seed = value if value in SEED_GENRE_SET else ORIGINAL_TRANSLATIONS.get(value)
        if seed is None or seed in out:
            continue
        if seed in REGION_SEEDS and rules.place_words and seed not in rules.regions and seed not in rules.styles:
            continue
        if seed in ("latin", "latino", "spanish") and BRAZILIAN_SEEDS & {*rules.styles, *rules.regions}:
            continue
        out.append(seed)
    return out[:MAX_SEEDS]


def build_genre_map(
    sources: GenreSources,
    *,
    overrides: Mapping[str, Sequence[str]],
    embed: Callable[[Sequence[str]], np.ndarray],
) -> tuple[BuildResult, np.ndarray]:
    """The full map over sources.names(), and the unit embeddings of its keys (same order as sorted keys)."""
    names = sources.names()
    result = BuildResult(mapping={})
    pending: list[str] = []
    for name in names:
        rules = match_rules(normalise_genre(name))
        original = translate_original(name, sources.original.get(name, ()))
        if name in SEED_GENRE_SET:
            result.mapping[name], result.provenance[name] = [name], "seed genre"
        elif name in overrides:
            result.mapping[name], result.provenance[name] = list(overrides[name]), "override"
        elif rules.styles and rules.known_tokens == rules.tokens:
            result.mapping[name], result.provenance[name] = rules.seeds, "rules"
        elif original:
            result.mapping[name], result.provenance[name] = original, "original map"
        else:
            pending.append(name)
    # float16 as shipped, so a build that reuses shipped vectors decides exactly as one that embeds afresh.
    vectors = embed(names).astype(np.float16).astype(np.float32)
    row = {n: i for i, n in enumerate(names)}
    decided = list(result.mapping)
    text_index = GenreEmbeddingIndex(decided, vectors[[row[n] for n in decided]], encoder=embed)
    position = _NearestByVector(sources.everynoise, decided, scale=None)
    features = _NearestByVector(sources.feature_means, decided, scale="standardise")
    for name in pending:
        rules = match_rules(normalise_genre(name))
        votes: dict[str, float] = {}
        evidence = [(text_index.neighbours_of_vector(vectors[row[name]], k=12), 1.0)]
        evidence.append((position.neighbours(name, k=POSITION_NEIGHBOURS), POSITION_WEIGHT))
        evidence.append((features.neighbours(name, k=FEATURE_NEIGHBOURS), FEATURE_WEIGHT))
        for neighbours, weight in evidence:
            ranked = vote_seeds(neighbours, result.mapping)
            total = sum(score for _, score in ranked) or 1.0
            for seed, score in ranked:
                votes[seed] = votes.get(seed, 0.0) + weight * score / total
        merged = sorted(votes.items(), key=lambda kv: -kv[1])
        result.mapping[name] = combine_evidence(rules.styles, rules.regions, merged) or [merged[0][0]]
        result.provenance[name] = "neighbours"
    keys = sorted(result.mapping)
    return result, vectors[[row[k] for k in keys]]


class _NearestByVector:
    """Nearest decided names by a per-name vector (map position or feature means) for names that have one."""

    def __init__(self, table: Mapping[str, Sequence[float] | np.ndarray], decided: Sequence[str], *, scale: str | None):
        self._table = {k: np.asarray(v, dtype=np.float64) for k, v in table.items()}
        known = [n for n in decided if n in self._table]
        matrix = np.stack([self._table[n] for n in known]) if known else np.zeros((0, 1))
        self._mean = matrix.mean(axis=0) if scale and known else 0.0
        self._std = matrix.std(axis=0) + 1e-9 if scale and known else 1.0
        self._known = known
        self._matrix = (matrix - self._mean) / self._std

    def neighbours(self, name: str, *, k: int) -> list[tuple[str, float]]:
        """(name, similarity in (0, 1]) of the k nearest, nearest first; [] when name has no vector."""
        if name not in self._table or not self._known:
            return []
        query = (self._table[name] - self._mean) / self._std
        dist = np.linalg.norm(self._matrix - query, axis=1)
        order = np.argsort(dist)[:k]
        scale = float(np.median(dist[order])) or 1.0
        return [(self._known[i], float(1.0 / (1.0 + dist[i] / scale))) for i in order]


class CachedEncoder:
    """Reuses the shipped vectors of names already embedded; embeds only the new ones (same model, so same rows)."""

    def __init__(self, path: Path, encoder: Callable[[Sequence[str]], np.ndarray]) -> None:
        self._encoder = encoder
        self._known: dict[str, np.ndarray] = {}
        if path.is_file() and path.with_suffix(".json").is_file():
            index = GenreEmbeddingIndex.load(path, encoder=encoder)
            self._known = dict(zip(index.keys, index.vectors, strict=True))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for texts, embedding only those not shipped yet."""
        new = [t for t in texts if t not in self._known]
        if new:
            self._known.update(zip(new, self._encoder(new), strict=True))
        return np.stack([np.asarray(self._known[t], dtype=np.float32) for t in texts])


def write_genre_map(path: Path, mapping: Mapping[str, Sequence[str]]) -> None:
    """One entry per line, keys sorted: small, stable diffs when the map is rebuilt."""
    lines = [f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(list(mapping[k]))}" for k in sorted(mapping)]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def run_build(
    *,
    map_path: Path = DEFAULT_MAP_PATH,
    embeddings_path: Path = DEFAULT_EMBEDDINGS_PATH,
    overrides_path: Path = DEFAULT_OVERRIDES_PATH,
    embed: Callable[[Sequence[str]], np.ndarray] | None = None,
) -> BuildResult:
    """Read ../shared, build, write the map and its embeddings; returns what was built."""
    sources = load_sources()
    if embed is None:
        from services.playlist.genres.embedding import MiniLMEncoder

        embed = CachedEncoder(embeddings_path, MiniLMEncoder())
    result, vectors = build_genre_map(sources, overrides=read_overrides(overrides_path), embed=embed)
    write_genre_map(map_path, result.mapping)
    write_embeddings(embeddings_path, sorted(result.mapping), vectors)
    return result
