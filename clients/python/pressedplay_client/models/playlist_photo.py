from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
    from ..models.audio_features import AudioFeatures
    from ..models.photo_mood import PhotoMood
    from ..models.playlist_photo_genre_look_type_0 import PlaylistPhotoGenreLookType0


T = TypeVar("T", bound="PlaylistPhoto")


@_attrs_define
class PlaylistPhoto:
    """One photo a playlist was made from: what the model read in it, and when it was taken when the photo says.

    Attributes:
        features (AudioFeatures): The 8 Spotify audio features in Spotify's own units (loudness in dB, the rest in [0,
            1]).
        index (int): Its place among the photos as they were sent, from 0.
        filename (None | str | Unset):
        genre_look (None | PlaylistPhotoGenreLookType0 | Unset): How much the photo looks like the album covers of each
            genre; sums to 1.
        mood (None | PhotoMood | Unset): Absent for models without a mood head.
        taken_at (datetime.datetime | None | Unset): EXIF DateTimeOriginal: the camera's local time, without a zone.
    """

    features: AudioFeatures
    index: int
    filename: None | str | Unset = UNSET
    genre_look: None | PlaylistPhotoGenreLookType0 | Unset = UNSET
    mood: None | PhotoMood | Unset = UNSET
    taken_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audio_features import AudioFeatures  # noqa: PLC0415
        from ..models.photo_mood import PhotoMood  # noqa: PLC0415
        from ..models.playlist_photo_genre_look_type_0 import PlaylistPhotoGenreLookType0  # noqa: PLC0415

        features = self.features.to_dict()

        index = self.index

        filename: None | str | Unset
        if isinstance(self.filename, Unset):
            filename = UNSET
        else:
            filename = self.filename

        genre_look: dict[str, Any] | None | Unset
        if isinstance(self.genre_look, Unset):
            genre_look = UNSET
        elif isinstance(self.genre_look, PlaylistPhotoGenreLookType0):
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

        taken_at: None | str | Unset
        if isinstance(self.taken_at, Unset):
            taken_at = UNSET
        elif isinstance(self.taken_at, datetime.datetime):
            taken_at = self.taken_at.isoformat()
        else:
            taken_at = self.taken_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "features": features,
                "index": index,
            }
        )
        if filename is not UNSET:
            field_dict["filename"] = filename
        if genre_look is not UNSET:
            field_dict["genre_look"] = genre_look
        if mood is not UNSET:
            field_dict["mood"] = mood
        if taken_at is not UNSET:
            field_dict["taken_at"] = taken_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audio_features import AudioFeatures  # noqa: PLC0415
        from ..models.photo_mood import PhotoMood  # noqa: PLC0415
        from ..models.playlist_photo_genre_look_type_0 import PlaylistPhotoGenreLookType0  # noqa: PLC0415

        d = dict(src_dict)
        features = AudioFeatures.from_dict(d.pop("features"))

        index = d.pop("index")

        def _parse_filename(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        filename = _parse_filename(d.pop("filename", UNSET))

        def _parse_genre_look(data: object) -> None | PlaylistPhotoGenreLookType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                genre_look_type_0 = PlaylistPhotoGenreLookType0.from_dict(data)

                return genre_look_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlaylistPhotoGenreLookType0 | Unset, data)

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

        def _parse_taken_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                taken_at_type_0 = datetime.datetime.fromisoformat(data)

                return taken_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        taken_at = _parse_taken_at(d.pop("taken_at", UNSET))

        playlist_photo = cls(
            features=features,
            index=index,
            filename=filename,
            genre_look=genre_look,
            mood=mood,
            taken_at=taken_at,
        )

        playlist_photo.additional_properties = d
        return playlist_photo

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
