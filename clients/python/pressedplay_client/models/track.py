from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
    from ..models.audio_features import AudioFeatures


T = TypeVar("T", bound="Track")


@_attrs_define
class Track:
    """One track of a playlist, with a link to open it in Spotify.

    Attributes:
        artist (str):
        features (AudioFeatures): The 8 Spotify audio features in Spotify's own units (loudness in dB, the rest in [0,
            1]).
        id (str):
        name (str):
        uri (str):
        url (str):
        why (str):
        album (None | str | Unset):
        distance (float | None | Unset):
        genres (list[str] | Unset):
        photo (int | None | Unset): The `index` of the photo (in `photos`) it was chosen for.
    """

    artist: str
    features: AudioFeatures
    id: str
    name: str
    uri: str
    url: str
    why: str
    album: None | str | Unset = UNSET
    distance: float | None | Unset = UNSET
    genres: list[str] | Unset = UNSET
    photo: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audio_features import AudioFeatures  # noqa: PLC0415

        artist = self.artist

        features = self.features.to_dict()

        id = self.id

        name = self.name

        uri = self.uri

        url = self.url

        why = self.why

        album: None | str | Unset
        if isinstance(self.album, Unset):
            album = UNSET
        else:
            album = self.album

        distance: float | None | Unset
        if isinstance(self.distance, Unset):
            distance = UNSET
        else:
            distance = self.distance

        genres: list[str] | Unset = UNSET
        if not isinstance(self.genres, Unset):
            genres = self.genres

        photo: int | None | Unset
        if isinstance(self.photo, Unset):
            photo = UNSET
        else:
            photo = self.photo

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "artist": artist,
                "features": features,
                "id": id,
                "name": name,
                "uri": uri,
                "url": url,
                "why": why,
            }
        )
        if album is not UNSET:
            field_dict["album"] = album
        if distance is not UNSET:
            field_dict["distance"] = distance
        if genres is not UNSET:
            field_dict["genres"] = genres
        if photo is not UNSET:
            field_dict["photo"] = photo

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audio_features import AudioFeatures  # noqa: PLC0415

        d = dict(src_dict)
        artist = d.pop("artist")

        features = AudioFeatures.from_dict(d.pop("features"))

        id = d.pop("id")

        name = d.pop("name")

        uri = d.pop("uri")

        url = d.pop("url")

        why = d.pop("why")

        def _parse_album(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        album = _parse_album(d.pop("album", UNSET))

        def _parse_distance(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        distance = _parse_distance(d.pop("distance", UNSET))

        genres = cast(list[str], d.pop("genres", UNSET))

        def _parse_photo(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        photo = _parse_photo(d.pop("photo", UNSET))

        track = cls(
            artist=artist,
            features=features,
            id=id,
            name=name,
            uri=uri,
            url=url,
            why=why,
            album=album,
            distance=distance,
            genres=genres,
            photo=photo,
        )

        track.additional_properties = d
        return track

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
