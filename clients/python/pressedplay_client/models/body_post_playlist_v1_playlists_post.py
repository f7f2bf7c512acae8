from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..models.body_post_playlist_v1_playlists_post_mode import BodyPostPlaylistV1PlaylistsPostMode
from ..models.body_post_playlist_v1_playlists_post_order import BodyPostPlaylistV1PlaylistsPostOrder
from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast


T = TypeVar("T", bound="BodyPostPlaylistV1PlaylistsPost")


@_attrs_define
class BodyPostPlaylistV1PlaylistsPost:
    """
    Attributes:
        image (list[File]): The photo (JPEG, PNG, WebP ...), at most the photo limit; repeat the part for an album of up
            to 30 photos, one playlist that moves with them in their order.
        genres (None | str | Unset):
        mode (BodyPostPlaylistV1PlaylistsPostMode | Unset): match the photo, boost its energy, or calm it. Default:
            BodyPostPlaylistV1PlaylistsPostMode.MATCH.
        n (int | Unset): How many tracks. Default: 20.
        order (BodyPostPlaylistV1PlaylistsPostOrder | Unset): An album's order: as given, or as taken (EXIF
            DateTimeOriginal, then given). Default: BodyPostPlaylistV1PlaylistsPostOrder.GIVEN.
    """

    image: list[File]
    genres: None | str | Unset = UNSET
    mode: BodyPostPlaylistV1PlaylistsPostMode | Unset = BodyPostPlaylistV1PlaylistsPostMode.MATCH
    n: int | Unset = 20
    order: BodyPostPlaylistV1PlaylistsPostOrder | Unset = BodyPostPlaylistV1PlaylistsPostOrder.GIVEN
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = []
        for image_item_data in self.image:
            image_item = image_item_data.to_tuple()

            image.append(image_item)

        genres: None | str | Unset
        if isinstance(self.genres, Unset):
            genres = UNSET
        else:
            genres = self.genres

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        n = self.n

        order: str | Unset = UNSET
        if not isinstance(self.order, Unset):
            order = self.order.value

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
        if order is not UNSET:
            field_dict["order"] = order

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        for image_item_element in self.image:
            files.append(("image", image_item_element.to_tuple()))

        if not isinstance(self.genres, Unset):
            if isinstance(self.genres, str):
                files.append(("genres", (None, str(self.genres).encode(), "text/plain")))
            else:
                files.append(("genres", (None, str(self.genres).encode(), "text/plain")))

        if not isinstance(self.mode, Unset):
            files.append(("mode", (None, str(self.mode.value).encode(), "text/plain")))

        if not isinstance(self.n, Unset):
            files.append(("n", (None, str(self.n).encode(), "text/plain")))

        if not isinstance(self.order, Unset):
            files.append(("order", (None, str(self.order.value).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = []
        _image = d.pop("image")
        for image_item_data in _image:
            image_item = File(payload=BytesIO(image_item_data))

            image.append(image_item)

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

        _order = d.pop("order", UNSET)
        order: BodyPostPlaylistV1PlaylistsPostOrder | Unset
        if isinstance(_order, Unset):
            order = UNSET
        else:
            order = BodyPostPlaylistV1PlaylistsPostOrder(_order)

        body_post_playlist_v1_playlists_post = cls(
            image=image,
            genres=genres,
            mode=mode,
            n=n,
            order=order,
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
