"""Does a Spotify micro-genre belong to a seed genre? A keyword table written by hand, independent of our genre map.

The genre map (genremappings.json) is what the catalog build uses to turn labels into seed genres, so judging the
catalog with it would grade the build by its own rules. This table is the independent judge: a micro-genre
belongs to a seed genre when one of the seed's keywords occurs in it as whole words ("rap" in "melodic rap" and
"k-rap", never in "trap"; hyphens separate words) and none of its exclusions does ("electronic trap" is EDM, not
hip-hop). Keywords were chosen from what the seed genre names in music (Spotify's own micro-genre vocabulary,
e.g. "bossa nova", "mpb", "tropicalia" for bossanova), not from our map's output.

Seeds that name an occasion or a mood rather than a sound (happy, party, summer, work-out, ...) have no keywords:
an artist's genres cannot say whether a track suits a road trip, so the judge answers None for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Final

from shared.genres import SEED_GENRES

_ROCK_ROLL: Final = ("rock-and-roll", "rock and roll", "rockabilly", "doo-wop", "brill building")
_ELECTRONIC: Final = ("edm", "electro", "electronic", "electronica", "house", "techno", "trance", "dubstep", "idm")
_HIP_HOP: Final = ("hip hop", "rap", "trap", "drill", "grime", "boom bap", "g funk", "crunk", "phonk", "hip pop")
_METAL: Final = ("metal", "metalcore", "deathcore", "djent", "grindcore", "thrash")
_LATIN: Final = (
    *("latin", "latino", "reggaeton", "salsa", "bachata", "cumbia", "tropical", "merengue", "banda", "ranchera"),
    *("mariachi", "norteno", "grupera", "corrido", "perreo", "urbano", "bolero", "tango", "son"),
)
# "tropical house" is EDM; "latin" keywords must not take it.
_NOT_LATIN: Final = ("tropical house",)
_BRAZIL: Final = ("brazilian", "mpb", "bossa nova", "samba", "pagode", "forro", "sertanejo", "axe", "funk carioca")
_INDIAN: Final = ("indian", "filmi", "bollywood", "desi", "carnatic", "hindustani", "tamil", "telugu", "punjabi")
_CHILDREN: Final = ("children's music", "kids", "nursery", "cartoon", "lullaby", "kindermusik", "dong-yo")
_SONGWRITER: Final = ("singer-songwriter", "songwriter", "cantautor", "folk", "new americana", "mellow gold")

# seed genre -> (keywords, exclusions). Every seed genre has an entry; () keywords = not judged by artist genre.
KEYWORDS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "acoustic": (("acoustic", "neo mellow", "indiecoustica", "folk", "singer-songwriter", "unplugged"), ()),
    "afrobeat": (("afrobeat", "afrobeats", "afropop", "afro", "highlife", "nigerian", "ghanaian", "azonto"), ()),
    "alt-rock": (("alternative rock", "modern rock", "post-grunge", "indie rock", "grunge", "permanent wave"), ()),
    "alternative": (("alternative", "modern rock", "post-grunge", "indie", "permanent wave", "nu metal"), ()),
    "ambient": (("ambient", "drone", "new age", "neo-classical", "focus", "compositional ambient", "space music"), ()),
    "anime": (("anime", "otacore", "j-pop", "j-rock", "vocaloid", "japanese soundtrack", "seiyu"), ()),
    "black-metal": (("black metal", "blackgaze", "pagan black metal"), ()),
    "bluegrass": (("bluegrass", "banjo", "newgrass", "old-time", "appalachian"), ()),
    "blues": (("blues", "delta blues", "chicago blues", "blues rock", "soul blues"), ()),
    "bossanova": (("bossa nova", "brazilian jazz", "samba jazz", "violao"), ()),
    "brazil": ((*_BRAZIL, "tropicalia", "rock nacional brasileiro", "rock gaucho", "brega"), ()),
    "breakbeat": (("breakbeat", "big beat", "breaks", "nu skool breaks", "rave", "drum and bass", "jungle"), ()),
    "british": (("british", "uk", "brit", "britpop", "merseybeat", "english", "scottish", "welsh", "london"), ()),
    "cantopop": (("cantopop", "c-pop", "hong kong", "mandopop"), ()),
    "chicago-house": (("chicago house", "house", "acid house", "hip house", "deep house"), ()),
    "children": (_CHILDREN, ()),
    "chill": (("chill", "chillhop", "chillwave", "lo-fi", "downtempo", "lounge", "bedroom", "neo mellow"), ()),
    "classical": (
        ("classical", "baroque", "romantic era", "orchestra", "early music", "opera", "choral"),
        ("baroque pop",),
    ),
    "club": (("club", "edm", "house", "dance", "electro house", "big room", "techno"), ("glee club",)),
    "comedy": (("comedy", "comic", "parody", "novelty"), ()),
    "country": (("country", "americana", "honky tonk", "outlaw", "nashville", "bluegrass", "western"), ()),
    "dance": (("dance", "edm", "house", "electropop", "eurodance", "disco", "dance pop", "electro"), ()),
    "dancehall": (("dancehall", "reggae", "soca", "ragga", "reggae fusion"), ()),
    "death-metal": (("death metal", "deathcore", "deathgrind", "melodic death metal", "brutal death metal"), ()),
    "deep-house": (("deep house", "house", "deep groove house", "tropical house"), ()),
    "detroit-techno": (("detroit techno", "techno", "detroit house", "minimal techno", "electro"), ()),
    "disco": (("disco", "post-disco", "nu disco", "italo disco", "funk", "boogie", "motown"), ()),
    "disney": (("disney", "movie tunes", "show tunes", "hollywood", "broadway", "children's music"), ()),
    "drum-and-bass": (("drum and bass", "jungle", "liquid funk", "neurofunk", "breakbeat", "dnb"), ()),
    "dub": (("dub", "dubstep", "reggae", "dub techno", "roots reggae"), ()),
    "dubstep": (("dubstep", "brostep", "riddim", "bass music", "future garage", "post-dubstep"), ()),
    "edm": ((*_ELECTRONIC, "big room", "electropop", "bass music"), ()),
    "electro": (("electro", "electro house", "electropop", "electronic", "electronica", "edm", "synthwave"), ()),
    "electronic": ((*_ELECTRONIC, "big beat", "synthwave", "trip hop", "downtempo", "breakbeat", "bass"), ()),
    "emo": (("emo", "screamo", "pop punk", "post-hardcore", "midwest emo"), ()),
    "folk": (("folk", "americana", "singer-songwriter", "celtic", "traditional", "stomp and holler"), ()),
    "forro": (("forro", "baiao", "xote", "piseiro", "arrocha"), ()),
    "french": (("french", "chanson", "francoton", "variete francaise", "quebecois", "belgian", "rap francais"), ()),
    "funk": (("funk", "p funk", "g funk", "motown", "soul", "boogie", "disco"), ()),
    "garage": (("garage", "garage rock", "uk garage", "speed garage", "2-step", "garage punk"), ()),
    "german": (("german", "deutsch", "schlager", "neue deutsche", "austrian", "swiss", "krautrock"), ()),
    "gospel": (("gospel", "ccm", "worship", "christian", "praise", "spirituals"), ()),
    "goth": (("goth", "gothic", "darkwave", "deathrock", "coldwave", "post-punk"), ()),
    "grindcore": (("grindcore", "deathgrind", "goregrind", "crust", "powerviolence", "noisecore"), ()),
    "groove": (("groove metal", "groove", "funk", "nu metal"), ()),
    "grunge": (("grunge", "post-grunge", "alternative rock", "seattle"), ()),
    "guitar": (("guitar", "instrumental rock", "flamenco", "fingerstyle", "shred", "blues rock"), ()),
    "happy": ((), ()),
    "hard-rock": (("hard rock", "glam metal", "arena rock", "heavy metal", "classic rock", "blues rock"), ()),
    "hardcore": (("hardcore", "hardcore punk", "metalcore", "hardcore hip hop", "gabber", "happy hardcore"), ()),
    "hardstyle": (("hardstyle", "hardcore techno", "rawstyle", "gabber", "jumpstyle", "hard dance"), ()),
    "heavy-metal": (("heavy metal", "metal", "nwobhm", "power metal", "speed metal", "thrash metal"), ()),
    "hip-hop": (_HIP_HOP, ("electronic trap", "bass trap", "trap edm")),
    "holidays": (("christmas", "holiday"), ()),
    "honky-tonk": (("honky tonk", "country", "outlaw country", "western swing", "bakersfield sound"), ()),
    "house": (("house", "deep house", "tech house", "electro house", "big room", "garage house"), ()),
    "idm": (("idm", "intelligent dance music", "glitch", "electronica", "ambient", "braindance", "abstract"), ()),
    "indian": ((*_INDIAN, "ghazal", "sufi", "qawwali", "kollywood", "tollywood", "bhangra"), ()),
    "indie": (("indie", "lo-fi", "bedroom pop", "shoegaze", "dream pop", "art pop", "chamber pop"), ()),
    "indie-pop": (("indie pop", "indie poptimism", "bedroom pop", "indietronica", "dream pop", "chamber pop"), ()),
    "industrial": (("industrial", "ebm", "industrial metal", "industrial rock", "aggrotech", "power electronics"), ()),
    "iranian": (("iranian", "persian"), ()),
    "j-dance": (("j-dance", "japanese electropop", "j-pop", "japanese", "j-idol"), ()),
    "j-idol": (("j-idol", "j-pop girl group", "j-pop boy group", "idol", "j-pop"), ()),
    "j-pop": (("j-pop", "japanese", "j-poprock", "city pop", "anime", "j-idol", "shibuya-kei"), ()),
    "j-rock": (("j-rock", "japanese", "visual kei", "j-poprock", "anime rock", "j-pop"), ()),
    "jazz": (
        ("jazz", "bebop", "bop", "hard bop", "swing", "big band", "dixieland", "ragtime", "stride"),
        ("western swing",),
    ),
    "k-pop": (("k-pop", "korean", "k-rap", "k-indie", "k-rock", "korean r&b", "trot"), ()),
    "kids": (_CHILDREN, ()),
    "latin": (_LATIN, _NOT_LATIN),
    "latino": (_LATIN, _NOT_LATIN),
    "malay": (("malay", "malaysian", "indonesian", "dangdut"), ()),
    "mandopop": (("mandopop", "c-pop", "taiwan", "chinese", "zhongguo feng", "singaporean mandopop"), ()),
    "metal": (_METAL, ()),
    "metal-misc": (_METAL, ()),
    "metalcore": (("metalcore", "melodic metalcore", "deathcore", "post-hardcore", "screamo"), ()),
    "minimal-techno": (("minimal techno", "minimal", "microhouse", "techno", "dub techno"), ()),
    "movies": (("soundtrack", "movie tunes", "score", "scorecore", "hollywood", "show tunes", "filmi"), ()),
    "mpb": (("mpb", "bossa nova", "tropicalia", "samba", "brazilian"), ()),
    "new-age": (("new age", "healing", "meditation", "ambient", "neo-classical", "relaxative"), ()),
    "new-release": ((), ()),
    "opera": (("opera", "operatic", "classical tenor", "soprano", "baritone", "bel canto"), ()),
    "pagode": (("pagode", "samba", "pagode baiano", "axe"), ()),
    "party": ((), ()),
    "philippines-opm": (("opm", "pinoy", "filipino", "tagalog", "manila"), ()),
    "piano": (("piano", "new age piano", "classical piano", "piano rock", "stride"), ()),
    "pop": (("pop",), ()),
    "pop-film": (("filmi", "bollywood", "kollywood", "tollywood", "desi pop", "soundtrack"), ()),
    "post-dubstep": (("post-dubstep", "future garage", "wonky", "chillstep", "future bass", "purple sound"), ()),
    "power-pop": (("power pop", "new wave", "pop rock", "jangle pop"), ()),
    "progressive-house": (("progressive house", "progressive electro house", "progressive trance", "house"), ()),
    "psych-rock": (("psychedelic", "psych", "acid rock", "neo-psychedelic", "space rock", "stoner rock"), ()),
    "punk": (("punk", "hardcore punk", "pop punk", "post-punk", "skate punk", "oi"), ()),
    "punk-rock": (("punk", "pop punk", "punk rock", "skate punk", "post-punk"), ()),
    "r-n-b": (("r&b", "rnb", "quiet storm", "new jack swing", "neo soul", "urban contemporary", "soul"), ()),
    "rainy-day": ((), ()),
    "reggae": (("reggae", "roots reggae", "dub", "ska", "rocksteady", "lovers rock", "dancehall"), ()),
    "reggaeton": (("reggaeton", "perreo", "trap latino", "urbano latino", "latin hip hop", "dembow"), ()),
    "road-trip": ((), ()),
    "rock": (("rock",), ("rock-and-roll", "rock and roll")),
    "rock-n-roll": (_ROCK_ROLL, ()),
    "rockabilly": ((*_ROCK_ROLL, "psychobilly"), ()),
    "romance": (("romantic", "romantico", "bolero", "balada", "quiet storm", "love song"), ()),
    "sad": ((), ()),
    "salsa": (("salsa", "timba", "son cubano", "latin jazz", "boogaloo", "tropical"), ()),
    "samba": (("samba", "pagode", "partido alto", "samba de roda", "velha guarda", "mpb"), ()),
    "sertanejo": (("sertanejo", "sertanejo universitario", "arrocha", "brega"), ()),
    "show-tunes": (("show tunes", "broadway", "west end", "musical", "hollywood", "cabaret"), ()),
    "singer-songwriter": (_SONGWRITER, ()),
    "ska": (("ska", "ska punk", "2 tone", "rocksteady", "ska argentino", "skinhead reggae"), ()),
    "sleep": (("sleep", "white noise", "lullaby", "environmental", "meditation", "healing", "rain"), ()),
    "songwriter": (_SONGWRITER, ()),
    "soul": (("soul", "motown", "neo soul", "northern soul", "r&b", "quiet storm", "funk"), ()),
    "soundtracks": (("soundtrack", "score", "scorecore", "orchestral soundtrack", "video game music"), ()),
    "spanish": (("spanish", "espanol", "flamenco", "cantautor", "latin", "mexican pop", "rock en espanol"), ()),
    "study": (("lo-fi", "study", "focus", "chillhop", "ambient", "neo-classical"), ()),
    "summer": ((), ()),
    "swedish": (("swedish", "svensk", "scandinavian"), ()),
    "synth-pop": (("synthpop", "synth-pop", "new wave", "new romantic", "electropop", "synthwave"), ()),
    "tango": (("tango", "nuevo tango", "bandoneon", "orquesta tipica"), ()),
    "techno": (("techno", "minimal techno", "hard techno", "dub techno", "acid techno", "industrial techno"), ()),
    "trance": (("trance", "progressive trance", "uplifting trance", "psytrance", "goa"), ()),
    "trip-hop": (("trip hop", "downtempo", "electronica", "nu jazz", "big beat"), ()),
    "turkish": (("turkish", "arabesk", "anatolian"), ()),
    "work-out": ((), ()),
    "world-music": (("world", "worship", "ccm", "christian", "afropop", "celtic", "folk"), ()),
}


@cache
def _patterns(seed: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    keywords, exclusions = KEYWORDS[seed]

    def phrase(words: Iterable[str]) -> re.Pattern[str] | None:
        words = list(words)
        return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b") if words else None

    return phrase(keywords), phrase(exclusions)


def _entry(seed: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if seed not in KEYWORDS:
        raise ValueError(f"{seed!r} is not a seed genre (see shared/genres.py)")
    return KEYWORDS[seed]


def judged(seed: str) -> bool:
    """True when an artist's micro-genres can speak for the seed genre (it names a sound, not an occasion)."""
    return bool(_entry(seed)[0])


def micro_genre_plays(micro_genre: str, seed: str) -> bool:
    """True when the micro-genre holds one of the seed's keywords as whole words and none of its exclusions."""
    _entry(seed)
    keywords, exclusions = _patterns(seed)
    text = micro_genre.casefold()
    if keywords is None or not keywords.search(text):
        return False
    return exclusions is None or not exclusions.search(text)


def genres_play(micro_genres: Iterable[str], seed: str) -> bool:
    """True when any of an artist's micro-genres plays the seed genre."""
    return any(micro_genre_plays(micro, seed) for micro in micro_genres)


@cache
def played_seeds(micro_genres: tuple[str, ...]) -> frozenset[str]:
    """Every judged seed genre the micro-genres play (empty: they name no sound the table knows)."""
    return frozenset(seed for seed in SEED_GENRES if judged(seed) and genres_play(micro_genres, seed))


if set(KEYWORDS) != set(SEED_GENRES):  # a new seed genre must be given keywords (or () if not judged)
    raise RuntimeError(f"keyword table and seed genres differ: {sorted(set(KEYWORDS) ^ set(SEED_GENRES))}")
