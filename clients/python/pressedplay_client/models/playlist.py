from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.playlist_mode import PlaylistMode
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.attention_grid import AttentionGrid
    from ..models.audio_features import AudioFeatures
    from ..models.photo_mood import PhotoMood
    from ..models.playlist_genre_look_type_0 import PlaylistGenreLookType0
    from ..models.playlist_photo import PlaylistPhoto
    from ..models.spotify_playlist_ref import SpotifyPlaylistRef
    from ..models.track import Track


T = TypeVar("T", bound="Playlist")


@_attrs_define
class Playlist:
    """A playlist made from a photo: what the model read in it (features, mood, genre look) and the tracks chosen.

    Attributes:
        created_at (datetime.datetime):
        features (AudioFeatures): The 8 Spotify audio features in Spotify's own units (loudness in dB, the rest in [0,
            1]).
        genres (list[str]): The seed genres the tracks were drawn from (empty: any genre).
        id (str):
        mode (PlaylistMode):
        model_version (str):
        tracks (list[Track]):
        attention (AttentionGrid | None | Unset): What made the photo feel the way it does: the web page draws it over
            the photo.
        genre_look (None | PlaylistGenreLookType0 | Unset): How much the photo looks like the album covers of each
            genre; sums to 1.
        mood (None | PhotoMood | Unset): Absent for models without a mood head.
        photos (list[PlaylistPhoto] | Unset): The photos the playlist follows, in playing order (one for a single
            photo); the top-level features, mood and genre look are their mean.
        spotify (None | SpotifyPlaylistRef | Unset): The playlist on the user's Spotify account; absent when not signed
            in.
        spotify_pending (bool | Unset): True when, signed in, Spotify could not take the playlist (a warning says why):
            POST /v1/playlists/{id}/spotify saves it again. Default: False.
        takes (list[str] | Unset): Every take of this photo, oldest first, this one included (POST .../takes makes
            another; GET any of them to go back). Empty for a playlist with no other take.
        warnings (list[str] | Unset): What the recommender had to relax, and which photos of an album were left out and
            why.
    """

    created_at: datetime.datetime
    features: AudioFeatures
    genres: list[str]
    id: str
    mode: PlaylistMode
    model_version: str
    tracks: list[Track]
    attention: AttentionGrid | None | Unset = UNSET
    genre_look: None | PlaylistGenreLookType0 | Unset = UNSET
    mood: None | PhotoMood | Unset = UNSET
    photos: list[PlaylistPhoto] | Unset = UNSET
    spotify: None | SpotifyPlaylistRef | Unset = UNSET
    spotify_pending: bool | Unset = False
    takes: list[str] | Unset = UNSET
    warnings: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.attention_grid import AttentionGrid  # noqa: PLC0415
        from ..models.audio_features import AudioFeatures  # noqa: PLC0415
        from ..models.photo_mood import PhotoMood  # noqa: PLC0415
        from ..models.playlist_genre_look_type_0 import PlaylistGenreLookType0  # noqa: PLC0415
        from ..models.playlist_photo import PlaylistPhoto  # noqa: PLC0415
        from ..models.spotify_playlist_ref import SpotifyPlaylistRef  # noqa: PLC0415
        from ..models.track import Track  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        features = self.features.to_dict()

        genres = self.genres

        id = self.id

        mode = self.mode.value

        model_version = self.model_version

        tracks = []
        for tracks_item_data in self.tracks:
            tracks_item = tracks_item_data.to_dict()
            tracks.append(tracks_item)

        attention: dict[str, Any] | None | Unset
        if isinstance(self.attention, Unset):
            attention = UNSET
        elif isinstance(self.attention, AttentionGrid):
            attention = self.attention.to_dict()
        else:
            attention = self.attention

        genre_look: dict[str, Any] | None | Unset
        if isinstance(self.genre_look, Unset):
            genre_look = UNSET
        elif isinstance(self.genre_look, PlaylistGenreLookType0):
            genre_look = self.genre_look.to_dict()
        else:
            genre_look = self.genre_look

        mood: dict[str, Any] | None | Unset
        if isinstance(self.mood, Unset):
            mood = UNSET
        elif isinstance(self.mood, PhotoMood):
            mood = self.mood.to_dict()
        else:
            mood = self.mood

        photos: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.photos, Unset):
            photos = []
            for photos_item_data in self.photos:
                photos_item = photos_item_data.to_dict()
                photos.append(photos_item)

        spotify: dict[str, Any] | None | Unset
        if isinstance(self.spotify, Unset):
            spotify = UNSET
        elif isinstance(self.spotify, SpotifyPlaylistRef):
            spotify = self.spotify.to_dict()
        else:
            spotify = self.spotify

        spotify_pending = self.spotify_pending

        takes: list[str] | Unset = UNSET
        if not isinstance(self.takes, Unset):
            takes = self.takes

        warnings: list[str] | Unset = UNSET
        if not isinstance(self.warnings, Unset):
            warnings = self.warnings

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "features": features,
                "genres": genres,
                "id": id,
                "mode": mode,
                "model_version": model_version,
                "tracks": tracks,
            }
        )
        if attention is not UNSET:
            field_dict["attention"] = attention
        if genre_look is not UNSET:
            field_dict["genre_look"] = genre_look
        if mood is not UNSET:
            field_dict["mood"] = mood
        if photos is not UNSET:
            field_dict["photos"] = photos
        if spotify is not UNSET:
            field_dict["spotify"] = spotify
        if spotify_pending is not UNSET:
            field_dict["spotify_pending"] = spotify_pending
        if takes is not UNSET:
            field_dict["takes"] = takes
        if warnings is not UNSET:
            field_dict["warnings"] = warnings

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attention_grid import AttentionGrid  # noqa: PLC0415
        from ..models.audio_features import AudioFeatures  # noqa: PLC0415
        from ..models.photo_mood import PhotoMood  # noqa: PLC0415
        from ..models.playlist_genre_look_type_0 import PlaylistGenreLookType0  # noqa: PLC0415
        from ..models.playlist_photo import PlaylistPhoto  # noqa: PLC0415
        from ..models.spotify_playlist_ref import SpotifyPlaylistRef  # noqa: PLC0415
        from ..models.track import Track  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        features = AudioFeatures.from_dict(d.pop("features"))

        genres = cast(list[str], d.pop("genres"))

        id = d.pop("id")

        mode = PlaylistMode(d.pop("mode"))

        model_version = d.pop("model_version")

        tracks = []
        _tracks = d.pop("tracks")
        for tracks_item_data in _tracks:
            tracks_item = Track.from_dict(tracks_item_data)

            tracks.append(tracks_item)

        def _parse_attention(data: object) -> AttentionGrid | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                attention_type_0 = AttentionGrid.from_dict(data)

                return attention_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AttentionGrid | None | Unset, data)

        attention = _parse_attention(d.pop("attention", UNSET))

        def _parse_genre_look(data: object) -> None | PlaylistGenreLookType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                genre_look_type_0 = PlaylistGenreLookType0.from_dict(data)

                return genre_look_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlaylistGenreLookType0 | Unset, data)

        genre_look = _parse_genre_look(d.pop("genre_look", UNSET))

        def _parse_mood(data: object) -> None | PhotoMood | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                mood_type_0 = PhotoMood.from_dict(data)

                return mood_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PhotoMood | Unset, data)

        mood = _parse_mood(d.pop("mood", UNSET))

        _photos = d.pop("photos", UNSET)
        photos: list[PlaylistPhoto] | Unset = UNSET
        if _photos is not UNSET:
            photos = []
            for photos_item_data in _photos:
                photos_item = PlaylistPhoto.from_dict(photos_item_data)

                photos.append(photos_item)

        def _parse_spotify(data: object) -> None | SpotifyPlaylistRef | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                spotify_type_0 = SpotifyPlaylistRef.from_dict(data)

                return spotify_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SpotifyPlaylistRef | Unset, data)

        spotify = _parse_spotify(d.pop("spotify", UNSET))

        spotify_pending = d.pop("spotify_pending", UNSET)

        takes = cast(list[str], d.pop("takes", UNSET))

        warnings = cast(list[str], d.pop("warnings", UNSET))

        playlist = cls(
            created_at=created_at,
            features=features,
            genres=genres,
            id=id,
            mode=mode,
            model_version=model_version,
            tracks=tracks,
            attention=attention,
            genre_look=genre_look,
            mood=mood,
            photos=photos,
            spotify=spotify,
            spotify_pending=spotify_pending,
            takes=takes,
            warnings=warnings,
        )

        playlist.additional_properties = d
        return playlist

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
