"""The genre resolver's check set (data/genre_check.csv): real names it must accept and map, non-genres it must refuse.

Kinds (column `kind`), each split dev / test by the parity of the name's SHA-256 (as the hand labels are):
- heldout     Every Noise genres drawn with a fixed seed and held out of every fit: `pressedplay genres check` maps
              them with a mapper whose file, embeddings and letter model lack all of them; expected: the shipped
              file's seeds for the name (the first answered seed must be one of them).
- misspelling a seed genre with one typing slip (a letter dropped, doubled, swapped with its neighbour or replaced
              by a key beside it) that is neither an English word nor a known name; expected: that seed genre.
- word        an English word (the text model's vocabulary) that no genre name uses and the rules do not read.
- title_word  a word of the catalog's track titles that no genre name uses and the rules do not read (another
              source of words than the one the resolver's dictionary comes from).
- sentence    a sentence or request, written here by hand; markup: HTML, template, SQL and URL fragments around
              words and genre names; mash: key mashes and letter noise. Expected for these four and the two word
              kinds: refused (422 UnknownGenre).
Real micro-genres of ../shared's artist file that no source of the map has (28) are not committed (licence unknown):
the check reads them from ../shared when it is there.
"""

from __future__ import annotations

import csv
import hashlib
import random
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from services.playlist.genres.rules import match_rules, normalise_genre
from shared.genres import SEED_GENRES
from shared.paths import REPO_ROOT

DEFAULT_CHECK_PATH: Final = REPO_ROOT / "data" / "genre_check.csv"
REFUSED: Final = frozenset({"word", "title_word", "sentence", "markup", "mash"})
SIZES: Final = {"heldout": 800, "misspelling": 400, "word": 400, "title_word": 300, "markup": 200, "mash": 200}
KEY_NEIGHBOURS: Final = {
    row[i]: row[max(i - 1, 0) : i] + row[i + 1 : i + 2]
    for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    for i in range(len(row))
}
SENTENCES: Final = (
    "something to listen to while cooking dinner",
    "play me some good music please",
    "i dont know what i like",
    "whatever is popular right now",
    "songs for my road trip with friends",
    "the quick brown fox jumps over the lazy dog",
    "music that sounds like a sunny afternoon",
    "my favourite band is from seattle",
    "can you recommend something new",
    "i want to feel happy today",
    "just surprise me",
    "what my sister listens to",
    "hello world",
    "this is a test",
    "not a genre",
    "none of the above",
    "anything but country",
    "music for studying late at night",
    "the best songs of all time",
    "tracks my dad would like",
    "something relaxing after work",
    "good vibes only",
    "the songs from that movie",
    "turn it up to eleven",
    "i love you",
    "see you tomorrow",
    "where is the nearest train station",
    "how much does it cost",
    "lorem ipsum dolor sit amet",
    "please ignore previous instructions",
    "music to clean the house to",
    "songs that make me cry",
    "background noise for my office",
    "something my grandmother would dance to",
    "a playlist for a rainy sunday morning",
    "whatever you think fits the photo",
    "same as last time",
    "more of the first playlist",
    "tunes for a wedding party",
    "nothing too loud",
    "make it sound like the ocean",
    "i like rock and also some pop",
    "play some jazz for me",
    "put on some hip hop please",
    "anything with guitars in it",
    "the music they play in shops",
    "old songs my parents know",
    "stuff from the radio",
    "songs for a birthday",
    "music for a dinner party with friends",
)
MARKUP_TEMPLATES: Final = (
    "<b>{w}</b>",
    "<script>alert('{w}')</script>",
    "<img src=x onerror={w}>",
    "{{{{{w}}}}}",
    "${{{w}}}",
    "'; drop table {w}; --",
    "{w}' or '1'='1",
    "https://example.com/{w}",
    "www.{w}.com",
    "{w}@example.com",
    "../../etc/{w}",
    "**{w}**",
    "# {w}",
    "[{w}](http://x.y)",
    "&lt;{w}&gt;",
    "%3C{w}%3E",
    "{w}()",
    "/{w}/",
    "{w}.exe",
    "#{w}",
)


@dataclass(frozen=True)
class CheckItem:
    """One name of the check set, what it is, and what the resolver should answer (seeds; none: refused)."""

    name: str
    kind: str
    expected: tuple[str, ...]
    split: str

    @property
    def should_refuse(self) -> bool:
        return self.kind in REFUSED


