"""Genre truth in the catalog build: the artists' genres referee every label, the labels of tracks no artist
speaks for are believed as far as they proved right, and a thin genre keeps its best candidates."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.catalog.genre_truth import (
    MIN_GENRE_TRACKS,
    Decision,
    Evidence,
    believe_by_reliability,
    decide,
    keep_thin_genres,
    thin_genre_floor,
)
from pipeline.catalog.label_reliability import LabelReliability, proposals

MAP = {
    "album rock": ["rock", "hard-rock"],
    "classic rock": ["rock", "hard-rock"],
    "latin pop": ["latin", "pop"],
    "tropical": ["latin"],
    "rock-and-roll": ["rock-n-roll", "rockabilly"],
    "adult standards": ["jazz", "pop"],
    "indie folk": ["folk", "indie"],
    "gangster rap": ["hip-hop"],
}


def mapped(label: str) -> Sequence[str]:
    return MAP.get(label, [])


def believe_all(scores: dict[str, float], own: set[str]) -> tuple[dict[str, float], set[str]]:
    return dict(scores), set()


def test_a_label_the_known_artist_contradicts_goes_whoever_gave_it() -> None:
    # Kansas in a latin playlist; Kaggle calls Bill Haley jazz; Bon Iver sits in a rap playlist.
    kansas = Evidence([], ["latin pop"], ["latin"], ("album rock", "classic rock"))
    assert decide(kansas, mapped, believe_all).seeds == ["rock", "hard-rock"]
    assert set(decide(kansas, mapped, believe_all).contradicted) == {"latin", "pop"}
    haley = Evidence(["jazz"], [], [], ("rock-and-roll", "adult standards"))
    assert "jazz" not in decide(haley, mapped, believe_all).seeds
    assert decide(haley, mapped, believe_all).seeds[0] == "rock-n-roll"
    bon_iver = Evidence([], ["gangster rap"], [], ("indie folk",))
    assert decide(bon_iver, mapped, believe_all).seeds == ["folk", "indie"]


def test_an_occasion_label_is_not_a_sound_no_artist_can_contradict_it() -> None:
    happy = Evidence(["happy"], [], [], ("gangster rap",))
    assert set(decide(happy, mapped, believe_all).seeds) == {"hip-hop", "happy"}
    # ... but a stand-in occasion (served by feature ranges or the holiday mask) never becomes a label.
    assert decide(Evidence(["holidays", "pop"], [], [], None), mapped, believe_all).seeds == ["pop"]


def test_an_artist_whose_genres_name_no_sound_cannot_referee() -> None:
    redneck = Evidence(["country"], [], [], ("redneck",))
    decision = decide(redneck, mapped, believe_all)
    assert decision.seeds == ["country"] and decision.contradicted == []


def test_known_collaborators_veto_what_none_of_them_plays() -> None:
    # Jack Harlow is not in the artist file; he records with Drake and DaBaby. The Kaggle subset calls him k-pop.
    harlow = Evidence(["k-pop"], ["gangster rap"], [], None, collaborator_genres=("rap", "trap", "hip hop"))
    assert decide(harlow, mapped, believe_all).seeds == ["hip-hop"]


def reliability_from(
    tracks: int, right: int, label: tuple[str, str], seed: str, plays: str = "tropical"
) -> LabelReliability:
    """Known-artist tracks carrying `label`: the first `right` by an artist that plays `seed` (genre `plays`)."""
    table = LabelReliability()
    for index in range(tracks):
        table.observe([(label, seed, 0)], (plays,) if index < right else ("album rock",))
    return table


def test_labels_are_believed_as_far_as_they_proved_right_on_known_artists() -> None:
    # "tropical" proposes latin; it was right for 20 of 200 known-artist tracks.
    table = reliability_from(200, 20, ("subgenre", "tropical"), "latin")
    assert table.of(("subgenre", "tropical"), "latin") < 0.15
    found = [(("subgenre", "tropical"), "latin", 0)]
    believed, doubted = believe_by_reliability(found, table.of, lambda seed: True, {"latin": 0.5}, set())
    assert believed == {} and doubted == {"latin"}
    good = reliability_from(200, 190, ("subgenre", "tropical"), "latin")
    believed, _ = believe_by_reliability(found, good.of, lambda seed: False, {"latin": 0.5}, set())
    assert list(believed) == ["latin"]


def test_a_label_no_known_artist_carried_gets_its_kinds_share_and_nothing_doubts_an_uncalibrated_build() -> None:
    table = reliability_from(200, 180, ("own", "pop"), "pop", plays="dance pop")
    assert 0.85 < table.of(("own", "iranian"), "iranian") < 0.91  # the own labels' 90%, smoothed
    assert LabelReliability().of(("own", "iranian"), "iranian") == 1.0  # no artist file: believe the source
    assert proposals(["jazz", "adult standards"], [], ["tropical"], mapped) == [
        (("own", "jazz"), "jazz", 0),
        (("own", "adult standards"), "jazz", 0),
        (("own", "adult standards"), "pop", 1),
        (("playlist", "tropical"), "latin", 0),
    ]


def test_a_thin_genre_gets_back_its_best_candidates_but_never_a_contradicted_one() -> None:
    decisions = [Decision(["pop"], {"pop": 1.0, "bossanova": 0.4}, unheard=["bossanova"]) for _ in range(60)]
    decisions += [Decision(["rock"], {"rock": 1.0, "bossanova": 0.9}, contradicted=["bossanova"]) for _ in range(60)]
    decisions += [Decision(["bossanova"], {"bossanova": 1.0}) for _ in range(5)]
    added = keep_thin_genres(decisions, [set() for _ in decisions])
    assert added == {"bossanova": MIN_GENRE_TRACKS - 5}
    assert all("bossanova" not in d.seeds for d in decisions[60:120])
    assert sum("bossanova" in d.seeds for d in decisions) == MIN_GENRE_TRACKS
    # A doubted label (right for too few known-artist tracks) is not given back either.
    doubted = [Decision([], {"j-dance": 1.0}, unheard=["j-dance"], doubted=["j-dance"]) for _ in range(10)]
    assert keep_thin_genres(doubted, [set() for _ in doubted]) == {}


def test_a_known_artist_none_of_whose_proposed_seeds_they_play_gets_what_they_play() -> None:
    # Apashe: "bass trap" is electronic by the keywords, not hip-hop; the map proposes nothing for it here.
    apashe = Evidence([], ["gangster rap"], [], ("bass trap",))
    decision = decide(apashe, mapped, believe_all)
    assert decision.contradicted == ["hip-hop"] and decision.seeds == ["electronic"]


def test_a_thin_genre_takes_last_the_tracks_whose_artists_play_it_though_nothing_proposed_it() -> None:
    # j-dance: its source tracks were dancehall (contradicted); Japanese artists play it by the keyword table.
    decisions = [Decision([], {"j-dance": 1.0}, contradicted=["j-dance"]) for _ in range(30)]
    japanese = [decide(Evidence(["j-pop"], [], [], ("japanese electropop",)), mapped, believe_all) for _ in range(50)]
    assert japanese[0].seeds == ["j-pop"] and "j-dance" in japanese[0].also_plays
    added = keep_thin_genres(decisions + japanese, [set() for _ in range(80)])
    assert added["j-dance"] == MIN_GENRE_TRACKS
    assert not any("j-dance" in d.seeds for d in decisions)
    assert sum("j-dance" in d.seeds for d in japanese) == MIN_GENRE_TRACKS


def test_a_small_catalog_has_no_genre_worth_filling() -> None:
    # A test fixture or an operator's short list: the build adds nothing its evidence did not decide.
    assert thin_genre_floor(53_957) == MIN_GENRE_TRACKS and thin_genre_floor(10_000) == 20
    assert thin_genre_floor(3) == 0
    decisions = [Decision(["pop"], {"pop": 1.0, "rock": 0.5}, unheard=["rock"]) for _ in range(3)]
    assert keep_thin_genres(decisions, [set() for _ in decisions], thin_genre_floor(3)) == {}
