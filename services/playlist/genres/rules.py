"""Word rules that map a micro-genre name onto seed genres: style words first, then the name's language or region.

A name is read as tokens ("polish shoegaze" -> polish, shoegaze). Style phrases are matched longest first so
"deep house" wins over "house"; a style nearer the end of the name ranks first because English genre names put
the head last ("indie folk" is folk). Place words add the seed genre of their language or region where Spotify
has one (french, german, brazil, latin ...); Japanese, Korean and Chinese words add their pop-family seed only to
popular styles ("japanese rock" -> j-rock, "japanese jazz" -> jazz alone).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from services.playlist.genres.words import (
    CJK_SEEDS,
    GLUED_SUFFIXES,
    KEYBOARD_ROWS,
    PLACE_SEEDS,
    PLACE_TABLE,
    SCENE_SEEDS,
    STYLE_FAMILY,
    STYLE_TABLE,
)
from shared.genres import SEED_GENRE_SET

MAX_SEEDS = 3


@dataclass(frozen=True)
class RuleTables:
    """Parsed rule tables: style phrase -> seeds, place word -> region seed ("" none, "cjk" by style)."""

    styles: Mapping[tuple[str, ...], tuple[str, ...]]
    kinds: Mapping[tuple[str, ...], str]
    places: Mapping[str, str]
    longest: int


def normalise_genre(name: str) -> str:
    """Lower-case, accents and punctuation folded, hyphens as spaces: the form names are compared in."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("’", "")
    text = re.sub(r"\s*&\s*", "&", text)  # "r & b" and "r&b" alike
    text = re.sub(r"[^\w&+]+", " ", text)
    return " ".join(text.replace("_", " ").split())


@cache
def rule_tables() -> RuleTables:
    """The parsed tables (checked: every seed named is one of the 126)."""
    styles: dict[tuple[str, ...], tuple[str, ...]] = {}
    kinds: dict[tuple[str, ...], str] = {}
    for entry in re.split(r"[;\n]", STYLE_TABLE):
        if "=" not in entry:
            continue
        phrase, _, seeds = entry.strip().partition("=")
        kind = {"~": "region", "-": "modifier", "+": "secondary"}.get(phrase[:1], "style")
        phrase = phrase.lstrip("~-+")
        values = tuple(s.strip() for s in seeds.split(",") if s.strip())
        bad = [v for v in values if v not in SEED_GENRE_SET]
        if bad:
            raise ValueError(f"genre rule {phrase.strip()!r} names non-seed genres {bad}")
        styles[tuple(normalise_genre(phrase).split())] = values
        kinds[tuple(normalise_genre(phrase).split())] = kind
    places: dict[str, str] = {}
    for block in re.split(r"\n(?=[\w-]+=)", PLACE_TABLE.strip()):
        seed, _, body = block.partition("=")
        for word in body.split():
            places[word] = {"none": ""}.get(seed, "cjk" if seed in CJK_SEEDS else seed)
    for seed in places.values():
        if seed not in ("", "cjk") and seed not in SEED_GENRE_SET:
            raise ValueError(f"place rule names non-seed genre {seed!r}")
    return RuleTables(styles=styles, kinds=kinds, places=places, longest=max(len(k) for k in styles))


@dataclass(frozen=True)
class RuleMatch:
    """What the rules read in a name: style seeds (best first), region seeds, and how much of the name was known."""

    styles: tuple[str, ...]
    regions: tuple[str, ...]
    place_words: tuple[str, ...]
    known_tokens: int
    tokens: int

    @property
    def seeds(self) -> list[str]:
        """Styles then regions, de-duplicated, at most three."""
        out: list[str] = []
        for seed in (*self.styles, *self.regions):
            if seed not in out:
                out.append(seed)
        return out[:MAX_SEEDS]