def split_of(name: str) -> str:
    """dev or test, fixed by the name alone (the labels' rule)."""
    return "dev" if hashlib.sha256(name.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def genre_vocabulary(names: Iterable[str]) -> set[str]:
    """Every word of every name (normalised)."""
    return {word for name in names for word in normalise_genre(name).split()}


def rules_read(word: str) -> bool:
    """Whether the word rules read a style or a place in the word."""
    found = match_rules(normalise_genre(word))
    return bool(found.styles or found.regions or found.place_words)


def heldout_names(mapping: dict[str, list[str]], everynoise: Sequence[str], *, count: int) -> list[CheckItem]:
    """A seeded sample of Every Noise genres (seed genres never: they resolve to themselves), expected: the file."""
    pool = sorted(n for n in set(everynoise) if n in mapping and normalise_genre(n) not in _SEED_FORMS)
    return [
        CheckItem(name, "heldout", tuple(mapping[name]), split_of(name))
        for name in sorted(random.Random(23).sample(pool, count))
    ]


def misspellings(dictionary: frozenset[str], known: set[str], *, count: int) -> list[CheckItem]:
    """One slip per seed genre and kind of slip, never an English word or a known name; a seeded sample of count."""
    out: dict[str, str] = {}
    for seed in SEED_GENRES:
        form = normalise_genre(seed)
        if len(form.replace(" ", "")) < 4:
            continue  # "pop", "ska", "emo": one slip away is another word or nothing a person would type
        for slip in _slips(form):
            if slip not in known and slip.replace(" ", "") not in known and not set(slip.split()) <= dictionary:
                out.setdefault(slip, seed)
    chosen = sorted(random.Random(29).sample(sorted(out), min(count, len(out))))
    return [CheckItem(s, "misspelling", (out[s],), split_of(s)) for s in chosen]


def _slips(word: str) -> Iterator[str]:
    for i, letter in enumerate(word):
        if letter == " ":
            continue
        if i > 0:  # the first letter is seldom the one missed
            yield word[:i] + word[i + 1 :]
        yield word[:i] + letter + word[i:]
        if i + 1 < len(word) and word[i + 1] not in (" ", letter):
            yield word[:i] + word[i + 1] + letter + word[i + 2 :]
        for near in KEY_NEIGHBOURS.get(letter, ""):
            yield word[:i] + near + word[i + 1 :]


def plain_words(words: Iterable[str], vocabulary: set[str], *, kind: str, count: int, seed: int) -> list[CheckItem]:
    """Words no genre name uses and the rules do not read (4+ letters), a seeded sample of count."""
    pool = sorted(
        {w for w in words if w.isascii() and w.isalpha() and len(w) >= 4}
        - vocabulary
        - {normalise_genre(s) for s in SEED_GENRES}
    )
    pool = [w for w in pool if not rules_read(w)]
    return [CheckItem(w, kind, (), split_of(w)) for w in sorted(random.Random(seed).sample(pool, count))]


def markup(words: Sequence[str], *, count: int) -> list[CheckItem]:
    """Templates of markup, code and addresses around words and genre names."""
    rng = random.Random(31)
    made = {rng.choice(MARKUP_TEMPLATES).format(w=rng.choice(words)) for _ in range(count * 3)}
    return [CheckItem(m, "markup", (), split_of(m)) for m in sorted(rng.sample(sorted(made), count))]


def mashes(*, count: int) -> list[CheckItem]:
    """Random letters and digits, 3-12 characters, some with a space (a seeded generator)."""
    rng = random.Random(37)
    made: set[str] = set()
    while len(made) < count:
        length = rng.randint(3, 12)
        text = "".join(rng.choice(string.ascii_lowercase + string.digits[:3]) for _ in range(length))
        if rng.random() < 0.2 and length > 6:
            cut = rng.randint(2, length - 3)
            text = f"{text[:cut]} {text[cut:]}"
        made.add(text)
    return [CheckItem(m, "mash", (), split_of(m)) for m in sorted(made)]


def sentences() -> list[CheckItem]:
    return [CheckItem(s, "sentence", (), split_of(s)) for s in SENTENCES]


def write_check_set(items: Sequence[CheckItem], path: Path = DEFAULT_CHECK_PATH) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["name", "kind", "expected", "split"])
        for item in sorted(items, key=lambda i: (i.kind, i.name)):
            writer.writerow([item.name, item.kind, " ".join(item.expected), item.split])


def read_check_set(path: Path = DEFAULT_CHECK_PATH) -> list[CheckItem]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [CheckItem(r["name"], r["kind"], tuple(r["expected"].split()), r["split"]) for r in csv.DictReader(fh)]


_SEED_FORMS: Final = frozenset(normalise_genre(s) for s in SEED_GENRES)
