from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..models.body_post_playlist_v1_playlists_post_mode import BodyPostPlaylistV1PlaylistsPostMode
from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast


T = TypeVar("T", bound="BodyPostPlaylistV1PlaylistsPost")


@_attrs_define
class BodyPostPlaylistV1PlaylistsPost:
    """
    Attributes:
        image (File): The photo (JPEG, PNG, WebP ...), at most the upload limit.
        genres (None | str | Unset):
        mode (BodyPostPlaylistV1PlaylistsPostMode | Unset): match the photo, boost its energy, or calm it. Default:
            BodyPostPlaylistV1PlaylistsPostMode.MATCH.
        n (int | Unset): How many tracks. Default: 20.
    """

    image: File
    genres: None | str | Unset = UNSET
    mode: BodyPostPlaylistV1PlaylistsPostMode | Unset = BodyPostPlaylistV1PlaylistsPostMode.MATCH
    n: int | Unset = 20
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        genres: None | str | Unset
        if isinstance(self.genres, Unset):
            genres = UNSET
        else:
            genres = self.genres

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        n = self.n

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
            }
        )
        if genres is not UNSET:
            field_dict["genres"] = genres
        if mode is not UNSET:
            field_dict["mode"] = mode
        if n is not UNSET:
            field_dict["n"] = n

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.genres, Unset):
            if isinstance(self.genres, str):
                files.append(("genres", (None, str(self.genres).encode(), "text/plain")))
            else:
                files.append(("genres", (None, str(self.genres).encode(), "text/plain")))

        if not isinstance(self.mode, Unset):
            files.append(("mode", (None, str(self.mode.value).encode(), "text/plain")))

        if not isinstance(self.n, Unset):
            files.append(("n", (None, str(self.n).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = File(payload=BytesIO(d.pop("image")))

        def _parse_genres(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        genres = _parse_genres(d.pop("genres", UNSET))

        _mode = d.pop("mode", UNSET)
        mode: BodyPostPlaylistV1PlaylistsPostMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = BodyPostPlaylistV1PlaylistsPostMode(_mode)

        n = d.pop("n", UNSET)

        body_post_playlist_v1_playlists_post = cls(
            image=image,
            genres=genres,
            mode=mode,
            n=n,
        )

        body_post_playlist_v1_playlists_post.additional_properties = d
        return body_post_playlist_v1_playlists_post

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
