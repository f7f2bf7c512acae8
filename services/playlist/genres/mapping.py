"""GenreMapper: any Spotify micro-genre name -> at most three of the 126 seed genres, best first.

Order of evidence: the shipped file (genremappings.json, a dict lookup after normalising the name), then the word
rules (style words, language / region words), then the nearest known names by text embedding (the model loads only
on the first miss). A name made only of unknown words whose nearest neighbours are far away, or disagree, maps to []
(resolve_seed_genres turns that into a 422) unless it names music or MusicBrainz lists it as a genre."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Final, Protocol

from services.playlist.genres.common_words import CommonWords, common_words
from services.playlist.genres.embedding import DEFAULT_EMBEDDINGS_PATH, GenreEmbeddingIndex
from services.playlist.genres.listed_genres import listed_genres
from services.playlist.genres.music_words import names_music, reads_as_request
from services.playlist.genres.rules import MAX_SEEDS, LetterModel, looks_like_garbage, match_rules, normalise_genre
from services.playlist.genres.spelling import GenreSpelling
from services.playlist.genres.votes import combine_evidence, neighbour_confidence, vote_seeds
from shared.errors import InvalidInput, ServiceError
from shared.genres import MAX_NAME_CHARS, SEED_GENRE_SET, SEED_GENRES
from shared.paths import REPO_ROOT

DEFAULT_MAP_PATH: Final = REPO_ROOT / "genremappings.json"
NEIGHBOURS: Final = 12
# Below this cosine similarity to every known name, a name with no known word is treated as garbage.
MIN_SIMILARITY: Final = 0.4
# Below this neighbour confidence (top similarity x the winning seed's share of the votes) a name with no known word
# is refused: chosen on the dev part of data/genre_check.csv by the best Youden J between held-out real names and
# non-genres that reach the neighbours (`pressedplay genres check --sweep --split dev`; test part: docs/genres.md).
# It was 0.188 (chosen on the 47 hand-written garbage strings), before markup, sentences, plain English and key
# mashes had rules of their own.
MIN_CONFIDENCE: Final = 0.279
# Characters no Spotify genre name has (the file's names use letters, digits, space and - & ' + : only): markup,
# code, addresses and paths ("<b>", "${x}", "www.x.com", "/x/", "#x", "**x**", "x()").
MARKUP_CHARS: Final = frozenset('<>{}[]=;\\"`|$%#*/@().,!?~^')
UNLISTED_MEMO: Final = 4096
MAX_SUGGESTIONS: Final = 5


class UnknownGenre(InvalidInput):
    """A genre name that maps to no seed genre (the detail names it and lists the valid seed genres)."""


class GenreMapInvalid(ServiceError):
    """The genre map file is missing or breaks its invariants (a deployment error, not a client's)."""


class GenreMapping(Protocol):
    """What a user of the genre map needs (the recommender, resolve_seed_genres, the catalog builder): GenreMapper,
    or a test's stand-in."""

    def map(self, genre: str) -> list[str]: ...


@dataclass(frozen=True)
class _WordReading:
    """What a name's words decide: seeds (None: ask the neighbours about `name`; []: no genre)."""

    seeds: list[str] | None
    name: str
    about_music: bool = False


class GenreMapper:
    """Maps micro-genre names onto seed genres: file, then rules, then embedding neighbours."""

    def __init__(
        self,
        mapping: Mapping[str, Sequence[str]],
        *,
        embeddings: GenreEmbeddingIndex | None = None,
        common: CommonWords | None = None,
        listed: frozenset[str] | None = None,
    ) -> None:
        self._mapping: dict[str, list[str]] = {k: list(v) for k, v in mapping.items()}
        self._by_normal: dict[str, str] = {}
        for key in self._mapping:
            self._by_normal.setdefault(normalise_genre(key), key)
        self._embeddings = embeddings
        self._common = common  # None: the shipped list, read on the first name that reaches the neighbours
        self._listed = listed if listed is not None else listed_genres()  # MusicBrainz's genre names (2,000)
        self.min_confidence = MIN_CONFIDENCE  # `pressedplay genres check` sweeps it on its dev part
        # Names the file lacks recur (one artist's genres on many tracks): remember the last few thousand answers.
        self._unlisted_memo = lru_cache(maxsize=UNLISTED_MEMO)(self._map_unlisted_tuple)

    @property
    def known(self) -> Mapping[str, list[str]]:
        """The file's mapping (read-only view by convention)."""
        return self._mapping

    def lookup(self, genre: str) -> list[str] | None:
        """The file's entry for genre after normalising, or None when the file lacks it."""
        key = self._by_normal.get(normalise_genre(genre))
        return list(self._mapping[key]) if key is not None else None

    def map(self, genre: str) -> list[str]:
        """At most three seed genres for genre, best first; [] only for empty or garbage input."""
        if not isinstance(genre, str) or len(genre) > MAX_NAME_CHARS or not MARKUP_CHARS.isdisjoint(genre):
            return []
        found = self.lookup(genre)
        return found if found is not None else list(self._unlisted_memo(genre))

    def _map_unlisted_tuple(self, genre: str) -> tuple[str, ...]:
        return tuple(self.map_unlisted(genre))

    @property
    def model_loaded(self) -> bool:
        """Whether the embedding model is in memory (it loads on the first name the file lacks)."""
        return self._embeddings is not None and self._embeddings.model_loaded

    @cached_property
    def letters(self) -> LetterModel:
        """Letter trigrams of the file's names (built on the first name the file lacks): tells key mashes apart."""
        return LetterModel.of(self._mapping)

    @cached_property
    def spelling(self) -> GenreSpelling:
        """The words of the file's names: corrects slips, tells plain English apart (built on the first miss)."""
        return GenreSpelling(self._by_normal)

    def map_many(self, genres: Iterable[str]) -> dict[str, list[str]]:
        """map() for each name, keyed by the name as given."""
        return {g: self.map(g) for g in genres}

    def map_unlisted(self, genre: str, *, exclude_key: str | None = None) -> list[str]:
        """Map as if the file lacked genre: rules, then embedding neighbours (exclude_key: leave-one-out checks)."""
        reading = self._read_words(normalise_genre(genre) if isinstance(genre, str) else "", exclude_key=exclude_key)
        if reading.seeds is not None:
            return reading.seeds
        neighbours = self._neighbours(reading.name, exclude_key=exclude_key)
        votes = vote_seeds(neighbours, self._mapping)
        if reading.about_music:
            return combine_evidence((), (), votes)  # the neighbours only choose its seed
        if not neighbours or neighbours[0][1] < MIN_SIMILARITY:
            return []
        if neighbour_confidence(neighbours, votes) < self.min_confidence:
            return []
        return combine_evidence((), (), votes)

    def _read_words(self, name: str, *, exclude_key: str | None) -> _WordReading:
        """What the words alone decide (seeds, or [] for no genre), else the name the neighbours are asked about.
        map_unlisted and confidence both read names here, so the check sweeps the floor on the names it applies to."""
        words = name.split()
        if reads_as_request(words):
            return _WordReading([], name)  # "tunes for a wedding party", "background noise for my office"
        listed = name in self._listed  # MusicBrainz lists it ("porro", "red dirt"): no slip, no garbage, no sentence
        corrected = [] if listed else self._corrected(name)
        if corrected:
            return _WordReading(corrected, name)
        music = listed or names_music(words)  # "mbira", "vanuatu music": a genre, however far its neighbours
        garbage = looks_like_garbage(name, letters=self.letters) or (not music and self.spelling.sentence_like(name))
        if garbage and not listed:
            return _WordReading([], name)
        rules = match_rules(name)
        if rules.styles or rules.regions:
            return _WordReading(rules.seeds, name)  # words outrank neighbours (see combine_evidence)
        inside = self._known_inside(name, exclude_key=exclude_key)
        if inside:
            return _WordReading(inside, name)
        if music:
            return _WordReading(None, name, about_music=True)
        glued = self.spelling.split_glued(name)
        if glued:
            return self._read_words(glued, exclude_key=exclude_key)  # "coverchill" is read as "cover chill"
        if self._only_common_words(name):
            return _WordReading([], name)  # "raha", "zitti": ordinary words of some language, in no genre name
        return _WordReading(None, name)

    def _only_common_words(self, name: str) -> bool:
        """Every word no genre name uses is a common word of some language (data/common_words.txt.gz)."""
        unknown = [w for w in name.split() if not self.spelling.is_genre_word(w)]
        common = self._common if self._common is not None else common_words()
        return bool(unknown) and all(w in common for w in unknown)

    def _known_inside(self, name: str, *, exclude_key: str | None) -> list[str]:
        """The seeds of a known name that is all of this one but one word ("rebetiko remixes" is rebetiko)."""
        words = name.split()
        for start, end in ((0, len(words) - 1), (1, len(words))):
            part = " ".join(words[start:end])
            key = self._by_normal.get(part)
            if part and key is not None and key != exclude_key:
                return list(self._mapping[key])
        return []

    def _corrected(self, name: str) -> list[str]:
        """The seeds of the name with its slips corrected, when that is a known name or the rules read it."""
        if " " in name and (joined := self.lookup(name.replace(" ", ""))) is not None:
            return joined  # "slow core" is slowcore
        fixed = self.spelling.correct(name)
        if fixed is None:
            return []
        found = self.lookup(fixed)
        if found is not None:
            return found
        rules = match_rules(fixed)
        return rules.seeds if rules.styles or rules.regions else []

    def confidence(self, genre: str, *, exclude_key: str | None = None) -> float | None:
        """The neighbour confidence of a name the floor decides (None when its words, garbage or no neighbours do)."""
        if not MARKUP_CHARS.isdisjoint(genre):  # refused by map() before any step
            return None
        reading = self._read_words(normalise_genre(genre), exclude_key=exclude_key)
        if reading.seeds is not None or reading.about_music:
            return None
        neighbours = self._neighbours(reading.name, exclude_key=exclude_key)
        return neighbour_confidence(neighbours, vote_seeds(neighbours, self._mapping)) if neighbours else None

    def nearest_known(self, genre: str, *, k: int = 5) -> list[tuple[str, float]]:
        """The k file names nearest to genre by text embedding, with cosine similarity ([] without embeddings)."""
        return self._neighbours(normalise_genre(genre), exclude_key=None)[:k]

    def _neighbours(self, name: str, *, exclude_key: str | None) -> list[tuple[str, float]]:
        if self._embeddings is None:
            return []
        return self._embeddings.neighbours(name, k=NEIGHBOURS, exclude=exclude_key)


def read_genre_map(path: Path) -> dict[str, list[str]]:
    """Read and check genremappings.json: an object of name -> 1..3 distinct seed genres."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GenreMapInvalid(f"cannot read genre map {path.name}: {exc}") from exc
    if not isinstance(raw, dict):
        raise GenreMapInvalid(f"genre map {path.name} is not a JSON object")
    for key, values in raw.items():
        ok = isinstance(values, list) and 1 <= len(values) <= MAX_SEEDS and len(set(values)) == len(values)
        if not ok or any(v not in SEED_GENRE_SET for v in values):
            raise GenreMapInvalid(f"genre map entry {key!r} -> {values!r} is not 1-3 distinct seed genres")
    return raw


@lru_cache(maxsize=4)
def load_genre_mapper(path: Path | None = None) -> GenreMapper:
    """The mapper for path (default REPO_ROOT/genremappings.json) with the shipped embeddings; cached."""
    mapping = read_genre_map(path or DEFAULT_MAP_PATH)
    embeddings = None
    if DEFAULT_EMBEDDINGS_PATH.is_file():
        embeddings = GenreEmbeddingIndex.load(DEFAULT_EMBEDDINGS_PATH).restricted_to(set(mapping))
    return GenreMapper(mapping, embeddings=embeddings)


def resolve_seed_genres(names: Iterable[str], mapper: GenreMapping) -> list[str]:
    """User-given names -> distinct seed genres (seed genres pass through); UnknownGenre when a name maps to none.

    An empty list resolves to [] (no genre asked for); each name must map, so one bad name fails the request.
    """
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        raise UnknownGenre(_unknown_detail(names, "genres must be a list of names"))
    out: list[str] = []
    for name in names:
        if not isinstance(name, str):
            raise UnknownGenre(_unknown_detail(name, f"genre must be a string, got {type(name).__name__}"))
        if not name.strip():
            raise UnknownGenre(_unknown_detail(name, "genre name is empty"))
        if len(name) > MAX_NAME_CHARS:
            raise UnknownGenre(
                _unknown_detail(name, f"genre name is {len(name)} characters (at most {MAX_NAME_CHARS})")
            )
        seeds = [name.strip()] if name.strip() in SEED_GENRE_SET else mapper.map(name)
        if not seeds:
            raise UnknownGenre(_unknown_detail(name, "maps to no seed genre"))
        out.extend(s for s in seeds if s not in out)
    return out


def suggest_seed_genres(given: object) -> list[str]:
    """Seed genres the words of a refused name point to ("play some jazz for me", "<b>rock</b>"), at most five."""
    if not isinstance(given, str) or len(given) > MAX_NAME_CHARS:
        return []
    return match_rules(normalise_genre(given)).seeds[:MAX_SUGGESTIONS]


def _unknown_detail(given: object, problem: str) -> dict[str, object]:
    """The error detail: a sentence naming the input (shortened), its problem and what it may have meant, plus the
    lists for clients (unknown, suggestions: seed genres its words point to, valid: all 126)."""
    shown = repr(given)
    shown = shown[:60] + "..." if len(shown) > 60 else shown
    suggestions = suggest_seed_genres(given)
    meant = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
    return {
        "message": f"unknown genre {shown}: {problem}{meant}; valid seed genres: {', '.join(SEED_GENRES)}",
        "unknown": [given[:60] if isinstance(given, str) else shown],
        "suggestions": suggestions,
        "valid": list(SEED_GENRES),
    }
