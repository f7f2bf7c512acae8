"""Words that say a name is about music even when no style word is in it: "music" and "song" in the languages
Spotify's genre names use, the words for a band or an ensemble, and the world's instruments.

Spotify names many micro-genres after an instrument ("mbira", "bandoneon", "hardingfele") or as "<place> music" in
the place's own language ("musica costarricense", "vaikiskos dainos", "lagu timur"). Such a name is a genre even when
the text model's neighbours are far or disagree, so the resolver accepts it and lets the neighbours choose the seed
(services/playlist/genres/mapping.py). The lists are general vocabulary written from dictionaries of the languages
and instrument classifications (Hornbostel-Sachs families), not from the genre file; a request ("play some music",
"music for studying") is still a sentence: REQUEST_WORDS keep such names out.
"""

from __future__ import annotations

import itertools
from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "music", "song(s)", "dance", "band", "choir", "orchestra" and the like, folded as normalise_genre folds them.
MUSIC_WORDS: Final = _words(
    """
    music musics musica musicas musique musiques musik musikk musiikki muusika muziek muzyka muzika muzica muzik
    musiqi musiqa hudba glasba zene zenei tonlist nhac lagu
    song songs canzone canzoni cancion canciones cancao cancoes chanson chansons chant chants canto cantos cante
    lied lieder sange sanger sangen laulu laulut dainos dainas dziesmas piosenki pesni pisni pjesme pesme
    sarki sarkilari turku sevdah tarab
    dance dances danza danzas danse danses tanz tanze dans danser tanssi tanec
    band bands banda bandas ensemble ensembles orchestra orchestre orquesta orquestra orkester orkest orkiestra
    choir choirs chorus chor coro coros kor koor kuoro chorale
    quartet quartets quartett kwartet trio trios quintet combo
    ballad ballads ballade ballada balada baladas hymn hymns himnos
    """
)

# Instruments of the world, by the families of Hornbostel-Sachs; Spotify names genres after many of them.
INSTRUMENTS: Final = _words(
    """
    violin violins viola violas cello cellos fiddle fiddles contrabass bassoon oboe clarinet clarinets
    flute flutes piccolo recorder saxophone sax trumpet trumpets cornet trombone tuba euphonium horn horns bugle
    harp harps harpsichord clavichord piano pianos organ organs harmonium accordion accordions concertina
    bandoneon bandoneons melodeon harmonica melodica guitar guitars guitarra guitarras gitarre gitar gitara
    mandolin mandolins mandolina bandolim bandola banjo banjos ukulele ukuleles charango cavaquinho
    tiple requinto vihuela lute lutes oud saz baglama bouzouki bouzoukia baglamas tzouras
    sitar sarod sarangi santoor santur santoori veena vina tanpura tambura tabla mridangam dholak dhol shehnai
    bansuri ghatam kanjira nadaswaram
    erhu pipa guzheng guqin dizi sheng suona yangqin koto shamisen shakuhachi biwa taiko gayageum geomungo
    haegeum daegeum kulintang gamelan angklung kacapi suling rebab kendang sasando
    kora ngoni balafon mbira kalimba likembe djembe sabar bougarabou krar masenqo begena
    valiha kissar kamancheh kamancha setar tanbur dutar dotar rubab duduk zurna kaval gaida gajda
    gaita gaitas bagpipe bagpipes zampogna launeddas cornemuse dudy duda uilleann bodhran
    balalaika domra dombra gusli bayan garmon komuz kobyz igil doshpuluur
    kantele jouhikko hardingfele nyckelharpa langeleik trekkspill torupill kokle kankles citera cimbalom
    cimbal dulcimer dulcimers zither zithers psaltery
    marimba marimbas xylophone vibraphone glockenspiel celesta steelpan handpan
    drum drums drummer drumline percussion timbales congas conga bongo bongos cajon guiro maracas claves
    cuica pandeiro berimbau surdo tamborim agogo atabaque tambora tamboura tambourine timpani cymbals
    didgeridoo didjeridu theremin synthesizer synthesizers
    kubing khomus vargan morsing ocarina panpipes quena zampona siku sikus
    shofar kazoo pennywhistle
    """
)
# Instruments named in two words, matched as phrases (their words alone are too common: "double", "steel").
INSTRUMENT_PHRASES: Final = frozenset(
    tuple(p.split())
    for p in (
        "double bass",
        "talking drum",
        "hammered dulcimer",
        "hurdy gurdy",
        "steel pan",
        "steel drum",
        "steel drums",
        "jaw harp",
        "mouth harp",
        "morin khuur",
        "ondes martenot",
        "pan flute",
        "tin whistle",
        "bajo sexto",
        "dan bau",
        "dan tranh",
        "uilleann pipes",
        "music box",
        "musical saw",
        "tres cubano",
    )
)

# Words of a request or a sentence: a name with one of them is not a genre name, music word or not ("play some
# music", "music for studying"); none of the 6,302 known names uses any of them.
REQUEST_WORDS: Final = _words(
    """i me my you your we us our they them it is are am be can how what that this the from with like just all
    some play please want need give something anything for to while when"""
)


def reads_as_request(words: list[str]) -> bool:
    """A word of a request or a sentence ("tunes for a wedding party"): no genre name has one."""
    return any(w in REQUEST_WORDS for w in words)


def names_music(words: list[str]) -> bool:
    """Whether the words name music (a music word or an instrument) and read as a name, not as a request."""
    if reads_as_request(words):
        return False
    pairs = itertools.pairwise(words)
    return any(w in MUSIC_WORDS or w in INSTRUMENTS for w in words) or any(p in INSTRUMENT_PHRASES for p in pairs)
