"""MusicBrainz's genre list (data/musicbrainz_genres.txt) and the rule it serves: a name the list holds is a genre,
however far its neighbours are (services/playlist/genres/listed_genres.py, pipeline/genres/listed_genres.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.data_errors import DatasetError
from pipeline.genres.listed_genres import HEADER, musicbrainz_genre_names, write_listed_genres
from services.playlist.genres.embedding import GenreEmbeddingIndex
from services.playlist.genres.listed_genres import DEFAULT_LISTED_GENRES_PATH, listed_genres, read_listed_genres
from services.playlist.genres.mapping import GenreMapper, resolve_seed_genres
from services.playlist.genres.rules import normalise_genre
from shared.errors import InvalidInput
from shared.genres import SEED_GENRE_SET
from shared.paths import REPO_ROOT
from tests.unit.test_genre_map import SMALL_MAP, trigram_encoder

MBID = "18797864-41b0-4602-8241-adbee761774c"


def _mapper(listed: set[str]) -> GenreMapper:
    keys = list(SMALL_MAP)
    index = GenreEmbeddingIndex(keys, trigram_encoder(keys), encoder=trigram_encoder)
    return GenreMapper(SMALL_MAP, embeddings=index, listed=frozenset(listed))


@pytest.mark.parametrize("name", ["red dirt", "powerviolence", "Coupé-Décalé"])
def test_a_listed_name_is_accepted_and_mapped_however_far_its_neighbours(name: str) -> None:
    # Unlisted, "red dirt" is two plain English words and "powerviolence" a coinage far from every known name.
    assert _mapper(set()).map(name) == []
    seeds = _mapper({"red dirt", "powerviolence", "coupe decale"}).map(name)
    assert seeds and set(seeds) <= SEED_GENRE_SET
    assert resolve_seed_genres([name], _mapper({normalise_genre(name)})) == seeds


def test_a_listed_name_is_not_corrected_into_a_genre_one_slip_away() -> None:
    # Unlisted, "zeuhk" is a slip of the known "zeuhl" and takes its entry; listed (as "porro" is, one slip from
    # "forro"), it is a genre of its own and its neighbours choose its seed.
    assert _mapper(set()).map("zeuhk") == ["psych-rock", "rock"]
    assert _mapper({"zeuhk"}).map("zeuhk") == ["psych-rock"]
    assert _mapper({"zeuhk"}).confidence("zeuhk") is None  # accepted by the list, never by the floor


@pytest.mark.parametrize("junk", ["banana split", "zzqx vanuatu", "play some red dirt for me", "<b>red dirt</b>"])
def test_non_genres_are_still_refused_beside_the_list(junk: str) -> None:
    mapper = _mapper({"red dirt", "powerviolence"})
    assert mapper.map(junk) == []
    with pytest.raises(InvalidInput):
        resolve_seed_genres([junk], mapper)


def test_without_the_file_the_rule_is_off(tmp_path: Path) -> None:
    assert read_listed_genres(tmp_path / "missing.txt") == frozenset()


def test_the_shipped_file_is_musicbrainz_names_folded_sorted_with_its_attribution() -> None:
    lines = DEFAULT_LISTED_GENRES_PATH.read_text(encoding="utf-8").splitlines()
    assert tuple(lines[: len(HEADER)]) == HEADER and "CC0" in lines[0] and "MusicBrainz" in lines[0]
    names = lines[len(HEADER) :]
    assert names == sorted(set(names)) and 1900 <= len(names) <= 2500
    assert all(name and normalise_genre(name) == name for name in names)
    assert {"makossa", "schranz", "red dirt", "ars subtilior", "coupe decale"} <= listed_genres()
    readme = (REPO_ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "musicbrainz_genres.txt" in readme and "CC0" in readme


def test_the_builder_writes_the_names_of_musicbrainz_rows_from_json_or_csv(tmp_path: Path) -> None:
    page = {"genre-count": 2, "genres": [{"id": MBID, "name": "Coupé-Décalé"}, {"id": MBID, "name": "2 tone"}]}
    (tmp_path / "all.json").write_text(json.dumps(page), encoding="utf-8")
    (tmp_path / "all.csv").write_text(f"genre_id,name\nhttps://musicbrainz.org/genre/{MBID},Red Dirt\n", "utf-8")
    assert write_listed_genres(tmp_path / "all.json", tmp_path / "out.txt") == 2
    assert read_listed_genres(tmp_path / "out.txt") == {"coupe decale", "2 tone"}
    assert write_listed_genres(tmp_path / "all.csv", tmp_path / "out.txt") == 1
    assert read_listed_genres(tmp_path / "out.txt") == {"red dirt"}


@pytest.mark.parametrize(
    "rows",
    [[{"name": "dalarna indie"}], [{"id": "42", "name": "makossa"}], [{"id": MBID, "name": "  "}]],
)
def test_a_list_without_musicbrainz_ids_is_refused_rather_than_shipped(rows: list[dict[str, str]]) -> None:
    with pytest.raises(DatasetError, match="MBID"):
        musicbrainz_genre_names(rows)


def test_an_unreadable_or_empty_source_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "empty.json").write_text('{"genres": []}', encoding="utf-8")
    with pytest.raises(DatasetError, match="cannot read"):
        write_listed_genres(tmp_path / "bad.json", tmp_path / "out.txt")
    with pytest.raises(DatasetError, match="no MusicBrainz genres"):
        write_listed_genres(tmp_path / "empty.json", tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()