def match_rules(normalised: str) -> RuleMatch:
    """Read a normalised name with the word rules."""
    tables = rule_tables()
    tokens = normalised.split()
    taken = [False] * len(tokens)
    found: list[tuple[int, int, tuple[str, ...], str]] = []  # (end, length, seeds, kind)
    for size in range(min(tables.longest, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            if any(taken[start : start + size]):
                continue
            seeds = tables.styles.get(tuple(tokens[start : start + size]))
            if seeds is None:
                continue
            taken[start : start + size] = [True] * size
            found.append((start + size, size, seeds, tables.kinds[tuple(tokens[start : start + size])]))
    for i, token in enumerate(tokens):
        if not taken[i] and token not in tables.places:
            seeds = _glued_style(token, tables)
            if seeds:
                taken[i] = True
                found.append((i + 1, 1, seeds, "style"))
    found.sort(key=lambda f: (-f[0], -f[1]))
    styles = tuple(s for _, _, seeds, kind in found if kind == "style" for s in seeds)
    styles += tuple(s for _, _, seeds, kind in found if kind == "secondary" for s in seeds)
    if not styles:
        styles = tuple(s for _, _, seeds, kind in found if kind == "modifier" for s in seeds)
    regions: list[str] = [s for _, _, seeds, kind in found if kind == "region" for s in seeds]
    place_words: list[str] = []
    for i, token in enumerate(tokens):
        place = tables.places.get(token)
        if place is None or taken[i]:
            continue
        taken[i] = True
        place_words.append(token)
        if place == "cjk":
            region = _cjk_seed(token, styles, idol="idol" in tokens)
            if region:
                regions.append(region)
        elif place:
            regions.append(place)
    if place_words:
        # A style's own region ("grime" is british) gives way to the name's place ("russian grime").
        styles = tuple(s for s in styles if s not in PLACE_SEEDS or s in regions)
    if styles and regions and regions[0] in SCENE_SEEDS and styles[0] in ("pop", "rock", "dance", "edm"):
        styles = (regions[0], *styles)  # "japanese rock" is j-rock first, then rock
    return RuleMatch(
        styles=styles,
        regions=tuple(regions),
        place_words=tuple(place_words),
        known_tokens=sum(taken),
        tokens=len(tokens),
    )


def _cjk_seed(token: str, styles: tuple[str, ...], *, idol: bool) -> str | None:
    """The pop-scene seed for a Japanese/Korean/Chinese word, given the styles it accompanies."""
    key = {"japan": "japanese", "tokyo": "japanese", "osaka": "japanese", "korea": "korean", "seoul": "korean"}.get(
        token, token
    )
    key = {"chinese": "mandarin", "china": "mandarin", "taiwanese": "mandarin", "taiwan": "mandarin"}.get(key, key)
    key = {"hong": "cantonese", "kong": "cantonese"}.get(key, key)
    by_family = CJK_SEEDS.get(key, {})
    if key == "japanese" and "pop" in styles and idol:
        return "j-idol"
    if not styles:
        return by_family.get("pop")
    family = STYLE_FAMILY.get(styles[0])
    return by_family.get(family) if family else None


def _glued_style(token: str, tables: RuleTables) -> tuple[str, ...] | None:
    """Seeds for a compound word ("deutschrap", "blackgaze", "elektropunk") from its last known part."""
    for suffix in GLUED_SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix) + 1:
            head = tables.styles.get((suffix,))
            if suffix == "step":
                head = ("dubstep",)
            elif suffix == "wave":
                head = ("synth-pop", "electronic")
            if head:
                prefix = token[: -len(suffix)]
                region = tables.places.get(prefix) or {"deutsch": "german", "brit": "british"}.get(prefix)
                return (*head, region) if region and region != "cjk" else head
    return None


# A word whose letter trigrams are this improbable (mean log-probability under a model of the known names' words)
# reads as a key mash. Chosen on the dev part of data/genre_check.csv, its held-out names out of the model: the
# lowest real word there, "wu", scores -4.33; 62 of 115 mash words score below (it was -4.7, from the hand labels,
# whose lowest word "usbm" scores -4.62).
MASH_LOG_PROB = -4.4
_LETTER_ALPHABET = 30  # add-k smoothing spreads over about this many characters (a-z, digits seldom, "$" end)


@dataclass(frozen=True)
class LetterModel:
    """Letter-trigram counts of known genre names' words: how much a new word looks like one of them."""

    trigrams: Mapping[str, int]
    bigrams: Mapping[str, int]

    @classmethod
    def of(cls, names: Iterable[str]) -> LetterModel:
        """Count the trigrams of every word of names (each word padded with "^^" and "$")."""
        trigrams: Counter[str] = Counter()
        bigrams: Counter[str] = Counter()
        for name in names:
            for word in normalise_genre(name).split():
                padded = f"^^{word}$"
                for i in range(len(padded) - 2):
                    trigrams[padded[i : i + 3]] += 1
                    bigrams[padded[i : i + 2]] += 1
        return cls(trigrams=trigrams, bigrams=bigrams)

    def log_prob(self, word: str) -> float:
        """Mean log-probability per trigram of word (higher: more like a known genre word)."""
        padded = f"^^{word}$"
        smoothing = 0.1 * _LETTER_ALPHABET
        logs = [
            math.log(
                (self.trigrams.get(padded[i : i + 3], 0) + 0.1) / (self.bigrams.get(padded[i : i + 2], 0) + smoothing)
            )
            for i in range(len(padded) - 2)
        ]
        return sum(logs) / len(logs)


def looks_like_garbage(normalised: str, *, letters: LetterModel | None = None) -> bool:
    """True when no word could be a genre: no letters, or every word is a keyboard run, vowel-less, one letter
    repeated or (with letters) a key mash ("asdf", "zzqx", "fjdksl"); rule words (edm, dnb) are never garbage."""
    tokens = normalised.split()
    if not tokens or not re.search(r"[^\W\d_]", normalised):
        return True
    tables = rule_tables()
    return all(_junk_token(t, tables, letters) for t in tokens)


def _junk_token(token: str, tables: RuleTables, letters: LetterModel | None) -> bool:
    if (token,) in tables.styles or token in tables.places:
        return False
    rows = (*KEYBOARD_ROWS, *(r[::-1] for r in KEYBOARD_ROWS))
    keyboard_run = len(token) >= 3 and any(token in row for row in rows)
    # Four letters without a vowel: Every Noise's real ones (cdmx, czsk, lldm) sit beside a known word or in the file.
    no_vowel = len(token) >= 4 and not re.search(r"[aeiouy]", token)
    mash = letters is not None and letters.log_prob(token) < MASH_LOG_PROB
    return keyboard_run or no_vowel or mash or (len(token) >= 3 and len(set(token)) == 1)
